"""The reporters of ``pypolicy validate``: findings in, text out.

A reporter is a pure function ``(results, rules, options) -> str``: it never reads a
file, parses options or runs a rule. ``REPORTERS`` maps a format name to its reporter;
``report`` looks one up by name. Every reporter returns complete output that ends with
a newline (write it as it is), except that ``github`` returns ``""`` when there is
nothing to annotate.

Formats
=======

``text``
    For people, grouped by file::

        policy.json:12: error R101 retention-contradiction: Two retention periods.
            at /retention/0/period, /retention/1/period
            "We keep call records for 6 months."
                section "Data retention", at /retention/0/period, chars 120-155
            hint: Say which period applies.
            legal: GDPR Art. 13(2)(a)

        3 errors, 1 warning, 0 info in 5 files (1 unusable)

    A file without findings shows as ``path: no findings``; an unusable file as
    ``path:line: unusable: why``. ANSI colour only with ``ReportOptions.color``. All
    text that comes from a document (paths, messages, quotes, ...) is made safe for a
    terminal: C0 controls other than newline and tab, DEL, C1 controls, lone
    surrogates, line/paragraph separators and bidirectional controls are shown as
    escapes (``\\x1b``, ``\\u202e``), so a hostile policy cannot move the cursor, change
    colours or reorder what is shown.

``json``
    A stable shape (version 1), keys sorted, two-space indent, non-ASCII kept except
    that DEL, C1 controls, lone surrogates, U+2028/U+2029 and bidirectional controls
    are written as ``\\u`` escapes with four hex digits (``json.loads`` gives back the exact text)::

        {
          "version": 1,
          "tool": {"name": "pypolicy", "version": "0.1.0"},
          "files": [
            {
              "path": "policy.json",
              "documentId": "https://example.org/policy" | null,
              "usable": true,
              "error": "why the file is unusable",      (only when unusable)
              "errorLine": 3,                            (only when known)
              "errorPointer": "/a/b",                    (only when known)
              "suppressed": 0,
              "findings": [Finding.as_dict(), ...]       (sorted by line, pointer, code)
            }
          ],
          "summary": {"error": 0, "warning": 0, "info": 0, "files": 1,
                      "unusableFiles": 0}
        }

    A finding is ``{"code", "name", "severity" ("error" | "warning" | "info"),
    "message", "pointers": [...], "quotes": [{"pointer", "text"?, "section"?,
    "start"?, "end"?, "rationale"?, "inferred"?}], "legalReference"?, "hint"?,
    "line"?}``.

``sarif``
    SARIF 2.1.0, one run. ``tool.driver.rules`` holds a reportingDescriptor for every
    rule given (sorted by code), plus one for any finding whose rule was not given;
    each result names its rule by ``ruleId`` and ``ruleIndex``. The first pointer of a
    finding is its location (``artifactLocation.uri`` is the path as a URI reference,
    ``region.startLine`` when the line is known, the pointer as a logical location);
    further pointers and every quote are ``relatedLocations``; quotes, pointers, hint
    and legal reference are also in the result's ``properties``. Every input file is
    listed in ``run.artifacts`` (with its exact path in ``properties.path``); unusable
    files are ``invocations[0].toolExecutionNotifications`` at level error, and make
    ``executionSuccessful`` false.

``junit``
    JUnit XML: ``<testsuites>`` with one ``<testsuite>`` per file and one
    ``<testcase>`` per finding (``<failure>`` for errors and warnings, a passing case
    with ``<system-out>`` for info); a clean file has one passing case, an unusable
    file one case with an ``<error>``. Characters XML 1.0 forbids (and DEL/C1) are
    written as visible escapes.

``github``
    GitHub Actions workflow commands, one line per finding and per unusable file:
    ``::error file=PATH,line=N,title=CODE name::message`` (``::warning``,
    ``::notice`` for info), escaped by GitHub's rules.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote as _url_quote

from lxml import etree

from pypolicy.core.errors import ConfigError
from pypolicy.core.findings import (
    FileResult,
    Finding,
    Quote,
    RuleInfo,
    Severity,
    count_by_severity,
)
from pypolicy.core.version import __version__

__all__ = [
    "INFORMATION_URI",
    "JSON_REPORT_VERSION",
    "REPORTERS",
    "SARIF_SCHEMA_URI",
    "ReportOptions",
    "Reporter",
    "report",
    "report_github",
    "report_json",
    "report_junit",
    "report_sarif",
    "report_text",
    "sanitize_terminal",
]

TOOL_NAME = "pypolicy"
INFORMATION_URI = "https://w3id.org/pypolicy"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
JSON_REPORT_VERSION = 1


@dataclass(frozen=True)
class ReportOptions:
    """How to report: colour (text only), the tool version to name, whether to quote."""

    color: bool = False
    tool_version: str = __version__
    show_quotes: bool = True  # for the human formats (text, junit, github)


Reporter = Callable[[Sequence[FileResult], Mapping[str, RuleInfo], ReportOptions], str]


# --- making text safe -------------------------------------------------------------------

_BIDI_CONTROLS = frozenset(
    [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def _escape_char(code: int) -> str:
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


@functools.cache
def _unsafe_table(keep: str) -> dict[int, str]:
    """A str.translate table escaping what a terminal or an XML parser must not see."""
    codes: list[int] = [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0xD800, 0xE000),
                        0x2028, 0x2029, 0xFFFE, 0xFFFF, *_BIDI_CONTROLS]
    kept = {ord(c) for c in keep}
    return {code: _escape_char(code) for code in codes if code not in kept}


def sanitize_terminal(text: str, *, keep: str = "\n\t") -> str:
    """Show control characters (and the like) in ``text`` as visible escapes.

    C0 controls except those in ``keep``, DEL, C1 controls (so every ANSI escape
    sequence, which starts with ESC or CSI), lone surrogates, U+2028/U+2029, U+FFFE/
    U+FFFF and bidirectional controls become ``\\xNN`` / ``\\uNNNN``.
    """
    return text.translate(_unsafe_table(keep))


def _one_line(text: str) -> str:
    """For a field that must stay on one line (paths, codes, pointers)."""
    return sanitize_terminal(text, keep="\t")


@functools.cache
def _json_escape_table() -> dict[int, str]:
    codes = [*range(0x7F, 0xA0), *range(0xD800, 0xE000), 0x2028, 0x2029, *_BIDI_CONTROLS]
    return {code: f"\\u{code:04x}" for code in codes}


def _dump_json(data: Any) -> str:
    # Structural JSON is ASCII, so these characters can only occur inside strings,
    # where a \\u escape (four hex digits) stands for exactly the same character.
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True)
    return text.translate(_json_escape_table()) + "\n"


# --- shared helpers -----------------------------------------------------------------------

def _sorted_findings(result: FileResult) -> list[Finding]:
    return sorted(result.findings, key=Finding.sort_key)


def _summary(results: Sequence[FileResult]) -> dict[str, int]:
    counts = count_by_severity(results)
    return {
        "error": counts[Severity.ERROR],
        "warning": counts[Severity.WARNING],
        "info": counts[Severity.INFO],
        "files": len(results),
        "unusableFiles": sum(1 for r in results if not r.usable),
    }


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 or word == "info" else f"{count} {word}s"


def _summary_line(results: Sequence[FileResult]) -> str:
    summary = _summary(results)
    line = (f"{_plural(summary['error'], 'error')}, {_plural(summary['warning'], 'warning')}, "
            f"{_plural(summary['info'], 'info')} in {_plural(summary['files'], 'file')}")
    extras = []
    if summary["unusableFiles"]:
        extras.append(f"{summary['unusableFiles']} unusable")
    suppressed = sum(r.suppressed for r in results)
    if suppressed:
        extras.append(f"{suppressed} suppressed")
    if extras:
        line += f" ({', '.join(extras)})"
    return line


def _show_pointer(pointer: str) -> str:
    return _one_line(pointer) if pointer else "(document root)"


def _valid_line(line: int | None) -> int | None:
    return line if line is not None and line >= 1 else None


def _indent_block(text: str, indent: str) -> str:
    """Continuation lines of a multi-line text, indented to stay under their field."""
    return text.replace("\n", "\n" + indent)


def _quote_lines(quote: Quote, indent: str) -> list[str]:
    """A quote, for people: the words, then where they are and why they count."""
    inner = indent + "    "
    if quote.text is not None:
        lines = [indent + '"' + _indent_block(sanitize_terminal(quote.text), indent + " ") + '"']
    else:
        lines = [indent + "(no quote)"]
    details: list[str] = []
    if quote.section is not None:
        details.append(f'section "{_one_line(quote.section)}"')
    details.append(f"at {_show_pointer(quote.pointer)}")
    if quote.start is not None and quote.end is not None:
        details.append(f"chars {quote.start}-{quote.end}")
    elif quote.start is not None:
        details.append(f"from char {quote.start}")
    lines.append(inner + ", ".join(details))
    if quote.inferred:
        why = quote.rationale if quote.rationale is not None else "(no rationale given)"
        lines.append(inner + "inferred: " + _indent_block(sanitize_terminal(why), inner + "  "))
    elif quote.rationale is not None:
        lines.append(inner + "rationale: "
                     + _indent_block(sanitize_terminal(quote.rationale), inner + "  "))
    return lines


def _detail_lines(finding: Finding, options: ReportOptions, indent: str) -> list[str]:
    """What follows a finding's headline: pointers, quotes, hint, legal reference."""
    lines: list[str] = []
    if finding.pointers:
        lines.append(indent + "at " + ", ".join(_show_pointer(p) for p in finding.pointers))
    if options.show_quotes:
        for quote in finding.quotes:
            lines.extend(_quote_lines(quote, indent))
    if finding.hint:
        lines.append(indent + "hint: " + _indent_block(sanitize_terminal(finding.hint),
                                                       indent + "      "))
    if finding.legal_reference:
        lines.append(indent + "legal: " + _indent_block(
            sanitize_terminal(finding.legal_reference), indent + "       "))
    return lines


