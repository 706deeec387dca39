"""What the reporters share: options, the summaries (of the run, and of each document:
the regimes applied and why, counts by severity), the JSON writer, and the way a
finding's details (pointers, quotes, hint, legal reference) are put into words.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pypolicy.core.findings import (
    FileResult,
    Finding,
    Quote,
    RegimeDecision,
    Region,
    RuleInfo,
    Severity,
    count_by_severity,
)
from pypolicy.core.text import BIDI_CONTROLS, one_line, sanitize_terminal
from pypolicy.core.version import __version__

TOOL_NAME = "pypolicy"
INFORMATION_URI = "https://w3id.org/pypolicy"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
JSON_REPORT_VERSION = 1


@dataclass(frozen=True)
class ReportOptions:
    """How to report: colour (text only), the tool version to name, whether to quote,
    and whether to leave out all but the findings (text only: no summary, no
    "no findings" lines)."""

    color: bool = False
    tool_version: str = __version__
    show_quotes: bool = True  # for the human formats (text, junit, github)
    quiet: bool = False


DEFAULT_OPTIONS = ReportOptions()

Reporter = Callable[[Sequence[FileResult], Mapping[str, RuleInfo], ReportOptions], str]


@functools.cache
def _json_escape_table() -> dict[int, str]:
    codes = [*range(0x7F, 0xA0), *range(0xD800, 0xE000), 0x2028, 0x2029, *BIDI_CONTROLS]
    return {code: f"\\u{code:04x}" for code in codes}


def dump_json(data: Any) -> str:
    # Structural JSON is ASCII, so these characters can only occur inside strings,
    # where a \\u escape (four hex digits) stands for exactly the same character.
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True)
    return text.translate(_json_escape_table()) + "\n"


def sorted_findings(result: FileResult) -> list[Finding]:
    return sorted(result.findings, key=Finding.sort_key)


def summary_counts(results: Sequence[FileResult]) -> dict[str, int]:
    counts = count_by_severity(results)
    return {
        "error": counts[Severity.ERROR],
        "warning": counts[Severity.WARNING],
        "info": counts[Severity.INFO],
        "files": len(results),
        "unusableFiles": sum(1 for r in results if not r.usable),
    }


def document_counts(result: FileResult) -> dict[str, int]:
    """One document's findings by severity."""
    counts = count_by_severity([result])
    return {"error": counts[Severity.ERROR], "warning": counts[Severity.WARNING],
            "info": counts[Severity.INFO]}


def regime_phrase(decision: RegimeDecision) -> str:
    """A regime as the summaries name it: its label and, in brackets, why it applies
    ("UK GDPR (provider established in the United Kingdom)"); "assumed" when the
    document does not say so itself."""
    grounds = decision.grounds
    if decision.assumed and not grounds.startswith("assumed"):
        grounds = "assumed: " + grounds
    return f"{decision.label} ({grounds})"


def regimes_phrase(result: FileResult) -> str | None:
    """The regimes applied to a document and on what grounds, in words; None when none
    was decided (a document that failed the structure checks, or one given without)."""
    if not result.regimes:
        return None
    applied = result.applied_regimes()
    if not applied:
        return "regimes: none applied (only the rules for every policy)"
    return "regimes: " + ", ".join(regime_phrase(d) for d in applied)


def document_summary(result: FileResult) -> str:
    """One usable document in a line: counts by severity (and suppressed), then the
    regimes applied and why."""
    counts = document_counts(result)
    if any(counts.values()):
        line = (f"{plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}, "
                f"{plural(counts['info'], 'info')}")
    else:
        line = "no findings"
    if result.suppressed:
        line += f" ({result.suppressed} suppressed)"
    regimes = regimes_phrase(result)
    return f"{line}; {regimes}" if regimes else line


def document_summary_data(result: FileResult) -> dict[str, Any]:
    """The same for programs: counts by severity, and every regime considered (applied
    or not) with its grounds."""
    return {"counts": document_counts(result), "suppressed": result.suppressed,
            "regimes": [d.as_dict() for d in result.regimes],
            "summary": document_summary(result)}


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 or word == "info" else f"{count} {word}s"


def summary_line(results: Sequence[FileResult]) -> str:
    counts = summary_counts(results)
    line = (f"{plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}, "
            f"{plural(counts['info'], 'info')} in {plural(counts['files'], 'file')}")
    extras = []
    if counts["unusableFiles"]:
        extras.append(f"{counts['unusableFiles']} unusable")
    suppressed = sum(r.suppressed for r in results)
    if suppressed:
        extras.append(f"{suppressed} suppressed")
    if extras:
        line += f" ({', '.join(extras)})"
    return line


