"""General profile, applied to every document whatever the law: the provider is
identified and can be reached. Every regime with notice duties asks for it (GDPR and UK
GDPR Art. 13(1)(a), the CCPA regulations, the DPDP Act s. 8(9)); where none applies, a
policy nobody can ask a question about is still a likely problem."""

from __future__ import annotations

from collections.abc import Iterator

from pypolicy.core.findings import Finding, Severity
from pypolicy.validate.rules._base import RuleContext, citing, gdpr_family, register
from pypolicy.validate.rules.completeness._shared import CompletenessRule, policy_of

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
        if not provider.name.strip():
            yield self.with_severity(
                self.finding("the provider has no name", [provider],
                             hint="give the provider's name (and legal name)"), severity)
        if not provider.contacts and not (provider.address or "").strip():
            yield self.with_severity(self.finding(
                f"{provider.name} gives no contact point or postal address", [provider],
                hint="add provider.contacts (an email address, telephone number or web form)"
                     " or provider.address"), severity)
