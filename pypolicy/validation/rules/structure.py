"""Layer 1: the document follows the schema, and its references resolve."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.durations import parse_duration
from pypolicy.format.model import Evidence
from pypolicy.format.schema import violations
from pypolicy.validation.rules._base import Rule, RuleContext, register


@register
class SchemaViolation(Rule):
    """A document must follow the pypolicy JSON Schema before anything else can be said
    about it: unknown properties, missing required ones, values outside the controlled
    vocabularies and malformed dates or durations make the document ambiguous to every
    tool that reads it. The other rules run only on schema-valid documents."""

    code = "VP001"
    name = "schema-violation"
    summary = "The document does not follow the JSON Schema."
    severity = Severity.ERROR
    groups = ("structure",)
    layer = 1
    fail_example = """\
dataCategories:
  - {id: d-contact, name: Contact data, categories: [contact]}
statements:
  - id: s-share
    modality: dose
    actions: [share]
    data: [d-contact]
"""
    pass_example = """\
dataCategories:
  - {id: d-contact, name: Contact data, categories: [contact]}
statements:
  - id: s-share
    modality: does
    actions: [share]
    data: [d-contact]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for v in violations(ctx.data):
            yield self.finding(v.message, pointers=[v.pointer or ""],
                               hint=f"schema keyword {v.keyword} at {v.schema_pointer}")


