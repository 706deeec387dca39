"""How close `pypolicy annotate draft` comes to the hand annotations.

    .venv/bin/python bench/bench_draft.py            # every annotated text
    .venv/bin/python bench/bench_draft.py -v         # also list misses and extras

Drafts every annotated text (the five examples, converters/annotations/ with
examples/sources/; the team's synthetic policies, examples/synthetic/complete.policy.yaml
and examples/synthetic/annotations/; the held-out texts examples/synthetic/heldout/,
written after the lexicon and reported apart, all together and by the batch they were
written in, batches.yaml) and compares the draft with the hand
annotation, per document and overall:

- statements: recall is the share of annotated statements for which the draft proposes a
  statement of the same modality class (does/may; does not; only if), an action on the
  same branch of the action hierarchy, and a data category with the same top-level
  category (the categories just below personalData), or, for a statement of the same
  sentence, personal data in general on one side and any data on the other; precision is
  the share of proposed statements that match an annotated one in the same way;
- retention rules (matched on a period in common, else on a criterion in common),
  recipients (parties that receive data in some statement or transfer, matched on a role
  equal to or narrower than the annotated one), rights (the right), contact points
  (channel and value: e-mail addresses and telephone digits exactly, postal addresses on
  their numbers; a web address exactly; a channel given without an address, such as "a
  support ticket from your dashboard", on the channel alone, its value being a description
  in the annotator's words), service kinds and audiences (the kind of service; the kind
  of person; scored only for annotations that have them): recall and
  precision each;
- the time to draft each text.

Only what the text states is scored: a hand entry whose every evidence quote is missing
from the text (``complete.policy.yaml`` is a document written directly, and much of it
rests on no sentence of ``northwind.txt``), and a contact point whose address the text
does not give, cannot be drafted from it; they are left out and counted apart
("not in the text"). A retention rule that says "indefinitely" is matched on that.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypolicy.annotation.draft.assemble import draft_document  # noqa: E402
from pypolicy.annotation.draft.text import PolicyText  # noqa: E402
from pypolicy.annotation.outline import read_outline  # noqa: E402
from pypolicy.format.vocabulary import vocabulary  # noqa: E402

_CLASS = {"does": "positive", "may": "positive", "doesNot": "negative", "onlyIf": "onlyIf"}


@dataclass
class Corpus:
    name: str
    text: str
    hand: dict[str, Any]
    held_out: bool = False
    batch: int = 0  # which held-out batch (examples/synthetic/heldout/batches.yaml)


def corpus() -> list[Corpus]:
    items: list[Corpus] = []
    for path in sorted((ROOT / "converters" / "annotations").glob("*.yaml")):
        annotation = yaml.safe_load(path.read_text("utf-8"))
        source = (path.parent / annotation["source"]["file"]).resolve()
        items.append(Corpus(path.stem, source.read_text("utf-8"), annotation["document"]))
    synthetic = ROOT / "examples" / "synthetic" / "complete.policy.yaml"
    if synthetic.is_file():
        document = yaml.safe_load(synthetic.read_text("utf-8"))
        source = synthetic.parent / document["source"]["file"]
        items.append(Corpus("synthetic", source.read_text("utf-8"), document))
    for path in sorted((ROOT / "examples" / "synthetic" / "annotations").glob("*.yaml")):
        annotation = yaml.safe_load(path.read_text("utf-8"))
        source = (path.parent / annotation["source"]["file"]).resolve()
        items.append(Corpus(path.name.split(".")[0], source.read_text("utf-8"),
                            annotation["document"]))
    held_out = ROOT / "examples" / "synthetic" / "heldout"
    batches = {name: entry["batch"] for entry in
               yaml.safe_load((held_out / "batches.yaml").read_text("utf-8"))
               for name in entry["texts"]} if (held_out / "batches.yaml").is_file() else {}
    for path in sorted(held_out.glob("*.annotation.yaml")):
        annotation = yaml.safe_load(path.read_text("utf-8"))
        source = path.parent / annotation["source"]["file"]
        name = path.name.split(".")[0]
        items.append(Corpus(name, source.read_text("utf-8"), annotation["document"],
                            held_out=True, batch=batches.get(name, 0)))
    return items


def _normal(text: str) -> str:
    return " ".join(text.split())


def _in_text(entry: dict[str, Any], text: str) -> bool:
    """Whether the entry rests on the text: some evidence quote occurs in it, or it
    quotes nothing (an inference, which the draft may still make)."""
    quotes = [_normal(e["quote"]) for e in entry.get("evidence", ()) if e.get("quote")]
    return not quotes or any(q in text for q in quotes)


def _address_in_text(point: dict[str, Any], text: str, words: set[str]) -> bool:
    """Whether the text gives the contact point's address (a description is always
    "given": it is matched on its channel)."""
    channel, value = point["channel"], str(point["value"])
    if channel == "email":
        return value.lower() in text.lower()
    if channel == "phone":
        return re.sub(r"[^0-9]", "", value) in re.sub(r"[^0-9]", "", text)
    if channel == "postal":
        value_words = re.findall(r"[a-z0-9]+", value.lower())
        numbered = [w for w in value_words if any(c.isdigit() for c in w)]
        return all(w in words for w in numbered) and \
            sum(w in words for w in value_words) * 2 >= len(value_words)
    return True


def stated(hand: dict[str, Any], text: str) -> tuple[dict[str, Any], int]:
    """The hand document cut to what the text states, and how many entries were cut."""
    normal = _normal(text)
    words = set(re.findall(r"[a-z0-9]+", text.lower()))
    cut = 0
    result = dict(hand)
    for key in ("statements", "retention", "rights", "transfers"):
        kept = [e for e in hand.get(key, ()) if _in_text(e, normal)]
        cut += len(hand.get(key, ())) - len(kept)
        result[key] = kept
    for key in ("provider", "dataProtectionOfficer", "representative"):
        holder = hand.get(key)
        if holder and holder.get("contacts"):
            points = [c for c in holder["contacts"] if _address_in_text(c, text, words)]
            cut += len(holder["contacts"]) - len(points)
            result[key] = {**holder, "contacts": points}
    officers = []
    for officer in hand.get("officers", ()):
        points = [c for c in officer.get("contacts", ()) if _address_in_text(c, text, words)]
        cut += len(officer.get("contacts", ())) - len(points)
        officers.append({**officer, "contacts": points})
    result["officers"] = officers
    return result, cut


def draft(text: str, name: str) -> dict[str, Any]:
    reading = read_outline(text)
    policy = PolicyText(text, reading.sections)
    return draft_document(policy, doc_id=name, title=None, language=None,
                          last_updated=None, fallback_name=name).document


# ------------------------------------------------------------------ matching

def _top_categories(category: str) -> set[str]:
    v = vocabulary()
    tops = {t for t in v.ancestors(category) if "personalData" in v.terms[t].broader}
    return tops or {category}


# A statement's key: modality class, actions, top data categories, and the sentences it
# quotes (the first is shown)
StatementKey = tuple[str, set[str], set[str], tuple[str, ...]]


def _statement_keys(document: dict[str, Any]) -> list[StatementKey]:
    categories = {d["id"]: d["categories"] for d in document.get("dataCategories", ())}
    keys = []
    for statement in document.get("statements", ()):
        tops = {t for ref in statement.get("data", ()) for c in categories.get(ref, ())
                for t in _top_categories(c)}
        quotes = tuple(e["quote"] for e in statement.get("evidence", ()) if e.get("quote"))
        keys.append((_CLASS[statement["modality"]], set(statement["actions"]), tops, quotes))
    return keys


def _actions_match(a: set[str], b: set[str]) -> bool:
    v = vocabulary()
    return any(v.is_within(x, y) or v.is_within(y, x) for x in a for y in b)


_GENERAL = {"personalData"}  # "your personal information": no category named


def _statement_match(hand: StatementKey, drafted: StatementKey) -> bool:
    """Same modality class, actions on one branch, and data in common at the top of the
    hierarchy; data stated as personal data in general on one side ("Your personal
    information is not sold", which an annotator may write out as the entries the policy
    describes) matches any data of a statement quoting the same sentence (any of the
    sentences the statement quotes: "It includes data you provide when you:" and "Send us
    some feedback" are both the hand statement's)."""
    if hand[0] != drafted[0] or not _actions_match(hand[1], drafted[1]):
        return False
    if bool(hand[2] & drafted[2]) or not hand[2]:
        return True
    same_sentence = any(h in d or d in h for h in hand[3] for d in drafted[3])
    return same_sentence and _GENERAL in (hand[2], drafted[2])


def _recipients(document: dict[str, Any]) -> list[tuple[str, set[str]]]:
    parties = {p["id"]: p for p in document.get("parties", ())}
    refs = {r for s in document.get("statements", ()) for r in s.get("recipients", ())}
    refs |= {r for t in document.get("transfers", ()) for r in t.get("recipients", ())}
    return [(parties[r]["name"], set(parties[r]["roles"])) for r in sorted(refs) if r in parties]


def _roles_match(hand: tuple[str, set[str]], drafted: tuple[str, set[str]]) -> bool:
    v = vocabulary()
    return any(v.is_within(d, h) for d in drafted[1] for h in hand[1])


def _retention(document: dict[str, Any]) -> list[tuple[set[str], set[str]]]:
    rules = []
    for rule in document.get("retention", ()):
        periods = {rule["duration"]} if rule.get("duration") else set()
        periods |= set((rule.get("period") or {}).values())
        criteria = set(rule.get("criteria", ()))
        if rule.get("indefinite"):
            criteria.add("indefinite")
        rules.append((periods, criteria))
    return rules


def _retention_match(hand: tuple[set[str], set[str]], drafted: tuple[set[str], set[str]]) -> bool:
    if hand[0]:
        return bool(hand[0] & drafted[0])
    return not drafted[0] and bool(hand[1] & drafted[1])


def _contacts(document: dict[str, Any]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    holders = [document.get("provider", {}), document.get("dataProtectionOfficer") or {},
               document.get("representative") or {}, *document.get("officers", ())]
    for holder in holders:
        for point in holder.get("contacts", ()):
            key = _contact_key(point["channel"], point["value"])
            if key not in found:
                found.append(key)
    return found


def _contact_key(channel: str, value: str) -> tuple[str, str]:
    if channel == "email":
        return channel, value.lower().strip()
    if channel in ("phone", "postal"):
        return channel, " ".join(re.findall(r"[0-9]+", value)) or value.lower()
    if not re.match(r"(?i)https?://|www\.", value.strip()):
        return channel, ""  # a description in the annotator's words: the channel is the key
    return channel, value.lower()


@dataclass
class Score:
    hand: int = 0
    drafted: int = 0
    recalled: int = 0
    precise: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.hand += other.hand
        self.drafted += other.drafted
        self.recalled += other.recalled
        self.precise += other.precise

    def text(self) -> str:
        recall = f"{self.recalled / self.hand:6.1%}" if self.hand else "    - "
        precision = f"{self.precise / self.drafted:6.1%}" if self.drafted else "    - "
        return f"R {recall} ({self.recalled:>3}/{self.hand:<3}) P {precision} " \
               f"({self.precise:>3}/{self.drafted:<3})"


def score(hand: list[Any], drafted: list[Any], match: Callable[[Any, Any], bool],
          shown: Callable[[Any], str] = str) -> Score:
    result = Score(len(hand), len(drafted))
    for h in hand:
        if any(match(h, d) for d in drafted):
            result.recalled += 1
        else:
            result.misses.append(shown(h))
    for d in drafted:
        if any(match(h, d) for h in hand):
            result.precise += 1
        else:
            result.extras.append(shown(d))
    return result


KINDS: dict[str, tuple[Callable[[dict[str, Any]], list[Any]], Callable[[Any, Any], bool]]] = {
    "statements": (_statement_keys, _statement_match),
    "retention": (_retention, _retention_match),
    "recipients": (_recipients, _roles_match),
    "rights": (lambda d: sorted({r["right"] for r in d.get("rights", ())}),
               lambda a, b: a == b),
    "contacts": (_contacts, lambda a, b: a == b),
    "services": (lambda d: sorted((d.get("service") or {}).get("serviceKinds", ())),
                 lambda a, b: a == b),
    "audiences": (lambda d: sorted({a["subject"] for a in d.get("audiences", ())}),
                  lambda a, b: a == b),
}


# Kinds scored only where the hand annotation has the property (some annotations leave the
# scope of the policy out altogether, which says nothing of what the text covers)
ANNOTATED_APART = {"services": "service", "audiences": "audiences"}


def _show(item: Any) -> str:
    if isinstance(item, tuple) and len(item) == 4:
        quote = item[3][0] if item[3] else ""
        return f"{item[0]} {sorted(item[1])} {sorted(item[2])} | {quote[:90]}"
    return str(item)


def _groups(item: Corpus) -> list[str]:
    """The totals an item counts in: the examples and synthetic policies, or the held-out
    texts (all of them, and its batch)."""
    if not item.held_out:
        return ["overall (examples and synthetic)"]
    return ["held out (written after the lexicon), all batches",
            f"held out, batch {item.batch or '?'}"]


def run(items: Iterable[Corpus], verbose: bool) -> None:
    totals: dict[str, dict[str, Score]] = {}
    cut_total: dict[str, int] = {}
    for item in items:
        started = time.perf_counter()
        document = draft(item.text, item.name)
        elapsed = time.perf_counter() - started
        label = item.name + (f" (held out, batch {item.batch or '?'})" if item.held_out
                             else "")
        hand, cut = stated(item.hand, item.text)
        for group in _groups(item):
            cut_total[group] = cut_total.get(group, 0) + cut
            totals.setdefault(group, {k: Score() for k in KINDS})
        print(f"{label}: {len(item.text.encode('utf-8')) / 1024:.1f} KB drafted in "
              f"{elapsed:.2f} s" + (f"; {cut} hand entries not in the text" if cut else ""))
        for kind, (extract, match) in KINDS.items():
            if kind in ANNOTATED_APART and ANNOTATED_APART[kind] not in hand:
                continue  # the hand annotation does not cover it: nothing to compare
            result = score(extract(hand), extract(document), match, _show)
            for group in _groups(item):
                totals[group][kind].add(result)
            print(f"  {kind:<11} {result.text()}")
            if verbose:
                for miss in result.misses:
                    print(f"      missed: {miss}")
                for extra in result.extras:
                    print(f"      extra:  {extra}")
    for title in sorted(totals, key=lambda t: (t.startswith("held"), t)):
        print(title + (f" ({cut_total[title]} hand entries not in the text left out)"
                       if cut_total[title] else ""))
        for kind, result in totals[title].items():
            print(f"  {kind:<11} {result.text()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and extras")
    parser.add_argument("only", nargs="*", help="only these documents (by name)")
    args = parser.parse_args(argv)
    items = [c for c in corpus() if not args.only or c.name in args.only]
    draft("warm-up.", "warm-up")  # the lexicon and lists load once, as in a process
    run(items, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
