"""What the completeness profiles share: reading the document the way the law asks
(which statements are practices about people, on which legal bases, covered by which
retention rule), the ``CompletenessRule`` base whose findings about a missing
disclosure point at what makes the law apply (the regime claim, else the provider whose
establishment decides, else the service), and the regime lines the rules' examples start
from.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import ClassVar

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.model import DataEntry, Policy, RetentionRule, Statement
from pypolicy.format.vocabulary import Vocabulary
from pypolicy.validation.rules._base import (
    ACTIVE_STANCES,
    PROFILES,
    REGIME_PROFILES,
    HasEvidence,
    Rule,
    RuleContext,
    categories,
    join,
)

# The declared regimes that switch each profile on.
PROFILE_REGIMES: dict[str, tuple[str, ...]] = {
    profile: tuple(r for r, p in REGIME_PROFILES.items() if p == profile) for profile in PROFILES
}

# A condition that names the ground it rests on gives a legal basis as surely as the
# basis itself: "only with your consent", "where required by law".
BASIS_OF_CONDITION = {"withConsent": "consent", "requiredByLaw": "legalObligation"}

# Consent in name only: continued use, or a CPNI opt-out, is not the freely given,
# unambiguous indication by a clear affirmative act that GDPR Art. 4(11) requires and
# ePrivacy Art. 2(f) borrows (CJEU C-673/17 Planet49).
NOT_REAL_CONSENT = ("impliedConsent", "cpniOptOutApproval")


# -- what the document says --------------------------------------------------------------


def policy_of(ctx: RuleContext) -> Policy:
    assert ctx.policy is not None, "completeness rules run on schema-valid documents only"
    return ctx.policy


def regime_claims(policy: Policy, profile: str | None) -> list[HasEvidence]:
    """The claims that switch a profile on; for ``emergency``, the service."""
    if profile == "emergency":
        return [policy.service] if policy.service is not None else []
    regimes = PROFILE_REGIMES.get(profile or "", ())
    return [c for c in policy.regimes if c.regime in regimes and c.stance in ACTIVE_STANCES]


def gdpr_regimes(ctx: RuleContext) -> list[str]:
    """The GDPR regimes that apply (gdpr, ukGdpr); plain GDPR when the profile was forced
    on a document neither applies to."""
    return [k for k in ctx.applied() if k in ("gdpr", "ukGdpr")] or ["gdpr"]


def about_people(policy: Policy, vocab: Vocabulary, statement: Statement) -> bool:
    """Whether a statement concerns personal data rather than only anonymous data."""
    return not vocab.all_within(categories(policy, statement.data), ["anonymousData"])


def practices(policy: Policy, vocab: Vocabulary) -> list[Statement]:
    """Positive statements about personal data: what the provider says it does or may do
    (a duty the policy places on others, format 1.1, is not a practice of the provider)."""
    return [s for s in policy.statements
            if s.positive and not s.duty and about_people(policy, vocab, s)]


def bases_of(statement: Statement) -> frozenset[str]:
    """The legal bases a statement gives, including those its conditions name."""
    implied = (BASIS_OF_CONDITION[c] for c in statement.conditions if c in BASIS_OF_CONDITION)
    return frozenset((*statement.legal_bases, *implied))


def stated_bases(statement: Statement) -> frozenset[str]:
    """The legal bases a statement states: its ``legalBases`` and consent named as its
    condition ("only with your consent"), but not consent the policy infers from use nor
    a CPNI opt-out, and not "when the law requires it" on one disclosure, which is the
    occasion of that disclosure rather than the ground the processing rests on."""
    named = (b for b in statement.legal_bases if b not in NOT_REAL_CONSENT)
    consent = ("consent",) if "withConsent" in statement.conditions else ()
    return frozenset((*named, *consent))


def basis_stated(policy: Policy, vocab: Vocabulary) -> bool:
    """Whether the policy states a legal basis for any of its practices."""
    return any(stated_bases(s) for s in practices(policy, vocab))


def any_within(vocab: Vocabulary, terms: Iterable[str], broad: Iterable[str]) -> bool:
    broad_terms = list(broad)
    return any(vocab.is_within(t, b) for t in terms for b in broad_terms)


def real_consent(vocab: Vocabulary, statement: Statement) -> bool:
    """Whether a statement rests on consent worth the name (not implied by use)."""
    return any(vocab.is_within(b, "consent") and not any_within(vocab, [b], NOT_REAL_CONSENT)
               for b in bases_of(statement))


def rule_covers(policy: Policy, vocab: Vocabulary, rule: RetentionRule,
                entry: DataEntry) -> bool:
    """Whether a retention rule applies to a data entry: it names the entry, or data whose
    categories include the entry's ("all personal data" covers call detail records)."""
    if entry.id in rule.data:
        return True
    broad = policy.categories_of(rule.data)
    return bool(entry.categories) and bool(broad) and vocab.all_within(entry.categories, broad)


