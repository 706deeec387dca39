"""A first reading of a policy text: its section headings, the passages that state no
practice, and the sentences left to cover. These are guesses for the annotation
skeleton; the annotator checks them.

Headings are lines that look like headings: Markdown ``#`` and underlined headings, a
line that is all bold, a numbered title ("3. How we use your data"), and a short line
in title case or capitals with no sentence punctuation, and a short line put as a question
in sentence case ("Why we use it", "Who we pass it to", "Can I delete my account?").
Boilerplate guesses are only
what surely states no practice: a short line dating the text, a copyright notice.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pypolicy.annotation.evidence import SourceText, SpanIndex

_ATX = re.compile(r"#{1,6}[ \t]+(?P<text>.+?)(?:[ \t]+#+)?[ \t]*")
_UNDERLINE = re.compile(r"(?:=+|-{2,})[ \t]*")
_BOLD = re.compile(r"(?:\*\*|__)(?P<text>[^*_].*?)(?:\*\*|__)[ \t]*:?")
_NUMBERED = re.compile(r"(?:[0-9]{1,2}(?:\.[0-9]{1,2})*\.?|[IVX]{1,4}\.|[A-H]\.|§ ?[0-9]+)[ \t]+"
                       r"[A-Z\"“‘'(]")
# links, addresses, copyright lines, table rows, phone numbers, two sentences
_NOT_IN_HEADINGS = re.compile(r"https?://|www\.|@|©|\||[0-9]{3}[-. )]+[0-9]{3}|[a-z]\.\s+[A-Z]")
_SMALL_WORDS = frozenset({
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to",
    "with", "your", "our", "we", "you", "us", "how", "what", "why", "who", "when", "where",
    "do", "does", "is", "are"})
_MAX_HEADING = 90
_MAX_HEADING_WORDS = 12
_MAX_TITLE_WORDS = 10  # a heading that is neither numbered nor marked up
# A heading in sentence case put as a question: "Why we use it", "How we use information".
# "When" and "If" are left out: a line starting so is more often a sentence that lost its
# full stop ("When you call us we record the call") than a heading.
_QUESTION_WORDS = frozenset({"How", "Why", "What", "Who", "Whom", "Whose", "Which", "Where"})
_MAX_QUESTION_WORDS = 8
_MAX_ASKED_WORDS = 12  # a line ending in "?"
_SECOND_SENTENCE = re.compile(r"[?!]\s+\S")

_DATE_LINE = re.compile(r"(?i)(?<![a-z])(?:last\s+(?:updated|modified|revised|changed)|effective"
                        r"(?:\s+(?:date|as\s+of|from))?|updated(?:\s+on)?|version\s+of)\b")
_BOILERPLATE = re.compile(r"(?i)©|\(c\)\s*[0-9]{4}|all rights reserved")
_SHORT_LINE = 80
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr)
                if name})
_MONTHS["sept"] = 9
# Dates in running text: "2nd July 2024", "May 24th 2018", "Sept. 5, 2021", "April 2026"
# (digits and letters bound by look-arounds, as \b fails next to "_" of Markdown emphasis)
_DAY_MONTH_YEAR = re.compile(r"(?i)(?<![0-9])([0-9]{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?,?"
                             r"\s+([0-9]{4})(?![0-9])")
_MONTH_DAY_YEAR = re.compile(r"(?i)(?<![a-z])([a-z]{3,9})\.?\s+([0-9]{1,2})(?:st|nd|rd|th)?,?"
                             r"\s+([0-9]{4})(?![0-9])")
_MONTH_YEAR = re.compile(r"(?i)(?<![a-z])([a-z]{3,9})\.?,?\s+([0-9]{4})(?![0-9])")
_ISO = re.compile(r"(?<![0-9])([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?(?![0-9])")


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _title_like(line: str) -> bool:
    """Most words capitalised (small words apart), or all in capitals."""
    words = re.findall(r"[^\W\d_][\w’'-]*", line)
    if not words:
        return False
    if line.upper() == line and any(c.isalpha() for c in line):
        return True
    big = [w for w in words if w.lower() not in _SMALL_WORDS or w is words[0]]
    capitalised = sum(1 for w in big if w[0].isupper())
    return words[0][0].isupper() and capitalised >= max(1, round(len(big) * 0.6))


def _heading_in(line: str, next_line: str, following: str) -> str | None:
    """The heading text of a line (verbatim, without Markdown marks), or None.
    ``next_line`` is the line just after it; ``following`` the next that is not blank."""
    stripped = line.strip()
    if not stripped or len(stripped) > _MAX_HEADING + 10:
        return None
    atx = _ATX.fullmatch(stripped)
    if atx:
        return _unbold(atx.group("text").strip())
    bold = _BOLD.fullmatch(stripped)
    if bold and len(bold.group("text")) <= _MAX_HEADING:
        return bold.group("text").strip()
    if _UNDERLINE.fullmatch(next_line.strip()) and len(stripped) <= _MAX_HEADING and \
            not _UNDERLINE.fullmatch(stripped):
        return stripped
    if len(stripped) > _MAX_HEADING or len(stripped.split()) > _MAX_HEADING_WORDS or \
            _NOT_IN_HEADINGS.search(stripped) or stripped[-1] in ".;," or \
            (_DATE_LINE.search(stripped) and parse_date(stripped)):
        return None
    if _NUMBERED.match(stripped) and not stripped.endswith(":"):
        return stripped
    if not following.strip() or stripped.startswith(("-", "*", "•", ">")):
        return None
    limit = 6 if stripped.endswith(":") else _MAX_TITLE_WORDS
    if _title_like(stripped) and len(stripped.split()) <= limit:
        return stripped
    if _question_like(stripped):
        return stripped
    return None


def _question_like(line: str) -> bool:
    """A short line put as a question: one that starts with a question word and has no
    sentence punctuation ("Who we pass it to"), or one sentence that ends in "?"."""
    words = line.split()
    if not words or not words[0][0].isupper() or _SECOND_SENTENCE.search(line):
        return False
    if line.endswith("?"):
        return len(words) <= _MAX_ASKED_WORDS
    return words[0] in _QUESTION_WORDS and len(words) <= _MAX_QUESTION_WORDS and \
        line[-1] not in ".;,:!"


def _unbold(text: str) -> str:
    bold = _BOLD.fullmatch(text)
    return bold.group("text").strip() if bold else text


def detect_headings(text: str) -> list[str]:
    """The section headings of a text, verbatim and in order."""
    lines = _lines(text)
    following = [""] * len(lines)  # the next line that is not blank
    upcoming = ""
    for index in range(len(lines) - 1, -1, -1):
        following[index] = upcoming
        if lines[index].strip():
            upcoming = lines[index]
    found: list[str] = []
    for index, line in enumerate(lines):
        next_line = lines[index + 1] if index + 1 < len(lines) else ""
        heading = _heading_in(line, next_line, following[index])
        if heading:
            found.append(heading)
    return found


@dataclass(frozen=True)
class Reading:
    """What init proposes: headings, boilerplate guesses, and the sentences to cover."""

    sections: tuple[str, ...]
    boilerplate: tuple[str, ...]
    worklist: tuple[tuple[str | None, str], ...]  # (section, sentence)
    last_updated: tuple[str, str] | None  # (date as YYYY[-MM[-DD]], the sentence it is in)


def is_boilerplate(sentence: str) -> bool:
    """A sentence that surely states no practice: a short line giving the date of the
    text, or a copyright notice. (Short list items and contact details often do state
    something, so they stay on the worklist.)"""
    if len(sentence) < _SHORT_LINE and _DATE_LINE.search(sentence) and parse_date(sentence):
        return True
    return bool(_BOILERPLATE.search(sentence)) and len(sentence) < _SHORT_LINE


def parse_date(text: str) -> str | None:
    """The first date in a "last updated" line, as precise as it is given."""
    iso = _ISO.search(text)
    if iso:
        return "-".join(part for part in iso.groups() if part)
    full_date = False
    for pattern, order in ((_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy")):
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups(), strict=True))
            month = _MONTHS.get(parts["m"].lower())
            if not month:
                continue
            full_date = True
            day = int(parts["d"])
            if 1 <= day <= calendar.monthrange(int(parts["y"]), month)[1]:
                return f"{parts['y']}-{month:02d}-{day:02d}"
    if full_date:
        return None  # "31 February": a date the text gets wrong is not guessed at
    for match in _MONTH_YEAR.finditer(text):
        month = _MONTHS.get(match.group(1).lower())
        if month:
            return f"{match.group(2)}-{month:02d}"
    return None


def read_outline(text: str, headings: Sequence[str] | None = None) -> Reading:
    """Headings (detected, unless given), boilerplate guesses, the sentences to cover, and
    the last-updated date when the text gives one."""
    sections = list(headings) if headings is not None else detect_headings(text)
    source = SourceText(text, sections)
    headings_index = SpanIndex(source.heading_spans)
    boilerplate: list[str] = []
    worklist: list[tuple[str | None, str]] = []
    last_updated: tuple[str, str] | None = None
    for span in source.sentences():
        sentence = source.normalise(text[span.start:span.end])
        if headings_index.overlap(span) >= (span.end - span.start) * 0.6:
            continue  # a heading, perhaps with its Markdown marks
        if last_updated is None and _DATE_LINE.search(sentence):
            date = parse_date(sentence)
            if date:
                last_updated = (date, sentence)
        if is_boilerplate(sentence):
            if sentence not in boilerplate:
                boilerplate.append(sentence)
        else:
            worklist.append((source.section_at(span.start), sentence))
    return Reading(tuple(sections), tuple(boilerplate), tuple(worklist), last_updated)