# --- text ---------------------------------------------------------------------------------

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
    shown = _paint(_one_line(path), "path", options)
    line = _valid_line(line)
    return f"{shown}:{line}:" if line is not None else f"{shown}:"


def report_text(results: Sequence[FileResult], rules: Mapping[str, RuleInfo],
                options: ReportOptions = ReportOptions()) -> str:
    """Findings for people, grouped by file, with a closing summary line."""
    blocks: list[list[str]] = []
    indent = "    "
    for result in results:
        lines: list[str] = []
        if not result.usable:
            error = result.error or ""
            lines.append(f"{_where(result.path, result.error_line, options)} "
                         f"{_paint('unusable', 'unusable', options)}: "
                         + _indent_block(sanitize_terminal(error), indent))
            if result.error_pointer is not None:
                lines.append(indent + "at " + _show_pointer(result.error_pointer))
        elif not result.findings:
            note = "no findings"
            if result.suppressed:
                note += f" ({result.suppressed} suppressed)"
            lines.append(f"{_where(result.path, None, options)} {_paint(note, 'ok', options)}")
        else:
            for finding in _sorted_findings(result):
                lines.append(
                    f"{_where(result.path, finding.line, options)} "
                    f"{_paint(finding.severity.label, finding.severity, options)} "
                    f"{_paint(_one_line(finding.code), 'code', options)} "
                    f"{_one_line(finding.name)}: "
                    + _indent_block(sanitize_terminal(finding.message), indent))
                lines.extend(_detail_lines(finding, options, indent))
            if result.suppressed:
                lines.append(f"{_where(result.path, None, options)} "
                             f"{result.suppressed} more suppressed")
        blocks.append(lines)
    out = "\n\n".join("\n".join(block) for block in blocks)
    summary = _summary_line(results)
    return (out + "\n\n" if out else "") + summary + "\n"


