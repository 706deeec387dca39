"""English phrasing of policy entries: the words the renderers, the diff and the comparison use.

A statement becomes one sentence that keeps its force: "may" stays "may", a negative
promise reads "We do not ... except ...", an "only if" reads "... only ...". Terms are
named by their vocabulary labels, with a few phrasings where a label reads badly
inside a sentence ("on the basis of your consent" rather than "on the basis of
consent"). Policy text (names of data and parties) is used as it stands; making it
safe for an output format is the writers' job, not this module's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache

from pypolicy.format.geography import UNKNOWN_PLACE, WORLDWIDE, UnknownPlaceError, place_label
from pypolicy.format.model import Policy, RetentionRule, RightEntry, SecurityEntry, Statement
from pypolicy.format.vocabulary import vocabulary

# --- cleaning text ------------------------------------------------------------------------

_BIDI_CONTROLS = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
                            *range(0x2066, 0x206A)])


_SPACES = re.compile(r"\s+")


@cache
def _clean_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in (*range(0x00, 0x20), *range(0x7F, 0xA0)):
        table[code] = " " if chr(code) in "\t\n\r\x0b\x0c" else "\ufffd"
    for code in (*range(0xD800, 0xE000), 0xFFFE, 0xFFFF, *_BIDI_CONTROLS):
        table[code] = "\ufffd"
    table[0x2028] = table[0x2029] = " "
    return table


def clean(text: str) -> str:
    """Policy text as one safe line: no control, bidi or non-characters, spaces collapsed.

    Control characters could corrupt a terminal or make XML unparseable; bidi
    overrides could make text read differently from what it says. They become
    U+FFFD, visibly; runs of white space (line breaks included) become one space, since
    a name or a quote is one phrase.
    """
    text = unicodedata.normalize("NFC", text.translate(_clean_table()))
    return _SPACES.sub(" ", text)


# --- lists, numbers, dates -------------------------------------------------------------------

def join(items: Sequence[str], conjunction: str = "and") -> str:
    """"a", "a and b", "a, b and c". When an item has commas or conjunctions of its own
    (outside parentheses), items are set off with semicolons, "billing and payment;
    provisioning; and customer support", or with a comma when there are two, so that
    the list is not misread."""
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        comma = "," if _has_own_list(items[0]) else ""
        return f"{items[0]}{comma} {conjunction} {items[1]}"
    if any(_has_own_list(i) for i in items):
        return "; ".join(items[:-1]) + f"; {conjunction} " + items[-1]
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


_PARENTHESES = re.compile(r"\([^()]*\)")


def _has_own_list(item: str) -> bool:
    bare = _PARENTHESES.sub("", item)
    return "," in bare or ";" in bare or " and " in bare or " or " in bare


def capitalise(text: str) -> str:
    """Upper-case the first letter, unless the word is cased on purpose ("ePrivacy",
    "iTNet")."""
    if text[1:2].isupper():
        return text
    return text[:1].upper() + text[1:]


def sentence(text: str) -> str:
    text = capitalise(text.strip())
    return text if text.endswith((".", "!", "?")) else text + "."


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


_DURATION = re.compile(
    r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$")


def duration(text: str) -> str:
    """"P7Y" -> "7 years", "P1Y6M" -> "1 year and 6 months"; unparseable text as it is."""
    match = _DURATION.match(text)
    if not match or text in ("P", "PT"):
        return text
    parts = []
    for unit, value in match.groupdict().items():
        if value is None:
            continue
        number = int(value)
        name = unit[:-1] if number == 1 else unit
        parts.append(f"{number} {name}")
    return join(parts) if parts else text


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def partial_date(text: str) -> str:
    """"2024-07-02" -> "2 July 2024", "2026-04" -> "April 2026", "2018" -> "2018"."""
    parts = text.split("-")
    try:
        if len(parts) == 3:
            return f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        pass
    return text


# --- vocabulary terms -----------------------------------------------------------------------

def label(term: str) -> str:
    return vocabulary().label(term)


def labels(terms: Iterable[str]) -> list[str]:
    return [label(t) for t in terms]


def place(term: str) -> str:
    """A place as it reads in a sentence; an unknown code as it stands."""
    try:
        return place_label(term)
    except UnknownPlaceError:
        return term


def places(terms: Sequence[str], conjunction: str = "and") -> str:
    named = [place(t) for t in terms if t not in (UNKNOWN_PLACE, WORLDWIDE)]
    if WORLDWIDE in terms:
        named.append("any country")
    if UNKNOWN_PLACE in terms:
        named.append("other countries that are not named" if named
                     else "countries that are not named")
    return join(named, conjunction)


# The few terms whose label does not read well inside a sentence.
_PURPOSE_PHRASES = {
    "emergencyServices": "emergency calls",
    "recipientOwnPurposes": "their own purposes",
    "businessTransfer": "a business transfer",
    "anyPurpose": "any purpose",
}

_LEGAL_BASIS_PHRASES = {
    # "consent", not "your consent": the consent may be someone else's (a contact's)
    "consent": "consent",
    "explicitConsent": "explicit consent",
    "impliedConsent": "consent implied by use of the service",
    "cpniOptInApproval": "your opt-in approval under the CPNI rules",
    "cpniOptOutApproval": "your opt-out approval under the CPNI rules",
    "contract": "a contract with you",
    "legalObligation": "a legal obligation",
    "vitalInterest": "vital interests",
    "publicTask": "a task in the public interest",
    "legitimateInterest": "legitimate interests",
}

# Condition -> (phrase after a clause: "... only <phrase>", "... except <phrase>";
#               noun phrase: "subject to <noun>", "kept longer for <noun>")
_CONDITION_PHRASES: dict[str, tuple[str, str]] = {
    "withConsent": ("with your consent", "your consent"),
    "optOut": ("unless you opt out", "your right to opt out"),
    "enabledByUser": ("when you choose to provide it or turn on the feature",
                      "your choice to provide it or turn on the feature"),
    "enabledByAdministrator": ("when your organisation's administrator enables or requests it",
                               "a request of your organisation's administrator"),
    "separateAgreement": ("under a separate agreement", "a separate agreement"),
    "requiredByLaw": ("as required by law", "legal requirements"),
    "permittedByLaw": ("where the law permits it", "what the law permits"),
    "underLegalProcess": ("under a subpoena, court order or other legal process",
                          "legal process such as subpoenas and court orders"),
    "lawfulOperation": ("as needed to ensure the lawful operation of the service",
                        "the lawful operation of the service"),
    "imminentHarm": ("to prevent imminent harm to you or others",
                     "preventing imminent harm to you or others"),
    "emergency": ("in an emergency", "emergencies"),
    "protectRightsCondition": ("to protect the rights, property or safety of us, our "
                               "customers or others",
                               "protecting the rights, property or safety of us, our "
                               "customers or others"),
    "businessTransferCondition": ("in a merger, acquisition or sale of our business or its "
                                  "assets",
                                  "a merger, acquisition or sale of our business"),
    "existingCustomer": ("if you have bought services from us or asked for the information",
                         "your being our customer"),
    "compatiblePurpose": ("for a purpose compatible with the one it was collected for",
                          "compatibility with the original purpose"),
    "withNotice": ("after notifying you", "notice to you"),
    "whereApplicable": ("where applicable", "applicability"),
    "aggregatedOrAnonymised": ("in aggregated or anonymised form",
                               "aggregation or anonymisation"),
    "backups": ("in backup archives that cannot be selectively deleted",
                "copies in backup archives that cannot be selectively deleted"),
    "legalHold": ("where needed for legal claims or disputes", "legal claims and disputes"),
    "contractualObligation": ("as our contractual obligations require",
                              "our contractual obligations"),
    "identityVerified": ("once your identity is verified", "verification of your identity"),
    "necessaryForService": ("to the extent necessary to provide the service",
                            "what is necessary to provide the service"),
    "onProviderInstructions": ("on our instructions", "our instructions"),
}


def purpose(term: str) -> str:
    return _PURPOSE_PHRASES.get(term, label(term))


def legal_basis(term: str) -> str:
    return _LEGAL_BASIS_PHRASES.get(term, label(term))


def condition(term: str) -> str:
    return _CONDITION_PHRASES.get(term, (label(term), label(term)))[0]


def condition_noun(term: str) -> str:
    return _CONDITION_PHRASES.get(term, (label(term), label(term)))[1]


# --- references -----------------------------------------------------------------------------

def data_name(policy: Policy, data_id: str) -> str:
    entry = policy.data_entry(data_id)
    return entry.name if entry is not None else data_id


def data_names(policy: Policy, data_ids: Iterable[str]) -> list[str]:
    return unique(data_name(policy, d) for d in data_ids)


def party_name(policy: Policy, party_id: str) -> str:
    party = policy.party(party_id)
    return party.name if party is not None else party_id


def party_names(policy: Policy, party_ids: Iterable[str]) -> list[str]:
    return unique(party_name(policy, p) for p in party_ids)


# --- statements -----------------------------------------------------------------------------

# Action -> (base form, third person singular); the object follows.
_VERBS: dict[str, tuple[str, str]] = {
    "process": ("process", "processes"),
    "collect": ("collect", "collects"),
    "record": ("record", "records"),
    "use": ("use", "uses"),
    "consult": ("read or listen to", "reads or listens to"),
    "analyse": ("analyse", "analyses"),
    "profile": ("build profiles from", "builds profiles from"),
    "monitor": ("monitor", "monitors"),
    "combine": ("combine", "combines"),
    "store": ("store", "stores"),
    "disclose": ("disclose", "discloses"),
    "share": ("share", "shares"),
    "transfer": ("transfer", "transfers"),
    "sell": ("sell", "sells"),
    "makeAvailable": ("make available", "makes available"),
    "anonymise": ("anonymise", "anonymises"),
    "pseudonymise": ("pseudonymise", "pseudonymises"),
    "delete": ("delete", "deletes"),
}

_PLURAL_CUT = re.compile(r"\s(?:to|of|for|who|which|that|with|based|such|from|in|on|at)\s|[(,]")


def _looks_plural(name: str) -> bool:
    """Whether a party's name reads as plural ("third parties") or singular ("the
    acquiring entity"); a heuristic on the head noun, for verb agreement only."""
    head = _PLURAL_CUT.split(f" {name} ", maxsplit=1)[0].strip()
    if " and " in head or " or " in head or "," in name.split(" who ")[0]:
        return True
    last = head.split()[-1].lower() if head.split() else ""
    return last.endswith("s") and not last.endswith(("ss", "us", "is"))


