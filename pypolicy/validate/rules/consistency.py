"""Layer 3: specific inconsistencies a careful reviewer looks for, beyond the generic
contradiction check: storage promises against retention, competing retention periods,
end-to-end encryption claims, children, consent promises, recipients' own purposes,
security claims and consent inferred from use."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.model import Policy, RetentionRule, SecurityEntry, Statement, duration_days
from pypolicy.format.vocabulary import Vocabulary
from pypolicy.validate.rules._base import HasEvidence, Rule, RuleContext, join, register
from pypolicy.validate.rules._reasoning import Reasoner, describe, reasoner_for

SERVICE_PURPOSES = ("serviceProvision", "legalCompliance", "security")
OWN_PURPOSE_ROLES = ("independentThirdParty", "advertisingPlatform", "marketingPartner",
                     "acquirer")


def consent_promises(policy: Policy) -> Iterator[Statement]:
    """Negative statements that hold unless the person consents, including the negative
    side of "only with your consent" statements."""
    for statement in policy.statements:
        if statement.negative and "withConsent" in statement.exceptions:
            yield statement
        elif statement.modality == "onlyIf" and "withConsent" in statement.conditions:
            yield replace(statement, modality="doesNot", conditions=(),
                          exceptions=statement.conditions + statement.exceptions)


def _categories(policy: Policy, data_ids: Sequence[str]) -> frozenset[str]:
    return policy.categories_of(data_ids) or frozenset({"personalData"})


_STORE_BASE = """\
dataCategories:
  - {id: d-contacts, name: Contacts (Address Book), categories: [contactList]}
  - {id: d-card, name: credit card information, categories: [paymentCard]}
  - {id: d-all, name: personal information, categories: [personalData]}