# --- json ---------------------------------------------------------------------------------

def _file_as_dict(result: FileResult) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "path": result.path,
        "documentId": result.document_id,
        "usable": result.usable,
        "suppressed": result.suppressed,
        "findings": [f.as_dict() for f in _sorted_findings(result)],
    }
    if result.error is not None:
        entry["error"] = result.error
    if result.error_line is not None:
        entry["errorLine"] = result.error_line
    if result.error_pointer is not None:
        entry["errorPointer"] = result.error_pointer
    return entry


def report_json(results: Sequence[FileResult], rules: Mapping[str, RuleInfo],
                options: ReportOptions = ReportOptions()) -> str:
    """The documented JSON shape (see the module docstring)."""
    data = {
        "version": JSON_REPORT_VERSION,
        "tool": {"name": TOOL_NAME, "version": options.tool_version},
        "files": [_file_as_dict(r) for r in results],
        "summary": _summary(results),
    }
    return _dump_json(data)


# --- sarif --------------------------------------------------------------------------------

_SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# RFC 3986 sub-delims and unreserved marks, less ":" (a colon in a first segment
# would read as a scheme); "/" separates segments.
_URI_SAFE = "/!$&'()*+,;=@-._~"
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def _path_uri(path: str) -> str:
    """A file path as a URI reference: relative paths stay relative, with forward slashes."""
    slashed = path.replace("\\", "/")

    def encode(text: str) -> str:
        return _url_quote(text, safe=_URI_SAFE, errors="surrogateescape")

    if _WINDOWS_DRIVE.match(path):
        return "file:///" + slashed[:2] + encode(slashed[2:])
    if slashed.startswith("//"):  # a UNC path: //host/share/...
        return "file:" + encode(slashed)
    if slashed.startswith("/"):
        return "file://" + encode(slashed)
    return encode(slashed)


