"""Layer 4: completeness, the disclosures a legal regime requires a policy to make.

Each rule belongs to a profile: ``gdpr`` (GDPR Art. 13, 14 and 27, for policies under
the GDPR or the UK GDPR), ``eprivacy`` (Directive 2002/58/EC), ``cpni`` (47 CFR
64.2001-2011) and ``emergency`` (caller location for interconnected VoIP). A profile
applies when the document declares the regime (stance ``claimed`` or ``applies``), when
the service is interconnected VoIP (``emergency``), or when forced with ``--profile``.

In the format an absent property means "not stated", which is exactly what these rules
look for. Each missing disclosure is its own finding, so that a reviewed one can be
suppressed without hiding the others; a finding points at the entry that needs the
disclosure, or else at the regime claim that makes the profile apply (the document root
when the profile was forced).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import ClassVar

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.geography import (
    ALL_COUNTRIES,
    adequacy_for,
    countries_in,
    countries_of,
    place_label,
)
from pypolicy.format.model import DataEntry, Policy, RetentionRule, Statement, Transfer
from pypolicy.format.vocabulary import Vocabulary
from pypolicy.validate.rules._base import (
    ACTIVE_STANCES,
    PROFILES,
    REGIME_PROFILES,
    HasEvidence,
    Rule,
    RuleContext,
    join,
    register,
)

# The declared regimes that switch each profile on.
PROFILE_REGIMES: dict[str, tuple[str, ...]] = {
    profile: tuple(r for r, p in REGIME_PROFILES.items() if p == profile) for profile in PROFILES
}

# A condition that names the ground it rests on gives a legal basis as surely as the
# basis itself: "only with your consent", "where required by law".
BASIS_OF_CONDITION = {"withConsent": "consent", "requiredByLaw": "legalObligation"}

# Bases whose purpose is in their name, so that stating them founds that purpose.
NATURAL_PURPOSE = {"contract": "serviceProvision", "legalObligation": "legalCompliance"}

# Consent in name only: continued use, or a CPNI opt-out, is not the freely given,
# unambiguous indication by a clear affirmative act that GDPR Art. 4(11) requires and
# ePrivacy Art. 2(f) borrows (CJEU C-673/17 Planet49).
NOT_REAL_CONSENT = ("impliedConsent", "cpniOptOutApproval")

# GDPR Chapter V mechanisms that work for any destination.
GENERAL_MECHANISMS = frozenset({"standardContractualClauses", "bindingCorporateRules",
                                "explicitConsentDerogation", "contractDerogation"})

DELETION_OUTCOMES = frozenset({"deleted", "anonymised", "deletedOrAnonymised"})

# The rights GDPR Art. 13(2)(b) lists: how to name each, and its article.
RIGHTS_ARTICLES = {
    "access": ("the right of access", "15"),
    "rectification": ("the right to rectification", "16"),
    "erasure": ("the right to erasure", "17"),
    "restriction": ("the right to restriction of processing", "18"),
    "portability": ("the right to data portability", "20"),
    "objection": ("the right to object", "21(1)"),
}


# -- what the document says --------------------------------------------------------------


def policy_of(ctx: RuleContext) -> Policy:
    assert ctx.policy is not None, "completeness rules run on schema-valid documents only"
    return ctx.policy


def regime_claims(policy: Policy, profile: str | None) -> list[HasEvidence]:
    """The claims that switch a profile on; for ``emergency``, the service."""
    if profile == "emergency":
        return [policy.service] if policy.service is not None else []
    regimes = PROFILE_REGIMES.get(profile or "", ())
    return [c for c in policy.regimes if c.regime in regimes and c.stance in ACTIVE_STANCES]


def gdpr_regimes(policy: Policy) -> list[str]:
    """The GDPR regimes the document declares; plain GDPR when the profile was forced."""
    declared = [c.regime for c in policy.regimes
                if c.regime in PROFILE_REGIMES["gdpr"] and c.stance in ACTIVE_STANCES]
    return list(dict.fromkeys(declared)) or ["gdpr"]


def categories(policy: Policy, data_ids: Sequence[str]) -> frozenset[str]:
    """The controlled categories of some data entries; personal data when none is named."""
    return policy.categories_of(data_ids) or frozenset({"personalData"})


def about_people(policy: Policy, vocab: Vocabulary, statement: Statement) -> bool:
    """Whether a statement concerns personal data rather than only anonymous data."""
    return not vocab.all_within(categories(policy, statement.data), ["anonymousData"])


def practices(policy: Policy, vocab: Vocabulary) -> list[Statement]:
    """Positive statements about personal data: what the provider says it does or may do."""
    return [s for s in policy.statements if s.positive and about_people(policy, vocab, s)]


def bases_of(statement: Statement) -> frozenset[str]:
    """The legal bases a statement gives, including those its conditions name."""
    implied = (BASIS_OF_CONDITION[c] for c in statement.conditions if c in BASIS_OF_CONDITION)
    return frozenset((*statement.legal_bases, *implied))


def any_within(vocab: Vocabulary, terms: Iterable[str], broad: Iterable[str]) -> bool:
    broad_terms = list(broad)
    return any(vocab.is_within(t, b) for t in terms for b in broad_terms)


def real_consent(vocab: Vocabulary, statement: Statement) -> bool:
    """Whether a statement rests on consent worth the name (not implied by use)."""
    return any(vocab.is_within(b, "consent") and not any_within(vocab, [b], NOT_REAL_CONSENT)
               for b in bases_of(statement))


def rule_covers(policy: Policy, vocab: Vocabulary, rule: RetentionRule,
                entry: DataEntry) -> bool:
    """Whether a retention rule applies to a data entry: it names the entry, or data whose
    categories include the entry's ("all personal data" covers call detail records)."""
    if entry.id in rule.data:
        return True
    broad = policy.categories_of(rule.data)
    return bool(entry.categories) and bool(broad) and vocab.all_within(entry.categories, broad)


def labels(vocab: Vocabulary, terms: Iterable[str]) -> str:
    return join(vocab.label(t) for t in terms)


