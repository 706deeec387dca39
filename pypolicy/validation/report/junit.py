"""The ``junit`` reporter: JUnit XML for CI test views.

JUnit XML: ``<testsuites>`` with one ``<testsuite>`` per file and one
``<testcase>`` per finding (``<failure>`` for errors and warnings, a passing case
with ``<system-out>`` for info); a clean file has one passing case, an unusable
file one case with an ``<error>``. Characters XML 1.0 forbids (and DEL/C1) are
written as visible escapes.

A usable document's testsuite carries, as ``<properties>``, what the text report's
summary line says: ``summary`` (the line itself), ``counts.error``, ``counts.warning``,
``counts.info``, ``suppressed``, and one ``regime.<key>`` per regime considered, its value
"applied: <grounds>" or "not applied: <grounds>" ("applied, assumed: ..." where the
document does not say so itself), after ``documentId``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lxml import etree

from pypolicy.core.findings import FileResult, Finding, RuleInfo, Severity
from pypolicy.core.text import sanitize_terminal
from pypolicy.validation.report._shared import (
    DEFAULT_OPTIONS,
    TOOL_NAME,
    ReportOptions,
    document_counts,
    document_summary,
    finding_text,
    sorted_findings,
)


def _xml_text(text: str) -> str:
    """Text lxml accepts: no character XML 1.0 forbids (and no DEL, C1, bidi controls)."""
    return sanitize_terminal(text, keep="\n\t")


def _set(element: Any, name: str, value: str | int) -> None:
    element.set(name, _xml_text(str(value)))


def _properties(result: FileResult) -> list[tuple[str, str | int]]:
    """The testsuite's properties: the document's identifier and, for a usable document,
    its summary: counts by severity, suppressed findings, every regime with its grounds."""
    found: list[tuple[str, str | int]] = []
    if result.document_id is not None:
        found.append(("documentId", result.document_id))
    if not result.usable:
        return found
    found.append(("summary", document_summary(result)))
    found += [(f"counts.{severity}", count)
              for severity, count in document_counts(result).items()]
    found.append(("suppressed", result.suppressed))
    for decision in result.regimes:
        state = "applied" if decision.applied else "not applied"
        if decision.assumed:
            state += ", assumed"
        grounds = decision.grounds.removeprefix("assumed: ")
        found.append((f"regime.{decision.regime}", f"{state}: {grounds}"))
    return found


def _testcase_name(finding: Finding) -> str:
    name = f"{finding.code} {finding.name}"
    if finding.pointers:
        name += f" at {finding.pointers[0] or '(document root)'}"
    return name


def report_junit(results: Sequence[FileResult], rules: Mapping[str, RuleInfo],
                 options: ReportOptions = DEFAULT_OPTIONS) -> str:
    """JUnit XML: a testsuite per file, a testcase per finding."""
    root = etree.Element("testsuites")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for result in results:
        suite = etree.SubElement(root, "testsuite")
        classname = result.document_id or result.path
        cases = 0
        failures = 0
        errors = 0
        properties = _properties(result)
        if properties:
            props = etree.SubElement(suite, "properties")
            for name, value in properties:
                prop = etree.SubElement(props, "property")
                _set(prop, "name", name)
                _set(prop, "value", value)
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
        for finding in sorted_findings(result):
            case = etree.SubElement(suite, "testcase")
            _set(case, "classname", classname)
            _set(case, "name", _testcase_name(finding))
            if finding.line is not None:
                _set(case, "line", finding.line)
            text = _xml_text(finding_text(finding, options))
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