def _http_uri(text: str) -> str | None:
    return text if re.fullmatch(r"https?://[^\s<>\"]+", text) else None


def _descriptor(code: str, info: RuleInfo) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": code,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": info.rationale},
        "defaultConfiguration": {"level": _SARIF_LEVELS[info.severity]},
        "properties": {"tags": list(dict.fromkeys(info.groups))},  # SARIF tags are distinct
    }
    if info.references:
        descriptor["properties"]["references"] = list(info.references)
        help_uri = next((u for u in map(_http_uri, info.references) if u), None)
        if help_uri:
            descriptor["helpUri"] = help_uri
    return descriptor


def _logical(pointer: str) -> list[dict[str, Any]]:
    return [{"fullyQualifiedName": pointer, "kind": "element"}]


def _physical(uri: str, index: int, line: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "index": index}}
    line = _valid_line(line)
    if line is not None:
        physical["region"] = {"startLine": line}
    return physical


def _quote_message(quote: Quote) -> str:
    text = f'"{quote.text}"' if quote.text is not None else "(no quote)"
    if quote.section is not None:
        text += f' (section "{quote.section}")'
    if quote.inferred:
        text += f"; inferred: {quote.rationale or '(no rationale given)'}"
    elif quote.rationale is not None:
        text += f"; rationale: {quote.rationale}"
    return text


def _sarif_result(finding: Finding, rule_index: int, uri: str, artifact: int,
                  document_id: str | None) -> dict[str, Any]:
    location: dict[str, Any] = {"physicalLocation": _physical(uri, artifact, finding.line)}
    if finding.pointers:
        location["logicalLocations"] = _logical(finding.pointers[0])
    related: list[dict[str, Any]] = []
    for pointer in finding.pointers[1:]:
        related.append({
            "id": len(related) + 1,
            "physicalLocation": _physical(uri, artifact, None),
            "logicalLocations": _logical(pointer),
            "message": {"text": f"also at {pointer}"},
        })
    for quote in finding.quotes:
        related.append({
            "id": len(related) + 1,
            "physicalLocation": _physical(uri, artifact, None),
            "logicalLocations": _logical(quote.pointer),
            "message": {"text": _quote_message(quote)},
            "properties": {"quote": quote.as_dict()},
        })
    properties: dict[str, Any] = {
        "severity": finding.severity.label,
        "name": finding.name,
        "pointers": list(finding.pointers),
        "quotes": [q.as_dict() for q in finding.quotes],
    }
    if finding.legal_reference:
        properties["legalReference"] = finding.legal_reference
    if finding.hint:
        properties["hint"] = finding.hint
    if document_id is not None:
        properties["documentId"] = document_id
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [location],
        "properties": properties,
    }
    if related:
        result["relatedLocations"] = related
    return result


