"""What the text says in numbers and addresses: retention periods as ISO 8601 durations
(one number, a range, a minimum or a maximum), e-mail addresses, telephone numbers,
postal addresses, ages, and places (countries by their ISO 3166 names from pycountry,
regions such as "the EEA", and "outside" them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pycountry

_NUMBER_WORDS = {
    "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "eighteen": 18,
    "twenty": 20, "twenty-four": 24, "thirty": 30, "thirty-six": 36, "forty-five": 45,
    "sixty": 60, "ninety": 90, "hundred": 100,
}
_UNITS = {"day": "D", "week": "W", "month": "M", "year": "Y"}
_AMOUNT = r"(?:[0-9]{1,4}|" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len,
                                                     reverse=True)) + r")"


def _quantity(number: str, unit: str) -> str:
    """An amount and a unit: "seven (7) years", "30 days", "6-month"."""
    return (rf"(?P<{number}>{_AMOUNT})(?:\s*\([0-9]{{1,4}}\))?[\s-]*"
            rf"(?P<{unit}>day|week|month|year)s?(?![a-z])")


_ONE = _quantity("n", "u")
_RANGE = re.compile(
    r"(?i)(?<![\w-])(?:between\s+)?(?P<n1>" + _AMOUNT + r")(?:\s*\([0-9]{1,4}\))?\s*"
    r"(?:(?P<u1>day|week|month|"
    r"year)s?\s*)?(?:to|and|-|–)\s*" + _quantity("n2", "u2"))
_BOUND = re.compile(
    r"(?i)(?P<kind>at\s+least|a\s+minimum\s+of|minimum\s+of|no\s+less\s+than|not\s+less\s+than|"
    r"up\s+to|at\s+most|a\s+maximum\s+of|maximum\s+of|no\s+(?:more|longer)\s+than|not\s+more\s+than|"
    r"within|for\s+up\s+to)\s+(?:a\s+period\s+of\s+)?" + _ONE)
_SINGLE = re.compile(r"(?i)(?<![\w-])" + _ONE)
_MINIMUM_WORDS = ("least", "minimum", "less")


@dataclass(frozen=True)
class Period:
    """A retention period: one duration, or the bounds of a range."""

    duration: str | None = None
    at_least: str | None = None
    at_most: str | None = None

    def durations(self) -> set[str]:
        return {d for d in (self.duration, self.at_least, self.at_most) if d}


def _amount(text: str) -> int | None:
    text = text.lower()
    if text.isdigit():
        return int(text)
    return _NUMBER_WORDS.get(text)


def iso_duration(amount: str, unit: str) -> str | None:
    number = _amount(amount)
    if number is None or not 0 < number < 1_000_000:
        return None
    return f"P{number}{_UNITS[unit.lower()]}"


def find_period(text: str) -> tuple[Period, str] | None:
    """The first retention period in ``text`` and the words that give it."""
    ranged = _RANGE.search(text)
    if ranged:
        unit2 = ranged.group("u2")
        low = iso_duration(ranged.group("n1"), ranged.group("u1") or unit2)
        high = iso_duration(ranged.group("n2"), unit2)
        if low and high and low != high:
            return Period(at_least=low, at_most=high), ranged.group()
    bound = _BOUND.search(text)
    if bound:
        value = iso_duration(bound.group("n"), bound.group("u"))
        if value:
            kind = bound.group("kind").lower()
            if any(word in kind for word in _MINIMUM_WORDS):
                return Period(at_least=value), bound.group()
            return Period(at_most=value), bound.group()
    single = _SINGLE.search(text)
    if single:
        value = iso_duration(single.group("n"), single.group("u"))
        if value:
            return Period(duration=value), single.group()
    return None


EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# A telephone number: an international or US/UK-style grouping of at least 7 digits, not part
# of a longer run of digits or of a date.
PHONE = re.compile(r"(?<![\w+/-])(?:\+[0-9]{1,3}[\s.-]?|1[\s.-](?=\(?[0-9]{3}\)?[\s.-]?[0-9]{3}"
                   r"[\s.-][0-9]{4}))?(?:\(?[0-9]{2,5}\)?[\s.-]?)?"
                   r"[0-9]{3,4}[\s.-][0-9]{3,4}(?![\w/-])"
                   # an international number whose subscriber part is one block, as German,
                   # Austrian and Swiss numbers are written ("+49 341 5550190", "+49 (0)30 ...")
                   r"|(?<![\w+/-])\+[0-9]{1,3}[\s.-]?(?:\(0\)\s?)?[0-9]{1,5}[\s.-][0-9]{5,8}(?![\w/-])")
_PHONE_CUE = re.compile(r"(?i)\b(?:phone|call(?:ing)?|tel|telephone|toll[- ]free|fax|hotline|dial|"
                        r"number|ring|freephone|freecall|landline|mobile)\b|\+[0-9]|"
                        # "contact us on 1300 555 019", as British and Australian texts write it
                        r"\bon\s+(?=\(?[0-9]{2,5}\)?[\s.-]?[0-9]{3})")
# A postal address: a house number and a street word, up to a postcode or a country; or,
# as German addresses are written, a street and its number, then a postcode and a town.
# Postcodes of the common telecom jurisdictions, as compact patterns (pyap2 parses US, CA
# and GB addresses only; libpostal needs a model of some 2 GB):
_POSTCODE = (
    r"\b[A-Z]{1,2}[0-9][0-9A-Z]?\s?[0-9][A-Z]{2}\b|"  # GB: S3 8GH, EC1A 1BB
    r"\b[A-Z][0-9][A-Z]\s?[0-9][A-Z][0-9]\b|"  # CA: H3B 1A1
    r"\b[AC-FHKNPRTV-Y][0-9]{2}\s?[AC-FHKNPRTV-Y0-9]{4}\b|"  # IE Eircode: D02 X285
    r"\bDublin\s+[0-9]{1,2}\b|"  # IE postal districts
    r"\b[1-9][0-9]{2}\s?[0-9]{3}\b|"  # IN PIN: 560001, 560 001
    r"\b[0-9]{4,5}(?:-[0-9]{4})?\b"  # US ZIP (+4), AU, DE
)
_COUNTRY_END = (r"\bUSA\b|\bUnited\s+States\b|\bUnited\s+Kingdom\b|\bUK\b|\bCanada\b|"
                r"\bAustralia\b|\bIreland\b|\bGermany\b|\bDeutschland\b|\bIndia\b")
_STREET = (r"(?:street|st|road|rd|avenue|ave|lane|ln|boulevard|blvd|drive|dr|way|suite|"
           r"floor|square|place|court|ct|highway|hwy|strasse|straße|straat|gracht|weg|"
           r"parkway|pkwy|plaza|building|house|crescent|terrace|quay|parade|rue|chemin|"
           r"marg|nagar|p\.?\s?o\.?\s?box)")
# An addressee written before the number: a run of capitalised words ("Acme Voice Ltd, ",
# "The Data Protection Lead, "), not the words of the sentence ("write to us at")
_ADDRESSEE = (r"(?:(?:(?i:attn|attention):?\s*)?[A-Z][\w&.'’-]*"
              r"(?:\s+(?:of|the|and|for|[A-Z0-9&][\w&.'’-]*)){0,6},?\s+)")
_NUMBER_FIRST = (
    _ADDRESSEE + r"?(?:(?i:unit|level|no\.?)\s+[0-9]{1,4}[A-Z]?,?\s+(?:[0-9]{1,6}[A-Za-z]?,?\s+)?|"
    r"[0-9]{1,6}[A-Za-z]?,?\s+)"
    r"(?:[\w.'’-]+,?\s+){0,4}(?i:" + _STREET + r")\b[^\n]{0,80}?(?:" + _POSTCODE + r"|(?i:" +
    _COUNTRY_END + r"))(?:,?\s*(?i:" + _COUNTRY_END + r"))?")
_STREET_FIRST = (  # Hauptstraße 5, 10115 Berlin
    r"(?<![\w])[A-ZÄÖÜ][\wäöüß.-]*(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|"
    r"ufer)\s+[0-9]{1,4}[a-z]?,?\s+[0-9]{5}\s+[A-ZÄÖÜ][\wäöüß-]+(?:,?\s*(?i:" + _COUNTRY_END +
    r"))?")
POSTAL = re.compile(r"(?<![\w])(?:" + _NUMBER_FIRST + r"|" + _STREET_FIRST + r")")


# Shapes only a telephone number has: international, or North American with its area code
_PHONE_SHAPE = re.compile(r"\+[0-9][0-9 .-]{6,}|(?:1[\s.-])?\([0-9]{3}\)\s?[0-9]{3}-[0-9]{4}|"
                          r"1-[0-9]{3}-[0-9]{3}-[0-9]{4}")


def find_emails(text: str) -> list[str]:
    return [m.group().rstrip(".") for m in EMAIL.finditer(text)]


def find_phones(text: str) -> list[str]:
    """Telephone numbers: in a sentence that speaks of a telephone, or written as only a
    telephone number is (a number alone may be a date, an amount or a reference)."""
    cue = bool(_PHONE_CUE.search(text))
    found = []
    for match in PHONE.finditer(text):
        digits = re.sub(r"[^0-9]", "", match.group())
        # "(307) 888-9181" and "+44 20 ..." are numbers wherever they stand
        if 7 <= len(digits) <= 15 and (cue or _PHONE_SHAPE.fullmatch(match.group().strip())):
            found.append(match.group().strip())
    return found


def find_postal(text: str) -> list[str]:
    return [m.group().strip(" ,") for m in POSTAL.finditer(text)]


_AGE = re.compile(r"(?i)\b(?:under|below|younger\s+than|less\s+than)\s+(?:the\s+age\s+of\s+)?"
                  r"(?:age\s+)?\(?([0-9]{1,2})\)?(?:\s+years)?")


def find_age(text: str) -> int | None:
    match = _AGE.search(text)
    if match and 0 < int(match.group(1)) <= 25:
        return int(match.group(1))
    return None


# ----------------------------------------------------------------- places

_REGIONS = {"european economic area": "EEA", "eea": "EEA", "european union": "EU", "eu": "EU",
            "e.u.": "EU"}
# Names a policy uses that are not the ISO names; short forms are matched in capitals only
_COUNTRY_ALIASES = {"united states of america": "US", "united states": "US", "usa": "US",
                    "u.s.a.": "US", "u.s.": "US", "america": "US", "united kingdom": "GB",
                    "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
                    "wales": "GB", "northern ireland": "GB", "uk": "GB", "russia": "RU",
                    "south korea": "KR", "korea": "KR", "vietnam": "VN", "iran": "IR",
                    "syria": "SY", "taiwan": "TW", "czech republic": "CZ", "holland": "NL",
                    "the netherlands": "NL", "bolivia": "BO", "venezuela": "VE",
                    "tanzania": "TZ", "moldova": "MD", "laos": "LA"}
_CAPITALS_ONLY = {"US", "USA", "UK", "EU", "EEA", "U.S.", "U.S.A.", "E.U."}


@dataclass(frozen=True)
class PlaceMention:
    place: str  # ISO 3166 alpha-2 code, EEA or EU
    outside: bool
    start: int
    end: int


@cache
def _place_names() -> tuple[re.Pattern[str], dict[str, str]]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value and "," not in value:
                names[value.lower()] = country.alpha_2
    names.update(_COUNTRY_ALIASES)
    names.update(_REGIONS)
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    pattern = re.compile(r"(?<![\w.])(?:the\s+)?(?P<name>" + alternatives + r")(?![\w])",
                         re.IGNORECASE)
    return pattern, names


_OUTSIDE = re.compile(r"(?i)\b(?:outside|beyond|out\s+of)\s+(?:of\s+)?$")


def find_places(text: str) -> list[PlaceMention]:
    """Countries and regions named in ``text``, each marked when the text puts it after
    "outside"."""
    pattern, names = _place_names()
    found: list[PlaceMention] = []
    for match in pattern.finditer(text):
        name = match.group("name")
        upper = name.upper()
        if upper in _CAPITALS_ONLY and name != upper:
            continue  # "us" the pronoun, not the United States
        if name.lower() in ("america",) and not name[0].isupper():
            continue
        outside = bool(_OUTSIDE.search(text[max(0, match.start() - 20):match.start()]))
        found.append(PlaceMention(names[name.lower()], outside, match.start(), match.end()))
    return found
