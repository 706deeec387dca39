"""The ``github`` reporter: GitHub Actions workflow commands.

One line per finding and per unusable file:
``::error file=PATH,line=N,endLine=M,col=C,endColumn=D,title=CODE name::message``
(``::warning``, ``::notice`` for info), escaped by GitHub's rules; ``endLine``, ``col``
and ``endColumn`` only where the findings carry regions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from pypolicy.core.findings import FileResult, Finding, RuleInfo, Severity
from pypolicy.core.text import sanitize_terminal
from pypolicy.validation.report._shared import (
    DEFAULT_OPTIONS,
    ReportOptions,
    finding_text,
    sorted_findings,
    usable_region,
    valid_line,
)

_GITHUB_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning",
                    Severity.INFO: "notice"}


def _github_data(text: str) -> str:
    text = sanitize_terminal(text, keep="\n\r\t")
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def _github_command(command: str, properties: Iterable[tuple[str, str | int]],
                    message: str) -> str:
    props = ",".join(f"{key}={_github_property(str(value))}" for key, value in properties)
    return f"::{command} {props}::{_github_data(message)}"


def _place(finding: Finding) -> list[tuple[str, str | int]]:
    """line, endLine, col and endColumn, as far as they are known: columns count from 1
    and the end column is one past the value, as ruff and sqlfluff write them."""
    region = usable_region(finding.region())
    if region is None:
        return []
    place: list[tuple[str, str | int]] = [("line", region.start_line)]
    if region.end_line is not None:
        place.append(("endLine", region.end_line))
    if region.start_column is not None:
        place.append(("col", region.start_column))
        if region.end_column is not None:
            place.append(("endColumn", region.end_column))
    return place


def report_github(results: Sequence[FileResult], rules: Mapping[str, RuleInfo],
                  options: ReportOptions = DEFAULT_OPTIONS) -> str:
    """GitHub Actions annotations, one workflow command per finding or unusable file."""
    lines: list[str] = []
    for result in results:
        if not result.usable:
            props: list[tuple[str, str | int]] = [("file", result.path)]
            line = valid_line(result.error_line)
            if line is not None:
                props.append(("line", line))
                if result.error_column is not None and result.error_column >= 1:
                    props.append(("col", result.error_column))
            props.append(("title", "unusable file"))
            message = result.error or ""
            if result.error_pointer is not None:
                message += f"\nat {result.error_pointer or '(document root)'}"
            lines.append(_github_command("error", props, message))
        for finding in sorted_findings(result):
            props = [("file", result.path), *_place(finding)]
            props.append(("title", f"{finding.code} {finding.name}"))
            lines.append(_github_command(_GITHUB_COMMANDS[finding.severity], props,
                                         finding_text(finding, options)))
    return "".join(line + "\n" for line in lines)
