"""Why a quote is not in its source: the closest passage and the first differing character.

A quote typed by hand (or copied through a word processor) differs from the source in
ways the eye does not see: a hyphen for an en dash, straight quotes for curly ones, a
non-breaking or zero-width space. The message names both characters by their Unicode
names and puts a caret under the first difference, so the fix is obvious.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass

from pypolicy.annotation.evidence import SourceText, Span

# Windows of this many consecutive sentences are compared with a quote, so a quote that
# runs over a sentence end still finds its passage.
_MAX_WINDOW = 3
_GRAM = 4
_SHORTLIST = 8  # windows aligned in full, of those ranked best by shared 4-grams
_SIMILAR = 0.6  # below this a passage is shown, but not compared character by character
_CONTEXT = 32  # characters shown either side of the first difference
_MARKDOWN = frozenset("*_[]`#>|")
_LOOKALIKES = {
    frozenset("-–"): "an en dash (–) typed as a hyphen (-)?",
    frozenset("-—"): "an em dash (—) typed as a hyphen (-)?",
    frozenset("-‑"): "a non-breaking hyphen (‑) typed as a hyphen (-)?",
    frozenset("-−"): "a minus sign (−) typed as a hyphen (-)?",
    frozenset("'’"): "a curly apostrophe (’) typed straight (')?",
    frozenset("'‘"): "a curly quote (‘) typed straight (')?",
    frozenset('"“'): 'a curly quote (“) typed straight (")?',
    frozenset('"”'): 'a curly quote (”) typed straight (")?',
}


@dataclass(frozen=True)
class Match:
    """The passage of a source most like a quote, and where the two first differ."""

    passage: str  # normalised
    span: Span  # in the original text
    difference: int  # index into the normalised quote (== len(quote) when it runs out)
    similarity: float  # difflib ratio of quote and passage, 0 to 1


def _char_name(char: str) -> str:
    if not char:
        return "nothing (the passage ends there)"
    name = unicodedata.name(char, "")
    shown = char if char.isprintable() and not char.isspace() else ""
    label = f"U+{ord(char):04X} {name}".rstrip()
    return f"{shown!r} ({label})" if shown else f"({label})"


def visible(text: str) -> str:
    """Text with invisible characters written as escapes, to be printed on one line."""
    return "".join(c if c.isprintable() or c == " " else f"\\u{ord(c):04x}" for c in text)


def _grams(text: str) -> set[str]:
    return {text[i:i + _GRAM] for i in range(max(1, len(text) - _GRAM + 1))}


def closest_match(source: SourceText, quote: str) -> Match | None:
    """The passage of ``source`` most like ``quote``, aligned to it character by character.

    Windows of one to three sentences are ranked cheaply by the share of the quote's
    character 4-grams they contain (shorter windows first on a tie); the best few are
    aligned to the quote, and the aligned passage most similar to it wins.
    """
    needle = source.normalise(quote)
    normalised = source.normalised
    if not needle or not normalised.strip():
        return None
    bounds = [(source.to_normalised(s.start), source.to_normalised(s.end))
              for s in source.sentences()]
    grams = [_grams(normalised[start:end]) for start, end in bounds]
    wanted = _grams(needle)
    ranked: list[tuple[float, int, int, int]] = []
    for first in range(len(bounds)):
        seen: set[str] = set()
        for last in range(first, min(first + _MAX_WINDOW, len(bounds))):
            seen |= grams[last]
            start, end = bounds[first][0], bounds[last][1]
            ranked.append((-len(wanted & seen) / len(wanted), end - start, start, end))
    best: tuple[float, int, int] | None = None
    for _score, _length, window_start, window_end in sorted(ranked)[:_SHORTLIST]:
        start, end = _align(needle, normalised[window_start:window_end])
        if end <= start:
            continue
        passage = normalised[window_start + start:window_start + end]
        ratio = difflib.SequenceMatcher(None, needle, passage, autojunk=False).ratio()
        if best is None or ratio > best[0]:
            best = (ratio, window_start + start, window_start + end)
    if best is None:
        return None
    _ratio, start, end = best
    passage = normalised[start:end]
    difference = next((i for i, (a, b) in enumerate(zip(needle, passage, strict=False))
                       if a != b), min(len(needle), len(passage)))
    return Match(passage, source.to_original(start, end), difference, _ratio)


def _align(needle: str, candidate: str) -> tuple[int, int]:
    """The stretch of ``candidate`` that lines up with ``needle``: from where the first
    solid run of matching characters puts the quote's start, to where the last run puts
    its end."""
    matcher = difflib.SequenceMatcher(None, needle, candidate, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= 3] or \
        [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return 0, len(candidate)
    first, last = blocks[0], blocks[-1]
    start = max(0, first.b - first.a)
    end = min(len(candidate), last.b + last.size + (len(needle) - last.a - last.size))
    return start, max(end, start)


def explain_missing(source: SourceText, quote: str, *, kind: str = "quote") -> str:
    """A message for a quote that is not in the source: the closest passage, where it
    is, and the first character where quote and source differ."""
    needle = source.normalise(quote)
    if not needle:
        return f"the {kind} is empty"
    lines = [f"{kind} not found in the source: \"{visible(needle)}\""]
    match = closest_match(source, quote)
    if match is None:
        return lines[0]
    where = f"line {source.line_of(match.span.start)}"
    section = source.section_at(match.span.start)
    if section:
        where += f", section \"{visible(section)}\""
    lines.append(f"  closest passage ({where}):")
    lines.append(f"    \"{visible(match.passage)}\"")
    if match.similarity < _SIMILAR:
        return "\n".join(lines)
    index = match.difference
    ours = needle[index:index + 1]
    theirs = match.passage[index:index + 1]
    lines.append(f"  first difference at character {index + 1} of the {kind}:")
    shown_from = max(0, index - _CONTEXT)
    lead = "…" if shown_from else ""
    prefix = visible(needle[shown_from:index])
    quote_tail = visible(needle[index:index + _CONTEXT])
    source_tail = visible(match.passage[index:index + _CONTEXT])
    width = max(len(kind), len("source")) + 2
    lines.append(f"    {f'{kind}:':<{width}}{lead}{prefix}{quote_tail}")
    lines.append(f"    {'source:':<{width}}{lead}{prefix}{source_tail}")
    lines.append(f"    {' ' * (width + len(lead) + len(prefix))}^")
    lines.append(f"    the {kind} has {_char_name(ours)}, the source has {_char_name(theirs)}")
    hint = _LOOKALIKES.get(frozenset((ours, theirs)))
    if hint and ours in "-'\"":
        lines.append(f"    {hint}")
    elif theirs and theirs in _MARKDOWN:
        lines.append("    the source has markup here: quote it exactly as the source has it")
    return "\n".join(lines)
