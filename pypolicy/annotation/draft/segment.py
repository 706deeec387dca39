"""Sentences of a policy text, for drafting.

Lines and list items are split as ``SourceText.sentences`` splits them (the regular
expression that coverage uses); within a line, sentence ends are found by sentencex,
Wikimedia's rule-based segmenter (a compiled wheel, no model, no network). Measured on the
six annotated texts against the regular expression alone, it also ends sentences that run
on without a space ("purpose.We") or continue in lower case ("requests. contact"), and it
keeps abbreviations such as "Inc." inside the sentence; spaCy's rule-based sentencizer made
the same splits but not the abbreviations and brings a large dependency tree; pysbd, last
released in 2021, took 30 times as long.
"""

from __future__ import annotations

import sentencex  # type: ignore[import-untyped]

from pypolicy.annotation.evidence import SourceText, Span


def _line_groups(source: SourceText) -> list[list[Span]]:
    """The regex sentences, grouped by the line (or list item) they share."""
    groups: list[list[Span]] = []
    text = source.text
    for span in source.sentences():
        if groups:
            previous = groups[-1][-1]
            between = text[previous.end:span.start]
            if "\n" not in between and "•" not in between:
                groups[-1].append(span)
                continue
        groups.append([span])
    return groups


def _split(text: str, start: int, end: int) -> list[Span]:
    chunk = text[start:end]
    spans: list[Span] = []
    position = 0
    pieces: list[str] = list(sentencex.segment("en", chunk))
    for piece in pieces:
        stripped = piece.strip()
        if not stripped:
            continue
        found = chunk.find(stripped, position)
        if found < 0:  # the segmenter changed the text: keep the line whole
            return [Span(start, end)]
        spans.append(Span(start + found, start + found + len(stripped)))
        position = found + len(stripped)
    return spans or [Span(start, end)]


def sentences(source: SourceText) -> list[Span]:
    """The sentences of the text, in order, each trimmed of surrounding space."""
    result: list[Span] = []
    for group in _line_groups(source):
        result.extend(_split(source.text, group[0].start, group[-1].end))
    return result
