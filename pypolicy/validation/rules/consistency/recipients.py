"""Recipients: third parties said not to use data for their own purposes that do."""

from __future__ import annotations

from collections.abc import Iterator

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.model import Policy, Statement
from pypolicy.format.vocabulary import Vocabulary
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
from pypolicy.validation.rules._reasoning import Reasoner, reasoner_for
from pypolicy.validation.rules.contradictions import business_transfer

SERVICE_PURPOSES = ("serviceProvision", "legalCompliance", "security")
OWN_PURPOSE_ROLES = ("independentThirdParty", "advertisingPlatform", "marketingPartner",
                     "acquirer")


def own_purposes_of_buyer(policy: Policy, vocab: Vocabulary) -> bool:
    """Whether the policy lets a buyer of the business use data for purposes of its own,
    rather than as the policy describes."""
    buyers = {p.id for p in policy.parties if "acquirer" in p.roles}
    return any(s.positive and buyers & set(s.actors) and s.purposes and
               not vocab.all_within(s.purposes, (*SERVICE_PURPOSES, "businessTransfer"))
               for s in policy.statements)


@register
class RecipientOwnPurposes(Rule):
    """"We do not allow third parties to use your data for their own purposes" is the
    promise that makes recipients processors; it is broken by recipients that act for
    themselves: advertising platforms collecting through the provider's website, partners
    receiving data for their own marketing, a buyer of the business.

    Not a notice duty: the text contradicts its own promise (GDPR and UK GDPR Art.
    5(1)(a), 13(1)(e) and 28(3)(a); FTC Act s. 5; DPDP Act 2023 s. 8(2)). A buyer of the
    business that keeps to the policy is not a third party acting for itself. An error."""

    code = "VP206"
    name = "recipient-own-purposes"
    summary = "Third parties may not use data for their own purposes, yet some do."
    severity = Severity.ERROR
    kind = "contradiction"
    groups = ("consistency", "recipients", "contradictions")
    layer = 3
    citations = citing({**TRANSPARENCY, **gdpr_family("Art. 5(1)(a), 13(1)(e) and 28(3)(a)"),
                        "dpdp": "DPDP Act 2023 s. 5(1) and 8(2) (processors under a contract)"})
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
        buyer_for_itself: bool | None = None  # asked once, when a sale of the business is met
        for promise in policy.statements:
            if not promise.negative or "recipientOwnPurposes" not in promise.purposes:
                continue
            promised_roles = {r for p in reasoner.parties(promise.actors) for r in p.roles} \
                or {"thirdParty"}
            # only the statements about data within the promise's, from the index
            for statement in reasoner.index().data_all_within(categories(policy, promise.data)):
                self.charge()
                if statement.id == promise.id:
                    continue
                if reasoner.covered(statement, promise.exceptions):
                    continue
                if business_transfer(statement):
                    if buyer_for_itself is None:
                        buyer_for_itself = own_purposes_of_buyer(policy, vocab)
                    if not buyer_for_itself:
                        continue  # the buyer steps into the provider's place
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
            # the party's name may be singular or plural ("Google", "advertising
            # platforms"): a passive keeps the verb from having to agree with it
            done = join(_participle(vocab.label(a)) for a in statement.actions)
            return f"data is {done} by {names} for {purposes}"
        if any(vocab.is_within(a, "disclose") for a in statement.actions):
            own = [p for p in reasoner.parties(statement.recipients)
                   if any(vocab.is_within(r, o) for r in p.roles for o in OWN_PURPOSE_ROLES)]
            if own or own_purpose or (statement.purposes and vocab.all_within(
                    statement.purposes, ["thirdPartyMarketing"])):
                who = join(p.name for p in own) or "the recipients"
                return f"data goes to {who}, to use on their own account"
        return None


# Participles English does not make by adding -d or -ed to the verb.
_IRREGULAR = {"sell": "sold", "make": "made", "transmit": "transmitted",
              "transfer": "transferred", "read": "read", "send": "sent"}


def _participle(label: str) -> str:
    """The past participle of an action's label: "collect" -> "collected", "make
    available" -> "made available", "share or transfer" -> "shared or transferred"."""
    def one(phrase: str) -> str:
        verb, _, rest = phrase.partition(" ")
        done = _IRREGULAR.get(verb) or (verb + "d" if verb.endswith("e") else verb + "ed")
        return f"{done} {rest}".rstrip()

    return " or ".join(one(part) for part in label.split(" or "))