class RetentionIndex:
    """Retention rules by the data entries they name and the categories of their data,
    so that the rules covering a data entry (``rule_covers``) are found without trying
    every rule on every entry; in the policy's order."""

    def __init__(self, policy: Policy, vocab: Vocabulary,
                 rules: Iterable[RetentionRule] | None = None) -> None:
        self.policy, self.vocab = policy, vocab
        self.rules = list(policy.retention if rules is None else rules)
        self._naming: dict[str, list[int]] = {}
        self._by_category: dict[str, list[int]] = {}
        for position, rule in enumerate(self.rules):
            for data_id in dict.fromkeys(rule.data):
                self._naming.setdefault(data_id, []).append(position)
            for category in policy.categories_of(rule.data):
                self._by_category.setdefault(category, []).append(position)

    def covering(self, entry: DataEntry) -> list[RetentionRule]:
        """The rules that apply to ``entry``: those that name it, and those whose data
        has a category that one of the entry's falls within (the rest cannot cover it),
        checked by ``rule_covers``."""
        found = set(self._naming.get(entry.id, ()))
        if entry.categories:
            for term in self.vocab.ancestors(entry.categories[0]):
                found.update(self._by_category.get(term, ()))
        return [self.rules[p] for p in sorted(found)
                if rule_covers(self.policy, self.vocab, self.rules[p], entry)]

    def covers(self, entry: DataEntry) -> bool:
        """Whether some rule applies to ``entry`` (a rule naming it, before any other)."""
        if entry.id in self._naming:
            return True
        found = {p for term in self.vocab.ancestors(entry.categories[0])
                 for p in self._by_category.get(term, ())} if entry.categories else set()
        return any(rule_covers(self.policy, self.vocab, self.rules[p], entry) for p in found)


# Retention criteria a reader can apply to know how long data is kept: the contract's
# duration, until they ask or delete it themselves, as they configure it. "As long as
# necessary", "as the law requires", "to resolve disputes", "depending on the risk" are
# not: they restate the storage limitation principle.
DETERMINABLE_CRITERIA = frozenset({"contractDuration", "untilRequest", "untilDeletedByUser",
                                   "customerConfigured"})


def has_period(rule: RetentionRule) -> bool:
    """Whether a retention rule says how long: a duration, a range or bound (1.1), the
    law that imposes the period (1.1), or criteria a reader can apply."""
    return bool(rule.duration or rule.period or rule.imposed_by or
                DETERMINABLE_CRITERIA & set(rule.criteria))


def labels(vocab: Vocabulary, terms: Iterable[str]) -> str:
    return join(vocab.label(t) for t in terms)


def use_of(policy: Policy, vocab: Vocabulary, statement: Statement,
           kinds: Sequence[str]) -> str:
    """'s-x uses Call records for direct marketing on legitimate interests': the data of
    some kinds a statement uses for marketing, and on what ground."""
    entries = [e for e in (policy.data_entry(d) for d in statement.data)
               if e is not None and any_within(vocab, e.categories, kinds)]
    purposes = [p for p in statement.purposes if vocab.is_within(p, "marketing")]
    bases = bases_of(statement)
    ground = f"on {labels(vocab, sorted(bases))}" if bases else "with no stated basis"
    return (f"{statement.id} uses {join(e.name for e in entries)} for"
            f" {labels(vocab, purposes)} {ground}")


def ids(statements: Sequence[Statement], one: str, many: str) -> str:
    """The ids of some statements with a verb that agrees: 's-a and s-b disclose'."""
    return f"{join(s.id for s in statements)} {one if len(statements) == 1 else many}"


class CompletenessRule(Rule):
    """Shared by the completeness rules: findings about what is missing from the document
    point at what makes the law apply, and a duty that applies only by assumption (a
    regime the document cannot confirm, such as CalOPPA for a US website) is a likely
    problem, a warning, not an error."""

    layer: ClassVar[int] = 4

    def run(self, ctx: RuleContext) -> list[Finding]:
        found = super().run(ctx)
        decisions = [d for d in ctx.regimes if d.applied and d.profile == self.profile]
        if decisions and all(d.assumed for d in decisions):
            found = [replace(f, severity=min(f.severity, Severity.WARNING)) for f in found]
        return found

    def missing(self, ctx: RuleContext, message: str, items: Sequence[HasEvidence] = (), *,
                hint: str | None = None, legal_reference: str | None = None) -> Finding:
        policy = policy_of(ctx)
        anchors: list[HasEvidence] = list(regime_claims(policy, self.profile))
        decided = [d for d in ctx.regimes if d.applied and d.profile == self.profile]
        if not anchors and any(not d.grounds.startswith("forced") for d in decided):
            # the law applies by where the provider is (or, for the general profile, to
            # everyone): the provider is where the disclosure belongs
            anchors = [policy.provider]
        cited = [*items, *anchors]
        return self.finding(message, cited, pointers=() if cited else ("",), hint=hint,
                            legal_reference=legal_reference)


GDPR = "regimes: [{id: rg-gdpr, regime: gdpr, stance: claimed}]\n"
EPRIVACY = "regimes: [{id: rg-eprivacy, regime: eprivacy, stance: applies}]\n"
CPNI = "regimes: [{id: rg-cpni, regime: usCpni, stance: claimed}]\n"
CONTACT_DATA = """\
dataCategories:
  - {id: d-contact, name: Contact data, categories: [contact]}
"""
CDR_DATA = """\
dataCategories:
  - {id: d-cdr, name: Call detail records, categories: [callDetailRecord]}
"""