def use_of(policy: Policy, vocab: Vocabulary, statement: Statement,
           kinds: Sequence[str]) -> str:
    """'s-x uses Call records for direct marketing on legitimate interests': the data of
    some kinds a statement uses for marketing, and on what ground."""
    entries = [e for e in (policy.data_entry(d) for d in statement.data)
               if e is not None and any_within(vocab, e.categories, kinds)]
    purposes = [p for p in statement.purposes if vocab.is_within(p, "marketing")]
    bases = bases_of(statement)
    ground = f"on {labels(vocab, sorted(bases))}" if bases else "with no stated basis"
    return (f"{statement.id} uses {join(e.name for e in entries)} for"
            f" {labels(vocab, purposes)} {ground}")


def ids(statements: Sequence[Statement], one: str, many: str) -> str:
    """The ids of some statements with a verb that agrees: 's-a and s-b disclose'."""
    return f"{join(s.id for s in statements)} {one if len(statements) == 1 else many}"


class CompletenessRule(Rule):
    """Shared by the completeness rules: findings about what is missing from the document
    point at the regime claim that requires it."""

    layer: ClassVar[int] = 4

    def missing(self, ctx: RuleContext, message: str, items: Sequence[HasEvidence] = (), *,
                hint: str | None = None, legal_reference: str | None = None) -> Finding:
        anchors = regime_claims(policy_of(ctx), self.profile)
        cited = [*items, *anchors]
        return self.finding(message, cited, pointers=() if cited else ("",), hint=hint,
                            legal_reference=legal_reference)


GDPR = "regimes: [{id: rg-gdpr, regime: gdpr, stance: claimed}]\n"
EPRIVACY = "regimes: [{id: rg-eprivacy, regime: eprivacy, stance: applies}]\n"
CPNI = "regimes: [{id: rg-cpni, regime: usCpni, stance: claimed}]\n"
_CONTACT_DATA = """\
dataCategories:
  - {id: d-contact, name: Contact data, categories: [contact]}
"""
_CDR = """\
dataCategories:
  - {id: d-cdr, name: Call detail records, categories: [callDetailRecord]}
"""


# -- GDPR Art. 13 and 14 ---------------------------------------------------------------


@register
class ControllerIdentity(CompletenessRule):
    """A person must be able to tell who is responsible for their data and how to reach
    them: GDPR Art. 13(1)(a) requires the identity and the contact details of the
    controller. A brand name alone, with no email address, telephone number, web form or
    postal address, leaves a person with no way to exercise any right the policy grants."""

    code = "VP301"
    name = "controller-identity"
    summary = "The policy gives no contact point or postal address for the controller."
    severity = Severity.ERROR
    groups = ("completeness", "gdpr")
    profile = "gdpr"
    legal_reference = "GDPR Art. 13(1)(a) and 14(1)(a)"
    fail_example = GDPR + """\
provider: {name: Example Telecom Ltd, country: GB}
"""
    pass_example = GDPR + """\
provider:
  name: Example Telecom Ltd
  country: GB
  address: 1 Example Street, London EC1A 1AA
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        provider = policy_of(ctx).provider
        if not provider.name.strip():
            yield self.finding("the provider has no name", [provider],
                               hint="give the controller's name (and legal name)")
        if not provider.contacts and not (provider.address or "").strip():
            yield self.finding(
                f"{provider.name} gives no contact point or postal address as controller",
                [provider],
                hint="add provider.contacts (an email address, telephone number or web form)"
                     " or provider.address")


@register
class DpoContact(CompletenessRule):
    """Where a data protection officer is appointed, GDPR Art. 13(1)(b) requires the
    officer's contact details, so that people can reach the officer directly rather than
    through the business the officer oversees. Saying that a DPO exists and leaving out
    how to reach them is a common gap ("contact our DPO using the following details:"
    followed by nothing)."""

    code = "VP302"
    name = "dpo-contact"
    summary = "A data protection officer is appointed, but the policy gives no contact for them."
    severity = Severity.ERROR
    groups = ("completeness", "gdpr")
    profile = "gdpr"
    legal_reference = "GDPR Art. 13(1)(b), 14(1)(b) and 37(7)"
    fail_example = GDPR + """\
dataProtectionOfficer: {appointed: true, title: Data Protection Officer}
"""
    pass_example = GDPR + """\
dataProtectionOfficer:
  appointed: true
  contacts: [{channel: email, value: dpo@example.net}]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        officer = policy_of(ctx).data_protection_officer
        if officer is not None and officer.appointed and not officer.contacts:
            title = officer.title or "data protection officer"
            yield self.finding(f"a {title} is appointed, but no contact details for them are"
                               " given", [officer],
                               hint="add dataProtectionOfficer.contacts (an email address is"
                                    " enough); if the text points to the general contact"
                                    " address for the DPO, record it there")


