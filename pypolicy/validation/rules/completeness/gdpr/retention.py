"""GDPR profile: how long data is kept, a period or criteria a reader can apply
(Art. 13(2)(a), 14(2)(a))."""

from __future__ import annotations

from collections.abc import Iterator

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.model import RetentionRule, Statement
from pypolicy.validation.rules._base import RuleContext, citing, gdpr_family, join, register
from pypolicy.validation.rules.completeness._shared import (
    CONTACT_DATA,
    GDPR,
    CompletenessRule,
    RetentionIndex,
    has_period,
    labels,
    policy_of,
    practices,
)


@register
class RetentionMissing(CompletenessRule):
    """GDPR Art. 13(2)(a) requires the period for which personal data will be stored or,
    where that is not possible, the criteria used to decide it. A policy with no word on
    retention at all leaves people to assume their data is kept forever.

    A notice duty of the policy text (GDPR and UK GDPR Art. 13(2)(a), 14(2)(a)). An
    error."""

    code = "VP308"
    name = "retention-missing"
    summary = "The policy says nothing about how long data is kept."
    severity = Severity.ERROR
    kind = "notice"
    groups = ("completeness", "gdpr", "retention")
    profile = "gdpr"
    citations = gdpr_family("Art. 13(2)(a) and 14(2)(a)")
    fail_example = GDPR + CONTACT_DATA
    pass_example = GDPR + CONTACT_DATA + """\
retention:
  - {id: r-contact, data: [d-contact], duration: P1Y, from: endOfContract, afterwards: deleted}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not policy_of(ctx).retention:
            yield self.missing(ctx, "the policy gives no retention period or criteria",
                               hint="add retention rules (a duration, or the criteria that"
                                    " decide it)")


def vague(rule: RetentionRule) -> bool:
    """No period and no criteria a reader can apply, and not "indefinitely" either."""
    return not rule.indefinite and not has_period(rule)


@register
class VagueRetention(CompletenessRule):
    """"As long as necessary for the purposes" restates the storage limitation principle
    without telling anyone anything; the EDPB's transparency guidelines (WP260 rev.01,
    para. 48) say it is not enough to state generically that data will be kept as long as
    necessary: the period, or criteria a reader can apply (the contract's duration, a
    statutory period), must be given. "As long as necessary or as the law requires",
    "depending on the amount, sensitivity and risk", "to resolve disputes" are no more
    precise: a rule with only such criteria, and no period, range or law imposing one, is
    vague however many of them it lists. A vague rule is not reported where every data entry
    it covers is also bounded by a more specific rule (a period, other criteria, or an
    explicit "indefinitely"), since the policy then does say how long.

    A notice duty (GDPR and UK GDPR Art. 13(2)(a), 14(2)(a)). A warning, since whether
    criteria can be applied is a judgement."""

    code = "VP309"
    name = "vague-retention"
    summary = "A retention rule says only 'as long as necessary', with no period or criteria."
    severity = Severity.WARNING
    kind = "notice"
    groups = ("completeness", "gdpr", "retention")
    profile = "gdpr"
    citations = citing({
        "gdpr": "GDPR Art. 13(2)(a); EDPB Guidelines on transparency (WP260 rev.01) para. 48",
        "ukGdpr": "UK GDPR Art. 13(2)(a); ICO guidance on the right to be informed"})
    fail_example = GDPR + CONTACT_DATA + """\
retention:
  - {id: r-necessary, data: [d-contact], criteria: [purposeFulfilled, legalRequirement]}
"""
    pass_example = GDPR + CONTACT_DATA + """\