def _verb(action: str, singular: bool) -> str:
    forms = _VERBS.get(action, (label(action), label(action)))
    return forms[1] if singular else forms[0]


def is_disclosure(action: str) -> bool:
    return vocabulary().is_within(action, "disclose")


def statement_sentence(policy: Policy, statement: Statement) -> str:
    """One statement as one English sentence, from the provider's point of view."""
    actors = party_names(policy, statement.actors)
    if actors:
        subject = join(actors)
        singular = len(actors) == 1 and not _looks_plural(actors[0])
    else:
        subject, singular = "we", False
    negative = statement.modality == "doesNot"
    if statement.modality == "may":
        verb_phrase = "may " + join([_verb(a, False) for a in statement.actions])
    elif negative:
        negation = "does not" if singular else "do not"
        verb_phrase = f"{negation} " + join([_verb(a, False) for a in statement.actions], "or")
    else:
        verb_phrase = join([_verb(a, singular) for a in statement.actions])

    words = [subject, verb_phrase, join(data_names(policy, statement.data))]
    if statement.subjects:
        collecting = all(vocabulary().is_within(a, "collect") for a in statement.actions)
        words.append(("from " if collecting else "about ") + join(labels(statement.subjects)))
    recipients = [r for r in statement.recipients if r not in statement.actors]
    if recipients:
        names = join(party_names(policy, recipients), "or" if negative else "and")
        if any(is_disclosure(a) for a in statement.actions):
            words.append(("with " if "share" in statement.actions else "to ") + names)
        else:
            words.append(f"(recipients: {names})")
    if statement.locations:
        only_moving = all(is_disclosure(a) for a in statement.actions)
        words.append(("to " if only_moving else "in ") + places(statement.locations))
    if statement.outside:
        words.append("outside " + places(statement.outside))
    if statement.purposes:
        words.append("for " + join([purpose(p) for p in statement.purposes],
                                   "or" if negative else "and"))
    bases = list(statement.legal_bases)
    if "withConsent" in statement.conditions and statement.modality == "onlyIf":
        bases = [b for b in bases if b != "consent"]  # "only with your consent" says it
    if bases:
        words.append("on the basis of " + join([legal_basis(b) for b in bases],
                                               "or" if negative else "and"))
    text = " ".join(words)
    if statement.except_purposes:
        text += ", other than for " + join([purpose(p) for p in statement.except_purposes], "or")
    if statement.conditions:
        conditions = join([condition(c) for c in statement.conditions])
        if statement.modality == "onlyIf":
            text += " " + (conditions if conditions.startswith("unless ")
                           else "only " + conditions)
        else:
            text += " " + conditions
    if statement.exceptions:
        text += ", except " + join([condition(c) for c in statement.exceptions], "or")
    return sentence(text)


