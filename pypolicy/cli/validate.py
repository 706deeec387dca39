"""``pypolicy validate`` (and the registration of ``pypolicy rules``, beside it in the
help; ``pypolicy.cli.rules``): wiring only.

argv -> settings (``pypolicy.validation.settings``) -> documents
(``pypolicy.validation.inputs``) -> results (``pypolicy.validation.engine``) -> report
(``pypolicy.validation.report``) -> exit code: 0 nothing at or above the fail level (or
``--exit-zero``), 1 findings at or above it, 2 an unusable document or bad
configuration (``--exit-zero`` does not hide those: a report about a file that could not
be read is not a clean report).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any, TextIO

from pypolicy.core.errors import ConfigError
from pypolicy.core.findings import FileResult

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _findings_limit(value: str) -> int:
    """A whole number of findings, 0 for no limit (as the setting has it)."""
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(
            f"expected a whole number (0 lists every finding), not {value!r}")
    return number


def register(subparsers: Any) -> dict[str, Any]:
    v = subparsers.add_parser(
        "validate", formatter_class=_ProfilesHelp,
        help="check policy documents (schema, references, contradictions, consistency,"
        " completeness)",
        description="Check policy documents. A directory is searched recursively for"
        " *.policy.json, *.policy.yaml, *.policy.yml and policy.json/.yaml/.yml; - reads"
        " standard input. Settings come from the nearest pyproject.toml with a"
        " [tool.pypolicy] table, up to the project root (.git).")
    v.add_argument("files", nargs="+", metavar="PATH",
                   help="policy documents (JSON or YAML), directories, or - for standard"
                        " input")
    v.add_argument("--format", "-f", default="text", dest="report_format",
                   help="report format: text, json, sarif, junit, github, gitlab"
                        " (default text)")
    v.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    v.add_argument("--fail-level", choices=["error", "warning", "info"],
                   help="lowest severity that makes the exit code 1 (default error)")
    v.add_argument("--exit-zero", action="store_true",
                   help="exit 0 even when there are findings (unusable input still exits 2)")
    v.add_argument("--select", type=_csv, default=None, metavar="RULES",
                   help="only these rules: codes, code prefixes (VP3), names, groups or ALL,"
                        " comma-separated")
    v.add_argument("--extend-select", type=_csv, action="extend", default=[],
                   metavar="RULES", help="add rules to the selection (opt-in rules by code)")
    v.add_argument("--ignore", type=_csv, default=None, metavar="RULES",
                   help="skip these rules (codes, code prefixes, names or groups)")
    v.add_argument("--profile", type=_csv, default=None, metavar="PROFILES",
                   help="force completeness profiles, comma-separated: " + PROFILES_HELP)
    v.add_argument("--config", metavar="FILE",
                   help="a TOML file with a [tool.pypolicy] table (default: the nearest"
                        " pyproject.toml that has one, up to the project root)")
    v.add_argument("--isolated", action="store_true", help="read no configuration file")
    v.add_argument("--exclude", type=_csv, action="extend", default=[], metavar="PATTERNS",
                   help="leave files and folders matching these glob patterns out of a"
                        " directory search (added to the configuration's exclude)")
    v.add_argument("--force-exclude", action="store_true",
                   help="apply exclude to files named on the command line too (for"
                        " pre-commit)")
    v.add_argument("--stdin-filename", metavar="PATH",
                   help="the name to report standard input (-) under; its extension says"
                        " JSON or YAML and per-file ignores apply to it")
    v.add_argument("--statistics", action="store_true",
                   help="count findings per rule instead of listing them (text or json)")
    v.add_argument("--quiet", "-q", action="count", default=0,
                   help="only findings, no summary; twice (-qq): print nothing, exit code"
                        " only")
    v.add_argument("--verbose", "-v", action="store_true",
                   help="say on standard error which settings and files are used")
    v.add_argument("--shacl", action="store_true",
                   help="also check the document's RDF form against the SHACL shapes")
    v.add_argument("--max-findings-per-rule", type=_findings_limit, metavar="N",
                   help="list at most N findings of each rule per document, the rest"
                        " counted in one more finding; 0 lists them all (default: the"
                        " max-findings-per-rule setting, else 100)")
    v.add_argument("--color", choices=["auto", "always", "never"], default="auto")

    from pypolicy.cli import rules as rules_cli

    return {"validate": cmd_validate, **rules_cli.register(subparsers)}


# Stands in the --profile help for the profiles of the registry, filled in only when the
# help is shown: reading the registry imports every rule, which the other commands (and
# validate itself, until it runs) need not pay for.
PROFILES_HELP = "{profiles}"


class _ProfilesHelp(argparse.HelpFormatter):
    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = super()._get_help_string(action)
        if text is None or PROFILES_HELP not in text:
            return text
        from pypolicy.validation.rules._regimes import ALWAYS, PROFILES

        forced = ", ".join(p for p in PROFILES if p != ALWAYS)
        return text.replace(PROFILES_HELP, forced + f" ({ALWAYS} always applies)")


def _read_stdin(limit: int) -> bytes:
    stream: Any = sys.stdin
    if stream is None:
        return b""
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        data: bytes = buffer.read(limit + 1)
        return data
    return str(stream.read(limit + 1)).encode("utf-8", "surrogateescape")


def _log(args: argparse.Namespace, message: str) -> None:
    if args.verbose:
        sys.stderr.write(f"pypolicy: {message}\n")


def cmd_validate(args: argparse.Namespace, stdout: TextIO) -> int:
    from pypolicy.cli.output import write_output
    from pypolicy.validation.engine import rule_catalogue, validate_bytes, validate_path
    from pypolicy.validation.inputs import collect
    from pypolicy.validation.report import LOCATING, REPORTERS, ReportOptions
    from pypolicy.validation.report.statistics import report_statistics
    from pypolicy.validation.settings import Overrides, SettingsFinder

    if args.report_format not in REPORTERS:
        raise ConfigError(f"unknown report format {args.report_format!r}; known: "
                          f"{', '.join(REPORTERS)}")
    if args.statistics and args.report_format not in ("text", "json"):
        raise ConfigError("--statistics writes text or json, not " + args.report_format)
    overrides = Overrides(
        select=tuple(args.select) if args.select is not None else None,
        extend_select=tuple(args.extend_select),
        ignore=tuple(args.ignore) if args.ignore is not None else None,
        profiles=tuple(args.profile) if args.profile is not None else None,
        fail_level=args.fail_level, exclude=tuple(args.exclude),
        enable=("shacl-violation",) if args.shacl else (),
        max_findings_per_rule=args.max_findings_per_rule)
    finder = SettingsFinder(overrides, config=args.config, isolated=args.isolated)
    inputs = collect(args.files, finder, stdin_filename=args.stdin_filename,
                     force_exclude=args.force_exclude)
    for source in dict.fromkeys(str(i.settings.source or "none (defaults)") for i in inputs):
        _log(args, f"settings: {source}")
    _log(args, f"{len(inputs)} document(s) to check")

    regions = args.report_format in LOCATING and not args.statistics
    results: list[FileResult] = []
    fails = False
    for item in inputs:
        started = time.perf_counter()
        config = item.settings.config_for(item.path)
        if item.error is not None:
            result = FileResult(item.path, error=item.error)
        elif item.stdin:
            result = validate_bytes(_read_stdin(config.max_bytes), item.path, config,
                                    regions=regions)
        else:
            result = validate_path(item.path, config, regions=regions)
        results.append(result)
        worst = result.worst()
        fails = fails or (worst is not None and worst >= config.fail_level)
        outcome = "unusable" if not result.usable else f"{len(result.findings)} finding(s)"
        _log(args, f"{item.path}: {outcome} in {1000 * (time.perf_counter() - started):.1f} ms")

    color = args.color == "always" or (args.color == "auto" and args.output is None and
                                       stdout.isatty() and "NO_COLOR" not in os.environ)
    options = ReportOptions(color=color, quiet=args.quiet >= 1)
    if args.statistics:
        text = report_statistics(results, as_json=args.report_format == "json",
                                 options=options)
    else:
        text = REPORTERS[args.report_format](results, rule_catalogue(), options)
    if args.quiet < 2 or args.output is not None:
        write_output(text, args.output, [i.path for i in inputs if not i.stdin], stdout)
    if any(not r.usable for r in results):
        return EXIT_ERROR
    return EXIT_FINDINGS if fails and not args.exit_zero else EXIT_OK
