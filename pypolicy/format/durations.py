"""ISO 8601 durations as the format writes them (``P7Y``, ``P1Y6M``, ``P2W``, ``PT48H``):
one parser for the model's comparisons, validation and the rendered sentences.

Why not a library: rdflib no longer installs ``isodate``, and both ``isodate`` and rdflib's
own ``xsd_datetime`` turn weeks into days and return ``timedelta`` objects that overflow
on large values; the page must say "2 weeks" when the policy says ``P2W``, and a
comparison must not crash on a period nobody means. The format's durations are the
simple part of ISO 8601 (whole numbers of each unit, no signs, no fractions, the same
pattern as the JSON Schema's ``Duration``), so one regular expression reads them all.

Numbers are bounded: a component longer than :data:`MAX_DIGITS` digits is refused with
a ValueError, so a hostile ``P`` + 400 nines + ``Y`` can neither overflow a float nor hit
Python's limit on converting long digit strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The units in the order ISO 8601 writes them, each with its length in days for
# comparisons (a year is 365.25 days and a month 30.44 days, on average).
UNITS: tuple[tuple[str, float], ...] = (
    ("years", 365.25), ("months", 30.44), ("weeks", 7.0), ("days", 1.0),
    ("hours", 1 / 24), ("minutes", 1 / 1440), ("seconds", 1 / 86400),
)

# Nine digits: a billion years is already more than any policy means, and a float holds
# any sum of such numbers exactly enough to compare.
MAX_DIGITS = 9

_PATTERN = re.compile(
    r"P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?")


@dataclass(frozen=True)
class Duration:
    """A parsed duration: the units the text names, in ISO order, with their numbers.

    ``P1Y0M`` keeps its zero months: the parts are what the policy wrote.
    """

    parts: tuple[tuple[str, int], ...]

    @property
    def days(self) -> float:
        """The length in days, for comparing periods (a month is 30.44 days)."""
        lengths = dict(UNITS)
        return sum(number * lengths[unit] for unit, number in self.parts)


def parse_duration(text: str) -> Duration:
    """Parse ``text``; ValueError names the text when it is not a duration of the format
    or when one of its numbers is longer than :data:`MAX_DIGITS` digits."""
    match = _PATTERN.fullmatch(text)
    if match is None:
        raise ValueError(f"not an ISO 8601 duration: {text[:40]!r}")
    parts: list[tuple[str, int]] = []
    for unit, _ in UNITS:
        digits = match.group(unit)
        if digits is None:
            continue
        if len(digits.lstrip("0")) > MAX_DIGITS:
            raise ValueError(f"duration {text[:40]!r} has a number longer than "
                             f"{MAX_DIGITS} digits")
        parts.append((unit, int(digits.lstrip("0") or "0")))
    return Duration(tuple(parts))


def duration_days(text: str) -> float:
    """An ISO 8601 duration in days, for comparing periods (ValueError as
    :func:`parse_duration`)."""
    return parse_duration(text).days
