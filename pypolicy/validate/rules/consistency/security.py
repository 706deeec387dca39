"""Security claims: end-to-end encryption claimed where the provider can decrypt or
record calls, and an absolute security promise beside a disclaimer of security."""

from __future__ import annotations

from collections.abc import Iterator

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.model import SecurityEntry
from pypolicy.validate.rules._base import (
    TRANSPARENCY,
    Rule,
    RuleContext,
    categories,
    citing,
    gdpr_family,
    join,
    register,
)


@register
class EndToEndEncryptionClaim(Rule):
    """End-to-end encryption means that only the communicating endpoints hold the keys.
    A provider that names hop-by-hop mechanisms as its "end-to-end encryption" (TLS for
    SIP signalling ends at the provider's SIP server; SRTP keyed through that server can
    be decrypted there) or that can record calls on its servers does not offer it, and
    the claim misleads users about who can hear their calls.

    Not a notice duty: the text contradicts itself about who can read calls (GDPR and UK
    GDPR Art. 5(1)(a) and 32; ePrivacy Directive Art. 4 and 5(1), PECR reg. 5; FTC Act
    s. 5 for deceptive security claims; DPDP Act 2023 s. 8(5)). One finding per claim,
    giving every reason it fails. An error."""

    code = "VP203"
    name = "end-to-end-encryption-claim"
    summary = "End-to-end encryption is claimed, but the provider can decrypt or record calls."
    severity = Severity.ERROR
    kind = "contradiction"
    groups = ("consistency", "security")
    layer = 3
    citations = citing({**TRANSPARENCY, **gdpr_family("Art. 5(1)(a) and 32"),
                        "eprivacy": "ePrivacy Directive 2002/58/EC Art. 4 and 5(1)",
                        "pecr": "PECR reg. 5 (security of the service)",
                        "ftc": "FTC Act s. 5, 15 U.S.C. 45(a) (deceptive security claims)",
                        "dpdp": "DPDP Act 2023 s. 8(5) (reasonable security safeguards)"})
    fail_example = """\
dataCategories:
  - {id: d-voice, name: voice data, categories: [callContent]}
securityMeasures:
  - {id: sec-e2e, measure: endToEndEncryption, scopes: [media]}
  - {id: sec-tls, measure: tls, scopes: [signalling], terminatesAt: atProvider}
statements:
  - id: s-record
    modality: may
    actions: [record]
    data: [d-voice]
    conditions: [enabledByAdministrator]
"""
    pass_example = """\
dataCategories:
  - {id: d-voice, name: voice data, categories: [callContent]}
securityMeasures:
  - {id: sec-e2e, measure: endToEndEncryption, scopes: [media]}
  - {id: sec-zrtp, measure: zrtp, scopes: [media], terminatesAt: atEndpoints}
statements:
  - {id: s-no-record, modality: doesNot, actions: [record], data: [d-voice]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = ctx.policy, ctx.vocabulary
        assert policy is not None
        claims = [e for e in policy.security_measures if e.measure == "endToEndEncryption"]
        if not claims:
            return
        hop_by_hop: list[SecurityEntry] = [
            e for e in policy.security_measures
            if e.measure in ("tls", "srtp") and (
                e.terminates_at == "atProvider" or
                (e.measure == "tls" and "signalling" in e.scopes))]
        recording = [s for s in policy.statements
                     if s.positive and not s.actors and
                     any(vocab.is_within(a, "record") for a in s.actions) and
                     vocab.all_within(categories(policy, s.data), ["communicationsContent"])]
        reasons = []
        if hop_by_hop:
            reasons.append(f"the named mechanisms ({join(e.measure or '' for e in hop_by_hop)})"
                           " are decrypted at the provider")
        if recording:
            reasons.append(f"the provider can record calls ({join(s.id for s in recording)})")
        if reasons:
            # one claim, one finding, however many facts give it the lie
            yield self.finding(
                f"end-to-end encryption is claimed ({claims[0].id}), but {join(reasons)}",
                [*claims, *hop_by_hop, *recording],
                hint="call it encryption in transit, or name the end-to-end mechanism"
                     " (for example ZRTP or MLS) and where keys are held; a provider that"
                     " can record calls holds the keys to them")


@register
class ContradictorySecurityClaims(Rule):
    """An absolute promise ("your information will never be misused", "every possible
    precaution") beside a disclaimer that security cannot be guaranteed tells the reader
    two incompatible things; security under GDPR Art. 32 is appropriate to the risk,
    never absolute, so the promise is the misleading half.

    Not a notice duty: the text contradicts itself (GDPR and UK GDPR Art. 5(1)(a) and
    32; FTC Act s. 5 for deceptive security claims). An error."""

    code = "VP208"
    name = "contradictory-security-claims"
    summary = "An absolute security promise sits beside a disclaimer of security."
    severity = Severity.ERROR
    kind = "contradiction"
    groups = ("consistency", "security")
    layer = 3
    citations = citing({**TRANSPARENCY, **gdpr_family("Art. 5(1)(a) and 32"),
                        "ftc": "FTC Act s. 5, 15 U.S.C. 45(a) (deceptive security claims)",
                        "dpdp": "DPDP Act 2023 s. 8(5) (reasonable security safeguards)"})
    fail_example = """\
securityMeasures:
  - {id: sec-never, claim: neverMisused}
  - {id: sec-disclaimer, claim: securityNotGuaranteed}
"""
    pass_example = """\
securityMeasures:
  - {id: sec-encryption, measure: encryption}
  - {id: sec-disclaimer, claim: securityNotGuaranteed}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy = ctx.policy
        assert policy is not None
        absolute = [e for e in policy.security_measures
                    if e.claim in ("neverMisused", "everyPrecaution")]
        disclaimers = [e for e in policy.security_measures
                       if e.claim == "securityNotGuaranteed"]
        for promise in absolute:
            for disclaimer in disclaimers:
                yield self.finding(f"{promise.id} promises absolute security, but"
                                   f" {disclaimer.id} says it cannot be guaranteed",
                                   [promise, disclaimer])
