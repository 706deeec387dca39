"""General profile, applied to every document whatever the law: the provider is
identified and can be reached, and the other party to a recorded call is told. Every
regime with notice duties asks for these (GDPR and UK GDPR Art. 13(1)(a) and 14, the CCPA
regulations, the DPDP Act s. 8(9)); where none applies, a policy nobody can ask a
question about is still a likely problem."""

from __future__ import annotations

from collections.abc import Iterator

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.model import Statement
from pypolicy.validation.rules._base import (
    RuleContext,
    categories,
    citing,
    gdpr_family,
    join,
    register,
)
from pypolicy.validation.rules.completeness._shared import CompletenessRule, policy_of

# The regimes under which naming a contact point is a notice duty of the policy itself.
CONTACT_DUTIES = ("gdpr", "ukGdpr", "ccpa", "dpdp")


@register
class ControllerIdentity(CompletenessRule):
    """A person must be able to tell who is responsible for their data and how to reach
    them. A notice duty of the policy text wherever the law asks for the controller's
    identity and contact details: GDPR and UK GDPR Art. 13(1)(a) and 14(1)(a); the CCPA
    regulations (11 CCR 7011(e)) for how to contact the business; DPDP Act 2023 s. 8(9),
    the business contact information of the person who answers questions. A brand name
    alone, with no email address, telephone number, web form or postal address, leaves a
    person with no way to exercise any right the policy grants. Under a regime with that
    duty the finding is an error; under none it is a warning, a likely problem."""

    code = "VP301"
    name = "controller-identity"
    summary = "The policy gives no contact point or postal address for the provider."
    severity = Severity.ERROR
    kind = "notice"
    groups = ("completeness", "general")
    profile = "general"
    citations = citing({
        **gdpr_family("Art. 13(1)(a) and 14(1)(a)"),
        "ccpa": "CCPA Regulations, 11 CCR 7011(e) (how to contact the business)",
        "dpdp": "DPDP Act 2023 s. 8(9) (business contact information)"})
    fail_example = """\
provider: {name: Example Telecom Ltd, country: GB}
"""
    pass_example = """\
provider:
  name: Example Telecom Ltd
  country: GB
  address: 1 Example Street, London EC1A 1AA
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        provider = policy_of(ctx).provider
        duty = any(key in CONTACT_DUTIES for key in ctx.applied())
        severity = Severity.ERROR if duty else Severity.WARNING
        # a legal name alone names the provider as well
        name = provider.name.strip() or (provider.legal_name or "").strip()
        unnamed = not name
        unreachable = not provider.contacts and not (provider.address or "").strip()
        # one problem: nobody to turn to, whether for want of a name, a contact, or both
        if unnamed and unreachable:
            message = "the policy never names the provider and gives no contact point or" \
                " postal address"
        elif unnamed:
            message = "the policy never names the provider"
        elif unreachable:
            message = f"the policy gives no contact point or postal address for {name}"
        else:
            return
        yield self.with_severity(self.finding(
            message, [provider],
            hint="give the provider's name (and legal name) and a contact point (an email"
                 " address, telephone number or web form) or address"), severity)


# Conditions under which a recording is made of calls between the service's users and
# others (the user or an administrator switches it on), rather than the provider's own
# recording of calls to its support line, whose caller is the reader.
RECORDING_SWITCHES = ("enabledByUser", "enabledByAdministrator", "onCustomerInstructions")
# Conditions that say the people on the call are told, or asked.
TOLD = ("withNotice", "withConsent")


@register
class RecordingNotice(CompletenessRule):
    """When the service records calls (a user or an administrator switches recording on),
    the other people on the call are data subjects too: they must be told that the call
    is recorded and why (GDPR and UK GDPR Art. 5(1)(a), 13 and 14), and recording a
    communication without the consent of the users concerned is allowed only within the
    limits of ePrivacy Directive Art. 5(1)-(2). A policy that describes call recording
    and says nothing of telling the other party (an announcement, a tone, the customer's
    duty to inform) leaves that undone as far as the reader can tell. A statement counts
    as the word on it when the recording is made with notice or consent, or when the
    policy places the duty to inform on the customer (format 1.1 duty).

    A notice duty toward the other party, which the policy need not meet itself (an
    announcement at the start of the call does); a warning, the likely problem being that
    nobody tells them. Under no regime with such a duty it is still a warning, citing
    none."""

    code = "VP381"
    name = "recording-notice"
    summary = "Calls are recorded, and nothing says the other party is told."
    severity = Severity.WARNING
    kind = "notice"
    groups = ("completeness", "general", "recording")
    profile = "general"
    citations = citing({
        **gdpr_family("Art. 5(1)(a), 13 and 14"),
        "eprivacy": "ePrivacy Directive 2002/58/EC Art. 5(1) and 5(2)",
        "dpdp": "DPDP Act 2023 s. 5(1)"})
    fail_example = """\
dataCategories:
  - {id: d-recording, name: Call recordings, categories: [callRecording]}
statements:
  - {id: s-record, modality: may, actions: [record], data: [d-recording],
     conditions: [enabledByAdministrator]}
"""
    pass_example = """\
dataCategories:
  - {id: d-recording, name: Call recordings, categories: [callRecording]}
statements:
  - {id: s-record, modality: may, actions: [record], data: [d-recording],
     conditions: [enabledByAdministrator, withNotice]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary

        def about_calls(statement: Statement) -> bool:
            return vocab.all_within(categories(policy, statement.data),
                                    ["communicationsContent"])

        recordings = [s for s in policy.statements
                      if s.positive and not s.duty and about_calls(s) and
                      any(vocab.is_within(a, "record") for a in s.actions) and
                      set(RECORDING_SWITCHES) & set(s.conditions)]
        told = any(set(TOLD) & set(s.conditions) for s in recordings) or any(
            s.duty and about_calls(s) and set(TOLD) & set(s.conditions)
            for s in policy.statements)
        untold = [s for s in recordings if not set(TOLD) & set(s.conditions)]
        if untold and not told:
            yield self.finding(
                f"{join(s.id for s in untold)} record{'s' if len(untold) == 1 else ''} calls,"
                " and nothing says the other people on the call are told", untold,
                hint="if the text says callers hear an announcement, or that the customer must"
                     " tell them, record it (conditions: [withNotice], or a duty statement)")
