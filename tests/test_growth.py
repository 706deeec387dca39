"""Bounded work on large documents (issue 18), checked without timing anything: the
statement index finds what trying every pair finds, comparisons grow with the document
and not its square, a rule lists a bounded number of findings and counts the rest, the
"did you mean" search looks at a bounded shortlist, diff pairs statements through an
index, and a page numbers many entries sharing an id and a quote without rescanning.

How fast the commands are on documents of growing size is measured by
``bench/bench_growth.py``, not here.
"""

from __future__ import annotations

import copy
import difflib
import json
import random
from pathlib import Path
from typing import Any

import pytest

from pypolicy.format.model import Policy, Statement
from pypolicy.format.vocabulary import vocabulary
from pypolicy.validation.engine import Config, check_document
from pypolicy.validation.rules import _base
from pypolicy.validation.rules._reasoning import Reasoner, StatementIndex
from pypolicy.validation.rules.structure import _Suggestions

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [*sorted((ROOT / "examples").glob("*.policy.json")),
            *sorted((ROOT / "examples" / "synthetic").glob("*.policy.json"))]
PAIRWISE = ("VP101", "VP102", "VP103", "VP104", "VP205", "VP207", "VP202")

BASE: dict[str, Any] = {
    "formatVersion": "1.1.0",
    "id": "growth",
    "title": "Growth",
    "language": "en",
    "provider": {"name": "Example Telecom", "country": "NO",
                 "contacts": [{"channel": "email", "value": "privacy@example.net"}]},
    "parties": [
        {"id": "p-pay", "name": "payment processor", "roles": ["paymentProcessor"],
         "locations": ["NO", "EU"]},
        {"id": "p-ads", "name": "advertisers", "roles": ["advertisingPlatform"],
         "locations": ["US"]},
        {"id": "p-third", "name": "third parties", "roles": ["thirdParty"]},
        {"id": "p-abroad", "name": "partners abroad", "roles": ["marketingPartner"],
         "outside": ["EU"]},
        {"id": "p-police", "name": "the police", "roles": ["lawEnforcement"],
         "locations": ["NO"]},
    ],
    "dataCategories": [
        {"id": "d-account", "name": "account", "categories": ["personName", "emailAddress"]},
        {"id": "d-cdr", "name": "call records", "categories": ["callDetailRecord"]},
        {"id": "d-card", "name": "card", "categories": ["paymentCard"]},
        {"id": "d-all", "name": "personal data", "categories": ["personalData"]},
        {"id": "d-device", "name": "device", "categories": ["deviceIdentifier"]},
    ],
}
ACTIONS = ("collect", "store", "use", "share", "disclose", "transfer", "sell", "record",
           "makeAvailable", "process")
PURPOSES = ("billing", "advertising", "legalCompliance", "fraudPrevention",
            "serviceProvision", "directMarketing")
CONDITIONS = ("requiredByLaw", "withConsent", "necessaryForService", "permittedByLaw")