# --- retention ------------------------------------------------------------------------------

_KEPT_AS_LONG_AS = {
    "purposeFulfilled": "for the purposes for which we collected it",
    "legalRequirement": "to meet legal or regulatory requirements",
    "disputes": "to resolve disputes",
    "agreementEnforcement": "to enforce our agreements",
}

_OUTCOME = {
    "deleted": "we delete it",
    "anonymised": "we anonymise it",
    "deletedOrAnonymised": "we delete or anonymise it",
}


_EVENT_PHRASES = {
    "endOfContract": "the end of the contract",
    "endOfRelationship": "the end of the customer relationship",
    "endOfBillingDisputePeriod": "the end of the billing dispute period",
    "lastActivity": "your last activity",
}

_CRITERION_SUMMARY = {
    "purposeFulfilled": "as long as needed for the purposes",
    "contractDuration": "for the duration of the contract",
    "legalRequirement": "as long as the law requires",
    "disputes": "to resolve disputes",
    "agreementEnforcement": "to enforce agreements",
    "riskBased": "by sensitivity and risk",
    "untilRequest": "until you ask for deletion",
}


def event(term: str) -> str:
    return _EVENT_PHRASES.get(term, label(term))


def retention_period(rule: RetentionRule) -> str:
    """The period alone, as a summary or a comparison shows it."""
    if rule.duration:
        text = duration(rule.duration)
        if rule.from_:
            text += " after " + event(rule.from_)
        return text
    if rule.indefinite:
        return "indefinitely"
    if rule.criteria:
        return ", ".join(_CRITERION_SUMMARY.get(c, label(c)) for c in rule.criteria)
    return "not stated"


