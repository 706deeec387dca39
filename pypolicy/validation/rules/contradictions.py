"""Layer 2: contradictions between statements, generic over the vocabulary's hierarchies.

In the spirit of PolicyLint (Andow et al., USENIX Security 2019), on structured
statements rather than sentences: a positive statement conflicts with a negative one
when it falls within the negative on every axis and no exception of the negative covers
it. Promises that hinge on consent are left to the consent rules (VP205, VP207), which
say more precisely what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.geography import ALL_COUNTRIES
from pypolicy.format.model import Party, Statement
from pypolicy.format.vocabulary import Vocabulary
from pypolicy.validation.rules._base import (
    TRANSPARENCY,
    Rule,
    RuleContext,
    citing,
    gdpr_family,
    join,
    register,
)
from pypolicy.validation.rules._reasoning import Reasoner, Relation, describe, reasoner_for

CONSENT_PROMISE = "withConsent"

_PROMISE = """\
parties:
  - {id: p-third-parties, name: third parties, roles: [thirdParty]}
  - id: p-ads
    name: advertising platforms
    roles: [advertisingPlatform]
    examples: [Google, Facebook]
    locations: [US]
dataCategories:
  - {id: d-personal, name: personal data, categories: [personalData]}
  - {id: d-technical, name: Technical Data, categories: [technical]}
"""


def _negative_side(statement: Statement) -> Statement:
    """"Only if C" also promises "not unless C": the negative, excepting C."""
    return replace(statement, modality="doesNot", conditions=(),
                   exceptions=statement.conditions + statement.exceptions)


def where_from(reasoner: Reasoner, positive: Statement, negative: Statement) -> list[Party]:
    """The recipients whose stated location decides a promise about places, as evidence."""
    if not (negative.locations or negative.outside) or positive.locations or positive.outside:
        return []
    return [p for p in reasoner.parties((*positive.recipients, *positive.actors))
            if p.locations or p.outside]


def principle(statement: Statement) -> bool:
    """"We only collect the minimum necessary": the minimisation principle stated as an
    "only if", about collection in general, with no recipient or purpose to bound it. It
    is not a closed promise that a particular practice could break."""
    return statement.modality == "onlyIf" and bool(statement.conditions) and \
        set(statement.conditions) <= {"necessaryForService"} and \
        set(statement.actions) <= {"collect"} and \
        not (statement.recipients or statement.purposes or statement.actors)


def business_transfer(statement: Statement) -> bool:
    """A sale, merger or transfer of the business (the buyer steps into the provider's
    place, and keeps to the policy where it says so)."""
    return "businessTransferCondition" in statement.conditions or \
        "businessTransfer" in statement.purposes


def pairs(ctx: RuleContext, *, narrowing: bool = False, partly_placed: bool = False,
          negative_filter: Callable[[Statement], bool] | None = None,
          ) -> Iterator[tuple[Statement, Statement]]:
    """(positive, negative) pairs of statements to compare, consent promises excepted,
    and so are principles and the duties a policy places on others (not practices).

    Only the pairs that can conflict are yielded: the positives that may fall within
    the negative (with ``narrowing``, that the negative may fall within), found through
    the reasoner's index rather than by trying every statement; with ``partly_placed``,
    for a promise that is not hedged, only those that may reach places partly inside the
    promise's; and only the negatives ``negative_filter`` keeps."""
    assert ctx.policy is not None
    statements = [s for s in ctx.policy.statements if not s.duty]
    negatives = [s for s in statements if s.negative and CONSENT_PROMISE not in s.exceptions]
    negatives += [_negative_side(s) for s in statements
                  if s.modality == "onlyIf" and CONSENT_PROMISE not in s.conditions and
                  not principle(s)]
    index = reasoner_for(ctx.policy, ctx.vocabulary).index()
    for negative in negatives:
        if negative_filter is not None and not negative_filter(negative):
            continue
        if narrowing:
            candidates = index.around(negative)
        elif partly_placed and negative.qualifier is None:
            candidates = index.partly_within(negative)
        else:
            candidates = index.within(negative)
        for positive in candidates:
            # an "only if" statement is not compared with its own negative side
            if positive.duty or positive.pointer == negative.pointer:
                continue
            # what third parties may do with data is not what a buyer of the business does
            # once it has stepped into the provider's place
            if negative.actors and business_transfer(positive):
                continue
            yield positive, negative


