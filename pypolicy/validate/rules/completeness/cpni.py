"""CPNI profile (47 CFR 64.2001-2011): customer proprietary network information used
for marketing only with approval, breaches reported to law enforcement first, and the
customer's right to restrict its use."""

from __future__ import annotations

from collections.abc import Iterator

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.model import Statement
from pypolicy.format.vocabulary import Vocabulary
from pypolicy.validate.rules._base import RuleContext, citing, register
from pypolicy.validate.rules.completeness._shared import (
    CDR_DATA,
    CPNI,
    CompletenessRule,
    any_within,
    bases_of,
    policy_of,
    practices,
    real_consent,
    use_of,
)


def cpni_approved(vocab: Vocabulary, statement: Statement) -> bool:
    bases = bases_of(statement)
    return real_consent(vocab, statement) or \
        any_within(vocab, bases, ("cpniOptInApproval", "cpniOptOutApproval"))


@register
class CpniMarketingWithoutApproval(CompletenessRule):
    """A carrier may use CPNI without the customer's approval to market offerings within
    the categories of service the customer already buys (the total service approach, 47
    CFR 64.2005(a)); for anything else it needs opt-out or opt-in approval after notice
    (64.2007-2008). A statement that uses call detail records or billing records to market
    without approval and without the existing-customer limit is such a use. Consent the
    policy infers from use of the service is not approval under 64.2008."""

    code = "VP331"
    name = "cpni-marketing-without-approval"
    summary = "CPNI is used for marketing without customer approval."
    severity = Severity.ERROR
    groups = ("completeness", "cpni", "consent")
    profile = "cpni"
    citations = citing({"usCpni": "47 CFR 64.2005(a), 64.2007 and 64.2008"})
    fail_example = CPNI + CDR_DATA + """\
statements:
  - {id: s-upsell, modality: may, actions: [use], data: [d-cdr], purposes: [marketing]}
"""
    pass_example = CPNI + CDR_DATA + """\
statements:
  - id: s-upsell
    modality: may
    actions: [use]
    data: [d-cdr]
    purposes: [marketing]
    conditions: [existingCustomer]
  - id: s-partners
    modality: may
    actions: [use]
    data: [d-cdr]
    purposes: [thirdPartyMarketing]
    legalBases: [cpniOptInApproval]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        for statement in practices(policy, vocab):
            if not any_within(vocab, policy.categories_of(statement.data), ["cpni"]) or \
                    not any_within(vocab, statement.purposes, ["marketing"]):
                continue
            if cpni_approved(vocab, statement) or "existingCustomer" in statement.conditions:
                continue
            yield self.finding(
                f"{use_of(policy, vocab, statement, ['cpni'])}; CPNI may be used for marketing"
                " beyond the services the customer already buys only with opt-in or opt-out"
                " approval", [statement],
                hint="add the approval the text describes (legalBases: cpniOptInApproval or"
                     " cpniOptOutApproval), or conditions: [existingCustomer] if the text"
                     " limits marketing to the customer's existing categories of service")


@register
class CpniBreachNotification(CompletenessRule):
    """After a breach of CPNI a carrier must notify law enforcement (the US Secret Service
    and the FBI, through the FCC's central reporting facility) before it notifies
    customers, unless law enforcement agrees otherwise (47 CFR 64.2011). A policy under
    the CPNI rules should say that breaches are reported, and to whom; one that promises
    only to tell customers describes a procedure the rule does not allow."""

    code = "VP332"
    name = "cpni-breach-notification"
    summary = "The policy does not say that CPNI breaches are reported to law enforcement."
    severity = Severity.ERROR
    groups = ("completeness", "cpni")
    profile = "cpni"
    citations = citing({"usCpni": "47 CFR 64.2011"})
    fail_example = CPNI + """\
breachNotification: {modality: does, notifies: [notifyDataSubjects]}
"""
    pass_example = CPNI + """\
breachNotification: {modality: does, notifies: [notifyLawEnforcement, notifyDataSubjects]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        notice = policy_of(ctx).breach_notification
        hint = "record what the policy says in breachNotification (notifies:" \
            " notifyLawEnforcement, notifyDataSubjects)"
        if notice is None:
            yield self.missing(ctx, "the policy says nothing about notifying breaches of"
                                    " CPNI", hint=hint)
        elif notice.modality == "doesNot":
            yield self.finding("the policy says breaches are not notified; CPNI breaches must"
                               " be reported to law enforcement", [notice], hint=hint)
        elif "notifyLawEnforcement" not in notice.notifies:
            yield self.finding("breaches are notified, but not to law enforcement (the US"
                               " Secret Service and the FBI come first)", [notice], hint=hint)


@register
class CpniRestrictionRightMissing(CompletenessRule):
    """Before asking for approval to use CPNI, a carrier must tell customers of their right
    to restrict the use of, disclosure of and access to their CPNI, and that denying
    approval does not affect their service (47 CFR 64.2008(a)-(c)). A policy under the
    CPNI rules that never mentions this right leaves customers without the notice the
    approval regime rests on."""

    code = "VP333"
    name = "cpni-restriction-right-missing"
    summary = "The right to restrict the use of CPNI is not mentioned."
    severity = Severity.WARNING
    groups = ("completeness", "cpni", "rights")
    profile = "cpni"
    citations = citing({"usCpni": "47 CFR 64.2008"})
    fail_example = CPNI + """\
rights:
  - {id: r-access, right: access}
"""
    pass_example = CPNI + """\
rights:
  - {id: r-cpni, right: cpniRestriction}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        vocab = ctx.vocabulary
        if not any(vocab.is_within(r.right, "cpniRestriction") for r in policy_of(ctx).rights):
            yield self.missing(ctx, "the customer's right to restrict the use, disclosure of"
                                    " and access to CPNI is not mentioned",
                               hint="add a rights entry with right: cpniRestriction")