@register
class LegalBasisMissing(CompletenessRule):
    """GDPR Art. 13(1)(c) requires the legal basis of the processing alongside its
    purposes. A policy that claims GDPR compliance and never says on what ground it
    processes personal data (contract, legal obligation, legitimate interests, consent)
    leaves people unable to tell which rights apply to them: objection follows
    legitimate interests, withdrawal follows consent, portability follows consent and
    contract."""

    code = "VP303"
    name = "legal-basis-missing"
    summary = "No statement gives a legal basis for processing."
    severity = Severity.ERROR
    groups = ("completeness", "gdpr")
    profile = "gdpr"
    legal_reference = "GDPR Art. 13(1)(c) and 14(1)(c)"
    fail_example = GDPR + _CONTACT_DATA + """\
statements:
  - {id: s-billing, modality: does, actions: [use], data: [d-contact], purposes: [billing]}
"""
    pass_example = GDPR + _CONTACT_DATA + """\
statements:
  - id: s-billing
    modality: does
    actions: [use]
    data: [d-contact]
    purposes: [billing]
    legalBases: [contract]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy = policy_of(ctx)
        if not any(bases_of(s) for s in practices(policy, ctx.vocabulary)):
            yield self.missing(ctx, "no statement gives a legal basis for processing personal"
                                    " data", hint="add legalBases to the statements that give"
                                                  " one (contract, legalObligation,"
                                                  " legitimateInterest, consent)")


def top_purposes(vocab: Vocabulary, purposes: Iterable[str]) -> set[str]:
    """The top-level purposes (just below ``anyPurpose``) that some purposes fall under."""
    return {t for p in purposes for t in vocab.ancestors(p)
            if "anyPurpose" in (vocab.terms[t].broader if t in vocab.terms else ())}


@register
class PurposeWithoutBasis(CompletenessRule):
    """The legal basis must be given for the purposes it serves: the EDPB's transparency
    guidelines (WP260 rev.01, Annex) and the ICO ask for the basis of each purpose, not a
    list of bases beside a list of purposes. The check is deliberately coarse, so that it
    can be explained in one sentence: for each broad purpose (providing the service,
    marketing, security, legal compliance, ...) that the policy says it pursues, some
    statement must give a legal basis for a purpose in that branch. A basis stated with
    no purpose links to none, with two exceptions whose purpose is in their name: a
    contract is performed by providing the service (Art. 6(1)(b)), and a legal obligation
    is met by complying with the law (Art. 6(1)(c)), so stating either basis anywhere
    founds that branch. It reports each unfounded branch whether or not any basis is
    given elsewhere (VP303 says when none is), so that stating a basis never adds a
    finding."""

    code = "VP304"
    name = "purpose-without-basis"
    summary = "A purpose is pursued, but no statement gives a legal basis for it."
    severity = Severity.WARNING
    groups = ("completeness", "gdpr")
    profile = "gdpr"
    legal_reference = "GDPR Art. 13(1)(c); EDPB Guidelines on transparency (WP260 rev.01), Annex"
    fail_example = GDPR + _CONTACT_DATA + """\
statements:
  - id: s-billing
    modality: does
    actions: [use]
    data: [d-contact]
    purposes: [billing]
    legalBases: [contract]
  - id: s-newsletter
    modality: may
    actions: [use]
    data: [d-contact]
    purposes: [directMarketing]
"""
    pass_example = GDPR + _CONTACT_DATA + """\
statements:
  - id: s-billing
    modality: does
    actions: [use]
    data: [d-contact]
    purposes: [billing]
    legalBases: [contract]
  - id: s-newsletter
    modality: may
    actions: [use]
    data: [d-contact]
    purposes: [directMarketing]
    conditions: [withConsent]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        # the provider's own practices: a recipient acting on its own account states its own
        statements = [s for s in practices(policy, vocab) if not s.actors]
        founded: set[str] = set()
        for statement in statements:
            bases = bases_of(statement)
            if bases:
                founded |= top_purposes(vocab, statement.purposes)
            founded |= {NATURAL_PURPOSE[b] for b in bases if b in NATURAL_PURPOSE}
        users: dict[str, list[Statement]] = {}
        for statement in statements:
            for top in top_purposes(vocab, statement.purposes):
                users.setdefault(top, []).append(statement)
        for top in sorted(set(users) - founded):
            using = users[top]
            yield self.finding(
                f"no statement gives a legal basis for {vocab.label(top)}, which"
                f" {ids(using, 'pursues', 'pursue')}", using,
                hint="give the basis on the statements for these purposes (legalBases)")


@register
class LegitimateInterestsUnstated(CompletenessRule):
    """Where processing rests on legitimate interests, GDPR Art. 13(1)(d) requires the
    policy to say which interests: the reader needs them to judge the balance and to
    object under Art. 21(1). "We process your data on the basis of our legitimate
    interests" with no purpose attached tells them nothing."""

    code = "VP305"
    name = "legitimate-interests-unstated"
    summary = "Legitimate interests are relied on, but the interests are not stated."
    severity = Severity.WARNING
    groups = ("completeness", "gdpr")
    profile = "gdpr"
    legal_reference = "GDPR Art. 13(1)(d) and 14(2)(b)"
    fail_example = GDPR + _CONTACT_DATA + """\
statements:
  - id: s-bases
    modality: does
    actions: [use]
    data: [d-contact]
    legalBases: [contract, legitimateInterest]
"""
    pass_example = GDPR + _CONTACT_DATA + """\
statements:
  - id: s-fraud
    modality: does
    actions: [use]
    data: [d-contact]
    purposes: [fraudPrevention]
    legalBases: [legitimateInterest]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy = policy_of(ctx)
        relying = [s for s in practices(policy, ctx.vocabulary)
                   if "legitimateInterest" in s.legal_bases]
        if relying and not any(s.purposes for s in relying):
            yield self.finding(
                f"{ids(relying, 'relies', 'rely')} on legitimate interests without saying"
                " which interests (no purposes)",
                relying,
                hint="state the interests as the purposes of the statement(s) relying on"
                     " legitimateInterest")


@register
class RecipientsUndisclosed(CompletenessRule):
    """GDPR Art. 13(1)(e) requires the recipients or categories of recipients of personal
    data. A policy that says it shares or discloses data but never says with whom
    (payment processors, carriers, authorities) does not meet it; the categories are
    enough, names are not required."""

    code = "VP306"
    name = "recipients-undisclosed"
    summary = "Personal data is disclosed, but no recipients or categories of recipients are named."
    severity = Severity.ERROR
    groups = ("completeness", "gdpr")
    profile = "gdpr"
    legal_reference = "GDPR Art. 13(1)(e) and 14(1)(e)"
    fail_example = GDPR + _CONTACT_DATA + """\
statements:
  - {id: s-share, modality: may, actions: [share], data: [d-contact], purposes: [billing]}
"""
    pass_example = GDPR + _CONTACT_DATA + """\
parties:
  - {id: p-payments, name: payment processors, roles: [paymentProcessor]}
