"""The ``json`` reporter: a stable, documented shape for programs.

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
          "findings": [Finding.as_dict(), ...],      (sorted by line, pointer, code)
          "counts": {"error": 0, "warning": 1, "info": 0},
          "regimes": [                               (empty when none was decided)
            {"regime": "ukGdpr", "label": "UK GDPR", "applied": true,
             "grounds": "provider established in the United Kingdom",
             "assumed": true,                        (only when assumed)
             "profile": "gdpr"},                     (the profile it switches on)
            ...                                      (every regime considered)
          ],
          "summary": "0 errors, 1 warning, 0 info; regimes: UK GDPR (provider ...)"
        }
      ],
      "summary": {"error": 0, "warning": 0, "info": 0, "files": 1,
                  "unusableFiles": 0}
    }

A finding is ``{"code", "name", "severity" ("error" | "warning" | "info"),
"message", "pointers": [...], "quotes": [{"pointer", "text"?, "section"?,
"start"?, "end"?, "rationale"?, "inferred"?}], "legalReference"?, "hint"?,
"line"?, "column"?, "endLine"?, "endColumn"?, "fingerprint"?}``, with every place it
concerns in ``pointers`` and every quote as given (one passage quoted for two places
is two quotes): the line of the first pointer when the document's text is known; its
column and end when the validator was asked for regions; the fingerprint (32 hex
digits, ``pypolicy.validation.fingerprint``) when the finding came from a loaded
document. ``regimes`` holds every regime the
validator considered for the document, applied or not, with its grounds; ``summary`` is
the document's summary line of the text report (counts, then the regimes applied and
why).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pypolicy.core.findings import FileResult, RuleInfo
from pypolicy.validation.report._shared import (
    DEFAULT_OPTIONS,
    JSON_REPORT_VERSION,
    TOOL_NAME,
    ReportOptions,
    document_summary_data,
    dump_json,
    sorted_findings,
    summary_counts,
)


def _file_as_dict(result: FileResult) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "path": result.path,
        "documentId": result.document_id,
        "usable": result.usable,
        "suppressed": result.suppressed,
        "findings": [f.as_dict() for f in sorted_findings(result)],
    }
    if result.usable:
        entry.update(document_summary_data(result))
    if result.error is not None:
        entry["error"] = result.error
    if result.error_line is not None:
        entry["errorLine"] = result.error_line
    if result.error_pointer is not None:
        entry["errorPointer"] = result.error_pointer
    return entry


def report_json(results: Sequence[FileResult], rules: Mapping[str, RuleInfo],
                options: ReportOptions = DEFAULT_OPTIONS) -> str:
    """The documented JSON shape (see the module docstring)."""
    data = {
        "version": JSON_REPORT_VERSION,
        "tool": {"name": TOOL_NAME, "version": options.tool_version},
        "files": [_file_as_dict(r) for r in results],
        "summary": summary_counts(results),
    }
    return dump_json(data)