@register
class ContradictingStatements(Rule):
    """A policy that promises not to do something and elsewhere says it does (or may) do
    it misleads its readers about the very practice the promise is about. The flagship
    case: "we do not share or transfer your data with third parties outside the EEA"
    while advertising platforms or payment processors in the USA receive data. Each axis
    of the positive statement (actors, actions, data, recipients, places, purposes, data
    subjects) must fall within the negative's, through the vocabulary's hierarchies and
    the countries of the places; a stated exception of the negative that the positive
    meets ("except as required by law" against a disclosure for legal compliance) removes
    the conflict.

    Not a notice duty: the text contradicts itself, which the transparency every regime
    asks for rules out (GDPR and UK GDPR Art. 5(1)(a) and 12(1); FTC Act s. 5, 15 U.S.C.
    45(a), for deceptive statements; DPDP Act 2023 s. 5(1)). An error, under whatever
    law applies; under none, still reported, citing none."""

    code = "VP101"
    name = "contradicting-statements"
    summary = "A positive statement falls within a negative promise of the same policy."
    severity = Severity.ERROR
    kind = "contradiction"
    groups = ("contradictions",)
    layer = 2
    references = ("PolicyLint: Andow et al., USENIX Security 2019",)
    citations = TRANSPARENCY
    fail_example = _PROMISE + """\
statements:
  - id: s-no-eea-transfer
    modality: doesNot
    actions: [share, transfer]
    data: [d-personal]
    recipients: [p-third-parties]
    outside: [EEA]
  - id: s-ads-cookies
    modality: may
    actions: [makeAvailable]
    data: [d-technical]
    recipients: [p-ads]
    purposes: [advertising]
"""
    pass_example = _PROMISE + """\
statements:
  - id: s-no-eea-transfer
    modality: doesNot
    actions: [share, transfer]
    data: [d-personal]
    recipients: [p-third-parties]
    outside: [EEA]
  - id: s-ads-cookies
    modality: may
    actions: [makeAvailable]
    data: [d-technical]
    recipients: [p-ads]
    purposes: [advertising]
    conditions: [withConsent]
    locations: [IE]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        assert ctx.policy is not None
        reasoner = reasoner_for(ctx.policy, ctx.vocabulary)
        for positive, negative in pairs(ctx):
            self.charge()
            # a hedged promise ("we usually do not share") is weaker than a flat one: a
            # practice within it is a possible contradiction (VP102), not a certain one
            if negative.qualifier is None and reasoner.compare(positive, negative).conflict:
                located = where_from(reasoner, positive, negative)
                yield self.finding(
                    f"{negative.id} says {describe(negative, ctx.policy, ctx.vocabulary)},"
                    f" but {positive.id} says {describe(positive, ctx.policy, ctx.vocabulary)}",
                    [negative, positive, *located],
                    hint="if the promise has an exception that allows the practice, state it"
                         " as one of its exceptions; otherwise one of the two statements is"
                         " wrong")


@register
class PossibleContradiction(Rule):
    """Where a positive statement falls within a negative promise on every axis except
    that its places only partly fall inside the promise's ("based outside the EU" against
    "not outside the EEA": Norway is outside the EU but inside the EEA), the policy does
    not say enough to know whether it keeps its promise. A reviewer should ask. The same
    holds for a practice within a hedged promise ("we generally do not use call records
    for marketing", format 1.1 qualifier): the hedge leaves room for exceptions it does
    not name, so the practice may be one of them.

    Not a notice duty, and not yet a contradiction: the text may mislead about where
    data goes (GDPR and UK GDPR Art. 5(1)(a) and 13(1)(f)). A warning."""

    code = "VP102"
    name = "possible-contradiction"
    summary = "A positive statement may fall within a negative promise, depending on where."
    severity = Severity.WARNING
    kind = "unclear"
    groups = ("contradictions",)
    layer = 2
    citations = citing({**TRANSPARENCY, **gdpr_family("Art. 5(1)(a) and 13(1)(f)")})
    fail_example = _PROMISE.replace("locations: [US]", "outside: [EU]") + """\
statements:
  - id: s-no-eea-transfer
    modality: doesNot
    actions: [share, transfer]
    data: [d-personal]
    recipients: [p-third-parties]
    outside: [EEA]
  - id: s-ads-cookies
    modality: may
    actions: [makeAvailable]
    data: [d-technical]
    recipients: [p-ads]
"""
    pass_example = _PROMISE + """\
statements:
  - id: s-no-eea-transfer
    modality: doesNot
    actions: [share, transfer]
    data: [d-personal]
    recipients: [p-third-parties]
    outside: [EEA]
  - id: s-ads-cookies
    modality: may
    actions: [makeAvailable]
    data: [d-technical]
    recipients: [p-ads]
    locations: [FR]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        assert ctx.policy is not None
        reasoner = reasoner_for(ctx.policy, ctx.vocabulary)
        # a flat promise about everywhere cannot be only partly kept by place: only hedged
        # or placed promises can give this rule's findings
        for positive, negative in pairs(ctx, partly_placed=True,
                                        negative_filter=lambda n: n.qualifier is not None
                                        or reasoner.scope(n) != ALL_COUNTRIES):
            self.charge()
            comparison = reasoner.compare(positive, negative)
            if negative.qualifier is not None and comparison.conflict:
                yield self.finding(
                    f"{negative.id} promises, hedged ({ctx.vocabulary.label(negative.qualifier)}),"
                    f" that {describe(negative, ctx.policy, ctx.vocabulary)}, and"
                    f" {positive.id} says {describe(positive, ctx.policy, ctx.vocabulary)}",
                    [negative, positive],
                    hint="a hedged promise allows exceptions it does not name; say which, or"
                         " drop the hedge if the promise holds")
            elif comparison.possible_conflict:
                located = where_from(reasoner, positive, negative)
                yield self.finding(
                    f"{positive.id} ({describe(positive, ctx.policy, ctx.vocabulary)}) may"
                    f" reach places that {negative.id} excludes"
                    f" ({describe(negative, ctx.policy, ctx.vocabulary)})",
                    [negative, positive, *located],
                    hint="state where the recipients are (country codes), so that the"
                         " promise can be checked")


@register
class NarrowingDefinition(Rule):
    """The reverse case of a contradiction: a negative statement that falls entirely
    within a broader positive one ("we share your data with partners" and "we do not
    share your email address with advertisers"; "we use your data to run the service and
    for advertising" and "we do not use technical data for advertising"). Read together,
    the negative narrows the positive; read alone, either misleads. PolicyLint reports
    these as narrowing definitions because readers and tools tend to take the broad
    statement at its word.

    The negative must be narrower on whom, why or where, and on something the broad
    statement says: one that names no purpose ("we may collect, use, store and share
    these kinds of data") claims nothing about why, so "technical data is not used to
    identify individuals" takes nothing back from it; the same holds for recipients and
    places it does not name.

    Not a notice duty: read alone, either statement misleads (GDPR and UK GDPR Art.
    5(1)(a) and 12(1); FTC Act s. 5). A warning, since read together they agree."""

    code = "VP103"
    name = "narrowing-definition"
    summary = "A negative statement carves an unstated exception out of a broader positive one."
    severity = Severity.WARNING
    kind = "unclear"
    groups = ("contradictions",)
    layer = 2
    references = ("PolicyLint: Andow et al., USENIX Security 2019 (narrowing definitions)",)
    citations = TRANSPARENCY
    fail_example = _PROMISE + """\
statements:
  - id: s-uses
    modality: may
    actions: [collect, use]
    data: [d-personal]
    purposes: [serviceProvision, advertising]
  - id: s-not-ads
    modality: doesNot
    actions: [use]
    data: [d-technical]
    purposes: [advertising]
"""
    pass_example = _PROMISE + """\
statements:
  - id: s-data-types
    modality: may
    actions: [collect, use, store, share]
    data: [d-personal]
    note: names no purpose, so it claims nothing about why
  - id: s-not-identify
    modality: doesNot
    actions: [use]
    data: [d-technical]
    purposes: [identifyingIndividuals]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        assert ctx.policy is not None
        reasoner = reasoner_for(ctx.policy, ctx.vocabulary)
        # a promise with conditions or exceptions states its own limits
        for broad, narrow in pairs(ctx, narrowing=True, negative_filter=lambda n: not (
                n.conditions or n.exceptions)):
            self.charge()
            if broad.exceptions or broad.conditions:
                continue
            if "process" in broad.actions:
                continue  # "we process your data" is a summary, not a practice to narrow
            # the negative within the positive: compare with the roles swapped
            swapped = reasoner.compare(narrow, broad, every=True)
            if not swapped.conflict:
                continue
            swapped = reasoner.compare(narrow, broad, full=True, every=True)
            straight = reasoner.compare(broad, narrow, full=True, every=True)
            # narrower on an axis only where the broad statement says something on it: one
            # that names no purpose (or recipient, or place) claims nothing about why (or
            # to whom, or where), so a promise about one purpose takes nothing back from it
            stated = stated_axes(reasoner, broad)
            narrower_on_whom = (
                ("recipients" in stated and swapped.recipients and not straight.recipients)
                or (swapped.actors and not straight.actors)
                or ("purposes" in stated and swapped.purposes and not straight.purposes)
                or ("places" in stated and swapped.places is Relation.WITHIN
                    and straight.places is not Relation.WITHIN))
            if swapped.conflict and not straight.conflict and narrower_on_whom:
                yield self.finding(
                    f"{narrow.id} ({describe(narrow, ctx.policy, ctx.vocabulary)}) narrows the"
                    f" broader {broad.id} ({describe(broad, ctx.policy, ctx.vocabulary)})",
                    [broad, narrow],
                    hint="state the limit as an exception of the broader statement")


def stated_axes(reasoner: Reasoner, statement: Statement) -> frozenset[str]:
    """The axes of whom, why and where on which a positive statement says something:
    ``recipients`` and ``purposes`` when it names them, ``places`` when it, or one of its
    recipients or actors, is placed. Its actors are always stated (the provider, unless
    it names others)."""
    axes = set()
    if statement.recipients:
        axes.add("recipients")
    if statement.purposes:
        axes.add("purposes")
    if statement.locations or statement.outside or any(
            p.locations or p.outside
            for p in reasoner.parties((*statement.recipients, *statement.actors))):
        axes.add("places")
    return frozenset(axes)


def _overlapping_actions(vocab: Vocabulary, one: Statement, other: Statement) -> bool:
    return any(vocab.is_within(a, b) or vocab.is_within(b, a)
               for a in one.actions for b in other.actions)


@register
class OutsideClosedList(Rule):
    """A list the text closes ("we share call records only with our carriers", "used
    exclusively for push notifications", format 1.1 ``exhaustive``) denies the same
    practice with anything outside it: another statement sharing those call records with
    the police, or using the data for another purpose, contradicts it, unless the closed
    statement itself names the exception that allows it. Lists given as examples ("such
    as", ``illustrative``) close nothing. The practice compared must concern the same data
    (a statement that leaves its data unstated proves nothing) and overlapping actions;
    recipients match by party or by role. A summary of uses over more data than the list's
    that names what the list allows is read distributively, not as a use of the closed
    data for everything it names.

    Not a notice duty: the text contradicts itself (GDPR and UK GDPR Art. 5(1)(a) and
    12(1); FTC Act s. 5, 15 U.S.C. 45(a); DPDP Act 2023 s. 5(1)). An error."""

    code = "VP104"
    name = "outside-closed-list"
    summary = "A practice falls outside a list the policy says is complete."
    severity = Severity.ERROR
    kind = "contradiction"
    groups = ("contradictions",)
    layer = 2
    citations = TRANSPARENCY
    fail_example = """\
parties:
  - {id: p-carriers, name: carriers, roles: [telecomCarrier]}
  - {id: p-police, name: the police, roles: [lawEnforcement]}
dataCategories:
  - {id: d-cdr, name: call records, categories: [callDetailRecord]}
statements:
  - {id: s-only-carriers, modality: does, actions: [share], data: [d-cdr],
     recipients: [p-carriers], exhaustive: [recipientList]}
  - {id: s-trace, modality: may, actions: [disclose], data: [d-cdr], recipients: [p-police],
     purposes: [callTrace]}
"""
    pass_example = """\
parties:
  - {id: p-carriers, name: carriers, roles: [telecomCarrier]}
  - {id: p-police, name: the police, roles: [lawEnforcement]}
dataCategories:
  - {id: d-cdr, name: call records, categories: [callDetailRecord]}
statements:
  - {id: s-only-carriers, modality: does, actions: [share], data: [d-cdr],
     recipients: [p-carriers], exhaustive: [recipientList], exceptions: [underLegalProcess]}
  - {id: s-trace, modality: may, actions: [disclose], data: [d-cdr], recipients: [p-police],
     purposes: [legalProcess], conditions: [underLegalProcess]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = ctx.policy, ctx.vocabulary
        assert policy is not None
        reasoner = reasoner_for(policy, vocab)
        statements = [s for s in policy.statements if s.positive and not s.duty]
        index = reasoner.index()
        for closed in (s for s in statements if s.exhaustive):
            # outside a closed list of recipients or purposes, only a practice with the
            # closed data counts; outside a closed list of data, any other data does
            for other in index.related(closed, data_within="dataList" not in closed.exhaustive):
                self.charge()
                if other is closed or other.duty or not other.data or not closed.data or \
                        not _overlapping_actions(vocab, closed, other):
                    continue
                outside = self._outside(closed, other, reasoner, vocab)
                if not outside or reasoner.covered(other, closed.exceptions):
                    continue
                yield self.finding(
                    f"{closed.id} says {describe(closed, policy, vocab)}, and no more, but"
                    f" {other.id} says {describe(other, policy, vocab)} ({join(outside)})",
                    [closed, other],
                    hint="if the list has an exception, state it as one of the closed"
                         " statement's exceptions; otherwise the list is not complete")

    @staticmethod
    def _outside(closed: Statement, other: Statement, reasoner: Reasoner,
                 vocab: Vocabulary) -> list[str]:
        """What of ``other`` lies outside the lists ``closed`` closes."""
        closed_data = reasoner.data_categories(closed)
        if "dataList" in closed.exhaustive:
            extra = [c for c in reasoner.data_categories(other)
                     if not vocab.some_within([c], closed_data)]
            return [f"data outside the list: {join(vocab.label(c) for c in extra)}"] \
                if extra else []
        other_data = reasoner.data_categories(other)
        if not vocab.some_within(other_data, closed_data):
            return []
        # a summary over more data than the closed list's, naming what the list allows
        # ("we use the collected information to provide, bill and notify"), does not say
        # that the closed data serves the rest
        summary = not vocab.all_within(other_data, closed_data)
        found = []
        if "recipientList" in closed.exhaustive and other.recipients:
            allowed = [r for p in reasoner.parties(closed.recipients) for r in p.roles]
            strangers = [p for p in reasoner.parties(other.recipients)
                         if p.id not in closed.recipients and
                         not any(vocab.is_within(r, a) for r in p.roles for a in allowed)]
            named = len(strangers) < len(other.recipients)
            if strangers and not (summary and named):
                found.append("a recipient outside the list: " + join(p.name for p in strangers))
        if "purposeList" in closed.exhaustive and other.purposes and closed.purposes:
            extra = [p for p in other.purposes if not vocab.some_within([p], closed.purposes)]
            if extra and not (summary and len(extra) < len(other.purposes)):
                found.append("a purpose outside the list: "
                             + join(vocab.label(p) for p in extra))
        return found
