"""The ``sarif`` reporter: SARIF 2.1.0 for code scanning.

One run. ``tool.driver.rules`` holds a reportingDescriptor for every
rule given (sorted by code), plus one for any finding whose rule was not given;
each result names its rule by ``ruleId`` and ``ruleIndex``. A descriptor's ``helpUri``
is the rule's anchor in the rule reference (else its first web reference), and its
``help`` explains the rule in text and Markdown (rationale, legal reference, a failing
and a passing example).

The first pointer of a finding is its location (``artifactLocation.uri`` is the path
as a URI reference; ``region`` has the start line and, when the reporter was given
them, the start column, end line and end column, counted in Unicode code points as
``run.columnKind`` says; the pointer is a logical location); every other place the
finding concerns (each further pointer, and each place a quote is given for) is one of
its ``relatedLocations``, with its own region where known and a message that names the
place and quotes the policy's words there (one passage quoted for two places is named
at each); the first pointer is a related location too when the policy's words are
quoted for it. Quotes, pointers, hint and legal reference are also in the result's
``properties``. Every
result carries ``partialFingerprints["pypolicy/v1"]``, made from the rule and the ids
of the entries it concerns rather than from lines or array positions
(``pypolicy.validation.fingerprint``), so that code scanning keeps one alert per problem
across edits. A finding the document suppresses is a result with a SARIF
``suppressions`` entry (kind ``inSource``, status ``accepted``, the document's reason
as justification, the suppression entry as location).

Every input file is listed in ``run.artifacts`` (with its exact path in
``properties.path``); unusable files are ``invocations[0].toolExecutionNotifications``
at level error, and make ``executionSuccessful`` false.

Per document, the run's ``properties.documents`` lists what the text report's summary
line says (SARIF 2.1.0 lets every object carry a property bag, 3.8): ``path``,
``artifactIndex``, ``documentId``, ``counts`` by severity, ``suppressed``, every regime
considered with ``applied`` and its ``grounds`` (and ``assumed`` where the document
does not say so itself), and ``summary``, the line itself. ``properties.summary``
counts the whole run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote as _url_quote

from pypolicy.core.findings import (
    FileResult,
    Finding,
    Quote,
    Region,
    RuleInfo,
    Severity,
    SuppressedFinding,
)
from pypolicy.validation.report._shared import (
    DEFAULT_OPTIONS,
    INFORMATION_URI,
    SARIF_SCHEMA_URI,
    SARIF_VERSION,
    TOOL_NAME,
    QuotedPlace,
    ReportOptions,
    document_summary_data,
    dump_json,
    quoted_places,
    sorted_findings,
    summary_counts,
    usable_region,
    valid_line,
)

# The key of the fingerprint in partialFingerprints; a new recipe would get a new key.
FINGERPRINT_KEY = "pypolicy/v1"
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


def _help(info: RuleInfo, help_uri: str | None) -> dict[str, str]:
    """What code scanning shows under "Show more": the rule explained."""
    text = [info.summary, "", info.rationale]
    markdown = [f"**{info.summary}**", "", info.rationale]
    if info.legal_reference:
        text += ["", f"Legal reference: {info.legal_reference}"]
        markdown += ["", f"Legal reference: {info.legal_reference}"]
    for title, example in (("Fails", info.fail_example), ("Passes", info.pass_example)):
        if example:
            text += ["", f"{title}:", example.rstrip()]
            markdown += ["", f"{title}:", "", "```yaml", example.rstrip(), "```"]
    if help_uri:
        text += ["", f"See {help_uri}"]
        markdown += ["", f"[{info.code} {info.name} in the rule reference]({help_uri})"]
    return {"text": "\n".join(text), "markdown": "\n".join(markdown)}


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
    help_uri = info.help_uri or next((u for u in map(_http_uri, info.references) if u), None)
    if help_uri:
        descriptor["helpUri"] = help_uri
    descriptor["help"] = _help(info, help_uri)
    return descriptor


def _logical(pointer: str) -> list[dict[str, Any]]:
    return [{"fullyQualifiedName": pointer, "kind": "element"}]


def _physical(uri: str, index: int, where: int | Region | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "index": index}}
    region = usable_region(Region(where) if isinstance(where, int) else where)
    if region is not None:
        physical["region"] = region.as_dict()
    return physical


def _quote_message(place: QuotedPlace) -> str:
    quote = place.quote
    text = f'"{quote.text}"' if quote.text is not None else "(no quote)"
    if quote.section is not None:
        text += f' (section "{quote.section}")'
    for inferred, rationale in place.notes:
        if inferred:
            text += f"; inferred: {rationale or '(no rationale given)'}"
        elif rationale is not None:
            text += f"; rationale: {rationale}"
    return text


def _related(finding: Finding, uri: str, artifact: int) -> list[dict[str, Any]]:
    """Every other place of a finding, each once, with the policy's words quoted there."""
    quotes: dict[str, dict[Quote, None]] = {p: {} for p in finding.pointers}
    for quote in finding.quotes:
        quotes.setdefault(quote.pointer, {})[quote] = None
    related: list[dict[str, Any]] = []
    for index, (pointer, here) in enumerate(quotes.items()):
        if index == 0 and finding.pointers and not here:
            continue  # the finding's own location, with nothing more to show there
        place = "at" if finding.pointers and pointer == finding.pointers[0] else "also at"
        words = "; ".join(_quote_message(q) for q in quoted_places(list(here)))
        entry: dict[str, Any] = {
            "id": len(related) + 1,
            "physicalLocation": _physical(uri, artifact, finding.region_of(pointer)),
            "logicalLocations": _logical(pointer),
            "message": {"text": f"{place} {pointer or '(document root)'}"
                                + (f": {words}" if words else "")},
        }
        if here:
            entry["properties"] = {"quotes": [q.as_dict() for q in here]}
        related.append(entry)
    return related


