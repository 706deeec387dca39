"""How well the validator judges: its findings on every annotated document, scored
against the reviewed expectations in tests/expectations/.

    .venv/bin/python bench/score_findings.py            # a table per document and overall
    .venv/bin/python bench/score_findings.py --details  # and every finding to review
    .venv/bin/python bench/score_findings.py --json     # the figures as JSON
    .venv/bin/python bench/score_findings.py --record   # write them as each file's guard

Each expectations file (one per annotated document) was written by reading the source
text as a privacy lawyer would. It lists the findings a careful reviewer expects
(``expected``: rule, place, why, legal reference), findings reviewed and accepted though
not demanded (``accepted``), findings that must not appear (``mustNot``: known false
positives, and findings citing law that does not apply), and problems the document cannot
yet express (``notRepresentable``, left out of the figures). Per document and overall it
prints:

- recall: the expected findings reported, out of those expected;
- to review: findings that match nothing in the file (neither expected nor accepted);
- duplicates: findings that repeat a problem another finding already reports (a second
  finding matching the same item, or a finding of a rule named in the item's
  ``repeatedBy``);
- must-not: findings the file says must not appear (``pending`` ones are known and
  awaiting a fix, and do not fail the guard);
- severity: expected findings reported at another severity than the file says;
- foreign law: findings citing law the file says does not apply to the document;
- regimes: whether the regimes applied are the ones the file lists (``regimes``).

An item's ``at`` lists places (entry ids or JSON pointers such as /provider); a finding
matches when it cites every one of them (``match: any``: at least one). Without ``at``
an item matches anywhere in the document. ``says`` lists words the matching findings'
messages must contain between them for the item to count as reported.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypolicy.core.findings import Finding  # noqa: E402
from pypolicy.format.loader import load_path  # noqa: E402
from pypolicy.validation.engine import Config, validate_path  # noqa: E402

EXPECTATIONS = ROOT / "tests" / "expectations"


@dataclass(frozen=True)
class Item:
    """One reviewed finding, expected, accepted or forbidden."""

    kind: str  # expected, accepted or mustNot
    rule: str
    why: str
    at: tuple[str, ...] = ()
    match_any: bool = False
    says: tuple[str, ...] = ()
    repeated_by: tuple[str, ...] = ()
    severity: str | None = None
    law: str | None = None
    pending: str | None = None  # a known must-not finding awaiting its fix

    def label(self) -> str:
        places = (" any of " if self.match_any else " at ") + ", ".join(self.at) \
            if self.at else ""
        return f"{self.rule}{places}"


@dataclass(frozen=True)
class Expectations:
    name: str
    path: Path
    document: Path
    items: tuple[Item, ...]
    guard: dict[str, Any]
    foreign_law: tuple[str, ...]
    regimes: tuple[str, ...] | None  # the regimes a reviewer applies, when listed


@dataclass
class Score:
    """The figures for one document (or, summed, for all)."""

    name: str
    expected: int = 0
    reported: list[Item] = field(default_factory=list)
    missed: list[Item] = field(default_factory=list)
    to_review: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    must_not: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    severity: list[str] = field(default_factory=list)
    foreign_law: list[str] = field(default_factory=list)
    regimes: list[str] = field(default_factory=list)  # disagreements on the law applied
    findings: int = 0

    @property
    def recall(self) -> float:
        return len(self.reported) / self.expected if self.expected else 1.0

    def figures(self) -> dict[str, Any]:
        return {"findings": self.findings, "expected": self.expected,
                "reported": len(self.reported), "recall": round(self.recall, 3),
                "toReview": len(self.to_review), "duplicates": len(self.duplicates),
                "mustNot": len(self.must_not), "pending": len(self.pending),
                "severity": len(self.severity), "foreignLaw": len(self.foreign_law),
                "regimes": len(self.regimes)}


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def load_expectations(path: Path) -> Expectations:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = []
    for kind in ("expected", "accepted", "mustNot"):
        for raw in data.get(kind) or ():
            items.append(Item(kind, raw["rule"], raw["why"], _strings(raw.get("at")),
                              raw.get("match") == "any", _strings(raw.get("says")),
                              _strings(raw.get("repeatedBy")), raw.get("severity"),
                              raw.get("law"), raw.get("pending")))
    regimes = data.get("regimes")
    return Expectations(path.stem, path, ROOT / data["document"], tuple(items),
                        dict(data.get("guard") or {}), _strings(data.get("foreignLaw")),
                        None if regimes is None else _strings(regimes))


def all_expectations(folder: Path = EXPECTATIONS) -> list[Expectations]:
    return [load_expectations(p) for p in sorted(folder.glob("*.yaml"))]


def places_of(finding: Finding, data: dict[str, Any]) -> set[str]:
    """The pointers a finding cites (its own and its quotes'), with the ids of the entries
    they point at, and ``document`` for the document root."""
    pointers = {*finding.pointers, *(q.pointer for q in finding.quotes)}
    places = set(pointers)
    for pointer in pointers:
        if pointer == "":
            places.add("document")
            continue
        node: Any = data
        for token in pointer.lstrip("/").split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            elif isinstance(node, dict) and token in node:
                node = node[token]
            else:
                node = None
                break
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                places.add(node["id"])
    return places


def _matches(item: Item, finding: Finding, places: set[str], *, own_rule: bool) -> bool:
    codes = (item.rule,) if own_rule else item.repeated_by
    if finding.code not in codes and finding.name not in codes:
        return False
    if not item.at:
        return True
    hits = [p in places for p in item.at]
    return any(hits) if item.match_any else all(hits)


def describe(finding: Finding, places: Iterable[str]) -> str:
    shown = sorted(p for p in places if not p.startswith("/") and p != "document") or \
        sorted(places)
    return f"{finding.severity.label} {finding.code} [{', '.join(shown)}] {finding.message}"


def score(expectations: Expectations, config: Config | None = None) -> Score:
    result = validate_path(str(expectations.document), config or Config())
    if not result.usable:
        raise SystemExit(f"{expectations.document}: {result.error}")
    data = load_path(str(expectations.document)).data
    out = Score(expectations.name, findings=len(result.findings))
    if expectations.regimes is not None:
        applied = [d.regime for d in result.regimes if d.applied]
        if set(applied) != set(expectations.regimes):
            out.regimes.append(f"applied {', '.join(applied) or 'none'}; the reviewer applies"
                               f" {', '.join(expectations.regimes) or 'none'}")
    items = expectations.items
    expected = [i for i in items if i.kind == "expected"]
    out.expected = len(expected)
    matched: dict[Item, list[Finding]] = {i: [] for i in items}
    for finding in result.findings:
        places = places_of(finding, data)
        text = describe(finding, places)
        for pattern in expectations.foreign_law:
            if finding.legal_reference and re.search(pattern, finding.legal_reference):
                out.foreign_law.append(f"{text} (cites {finding.legal_reference})")
                break
        forbidden = [i for i in items if i.kind == "mustNot" and
                     _matches(i, finding, places, own_rule=True)]
        if forbidden:
            (out.pending if forbidden[0].pending else out.must_not).append(text)
            continue
        owners = [i for i in items if i.kind != "mustNot" and
                  _matches(i, finding, places, own_rule=True)]
        repeats = [i for i in items if i.kind != "mustNot" and
                   _matches(i, finding, places, own_rule=False)]
        if not owners and not repeats:
            out.to_review.append(text)
            continue
        # a duplicate adds nothing: every item it reports was reported already, or it is
        # a rule that repeats what another rule's item says
        fresh = [i for i in owners if not matched[i]]
        if not fresh:
            repeated = (owners or repeats)[0]
            out.duplicates.append(f"{text} (repeats {repeated.label()})")
        for item in owners or repeats[:1]:
            matched[item].append(finding)
    for item in expected:
        found = [f for f in matched[item] if f.code == item.rule or f.name == item.rule]
        said = " ".join(f.message for f in found).lower()
        if found and all(word.lower() in said for word in item.says):
            out.reported.append(item)
            if item.severity and found[0].severity.label != item.severity:
                out.severity.append(f"{item.label()}: {found[0].severity.label},"
                                    f" expected {item.severity}")
        else:
            out.missed.append(item)
    return out


GUARDED = ("recall", "duplicates", "toReview", "pending", "foreignLaw")


def record_guard(path: Path, figures: Score) -> None:
    """Rewrite the ``guard:`` line of an expectations file with the current figures."""
    values = figures.figures()
    line = "guard: {" + ", ".join(f"{k}: {values[k]}" for k in GUARDED) + "}"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^guard: \{.*\}$", line, text)
    path.write_text(text, encoding="utf-8")


def total(scores: Sequence[Score]) -> Score:
    overall = Score("overall")
    for s in scores:
        overall.expected += s.expected
        overall.findings += s.findings
        for name in ("reported", "missed", "to_review", "duplicates", "must_not", "pending",
                     "severity", "foreign_law", "regimes"):
            getattr(overall, name).extend(getattr(s, name))
    return overall


def print_table(scores: Sequence[Score], details: bool) -> None:
    header = (f"{'document':<22}{'findings':>9}{'recall':>14}{'to review':>11}"
              f"{'duplicates':>12}{'must-not':>10}{'pending':>9}{'severity':>10}{'law':>5}"
              f"{'regimes':>9}")
    print(header)
    for s in [*scores, total(scores)]:
        recall = f"{len(s.reported)}/{s.expected} {s.recall:4.0%}"
        print(f"{s.name:<22}{s.findings:>9}{recall:>14}{len(s.to_review):>11}"
              f"{len(s.duplicates):>12}{len(s.must_not):>10}{len(s.pending):>9}"
              f"{len(s.severity):>10}{len(s.foreign_law):>5}{len(s.regimes):>9}")
    if not details:
        return
    for s in scores:
        lines = [*(f"  missed: {i.label()} ({i.why})" for i in s.missed),
                 *(f"  to review: {t}" for t in s.to_review),
                 *(f"  duplicate: {t}" for t in s.duplicates),
                 *(f"  MUST NOT: {t}" for t in s.must_not),
                 *(f"  pending must-not: {t}" for t in s.pending),
                 *(f"  severity: {t}" for t in s.severity),
                 *(f"  foreign law: {t}" for t in s.foreign_law),
                 *(f"  regimes: {t}" for t in s.regimes)]
        if lines:
            print(f"\n{s.name}")
            print("\n".join(lines))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--details", action="store_true", help="list every finding to review")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--record", action="store_true",
                        help="record the current figures as each file's guard")
    parser.add_argument("--expectations", type=Path, default=EXPECTATIONS,
                        help="folder of expectations files (default tests/expectations)")
    args = parser.parse_args(argv)
    expectations = all_expectations(args.expectations)
    scores = [score(e) for e in expectations]
    if args.record:
        for each, measured in zip(expectations, scores, strict=True):
            record_guard(each.path, measured)
    if args.json:
        figures = {s.name: s.figures() for s in scores}
        figures["overall"] = total(scores).figures()
        print(json.dumps(figures, indent=2))
    else:
        print_table(scores, args.details)
    return 0


if __name__ == "__main__":
    sys.exit(main())