def show_pointer(pointer: str) -> str:
    return one_line(pointer) if pointer else "(document root)"


def valid_line(line: int | None) -> int | None:
    return line if line is not None and line >= 1 else None


def usable_region(region: Region | None) -> Region | None:
    """A region without the parts no reader accepts: None without a valid start line;
    no columns below 1; no end before the start, or without columns."""
    if region is None or valid_line(region.start_line) is None:
        return None
    start_column = region.start_column if (region.start_column or 0) >= 1 else None
    end_line, end_column = region.end_line, region.end_column
    if end_line is None or end_line < region.start_line or \
            end_column is None or end_column < 1 or start_column is None or \
            (end_line == region.start_line and end_column < start_column):
        end_line = end_column = None
    return Region(region.start_line, start_column, end_line, end_column)


def indent_block(text: str, indent: str) -> str:
    """Continuation lines of a multi-line text, indented to stay under their field."""
    return text.replace("\n", "\n" + indent)


@dataclass(frozen=True)
class QuotedPlace:
    """A passage a finding quotes, with every place (pointer) it is quoted for and every
    note (inferred or not, rationale) given with it: one passage evidencing two entries
    (two annotations of one sentence) is shown once, naming both."""

    quote: Quote
    pointers: tuple[str, ...]
    notes: tuple[tuple[bool, str | None], ...]


def quoted_places(quotes: Sequence[Quote]) -> list[QuotedPlace]:
    """The quotes of a finding with the same words at the same span (and section) merged,
    in the order they first appear; quotes without words are merged only when equal."""
    groups: dict[object, tuple[Quote, dict[str, None], dict[tuple[bool, str | None], None]]] = {}
    for quote in quotes:
        key: object = (quote.text, quote.section, quote.start, quote.end) \
            if quote.text is not None else quote
        _, pointers, notes = groups.setdefault(key, (quote, {}, {}))
        pointers[quote.pointer] = None
        if quote.inferred or quote.rationale is not None:
            notes[(quote.inferred, quote.rationale)] = None
    return [QuotedPlace(first, tuple(pointers), tuple(notes))
            for first, pointers, notes in groups.values()]


def quote_lines(place: Quote | QuotedPlace, indent: str) -> list[str]:
    """A quote, for people: the words, then where they are and why they count."""
    if isinstance(place, Quote):
        place = quoted_places([place])[0]
    quote = place.quote
    inner = indent + "    "
    if quote.text is not None:
        lines = [indent + '"' + indent_block(sanitize_terminal(quote.text), indent + " ") + '"']
    else:
        lines = [indent + "(no quote)"]
    details: list[str] = []
    if quote.section is not None:
        details.append(f'section "{one_line(quote.section)}"')
    details.append("at " + ", ".join(show_pointer(p) for p in place.pointers))
    if quote.start is not None and quote.end is not None:
        details.append(f"chars {quote.start}-{quote.end}")
    elif quote.start is not None:
        details.append(f"from char {quote.start}")
    lines.append(inner + ", ".join(details))
    for inferred, rationale in place.notes:
        if inferred:
            why = rationale if rationale is not None else "(no rationale given)"
            lines.append(inner + "inferred: " + indent_block(sanitize_terminal(why),
                                                              inner + "  "))
        elif rationale is not None:
            lines.append(inner + "rationale: "
                         + indent_block(sanitize_terminal(rationale), inner + "  "))
    return lines


def detail_lines(finding: Finding, options: ReportOptions, indent: str) -> list[str]:
    """What follows a finding's headline: pointers, quotes, hint, legal reference."""
    lines: list[str] = []
    if finding.pointers:
        lines.append(indent + "at " + ", ".join(show_pointer(p) for p in finding.pointers))
    if options.show_quotes:
        for place in quoted_places(finding.quotes):
            lines.extend(quote_lines(place, indent))
    if finding.hint:
        lines.append(indent + "hint: " + indent_block(sanitize_terminal(finding.hint),
                                                       indent + "      "))
    if finding.legal_reference:
        lines.append(indent + "legal: " + indent_block(
            sanitize_terminal(finding.legal_reference), indent + "       "))
    return lines


def finding_text(finding: Finding, options: ReportOptions) -> str:
    lines = [finding.message]
    lines.extend(detail_lines(finding, options, ""))
    return "\n".join(lines)

