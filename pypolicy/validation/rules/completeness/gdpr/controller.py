"""GDPR profile: the controller's data protection officer and its representative in the
EU or UK (Art. 13(1)(a)-(b), 14(1)(a)-(b), 27); how to reach the controller itself is the
general profile's (``completeness.general``), since every regime asks for it."""

from __future__ import annotations

from collections.abc import Iterator

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.geography import ALL_COUNTRIES, countries_in, place_label
from pypolicy.validation.rules._base import RuleContext, gdpr_family, register
from pypolicy.validation.rules.completeness._shared import (
    GDPR,
    CompletenessRule,
    gdpr_regimes,
    policy_of,
)


@register
class DpoContact(CompletenessRule):
    """Where a data protection officer is appointed, GDPR Art. 13(1)(b) requires the
    officer's contact details, so that people can reach the officer directly rather than
    through the business the officer oversees. Saying that a DPO exists and leaving out
    how to reach them is a common gap ("contact our DPO using the following details:"
    followed by nothing).

    A notice duty of the policy text (GDPR and UK GDPR Art. 13(1)(b), 14(1)(b); Art.
    37(7)). An error."""

    code = "VP302"
    name = "dpo-contact"
    summary = "A data protection officer is appointed, but the policy gives no contact for them."
    severity = Severity.ERROR
    kind = "notice"
    groups = ("completeness", "gdpr")
    profile = "gdpr"
    citations = gdpr_family("Art. 13(1)(b), 14(1)(b) and 37(7)")
    fail_example = GDPR + """\
dataProtectionOfficer: {appointed: true, title: Data Protection Officer}
"""
    pass_example = GDPR + """\
dataProtectionOfficer:
  appointed: true
  contacts: [{channel: email, value: dpo@example.net}]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy = policy_of(ctx)
        # a US privacy officer or an Indian grievance officer is not a GDPR DPO (1.1 roles)
        officers = [o for o in (policy.data_protection_officer, *policy.officers)
                    if o is not None and o.officer_role in (None, "dpo")]
        for officer in officers:
            if not officer.appointed or officer.contacts:
                continue
            title = officer.title or "data protection officer"
            yield self.finding(f"a {title} is appointed, but no contact details for them are"
                               " given", [officer],
                               hint="add dataProtectionOfficer.contacts (an email address is"
                                    " enough); if the text points to the general contact"
                                    " address for the DPO, record it there")


@register
class RepresentativeMissing(CompletenessRule):
    """A controller established outside the EU that offers services to people in the EU
    must designate a representative in the EU (GDPR Art. 27) and name it in its policy
    (Art. 13(1)(a)); the same holds under the UK GDPR for controllers outside the United
    Kingdom. A warning, not an error: Art. 27(2) exempts occasional, low-risk processing,
    which only the provider can judge.

    A notice duty (GDPR and UK GDPR Art. 27 and 13(1)(a)). A warning, for the Art. 27(2)
    exemption."""

    code = "VP315"
    name = "representative-missing"
    summary = "The provider is established outside the EU or UK and names no representative."
    severity = Severity.WARNING
    kind = "notice"
    groups = ("completeness", "gdpr")
    profile = "gdpr"
    citations = gdpr_family("Art. 27 and 13(1)(a)")
    fail_example = GDPR + """\
provider:
  name: Example VoIP Inc.
  country: US
  contacts: [{channel: email, value: privacy@example.com}]
"""
    pass_example = GDPR + """\
provider:
  name: Example VoIP Inc.
  country: US
  contacts: [{channel: email, value: privacy@example.com}]
representative:
  name: Example EU Representative Ltd
  contacts: [{channel: email, value: eu-rep@example.ie}]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy = policy_of(ctx)
        provider = policy.provider
        country = provider.country
        if country not in ALL_COUNTRIES or policy.representative is not None:
            return
        named = {o.officer_role for o in policy.officers if o.appointed}
        homes = {"gdpr": (countries_in("EEA"), "the EEA"),
                 "ukGdpr": (frozenset({"GB"}), "the United Kingdom")}
        roles = {"gdpr": "euRepresentative", "ukGdpr": "ukRepresentative"}
        for regime in gdpr_regimes(ctx):
            home, name = homes[regime]
            if country not in home and roles[regime] not in named:
                yield self.finding(
                    f"{provider.name.strip() or 'the provider'} is established in"
                    f" {place_label(country)}, outside"
                    f" {name}, and names no representative in {name}", [provider],
                    hint="add representative (name and contacts), or suppress with the"
                         " Art. 27(2) reason if processing is occasional",
                    legal_reference=self.citations[regime])
