"""DPDP profile (India): the Digital Personal Data Protection Act 2023, whose duties come
into force in phases under the DPDP Rules 2025, and, until they do, the Information
Technology (Reasonable Security Practices and Procedures and Sensitive Personal Data or
Information) Rules 2011 under s. 43A of the IT Act 2000, which ask a body corporate for a
published privacy policy and a grievance officer."""

from __future__ import annotations

from collections.abc import Iterator

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.model import Policy
from pypolicy.format.vocabulary import Vocabulary
from pypolicy.validation.rules._base import RuleContext, citing, join, register
from pypolicy.validation.rules.completeness._shared import (
    CONTACT_DATA,
    CompletenessRule,
    any_within,
    bases_of,
    policy_of,
    practices,
)

DPDP = "regimes: [{id: rg-dpdp, regime: indiaDpdp, stance: claimed}]\n"
INDIA = "provider: {name: Example Telecom Pvt Ltd, country: IN}\n"

# Officers who answer people's questions and grievances (format 1.1 roles).
ANSWERING_ROLES = ("grievanceOfficer", "dpo", "privacyOfficer")


def grievance_contact(policy: Policy) -> bool:
    """Whether an officer who handles grievances is named with a way to reach them."""
    officers = list(policy.officers)
    if policy.data_protection_officer is not None:
        officers.append(policy.data_protection_officer)
    return any(o.appointed and o.contacts and (o.officer_role in ANSWERING_ROLES or
                                               o.officer_role is None) for o in officers)


def relies_on_consent(policy: Policy, vocab: Vocabulary) -> bool:
    return any(any_within(vocab, bases_of(s), ["consent"]) for s in practices(policy, vocab))


@register
class DpdpNoticeItems(CompletenessRule):
    """A notice to a Data Principal must say what personal data is processed and for what
    purpose, how she may withdraw consent (s. 6(4)) and have her grievances redressed
    (s. 13), and how she may complain to the Data Protection Board (DPDP Act 2023 s. 5(1);
    DPDP Rules 2025 r. 3). The IT Rules 2011 r. 4(1) already ask a body corporate's
    privacy policy for the types of information collected and the purposes.

    A notice duty of the policy text: one finding names every item missing. A warning,
    since the Act's notice duties come into force in phases under the DPDP Rules 2025."""

    code = "VP371"
    name = "dpdp-notice-items"
    summary = "The policy leaves out an item the DPDP Act's notice requires."
    severity = Severity.WARNING
    kind = "notice"
    groups = ("completeness", "dpdp")
    profile = "dpdp"
    citations = citing({"dpdp": "DPDP Act 2023 s. 5(1), 6(4) and 13; IT Rules 2011 r. 4(1)"})
    fail_example = INDIA + CONTACT_DATA + """\
statements:
  - {id: s-bill, modality: does, actions: [use], data: [d-contact], purposes: [billing],
     legalBases: [consent]}
"""
    pass_example = INDIA + CONTACT_DATA + """\
officers:
  - {appointed: true, officerRole: grievanceOfficer, name: A. Officer,
     contacts: [{channel: email, value: grievance@example.in}]}
statements:
  - {id: s-bill, modality: does, actions: [use], data: [d-contact], purposes: [billing],
     legalBases: [consent]}
rights:
  - {id: rt-withdraw, right: withdrawConsent}
  - {id: rt-complaint, right: complaint}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        missing = []
        if not policy.data_categories:
            missing.append("the personal data processed")
        if not any(s.purposes for s in practices(policy, vocab)):
            missing.append("the purposes")
        if relies_on_consent(policy, vocab) and not any(
                vocab.is_within(r.right, "withdrawConsent") for r in policy.rights):
            missing.append("how to withdraw consent (s. 6(4))")
        if not grievance_contact(policy) and not policy.provider.contacts:
            missing.append("how to have grievances redressed (s. 13)")
        if not any(r.right == "complaint" for r in policy.rights):
            missing.append("how to complain to the Data Protection Board (s. 5(1)(iii))")
        if missing:
            yield self.missing(ctx, f"the notice does not give {join(missing)}",
                               hint="record what the text says; if it says nothing, the"
                                    " finding stands")


@register
class DpdpGrievanceOfficer(CompletenessRule):
    """A body corporate that handles personal information must publish on its website the
    name and contact details of a grievance officer, who redresses grievances within one
    month (IT Rules 2011 r. 5(9)); under the DPDP Act a Data Fiduciary publishes the
    business contact information of its Data Protection Officer or of a person who
    answers questions about the processing (s. 8(9)), and offers readily available means
    of grievance redressal (s. 13). A general support address does not name the officer.

    A notice duty of the policy text, in force under the IT Rules 2011. An error."""

    code = "VP372"
    name = "dpdp-grievance-officer"
    summary = "No grievance officer is named with contact details."
    severity = Severity.ERROR
    kind = "notice"
    groups = ("completeness", "dpdp")
    profile = "dpdp"
    citations = citing({"dpdp": "IT Rules 2011 r. 5(9); DPDP Act 2023 s. 8(9) and 13"})
    fail_example = INDIA + CONTACT_DATA
    pass_example = INDIA + CONTACT_DATA + """\
officers:
  - {appointed: true, officerRole: grievanceOfficer, name: A. Officer,
     contacts: [{channel: email, value: grievance@example.in}]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not grievance_contact(policy_of(ctx)):
            yield self.missing(ctx, "no grievance officer (or data protection officer) is"
                                    " named with contact details",
                               hint="add officers with officerRole: grievanceOfficer, a name"
                                    " and contacts")
