"""Locating evidence quotes in a source text, and measuring how much of it is covered.

Quotes are matched exactly after whitespace normalisation: every run of whitespace in
both the quote and the text counts as one space. Offsets are in Unicode code points of
the original text, so ``text[start:end]`` is the quoted passage as published.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pypolicy.core.errors import QuoteNotFoundError

_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


class SourceText:
    """A source text with a whitespace-normalised view for matching quotes."""

    def __init__(self, text: str, headings: Sequence[str] = ()) -> None:
        self.text = text
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
        self._normalised = "".join(chars)
        self._origin = origin
        self._headings = self._locate_headings(headings)

    @staticmethod
    def normalise(text: str) -> str:
        return _WS.sub(" ", text).strip()

    def find(self, quote: str, after: int = 0) -> Span | None:
        """The first occurrence of ``quote`` at or after original offset ``after``."""
        needle = self.normalise(quote)
        if not needle:
            return None
        lo = next((i for i, o in enumerate(self._origin) if o >= after), len(self._origin))
        pos = self._normalised.find(needle, lo)
        if pos < 0:
            return None
        start = self._origin[pos]
        end = self._origin[pos + len(needle) - 1] + 1
        return Span(start, end)

    def locate(self, quote: str) -> Span:
        span = self.find(quote)
        if span is None:
            raise QuoteNotFoundError(quote, self.closest_passage(quote))
        return span

    def closest_passage(self, quote: str) -> str:
        """The sentence of the text most like ``quote``, to help fix a mistyped quote."""
        needle = self.normalise(quote)
        candidates = [self.normalise(self.text[s.start:s.end]) for s in self.sentences()]
        best = difflib.get_close_matches(needle, candidates, n=1, cutoff=0.0)
        return best[0] if best else ""

    def _locate_headings(self, headings: Sequence[str]) -> list[tuple[int, str]]:
        located: list[tuple[int, str]] = []
        self.heading_spans: list[Span] = []
        after = 0
        for heading in headings:
            span = self.find(heading, after)
            if span is None:
                raise QuoteNotFoundError(heading, self.closest_passage(heading), kind="heading")
            located.append((span.start, self.normalise(heading)))
            self.heading_spans.append(span)
            after = span.end
        return located

    def section_at(self, offset: int) -> str | None:
        """The heading of the section containing ``offset``, if any precedes it."""
        current = None
        for start, heading in self._headings:
            if start > offset:
                break
            current = heading
        return current

    def sentences(self) -> list[Span]:
        """Sentences and list items: split at sentence ends, line breaks and bullets."""
        spans: list[Span] = []
        for match in re.finditer(r"[^\n•]+", self.text):
            chunk_start = match.start()
            chunk = match.group()
            last = 0
            for end in re.finditer(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9“\"(])", chunk):
                spans.append(Span(chunk_start + last, chunk_start + end.start()))
                last = end.end()
            spans.append(Span(chunk_start + last, chunk_start + len(chunk)))
        trimmed = [self._trim(s) for s in spans if self.text[s.start:s.end].strip()]
        merged: list[Span] = []
        for span in trimmed:  # "1." before a heading is a number, not a sentence
            if merged and re.fullmatch(r"[0-9]+\.", self.text[merged[-1].start:merged[-1].end]):
                merged[-1] = Span(merged[-1].start, span.end)
            else:
                merged.append(span)
        return merged

    def _trim(self, span: Span) -> Span:
        piece = self.text[span.start:span.end]
        lead = len(piece) - len(piece.lstrip())
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


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _merge(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if merged and span.start <= merged[-1].end:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    return merged


def coverage(source: SourceText, evidence: Iterable[Span],
             boilerplate: Iterable[Span] = ()) -> Coverage:
    """A sentence is covered when evidence spans at least half of its non-space characters
    (or all of it, for short sentences); boilerplate spans mark sentences that state no
    practice (headings, slogans, links)."""
    spans = _merge(evidence)
    plate = list(boilerplate) + list(source.heading_spans)
    covered: list[Span] = []
    plated: list[Span] = []
    uncovered: list[Span] = []
    for sentence in source.sentences():
        length = sentence.end - sentence.start
        overlap = sum(_overlap(sentence, e) for e in spans)
        if overlap >= min(length, max(length // 2, 1)):
            covered.append(sentence)
        elif any(_overlap(sentence, p) >= length // 2 for p in plate):
            plated.append(sentence)
        else:
            uncovered.append(sentence)
    return Coverage(tuple(source.sentences()), tuple(covered), tuple(plated), tuple(uncovered))