def generated(count: int, seed: int, data_entries: int = 0, *,
              specific: bool = False) -> dict[str, Any]:
    """A schema-valid policy of ``count`` random statements over the base's data and
    parties (and ``data_entries`` more data entries, so that data grows with it).
    ``specific``: every statement names its data, none all personal data, and no action
    is "process" - a larger policy says more specific things, not more sweeping ones."""
    rng = random.Random(seed)
    doc = copy.deepcopy(BASE)
    # more data entries, of as many kinds as the vocabulary has (a larger policy speaks
    # of more kinds of data, not only of more practices with the same few)
    kinds = _data_kinds()
    doc["dataCategories"] += [
        {"id": f"d-extra-{i}", "name": f"extra {i}", "categories": [kinds[i % len(kinds)]]}
        for i in range(data_entries)]
    data_ids = [d["id"] for d in doc["dataCategories"]
                if not specific or d["id"] != "d-all"]
    party_ids = [p["id"] for p in doc["parties"]]
    actions = [a for a in ACTIONS if not specific or a != "process"]
    statements = []
    for index in range(count):
        modality = rng.choice(("does", "does", "may", "doesNot", "doesNot", "onlyIf"))
        entry: dict[str, Any] = {"id": f"s-{index}", "modality": modality,
                                 "actions": rng.sample(actions, rng.randint(1, 2))}
        if specific or rng.random() < 0.95:
            entry["data"] = rng.sample(data_ids, rng.randint(1, 2))
        if rng.random() < 0.6:
            entry["recipients"] = rng.sample(party_ids, rng.randint(1, 2))
        if rng.random() < 0.15:
            entry["actors"] = [rng.choice(party_ids)]
        if rng.random() < 0.4:
            entry["purposes"] = rng.sample(PURPOSES, rng.randint(1, 2))
        if rng.random() < 0.2:
            entry["legalBases"] = [rng.choice(("consent", "contract", "legitimateInterest"))]
        if modality == "onlyIf" or rng.random() < 0.15:
            entry["conditions"] = [rng.choice(CONDITIONS)]
        if modality == "doesNot" and rng.random() < 0.5:
            entry["exceptions"] = [rng.choice(CONDITIONS)]
        roll = rng.random()
        if roll < 0.15:
            entry["outside"] = [rng.choice(("EEA", "EU"))]
        elif roll < 0.25:
            entry["locations"] = [rng.choice(("US", "NO", "EU", "IN"))]
        if modality == "doesNot" and rng.random() < 0.15:
            entry["qualifier"] = "usually"
        if modality in ("does", "may") and "recipients" in entry and rng.random() < 0.15:
            entry["exhaustive"] = ["recipientList"]
        elif "recipients" in entry and rng.random() < 0.05:
            entry["illustrative"] = ["recipientList"]
        if modality in ("does", "may") and "purposes" in entry and rng.random() < 0.1:
            entry["exhaustive"] = [*entry.get("exhaustive", []), "purposeList"]
        if rng.random() < 0.05:
            entry["duty"] = "termsDuty"
        # a few sentences annotated twice: their findings merge
        quote = f"Sentence {index if rng.random() < 0.9 else index // 2}."
        entry["evidence"] = [{"quote": quote, "section": "Generated"}]
        statements.append(entry)
    doc["statements"] = statements
    doc["retention"] = [
        {"id": f"r-{i}", "data": rng.sample(data_ids, rng.randint(1, 2)),
         "duration": f"P{rng.choice((30, 90, 365))}D",
         **({"from": rng.choice(("collection", "endOfContract"))} if rng.random() < 0.7
            else {})}
        for i in range(count // 4)]
    return doc


def _data_kinds() -> list[str]:
    """The data categories of the vocabulary that have none under them."""
    vocab = vocabulary()
    terms = [t for t in vocab.terms if vocab.scheme_of(t) == "DataCategory"]
    return [t for t in terms if vocab.descendants(t) == {t}]


def _every_positive(self: StatementIndex, statement: Statement, **_: Any) -> list[Statement]:
    return list(self.positives)


def _findings(doc: dict[str, Any]) -> list[tuple[str, str, tuple[str, ...]]]:
    found, _ = check_document(doc, Config(select=PAIRWISE, max_findings_per_rule=None))
    return sorted((f.code, f.message, f.pointers) for f in found)


DOCUMENTS = [pytest.param(path, id=path.stem) for path in EXAMPLES] + \
    [pytest.param(seed, id=f"generated-{seed}") for seed in range(6)]


@pytest.mark.parametrize("source", DOCUMENTS)
def test_index_finds_what_every_pair_finds(source: Path | int,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The index only leaves out pairs that cannot conflict: the findings of the rules
    that compare statements are the same as when every positive is tried."""
    doc = json.loads(source.read_text("utf-8")) if isinstance(source, Path) \
        else generated(120, source)
    indexed = _findings(doc)
    for method in ("within", "around", "related", "partly_within"):
        monkeypatch.setattr(StatementIndex, method, _every_positive)
    assert _findings(doc) == indexed
    if isinstance(source, int):
        assert indexed, "the generated policy should give findings to compare"


def _comparisons(doc: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> int:
    calls = 0
    original = Reasoner._compare

    def counted(self: Reasoner, *args: Any) -> Any:
        nonlocal calls
        calls += 1
        return original(self, *args)

    with monkeypatch.context() as patch:
        patch.setattr(Reasoner, "_compare", counted)
        check_document(doc, Config(select=PAIRWISE, max_findings_per_rule=None))
    return calls


def test_the_index_spares_most_comparisons(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a policy whose data grows with its statements, the index compares a small part
    of what trying every pair compares, and twice the statements make about twice the
    comparisons, not four times."""
    doc = generated(400, 1, data_entries=100, specific=True)
    indexed = _comparisons(doc, monkeypatch)
    half = _comparisons(generated(200, 1, data_entries=50, specific=True), monkeypatch)
    for method in ("within", "around", "related", "partly_within"):
        monkeypatch.setattr(StatementIndex, method, _every_positive)
    every = _comparisons(doc, monkeypatch)
    assert 0 < indexed < every / 10, (indexed, every)
    assert indexed < 3.5 * half, (half, indexed)


def _retention_doc(count: int) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    doc["retention"] = [{"id": f"r-{i}", "data": ["d-cdr"], "duration": f"P{i + 1}D",
                         "evidence": [{"quote": f"Kept {i + 1} days.", "section": "R"}]}
                        for i in range(count)]
    return doc


def test_a_rule_lists_a_bounded_number_of_findings_and_counts_the_rest() -> None:
    found, _ = check_document(_retention_doc(30), Config(select=("VP202",),
                                                         max_findings_per_rule=10))
    assert len(found) == 11
    assert found[-1].pointers == ("",)
    assert found[-1].message.startswith("425 more conflicting-retention-periods findings")
    assert "lists 10 per rule" in found[-1].message
    every, _ = check_document(_retention_doc(30), Config(select=("VP202",),
                                                         max_findings_per_rule=None))
    assert len(every) == 30 * 29 // 2
    assert found[:10] == every[:10]


def test_the_default_limit_is_a_hundred() -> None:
    found, _ = check_document(_retention_doc(20), Config(select=("VP202",)))
    assert len(found) == 101
    assert found[-1].message.startswith("90 more ")


def test_counting_stops_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """A document that makes every pair a finding: the rule stops after a bounded number
    of findings read, and says there are at least so many more."""
    monkeypatch.setattr(_base, "COUNT_BEYOND_LIMIT", 50)
    read = 0
    original = _base.Rule.finding

    def counted(self: _base.Rule, *args: Any, **kwargs: Any) -> Any:
        nonlocal read
        read += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(_base.Rule, "finding", counted)
    found, _ = check_document(_retention_doc(200), Config(select=("VP202",),
                                                          max_findings_per_rule=10))
    assert len(found) == 11
    assert found[-1].message.startswith("at least 50 more ")
    assert read <= 10 + 50 + 1  # not the 19,900 pairs


def test_repeats_merged_past_any_count_stay_one_finding(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Findings that rest on one passage merge into one, however many there are; reading
    them stops after a bounded number and the merged finding says it may miss places."""
    monkeypatch.setattr(_base, "READ_BEYOND_LIMIT", 100)
    doc = _retention_doc(40)
    for rule in doc["retention"]:
        rule["evidence"] = [{"quote": "Kept for various periods.", "section": "R"}]
    found, _ = check_document(doc, Config(select=("VP202",)))
    assert len(found) == 2
    assert len(found[0].pointers) > 10
    assert "stopped looking" in found[1].message


def _unknown_references(count: int) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    doc["dataCategories"] += [{"id": f"d-item-{i}", "name": f"item {i}",
                               "categories": ["personalData"]} for i in range(count)]
    doc["statements"] = [{"id": f"s-{i}", "modality": "does", "actions": ["collect"],
                          "data": [f"d-itme-{i}"]} for i in range(count)]
    return doc


def test_did_you_mean_compares_a_shortlist(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[int] = []
    original = difflib.get_close_matches

    def counted(word: str, possibilities: Any, *args: Any, **kwargs: Any) -> Any:
        candidates = list(possibilities)
        compared.append(len(candidates))
        return original(word, candidates, *args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counted)
    found, _ = check_document(_unknown_references(600),
                              Config(select=("VP003",), max_findings_per_rule=None))
    assert len(found) == 600
    assert max(compared) <= _Suggestions.SHORTLIST
    assert [f.hint for f in found[:3]] == [f"did you mean 'd-item-{i}'?" for i in range(3)]
    assert sum(f.hint == f"did you mean 'd-item-{i}'?" for i, f in enumerate(found)) >= 590


def test_few_identifiers_are_all_candidates() -> None:
    names = ["d-contact", "d-call-records", "d-card"]
    assert _Suggestions(names).closest("d-contacts") == ["d-contact"]
    assert _Suggestions(names).closest("x" * 500) == []


# -- diff pairs through an index ----------------------------------------------------------


def _pairs_by_search(old: Policy, new: Policy) -> tuple[object, ...]:
    """How diff paired statements and retention rules before its index: for each old
    entry, a search of every new one (quadratic), kept here as the reference."""
    from pypolicy.rendering.diff.changes import _content
    from pypolicy.rendering.phrases.basics import data_names

    new_left = list(new.statements)
    old_left = []
    for o in old.statements:
        same = next((n for n in new_left if _content(new, n) == _content(old, o)), None)
        if same is not None:
            new_left.remove(same)
        else:
            old_left.append(o)
    by_id = {n.id: n for n in new_left}
    statement_pairs, removed = [], []
    for o in old_left:
        n = by_id.pop(o.id, None)
        if n is not None:
            statement_pairs.append((o, n))
            new_left.remove(n)
        else:
            removed.append(o)

    def names(policy: Policy, rule: Any) -> frozenset[str]:
        return frozenset(data_names(policy, rule.data))

    rule_pairs = []
    old_rules, new_rules = list(old.retention), list(new.retention)
    for matches in (lambda o, n: o.id == n.id,
                    lambda o, n: names(old, o) == names(new, n),
                    lambda o, n: bool(names(old, o) & names(new, n))):
        for old_rule in list(old_rules):
            new_rule = next((r for r in new_rules if matches(old_rule, r)), None)
            if new_rule is not None:
                rule_pairs.append((old_rule, new_rule))
                old_rules.remove(old_rule)
                new_rules.remove(new_rule)
    return statement_pairs, removed, new_left, rule_pairs, old_rules, new_rules


def _later_version(doc: dict[str, Any], seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    new = copy.deepcopy(doc)
    for entry in rng.sample(new["statements"], len(new["statements"]) // 5):
        entry["modality"] = "may" if entry["modality"] == "does" else "does"
    for entry in rng.sample(new["statements"], len(new["statements"]) // 10):
        entry["id"] += "-renamed"
    for entry in rng.sample(new["statements"], len(new["statements"]) // 10):
        new["statements"].remove(entry)
    new["statements"] += copy.deepcopy(rng.sample(doc["statements"], 5))  # repeats
    for rule in rng.sample(new["retention"], len(new["retention"]) // 3):
        rule["id"] += "-renamed"
        rule["data"] = rng.sample([d["id"] for d in new["dataCategories"]], 2)
    rng.shuffle(new["statements"])
    rng.shuffle(new["retention"])
    return new


@pytest.mark.parametrize("seed", range(4))
def test_diff_pairs_as_a_search_of_every_entry_would(seed: int) -> None:
    from pypolicy.rendering.diff.changes import _match, _pair_statements

    doc = generated(150, seed, data_entries=10)
    old, new = Policy.from_dict(doc), Policy.from_dict(_later_version(doc, seed))
    statement_pairs, removed, added = _pair_statements(old, new, old.statements,
                                                       new.statements)
    rule_pairs, old_rules, new_rules = _match(old.retention, new.retention, old, new)
    assert (statement_pairs, removed, added, rule_pairs, old_rules, new_rules) == \
        _pairs_by_search(old, new)
    assert statement_pairs and removed and added and rule_pairs


# -- a page of many entries sharing an id and a quote --------------------------------------


class _CountingSet(set[str]):
    looked_up = 0

    def __contains__(self, item: object) -> bool:
        _CountingSet.looked_up += 1
        return super().__contains__(item)


def test_anchors_sharing_an_id_are_numbered_without_rescanning() -> None:
    from pypolicy.rendering.sections.context import PageContext

    page = PageContext(Policy.from_dict(BASE))
    page.anchors = _CountingSet(page.anchors)
    _CountingSet.looked_up = 0
    anchors = [page.anchor("s-same", f"/statements/{i}") for i in range(500)]
    assert anchors == ["s-same", *(f"s-same-{n}" for n in range(2, 501))]
    assert _CountingSet.looked_up <= 2 * 500  # numbering from 1 each time: 125,000
    page.anchors.add("s-other-2")
    assert [page.anchor("s-other", "/x") for _ in range(3)] == \
        ["s-other", "s-other-3", "s-other-4"]


def test_one_quote_cited_by_many_entries_is_one_note() -> None:
    from pypolicy.format.model import Evidence
    from pypolicy.rendering.sections.context import Notes

    notes = Notes()
    quote = Evidence(quote="We share data.", section="S")
    for i in range(300):
        assert notes.cite([quote, quote], f"a-{i}") == (1,)
    notes.cite([quote], "a-0")
    (note,) = notes.notes()
    assert note.cited_by == tuple(f"a-{i}" for i in range(300))


def test_the_limit_is_a_setting(tmp_path: Path) -> None:
    from pypolicy.core.errors import ConfigError
    from pypolicy.validation.settings import read_settings

    settings = tmp_path / "pyproject.toml"
    settings.write_text("[tool.pypolicy]\nmax-findings-per-rule = 5\n", "utf-8")
    assert read_settings(settings).config.max_findings_per_rule == 5
    settings.write_text("[tool.pypolicy]\nmax-findings-per-rule = 0\n", "utf-8")
    assert read_settings(settings).config.max_findings_per_rule is None
    assert read_settings(None).config.max_findings_per_rule == _base.MAX_FINDINGS_PER_RULE
    for bad in ("-1", "true", '"5"'):
        settings.write_text(f"[tool.pypolicy]\nmax-findings-per-rule = {bad}\n", "utf-8")
        with pytest.raises(ConfigError, match="max-findings-per-rule"):
            read_settings(settings)


def test_a_rule_stops_comparing_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    every, _ = check_document(generated(120, 3), Config(select=("VP101",)))
    assert not any("stopped" in f.message for f in every)
    monkeypatch.setattr(_base, "MAX_PAIRS_PER_RULE", 50)
    found, _ = check_document(generated(120, 3), Config(select=("VP101",)))
    assert "stopped after comparing 50 pairs" in found[-1].message
    assert found[-1].pointers == ("",)
    assert found[:-1] == every[:len(found) - 1]
    assert len(found) - 1 < len(every)


def _groups_by_search(items: list[Any]) -> list[list[Any]]:
    """How VP209 grouped entries by shared passages before its table: each item searched
    every group so far (kept here as the reference)."""
    groups: list[list[Any]] = []
    passages: list[set[tuple[str | None, int | None]]] = []
    for item in items:
        mine = {(e.quote, e.start) for e in item.evidence if e.quote}
        joined = [i for i, seen in enumerate(passages) if seen & mine]
        group, seen = [item], set(mine)
        for index in reversed(joined):
            group = groups.pop(index) + group
            seen |= passages.pop(index)
        groups.append(group)
        passages.append(seen)
    return groups


@pytest.mark.parametrize("seed", range(5))
def test_same_sentence_groups_as_a_search_of_every_group(seed: int) -> None:
    from pypolicy.format.model import Evidence
    from pypolicy.validation.rules.consistency.consent import same_sentence_groups

    rng = random.Random(seed)

    class Item:
        def __init__(self, index: int) -> None:
            self.pointer = f"/statements/{index}"
            self.evidence = tuple(Evidence(quote=f"q{rng.randrange(60)}", section="S",
                                           start=rng.choice((None, 1)))
                                  for _ in range(rng.randint(0, 3)))

    items = [Item(i) for i in range(120)]
    assert same_sentence_groups(items) == _groups_by_search(items)  # type: ignore[arg-type]


def _merged_by_rebuilding(findings: list[Any]) -> list[Any]:
    """How repeats were merged before: a new finding (tuples rebuilt) per merge; kept
    here as the reference. The repeat with the least message leads (its message, its
    places first), whatever the order the findings come in."""
    from dataclasses import replace

    merged: dict[object, Any] = {}
    for index, finding in enumerate(findings):
        passages = frozenset((q.text, q.start, q.end) for q in finding.quotes if q.text)
        key: object = passages or index
        first = merged.get(key)
        if first is None or first.pointers == finding.pointers:
            merged[key if first is None else (key, index)] = finding
            continue
        lead, other = (finding, first) if finding.message < first.message else (first, finding)
        pointers = tuple(dict.fromkeys((*lead.pointers, *other.pointers)))
        quotes = tuple(dict.fromkeys((*lead.quotes, *other.quotes)))
        merged[key] = replace(lead, pointers=pointers, quotes=quotes)
    return list(merged.values())


@pytest.mark.parametrize("seed", range(5))
def test_merging_repeats_as_before(seed: int) -> None:
    from pypolicy.core.findings import Finding, Quote, Severity

    rng = random.Random(seed)
    quotes = [Quote(f"/statements/{i}", f"sentence {i % 4}", "S", i % 4, None, False, None)
              for i in range(8)] + [Quote("/x", None, "S", None, None, True, "inferred")]
    findings = [Finding("VP101", "contradicting-statements", Severity.ERROR,
                        f"message {rng.randrange(3)}",
                        tuple(rng.choice(("/statements/1", "/statements/2", "/statements/3"))
                              for _ in range(rng.randint(1, 3))),
                        tuple(rng.sample(quotes, rng.randint(0, 2))))
                for _ in range(80)]
    assert _base.merge_repeats(findings) == _merged_by_rebuilding(findings)


@pytest.mark.parametrize("seed", range(4))
def test_look_ups_by_data_find_what_a_search_of_every_entry_finds(seed: int) -> None:
    """The statements whose data falls within a promise's (VP206), and the retention
    rules that cover a data entry (VP309, VP317, VP321) or fall within a promise's data
    (VP201), as trying every statement or rule finds them, in the same order."""
    from pypolicy.validation.rules._reasoning import ByCategories
    from pypolicy.validation.rules.completeness._shared import RetentionIndex, rule_covers

    policy = Policy.from_dict(generated(160, seed, data_entries=30))
    vocab = vocabulary()
    reasoner = Reasoner(policy, vocab)
    index = reasoner.index()
    retention = RetentionIndex(policy, vocab)
    by_rule = ByCategories(vocab, [policy.categories_of(r.data) or frozenset({"personalData"})
                                   for r in policy.retention])
    asked = 0
    for statement in policy.statements:
        broad = reasoner.data_categories(statement)
        assert index.data_all_within(broad) == [
            s for s in index.positives if vocab.all_within(reasoner.data_categories(s), broad)]
        assert by_rule.all_within(broad) == [
            i for i, r in enumerate(policy.retention)
            if vocab.all_within(policy.categories_of(r.data) or {"personalData"}, broad)]
        asked += bool(index.data_all_within(broad))
    assert asked > 10
    covered = 0
    for entry in policy.data_categories:
        every = [r for r in policy.retention if rule_covers(policy, vocab, r, entry)]
        assert retention.covering(entry) == every
        assert retention.covers(entry) == bool(every)
        covered += bool(every)
    assert covered > 0


@pytest.mark.parametrize("seed", range(4))
def test_narrowing_candidates_hold_every_positive_a_negative_falls_within(seed: int) -> None:
    """``around`` leaves out only positives that a negative cannot fall within on some
    axis; and it leaves out most: what it returns mostly does fall within."""
    policy = Policy.from_dict(generated(200, seed, data_entries=30))
    reasoner = Reasoner(policy, vocabulary())
    index = reasoner.index()
    returned = within = 0
    for negative in (s for s in policy.statements if s.negative and s.data):
        candidates = index.around(negative)
        falls_within = [p for p in index.positives
                        if reasoner.compare(negative, p, full=True, every=True)
                        .within_except_places]
        assert set(map(id, falls_within)) <= set(map(id, candidates))
        returned += len(candidates)
        within += len(falls_within)
    assert within > 0 and returned < 3 * within, (returned, within)
