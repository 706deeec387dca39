"""``--statistics``: how many findings each rule made, instead of the findings.

For people, most frequent first, then a summary line::

       12  VP310  right-missing                        error
        3  VP203  end-to-end-encryption-claim          error

    15 errors, 0 warnings, 0 info in 5 files

With ``-f json``, a list in the same order: ``[{"code": "VP310", "name":
"right-missing", "severity": "error", "count": 12}, ...]``. Unusable files have no
findings to count; the summary line (and the exit code) still tells of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from pypolicy.core.findings import FileResult, Severity
from pypolicy.core.text import one_line
from pypolicy.validation.report._shared import (
    DEFAULT_OPTIONS,
    ReportOptions,
    dump_json,
    summary_line,
)


def rule_counts(results: Sequence[FileResult]) -> list[dict[str, Any]]:
    """Per rule: code, name, the highest severity given, and how many findings."""
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    worst: dict[str, Severity] = {}
    for result in results:
        for finding in result.findings:
            counts[finding.code] += 1
            names[finding.code] = finding.name
            worst[finding.code] = max(worst.get(finding.code, finding.severity),
                                      finding.severity)
    order = sorted(counts, key=lambda code: (-counts[code], code))
    return [{"code": code, "name": names[code], "severity": worst[code].label,
             "count": counts[code]} for code in order]


def report_statistics(results: Sequence[FileResult], *, as_json: bool = False,
                      options: ReportOptions = DEFAULT_OPTIONS) -> str:
    rows = rule_counts(results)
    if as_json:
        return dump_json(rows)
    width = max((len(str(r["count"])) for r in rows), default=1)
    lines = [f"{r['count']:>{width + 3}}  {one_line(r['code'])}  {one_line(r['name']):<36} "
             f"{r['severity']}" for r in rows]
    if options.quiet:
        return "".join(line + "\n" for line in lines)
    return "".join(line + "\n" for line in lines) + ("\n" if lines else "") + \
        summary_line(results) + "\n"
