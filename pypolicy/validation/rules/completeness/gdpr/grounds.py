"""GDPR profile: the grounds of the processing, a legal basis for each purpose and the
legitimate interests relied on (Art. 13(1)(c)-(d), 14(1)(c) and 14(2)(b))."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.model import Statement
from pypolicy.format.vocabulary import Vocabulary
from pypolicy.validation.rules._base import RuleContext, citing, gdpr_family, join, register
from pypolicy.validation.rules.completeness._shared import (
    CONTACT_DATA,
    GDPR,
    CompletenessRule,
    basis_stated,
    ids,
    policy_of,
    practices,
    stated_bases,
)


def founding_bases(statement: Statement) -> frozenset[str]:
    """The bases that found a statement's purposes: those it states, and a legal
    obligation named as its condition ("where the law requires it")."""
    required = ("legalObligation",) if "requiredByLaw" in statement.conditions else ()
    return stated_bases(statement) | frozenset(required)


# Bases whose purpose is in their name, so that stating them founds that purpose.
NATURAL_PURPOSE = {"contract": "serviceProvision", "legalObligation": "legalCompliance"}


@register
class LegalBasisMissing(CompletenessRule):
    """GDPR Art. 13(1)(c) requires the legal basis of the processing alongside its
    purposes. A policy that claims GDPR compliance and never says on what ground it
    processes personal data (contract, legal obligation, legitimate interests, consent)
    leaves people unable to tell which rights apply to them: objection follows
    legitimate interests, withdrawal follows consent, portability follows consent and
    contract.

    A notice duty of the policy text (GDPR and UK GDPR Art. 13(1)(c), 14(1)(c)). A basis
    counts only when the text states one: consent inferred from use is no basis, and
    "when the law requires it" on one disclosure is its occasion, not a ground for the
    processing. An error."""

    code = "VP303"
    name = "legal-basis-missing"
    summary = "No statement gives a legal basis for processing."
    severity = Severity.ERROR
    kind = "notice"
    groups = ("completeness", "gdpr")
    profile = "gdpr"
    citations = gdpr_family("Art. 13(1)(c) and 14(1)(c)")
    fail_example = GDPR + CONTACT_DATA + """\
statements:
  - {id: s-billing, modality: does, actions: [use], data: [d-contact], purposes: [billing]}
"""
    pass_example = GDPR + CONTACT_DATA + """\
statements:
  - id: s-billing
    modality: does
    actions: [use]
    data: [d-contact]
    purposes: [billing]
    legalBases: [contract]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not basis_stated(policy_of(ctx), ctx.vocabulary):
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
    finding.

    A notice duty as the EDPB and the ICO read Art. 13(1)(c): the basis of each purpose.
    A warning, since the Article itself lists purposes and bases side by side."""

    code = "VP304"
    name = "purpose-without-basis"
    summary = "A purpose is pursued, but no statement gives a legal basis for it."
    severity = Severity.WARNING
    kind = "notice"
    groups = ("completeness", "gdpr")
    profile = "gdpr"
    citations = citing({
        "gdpr": "GDPR Art. 13(1)(c); EDPB Guidelines on transparency (WP260 rev.01), Annex",
        "ukGdpr": "UK GDPR Art. 13(1)(c); ICO guidance on the right to be informed"})
    fail_example = GDPR + CONTACT_DATA + """\
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
    pass_example = GDPR + CONTACT_DATA + """\
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
        if not basis_stated(policy, vocab):
            return  # VP303 says that no basis is given at all; this would repeat it
        # the provider's own practices: a recipient acting on its own account states its own
        statements = [s for s in practices(policy, vocab) if not s.actors]
        founded: set[str] = set()
        for statement in statements:
            bases = founding_bases(statement)
            if bases:
                founded |= top_purposes(vocab, statement.purposes)
            founded |= {NATURAL_PURPOSE[b] for b in bases if b in NATURAL_PURPOSE}
        users: dict[str, list[Statement]] = {}
        for statement in statements:
            for top in top_purposes(vocab, statement.purposes):
                users.setdefault(top, []).append(statement)
        unfounded = sorted(set(users) - founded)
        if not unfounded:
            return
        using = list(dict.fromkeys(s for top in unfounded for s in users[top]))
        purposes = "; ".join(f"{vocab.label(top)} ({join(s.id for s in users[top])})"
                             for top in unfounded)
        yield self.finding(
            f"no statement gives a legal basis for {purposes}", using,
            hint="give the basis on the statements for these purposes (legalBases)")


@register
class LegitimateInterestsUnstated(CompletenessRule):
    """Where processing rests on legitimate interests, GDPR Art. 13(1)(d) requires the
    policy to say which interests: the reader needs them to judge the balance and to
    object under Art. 21(1). "We process your data on the basis of our legitimate
    interests" with no purpose attached tells them nothing.

    A notice duty (GDPR and UK GDPR Art. 13(1)(d), 14(2)(b)). A warning, since the
    interests may be described in words the document links to no statement."""

    code = "VP305"
    name = "legitimate-interests-unstated"
    summary = "Legitimate interests are relied on, but the interests are not stated."
    severity = Severity.WARNING
    kind = "notice"
    groups = ("completeness", "gdpr")
    profile = "gdpr"
    citations = gdpr_family("Art. 13(1)(d) and 14(2)(b)")
    fail_example = GDPR + CONTACT_DATA + """\