retention:
  - {id: r-necessary, data: [d-contact], criteria: [purposeFulfilled]}
  - {id: r-after-contract, data: [d-contact], duration: P30D, from: endOfContract}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        # whether a specific rule bounds an entry, found through an index, once an entry
        specific = RetentionIndex(policy, vocab, [r for r in policy.retention if not vague(r)])
        bounded: dict[str, bool] = {}
        for rule in policy.retention:
            if not vague(rule):
                continue
            entries = [e for e in (policy.data_entry(d) for d in rule.data) if e is not None]
            for entry in entries:
                if entry.id not in bounded:
                    bounded[entry.id] = specific.covers(entry)
            unbounded = [e for e in entries if not bounded[e.id]]
            if entries and not unbounded:
                continue
            names = join(e.name for e in unbounded) or "its data"
            said = f" ({labels(vocab, rule.criteria)})" if rule.criteria else ""
            yield self.finding(
                f"{rule.id} gives no period for {names}, and its criteria{said} are not ones a"
                " reader could apply", [rule],
                hint="give the period (duration and from, or a range), the law that imposes"
                     " it, or criteria a reader can apply (the contract's duration)")


# Practices that keep nothing of their own: carrying a call, listening to it or reading
# it where it already is, deleting or anonymising data.
KEEPS_NOTHING = ("transmit", "consult", "accessData", "delete", "anonymise")


@register
class RetentionIncomplete(CompletenessRule):
    """Art. 13(2)(a) asks for the retention period of the personal data the policy is
    about, not of some of it: a policy that gives periods for call records and invoices
    and none for the contact details, the emergency address or the call-quality
    measurements it also collects leaves those to be kept as long as the provider likes.
    A kind of data counts as covered when a retention rule names it or data that includes
    it ("all personal data"); data the policy only carries (a call in transit), deletes,
    keeps only on the person's device (format 1.1 systems) or says it does not store needs
    no period. Where the policy says nothing about retention at all, VP308 reports it.

    A notice duty (GDPR and UK GDPR Art. 13(2)(a), 14(2)(a)); one finding names every kind
    of data without a period. A warning, since some data is kept only as long as another
    kind it belongs to (an account's emergency address) without the text saying so."""

    code = "VP317"
    name = "retention-incomplete"
    summary = "Some of the data collected has no retention period or criteria."
    severity = Severity.WARNING
    kind = "notice"
    groups = ("completeness", "gdpr", "retention")
    profile = "gdpr"
    citations = gdpr_family("Art. 13(2)(a) and 14(2)(a)")
    fail_example = GDPR + """\
dataCategories:
  - {id: d-contact, name: Contact data, categories: [contact]}
  - {id: d-cdr, name: Call records, categories: [callDetailRecord]}
statements:
  - {id: s-collect, modality: does, actions: [collect], data: [d-contact, d-cdr]}
retention:
  - {id: r-cdr, data: [d-cdr], duration: P6M}
"""
    pass_example = GDPR + """\
dataCategories:
  - {id: d-contact, name: Contact data, categories: [contact]}
  - {id: d-cdr, name: Call records, categories: [callDetailRecord]}
statements:
  - {id: s-collect, modality: does, actions: [collect], data: [d-contact, d-cdr]}
retention:
  - {id: r-cdr, data: [d-cdr], duration: P6M}
  - {id: r-contact, data: [d-contact], criteria: [contractDuration]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        if not policy.retention:
            return  # VP308
        not_kept = {d for s in policy.statements if s.negative and
                    any(vocab.is_within(a, "store") or vocab.is_within(a, "collect")
                        for a in s.actions) and not s.exceptions for d in s.data}
        kept: dict[str, list[Statement]] = {}
        for statement in practices(policy, vocab):
            if vocab.all_within(statement.actions, KEEPS_NOTHING) or \
                    (statement.systems and set(statement.systems) <= {"onUserDevice"}):
                continue
            for data_id in statement.data:
                kept.setdefault(data_id, []).append(statement)
        uncovered = []
        retention = RetentionIndex(policy, vocab)
        for entry in policy.data_categories:
            if entry.id not in kept or entry.id in not_kept or \
                    vocab.all_within(entry.categories, ["anonymousData"]):
                continue
            if not retention.covers(entry):
                uncovered.append(entry)
        if uncovered:
            yield self.finding(
                f"no retention rule covers {join(f'{e.name} ({e.id})' for e in uncovered)}",
                uncovered,
                hint="give how long each is kept (a period, or criteria a reader can apply)")
