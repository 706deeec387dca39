"""The rule framework: one rule per class, with its code, name, groups, severity,
rationale, legal references, and a failing and a passing example.

A rule sees a ``RuleContext`` (the document as data and as a typed model, the
vocabulary, the active completeness profiles) and yields ``Finding``s. It knows nothing
of files, the CLI or reporters.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, ClassVar, Protocol

from pypolicy.core.addresses import documentation_uri
from pypolicy.core.findings import Finding, Quote, RegimeDecision, RuleInfo, Severity
from pypolicy.format.model import Evidence, Policy
from pypolicy.format.vocabulary import Vocabulary
from pypolicy.validation.rules._regimes import ACTIVE_STANCES, PROFILES, REGIMES, applied


class HasEvidence(Protocol):
    @property
    def pointer(self) -> str: ...

    @property
    def evidence(self) -> tuple[Evidence, ...]: ...


@dataclass(frozen=True)
class RuleContext:
    """What a rule may look at."""

    data: dict[str, Any]
    policy: Policy | None  # None while the document is not schema-valid
    vocabulary: Vocabulary
    profiles: frozenset[str]  # completeness profiles to apply (gdpr, eprivacy, cpni, ...)
    # every regime considered, applied or not, with its grounds (rules._regimes.decide)
    regimes: tuple[RegimeDecision, ...] = ()
    # the findings a rule lists for the document; the rest are counted in one more
    # finding (None: no limit)
    max_findings: int | None = None
    # whether the document suppresses a finding: those it does are not listed, counted or
    # held against ``max_findings`` (the engine sets them apart with their reasons)
    suppressed: Callable[[Finding], bool] | None = None

    def applied(self) -> tuple[str, ...]:
        """The keys of the regimes whose law applies."""
        return applied(self.regimes)


class Rule:
    """Base class of rules. Subclasses set the class attributes and implement ``check``.

    The docstring of a subclass is its rationale: why the rule exists, in a reviewer's
    words. ``fail_example`` and ``pass_example`` are YAML fragments merged onto
    ``BASE_EXAMPLE`` (top-level keys replace those of the base); a test runs every rule
    on both.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[Severity]
    groups: ClassVar[tuple[str, ...]]
    references: ClassVar[tuple[str, ...]] = ()
    legal_reference: ClassVar[str | None] = None  # for the rule reference: every provision
    # what a finding cites, by regime: only the provisions of regimes that apply to the
    # document are cited (a finding under no applicable regime cites none)
    citations: ClassVar[Mapping[str, str]] = {}
    needs_regime: ClassVar[bool] = False  # the rule runs only where a regime it cites applies
    kind: ClassVar[str] = "structure"  # what the rule judges (KINDS), which sets its severity
    profile: ClassVar[str | None] = None  # a completeness profile the rule belongs to
    layer: ClassVar[int]  # 1 schema/references, 2 contradictions, 3 consistency, 4 completeness
    opt_in: ClassVar[bool] = False  # runs only when selected by code, name or group
    # a structure finding holds back layers 2-4 when the model would be ambiguous without
    # a fix (a dangling reference); not when the problem is local to one entry
    holds_back_later_layers: ClassVar[bool] = True
    # rules whose findings report the same problem as one of this rule's under another
    # regime (same places, or places within this finding's): merged into this rule's
    # finding, which cites both (``merge_across_rules``); a suppression of either silences it
    absorbs: ClassVar[tuple[str, ...]] = ()
    fail_example: ClassVar[str]
    pass_example: ClassVar[str]

    _applied: tuple[str, ...] = ()
    _pairs = 0  # pairs of entries compared in the document being checked (``charge``)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.citations and "legal_reference" not in cls.__dict__:
            cls.legal_reference = "; ".join(dict.fromkeys(cls.citations.values()))

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        raise NotImplementedError

    def run(self, ctx: RuleContext) -> list[Finding]:
        """The rule's findings, one per problem: findings that cite exactly the same
        passages of the text (two annotations of one sentence) are one finding. Past
        ``ctx.max_findings``, the rest are counted and reported as one more finding that
        says how many; so is a rule that stopped counting or comparing (``_merge``,
        ``charge``), since its findings may then be incomplete. The findings the document
        suppresses (``ctx.suppressed``) come last, outside the limit and the count."""
        self._applied = ctx.applied()
        self._pairs = 0
        limit = ctx.max_findings
        listed, rest, suppressed, stopped = _merge(self.check(ctx), limit, ctx.suppressed)
        if rest or stopped:
            listed.append(self._more(rest, limit, stopped))
        return [*listed, *suppressed]

    def charge(self, pairs: int = 1) -> None:
        """Count pairs of entries compared; past ``MAX_PAIRS_PER_RULE`` in one document the
        rule stops (``StopComparing``), so that a document of thousands of statements
        about the same data costs bounded time."""
        self._pairs += pairs
        if self._pairs > MAX_PAIRS_PER_RULE:
            raise StopComparing

    def _more(self, rest: Sequence[Finding], limit: int | None, stopped: str | None
              ) -> Finding:
        """The finding standing for those not listed (at the document, as severe as the
        most severe of them, saying how many there are), and for a rule that stopped."""
        count = f"{'at least ' if stopped else ''}{len(rest)} more {self.name}" \
            f" finding{'' if len(rest) == 1 else 's'} in this document, not listed: a" \
            f" report lists {limit} per rule and document"
        if stopped == "comparing":
            message = f"{self.name} stopped after comparing {MAX_PAIRS_PER_RULE:,} pairs of" \
                " entries in this document, so it may have missed findings"
            message += f"; {count}" if rest else ""
        elif rest:
            message = count + (", and the rule stops counting after so many" if stopped
                               else "")
        else:
            message = f"the {self.name} findings listed may miss some of their places: the" \
                " rule stopped looking after so many findings that repeat them"
        severity = max((f.severity for f in rest),
                       default=min(self.severity, Severity.WARNING))
        hint = "split the document, or mend the findings listed and validate again" \
            if stopped == "comparing" else "mend the findings listed and validate again," \
            " or raise max-findings-per-rule to list more"
        return Finding(self.code, self.name, severity, message, ("",), (), self.cite(), hint)

    @staticmethod
    def with_severity(finding: Finding, severity: Severity) -> Finding:
        """A finding judged at another severity than the rule's default."""
        return finding if finding.severity == severity else replace(finding, severity=severity)

    def cite(self, table: Mapping[str, str] | None = None) -> str | None:
        """The provisions of ``table`` (by default the rule's ``citations``) of the
        regimes that apply, in the order of ``REGIMES``; the rule's one reference when it
        cites no regime in particular."""
        table = self.citations if table is None else table
        if not table:
            return self.legal_reference
        cited = [table[key] for key in self._applied if key in table]
        return "; ".join(dict.fromkeys(cited)) or None

    def cited_regimes(self, ctx: RuleContext) -> tuple[str, ...]:
        return tuple(key for key in ctx.applied() if key in self.citations)

    @classmethod
    def rationale(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def info(cls) -> RuleInfo:
        return RuleInfo(cls.code, cls.name, cls.severity, cls.groups, cls.summary,
                        cls.rationale(), cls.references, help_uri=rule_help_uri(cls.code),
                        legal_reference=cls.legal_reference, fail_example=cls.fail_example,
                        pass_example=cls.pass_example)

    def applies(self, ctx: RuleContext) -> bool:
        if self.profile is not None and self.profile not in ctx.profiles:
            return False
        return not self.needs_regime or bool(self.cited_regimes(ctx))

    def finding(self, message: str, items: Sequence[HasEvidence] = (), *,
                pointers: Sequence[str] = (), hint: str | None = None,
                legal_reference: str | None = None) -> Finding:
        """A finding citing ``items`` (their pointers and evidence quotes)."""
        all_pointers = tuple(dict.fromkeys([*(i.pointer for i in items), *pointers]))
        quotes = tuple(quote for item in items for quote in quotes_of(item))
        return Finding(self.code, self.name, self.severity, message, all_pointers, quotes,
                       legal_reference or self.cite(), hint)


# The findings a rule lists per document by default (setting max-findings-per-rule); a
# report of hundreds of one rule's findings is read by no one, and a document built so
# that every pair of its entries is a finding would make one of millions.
MAX_FINDINGS_PER_RULE = 100

# Past the limit of findings listed, a rule's findings are counted up to this many more
# problems, and read up to ``READ_BEYOND_LIMIT`` findings in all (merged or not); a rule
# that has still more stops there, so that a document built to make every pair of its
# entries a finding costs bounded time and memory.
COUNT_BEYOND_LIMIT = 1000
READ_BEYOND_LIMIT = 20_000

# The pairs of entries a rule compares in one document before it stops (``Rule.charge``).
# The examples need a few thousand; a policy of thousands of statements, all about the
# same data, would need millions.
MAX_PAIRS_PER_RULE = 100_000


class StopComparing(Exception):
    """A rule has compared as many pairs of entries as it may in one document."""


class _Merging:
    """A finding and the pointers and quotes merged into it so far (kept as ordered sets:
    merging many findings into one stays linear)."""

    __slots__ = ("finding", "pointers", "quotes", "sizes")

    def __init__(self, finding: Finding) -> None:
        self.finding = finding
        self.pointers = dict.fromkeys(finding.pointers)
        self.quotes = dict.fromkeys(finding.quotes)
        self.sizes = (len(self.pointers), len(self.quotes))  # before anything is merged

    def same_places(self, finding: Finding) -> bool:
        return len(self.pointers) == len(finding.pointers) and \
            tuple(self.pointers) == finding.pointers

    def lead(self, finding: Finding) -> None:
        """Let ``finding`` lead: its message, its places first. The repeat that leads is
        the one with the least message, so that which one it is does not depend on the
        order of the document's lists."""
        self.pointers = {**dict.fromkeys(finding.pointers), **self.pointers}
        self.quotes = {**dict.fromkeys(finding.quotes), **self.quotes}
        self.finding = finding
        self.sizes = (-1, -1)  # rebuilt by merged()

    def merged(self) -> Finding:
        if (len(self.pointers), len(self.quotes)) == self.sizes:
            return self.finding  # nothing merged into it: as the rule made it
        return replace(self.finding, pointers=tuple(self.pointers), quotes=tuple(self.quotes))


def merge_repeats(findings: Iterable[Finding]) -> list[Finding]:
    """Findings of one rule, with those that rest on the same passages of the source
    merged: one message (the least, whatever the order of the lists), every pointer and
    quote of them all. Two entries
    that annotate one sentence ("advertising platforms may also place and read cookies",
    recorded as the platforms collecting and as the provider making data available) are
    one problem, not two. Findings without quoted passages, and findings at the very
    same places, are kept as they are."""
    return _merge(findings, None)[0]


def _merge(findings: Iterable[Finding], limit: int | None,
           suppressed: Callable[[Finding], bool] | None = None
           ) -> tuple[list[Finding], list[Finding], list[Finding], str | None]:
    """``merge_repeats``, bounded: (the first ``limit`` merged findings, the rest, those
    ``suppressed`` accepts, why it stopped).

    A merged finding is suppressed when one of the findings merged into it is (its
    places are theirs together), and is neither listed nor counted: the limit and the
    count are of the findings the document does not suppress. After
    ``COUNT_BEYOND_LIMIT`` problems past the limit, or ``limit + READ_BEYOND_LIMIT``
    findings read, ``findings`` is not read further ("counting"); a rule that raises
    ``StopComparing`` stops there too ("comparing")."""
    merged: dict[object, _Merging] = {}
    hidden: set[object] = set()  # the keys of the merged findings that are suppressed
    stopped: str | None = None
    try:
        for index, finding in enumerate(findings):
            if limit is not None and (len(merged) - len(hidden) >= limit + COUNT_BEYOND_LIMIT
                                      or index >= limit + READ_BEYOND_LIMIT):
                stopped = "counting"
                break
            passages = frozenset((q.text, q.start, q.end) for q in finding.quotes if q.text)
            key: object = passages or index
            first = merged.get(key)
            if first is None or first.same_places(finding):
                # at the very same places, a different message is a different problem (two
                # rights missing from one regime claim); each rule names those together
                key = key if first is None else (key, index)
                merged[key] = _Merging(finding)
            elif finding.message < first.finding.message:
                first.lead(finding)
            else:
                first.pointers.update(dict.fromkeys(finding.pointers))
                first.quotes.update(dict.fromkeys(finding.quotes))
            if suppressed is not None and key not in hidden and suppressed(finding):
                hidden.add(key)
    except StopComparing:
        stopped = "comparing"
    kept = [m.merged() for key, m in merged.items() if key not in hidden]
    accepted = [m.merged() for key, m in merged.items() if key in hidden]
    if limit is None:
        return kept, [], accepted, stopped
    return kept[:limit], kept[limit:], accepted, stopped


# A finding and the rules (code, name) whose findings were merged into it.
Merged = tuple[Finding, tuple[tuple[str, str], ...]]


def merge_across_rules(findings: Sequence[Finding]) -> list[Merged]:
    """Findings of all rules on one document, with one problem reported under two regimes
    made one finding: a finding of a rule that another rule ``absorbs``, at places all
    within one of the absorbing rule's findings, is merged into that finding (its message
    added after the part they share, the legal references of both, the more severe of
    the two, every pointer and quote). Each finding comes with the rules merged into it,
    so that a suppression of any of them silences it."""
    owners = {code: set(RULES[code].absorbs) for code in {f.code for f in findings}
              if code in RULES and RULES[code].absorbs}
    if not owners:
        return [(f, ()) for f in findings]
    kept = list(findings)
    merged_in: list[list[tuple[str, str]]] = [[] for _ in kept]
    absorbed: set[int] = set()
    # only the absorbing rules' findings are looked through, not every finding
    owning = [index for index, finding in enumerate(findings) if finding.code in owners]
    for index, other in enumerate(findings):
        places = set(other.pointers)
        if not places or "" in places:
            continue  # a finding at the document (counting the rest) stands alone
        for position in owning:
            owner = kept[position]
            if other.code in owners[owner.code] and places <= set(owner.pointers):
                kept[position] = _merged_finding(owner, other)
                merged_in[position].append((other.code, other.name))
                absorbed.add(index)
                break
    return [(finding, tuple(merged_in[index])) for index, finding in enumerate(kept)
            if index not in absorbed]


def _merged_finding(owner: Finding, other: Finding) -> Finding:
    # "s-0 uses call records for advertising with no stated basis; ...": the part both
    # findings open with is said once
    lead = owner.message.split("; ")[0] + "; "
    rest = other.message[len(lead):] if other.message.startswith(lead) else other.message
    references = [part for ref in (owner.legal_reference, other.legal_reference) if ref
                  for part in ref.split("; ")]
    return replace(owner, severity=max(owner.severity, other.severity),
                   message=f"{owner.message}; {rest}",
                   pointers=tuple(dict.fromkeys([*owner.pointers, *other.pointers])),
                   quotes=tuple(dict.fromkeys([*owner.quotes, *other.quotes])),
                   legal_reference="; ".join(dict.fromkeys(references)) or None)


def accepted_parts(ctx: RuleContext, rule: type[Rule] | Rule,
                   parts: Iterable[str]) -> dict[str, str]:
    """The parts of a finding (such as ``/rights/portability``, a right the policy does
    not mention) that a suppression of the rule in the document targets, with its reason:
    a finding that names several missing things leaves out the ones a reviewer accepted."""
    wanted = set(parts)
    accepted: dict[str, str] = {}
    raw = ctx.data.get("suppressions")
    for entry in raw if isinstance(raw, list) else ():
        if not isinstance(entry, dict) or entry.get("rule") not in (rule.code, rule.name):
            continue
        for target in entry.get("targets") or ():
            if target in wanted:
                accepted.setdefault(target, str(entry.get("reason", "")))
    return accepted


def quotes_of(item: HasEvidence) -> Iterator[Quote]:
    for evidence in item.evidence:
        yield Quote(item.pointer, evidence.quote, evidence.section, evidence.start,
                    evidence.end, evidence.inferred, evidence.rationale)


# The rule reference (docs/rules.md) as published; each rule has an anchor named after its
# code in lower case, which does not change when a rule's name or summary does.
RULE_REFERENCE_URI = documentation_uri("rules.md")


def rule_anchor(code: str) -> str:
    return code.lower()


def rule_help_uri(code: str) -> str:
    """Where a rule is explained, for SARIF ``helpUri`` and links in reports."""
    return f"{RULE_REFERENCE_URI}#{rule_anchor(code)}"


# What a rule judges, and the severities that fit it: an error when the text contradicts
# itself or a notice duty the policy text itself must meet is unmet; a warning for a likely
# problem (a practice the law restricts, which the text describes but a duty to act does
# not make a demand on the text; a notice duty the rule cannot be sure of); info for good
# practice.
KINDS: Mapping[str, tuple[str, tuple[Severity, ...]]] = MappingProxyType({
    "structure": ("the document's form", (Severity.ERROR,)),
    "contradiction": ("the text contradicts itself", (Severity.ERROR,)),
    "unclear": ("the text may contradict itself or mislead", (Severity.WARNING,)),
    "notice": ("a notice duty the policy text itself must meet",
               (Severity.ERROR, Severity.WARNING)),
    "practice": ("a practice the text describes that the law restricts; a duty to act, not"
                 " a demand on the text", (Severity.WARNING,)),
    "goodPractice": ("good practice, not a legal duty", (Severity.INFO,)),
})


# The declared regimes (vocabulary terms) that switch each profile on, for callers that
# read claims; which regimes apply is decided in ``_regimes`` from more than claims.
REGIME_PROFILES = {claim: regime.profile for regime in REGIMES for claim in regime.claims
                   if regime.profile}
__all__ = ["ACTIVE_STANCES", "PROFILES", "REGIME_PROFILES"]


def citing(table: Mapping[str, str]) -> Mapping[str, str]:
    """A rule's citations by regime, read-only (they are shared by every instance)."""
    return MappingProxyType(dict(table))


def gdpr_family(provision: str) -> Mapping[str, str]:
    """A GDPR provision as the GDPR and the UK GDPR each number it."""
    return citing({"gdpr": f"GDPR {provision}", "ukGdpr": f"UK GDPR {provision}"})


def eprivacy_family(article: str, regulation: str) -> Mapping[str, str]:
    """An ePrivacy Directive article, and the PECR regulation implementing it in the UK."""
    return citing({"eprivacy": f"ePrivacy Directive 2002/58/EC {article}",
                   "pecr": f"PECR {regulation} (ePrivacy Directive {article})"})


# A policy that contradicts itself or misleads: the transparency the law of each regime
# asks of it.
TRANSPARENCY = citing({**gdpr_family("Art. 5(1)(a) and 12(1)"),
                       "ftc": "FTC Act s. 5, 15 U.S.C. 45(a) (deceptive statements)",
                       "ccpa": "CCPA Regulations, 11 CCR 7003(a) (notices easy to understand)",
                       "dpdp": "DPDP Act 2023 s. 5(1) and 6(1) (an informed notice)"})


RULES: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Add a rule to the registry; codes and names must be unique."""
    for other in RULES.values():
        if other.code == cls.code or other.name == cls.name:
            raise ValueError(f"duplicate rule {cls.code} {cls.name}")
    RULES[cls.code] = cls
    return cls


def categories(policy: Policy, data_ids: Sequence[str]) -> frozenset[str]:
    """The controlled categories of some data entries; personal data when none is named,
    since a statement about unnamed data is about personal data in general."""
    return policy.categories_of(data_ids) or frozenset({"personalData"})


def join(items: Iterable[str]) -> str:
    values = list(items)
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + " and " + values[-1]


# The provider of the examples says no country, so that only the regimes an example
# claims (or the country it gives) decide the law that applies.
BASE_EXAMPLE = """\
formatVersion: 1.0.0
id: example
title: Example Telecom privacy policy
language: en
provider:
  name: Example Telecom Ltd
  contacts: [{channel: email, value: privacy@example.net}]
"""
