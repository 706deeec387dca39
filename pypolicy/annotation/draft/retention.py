"""Proposed retention rules, storage places and transfers.

A retention rule is proposed for a sentence that speaks of keeping or deleting data
("retain", "keep", "store ... for", "delete ... after", "stay until") and gives a period
(as an ISO 8601 duration; a range, a minimum or a maximum as the bounds of format 1.1) or
a criterion of the lexicon ("as long as necessary"). Its data is the data the sentence
names, else personal data in general.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pypolicy.annotation.draft.patterns import find_period
from pypolicy.annotation.draft.proposals import Ids, Proposal
from pypolicy.annotation.draft.text import PolicyText, Sentence

if TYPE_CHECKING:
    from pypolicy.annotation.draft.statements import Drafted

_KEEPING = re.compile(r"(?i)\b(?:retain|retained|retaining|retention|keep|keeps|kept|keeping|"
                      r"store[sd]?\s+(?:it\s+|them\s+|\w+\s+)?for|held\s+for|hold\s+\w+\s+for|"
                      r"maintain(?:ed|s)?\s+(?:for|until)|preserve[sd]?|delete[sd]?|deleting|"
                      r"deletion|erase[sd]?|purge[sd]?|destroy(?:ed|s)?|anonymi[sz]e[sd]?|"
                      r"archived?|(?:stay|stays|remain|remains)\s+(?:\w+\s+){0,2}?(?:for|until))\b")
# A period in a sentence about something else: "respond within 30 days", "a 14-day trial"
_NOT_RETENTION = re.compile(r"(?i)\b(?:respond|reply|response|notify|notice|trial|refund|"
                            r"cancel|warranty|billing\s+cycle|per\s+month|monthly\s+fee)\b")
_INDEFINITE = re.compile(r"(?i)\bindefinitely\b|\bfor\s+ever\b|\bpermanently\b")
_STORING = re.compile(r"(?i)\b(?:stor(?:e|ed|es|ing|age)|host(?:ed|s|ing)?|servers?|"
                      r"data\s+cent(?:re|er)s?|"
                      r"databases?|located|reside[sd]?|kept)\b")


def is_retention(sentence: Sentence) -> bool:
    """Whether the sentence speaks of keeping or deleting data for a time or until
    something happens."""
    lower = sentence.lower()
    return bool(_KEEPING.search(lower)) and (
        (find_period(sentence.text) is not None and not _NOT_RETENTION.search(lower))
        or bool(sentence.of("RetentionCriterion")) or bool(_INDEFINITE.search(lower)))


def draft_retention(text: PolicyText, drafted: Drafted, generic_data: Callable[[Sentence], str],
                    ids: Ids) -> list[Proposal]:
    rules: list[Proposal] = []
    for sentence in text.sentences:
        lower = sentence.lower()
        if not is_retention(sentence):
            continue
        entry: dict[str, Any] = {"id": ""}
        period = find_period(sentence.text)
        reasons = []
        if period and not _NOT_RETENTION.search(lower):
            found, words = period
            reasons.append(f"period from {words!r}")
            if found.duration:
                entry["duration"] = found.duration
            else:
                bounds = {}
                if found.at_least:
                    bounds["atLeast"] = found.at_least
                if found.at_most:
                    bounds["atMost"] = found.at_most
                entry["period"] = bounds
        criteria = sentence.terms("RetentionCriterion")
        if criteria and ("duration" in entry or "period" in entry or
                         any(c != "legalRequirement" for c in criteria) or
                         re.search(r"(?i)\bas\s+(?:long\s+as|required)", lower)):
            entry["criteria"] = criteria
            reasons.append("criteria from " + ", ".join(
                repr(m.words) for m in sentence.of("RetentionCriterion")))
        if _INDEFINITE.search(lower) and "not" not in lower.split():
            entry["indefinite"] = True
            reasons.append("'indefinitely'")
        if len(entry) == 1:
            continue
        events = sentence.terms("RetentionEvent")
        if events:
            entry["from"] = events[0]
        outcomes = sentence.terms("RetentionOutcome")
        if outcomes:
            entry["afterwards"] = "deletedOrAnonymised" if "deletedOrAnonymised" in outcomes or \
                {"deleted", "anonymised"} <= set(outcomes) else outcomes[0]
        exceptions = [m.term for m in sentence.of("Condition")
                      if re.search(r"(?i)\b(?:except|unless|other\s+than)\b",
                                   sentence.text[:sentence.offset(m.start)])]
        if exceptions:
            entry["exceptions"] = list(dict.fromkeys(exceptions))
        data = drafted.sentence_data.get(sentence.index) or [generic_data(sentence)]
        entry = {"id": ids.new("r", _name(entry)), "data": data,
                 **{k: v for k, v in entry.items() if k != "id"}}
        rules.append(Proposal("retention", entry, [sentence], "; ".join(reasons)))
    return rules


def _name(entry: dict[str, Any]) -> str:
    if "duration" in entry:
        return str(entry["duration"]).lower()
    if "period" in entry:
        return "-".join(str(v).lower() for v in entry["period"].values())
    if "criteria" in entry:
        return str(entry["criteria"][0])
    return "indefinite"


def draft_places(text: PolicyText, drafted: Drafted, ids: Ids) -> list[Proposal]:
    """Storage entries for a sentence that says where data is stored, and transfers for one
    that says data is transferred to a named place."""
    proposals: list[Proposal] = []
    for sentence in text.sentences:
        inside = list(dict.fromkeys(p.place for p in sentence.places if not p.outside))
        if not inside:
            continue
        data = drafted.sentence_data.get(sentence.index)
        actions = {m.term for m in sentence.of("Action")}
        if "transfer" in actions or re.search(r"(?i)\btransfer", sentence.text):
            entry: dict[str, Any] = {"id": ids.new("t", inside[0]), "destinations": inside}
            if data:
                entry["data"] = data
            mechanisms = sentence.terms("TransferMechanism")
            if mechanisms:
                entry["mechanisms"] = mechanisms
            proposals.append(Proposal("transfers", entry, [sentence],
                                      "a transfer to a place the sentence names"))
        elif _STORING.search(sentence.text):
            entry = {"id": ids.new("st", inside[0]), "locations": inside}
            if data:
                entry["data"] = data
            proposals.append(Proposal("storage", entry, [sentence],
                                      "storage in a place the sentence names"))
    return proposals