statements:
  - id: s-share
    modality: may
    actions: [share]
    data: [d-contact]
    purposes: [billing]
    recipients: [p-payments]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        disclosures = [s for s in practices(policy, vocab)
                       if any_within(vocab, s.actions, ["disclose"])]
        recipients = [p for p in policy.parties if any_within(vocab, p.roles, ["recipient"])]
        if disclosures and not recipients:
            yield self.finding(
                f"{ids(disclosures, 'discloses', 'disclose')} personal data, but the policy"
                " names no recipients or categories of recipients", disclosures,
                hint="add the recipients as parties (roles such as paymentProcessor,"
                     " telecomCarrier, lawEnforcement) and name them in the statements")


def home_zone(policy: Policy) -> tuple[frozenset[str], str]:
    """Where personal data may go without a Chapter V mechanism, and its name. Under the
    UK GDPR alone, the United Kingdom and the EEA (UK adequacy regulations cover the EEA)."""
    eea = countries_in("EEA")
    if gdpr_regimes(policy) == ["ukGdpr"]:
        return eea | {"GB"}, "the United Kingdom and the EEA"
    return eea, place_label("EEA")


def mechanism_covers(country: str, mechanisms: Sequence[str]) -> bool:
    if GENERAL_MECHANISMS & set(mechanisms):
        return True
    if "dataPrivacyFramework" in mechanisms and country == "US":
        return True
    return "adequacyDecision" in mechanisms and adequacy_for(country) is not None


def unconditionally_adequate(country: str) -> bool:
    """An adequacy decision in force that needs no certification of the recipient (the
    US decision covers only recipients certified under the Data Privacy Framework)."""
    decision = adequacy_for(country)
    return decision is not None and not decision.requires_certification


def uncovered_destinations(transfer: Transfer, home: frozenset[str]) -> list[str]:
    """The destinations of a transfer that some country of is outside ``home`` and not
    covered by a mechanism the transfer names."""
    return [d for d in transfer.destinations
            if any(not mechanism_covers(c, transfer.mechanisms)
                   for c in countries_in(d) - home)]


@register
class TransferWithoutMechanism(CompletenessRule):
    """Personal data may leave the EEA only under GDPR Chapter V: an adequacy decision
    (Art. 45), appropriate safeguards such as standard contractual clauses or binding
    corporate rules (Art. 46-47), or a derogation (Art. 49); and Art. 13(1)(f) requires
    the policy to say which. An adequacy decision counts only for destinations that have
    one in force (``pypolicy.format.geography``); the EU-US Data Privacy Framework only for the United
    States. "By using the service you agree to the transfer" and "we take steps to protect
    your data" are not Chapter V mechanisms. A destination that has an adequacy decision
    still needs the policy to say so, since Art. 13(1)(f) asks for "the existence or
    absence of an adequacy decision". Disclosures that can only reach places outside the
    EEA, because the statement says so or because its recipients are located there
    (advertising platforms in the USA, a push notification service run from the USA),
    need a transfer entry too. Under the UK GDPR alone, the United Kingdom and the EEA
    are home ground; other destinations are judged by the EU decisions, which the UK's
    own adequacy regulations and the UK extension of the Data Privacy Framework largely
    mirror."""

    code = "VP307"
    name = "transfer-without-mechanism"
    summary = "Personal data goes outside the EEA without a valid GDPR Chapter V mechanism."
    severity = Severity.ERROR
    groups = ("completeness", "gdpr", "transfers")
    profile = "gdpr"
    legal_reference = "GDPR Art. 13(1)(f), 14(1)(f) and 44-49"
    fail_example = GDPR + """\
transfers:
  - {id: t-us, destinations: [US], mechanisms: [agreementByUse, policySafeguards]}
"""
    pass_example = GDPR + """\
transfers:
  - {id: t-us, destinations: [US], mechanisms: [standardContractualClauses]}
  - {id: t-jp, destinations: [JP], mechanisms: [adequacyDecision]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        home, home_name = home_zone(policy)
        for transfer in policy.transfers:
            uncovered = uncovered_destinations(transfer, home)
            if not uncovered:
                continue
            named = f"it names {labels(vocab, transfer.mechanisms)}" if transfer.mechanisms \
                else "it names none"
            places = join(place_label(d) for d in uncovered)
            adequate = all(unconditionally_adequate(c)
                           for d in uncovered for c in countries_in(d) - home)
            message = (f"{transfer.id} sends data to {places}, covered by an adequacy"
                       f" decision, but does not say it relies on one ({named})" if adequate
                       else f"{transfer.id} sends data to {places}, outside {home_name},"
                       f" without a transfer mechanism GDPR Chapter V recognises there"
                       f" ({named})")
            yield self.finding(
                message, [transfer],
                hint="name the mechanism: standardContractualClauses, bindingCorporateRules,"
                     " adequacyDecision (only where the destination has one) or"
                     " dataPrivacyFramework (certified US recipients)")
        yield from self._undeclared(policy, vocab, home, home_name)

    def _undeclared(self, policy: Policy, vocab: Vocabulary, home: frozenset[str],
                    home_name: str) -> Iterator[Finding]:
        """Disclosures that can only reach places outside ``home`` (by where the statement
        says the data goes, else by where its recipients are) with no transfer entry
        covering them; a transfer entry that does cover them is judged on its own."""

        def declared(where: frozenset[str], party_id: str | None = None) -> bool:
            return any(party_id in t.recipients or where <= countries_of(t.destinations)
                       for t in policy.transfers)

        def abroad(locations: Sequence[str], outside: Sequence[str]) -> frozenset[str]:
            if not (locations or outside):
                return frozenset()
            where = countries_of(locations, outside)
            # partly inside is not "only outside": VP102 asks about those
            return frozenset() if where & home else where

        hint = ("add a transfers entry for the destination with the mechanism the policy"
                " names; if it names none, the finding stands")
        receiving: dict[str, list[Statement]] = {}
        for statement in practices(policy, vocab):
            if not any_within(vocab, statement.actions, ["disclose"]):
                continue
            if statement.locations or statement.outside:
                where = abroad(statement.locations, statement.outside)
                if where and not declared(where):
                    yield self.finding(
                        f"{statement.id} sends personal data to"
                        f" {_places(statement.locations, statement.outside)}, outside"
                        f" {home_name}, but no transfer there is declared with its mechanism",
                        [statement], hint=hint)
                continue
            for party_id in statement.recipients:
                receiving.setdefault(party_id, []).append(statement)
        for party_id, statements in receiving.items():
            party = policy.party(party_id)
            if party is None:
                continue
            where = abroad(party.locations, party.outside)
            if where and not declared(where, party.id):
                yield self.finding(
                    f"{party.id} ({party.name}) is located in"
                    f" {_places(party.locations, party.outside)}, outside {home_name}, and"
                    f" receives personal data ({join(s.id for s in statements)}), but no"
                    " transfer there is declared with its mechanism", [party, *statements],
                    hint=hint)


def _places(locations: Sequence[str], outside: Sequence[str]) -> str:
    if locations:
        return join(place_label(p) for p in locations)
    return "places outside " + join(place_label(p) for p in outside)


@register
class RetentionMissing(CompletenessRule):
    """GDPR Art. 13(2)(a) requires the period for which personal data will be stored or,
    where that is not possible, the criteria used to decide it. A policy with no word on
    retention at all leaves people to assume their data is kept forever."""

    code = "VP308"
    name = "retention-missing"
    summary = "The policy says nothing about how long data is kept."
    severity = Severity.ERROR
    groups = ("completeness", "gdpr", "retention")
    profile = "gdpr"
    legal_reference = "GDPR Art. 13(2)(a) and 14(2)(a)"
    fail_example = GDPR + _CONTACT_DATA
    pass_example = GDPR + _CONTACT_DATA + """\