def report_sarif(results: Sequence[FileResult], rules: Mapping[str, RuleInfo],
                 options: ReportOptions = ReportOptions()) -> str:
    """A SARIF 2.1.0 log with one run."""
    descriptors: list[dict[str, Any]] = []
    rule_index: dict[str, int] = {}
    for code in sorted(rules):
        rule_index[code] = len(descriptors)
        descriptors.append(_descriptor(code, rules[code]))
    for result in results:
        for finding in result.findings:
            if finding.code not in rule_index:
                rule_index[finding.code] = len(descriptors)
                descriptors.append({
                    "id": finding.code,
                    "name": finding.name,
                    "shortDescription": {"text": finding.name},
                    "defaultConfiguration": {"level": _SARIF_LEVELS[finding.severity]},
                })

    artifacts: list[dict[str, Any]] = []
    sarif_results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    artifact_index: dict[str, int] = {}
    for result in results:
        uri = _path_uri(result.path)
        properties: dict[str, Any] = {"path": result.path, "suppressed": result.suppressed}
        if result.document_id is not None:
            properties["documentId"] = result.document_id
        artifact = {"location": {"uri": uri}, "roles": ["analysisTarget"],
                    "properties": properties}
        # run.artifacts must hold distinct items: the same file given twice is one artifact
        key = json.dumps(artifact, sort_keys=True)
        if key not in artifact_index:
            artifact_index[key] = len(artifacts)
            artifacts.append(artifact)
        index = artifact_index[key]
        if not result.usable:
            location: dict[str, Any] = {
                "physicalLocation": _physical(uri, index, result.error_line)}
            if result.error_pointer is not None:
                location["logicalLocations"] = _logical(result.error_pointer)
            notifications.append({
                "level": "error",
                "message": {"text": result.error or ""},
                "locations": [location],
                "properties": {"path": result.path},
            })
        for finding in _sorted_findings(result):
            sarif_results.append(_sarif_result(finding, rule_index[finding.code], uri,
                                               index, result.document_id))

    invocation: dict[str, Any] = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    log = {
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": TOOL_NAME,
                "version": options.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }},
            "invocations": [invocation],
            "artifacts": artifacts,
            "results": sarif_results,
            "properties": {"summary": _summary(results)},
        }],
    }
    return _dump_json(log)


# --- junit --------------------------------------------------------------------------------

def _xml_text(text: str) -> str:
    """Text lxml accepts: no character XML 1.0 forbids (and no DEL, C1, bidi controls)."""
    return sanitize_terminal(text, keep="\n\t")


def _set(element: Any, name: str, value: str | int) -> None:
    element.set(name, _xml_text(str(value)))


def _testcase_name(finding: Finding) -> str:
    name = f"{finding.code} {finding.name}"
    if finding.pointers:
        name += f" at {finding.pointers[0] or '(document root)'}"
    return name


def _finding_text(finding: Finding, options: ReportOptions) -> str:
    lines = [finding.message]
    lines.extend(_detail_lines(finding, options, ""))
    return "\n".join(lines)