def declared_ids(data: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Every ``id`` of an entry, with the pointer and kind (class) of each declaration."""
    kinds = vocabulary_properties()
    found: dict[str, list[tuple[str, str]]] = {}
    for key, value in data.items():
        kind = kinds.get(key)
        if not kind or kind["kind"] != "object" or not isinstance(value, list):
            continue
        for index, item in enumerate(value):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                found.setdefault(item["id"], []).append((f"/{key}/{index}", kind["class"]))
    return found


def vocabulary_properties() -> dict[str, dict[str, Any]]:
    from pypolicy.format.resources import vocabulary_index

    props: dict[str, dict[str, Any]] = vocabulary_index()["properties"]
    return props


@register
class DuplicateId(Rule):
    """Identifiers are how statements name data, parties and one another, and how findings
    and suppressions point into a document; an identifier declared twice makes every
    reference to it ambiguous."""

    code = "VP002"
    name = "duplicate-id"
    summary = "Two entries share an identifier."
    severity = Severity.ERROR
    groups = ("structure", "references")
    layer = 1
    fail_example = """\
parties:
  - {id: p-stripe, name: Stripe, roles: [paymentProcessor]}
dataCategories:
  - {id: p-stripe, name: Payment data, categories: [paymentCard]}
"""
    pass_example = """\
parties:
  - {id: p-stripe, name: Stripe, roles: [paymentProcessor]}
dataCategories:
  - {id: d-payment, name: Payment data, categories: [paymentCard]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for identifier, places in declared_ids(ctx.data).items():
            if len(places) > 1:
                pointers = [p for p, _ in places]
                yield self.finding(f"the identifier {identifier!r} is declared"
                                   f" {len(places)} times", pointers=pointers,
                                   hint="give each entry its own identifier")


@register
class UnknownReference(Rule):
    """Every identifier a statement, rule or entry uses must be declared, and declared as
    the right kind of entry: a statement's ``data`` names data entries, its ``recipients``
    and ``actors`` name parties. A dangling reference silently drops a practice from every
    check that follows."""

    code = "VP003"
    name = "unknown-reference"
    summary = "A reference names no entry, or an entry of the wrong kind."
    severity = Severity.ERROR
    groups = ("structure", "references")
    layer = 1
    fail_example = """\
dataCategories:
  - {id: d-contact, name: Contact data, categories: [contact]}
statements:
  - {id: s-collect, modality: does, actions: [collect], data: [d-contacts]}
"""
    pass_example = """\
dataCategories:
  - {id: d-contact, name: Contact data, categories: [contact]}
statements:
  - {id: s-collect, modality: does, actions: [collect], data: [d-contact]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        declared = declared_ids(ctx.data)
        kinds = vocabulary_properties()
        known: dict[str | None, _Suggestions] = {}  # by class, built when first needed
        for pointer, key, value in _references(ctx.data, kinds):
            kind = kinds[key]
            places = declared.get(value)
            if not places:
                if kind["class"] not in known:
                    known[kind["class"]] = _Suggestions(
                        i for i, p in declared.items() if p[0][1] == kind["class"])
                close = known[kind["class"]].closest(value)
                yield self.finding(
                    f"{key} names {value!r}, which is not declared",
                    pointers=[pointer],
                    hint=f"did you mean {close[0]!r}?" if close else
                    f"declare it under {_collection_of(kind['class'])}")
            elif kind["class"] and all(c != kind["class"] for _, c in places):
                yield self.finding(
                    f"{key} names {value!r}, which is a {places[0][1]}, not a {kind['class']}",
                    pointers=[pointer, places[0][0]])


class _Suggestions:
    """"Did you mean" for unknown identifiers, in bounded time: difflib's closest match
    among the declared identifiers when they are few; when there are many, among the few
    that share the most uncommon three-letter pieces with the unknown one (a trigram
    index), so that thousands of unknown references against thousands of identifiers do
    not make millions of comparisons."""

    FEW = 200  # up to this many, every identifier is a candidate, as difflib alone does
    SHORTLIST = 20  # candidates difflib compares when there are more
    COMMON = 100  # a piece in more identifiers than this tells little; it is not looked up
    LONGEST = 200  # longer unknown identifiers get no suggestion (difflib is quadratic)

    def __init__(self, identifiers: Iterable[str]) -> None:
        self.identifiers = sorted(identifiers)
        self.pieces: dict[str, list[int]] = {}
        if len(self.identifiers) > self.FEW:
            for position, identifier in enumerate(self.identifiers):
                for piece in _trigrams(identifier[:self.LONGEST]):
                    self.pieces.setdefault(piece, []).append(position)

    def closest(self, value: str) -> list[str]:
        if len(value) > self.LONGEST:
            return []
        if len(self.identifiers) <= self.FEW:
            return difflib.get_close_matches(value, self.identifiers, n=1)
        shared: Counter[int] = Counter()
        for piece in _trigrams(value):
            holders = self.pieces.get(piece, ())
            if len(holders) <= self.COMMON:
                shared.update(holders)
        shortlist = [self.identifiers[p] for p, _ in shared.most_common(self.SHORTLIST)]
        return difflib.get_close_matches(value, sorted(shortlist), n=1)


def _trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def _references(data: Any, kinds: dict[str, dict[str, Any]],
                pointer: str = "") -> Iterator[tuple[str, str, str]]:
    """(pointer, property, identifier) of every reference, skipping evidence (the bulk of a
    document, and never a reference)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "evidence":
                continue
            kind = kinds.get(key)
            here = f"{pointer}/{key}"
            if kind and kind["kind"] == "ref" and isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, str):
                        yield f"{here}/{index}", key, item
            elif isinstance(value, (dict, list)):
                yield from _references(value, kinds, here)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _references(item, kinds, f"{pointer}/{index}")


# A year and a month at their shortest and longest, in days: a period's lower bound is
# certainly longer than its upper bound only when it is at its shortest (years of 365
# days, months of 28) and the upper bound at its longest (366 and 31). Twelve months are
# a year, however they fall. The same lengths as the SHACL shape's check
# (pypolicy.format.generate.period_order), so that --shacl and this rule agree.
SHORTEST = {"years": 365, "months": 28}
LONGEST = {"years": 366, "months": 31}
SECONDS = {"weeks": 7 * 86400, "days": 86400, "hours": 3600, "minutes": 60, "seconds": 1}


def _seconds(duration: str, lengths: dict[str, int]) -> int:
    """The length of ``duration`` in seconds, with years and months of the given lengths
    in days (ValueError from ``parse_duration`` when it is not a duration)."""
    parts = dict(parse_duration(duration).parts)
    months = parts.pop("months", 0)
    years = parts.pop("years", 0) + months // 12
    days = years * lengths["years"] + months % 12 * lengths["months"]
    return days * 86400 + sum(number * SECONDS[unit] for unit, number in parts.items())


def certainly_inverted(at_least: str, at_most: str) -> bool:
    """Whether a period's lower bound is longer than its upper bound however long its
    months and years are: "P1M" against "P30D" may be either way round, and is not."""
    try:
        return _seconds(at_least, SHORTEST) > _seconds(at_most, LONGEST)
    except ValueError:
        return False  # not durations: the schema says so (VP001)


@dataclass(frozen=True)
class _RetentionEntry:
    """A retention rule's place and evidence, read from the document's data (layer 1 runs
    before the model is built)."""

    pointer: str
    evidence: tuple[Evidence, ...]


def _evidence(raw: Any) -> tuple[Evidence, ...]:
    keys = ("quote", "section", "start", "end", "inferred", "rationale")
    return tuple(Evidence(**{k: item[k] for k in keys if k in item})
                 for item in raw or () if isinstance(item, dict))


@register
class InvertedRetentionPeriod(Rule):
    """A retention period given as a range ("kept for 12 to 24 months": atLeast P12M,
    atMost P24M, format 1.1) whose minimum is longer than its maximum ("at least two
    years and at most one") says nothing a reader or a tool can rely on: no length of
    time satisfies it. Whether the bounds were swapped when the text was annotated or the
    text itself is at odds with itself, the document contradicts itself. Months and years
    are compared at their shortest and longest, so only a period inverted whatever the
    calendar is reported: one month against 30 days may be either way round, and passes.
    The SHACL shapes (VP004, ``--shacl``) check the same; this rule needs no RDF.

    Not a notice duty: the document's form. An error. Unlike the other structure rules,
    it does not hold back the later layers: the rest of the document means what it
    meant, and the rules that read periods do not rely on their order."""

    code = "VP005"
    name = "inverted-retention-period"
    summary = "A retention period's minimum is longer than its maximum."
    severity = Severity.ERROR
    groups = ("structure", "retention")
    layer = 1
    holds_back_later_layers = False
    fail_example = """\
formatVersion: 1.1.0
dataCategories:
  - {id: d-cdr, name: Call records, categories: [callDetailRecord]}
retention:
  - {id: r-cdr, data: [d-cdr], period: {atLeast: P2Y, atMost: P12M}}
"""
    pass_example = """\
formatVersion: 1.1.0
dataCategories:
  - {id: d-cdr, name: Call records, categories: [callDetailRecord]}
  - {id: d-signalling, name: Signalling logs, categories: [trafficData]}
retention:
  - {id: r-cdr, data: [d-cdr], period: {atLeast: P12M, atMost: P2Y}}
  - id: r-signalling
    data: [d-signalling]
    period: {atLeast: P1M, atMost: P30D}
    note: a month may be 28 or 31 days, so these bounds may be in order
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        rules = ctx.data.get("retention")
        for index, rule in enumerate(rules if isinstance(rules, list) else ()):
            period = rule.get("period") if isinstance(rule, dict) else None
            if not isinstance(period, dict):
                continue
            at_least, at_most = period.get("atLeast"), period.get("atMost")
            if not (isinstance(at_least, str) and isinstance(at_most, str)) or \
                    not certainly_inverted(at_least, at_most):
                continue
            where = f"/retention/{index}"
            name = rule.get("id") if isinstance(rule.get("id"), str) else where
            yield self.finding(
                f"{name} keeps data at least {at_least} and at most {at_most}: the minimum"
                " is longer than the maximum, however long its months and years are",
                [_RetentionEntry(where, _evidence(rule.get("evidence")))],
                pointers=[f"{where}/period/atLeast", f"{where}/period/atMost"],
                hint="if the text gives a range, the bounds are the wrong way round: swap"
                     " atLeast and atMost")


def _collection_of(class_name: str | None) -> str:
    return {"DataEntry": "dataCategories", "PartyEntry": "parties"}.get(class_name or "",
                                                                          "the document")





@register
class ShaclViolation(Rule):
    """The RDF form of a document must conform to the format's SHACL shapes, so that
    RDF tools and SPARQL queries can rely on it as JSON tools rely on the schema. The
    shapes are generated from the same source as the schema, so a schema-valid document
    conforms; the check guards the JSON-LD mapping itself, and documents produced by other
    tools. It needs rdflib and pySHACL and takes about half a second a document, so it
    runs only when asked for (``--shacl``, or selected by code or name). The order of a
    retention period's bounds, which the shapes check too, is VP005's finding and is not
    repeated here."""

    code = "VP004"
    name = "shacl-violation"
    summary = "The document's RDF form does not conform to the SHACL shapes."
    severity = Severity.ERROR
    groups = ("structure", "rdf")
    layer = 1
    opt_in = True
    fail_example = """\
statements:
  - {id: s-x, modality: does, actions: [use], data: [d-x]}
"""
    pass_example = """\
dataCategories:
  - {id: d-x, name: some data, categories: [personalData]}
statements:
  - {id: s-x, modality: does, actions: [use], data: [d-x]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        from rdflib import RDF, SH

        from pypolicy.format.rdf import document_iri, shacl_validate, to_graph

        conforms, report, _text = shacl_validate(to_graph(ctx.data))
        if conforms:
            return
        prefix = document_iri(str(ctx.data.get("id"))) + "/"
        for result in sorted(report.subjects(RDF.type, SH.ValidationResult), key=str):
            if _period_order(report, result):
                continue  # VP005's finding, without RDF: one problem, one finding
            focus = str(report.value(result, SH.focusNode) or "")
            path = str(report.value(result, SH.resultPath) or "").rsplit("#", 1)[-1]
            message = str(report.value(result, SH.resultMessage) or "violation")
            where = focus[len(prefix):] if focus.startswith(prefix) else "the document"
            yield self.finding(f"{where}, {path}: {message}",
                               hint="the RDF form differs from the shapes; see --format json")


def _period_order(report: Any, result: Any) -> bool:
    """Whether a SHACL result says only that a period's bounds are the wrong way round
    (the shapes' SPARQL constraint on ``atLeast``, or a node shape failing for no other
    reason), which VP005 reports."""
    from rdflib import SH, URIRef

    from pypolicy.format.rdf import NS

    if report.value(result, SH.sourceConstraintComponent) == SH.SPARQLConstraintComponent:
        return bool(report.value(result, SH.resultPath) == URIRef(NS + "atLeast"))
    details = list(report.objects(result, SH.detail))
    return bool(details) and all(_period_order(report, d) for d in details)
