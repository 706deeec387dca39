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
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from pypolicy.cli import validate as validate_cli
from pypolicy.cli.output import write_output
from pypolicy.cli.validate import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
from pypolicy.core.errors import ConfigError, PypolicyError
from pypolicy.core.version import FORMAT_VERSION, __version__
from pypolicy.format.discovery import PATTERN_HELP

__all__ = ["COMMANDS", "EXIT_ERROR", "EXIT_FINDINGS", "EXIT_OK", "build_parser", "main",
           "write_output"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse exits 2 too; keep its message short
        self.print_usage(sys.stderr)
        raise ConfigError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pypolicy", description="Machine-readable privacy policies of "
                     "VoIP and telecom providers: validate, convert, query, render.")
    parser.add_argument("--version", action="version",
                        version=f"pypolicy {__version__} (format {FORMAT_VERSION})")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    # validate and rules first, so that --help lists the everyday command first
    COMMANDS.update(validate_cli.register(sub))

    e = sub.add_parser("export", help="write a policy document as RDF")
    e.add_argument("files", nargs="+", metavar="FILE_OR_DIR",
                   help="policy documents, or directories of them")
    e.add_argument("--pattern", action="append", default=[], metavar="GLOB",
                   help=PATTERN_HELP)
    e.add_argument("--to", default="turtle", choices=["turtle", "nt", "nquads", "jsonld"],
                   help="RDF syntax (default turtle); nquads puts each document in its own"
                        " named graph")
    e.add_argument("--output", "-o", metavar="FILE")
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        COMMANDS.update(module.register(sub))
    return parser


# ------------------------------------------------------------------ output


# ------------------------------------------------------------------ commands


def cmd_export(args: argparse.Namespace, stdout: TextIO) -> int:
    from rdflib import Dataset, Graph, URIRef

    from pypolicy.core.text import one_line
    from pypolicy.format.discovery import SKIPPED_NOTE, find_documents, not_a_policy
    from pypolicy.format.documents import load_valid, refuse_shared_ids
    from pypolicy.format.rdf import document_iri, serialize_export, to_graph

    loaded = []
    for found in find_documents(args.files, args.pattern):
        try:
            loaded.append(load_valid(found.path))
        except PypolicyError:
            if not (found.listed and not_a_policy(found.path)):
                raise
            sys.stderr.write(f"pypolicy: note: {one_line(found.path)}: {SKIPPED_NOTE}\n")
    refuse_shared_ids(loaded, "each policy needs its own named graph and IRIs")
    documents = [document.data for document in loaded]
    graph: Graph = Dataset() if args.to == "nquads" else Graph()
    for data in documents:
        to_graph(data, graph.graph(URIRef(document_iri(str(data["id"]))))
                 if isinstance(graph, Dataset) else graph)
    write_output(serialize_export(graph, args.to), args.output, args.files, stdout)
    return EXIT_OK


# Modules that add commands: each has register(subparsers) -> {name: handler}, and
# imports nothing heavy at module level.
COMMAND_MODULES: tuple[str, ...] = tuple(
    name for name in ("pypolicy.cli.query", "pypolicy.cli.corpus", "pypolicy.cli.render",
                      "pypolicy.cli.annotate", "pypolicy.cli.schema")
    if importlib.util.find_spec(name) is not None)

COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
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
