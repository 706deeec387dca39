"""Emergency profile: an interconnected VoIP service gives emergency services the
caller's location, and its policy says so (47 CFR 9.11; EECC Art. 109(6))."""

from __future__ import annotations

from collections.abc import Iterator

from pypolicy.core.findings import Finding, Severity
from pypolicy.validate.rules._base import RuleContext, citing, register
from pypolicy.validate.rules.completeness._shared import CompletenessRule, any_within, policy_of


@register
class EmergencyLocationUndisclosed(CompletenessRule):
    """An interconnected VoIP service must deliver emergency calls with the caller's
    location to the emergency answering point (47 CFR 9.11 in the US; EECC Art. 109(6)
    in the EU, caller location for every emergency communication). The policy should say
    so: it is a disclosure of location data every customer of a telephone service is
    exposed to. The rule looks for a positive statement disclosing location data to
    emergency services, or for emergency services purposes."""

    code = "VP341"
    name = "emergency-location-undisclosed"
    summary = ("An interconnected VoIP service does not say it gives emergency services the"
               " caller's location.")
    severity = Severity.WARNING
    groups = ("completeness", "emergency")
    profile = "emergency"
    citations = citing({"e911": "47 CFR 9.11; 47 U.S.C. 222(d)(4)"})
    fail_example = """\
service: {serviceKinds: [consumerVoip]}
dataCategories:
  - {id: d-location, name: location data, categories: [location]}
"""
    pass_example = """\
service: {serviceKinds: [consumerVoip]}
parties:
  - {id: p-psap, name: emergency services, roles: [emergencyServicesProvider]}
dataCategories:
  - {id: d-location, name: location of the caller, categories: [emergencyLocation]}
statements:
  - id: s-emergency
    modality: does
    actions: [disclose]
    data: [d-location]
    recipients: [p-psap]
    purposes: [emergencyServices]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        for statement in policy.statements:
            if not statement.positive or not any_within(vocab, statement.actions, ["disclose"]):
                continue
            if not any_within(vocab, policy.categories_of(statement.data), ["location"]):
                continue
            to_psap = any(any_within(vocab, party.roles, ["emergencyServicesProvider"])
                          for party in (policy.party(r) for r in statement.recipients)
                          if party is not None)
            if to_psap or any_within(vocab, statement.purposes, ["emergencyServices"]):
                return
        yield self.missing(ctx, "the service is interconnected VoIP, but the policy does not"
                                " say that the caller's location is given to emergency"
                                " services", hint="add a statement disclosing location data"
                                                  " (emergencyLocation) to emergency services")
