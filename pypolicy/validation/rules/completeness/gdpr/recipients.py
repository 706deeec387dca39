"""GDPR profile: who receives personal data and where it goes, recipients and
transfers outside the EEA (or the UK) with their Chapter V mechanism (Art. 13(1)(e)-(f),
14(1)(e)-(f), 44-49)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.geography import (
    ALL_COUNTRIES,
    adequacy_for,
    countries_in,
    countries_of,
    place_label,
)
from pypolicy.format.model import Policy, Statement, Transfer
from pypolicy.format.vocabulary import Vocabulary
from pypolicy.validation.rules._base import RuleContext, gdpr_family, join, register
from pypolicy.validation.rules.completeness._shared import (
    CONTACT_DATA,
    GDPR,
    CompletenessRule,
    any_within,
    gdpr_regimes,
    ids,
    labels,
    policy_of,
    practices,
)

# GDPR Chapter V mechanisms that work for any destination.
GENERAL_MECHANISMS = frozenset({"standardContractualClauses", "bindingCorporateRules",
                                "explicitConsentDerogation", "contractDerogation"})


@register
class RecipientsUndisclosed(CompletenessRule):
    """GDPR Art. 13(1)(e) requires the recipients or categories of recipients of personal
    data. A policy that says it shares or discloses data but never says with whom
    (payment processors, carriers, authorities) does not meet it; the categories are
    enough, names are not required.

    A notice duty of the policy text (GDPR and UK GDPR Art. 13(1)(e), 14(1)(e)). An
    error."""

    code = "VP306"
    name = "recipients-undisclosed"
    summary = "Personal data is disclosed, but no recipients or categories of recipients are named."
    severity = Severity.ERROR
    kind = "notice"
    groups = ("completeness", "gdpr")
    profile = "gdpr"
    citations = gdpr_family("Art. 13(1)(e) and 14(1)(e)")
    fail_example = GDPR + CONTACT_DATA + """\
statements:
  - {id: s-share, modality: may, actions: [share], data: [d-contact], purposes: [billing]}
"""
    pass_example = GDPR + CONTACT_DATA + """\
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


def home_zone(ctx: RuleContext) -> tuple[frozenset[str], str]:
    """Where personal data may go without a Chapter V mechanism, and its name. Under the
    UK GDPR alone, the United Kingdom and the EEA (UK adequacy regulations cover the EEA).
    A provider established outside the EEA to which the GDPR applies because it serves
    people there (Art. 3(2)) keeps their data where it is established: a disclosure within
    that country is not a transfer a reader needs told of when the country has an adequacy
    decision of its own (a UK provider handing call records to the UK police)."""
    eea = countries_in("EEA")
    regimes = gdpr_regimes(ctx)
    if regimes == ["ukGdpr"]:
        return eea | {"GB"}, "the United Kingdom and the EEA"
    country = ctx.policy.provider.country if ctx.policy is not None else None
    if country in ALL_COUNTRIES and country not in eea and unconditionally_adequate(country):
        return eea | {country}, f"{place_label(country)} and the EEA"
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
    """Personal data may leave the EEA only under GDPR Chapter V: an adequacy decision (Art. 45),
    appropriate safeguards such as standard contractual clauses or binding corporate rules
    (Art. 46-47), or a derogation (Art. 49); and Art. 13(1)(f) requires the policy to say
    which. An adequacy decision counts only for destinations that have one in force
    (``pypolicy.format.geography``); the EU-US Data Privacy Framework only for the United
    States. "By using the service you agree to the transfer" and "we take steps to protect
    your data" are not Chapter V mechanisms. A destination that has an adequacy decision
    still needs the policy to say so, since Art. 13(1)(f) asks for "the existence or absence
    of an adequacy decision". Disclosures that can only reach places outside the EEA,
    because the statement says so or because its recipients are located there (advertising
    platforms in the USA, a push notification service run from the USA), need a transfer
    entry too. Under the UK GDPR alone, the United Kingdom and the EEA are home ground;
    other destinations are judged by the EU decisions, which the UK's own adequacy
    regulations and the UK extension of the Data Privacy Framework largely mirror.

    A notice duty of the policy text (GDPR and UK GDPR Art. 13(1)(f), 14(1)(f)), beside
    the duty to transfer lawfully (Art. 44-49), which the text shows unmet or unknown.
    An error."""

    code = "VP307"
    name = "transfer-without-mechanism"
    summary = "Personal data goes outside the EEA without a valid GDPR Chapter V mechanism."
    severity = Severity.ERROR
    kind = "notice"
    groups = ("completeness", "gdpr", "transfers")
    profile = "gdpr"
    citations = gdpr_family("Art. 13(1)(f), 14(1)(f) and 44-49")
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
        home, home_name = home_zone(ctx)
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
                    # the name may be plural ("advertising platforms"): no verb agrees
                    # with it, and the statements' ids, in brackets, a page can drop
                    f"personal data goes to {party.id} ({party.name}), in"
                    f" {_places(party.locations, party.outside)}, outside {home_name}"
                    f" ({join(s.id for s in statements)}), but no transfer there is declared"
                    " with its mechanism", [party, *statements],                    hint=hint)


def _places(locations: Sequence[str], outside: Sequence[str]) -> str:
    if locations:
        return join(place_label(p) for p in locations)
    return "places outside " + join(place_label(p) for p in outside)
