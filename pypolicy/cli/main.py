"""The ``pypolicy`` command: argv -> objects -> run -> exit code.

Exit codes: 0 nothing at or above the fail level; 1 findings at or above it; 2 unusable
input or configuration. Heavy modules (rdflib, pySHACL) are imported only by the
commands that need them, so that ``pypolicy validate`` starts fast.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import os
import sys
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from pypolicy.core.errors import ConfigError, PypolicyError
from pypolicy.core.findings import FileResult, Severity
from pypolicy.core.version import FORMAT_VERSION, __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse exits 2 too; keep its message short
        self.print_usage(sys.stderr)
        raise ConfigError(message)


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pypolicy", description="Machine-readable privacy policies of "
                     "VoIP and telecom providers: validate, convert, query, render.")
    parser.add_argument("--version", action="version",
                        version=f"pypolicy {__version__} (format {FORMAT_VERSION})")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    v = sub.add_parser("validate", help="check policy documents (schema, references, "
                       "contradictions, consistency, completeness)")
    v.add_argument("files", nargs="+", metavar="FILE", help="JSON or YAML policy documents")
    v.add_argument("--format", "-f", default="text", dest="report_format",
                   help="report format: text, json, sarif, junit, github (default text)")
    v.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    v.add_argument("--fail-level", choices=["error", "warning", "info"],
                   help="lowest severity that makes the exit code 1 (default error)")
    v.add_argument("--select", type=_csv, default=None, metavar="RULES",
                   help="only these rules (codes, names or groups, comma-separated)")
    v.add_argument("--ignore", type=_csv, default=None, metavar="RULES",
                   help="skip these rules (codes, names or groups)")
    v.add_argument("--profile", type=_csv, default=None, metavar="PROFILES",
                   help="force completeness profiles: gdpr, eprivacy, cpni, emergency")
    v.add_argument("--config", metavar="FILE",
                   help="a TOML file with a [tool.pypolicy] table (default: pyproject.toml in"
                        " the current directory, if it has one)")
    v.add_argument("--shacl", action="store_true",
                   help="also check the document's RDF form against the SHACL shapes")
    v.add_argument("--color", choices=["auto", "always", "never"], default="auto")

    r = sub.add_parser("rules", help="list the validator's rules")
    r.add_argument("--format", "-f", choices=["text", "markdown"], default="text",
                   dest="rules_format")

    e = sub.add_parser("export", help="write a policy document as RDF")
    e.add_argument("files", nargs="+", metavar="FILE")
    e.add_argument("--to", default="turtle", choices=["turtle", "nt", "nquads", "jsonld"],
                   help="RDF syntax (default turtle); nquads puts each document in its own"
                        " named graph")
    e.add_argument("--output", "-o", metavar="FILE")
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        COMMANDS.update(module.register(sub))
    return parser


# ------------------------------------------------------------------ configuration


def load_config(args: argparse.Namespace) -> Any:
    from pypolicy.validate.engine import Config
    from pypolicy.validate.rules._base import PROFILES

    table: dict[str, Any] = {}
    path = Path(args.config) if args.config else Path("pyproject.toml")
    if args.config or path.is_file():
        try:
            with open(path, "rb") as handle:
                document = tomllib.load(handle)
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        table = document.get("tool", {}).get("pypolicy", {})
        if args.config and not table and "pypolicy" in document:
            table = document["pypolicy"]
    known = {"select", "ignore", "severity", "profiles", "fail-level", "max-bytes"}
    unknown = set(table) - known
    if unknown:
        raise ConfigError(f"{path}: unknown [tool.pypolicy] keys: {', '.join(sorted(unknown))}")

    def codes(value: Any, key: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path}: {key} must be a list of strings")
        return tuple(value)

    try:
        severities = {k: Severity.parse(v) for k, v in table.get("severity", {}).items()}
        fail_level = Severity.parse(args.fail_level or table.get("fail-level", "error"))
    except (ValueError, AttributeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    profiles = tuple(args.profile) if args.profile is not None else \
        codes(table.get("profiles"), "profiles")
    bad = set(profiles) - set(PROFILES)
    if bad:
        raise ConfigError(f"unknown profile(s) {', '.join(sorted(bad))}; known: "
                          f"{', '.join(PROFILES)}")
    from pypolicy.validate.rules import RULES

    names = {r.code for r in RULES.values()} | {r.name for r in RULES.values()} | {
        g for r in RULES.values() for g in r.groups}
    select = tuple(args.select) if args.select is not None else codes(table.get("select"),
                                                                      "select")
    ignore = tuple(args.ignore) if args.ignore is not None else codes(table.get("ignore"),
                                                                      "ignore")
    for key in (*select, *ignore, *severities):
        if key not in names:
            raise ConfigError(f"unknown rule, name or group {key!r} (see pypolicy rules)")
    max_bytes = table.get("max-bytes", 16 * 1024 * 1024)
    if not isinstance(max_bytes, int) or max_bytes <= 0:
        raise ConfigError(f"{path}: max-bytes must be a positive integer")
    return Config(select, ignore, severities, profiles, fail_level, max_bytes)


# ------------------------------------------------------------------ output


def write_output(text: str, output: str | None, inputs: Sequence[str], stdout: TextIO) -> None:
    """Print, or write atomically to a file that is not one of the inputs."""
    if output is None or output == "-":
        stdout.write(text)
        return
    target = Path(output)
    from pypolicy.core.files import refuse_overwriting_inputs, write_atomic

    refuse_overwriting_inputs(target, inputs)
    try:
        write_atomic(target, text)
    except OSError as exc:
        raise ConfigError(f"cannot write {output}: {exc.strerror or exc}") from None


# ------------------------------------------------------------------ commands


def cmd_validate(args: argparse.Namespace, stdout: TextIO) -> int:
    from pypolicy.validate.engine import rule_catalogue, validate_path
    from pypolicy.validate.report import REPORTERS, ReportOptions

    if args.report_format not in REPORTERS:
        raise ConfigError(f"unknown report format {args.report_format!r}; known: "
                          f"{', '.join(REPORTERS)}")
    config = load_config(args)
    results: list[FileResult] = []
    if args.shacl:
        config = replace(config, enable=(*config.enable, "shacl-violation"))
    for name in args.files:
        results.append(validate_path(name, config))
    color = args.color == "always" or (args.color == "auto" and args.output is None and
                                       stdout.isatty() and "NO_COLOR" not in os.environ)
    report = REPORTERS[args.report_format](results, rule_catalogue(),
                                           ReportOptions(color=color))
    write_output(report, args.output, args.files, stdout)
    if any(not r.usable for r in results):
        return EXIT_ERROR
    worst = max((f.severity for r in results for f in r.findings), default=None)
    return EXIT_FINDINGS if worst is not None and worst >= config.fail_level else EXIT_OK


def cmd_rules(args: argparse.Namespace, stdout: TextIO) -> int:
    from pypolicy.validate.ruledocs import rules_markdown, rules_text

    stdout.write(rules_markdown() if args.rules_format == "markdown" else rules_text())
    return EXIT_OK


def cmd_export(args: argparse.Namespace, stdout: TextIO) -> int:
    from rdflib import Dataset, Graph, URIRef

    from pypolicy.format.documents import load_valid
    from pypolicy.format.rdf import document_iri, to_graph

    documents = [load_valid(name).data for name in args.files]
    if args.to == "nquads":
        dataset = Dataset()
        for data in documents:
            to_graph(data, dataset.graph(URIRef(document_iri(str(data["id"])))))
        text = dataset.serialize(format="nquads")
    else:
        graph = Graph()
        for data in documents:
            to_graph(data, graph)
        graph.bind("pp", "https://w3id.org/pypolicy/ns#")
        graph.bind("loc", "https://w3id.org/dpv/loc#")
        fmt = {"jsonld": "json-ld", "nt": "nt", "turtle": "turtle"}[args.to]
        text = graph.serialize(format=fmt)
    write_output(text, args.output, args.files, stdout)
    return EXIT_OK


# Modules that add commands: each has register(subparsers) -> {name: handler}, and
# imports nothing heavy at module level.
COMMAND_MODULES: tuple[str, ...] = tuple(
    name for name in ("pypolicy.cli.query", "pypolicy.cli.render", "pypolicy.cli.annotate")
    if importlib.util.find_spec(name) is not None)

COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    "validate": cmd_validate,
    "rules": cmd_rules,
    "export": cmd_export,
}


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        try:
            # --help and --version print and exit inside argparse; keep them in our streams
            with contextlib.redirect_stdout(out):
                args = build_parser().parse_args(argv)
        except SystemExit as exit_:
            return exit_.code if isinstance(exit_.code, int) else EXIT_ERROR
        return COMMANDS[args.command](args, out)
    except ConfigError as exc:
        err.write(f"pypolicy: error: {exc}\n")
        return EXIT_ERROR
    except PypolicyError as exc:
        err.write(f"pypolicy: {exc}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        err.write("pypolicy: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
