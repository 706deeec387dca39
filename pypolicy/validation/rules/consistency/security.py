"""Security claims: end-to-end encryption claimed where the provider can decrypt or
record calls, and an absolute security promise beside a disclaimer of security."""

from __future__ import annotations

from collections.abc import Iterator

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.model import SecurityEntry
from pypolicy.validation.rules._base import (
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


# Mechanisms that protect call media (voice), and entries that only say "encryption".
MEDIA_MECHANISMS = ("srtp", "zrtp")
GENERAL_ENCRYPTION = ("encryption", "encryptionInTransit")


@register
class SecurityClaimBeyondMechanisms(Rule):
    """A claim that calls or voice are encrypted needs a mechanism that encrypts the
    media: TLS on SIP signalling protects who calls whom and when, not what is said, and
    a policy that names only signalling encryption while presenting calls as encrypted
    tells people their conversations are protected when they travel in the clear (SRTP
    or ZRTP encrypt the media). End-to-end claims over hop-by-hop mechanisms are VP203's.

    Not a notice duty: the text claims more than the mechanisms it names (GDPR and UK
    GDPR Art. 5(1)(a) and 32; FTC Act s. 5 for deceptive security claims). A warning,
    since a media mechanism may exist that the policy does not name."""

    code = "VP210"
    name = "security-claim-beyond-mechanisms"
    summary = "Calls are said to be encrypted, but only signalling encryption is named."
    severity = Severity.WARNING
    kind = "unclear"
    groups = ("consistency", "security")
    layer = 3
    citations = citing({**TRANSPARENCY, **gdpr_family("Art. 5(1)(a) and 32"),
                        "ftc": "FTC Act s. 5, 15 U.S.C. 45(a) (deceptive security claims)"})
    fail_example = """\
securityMeasures:
  - {id: sec-calls, measure: encryptionInTransit, scopes: [media]}
  - {id: sec-tls, measure: tls, scopes: [signalling]}
"""
    pass_example = """\
securityMeasures:
  - {id: sec-calls, measure: encryptionInTransit, scopes: [media]}
  - {id: sec-tls, measure: tls, scopes: [signalling]}
  - {id: sec-srtp, measure: srtp, scopes: [media]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = ctx.policy, ctx.vocabulary
        assert policy is not None
        measures = policy.security_measures

        def about_calls(entry: SecurityEntry) -> bool:
            return "media" in entry.scopes or (bool(entry.data) and vocab.all_within(
                categories(policy, entry.data), ["communicationsContent"]))

        claims = [e for e in measures if e.measure in GENERAL_ENCRYPTION and about_calls(e)]
        media = [e for e in measures if e.measure in MEDIA_MECHANISMS or
                 (e.measure == "endToEndEncryption" and about_calls(e)) or
                 (e.measure == "tls" and "media" in e.scopes)]
        signalling = [e for e in measures if e.measure == "tls" and "signalling" in e.scopes]
        if claims and signalling and not media:
            yield self.finding(
                f"{join(e.id for e in claims)} present{'s' if len(claims) == 1 else ''} calls"
                f" as encrypted, but the only mechanism named"
                f" ({join(e.id for e in signalling)}) encrypts signalling, not the voice",
                [*claims, *signalling],
                hint="name the media encryption (srtp, zrtp) if there is one; otherwise say"
                     " that only signalling is encrypted")
