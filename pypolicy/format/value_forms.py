"""What the schema's patterns and formats ask for, in words, with an example.

A value that breaks a ``pattern`` or ``format`` would otherwise be reported with the
raw regular expression (``'6 months' does not match '^P([0-9]{1,6}Y(…'``); a person
needs "an ISO 8601 duration, such as P6M". Each form names its examples, and a test
checks every example against its pattern and every pattern of the schema against this
table, so the advice cannot drift from the schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pypolicy.core.errors import shown


@dataclass(frozen=True)
class ValueForm:
    """A kind of value: what it is, and how to write one."""

    what: str  # "an ISO 8601 duration"
    advice: str  # "write one such as P6M (six months), P1Y or PT12H"
    examples: tuple[str, ...]  # every value the advice names, each valid

    def message(self, value: Any) -> str:
        return f"{shown(value)} is not {self.what}; {self.advice}"


DURATION = ValueForm(
    "an ISO 8601 duration",
    "write one such as P6M (six months), P1Y (a year), P30D (30 days) or PT12H (12 hours),"
    " in whole numbers of at most six digits",
    ("P6M", "P1Y", "P30D", "PT12H"))


def _duration_pattern(digits: int) -> str:
    """The schema's Duration pattern, built the way it is written: units in ISO order, at
    least one, at least one after T, one alternative per first unit (no lookahead)."""
    n = f"[0-9]{{1,{digits}}}"
    time = f"T({n}H({n}M)?({n}S)?|{n}M({n}S)?|{n}S)"
    return (f"^P({n}Y({n}M)?({n}W)?({n}D)?({time})?|{n}M({n}W)?({n}D)?({time})?"
            f"|{n}W({n}D)?({time})?|{n}D({time})?|{time})$")
PARTIAL_DATE = ValueForm(
    "a date", "use YYYY-MM-DD, such as 2024-05-31 (or YYYY-MM, or YYYY, when the day or"
    " month is not known)", ("2024-05-31", "2024-05", "2024"))
DATE = ValueForm("a date", "use YYYY-MM-DD, such as 2024-05-31", ("2024-05-31",))
URI = ValueForm("an absolute URI", "use one such as https://example.net/privacy",
                ("https://example.net/privacy",))

# Keyed by the schema's patterns, exactly as the schema writes them.
PATTERNS: dict[str, ValueForm] = {
    _duration_pattern(6): DURATION,
    "^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$": PARTIAL_DATE,
    "^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$": ValueForm(
        "a language tag", "use a BCP 47 tag such as en, de or pt-BR", ("en", "de", "pt-BR")),
    "^[0-9]+\\.[0-9]+\\.[0-9]+$": ValueForm(
        "a version number", "use MAJOR.MINOR.PATCH, such as 1.0.0", ("1.0.0",)),
    "^[A-Za-z][A-Za-z0-9._-]*$": ValueForm(
        "an identifier", "start with a letter, then use letters, digits, '.', '_' or '-',"
        " such as s-billing", ("s-billing",)),
    "^[0-9a-f]{64}$": ValueForm(
        "a SHA-256 digest", "use 64 lower-case hexadecimal digits, such as"
        " e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",)),
    "^(VP[0-9]{3}|[a-z][a-z0-9-]*)$": ValueForm(
        "a rule code or name", "use a code such as VP201 or a name such as vague-retention"
        " (see pypolicy rules)", ("VP201", "vague-retention")),
    "^(/.*)?$": ValueForm(
        "a JSON pointer", "use one such as /statements/0 (empty for the whole document)",
        ("/statements/0", "")),
}

FORMATS: dict[str, ValueForm] = {"date": DATE, "uri": URI}


def mismatch_message(keyword: str, expected: Any, value: Any) -> str | None:
    """The message for a value that breaks a ``pattern`` or ``format``, or None when
    this table does not know the pattern (the raw message is then the best there is)."""
    table = PATTERNS if keyword == "pattern" else FORMATS if keyword == "format" else {}
    form = table.get(expected) if isinstance(expected, str) else None
    return form.message(value) if form is not None else None
