"""The reporters of ``pypolicy validate``: findings in, text out.

A reporter is a pure function ``(results, rules, options) -> str``: it never reads a
file, parses options or runs a rule. ``REPORTERS`` maps a format name to its reporter;
``report`` looks one up by name. Every reporter returns complete output that ends with
a newline (write it as it is), except that ``github`` returns ``""`` when there is
nothing to annotate.

One module per format, each documenting its output: ``text`` (for people), ``json``
(a stable shape for programs), ``sarif`` (SARIF 2.1.0 for code scanning), ``junit``
(JUnit XML for CI test views), ``github`` (GitHub Actions annotations), ``gitlab``
(GitLab code quality); ``statistics`` counts findings per rule instead. A new format
is a new module with a ``report_<name>`` function, added to ``REPORTERS`` below (and to
``LOCATING`` if it shows columns).
All text that comes from a document is made safe for where it goes
(``pypolicy.core.text``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pypolicy.core.errors import ConfigError
from pypolicy.core.findings import FileResult, RuleInfo
from pypolicy.core.text import sanitize_terminal
from pypolicy.validation.report._shared import (
    INFORMATION_URI,
    JSON_REPORT_VERSION,
    SARIF_SCHEMA_URI,
    Reporter,
    ReportOptions,
)
from pypolicy.validation.report.github import report_github
from pypolicy.validation.report.gitlab import report_gitlab
from pypolicy.validation.report.json import report_json
from pypolicy.validation.report.junit import report_junit
from pypolicy.validation.report.sarif import report_sarif
from pypolicy.validation.report.text import report_text

__all__ = [
    "INFORMATION_URI",
    "JSON_REPORT_VERSION",
    "LOCATING",
    "REPORTERS",
    "SARIF_SCHEMA_URI",
    "ReportOptions",
    "Reporter",
    "report",
    "report_github",
    "report_gitlab",
    "report_json",
    "report_junit",
    "report_sarif",
    "report_text",
    "sanitize_terminal",
]

REPORTERS: dict[str, Reporter] = {
    "text": report_text,
    "json": report_json,
    "sarif": report_sarif,
    "junit": report_junit,
    "github": report_github,
    "gitlab": report_gitlab,
}

# The formats that show columns and ends: the validator works out regions for these
# only, since that means reading each document's text once more.
LOCATING = frozenset({"sarif", "github", "gitlab"})


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
