"""Emergency profile: an interconnected VoIP service gives emergency services the
caller's location, and its policy says so (47 CFR 9.11; Kari's Law and RAY BAUM'S
Act for multi-line systems, 47 CFR 9.16). US law: the profile applies to interconnected
VoIP in the United States (``rules._regimes``)."""

from __future__ import annotations

from collections.abc import Iterator

from pypolicy.core.findings import Finding, Severity
from pypolicy.validation.rules._base import RuleContext, citing, register
from pypolicy.validation.rules.completeness._shared import CompletenessRule, any_within, policy_of


@register
class EmergencyLocationUndisclosed(CompletenessRule):
    """An interconnected VoIP service in the United States must deliver 911 calls with
    the caller's location to the emergency answering point (47 CFR 9.11; for multi-line
    telephone systems, a dispatchable location under Kari's Law and RAY BAUM'S Act,
    47 CFR 9.16). The policy should say so: it is a disclosure of location data every
    customer of a telephone service is exposed to. The rule looks for a positive
    statement disclosing location data to emergency services, or for emergency services
    purposes.

    Not a notice duty: delivering the caller's location is a duty to act (47 CFR 9.11),
    and 47 U.S.C. 222(d)(4) lets a carrier give call location to emergency services
    without approval; saying so in the policy is good practice. Info. The E911 rules are
    US law: the profile applies to US interconnected VoIP only."""

    code = "VP341"
    name = "emergency-location-undisclosed"
    summary = ("An interconnected VoIP service does not say it gives emergency services the"
               " caller's location.")
    severity = Severity.INFO
    kind = "goodPractice"
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