retention:
  - {id: r-contact, data: [d-contact], duration: P1Y, from: endOfContract, afterwards: deleted}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not policy_of(ctx).retention:
            yield self.missing(ctx, "the policy gives no retention period or criteria",
                               hint="add retention rules (a duration, or the criteria that"
                                    " decide it)")


def vague(rule: RetentionRule) -> bool:
    return not rule.duration and not rule.indefinite and \
        set(rule.criteria) <= {"purposeFulfilled"}


@register
class VagueRetention(CompletenessRule):
    """"As long as necessary for the purposes" restates the storage limitation principle
    without telling anyone anything; the EDPB's transparency guidelines (WP260 rev.01,
    para. 48) say it is not enough to state generically that data will be kept as long as
    necessary: the period, or criteria a reader can apply (the contract's duration, a
    statutory period), must be given. A vague rule is not reported where every data entry
    it covers is also bounded by a more specific rule (a period, other criteria, or an
    explicit "indefinitely"), since the policy then does say how long."""

    code = "VP309"
    name = "vague-retention"
    summary = "A retention rule says only 'as long as necessary', with no period or criteria."
    severity = Severity.WARNING
    groups = ("completeness", "gdpr", "retention")
    profile = "gdpr"
    legal_reference = "GDPR Art. 13(2)(a); EDPB Guidelines on transparency (WP260 rev.01) para. 48"
    fail_example = GDPR + _CONTACT_DATA + """\
retention:
  - {id: r-necessary, data: [d-contact], criteria: [purposeFulfilled]}
"""
    pass_example = GDPR + _CONTACT_DATA + """\
retention:
  - {id: r-necessary, data: [d-contact], criteria: [purposeFulfilled]}
  - {id: r-after-contract, data: [d-contact], duration: P30D, from: endOfContract}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        specific = [r for r in policy.retention if not vague(r)]
        for rule in policy.retention:
            if not vague(rule):
                continue
            entries = [e for e in (policy.data_entry(d) for d in rule.data) if e is not None]
            unbounded = [e for e in entries
                         if not any(rule_covers(policy, vocab, other, e) for other in specific)]
            if entries and not unbounded:
                continue
            names = join(e.name for e in unbounded) or "its data"
            yield self.finding(
                f"{rule.id} keeps {names} only 'as long as necessary', with no period or"
                " criteria a reader could apply", [rule],
                hint="give the period (duration and from) or the criteria that decide it")


@register
class RightMissing(CompletenessRule):
    """GDPR Art. 13(2)(b) requires the policy to tell people of their rights of access,
    rectification, erasure, restriction, objection and data portability. Each missing
    right is its own finding. A narrower right does not stand in for a broader one: a
    marketing unsubscribe link, or the right to object to direct marketing (Art. 21(2)),
    is not the general right to object to processing based on legitimate interests
    (Art. 21(1))."""

    code = "VP310"
    name = "right-missing"
    summary = "A data subject right that GDPR Art. 13(2)(b) requires is not mentioned."
    severity = Severity.ERROR
    groups = ("completeness", "gdpr", "rights")
    profile = "gdpr"
    legal_reference = "GDPR Art. 13(2)(b) and 14(2)(c)"
    fail_example = GDPR + """\
rights:
  - {id: r-access, right: access}
  - {id: r-rectification, right: rectification}
  - {id: r-erasure, right: erasure}
  - {id: r-restriction, right: restriction}
  - {id: r-unsubscribe, right: optOutMarketing}
"""
    pass_example = GDPR + """\
rights:
  - {id: r-access, right: access}
  - {id: r-rectification, right: rectification}
  - {id: r-erasure, right: erasure}
  - {id: r-restriction, right: restriction}
  - {id: r-portability, right: portability}
  - {id: r-objection, right: objection}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        named = {r.right for r in policy.rights}
        for right, (wording, article) in RIGHTS_ARTICLES.items():
            if right in named:
                continue
            narrower = [r for r in policy.rights if r.right != right
                        and vocab.is_within(r.right, right)]
            message = f"{wording} (Art. {article}) is not mentioned"
            if narrower:
                message += (f"; only the narrower"
                            f" {labels(vocab, dict.fromkeys(r.right for r in narrower))}"
                            " is, which does not stand in for it")
            yield self.missing(ctx, message, narrower,
                               hint=f"add a rights entry with right: {right}",
                               legal_reference=f"GDPR Art. 13(2)(b) and {article}")