statements:
  - id: s-bases
    modality: does
    actions: [use]
    data: [d-contact]
    legalBases: [contract, legitimateInterest]
"""
    pass_example = GDPR + CONTACT_DATA + """\
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


# Triggers (format 1.1 conditions) that name the purpose with the occasion: data taken
# "when you open an account" is taken for the account.
TRIGGER_PURPOSES = {"whenAccountCreated": "accountManagement",
                    "whenSupportContacted": "customerSupport", "whenPurchasing": "billing"}

# Data entries that stand for "your information" as a whole: a statement using them for
# some purposes gives those purposes for every kind of data.
CATCH_ALL = frozenset({"personalData", "anyData"})


@register
class PurposeUndisclosed(CompletenessRule):
    """GDPR Art. 13(1)(c) requires the purposes for which personal data is processed. A
    kind of data the policy says it collects, with no purpose for it anywhere, leaves the
    reader to guess why it is taken ("we collect your email address, phone number and
    preferences when you install our software"). A purpose counts when a statement about
    that data gives one, or when the policy says what it uses "your information" as a
    whole for (a use of data that stands for all of it); a disclosure of all data to one
    recipient does not say what the provider itself uses the rest for. A trigger that
    names the occasion names the purpose too: data taken "when you open an account" is
    taken for the account, "when you contact support" for support.

    A notice duty of the policy text (GDPR and UK GDPR Art. 13(1)(c), 14(1)(c)). One
    finding names every kind of data without a purpose. An error."""

    code = "VP316"
    name = "purpose-undisclosed"
    summary = "Data is collected, but no purpose is given for it."
    severity = Severity.ERROR
    kind = "notice"
    groups = ("completeness", "gdpr")
    profile = "gdpr"
    citations = gdpr_family("Art. 13(1)(c) and 14(1)(c)")
    fail_example = GDPR + """\
dataCategories:
  - {id: d-contact, name: Contact data, categories: [contact]}
  - {id: d-usage, name: how you use the website, categories: [usage]}
statements:
  - {id: s-collect, modality: does, actions: [collect], data: [d-contact, d-usage]}
  - {id: s-bill, modality: does, actions: [use], data: [d-contact], purposes: [billing]}
"""
    pass_example = GDPR + """\
dataCategories:
  - {id: d-contact, name: Contact data, categories: [contact]}
  - {id: d-usage, name: how you use the website, categories: [usage]}
statements:
  - {id: s-collect, modality: does, actions: [collect], data: [d-contact, d-usage]}
  - {id: s-bill, modality: does, actions: [use], data: [d-contact], purposes: [billing]}
  - {id: s-improve, modality: does, actions: [analyse], data: [d-usage],
     purposes: [serviceImprovement]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        # deleting or anonymising data ends its processing: no purpose is owed for it
        statements = [s for s in practices(policy, vocab)
                      if not vocab.all_within(s.actions, ["delete", "anonymise"])]
        catch_all = {e.id for e in policy.data_categories
                     if e.categories and set(e.categories) <= CATCH_ALL}
        if any(s.purposes and set(s.data) <= catch_all and
               not vocab.all_within(s.actions, ["disclose"]) for s in statements):
            return  # "we use your information to ...": purposes for all of it
        by_entry: dict[str, list[Statement]] = {}  # once, not a search per data entry
        for statement in statements:
            for data_id in dict.fromkeys(statement.data):
                by_entry.setdefault(data_id, []).append(statement)
        without = []
        for entry in policy.data_categories:
            if entry.id in catch_all or vocab.all_within(entry.categories, ["anonymousData"]):
                continue
            naming = by_entry.get(entry.id, [])
            if naming and not any(s.purposes or set(s.conditions) & set(TRIGGER_PURPOSES)
                                  for s in naming):
                without.append((entry, naming))
        if without:
            names = join(f"{e.name} ({e.id})" for e, _ in without)
            yield self.finding(
                f"no purpose is given for {names}",
                [e for e, _ in without] + list(dict.fromkeys(s for _, n in without for s in n)),
                hint="give the purposes on the statements about this data (purposes), or"
                     " say what the data as a whole is used for")
