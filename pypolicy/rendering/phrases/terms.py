"""Phrasings of the vocabulary terms whose labels read badly inside a sentence:
purposes, legal bases and conditions ("on the basis of consent implied by use of the
service" rather than "on the basis of implied consent"), and the hedges, systems
and consequences of format 1.1 (duties of others: ``duties``)."""

from __future__ import annotations

from pypolicy.rendering.phrases.basics import label

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
#               noun phrase: "subject to <noun>", "kept longer for <noun>").
# In a phrase, {it} and {was} refer to the data and agree with it ("them", "were").
_CONDITION_PHRASES: dict[str, tuple[str, str]] = {
    "withConsent": ("with your consent", "your consent"),
    "optOut": ("unless you opt out", "your right to opt out"),
    "enabledByUser": ("when you choose to provide {it} or turn on the feature",
                      "your choice to provide it or turn on the feature"),
    # the reader may be a caller, not the customer's staff: "the customer's", not "your"
    "enabledByAdministrator": ("when the customer's administrator enables or requests {it}",
                               "a request of the customer's administrator"),
    "separateAgreement": ("under a separate agreement", "a separate agreement"),
    "requiredByLaw": ("as required by law", "legal requirements"),
    "permittedByLaw": ("where the law permits {it}", "what the law permits"),
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
    "compatiblePurpose": ("for a purpose compatible with the one {it} {was} collected for",
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
    # triggers (format 1.1) that the label says without a subject ("when visiting")
    "whenPurchasing": ("when you order or pay for something", "your orders and payments"),
    "whenVisitingWebsite": ("when you visit our website", "visits to our website"),
    "whenSupportContacted": ("when you contact us or our support",
                             "your contacting us or our support"),
}


def purpose(term: str) -> str:
    return _PURPOSE_PHRASES.get(term, label(term))


def legal_basis(term: str) -> str:
    return _LEGAL_BASIS_PHRASES.get(term, label(term))


# A feature the user turns on that does not take data from them (a transcript made on
# the phone): "when you choose to provide it" would say something else.
_FEATURE_ONLY = {"enabledByUser": "when you turn on the feature"}


def condition(term: str, plural_data: bool = False, provided: bool = True) -> str:
    """The condition after a clause; ``plural_data``: the data it refers to is plural;
    ``provided``: the practice takes the data from the person (collecting it), so that
    a choice of theirs can be a choice to provide it."""
    if not provided and term in _FEATURE_ONLY:
        return _FEATURE_ONLY[term]
    phrase = _CONDITION_PHRASES.get(term, (label(term), label(term)))[0]
    if plural_data:
        return phrase.replace("{it} {was}", "they were").replace("{it}", "them")
    return phrase.replace("{was}", "was").replace("{it}", "it")


def condition_noun(term: str) -> str:
    return _CONDITION_PHRASES.get(term, (label(term), label(term)))[1]


# --- format 1.1 -------------------------------------------------------------------------------

# A hedge as a word before the verb ("we usually share") or the number ("about 90 days").
_HEDGE_PHRASES = {
    "usually": "usually",
    "inSomeCases": "in some cases",
    "mostly": "mostly",
    "approximately": "about",
    "wherePossible": "where possible",
}

# Hedges that qualify the whole clause and stand before it ("In some cases, we ...").
CLAUSE_HEDGES = frozenset({"inSomeCases", "wherePossible"})


def hedge(term: str) -> str:
    return _HEDGE_PHRASES.get(term, label(term))


def hedged_clause(term: str | None, subject: str, verb_phrase: str, rest: str = "") -> str:
    """A clause with its hedge where it belongs: "we usually respond", "you can usually
    access" (after a modal), "in some cases, we announce" (before the clause), "we
    respond within 30 days (approximately)" (after it all: "approximately" only makes
    sense of a number, and ``rest`` is where any number is)."""
    tail = f" {rest}" if rest else ""
    if term is None:
        return f"{subject} {verb_phrase}{tail}"
    if term == "approximately":
        return f"{subject} {verb_phrase}{tail} ({label(term)})"
    if term in CLAUSE_HEDGES:
        return f"{hedge(term)}, {subject} {verb_phrase}{tail}"
    modal, _, verb = verb_phrase.partition(" ")
    if modal in ("can", "may", "will", "must") and verb:
        return f"{subject} {modal} {hedge(term)} {verb}{tail}"
    return f"{subject} {hedge(term)} {verb_phrase}{tail}"


# Where the data is processed, after the verb ("stored on your device").
_SYSTEM_PHRASES = {
    "onUserDevice": "on your device",
    "onProviderServers": "on our servers",
    "onThirdPartyServers": "on other parties' servers",
}


def system(term: str) -> str:
    return _SYSTEM_PHRASES.get(term, label(term))


# What follows for the person: after a practice ("Without it, ..."), after exercising
# a right ("If you do, ..."), after refusing cookies.
_CONSEQUENCE_PHRASES = {
    "serviceEnds": "the service ends",
    "serviceRefused": "we cannot provide the service",
    "featuresLimited": "some features will not work",
    "pastProcessingUnaffected": "what was done before stays lawful",
}


def consequence(term: str) -> str:
    return _CONSEQUENCE_PHRASES.get(term, label(term))
