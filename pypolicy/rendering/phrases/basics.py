"""The small words of the English phrasing: lists, capitals and full stops, dates,
durations, the labels of vocabulary terms and places, and the names a document gives its
data and parties.

Policy text (names of data and parties) is used as it stands; making it safe for an
output format is the writers' job (``pypolicy.rendering.escaping``), not the phrasing's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pypolicy.format.durations import parse_duration
from pypolicy.format.geography import UNKNOWN_PLACE, WORLDWIDE, UnknownPlaceError, place_label
from pypolicy.format.model import Policy
from pypolicy.format.vocabulary import vocabulary

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


# --- number agreement -----------------------------------------------------------------------

# Where the head of a noun phrase ends: "third parties [to whom ...]", "data [of ...]".
_HEAD_END = re.compile(r"\s(?:to|of|for|who|which|that|with|based|such|from|in|on|at)\s|[(,]")


def _plural_noun(word: str) -> bool:
    word = word.lower()
    return word.endswith("s") and not word.endswith(("ss", "us", "is"))


def looks_plural(name: str) -> bool:
    """Whether a party's or a regime's name reads as plural ("third parties",
    "employees or contractors", "UK GDPR and Data Protection Act 2018") or singular
    ("the acquiring entity"); a heuristic on the head noun, for agreement only."""
    head = _HEAD_END.split(f" {name} ", maxsplit=1)[0].strip()
    if " and " in head or " or " in head or "," in name.split(" who ")[0]:
        return True
    return bool(head.split()) and _plural_noun(head.split()[-1])


def law_looks_plural(name: str) -> bool:
    """Whether a law's or a regime's name reads as plural: "US CPNI rules", "UK GDPR and
    Data Protection Act 2018" (two laws), but not "tax and accounting law" (one law of
    two fields)."""
    words = name.split()
    if words and _plural_noun(words[-1]) and not words[-1].isupper():
        return True
    after_and = name.rsplit(" and ", 1)[1] if " and " in name else ""
    return after_and[:1].isupper()


def data_looks_plural(names: Sequence[str]) -> bool:
    """Whether data named so is "them" rather than "it": several names, or one whose head
    noun is plural ("contact lists", "FCM (Firebase Cloud Messaging) tokens"). Within
    one name only the last noun counts: "Microphone and Audio Data" and "personal data
    or information" are "it"."""
    if len(names) != 1:
        return len(names) > 1
    head = _HEAD_END.split(f" {_PARENTHESES.sub('', names[0])} ", maxsplit=1)[0].split()
    return bool(head) and _plural_noun(head[-1])


_DETERMINERS = ("the ", "your ", "our ", "their ", "its ", "this ", "these ", "those ",
                "any ", "all ", "some ", "a ", "an ")


def most_of(names: str) -> str:
    """"most of the call records": the hedge "mostly" (format 1.1) on the data it
    qualifies, with an article unless the name has a determiner of its own."""
    article = "" if names.lower().startswith(_DETERMINERS) else "the "
    return f"most of {article}{names}"


def pronoun(plural: bool) -> str:
    return "them" if plural else "it"


# One to nine are written out in sentences ("seven years"), as English style has it;
# the summary and the comparison keep figures, which scan faster.
_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                 "nine")


def _number(number: int, spelled: bool) -> str:
    return _NUMBER_WORDS[number] if spelled and 0 < number < len(_NUMBER_WORDS) \
        else str(number)


def duration(text: str, spelled: bool = False) -> str:
    """"P7Y" -> "7 years" ("seven years" ``spelled``), "P1Y6M" -> "1 year and 6
    months"; text that is not a duration the format allows (or whose numbers are beyond
    any period a policy means) as it is."""
    try:
        parts = parse_duration(text).parts
    except ValueError:
        return text
    return join([f"{_number(number, spelled)} {unit[:-1] if number == 1 else unit}"
                 for unit, number in parts])


def duration_range(shortest: str | None, longest: str | None, spelled: bool = False) -> str:
    """A retention period given as a range or a bound (format 1.1): "12 to 24 months",
    "6 months to 2 years", "at least 7 years", "up to 30 days"."""
    if shortest and longest:
        try:
            low, high = parse_duration(shortest).parts, parse_duration(longest).parts
        except ValueError:
            low = high = ()
        if len(low) == 1 and len(high) == 1 and low[0][0] == high[0][0]:
            unit, number = high[0]
            return f"{_number(low[0][1], spelled)} to {_number(number, spelled)} " \
                   f"{unit[:-1] if number == 1 else unit}"
        return f"{duration(shortest, spelled)} to {duration(longest, spelled)}"
    if shortest:
        return "at least " + duration(shortest, spelled)
    if longest:
        return "up to " + duration(longest, spelled)
    return ""


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
