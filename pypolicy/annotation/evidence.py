"""Locating evidence quotes in a source text, and measuring how much of it is covered.

Quotes are matched exactly after whitespace normalisation: every run of whitespace in
both the quote and the text counts as one space; and both are compared composed (NFC),
so that "é" typed as one character finds "e" + U+0301 in the source and the other way
round. Offsets are in Unicode code points of the original text, so ``text[start:end]``
is the quoted passage as published.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pypolicy.core.errors import QuoteNotFoundError

_WS = re.compile(r"\s+")


def _combines(char: str) -> bool:
    """Whether ``char`` composes with the character before it under NFC: a combining
    mark, or a Hangul vowel or final consonant jamo."""
    return char >= "\u0300" and (unicodedata.combining(char) != 0
                                  or "\u1160" <= char <= "\u11ff")
# A sentence ends at . ! or ? (perhaps followed by a closing quote or bracket) before
# whitespace and what looks like the start of the next sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9“\"(])")
# Markup that opens a line but is not part of its sentence: Markdown headings, list
# bullets and block quotes.
_LINE_MARKER = re.compile(r"(?:#{1,6}|[-*+•>])[ \t]+")
# A line that continues the sentence of the line before, in a text wrapped at a fixed
# width: the line before is long and ends mid-sentence, this one opens with a word in
# lower case ("iTNet" and "admin@" open sentences and lines of their own).
_WRAPPED_LINE = 50
_LOWER_WORD = re.compile(r"[a-z]+(?:[ ,;:.)]|$)")


def _spaced(text: str) -> tuple[str, list[int]]:
    """``text`` with each run of whitespace as one space, and where each character of
    the result comes from."""
    chars: list[str] = []
    origin: list[int] = []
    previous_space = False
    for index, char in enumerate(text):
        if char.isspace():
            if previous_space:
                continue
            chars.append(" ")
            previous_space = True
        else:
            chars.append(char)
            previous_space = False
        origin.append(index)
    return "".join(chars), origin


def _spaced_and_composed(text: str) -> tuple[str, list[int], list[int]]:
    """As :func:`_spaced`, and composed (NFC) one character and its combining marks at a
    time, so that each composed character maps back to the whole cluster it came from:
    where it starts, and where it ends."""
    chars: list[str] = []
    origin: list[int] = []
    origin_end: list[int] = []
    previous_space = False
    index, length = 0, len(text)
    while index < length:
        if text[index].isspace():
            if not previous_space:
                chars.append(" ")
                origin.append(index)
                origin_end.append(index + 1)
            previous_space = True
            index += 1
            continue
        previous_space = False
        end = index + 1
        while end < length and _combines(text[end]):
            end += 1
        for composed in unicodedata.normalize("NFC", text[index:end]):
            chars.append(composed)
            origin.append(index)
            origin_end.append(end)
        index = end
    return "".join(chars), origin, origin_end


@dataclass(frozen=True)
class Span:
    """A stretch of the original text, ``text[start:end]``."""

    start: int
    end: int


class HeadingNotFoundError(QuoteNotFoundError):
    """A section heading of the annotation is not in the source (in its order)."""

    def __init__(self, heading: str, index: int) -> None:
        super().__init__(heading, "", kind="heading")
        self.index = index


class SourceText:
    """A source text with a whitespace-normalised view for matching quotes."""

    def __init__(self, text: str, headings: Sequence[str] = ()) -> None:
        self.text = text
        # normalised index -> original offset of its character, and (for a text that is
        # not NFC) the offset just past the cluster the character was composed from
        self._origin_end: list[int] | None
        if unicodedata.is_normalized("NFC", text):
            self.normalised, self._origin = _spaced(text)
            self._origin_end = None
        else:
            self.normalised, self._origin, self._origin_end = _spaced_and_composed(text)
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._sentences: list[Span] | None = None
        self.heading_spans: list[Span] = []
        self._headings = self._locate_headings(headings)
        self._heading_starts = [start for start, _heading in self._headings]

    @staticmethod
    def normalise(text: str) -> str:
        return _WS.sub(" ", text).strip()

    @staticmethod
    def needle(quote: str) -> str:
        """What a quote is looked for as: whitespace runs as one space, composed (NFC)."""
        return unicodedata.normalize("NFC", _WS.sub(" ", quote).strip())

    # -------------------------------------------------------------- offsets

    def to_normalised(self, offset: int) -> int:
        """The index in the normalised view of the first character at or after ``offset``."""
        return bisect.bisect_left(self._origin, offset)

    def to_original(self, start: int, end: int) -> Span:
        """The original span of the normalised range ``[start, end)`` (``end > start``)."""
        last = end - 1
        return Span(self._origin[start], self._origin[last] + 1 if self._origin_end is None
                    else self._origin_end[last])

    def line_of(self, offset: int) -> int:
        """The 1-based line number of an original offset."""
        return bisect.bisect_right(self._line_starts, offset)

    # -------------------------------------------------------------- matching

    def find(self, quote: str, after: int = 0) -> Span | None:
        """The first occurrence of ``quote`` at or after original offset ``after``."""
        needle = self.needle(quote)
        if not needle:
            return None
        pos = self.normalised.find(needle, self.to_normalised(after))
        if pos < 0:
            return None
        return self.to_original(pos, pos + len(needle))

    def occurrences(self, quote: str) -> list[Span]:
        """Every place where ``quote`` occurs (overlapping ones included), in order."""
        needle = self.needle(quote)
        found: list[Span] = []
        if not needle:
            return found
        pos = self.normalised.find(needle)
        while pos >= 0:
            found.append(self.to_original(pos, pos + len(needle)))
            pos = self.normalised.find(needle, pos + 1)
        return found

    # -------------------------------------------------------------- sections

    def _locate_headings(self, headings: Sequence[str]) -> list[tuple[int, str]]:
        located: list[tuple[int, str]] = []
        after = 0
        for index, heading in enumerate(headings):
            span = self.find(heading, after)
            if span is None:
                raise HeadingNotFoundError(heading, index)
            located.append((span.start, self.normalise(heading)))
            self.heading_spans.append(span)
            after = span.end
        return located

    def section_at(self, offset: int) -> str | None:
        """The heading of the section containing ``offset``, if any precedes it."""
        index = bisect.bisect_right(self._heading_starts, offset)
        return self._headings[index - 1][1] if index else None

    # -------------------------------------------------------------- sentences

    def sentences(self) -> list[Span]:
        """Sentences and list items: split at sentence ends, line breaks and bullets.

        A long line ending mid-sentence, followed by a line opening with a lower-case
        word, is one sentence (a text wrapped at a fixed width); markup opening a line
        (``#``, ``-``, ``>``) is left out of the sentence.
        """
        if self._sentences is None:
            self._sentences = self._split_sentences()
        return list(self._sentences)

    def _split_sentences(self) -> list[Span]:
        spans: list[Span] = []
        for chunk_start, chunk_end in self._chunks():
            chunk = self.text[chunk_start:chunk_end]
            last = 0
            for end in _SENTENCE_END.finditer(chunk):
                spans.append(Span(chunk_start + last, chunk_start + end.start()))
                last = end.end()
            spans.append(Span(chunk_start + last, chunk_end))
        trimmed = [self._trim(s) for s in spans if self.text[s.start:s.end].strip()]
        merged: list[Span] = []
        for span in trimmed:
            if span.end <= span.start:
                continue
            # "1." before a heading is a number, not a sentence
            if merged and re.fullmatch(r"[0-9]+\.", self.text[merged[-1].start:merged[-1].end]):
                merged[-1] = Span(merged[-1].start, span.end)
            else:
                merged.append(span)
        return merged

    def _chunks(self) -> list[tuple[int, int]]:
        """Lines (and bullet items), with wrapped lines joined to the line before."""
        chunks: list[tuple[int, int]] = []
        for match in re.finditer(r"[^\n•]+", self.text):
            start, end = match.span()
            previous = self.text[chunks[-1][0]:chunks[-1][1]].rstrip() if chunks else ""
            wrapped = (chunks and chunks[-1][1] == start - 1 and self.text[start - 1] == "\n"
                       and len(previous) >= _WRAPPED_LINE and previous[-1] not in ".!?:"
                       and _LOWER_WORD.match(match.group().lstrip()) is not None)
            if wrapped:
                chunks[-1] = (chunks[-1][0], end)
            else:
                chunks.append((start, end))
        return chunks

    def _trim(self, span: Span) -> Span:
        piece = self.text[span.start:span.end]
        lead = len(piece) - len(piece.lstrip())
        marker = _LINE_MARKER.match(piece, lead)
        if marker and (span.start + lead == 0 or self.text[span.start + lead - 1] == "\n"):
            lead = marker.end()
        trail = len(piece) - len(piece.rstrip())
        return Span(span.start + lead, span.end - trail)


@dataclass(frozen=True)
class Coverage:
    """Which sentences of a source are covered by evidence, boilerplate, or neither."""

    sentences: tuple[Span, ...]
    covered: tuple[Span, ...]
    boilerplate: tuple[Span, ...]
    uncovered: tuple[Span, ...]

    @property
    def substantive(self) -> int:
        return len(self.sentences) - len(self.boilerplate)

    @property
    def ratio(self) -> float:
        return len(self.covered) / self.substantive if self.substantive else 1.0

    def statuses(self) -> dict[Span, str]:
        """Each sentence's status: ``covered``, ``boilerplate`` or ``uncovered``."""
        status = dict.fromkeys(self.uncovered, "uncovered")
        status.update(dict.fromkeys(self.boilerplate, "boilerplate"))
        status.update(dict.fromkeys(self.covered, "covered"))
        return {sentence: status[sentence] for sentence in self.sentences}


class SpanIndex:
    """Spans merged where they overlap or touch, for asking how much of a span they cover
    (in logarithmic time, so that long texts stay fast)."""

    def __init__(self, spans: Iterable[Span]) -> None:
        merged: list[Span] = []
        for span in sorted(spans, key=lambda s: (s.start, s.end)):
            if merged and span.start <= merged[-1].end:
                merged[-1] = Span(merged[-1].start, max(merged[-1].end, span.end))
            else:
                merged.append(span)
        self.spans = merged
        self._ends = [span.end for span in merged]

    def overlap(self, span: Span) -> int:
        """How many characters of ``span`` the spans cover."""
        total = 0
        index = bisect.bisect_right(self._ends, span.start)
        while index < len(self.spans) and self.spans[index].start < span.end:
            other = self.spans[index]
            total += min(other.end, span.end) - max(other.start, span.start)
            index += 1
        return total


def coverage(source: SourceText, evidence: Iterable[Span],
             boilerplate: Iterable[Span] = ()) -> Coverage:
    """A sentence is covered when evidence spans at least half of its characters (or all
    of it, for short sentences); it is boilerplate when passages that state no practice
    (and headings) span half of it."""
    spans = SpanIndex(evidence)
    plate = SpanIndex([*boilerplate, *source.heading_spans])
    covered: list[Span] = []
    plated: list[Span] = []
    uncovered: list[Span] = []
    sentences = source.sentences()
    for sentence in sentences:
        length = sentence.end - sentence.start
        if spans.overlap(sentence) >= min(length, max(length // 2, 1)):
            covered.append(sentence)
        elif plate.overlap(sentence) >= length // 2:
            plated.append(sentence)
        else:
            uncovered.append(sentence)
    return Coverage(tuple(sentences), tuple(covered), tuple(plated), tuple(uncovered))
