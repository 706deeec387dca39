"""CPNI profile (47 CFR 64.2001-2011): customer proprietary network information used
for marketing only with approval, breaches reported to law enforcement first, and the
customer's right to restrict its use."""

from __future__ import annotations

from collections.abc import Iterator

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.model import Policy, Statement
from pypolicy.format.vocabulary import Vocabulary
from pypolicy.validation.rules._base import RuleContext, citing, join, register
from pypolicy.validation.rules.completeness._shared import (
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


def only_cpni(policy: Policy, vocab: Vocabulary, statement: Statement) -> bool:
    """Whether a statement is about CPNI as such (some of its data is CPNI and names the
    carrier's network information), rather than a general list over every kind of data."""
    entries = [e for e in (policy.data_entry(d) for d in statement.data) if e is not None]
    return bool(entries) and all(any_within(vocab, e.categories, ["cpni"]) for e in entries)


def seeks_approval(policy: Policy, vocab: Vocabulary) -> list[Statement]:
    """The statements that rest on the customer's approval to use CPNI, or that use it for
    marketing beyond the services the customer buys (which needs approval)."""
    def beyond_existing_services(statement: Statement) -> bool:
        return any_within(vocab, policy.categories_of(statement.data), ["cpni"]) and \
            any_within(vocab, statement.purposes, ["marketing"]) and \
            "existingCustomer" not in statement.conditions and \
            only_cpni(policy, vocab, statement)

    return [s for s in practices(policy, vocab)
            if any_within(vocab, s.legal_bases, APPROVALS) or beyond_existing_services(s)]


APPROVALS = ("cpniOptInApproval", "cpniOptOutApproval")


@register
class CpniMarketingWithoutApproval(CompletenessRule):
    """A carrier may use CPNI without the customer's approval to market offerings within
    the categories of service the customer already buys (the total service approach, 47
    CFR 64.2005(a)); for anything else it needs opt-out or opt-in approval after notice
    (64.2007(b) and 64.2008). A statement that uses call detail records or billing records
    to market without approval and without the existing-customer limit is such a use.
    Consent the policy infers from use of the service is not approval under 64.2008.

    Not a notice duty: obtaining approval is a duty to act, so the finding is a warning
    about a practice the text describes. A general list of purposes over several kinds of
    data ("we use PII to promote the services", where PII includes CPNI) is read with the
    policy's specific sentence on marketing with CPNI: when that sentence keeps to the
    customer's existing categories of service, the general list is not a use beyond it;
    marketing for third parties never is within the total service approach.

    Where the ePrivacy Directive or PECR applies as well and
    traffic-data-marketing-without-consent (VP322) reports the same statement, that
    finding owns the problem and this one is merged into it (its message and the CPNI
    references added): one finding, silenced by a suppression of either code. Alone, as
    for a US carrier, this rule reports as it always has."""

    code = "VP331"
    name = "cpni-marketing-without-approval"
    summary = "CPNI is used for marketing without customer approval."
    severity = Severity.WARNING
    kind = "practice"
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
        marketing = [s for s in practices(policy, vocab)
                     if any_within(vocab, policy.categories_of(s.data), ["cpni"]) and
                     any_within(vocab, s.purposes, ["marketing"])]
        # the policy's own sentence on marketing with CPNI, kept to existing services
        specific = any("existingCustomer" in s.conditions for s in marketing)
        for statement in marketing:
            if cpni_approved(vocab, statement) or "existingCustomer" in statement.conditions:
                continue
            if specific and not only_cpni(policy, vocab, statement) and \
                    not any_within(vocab, statement.purposes, ["thirdPartyMarketing"]):
                continue  # a general list of purposes, limited by the specific sentence
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
    and the FBI, through the FCC's central reporting facility) within seven business days,
    and customers after that, unless law enforcement asks it to wait (47 CFR 64.2011(a)-(c)).

    Not a notice duty: reporting a breach is a duty to act, and the rules do not ask the
    privacy policy to describe it, so a policy silent on breaches gets no finding. One
    that describes its own procedure (breaches not notified, or notified to customers
    only) describes a procedure the rule does not allow: a warning, a likely problem."""

    code = "VP332"
    name = "cpni-breach-notification"
    summary = "The policy does not say that CPNI breaches are reported to law enforcement."
    severity = Severity.WARNING
    kind = "practice"
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
            return  # silence is no finding: the duty is to act, not to say
        if notice.modality == "doesNot":
            yield self.finding("the policy says breaches are not notified; CPNI breaches must"
                               " be reported to law enforcement", [notice], hint=hint)
        elif "notifyLawEnforcement" not in notice.notifies:
            yield self.finding("breaches are notified, but not to law enforcement (the US"
                               " Secret Service and the FBI come first)", [notice], hint=hint)


@register
class CpniRestrictionRightMissing(CompletenessRule):
    """Before asking for approval to use CPNI, a carrier must tell customers of their right
    to restrict the use of, disclosure of and access to their CPNI, and that denying
    approval does not affect their service (47 CFR 64.2008(a)-(c)).

    A notice duty, but one that comes with a solicitation for approval: it applies only
    where the policy rests a use of CPNI on approval, or uses CPNI for marketing beyond
    the services the customer buys (which needs approval). A carrier that markets only
    within the total service approach (64.2005(a)) asks for no approval and owes no such
    notice. A warning, as the notice may accompany the solicitation rather than the
    policy."""

    code = "VP333"
    name = "cpni-restriction-right-missing"
    summary = "The right to restrict the use of CPNI is not mentioned."
    severity = Severity.WARNING
    kind = "notice"
    groups = ("completeness", "cpni", "rights")
    profile = "cpni"
    citations = citing({"usCpni": "47 CFR 64.2008"})
    fail_example = CPNI + CDR_DATA + """\
statements:
  - id: s-partners
    modality: may
    actions: [use]
    data: [d-cdr]
    purposes: [thirdPartyMarketing]
    legalBases: [cpniOptOutApproval]
rights:
  - {id: r-access, right: access}
"""
    pass_example = CPNI + CDR_DATA + """\
statements:
  - id: s-partners
    modality: may
    actions: [use]
    data: [d-cdr]
    purposes: [thirdPartyMarketing]
    legalBases: [cpniOptOutApproval]
rights:
  - {id: r-cpni, right: cpniRestriction}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        relying = seeks_approval(policy, vocab)
        if relying and not any(vocab.is_within(r.right, "cpniRestriction")
                               for r in policy.rights):
            yield self.missing(ctx, f"{join(s.id for s in relying)} need"
                                    f"{'s' if len(relying) == 1 else ''} the customer's"
                                    " approval, but the right to restrict the use,"
                                    " disclosure of and access to CPNI is not mentioned",
                               relying, hint="add a rights entry with right: cpniRestriction")