def retention_sentences(policy: Policy, rule: RetentionRule) -> list[str]:
    names = join(data_names(policy, rule.data)) or "this data"
    result: list[str] = []
    needs = [_KEPT_AS_LONG_AS[c] for c in rule.criteria if c in _KEPT_AS_LONG_AS]
    others = [c for c in rule.criteria if c not in _KEPT_AS_LONG_AS]
    if rule.duration:
        main = f"we keep {names} for {duration(rule.duration)}"
        if rule.from_:
            main += " after " + event(rule.from_)
        if needs:
            main += ", " + join(needs)
    elif needs:
        main = f"we keep {names} as long as we need it " + join(needs)
    elif rule.indefinite:
        main = f"we may keep {names} indefinitely"
    else:
        main = ""
    if rule.indefinite and rule.duration:
        main += ", and may keep it indefinitely"
    extra = []
    for criterion in others:
        if criterion == "contractDuration":
            extra.append("for the duration of your contract")
        elif criterion == "untilRequest":
            extra.append("until you ask us to delete it")
    if extra:
        main = (main + " and " if main else f"we keep {names} ") + join(extra)
    if main:
        result.append(sentence(main))
    if "riskBased" in rule.criteria:
        result.append(sentence(
            (f"how long we keep {names} depends" if not main else "how long depends")
            + " on the amount, nature and sensitivity of the data, the risk of harm from "
              "unauthorised use, the purposes and the legal requirements"))
    if not result:
        result.append(sentence(f"this policy gives no retention period for {names}"))
    if rule.afterwards:
        result.append(sentence("after that, " + _OUTCOME.get(rule.afterwards,
                                                             label(rule.afterwards))))
    if rule.exceptions:
        result.append(sentence("we may keep it longer "
                               + join([condition(c) for c in rule.exceptions], "or")))
    return result


