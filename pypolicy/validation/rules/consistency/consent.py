"""Consent: promises of "not without your consent" broken by processing or disclosure
on another basis, and consent inferred from use of the service."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.model import Policy, Statement, Tracking, Transfer
from pypolicy.validation.rules._base import (
    TRANSPARENCY,
    HasEvidence,
    Rule,
    RuleContext,
    citing,
    eprivacy_family,
    gdpr_family,
    join,
    register,
)
from pypolicy.validation.rules._reasoning import describe, reasoner_for


def consent_promises(policy: Policy) -> Iterator[Statement]:
    """Negative statements that hold unless the person consents, including the negative
    side of "only with your consent" statements."""
    for statement in policy.statements:
        if statement.negative and "withConsent" in statement.exceptions:
            yield statement
        elif statement.modality == "onlyIf" and "withConsent" in statement.conditions:
            yield replace(statement, modality="doesNot", conditions=(),
                          exceptions=statement.conditions + statement.exceptions)


DPDP_CONSENT = "DPDP Act 2023 s. 6(1) (consent by a clear affirmative action)"

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
            # only the positives that can fall within the promise, not every statement
            for statement in reasoner.index().within(promise):
                self.charge()
                if statement.id == promise.id:
                    continue
                if reasoner.compare(statement, promise).conflict:
                    # describe names the statement's legal bases when it has some
                    unstated = "" if statement.legal_bases else ", with no legal basis stated"
                    yield self.finding(
                        f"{promise.id} promises consent first"
                        f" ({describe(promise, policy, vocab)}), but in {statement.id}"
                        f" {describe(statement, policy, vocab)}{unstated}",
                        [promise, statement],
                        hint="add the basis as an exception of the promise if the policy means"
                             " it, or ask for consent")


@register
class DisclosureWithoutConsent(_ConsentPromiseRule):
    """"We will not disclose your information without your consent" is a promise readers
    rely on; a disclosure elsewhere in the policy on another ground (to payment processors
    for billing, to partners) that none of the promise's exceptions covers breaks it.

    Not a notice duty: the text contradicts its own promise (GDPR and UK GDPR Art.
    5(1)(a), 6(1) and 13(1)(c); FTC Act s. 5; DPDP Act 2023 s. 4(1) and 6(1)). An error."""

    code = "VP205"
    name = "disclosure-without-consent"
    summary = "No disclosure without consent is promised, but data is disclosed on another basis."
    severity = Severity.ERROR
    kind = "contradiction"
    groups = ("consistency", "consent", "contradictions")
    layer = 3
    citations = citing({**TRANSPARENCY, **gdpr_family("Art. 5(1)(a), 6(1) and 13(1)(c)"),
                        "dpdp": "DPDP Act 2023 s. 4(1) and 6(1)"})
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
    withdrawal the other bases do not.

    Not a notice duty: the text contradicts itself on its legal bases (GDPR and UK GDPR
    Art. 6(1), 7(3) and 13(1)(c); DPDP Act 2023 s. 4(1) and 6(4)). An error."""

    code = "VP207"
    name = "processing-without-consent"
    summary = "Consent is said to be required, but other bases are relied on."
    severity = Severity.ERROR
    kind = "contradiction"
    groups = ("consistency", "consent", "contradictions")
    layer = 3
    citations = citing({**TRANSPARENCY, **gdpr_family("Art. 6(1), 7(3) and 13(1)(c)"),
                        "dpdp": "DPDP Act 2023 s. 4(1) and 6(4)"})
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
class ConsentInferredFromUse(Rule):
    """Consent must be a freely given, specific, informed and unambiguous indication by a
    clear affirmative act (GDPR Art. 4(11), recital 32: silence or inactivity is not
    consent; CJEU C-673/17 Planet49); transfers on consent need explicit consent after
    being told the risks (Art. 49(1)(a)). "By using our services you agree" is none of
    these, whether as a legal basis, a transfer mechanism or cookie consent.

    Not a notice duty: obtaining consent is a duty to act, and the text shows the
    consent it relies on is none, a likely problem (a warning). The rule runs only where
    consent must be an affirmative act: GDPR and UK GDPR Art. 4(11) and 7 (and Art.
    49(1)(a) for transfers); ePrivacy Directive Art. 5(3) with Art. 2(f), and PECR reg.
    6, for cookies; DPDP Act 2023 s. 6(1). One finding per sentence that carries the
    consent, however many entries annotate it.

    Cookies that rest on consent by use are also what cookie-consent (VP323) reports where
    the ePrivacy Directive or PECR applies: one problem, so this rule owns it (it names
    the consent the text relies on, and cites the law of every regime that applies) and
    VP323's finding is merged into it, its message and references added. A suppression
    of either code silences the merged finding."""

    code = "VP209"
    name = "consent-inferred-from-use"
    summary = "Consent is inferred from use of the service or website."
    severity = Severity.WARNING
    kind = "practice"
    groups = ("consistency", "consent")
    layer = 3
    # only laws that ask consent to be an affirmative act; elsewhere the rule is quiet
    needs_regime = True
    absorbs = ("VP323",)  # cookies on consent by use: one finding under GDPR and ePrivacy
    citations = citing({**gdpr_family("Art. 4(11) and 7"),
                        **eprivacy_family("Art. 5(3)", "reg. 6"), "dpdp": DPDP_CONSENT})
    fail_example = """\
regimes: [{id: rg-gdpr, regime: gdpr, stance: claimed}]
transfers:
  - {id: t-us, destinations: [US], mechanisms: [agreementByUse]}
"""
    pass_example = """\
regimes: [{id: rg-gdpr, regime: gdpr, stance: claimed}]
transfers:
  - {id: t-us, destinations: [US], mechanisms: [standardContractualClauses]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy = ctx.policy
        assert policy is not None
        resting: list[HasEvidence] = [s for s in policy.statements
                                      if "impliedConsent" in s.legal_bases]
        resting += [t for t in policy.transfers if "agreementByUse" in t.mechanisms]
        tracking = policy.tracking
        if tracking is not None and "impliedByUse" in tracking.consent_mechanisms:
            resting.append(tracking)
        for practice in same_sentence_groups(resting):
            ids = [getattr(item, "id", None) or item.pointer.lstrip("/") for item in practice]
            transfers = [i for i in practice if isinstance(i, Transfer) or
                         (isinstance(i, Statement) and (i.locations or i.outside))]
            cookies = [i for i in practice if isinstance(i, Tracking)]
            hint = "name a Chapter V mechanism (adequacy, SCCs, BCRs) or ask for explicit" \
                " consent" if transfers else "ask for consent by a clear affirmative act"
            if cookies:
                table = self.citations
            elif transfers:
                table = {**gdpr_family("Art. 4(11), 7 and 49(1)(a)"), "dpdp": DPDP_CONSENT}
            else:
                table = {**gdpr_family("Art. 4(11) and 7"), "dpdp": DPDP_CONSENT}
            reference = self.cite(table)
            if reference is None:
                continue  # e.g. ePrivacy alone, which asks affirmative consent of cookies only
            yield self.finding(f"{join(ids)} rest{'s' if len(ids) == 1 else ''} on consent"
                               " inferred from use of the service", practice, hint=hint,
                               legal_reference=reference)


def same_sentence_groups(items: Sequence[HasEvidence]) -> list[list[HasEvidence]]:
    """The items in groups that share a quoted passage: one sentence ("By using our
    Services, you consent to our use of cookies"), however many entries annotate it, is
    one practice resting on consent by use.

    Groups come in the order they were last joined, each in the order of its items as
    they were joined; each passage leads to its group through a table (merged groups
    point to the group they joined), not by searching every group for each item."""
    groups: dict[int, list[HasEvidence]] = {}  # by number: the order of the result
    joined_into: dict[int, int] = {}  # a merged group's number -> the group it joined
    owner: dict[tuple[str | None, int | None], int] = {}  # passage -> a group's number

    def current(number: int) -> int:
        path = []
        while number in joined_into:
            path.append(number)
            number = joined_into[number]
        for merged in path:
            joined_into[merged] = number
        return number

    for number, item in enumerate(items):
        mine = {(e.quote, e.start) for e in item.evidence if e.quote}
        joined = sorted({current(owner[p]) for p in mine if p in owner})
        group = groups.pop(joined[0]) if joined else []
        for other in joined[1:]:
            group.extend(groups.pop(other))
        for other in joined:
            joined_into[other] = number
        group.append(item)
        groups[number] = group  # moves to the end, as a newly joined group
        for passage in mine:
            owner[passage] = number
    return list(groups.values())
