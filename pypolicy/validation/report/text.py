"""The ``text`` reporter: findings for people.

Grouped by file::

    policy.json:12: error R101 retention-contradiction: Two retention periods.
        at /retention/0/period, /retention/1/period
        "We keep call records for 6 months."
            section "Data retention", at /retention/0/period, chars 120-155
        hint: Say which period applies.
        legal: GDPR Art. 13(2)(a)
    policy.json: 1 error, 0 warnings, 0 info; regimes: UK GDPR (provider established in GB)

    3 errors, 1 warning, 0 info in 5 files (1 unusable)

Each usable document ends with its summary line: its findings by severity (and how many
it suppressed), then the regimes applied and why ("assumed" where the document does not
say so itself; "none applied" when only the rules for every policy ran); a document
without findings shows as that line alone (``path: no findings; regimes: ...``). A
quote that evidences several places (two annotations of one sentence) is shown once,
naming them all. With ``ReportOptions.quiet`` only findings and unusable files are shown
(no summaries; nothing at all when there are no findings). An unusable file shows as
``path:line: unusable: why``. ANSI colour only with ``ReportOptions.color``. All
text that comes from a document (paths, messages, quotes, ...) is made safe for a
terminal: C0 controls other than newline and tab, DEL, C1 controls, lone
surrogates, line/paragraph separators and bidirectional controls are shown as
escapes (``\\x1b``, ``\\u202e``), so a hostile policy cannot move the cursor, change
colours or reorder what is shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pypolicy.core.findings import FileResult, RuleInfo, Severity
from pypolicy.core.text import one_line, sanitize_terminal
from pypolicy.validation.report._shared import (
    DEFAULT_OPTIONS,
    ReportOptions,
    detail_lines,
    document_summary,
    indent_block,
    show_pointer,
    sorted_findings,
    summary_line,
    valid_line,
)

_RESET = "\x1b[0m"
_STYLES = {
    "path": "\x1b[1m",
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.INFO: "\x1b[1;36m",
    "unusable": "\x1b[1;35m",
    "code": "\x1b[1m",
    "ok": "\x1b[32m",
}


def _paint(text: str, style: str | Severity, options: ReportOptions) -> str:
    return f"{_STYLES[style]}{text}{_RESET}" if options.color else text


def _where(path: str, line: int | None, options: ReportOptions) -> str:
    shown = _paint(one_line(path), "path", options)
    line = valid_line(line)
    return f"{shown}:{line}:" if line is not None else f"{shown}:"


def report_text(results: Sequence[FileResult], rules: Mapping[str, RuleInfo],
                options: ReportOptions = DEFAULT_OPTIONS) -> str:
    """Findings for people, grouped by file, with a closing summary line."""
    blocks: list[list[str]] = []
    indent = "    "
    for result in results:
        lines: list[str] = []
        if not result.usable:
            error = result.error or ""
            lines.append(f"{_where(result.path, result.error_line, options)} "
                         f"{_paint('unusable', 'unusable', options)}: "
                         + indent_block(sanitize_terminal(error), indent))
            if result.error_pointer is not None:
                lines.append(indent + "at " + show_pointer(result.error_pointer))
        elif not result.findings:
            if options.quiet:
                continue
            lines.append(f"{_where(result.path, None, options)} "
                         + _paint(one_line(document_summary(result)), "ok", options))
        else:
            for finding in sorted_findings(result):
                lines.append(
                    f"{_where(result.path, finding.line, options)} "
                    f"{_paint(finding.severity.label, finding.severity, options)} "
                    f"{_paint(one_line(finding.code), 'code', options)} "
                    f"{one_line(finding.name)}: "
                    + indent_block(sanitize_terminal(finding.message), indent))
                lines.extend(detail_lines(finding, options, indent))
            if not options.quiet:
                lines.append(f"{_where(result.path, None, options)} "
                             + one_line(document_summary(result)))
        blocks.append(lines)
    out = "\n\n".join("\n".join(block) for block in blocks)
    if options.quiet:
        return out + "\n" if out else ""
    summary = summary_line(results)
    return (out + "\n\n" if out else "") + summary + "\n"