@register
class WithdrawConsentMissing(CompletenessRule):
    """Where processing rests on consent, GDPR Art. 13(2)(c) requires the policy to say
    that consent can be withdrawn at any time, and Art. 7(3) that withdrawing is as easy
    as giving it. Consent counts whether named as the basis or as the condition of a
    practice ("only with your consent"); consent the policy infers from use counts too,
    since the policy relies on it."""

    code = "VP311"
    name = "withdraw-consent-missing"
    summary = "Consent is relied on, but the right to withdraw it is not mentioned."
    severity = Severity.ERROR
    groups = ("completeness", "gdpr", "rights", "consent")
    profile = "gdpr"
    legal_reference = "GDPR Art. 13(2)(c), 14(2)(d) and 7(3)"
    fail_example = GDPR + _CONTACT_DATA + """\
statements:
  - id: s-newsletter
    modality: may
    actions: [use]
    data: [d-contact]
    purposes: [directMarketing]
    legalBases: [consent]
rights:
  - {id: r-unsubscribe, right: optOutMarketing}
"""
    pass_example = GDPR + _CONTACT_DATA + """\
statements:
  - id: s-newsletter
    modality: may
    actions: [use]
    data: [d-contact]
    purposes: [directMarketing]
    legalBases: [consent]
rights:
  - {id: r-withdraw, right: withdrawConsent}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        relying = [s for s in practices(policy, vocab)
                   if any_within(vocab, bases_of(s), ["consent"])]
        if relying and not any(vocab.is_within(r.right, "withdrawConsent")
                               for r in policy.rights):
            yield self.finding(
                f"{ids(relying, 'relies', 'rely')} on consent, but the right to withdraw"
                " consent at any time is not mentioned",
                relying, hint="add a rights entry with right: withdrawConsent")


@register
class ComplaintRightMissing(CompletenessRule):
    """GDPR Art. 13(2)(d) requires the policy to tell people that they may lodge a
    complaint with a supervisory authority (Art. 77). Offering to resolve concerns first is
    fine; leaving out the authority is not."""

    code = "VP312"
    name = "complaint-right-missing"
    summary = "The right to complain to a supervisory authority is not mentioned."
    severity = Severity.ERROR
    groups = ("completeness", "gdpr", "rights")
    profile = "gdpr"
    legal_reference = "GDPR Art. 13(2)(d), 14(2)(e) and 77"
    fail_example = GDPR + """\
rights:
  - {id: r-access, right: access}
"""
    pass_example = GDPR + """\
rights:
  - {id: r-complaint, right: complaint}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not any(r.right == "complaint" for r in policy_of(ctx).rights):
            yield self.missing(ctx, "the right to lodge a complaint with a supervisory"
                                    " authority is not mentioned",
                               hint="add a rights entry with right: complaint (and name the"
                                    " authority in supervisoryAuthority)")


@register
class SourceUndisclosed(CompletenessRule):
    """Where data is not obtained from the person, GDPR Art. 14(2)(f) requires the source
    it comes from. "From third parties" or "from public sources" alone does not say
    which; the EDPB's transparency guidelines (WP260 rev.01, para. 60) expect the named
    sources, or at least their nature (the kind of organisation, the register), wherever
    they can be given."""

    code = "VP313"
    name = "source-undisclosed"
    summary = "Data is obtained from third parties or public sources that are not named."
    severity = Severity.WARNING
    groups = ("completeness", "gdpr")
    profile = "gdpr"
    legal_reference = "GDPR Art. 14(2)(f)"
    fail_example = GDPR + """\
dataCategories:
  - {id: d-credit, name: Credit reference data, categories: [financial], sources: [fromThirdParty]}
"""
    pass_example = GDPR + """\
parties:
  - {id: p-credit-agency, name: credit reference agencies, roles: [independentThirdParty]}
dataCategories:
  - id: d-credit
    name: Credit reference data
    categories: [financial]
    sources: [fromThirdParty]
    sourceParties: [p-credit-agency]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        vocab = ctx.vocabulary
        for entry in policy_of(ctx).data_categories:
            indirect = [s for s in entry.sources if s in ("fromThirdParty", "publicSource")]
            if indirect and not entry.source_parties:
                yield self.finding(
                    f"{entry.name} ({entry.id}) comes {labels(vocab, indirect)}, but the"
                    " sources are not named", [entry],
                    hint="name the sources as parties (sourceParties), by kind if not by name")


@register
class AutomatedDecisionsUnstated(CompletenessRule):
    """GDPR Art. 13(2)(f) requires the policy to say whether decisions based solely on
    automated processing, including profiling, are made, and if so the logic and its
    consequences. A policy that profiles people (their interests, for marketing) and is
    silent on automated decisions leaves them unable to tell whether Art. 22 applies."""

    code = "VP314"
    name = "automated-decisions-unstated"
    summary = "The provider profiles people, but says nothing about automated decisions."
    severity = Severity.WARNING
    groups = ("completeness", "gdpr")
    profile = "gdpr"
    legal_reference = "GDPR Art. 13(2)(f), 14(2)(g) and 22"
    fail_example = GDPR + _CONTACT_DATA + """\
statements:
  - id: s-interests
    modality: may
    actions: [profile]
    data: [d-contact]
    purposes: [marketing]
    legalBases: [consent]
"""
    pass_example = GDPR + _CONTACT_DATA + """\
statements:
  - id: s-interests
    modality: may
    actions: [profile]
    data: [d-contact]
    purposes: [marketing]
    legalBases: [consent]
automatedDecisions: {modality: doesNot}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        profiling = [s for s in practices(policy, vocab)
                     if any_within(vocab, s.actions, ["profile"])]
        if profiling and policy.automated_decisions is None:
            yield self.finding(
                f"{ids(profiling, 'profiles', 'profile')} people, but the policy does not say"
                " whether decisions are made solely by automated means", profiling,
                hint="record what the policy says in automatedDecisions (modality doesNot if"
                     " it says none are made)")