# --- rights -----------------------------------------------------------------------------------

_RIGHT_PHRASES = {
    "access": "access the personal data we hold about you",
    "rectification": "have inaccurate or incomplete data corrected",
    "erasure": "have your personal data deleted",
    "restriction": "have the processing of your data restricted",
    "portability": "receive your data in a machine-readable format, or have it sent to "
                   "another organisation",
    "objection": "object to processing based on legitimate interests",
    "objectionDirectMarketing": "object at any time to the use of your data for direct "
                                "marketing",
    "optOutMarketing": "stop receiving marketing messages",
    "withdrawConsent": "withdraw your consent at any time",
    "complaint": "complain to a data protection supervisory authority",
    "automatedDecisionRight": "not be subject to decisions based solely on automated "
                              "processing",
    "optOutOfSale": "opt out of the sale or sharing of your personal information",
    "cpniRestriction": "approve, deny or withdraw approval for the use of your CPNI for "
                       "marketing",
}

_CHANNEL_PHRASES = {
    "email": "by email",
    "phone": "by telephone",
    "postal": "by post",
    "webForm": "through a web form",
    "accountDashboard": "in your account dashboard",
    "supportTicket": "by opening a support ticket",
    "unsubscribeLink": "through the unsubscribe link in our messages",
    "browserSettings": "in your browser settings",
}

_FEE_PHRASES = {
    "free": "It is free of charge.",
    "feeIfExcessive": "It is free, but we may charge a reasonable fee, or refuse, if a "
                      "request is unfounded or excessive.",
    "feeCharged": "We charge a fee.",
}


def right_title(term: str) -> str:
    return capitalise(label(term))


def channel(term: str) -> str:
    return _CHANNEL_PHRASES.get(term, "through " + label(term))


def right_sentences(right: RightEntry, authority: str | None = None) -> list[str]:
    phrase = _RIGHT_PHRASES.get(right.right, label(right.right))
    if right.right == "complaint" and authority:
        phrase = f"complain to the supervisory authority, {authority}"
    result = [sentence(f"you can {phrase}")]
    if right.channels:
        result.append(sentence("you can do this " + join([channel(c) for c in right.channels],
                                                         "or")))
    if right.response_time:
        result.append(sentence(f"response time: {duration(right.response_time)}"))
    if right.fee:
        result.append(_FEE_PHRASES.get(right.fee, sentence("fee: " + label(right.fee))))
    if right.limitations:
        result.append(sentence("this right is subject to "
                               + join([condition_noun(c) for c in right.limitations])))
    return result


# --- security -------------------------------------------------------------------------------

_CLAIM_PHRASES = {
    "securityNotGuaranteed": "no method of transmission or storage is completely secure; "
                             "we cannot guarantee the security of {what}",
    "neverMisused": "we promise that {what} will never be misused",
    "industryStandard": "we describe our security measures as being of a high or industry "
                        "standard",
    "everyPrecaution": "we say we take every possible precaution to protect {what}",
}

_ENDPOINT_PHRASES = {
    "atProvider": "decrypted on our servers (hop by hop, not end to end)",
    "atEndpoints": "decrypted only on the devices of the people communicating",
}


def security_sentence(policy: Policy, entry: SecurityEntry) -> str:
    scopes = join(labels(entry.scopes))
    data = join(data_names(policy, entry.data))
    if entry.claim:
        what = data or scopes or "your data"
        template = _CLAIM_PHRASES.get(entry.claim, "we state: " + label(entry.claim))
        return sentence(template.format(what=what))
    text = label(entry.measure or "")
    if scopes:
        text += f" for {scopes}"
    if data:
        text += f", protecting {data}"
    if entry.terminates_at:
        text += ", " + _ENDPOINT_PHRASES.get(entry.terminates_at, label(entry.terminates_at))
    return capitalise(text)