"""


@register
class NotStoredButRetained(Rule):
    """A promise that some data is not stored ("we do not store your contacts on our
    servers") is contradicted by a retention rule or a storage location for that same
    data: either the data is kept, and the promise misleads, or it is not, and the
    retention rule is wrong. A general retention rule for all personal data does not
    contradict a promise about one kind of data; only a rule about data within the
    promise does."""

    code = "VP201"
    name = "not-stored-but-retained"
    summary = "Data promised not to be stored has a retention rule or storage location."
    severity = Severity.ERROR
    groups = ("consistency", "retention")
    layer = 3
    legal_reference = "GDPR Art. 5(1)(a) and 13(2)(a)"
    fail_example = _STORE_BASE + """\
statements:
  - {id: s-no-store, modality: doesNot, actions: [store], data: [d-contacts]}
retention:
  - {id: r-contacts, data: [d-contacts], duration: P1Y}
"""
    pass_example = _STORE_BASE + """\
statements:
  - {id: s-no-store, modality: doesNot, actions: [store], data: [d-card]}
retention:
  - {id: r-all, data: [d-all], criteria: [purposeFulfilled, legalRequirement]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = ctx.policy, ctx.vocabulary
        assert policy is not None
        for promise in policy.statements:
            if not promise.negative or promise.actors or \
                    (not vocab.all_within(promise.actions, ["store"]) and \
                    "store" not in promise.actions):
                continue
            promised = _categories(policy, promise.data)
            kept: list[HasEvidence] = []
            for rule in policy.retention:
                if vocab.all_within(_categories(policy, rule.data), promised):
                    kept.append(rule)
            for entry in policy.storage:
                if entry.data and vocab.all_within(_categories(policy, entry.data), promised):
                    kept.append(entry)
            for item in kept:
                yield self.finding(
                    f"{promise.id} says the data is not stored, but {item.pointer} says how"
                    " long or where it is kept", [promise, item],
                    hint="if the data is kept only in some cases, state them as exceptions of"
                         " the promise")


@register
class ConflictingRetentionPeriods(Rule):
    """Two retention periods for the same data leave the reader unable to tell how long it
    is kept. Different periods are fine when they run from different events or cover
    different data; the same data with the same starting event and different periods is
    not."""

    code = "VP202"
    name = "conflicting-retention-periods"
    summary = "The same data has two different retention periods."
    severity = Severity.WARNING
    groups = ("consistency", "retention")
    layer = 3
    legal_reference = "GDPR Art. 13(2)(a)"
    fail_example = _STORE_BASE + """\
retention:
  - {id: r-one, data: [d-card], duration: P1Y, from: endOfContract}
  - {id: r-two, data: [d-card], duration: P7Y, from: endOfContract}
"""
    pass_example = _STORE_BASE + """\
retention:
  - {id: r-one, data: [d-card], duration: P1Y, from: endOfContract}
  - {id: r-two, data: [d-contacts], duration: P7Y, from: endOfContract}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy = ctx.policy
        assert policy is not None
        rules = [r for r in policy.retention if r.duration]
        for index, first in enumerate(rules):
            for second in rules[index + 1:]:
                if not _same_data(policy, first, second):
                    continue
                if first.from_ and second.from_ and first.from_ != second.from_:
                    continue
                assert first.duration and second.duration
                if duration_days(first.duration) != duration_days(second.duration):
                    yield self.finding(
                        f"{first.id} keeps the data for {first.duration} and {second.id} for"
                        f" {second.duration}", [first, second],
                        hint="say which period applies when, or give them different"
                             " starting events")


def _same_data(policy: Policy, a: RetentionRule, b: RetentionRule) -> bool:
    return bool(set(a.data) & set(b.data)) or \
        _categories(policy, a.data) == _categories(policy, b.data)


@register
class EndToEndEncryptionClaim(Rule):
    """End-to-end encryption means that only the communicating endpoints hold the keys.
    A provider that names hop-by-hop mechanisms as its "end-to-end encryption" (TLS for
    SIP signalling ends at the provider's SIP server; SRTP keyed through that server can
    be decrypted there) or that can record calls on its servers does not offer it, and
    the claim misleads users about who can hear their calls."""

    code = "VP203"
    name = "end-to-end-encryption-claim"
    summary = "End-to-end encryption is claimed, but the provider can decrypt or record calls."
    severity = Severity.ERROR
    groups = ("consistency", "security")
    layer = 3
    legal_reference = "GDPR Art. 5(1)(a), 32; ePrivacy Directive Art. 5(1)"
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
        if hop_by_hop:
            yield self.finding(
                f"end-to-end encryption is claimed ({claims[0].id}), but the named mechanisms"
                f" ({join(e.measure or '' for e in hop_by_hop)}) are decrypted at the"
                " provider", [*claims, *hop_by_hop],
                hint="call it encryption in transit, or name the end-to-end mechanism"
                     " (for example ZRTP or MLS) and where keys are held")
        recording = [s for s in policy.statements
                     if s.positive and not s.actors and
                     any(vocab.is_within(a, "record") for a in s.actions) and
                     vocab.all_within(_categories(policy, s.data), ["communicationsContent"])]
        if recording:
            yield self.finding(
                f"end-to-end encryption is claimed ({claims[0].id}), but the provider can"
                f" record calls ({join(s.id for s in recording)})", [*claims, *recording],
                hint="a provider that can record calls holds the keys to them")


@register
class ChildrenContradiction(Rule):
    """A policy that says its service is not directed to children, or that it does not
    knowingly collect children's data, and elsewhere says that it processes children's
    data, leaves parents unable to tell what happens; children's data needs particular
    protection (GDPR recital 38, Art. 8; COPPA in the US)."""

    code = "VP204"
    name = "children-contradiction"
    summary = "Not directed to children, yet children's data is processed."
    severity = Severity.ERROR
    groups = ("consistency", "children")
    layer = 3
    legal_reference = "GDPR Art. 8 and recital 38"
    fail_example = """\
children: {directedToChildren: false}
dataCategories:
  - {id: d-usage, name: information about children, categories: [personalData],
     subjects: [child]}
statements:
  - {id: s-children, modality: does, actions: [collect], data: [d-usage], subjects: [child]}
"""
    pass_example = """\
children: {directedToChildren: false, minimumAge: 18, deletesOnDiscovery: true}
dataCategories:
  - {id: d-usage, name: usage data, categories: [usage]}
statements:
  - {id: s-usage, modality: does, actions: [collect], data: [d-usage]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = ctx.policy, ctx.vocabulary
        assert policy is not None
        children = policy.children
        if children is None or not (children.directed_to_children is False or
                                    children.knowingly_collects is False):
            return
        for statement in policy.statements:
            if not statement.positive or statement.actions == ("delete",):
                continue
            subjects = set(statement.subjects)
            for data_id in statement.data:
                entry = policy.data_entry(data_id)
                if entry:
                    subjects |= set(entry.subjects)
            if any(vocab.is_within(s, "child") for s in subjects):
                yield self.finding(
                    f"the policy says the service is not for children, but {statement.id}"
                    f" says {describe(statement, policy, vocab)} about children",
                    [children, statement],
                    hint="say what happens to children's data: age checks, parental consent,"
                         " deletion")


_CONSENT_BASE = """\
parties:
  - {id: p-third-parties, name: third parties, roles: [thirdParty]}
  - {id: p-payments, name: payment processors, roles: [paymentProcessor]}
dataCategories:
  - {id: d-customer, name: customer identifiable information, categories: [personalData]}
"""


class _ConsentPromiseRule(Rule):
    disclosure: bool

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = ctx.policy, ctx.vocabulary
        assert policy is not None
        reasoner = reasoner_for(policy, vocab)
        for promise in consent_promises(policy):
            if vocab.all_within(promise.actions, ["disclose"]) != self.disclosure:
                continue
            for statement in policy.statements:
                if not statement.positive or statement.id == promise.id:
                    continue
                if reasoner.compare(statement, promise).conflict:
                    bases = join(vocab.label(b) for b in statement.legal_bases) or \
                        "no stated basis"
                    yield self.finding(
                        f"{promise.id} promises consent first"
                        f" ({describe(promise, policy, vocab)}), but {statement.id}"
                        f" {describe(statement, policy, vocab)} on {bases}",
                        [promise, statement],
                        hint="add the basis as an exception of the promise if the policy means"
                             " it, or ask for consent")


@register
class DisclosureWithoutConsent(_ConsentPromiseRule):
    """"We will not disclose your information without your consent" is a promise readers
    rely on; a disclosure elsewhere in the policy on another ground (to payment processors
    for billing, to partners) that none of the promise's exceptions covers breaks it."""

    code = "VP205"
    name = "disclosure-without-consent"
    summary = "No disclosure without consent is promised, but data is disclosed on another basis."
    severity = Severity.ERROR
    groups = ("consistency", "consent", "contradictions")
    layer = 3
    legal_reference = "GDPR Art. 6(1), 7 and 13(1)(c)"
    disclosure = True
    fail_example = _CONSENT_BASE + """\
statements:
  - id: s-no-disclosure
    modality: doesNot
    actions: [sell, disclose]
    data: [d-customer]
    recipients: [p-third-parties]
    exceptions: [withConsent, underLegalProcess]
  - id: s-payments
    modality: does
    actions: [share]
    data: [d-customer]
    recipients: [p-payments]
    purposes: [billing]
"""
    pass_example = _CONSENT_BASE + """\
statements:
  - id: s-no-disclosure
    modality: doesNot
    actions: [sell, disclose]
    data: [d-customer]
    recipients: [p-third-parties]
    exceptions: [withConsent, underLegalProcess, necessaryForService]
  - id: s-payments
    modality: does
    actions: [share]
    data: [d-customer]
    recipients: [p-payments]
    purposes: [billing]
"""


@register
class ProcessingWithoutConsent(_ConsentPromiseRule):
    """A policy that says it uses data only with consent, and elsewhere relies on other
    legal bases (contract, legitimate interests) for the same data, misstates its legal
    bases, which GDPR Art. 13(1)(c) requires it to state; consent also carries a right of
    withdrawal the other bases do not."""

    code = "VP207"
    name = "processing-without-consent"
    summary = "Consent is said to be required, but other bases are relied on."
    severity = Severity.ERROR
    groups = ("consistency", "consent", "contradictions")
    layer = 3
    legal_reference = "GDPR Art. 6(1), 7(3) and 13(1)(c)"
    disclosure = False
    fail_example = _CONSENT_BASE + """\
statements:
  - id: s-consent-only
    modality: doesNot
    actions: [use]
    data: [d-customer]
    exceptions: [withConsent]
  - id: s-marketing
    modality: does
    actions: [use]
    data: [d-customer]
    purposes: [directMarketing]
    legalBases: [legitimateInterest]
"""
    pass_example = _CONSENT_BASE + """\
statements:
  - id: s-consent-only
    modality: doesNot
    actions: [use]
    data: [d-customer]
    exceptions: [withConsent]
  - id: s-marketing
    modality: does
    actions: [use]
    data: [d-customer]
    purposes: [directMarketing]
    legalBases: [consent]
"""


@register
class RecipientOwnPurposes(Rule):
    """"We do not allow third parties to use your data for their own purposes" is the
    promise that makes recipients processors; it is broken by recipients that act for
    themselves: advertising platforms collecting through the provider's website, partners
    receiving data for their own marketing, a buyer of the business."""

    code = "VP206"
    name = "recipient-own-purposes"
    summary = "Third parties may not use data for their own purposes, yet some do."
    severity = Severity.ERROR
    groups = ("consistency", "recipients", "contradictions")
    layer = 3
    legal_reference = "GDPR Art. 4(8), 28(3)(a) and 13(1)(e)"
    fail_example = """\
parties:
  - {id: p-third-parties, name: third parties, roles: [thirdParty]}
  - {id: p-ads, name: advertising platforms, roles: [advertisingPlatform]}
dataCategories:
  - {id: d-personal, name: personal data, categories: [personalData]}
  - {id: d-visit, name: information about your visit, categories: [browsingBehaviour]}
statements:
  - id: s-own-purposes
    modality: doesNot
    actors: [p-third-parties]
    actions: [use]
    data: [d-personal]
    purposes: [recipientOwnPurposes]
  - id: s-ad-cookies
    modality: may
    actors: [p-ads]
    actions: [collect]
    data: [d-visit]
    purposes: [advertising]
"""
    pass_example = """\
parties:
  - {id: p-third-parties, name: third parties, roles: [thirdParty]}
  - {id: p-hosting, name: hosting providers, roles: [hostingProvider]}
dataCategories:
  - {id: d-personal, name: personal data, categories: [personalData]}
statements:
  - id: s-own-purposes
    modality: doesNot
    actors: [p-third-parties]
    actions: [use]
    data: [d-personal]
    purposes: [recipientOwnPurposes]
  - id: s-hosting
    modality: does
    actions: [share]
    data: [d-personal]
    recipients: [p-hosting]
    purposes: [serviceProvision]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = ctx.policy, ctx.vocabulary
        assert policy is not None
        reasoner = reasoner_for(policy, vocab)
        for promise in policy.statements:
            if not promise.negative or "recipientOwnPurposes" not in promise.purposes:
                continue
            promised_roles = {r for p in reasoner.parties(promise.actors) for r in p.roles} \
                or {"thirdParty"}
            promised_data = _categories(policy, promise.data)
            for statement in policy.statements:
                if not statement.positive or statement.id == promise.id:
                    continue
                if not vocab.all_within(_categories(policy, statement.data), promised_data):
                    continue
                if reasoner.covered(statement, promise.exceptions):
                    continue
                reason = self._breaks(statement, promised_roles, reasoner, vocab)
                if reason:
                    yield self.finding(
                        f"{promise.id} says third parties may not use data for their own"
                        f" purposes, but in {statement.id} {reason}", [promise, statement],
                        hint="if these recipients act on your instructions, say so; if they"
                             " act for themselves, the promise is wrong")

    @staticmethod
    def _breaks(statement: Statement, promised_roles: set[str], reasoner: Reasoner,
                vocab: Vocabulary) -> str | None:
        own_purpose = "recipientOwnPurposes" in statement.purposes
        actors = reasoner.parties(statement.actors)
        acts_as_promised = bool(actors) and all(
            any(vocab.is_within(r, b) for r in a.roles for b in promised_roles) for a in actors)
        for_itself = own_purpose or (bool(statement.purposes) and not vocab.all_within(
            statement.purposes, SERVICE_PURPOSES))
        if acts_as_promised and for_itself:
            names = join(a.name for a in actors)
            purposes = join(vocab.label(p) for p in statement.purposes)
            return f"{names} {join(vocab.label(a) for a in statement.actions)} data for" \
                   f" {purposes}"
        if any(vocab.is_within(a, "disclose") for a in statement.actions):
            own = [p for p in reasoner.parties(statement.recipients)
                   if any(vocab.is_within(r, o) for r in p.roles for o in OWN_PURPOSE_ROLES)]
            if own or own_purpose or (statement.purposes and vocab.all_within(
                    statement.purposes, ["thirdPartyMarketing"])):
                who = join(p.name for p in own) or "the recipients"
                return f"data goes to {who}, who act on their own account"
        return None


@register
class ContradictorySecurityClaims(Rule):
    """An absolute promise ("your information will never be misused", "every possible
    precaution") beside a disclaimer that security cannot be guaranteed tells the reader
    two incompatible things; security under GDPR Art. 32 is appropriate to the risk,
    never absolute, so the promise is the misleading half."""

    code = "VP208"
    name = "contradictory-security-claims"
    summary = "An absolute security promise sits beside a disclaimer of security."
    severity = Severity.WARNING
    groups = ("consistency", "security")
    layer = 3
    legal_reference = "GDPR Art. 32"
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


@register
class ConsentInferredFromUse(Rule):
    """Consent must be a freely given, specific, informed and unambiguous indication by a
    clear affirmative act (GDPR Art. 4(11), recital 32: silence or inactivity is not
    consent; CJEU C-673/17 Planet49); transfers on consent need explicit consent after
    being told the risks (Art. 49(1)(a)). "By using our services you agree" is none of
    these, whether as a legal basis, a transfer mechanism or cookie consent."""

    code = "VP209"
    name = "consent-inferred-from-use"
    summary = "Consent is inferred from use of the service or website."
    severity = Severity.WARNING
    groups = ("consistency", "consent")
    layer = 3
    legal_reference = "GDPR Art. 4(11), 7, 49(1)(a); ePrivacy Directive Art. 5(3)"
    fail_example = """\
transfers:
  - {id: t-us, destinations: [US], mechanisms: [agreementByUse]}
"""
    pass_example = """\
transfers:
  - {id: t-us, destinations: [US], mechanisms: [standardContractualClauses]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy = ctx.policy
        assert policy is not None
        for statement in policy.statements:
            if "impliedConsent" in statement.legal_bases:
                yield self.finding(f"{statement.id} rests on consent implied by use",
                                   [statement])
        for transfer in policy.transfers:
            if "agreementByUse" in transfer.mechanisms:
                yield self.finding(f"{transfer.id} treats use of the service as agreement to"
                                   " the transfer", [transfer],
                                   hint="name a Chapter V mechanism (adequacy, SCCs, BCRs) or"
                                        " ask for explicit consent")
        tracking = policy.tracking
        if tracking is not None and "impliedByUse" in tracking.consent_mechanisms:
            yield self.finding("cookies are consented to by using the website", [tracking],
                               legal_reference="ePrivacy Directive Art. 5(3)")
