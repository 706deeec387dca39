"""The ``gitlab`` reporter: a GitLab code quality report (the Code Climate subset GitLab
reads, a JSON array), for a merge request's code quality widget.

One issue per finding and per unusable file::

    [
      {
        "type": "issue",
        "check_name": "VP203",
        "description": "VP203 end-to-end-encryption-claim: end-to-end encryption is ...",
        "severity": "major",                  (error; warning is "minor", info "info",
                                               an unusable file "blocker")
        "fingerprint": "9f2c...",             (32 hex digits, unique in the report)
        "location": {"path": "policies/a.policy.json",
                     "positions": {"begin": {"line": 12, "column": 5},
                                   "end": {"line": 20, "column": 6}}}
      }
    ]

``location.lines.begin`` takes the place of ``positions`` where only the line is
known, and line 1 where not even that is. GitLab tells new issues from fixed ones by
fingerprint: it is the finding's own (``pypolicy.validation.fingerprint``, which survives
edits of the document) combined with the file's path, since one problem in two files is
two issues.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from pypolicy.core.findings import FileResult, Finding, Region, RuleInfo, Severity
from pypolicy.validation.report._shared import (
    DEFAULT_OPTIONS,
    ReportOptions,
    dump_json,
    sorted_findings,
    usable_region,
    valid_line,
)

_SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def _location(path: str, region: Region | None) -> dict[str, Any]:
    region = usable_region(region)
    if region is None:
        return {"path": path, "lines": {"begin": 1}}
    if region.start_column is None:
        return {"path": path, "lines": {"begin": region.start_line}}
    begin = {"line": region.start_line, "column": region.start_column}
    positions: dict[str, Any] = {"begin": begin}
    if region.end_line is not None and region.end_column is not None:
        positions["end"] = {"line": region.end_line, "column": region.end_column}
    return {"path": path, "positions": positions}


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _finding_fingerprint(path: str, finding: Finding) -> str:
    own = finding.fingerprint or _hash(finding.code, *finding.pointers, finding.message)
    return _hash(path, own)


def report_gitlab(results: Sequence[FileResult], rules: Mapping[str, RuleInfo],
                  options: ReportOptions = DEFAULT_OPTIONS) -> str:
    """A GitLab code quality report: a JSON array of issues."""
    issues: list[dict[str, Any]] = []
    seen: set[str] = set()

    def unique(fingerprint: str) -> str:
        # GitLab needs every fingerprint once; the same file given twice repeats them
        candidate, count = fingerprint, 1
        while candidate in seen:
            count += 1
            candidate = _hash(fingerprint, str(count))
        seen.add(candidate)
        return candidate

    for result in results:
        if not result.usable:
            line = valid_line(result.error_line)
            issues.append({
                "type": "issue",
                "check_name": "unusable-file",
                "description": f"unusable file: {result.error or ''}",
                "severity": "blocker",
                "fingerprint": unique(_hash(result.path, "unusable", result.error or "")),
                "location": _location(result.path, Region(line, result.error_column)
                                      if line is not None else None),
            })
        for finding in sorted_findings(result):
            issues.append({
                "type": "issue",
                "check_name": finding.code,
                "description": f"{finding.code} {finding.name}: {finding.message}",
                "severity": _SEVERITIES[finding.severity],
                "fingerprint": unique(_finding_fingerprint(result.path, finding)),
                "location": _location(result.path, finding.region()),
            })
    return dump_json(issues)
