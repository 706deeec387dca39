"""Which parties a sentence names as recipients, and with what role.

- A party after the action receives the data: after a sharing verb unless it is where the
  data comes from ("from public registers"), but a request's author receives what answers
  it ("legal requests from government agencies"); after another verb when the text says
  "to", "with", "by" or "through" it ("route calls through licensed operators").
- A party that acts "on our behalf" receives the data it works on ("our vendor processes
  recordings on our behalf").
- A generic party followed by examples ("other organisations, such as fraud-prevention
  databases and the police") stands for its examples: they are the recipients.
- "On our behalf" after a named party says how it acts; it names no other party.
- A generic party qualified by a purpose ("third parties to process payments", "third
  parties seeking to market products") has the role that purpose implies.
- Parties named before the action receive the data when the text points back at them
  ("If Ofcom or the police ask, we may provide call records to them") or when they ask
  for it ("Enforcement agencies may require us to disclose information"); "to them" with
  no party before it in the sentence points at the parties of the sentence before.
- "Provide ... to" a party is disclosing to it.
- A party in the possessive ("as the FCC's rules expect") says whose something is: it
  receives nothing.
- The agent of a processing verb in the passive ("our servers are housed by a colocation
  provider", "your card is charged by our payment gateway") works on the provider's data:
  it receives it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from pypolicy.annotation.draft.lexicon import Mention
from pypolicy.annotation.draft.text import OrganisationMention, Sentence

_SOURCE_BEFORE = re.compile(r"(?i)\b(?:from|via)\s+(?:\w+\s+){0,3}$")
_REQUEST_FROM = re.compile(r"(?i)\b(?:requests?|demands?|orders?|inquiries|enquiries)\s+"
                           r"(?:\w+\s+){0,1}(?:from|of|by)\s+(?:\w+\s+){0,3}$")
_RECIPIENT_BEFORE = re.compile(r"(?i)\b(?:to|with|by|among|between|through)\s+(?:\w+\s+){0,3}$")
_EXAMPLES_AFTER = re.compile(r"(?i)^[\s,(]*(?:such\s+as|including|for\s+example|e\.g\.|like)\b")
_ON_BEHALF = re.compile(r"(?i)\bon\s+(?:our|its|the\s+provider's)\s+behalf\b|\bfor\s+us\b|"
                        r"\bunder\s+(?:a|our)\s+(?:written\s+)?contract\b")
# A purpose right after a generic party ("third parties to process payments") and the role
# a party that serves it has
_QUALIFIER = re.compile(r"(?i)^\s*(?:who|that|which|seeking|wishing|to|for|in\s+order\s+to)\b")
_ROLE_BY_PURPOSE = {
    "marketing": "marketingPartner", "directMarketing": "marketingPartner",
    "thirdPartyMarketing": "marketingPartner", "advertising": "advertisingPlatform",
    "targetedAdvertising": "advertisingPlatform", "analytics": "analyticsProvider",
    "fraudPrevention": "fraudPreventionService", "emergencyServices": "emergencyServicesProvider",
    "businessTransfer": "acquirer", "pushNotifications": "pushService",
}
_POINTS_BACK = re.compile(r"(?i)^(?:[\s,]+[\w'’-]+){0,6}?[\s,]+(?:to|with)\s+(?:them|it|"
                          r"(?:these|those|such|this|that)\s+(?:parties|party|companies|"
                          r"organi[sz]ations?|providers?|partners?|authorities|agencies|bodies))\b")
_ASKS_US = re.compile(r"(?i)\b(?:requires?|requests?|requested|asks?|asked|orders?|ordered|"
                      r"compels?|directs?|obliges?)\s+us\b|\bat\s+the\s+request\s+of\b|"
                      r"\bmake\s+a\s+(?:\w+\s+)?(?:request|demand)\b")
_PROVIDE_TO = re.compile(r"(?i)\bprovid(?:e|es|ed|ing)\b(?=(?:\s+[\w'’-]+){1,5}\s+to\s+"
                         r"(?!you\b|your\b|us\b))")
_PAYMENT_WORDS = re.compile(r"(?i)\bpayments?\b|\bcards?\b")
# A party phrasing that qualifies another party rather than naming one
_QUALIFYING = re.compile(r"(?i)^(?:acting\s+)?on\s+")
GENERIC = frozenset({"thirdParty", "serviceProvider", "processor", "recipient",
                     "independentThirdParty"})


_BE_BEFORE = re.compile(r"(?i)\b(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?$")
_BY_AFTER = re.compile(r"(?i)^\s+(?:\w+ly\s+)?by\s+(?:[\w'’-]+\s+){0,3}$")
_AGENT_REACH = 40  # characters from the verb to the party named after "by"


def is_passive(sentence: Sentence, action: Mention) -> bool:
    """Whether the action word is a participle after a form of "be" ("is charged")."""
    return bool(_BE_BEFORE.search(sentence.text[:sentence.offset(action.start)]))


def passive_subject(sentence: Sentence, action: Mention) -> str:
    """The words just before the form of "be" of a passive action (its subject)."""
    before = sentence.text[:sentence.offset(action.start)]
    be = _BE_BEFORE.search(before)
    return before[:be.start()] if be else ""


def passive_agents(sentence: Sentence, action: Mention) -> tuple[
        list[Mention], list[OrganisationMention]]:
    """The parties named after "by" following a passive action ("housed by a colocation
    provider"): they do the processing."""
    if not is_passive(sentence, action):
        return [], []

    def agent(start: int) -> bool:
        between = sentence.text[sentence.offset(action.end):sentence.offset(start)]
        return 0 <= start - action.end <= _AGENT_REACH and bool(_BY_AFTER.match(between))

    return ([m for m in sentence.of("Party") if agent(m.start)],
            [o for o in sentence.organisations if agent(o.start)])


def receives(sentence: Sentence, start: int, sharing: bool) -> bool:
    """Whether a party named at ``start``, after the action, receives the data."""
    before = sentence.text[max(0, sentence.offset(start) - 40):sentence.offset(start)]
    if _REQUEST_FROM.search(before):
        return True
    if _SOURCE_BEFORE.search(before):
        return False
    return sharing or bool(_RECIPIENT_BEFORE.search(before))


_POSSESSIVE = re.compile(r"^['’]s?\b")


def is_possessive(sentence: Sentence, end: int) -> bool:
    """Whether the party named up to ``end`` is in the possessive ("the FCC's rules",
    "Google's policy"): it says whose something is, not who receives data."""
    return bool(_POSSESSIVE.match(sentence.text[sentence.offset(end):]))


def points_back(sentence: Sentence, action_end: int) -> bool:
    """Whether the words after the action point back at parties named earlier ("to them",
    "with these companies")."""
    return bool(_POINTS_BACK.match(sentence.text[sentence.offset(action_end):]))


def asked_for(sentence: Sentence, action_start: int) -> bool:
    """Whether the text before the action says someone asks for the data ("may require us
    to disclose", "make a lawful request")."""
    return bool(_ASKS_US.search(sentence.text[:sentence.offset(action_start)]))


def provide_to(sentence: Sentence) -> list[Mention]:
    """Disclosing actions written "provide ... to" a party (not "to you")."""
    return [Mention("Action", "disclose", sentence.span.start + m.start(),
                    sentence.span.start + m.end(), m.group())
            for m in _PROVIDE_TO.finditer(sentence.text)]


def acts_on_behalf(sentence: Sentence) -> bool:
    """Whether the sentence says a party works on the provider's behalf."""
    return bool(_ON_BEHALF.search(sentence.text))


def narrowed(sentence: Sentence, mention: Mention) -> Mention:
    """The mention with the role its qualifying purpose implies, for a generic party."""
    if mention.term not in GENERIC:
        return mention
    after = sentence.offset(mention.end)
    following = sentence.text[after:after + 60]
    if not _QUALIFIER.match(following):
        return mention
    for purpose in sentence.of("Purpose"):
        if not 0 <= sentence.offset(purpose.start) - after <= 40:
            continue
        if purpose.term == "billing":
            role = "paymentProcessor" if _PAYMENT_WORDS.search(purpose.words) else \
                "billingVendor"
        else:
            role = _ROLE_BY_PURPOSE.get(purpose.term, "")
        if role:
            end = purpose.end
            return replace(mention, term=role, end=end,
                           words=sentence.text[sentence.offset(mention.start):
                                               sentence.offset(end)])
    return mention


def with_examples(sentence: Sentence, mentions: Sequence[Mention],
                  named_starts: Sequence[int]) -> list[Mention]:
    """The mentions without a generic party whose examples follow it: those examples
    (other mentions, or organisations starting at ``named_starts``) stand for it."""
    starts = sorted([m.start for m in mentions] + list(named_starts))
    kept = []
    for mention in mentions:
        if _QUALIFYING.match(mention.words) and len(starts) > 1:
            continue  # "Adyen, on our behalf": says how the party named acts, not another

        after = sentence.offset(mention.end)
        if mention.term in GENERIC and _EXAMPLES_AFTER.match(sentence.text[after:]):
            following = [s for s in starts if s > mention.end]
            if following and sentence.offset(following[0]) - after <= 25:
                continue
        kept.append(mention)
    return kept