@register
class RepresentativeMissing(CompletenessRule):
    """A controller established outside the EU that offers services to people in the EU
    must designate a representative in the EU (GDPR Art. 27) and name it in its policy
    (Art. 13(1)(a)); the same holds under the UK GDPR for controllers outside the United
    Kingdom. A warning, not an error: Art. 27(2) exempts occasional, low-risk processing,
    which only the provider can judge."""

    code = "VP315"
    name = "representative-missing"
    summary = "The provider is established outside the EU or UK and names no representative."
    severity = Severity.WARNING
    groups = ("completeness", "gdpr")
    profile = "gdpr"
    legal_reference = "GDPR Art. 27 and 13(1)(a)"
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
        homes = {"gdpr": (countries_in("EEA"), "the EEA"),
                 "ukGdpr": (frozenset({"GB"}), "the United Kingdom")}
        for regime in gdpr_regimes(policy):
            home, name = homes[regime]
            if country not in home:
                yield self.finding(
                    f"{provider.name} is established in {place_label(country)}, outside"
                    f" {name}, and names no representative in {name}", [provider],
                    hint="add representative (name and contacts), or suppress with the"
                         " Art. 27(2) reason if processing is occasional",
                    legal_reference="UK GDPR Art. 27" if regime == "ukGdpr" else None)


# -- ePrivacy Directive ---------------------------------------------------------------------


TRAFFIC = ("trafficData",)  # includes call detail records, message logs, network location
TRAFFIC_OR_LOCATION = ("trafficData", "location")


@register
class TrafficDataRetention(CompletenessRule):
    """Traffic data (call detail records, message logs, network location) must be erased
    or made anonymous when it is no longer needed to convey the communication, except as
    needed for billing until the bill can no longer be challenged (ePrivacy Directive
    Art. 6(1)-(2)). A policy that processes traffic data should therefore say how long it
    is kept or that it is deleted or anonymised; "as long as necessary" does neither. A
    rule counts if it names the data or data that includes it ("all personal data")."""

    code = "VP321"
    name = "traffic-data-retention"
    summary = "Traffic data is processed, but no rule says when it is deleted or anonymised."
    severity = Severity.WARNING
    groups = ("completeness", "eprivacy", "retention")
    profile = "eprivacy"
    legal_reference = "ePrivacy Directive 2002/58/EC Art. 6(1) and 6(2)"
    fail_example = EPRIVACY + _CDR + """\
statements:
  - {id: s-cdr, modality: does, actions: [collect], data: [d-cdr], purposes: [billing]}
retention:
  - {id: r-cdr, data: [d-cdr], criteria: [purposeFulfilled]}
"""
    pass_example = EPRIVACY + _CDR + """\
statements:
  - {id: s-cdr, modality: does, actions: [collect], data: [d-cdr], purposes: [billing]}
retention:
  - {id: r-cdr, data: [d-cdr], duration: P6M, from: endOfBillingDisputePeriod, afterwards: deleted}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        processed = {d for s in policy.statements if s.positive for d in s.data}
        for entry in policy.data_categories:
            if entry.id not in processed or not any_within(vocab, entry.categories, TRAFFIC):
                continue
            rules = [r for r in policy.retention if rule_covers(policy, vocab, r, entry)]
            if any(not r.indefinite and (r.duration or r.afterwards in DELETION_OUTCOMES)
                   for r in rules):
                continue
            said = f" ({join(r.id for r in rules)} give"\
                f"{'s' if len(rules) == 1 else ''} neither)" if rules else ""
            yield self.finding(
                f"{entry.name} ({entry.id}) is traffic data, but no retention rule gives a"
                f" period or says it is deleted or anonymised{said}", [entry, *rules],
                hint="add a retention rule for it with a duration or afterwards: deleted"
                     " (or anonymised)")


@register
class TrafficDataMarketingWithoutConsent(CompletenessRule):
    """Traffic data may be used to market electronic communications services, and
    location data other than traffic data processed only with the subscriber's consent
    (ePrivacy Directive Art. 6(3) and 9(1)); consent must be GDPR consent, so consent the
    policy infers from use, or a CPNI opt-out, does not do. The soft opt-in for existing
    customers (Art. 13(2)) concerns email contact details, not traffic or location data.
    Aggregated or anonymised use is outside the rule. The vocabulary has no term for
    value-added services, so only marketing purposes are checked."""

    code = "VP322"
    name = "traffic-data-marketing-without-consent"
    summary = "Traffic or location data is used for marketing without consent."
    severity = Severity.ERROR
    groups = ("completeness", "eprivacy", "consent")
    profile = "eprivacy"
    legal_reference = "ePrivacy Directive 2002/58/EC Art. 6(3) and 9(1)"
    fail_example = EPRIVACY + _CDR + """\
statements:
  - id: s-upsell
    modality: may
    actions: [analyse]
    data: [d-cdr]
    purposes: [directMarketing]
    legalBases: [legitimateInterest]
"""
    pass_example = EPRIVACY + _CDR + """\
statements:
  - id: s-upsell
    modality: may
    actions: [analyse]
    data: [d-cdr]
    purposes: [directMarketing]
    legalBases: [consent]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        for statement in practices(policy, vocab):
            cats = policy.categories_of(statement.data)
            if not any_within(vocab, cats, TRAFFIC_OR_LOCATION) or \
                    not any_within(vocab, statement.purposes, ["marketing"]):
                continue
            if real_consent(vocab, statement) or \
                    "aggregatedOrAnonymised" in statement.conditions:
                continue
            yield self.finding(
                f"{use_of(policy, vocab, statement, TRAFFIC_OR_LOCATION)}; traffic and location"
                " data may be used for marketing only with consent", [statement],
                hint="if the text asks for consent, add legalBases: [consent] or conditions:"
                     " [withConsent]")


