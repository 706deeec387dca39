"""The rights a policy grants and the security it describes, in words: what each right
lets a person do, how to exercise it, at what cost and with which limits; each security
measure or claim as one sentence."""

from __future__ import annotations

from pypolicy.format.model import Policy, RightEntry, SecurityEntry
from pypolicy.rendering.phrases.basics import (
    capitalise,
    data_names,
    duration,
    join,
    label,
    labels,
    sentence,
)
from pypolicy.rendering.phrases.terms import condition_noun, consequence, hedged_clause

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
    "inAppSettings": "in the app's settings",
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


# A right granted for most but not all of the data ("Most of the PII may be accessed"):
# "most" goes on the data the right is about.
_MOST_OF_PHRASES = {
    "access": "access most, but not all, of the personal data we hold about you",
    "rectification": "have inaccurate or incomplete data corrected in most, but not all, of "
                     "the personal data we hold about you",
    "erasure": "have most, but not all, of your personal data deleted",
    "restriction": "have the processing of most, but not all, of your data restricted",
    "portability": "receive most, but not all, of your data in a machine-readable format, "
                   "or have it sent to another organisation",
}


def _granted(right: RightEntry, phrase: str) -> str:
    """"You can ..." with the hedge the policy puts on the right itself (format 1.1
    rightQualifier), next to what it qualifies: "most" on the data, the others on the
    "can"."""
    term = right.right_qualifier
    if term is None:
        return sentence(f"you can {phrase}")
    if term == "mostly":
        if right.right in _MOST_OF_PHRASES:
            return sentence(f"you can {_MOST_OF_PHRASES[right.right]}")
        return sentence(f"for most but not all of your data, you can {phrase}")
    if term == "approximately":  # no number to be approximate about: keep the word
        return sentence(f"you can {phrase} ({label(term)})")
    return sentence(hedged_clause(term, "you", f"can {phrase}"))


def right_sentences(right: RightEntry, authority: str | None = None) -> list[str]:
    phrase = _RIGHT_PHRASES.get(right.right, label(right.right))
    if right.right == "complaint" and authority:
        phrase = f"complain to the supervisory authority, {authority}"
    result = [_granted(right, phrase)]
    if right.channels:
        result.append(sentence("you can do this " + join([channel(c) for c in right.channels],
                                                         "or")))
    if right.response_time:
        # "We usually respond within one month." (a hedge on the response, format 1.1)
        within = duration(right.response_time, spelled=True)
        if right.qualifier == "approximately":  # on the number
            result.append(sentence(f"we respond within about {within}"))
        else:
            result.append(sentence(hedged_clause(right.qualifier, "we", "respond",
                                                 f"within {within}")))
    elif right.qualifier:  # a hedged response without a time: "We usually respond."
        result.append(sentence(hedged_clause(right.qualifier, "we", "respond to requests")))
    if right.fee:
        result.append(_FEE_PHRASES.get(right.fee, sentence("fee: " + label(right.fee))))
    if right.limitations:
        result.append(sentence("this right is subject to "
                               + join([condition_noun(c) for c in right.limitations])))
    result += [sentence("if you do, " + consequence(c)) for c in right.consequences]
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