def _sarif_result(finding: Finding, rule_index: int, uri: str, artifact: int,
                  document_id: str | None) -> dict[str, Any]:
    location: dict[str, Any] = {"physicalLocation": _physical(uri, artifact, finding.region())}
    if finding.pointers:
        location["logicalLocations"] = _logical(finding.pointers[0])
    related = _related(finding, uri, artifact)
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
    if finding.fingerprint is not None:
        result["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    return result


def _suppressed_result(suppressed: SuppressedFinding, rule_index: int, uri: str,
                       artifact: int, document_id: str | None) -> dict[str, Any]:
    result = _sarif_result(suppressed.finding, rule_index, uri, artifact, document_id)
    where: dict[str, Any] = {"physicalLocation": _physical(uri, artifact, suppressed.line),
                             "logicalLocations": _logical(suppressed.pointer)}
    result["suppressions"] = [{"kind": "inSource", "status": "accepted",
                               "justification": suppressed.reason, "location": where}]
    return result


def report_sarif(results: Sequence[FileResult], rules: Mapping[str, RuleInfo],
                 options: ReportOptions = DEFAULT_OPTIONS) -> str:
    """A SARIF 2.1.0 log with one run."""
    descriptors: list[dict[str, Any]] = []
    rule_index: dict[str, int] = {}
    for code in sorted(rules):
        rule_index[code] = len(descriptors)
        descriptors.append(_descriptor(code, rules[code]))
    for result in results:
        for finding in (*result.findings, *(s.finding for s in result.suppressed_findings)):
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
    documents: list[dict[str, Any]] = []
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
        if result.usable:
            documents.append({"path": result.path, "artifactIndex": index,
                              **({"documentId": result.document_id}
                                 if result.document_id is not None else {}),
                              **document_summary_data(result)})
        if not result.usable:
            line = valid_line(result.error_line)
            location: dict[str, Any] = {"physicalLocation": _physical(
                uri, index, Region(line, result.error_column) if line is not None else None)}
            if result.error_pointer is not None:
                location["logicalLocations"] = _logical(result.error_pointer)
            notifications.append({
                "level": "error",
                "message": {"text": result.error or ""},
                "locations": [location],
                "properties": {"path": result.path},
            })
        for finding in sorted_findings(result):
            sarif_results.append(_sarif_result(finding, rule_index[finding.code], uri,
                                               index, result.document_id))
        for suppressed in sorted(result.suppressed_findings,
                                 key=lambda s: s.finding.sort_key()):
            sarif_results.append(_suppressed_result(
                suppressed, rule_index[suppressed.finding.code], uri, index,
                result.document_id))

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
            "columnKind": "unicodeCodePoints",
            "invocations": [invocation],
            "artifacts": artifacts,
            "results": sarif_results,
            "properties": {"summary": summary_counts(results), "documents": documents},
        }],
    }
    return dump_json(log)