def report_junit(results: Sequence[FileResult], rules: Mapping[str, RuleInfo],
                 options: ReportOptions = ReportOptions()) -> str:
    """JUnit XML: a testsuite per file, a testcase per finding."""
    root = etree.Element("testsuites")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for result in results:
        suite = etree.SubElement(root, "testsuite")
        classname = result.document_id or result.path
        cases = 0
        failures = 0
        errors = 0
        if result.document_id is not None:
            props = etree.SubElement(suite, "properties")
            prop = etree.SubElement(props, "property")
            _set(prop, "name", "documentId")
            _set(prop, "value", result.document_id)
        if not result.usable:
            case = etree.SubElement(suite, "testcase")
            _set(case, "classname", classname)
            _set(case, "name", "load document")
            error = etree.SubElement(case, "error")
            _set(error, "message", result.error or "")
            _set(error, "type", "unusable")
            where = []
            if result.error_line is not None:
                where.append(f"line {result.error_line}")
            if result.error_pointer is not None:
                where.append(f"at {result.error_pointer or '(document root)'}")
            error.text = _xml_text("\n".join([result.error or "", *where]))
            cases += 1
            errors += 1
        for finding in _sorted_findings(result):
            case = etree.SubElement(suite, "testcase")
            _set(case, "classname", classname)
            _set(case, "name", _testcase_name(finding))
            if finding.line is not None:
                _set(case, "line", finding.line)
            text = _xml_text(_finding_text(finding, options))
            if finding.severity >= Severity.WARNING:
                failure = etree.SubElement(case, "failure")
                _set(failure, "message", finding.message)
                _set(failure, "type", finding.severity.label)
                failure.text = text
                failures += 1
            else:
                out = etree.SubElement(case, "system-out")
                out.text = text
            cases += 1
        if result.usable and not result.findings:
            case = etree.SubElement(suite, "testcase")
            _set(case, "classname", classname)
            _set(case, "name", "no findings")
            cases += 1
        tests = max(len(rules), cases, 1)
        _set(suite, "name", result.path)
        _set(suite, "tests", tests)
        _set(suite, "failures", failures)
        _set(suite, "errors", errors)
        _set(suite, "skipped", 0)
        totals["tests"] += tests
        totals["failures"] += failures
        totals["errors"] += errors
    _set(root, "name", TOOL_NAME)
    for key, value in totals.items():
        _set(root, key, value)
    data: bytes = etree.tostring(root, pretty_print=True, xml_declaration=True,
                                 encoding="UTF-8")
    return data.decode("utf-8")


# --- github -------------------------------------------------------------------------------

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


def report_github(results: Sequence[FileResult], rules: Mapping[str, RuleInfo],
                  options: ReportOptions = ReportOptions()) -> str:
    """GitHub Actions annotations, one workflow command per finding or unusable file."""
    lines: list[str] = []
    for result in results:
        if not result.usable:
            props: list[tuple[str, str | int]] = [("file", result.path)]
            line = _valid_line(result.error_line)
            if line is not None:
                props.append(("line", line))
            props.append(("title", "unusable file"))
            message = result.error or ""
            if result.error_pointer is not None:
                message += f"\nat {result.error_pointer or '(document root)'}"
            lines.append(_github_command("error", props, message))
        for finding in _sorted_findings(result):
            props = [("file", result.path)]
            line = _valid_line(finding.line)
            if line is not None:
                props.append(("line", line))
            props.append(("title", f"{finding.code} {finding.name}"))
            lines.append(_github_command(_GITHUB_COMMANDS[finding.severity], props,
                                         _finding_text(finding, options)))
    return "".join(line + "\n" for line in lines)


# --- the registry -------------------------------------------------------------------------

REPORTERS: dict[str, Reporter] = {
    "text": report_text,
    "json": report_json,
    "sarif": report_sarif,
    "junit": report_junit,
    "github": report_github,
}


def report(name: str, results: Sequence[FileResult], rules: Mapping[str, RuleInfo],
           options: ReportOptions | None = None) -> str:
    """Run the reporter called ``name``; ConfigError names the choices if there is none."""
    try:
        reporter = REPORTERS[name]
    except KeyError:
        choices = ", ".join(sorted(REPORTERS))
        raise ConfigError(f"unknown output format {name!r} (expected one of {choices})") \
            from None
    return reporter(results, rules, options or ReportOptions())