@register
class CookieConsent(CompletenessRule):
    """Storing or reading information on a person's device needs their prior consent
    unless strictly necessary for the service they asked for (ePrivacy Directive
    Art. 5(3)); consent must be given by an active choice, not pre-ticked or inferred
    (CJEU C-673/17 Planet49). Analytics and advertising cookies, web beacons and web
    analytics tools need it; telling people to block cookies in their browser, or taking
    use of the website as consent, is not consent. Functional cookies are left out: some
    are strictly necessary for a feature the person asked for."""

    code = "VP323"
    name = "cookie-consent"
    summary = "Non-essential cookies or beacons are used without an opt-in."
    severity = Severity.ERROR
    groups = ("completeness", "eprivacy", "consent", "tracking")
    profile = "eprivacy"
    legal_reference = "ePrivacy Directive 2002/58/EC Art. 5(3); CJEU C-673/17 Planet49"
    fail_example = EPRIVACY + """\
tracking:
  technologies: [cookies]
  cookieKinds: [essentialCookies, analyticsCookies]
  consentMechanisms: [browserControls]
"""
    pass_example = EPRIVACY + """\
tracking:
  technologies: [cookies]
  cookieKinds: [essentialCookies, analyticsCookies]
  consentMechanisms: [optInBanner]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        tracking = policy_of(ctx).tracking
        if tracking is None or "optInBanner" in tracking.consent_mechanisms:
            return
        vocab = ctx.vocabulary
        needing = [f"{vocab.label(k)} cookies" for k in tracking.cookie_kinds
                   if k in ("analyticsCookies", "advertisingCookies")]
        needing += [vocab.label(t) for t in tracking.technologies
                    if t in ("webBeacons", "webAnalytics")]
        if not needing:
            return
        how = f"only {labels(vocab, tracking.consent_mechanisms)}" \
            if tracking.consent_mechanisms else "no consent mechanism"
        yield self.finding(
            f"{join(needing)} need prior consent, but the policy describes {how}",
            [tracking], hint="if the website asks before setting them, add consentMechanisms:"
                             " [optInBanner]")


# -- US CPNI rules -----------------------------------------------------------------------


def cpni_approved(vocab: Vocabulary, statement: Statement) -> bool:
    bases = bases_of(statement)
    return real_consent(vocab, statement) or \
        any_within(vocab, bases, ("cpniOptInApproval", "cpniOptOutApproval"))


@register
class CpniMarketingWithoutApproval(CompletenessRule):
    """A carrier may use CPNI without the customer's approval to market offerings within
    the categories of service the customer already buys (the total service approach, 47
    CFR 64.2005(a)); for anything else it needs opt-out or opt-in approval after notice
    (64.2007-2008). A statement that uses call detail records or billing records to market
    without approval and without the existing-customer limit is such a use. Consent the
    policy infers from use of the service is not approval under 64.2008."""

    code = "VP331"
    name = "cpni-marketing-without-approval"
    summary = "CPNI is used for marketing without customer approval."
    severity = Severity.ERROR
    groups = ("completeness", "cpni", "consent")
    profile = "cpni"
    legal_reference = "47 CFR 64.2005(a), 64.2007 and 64.2008"
    fail_example = CPNI + _CDR + """\
statements:
  - {id: s-upsell, modality: may, actions: [use], data: [d-cdr], purposes: [marketing]}
"""
    pass_example = CPNI + _CDR + """\
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
        for statement in practices(policy, vocab):
            if not any_within(vocab, policy.categories_of(statement.data), ["cpni"]) or \
                    not any_within(vocab, statement.purposes, ["marketing"]):
                continue
            if cpni_approved(vocab, statement) or "existingCustomer" in statement.conditions:
                continue
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
    and the FBI, through the FCC's central reporting facility) before it notifies
    customers, unless law enforcement agrees otherwise (47 CFR 64.2011). A policy under
    the CPNI rules should say that breaches are reported, and to whom; one that promises
    only to tell customers describes a procedure the rule does not allow."""

    code = "VP332"
    name = "cpni-breach-notification"
    summary = "The policy does not say that CPNI breaches are reported to law enforcement."
    severity = Severity.ERROR
    groups = ("completeness", "cpni")
    profile = "cpni"
    legal_reference = "47 CFR 64.2011"
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
            yield self.missing(ctx, "the policy says nothing about notifying breaches of"
                                    " CPNI", hint=hint)
        elif notice.modality == "doesNot":
            yield self.finding("the policy says breaches are not notified; CPNI breaches must"
                               " be reported to law enforcement", [notice], hint=hint)
        elif "notifyLawEnforcement" not in notice.notifies:
            yield self.finding("breaches are notified, but not to law enforcement (the US"
                               " Secret Service and the FBI come first)", [notice], hint=hint)


@register
class CpniRestrictionRightMissing(CompletenessRule):
    """Before asking for approval to use CPNI, a carrier must tell customers of their right
    to restrict the use of, disclosure of and access to their CPNI, and that denying
    approval does not affect their service (47 CFR 64.2008(a)-(c)). A policy under the
    CPNI rules that never mentions this right leaves customers without the notice the
    approval regime rests on."""

    code = "VP333"
    name = "cpni-restriction-right-missing"
    summary = "The right to restrict the use of CPNI is not mentioned."
    severity = Severity.WARNING
    groups = ("completeness", "cpni", "rights")
    profile = "cpni"
    legal_reference = "47 CFR 64.2008"
    fail_example = CPNI + """\
rights:
  - {id: r-access, right: access}
"""
    pass_example = CPNI + """\
rights:
  - {id: r-cpni, right: cpniRestriction}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        vocab = ctx.vocabulary
        if not any(vocab.is_within(r.right, "cpniRestriction") for r in policy_of(ctx).rights):
            yield self.missing(ctx, "the customer's right to restrict the use, disclosure of"
                                    " and access to CPNI is not mentioned",
                               hint="add a rights entry with right: cpniRestriction")


# -- emergency calling ---------------------------------------------------------------------


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
    legal_reference = "47 CFR 9.11; EECC Directive (EU) 2018/1972 Art. 109(6)"
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
