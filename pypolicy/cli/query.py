"""The ``query`` and ``load`` commands.

Imported on every start of ``pypolicy`` (to register the commands), so nothing heavy is
imported at module level: rdflib and pyoxigraph are imported by the handlers.

``pypolicy query`` exits 0 when the query ran (whatever it found; an ASK query prints
``true`` or ``false``), and 2 when the query, a parameter, an input file or the
endpoint is unusable, when the query asks for something refused (SERVICE, FROM, an
update), or when it runs past its time limit.
"""

from __future__ import annotations

import argparse
import gc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from pypolicy.core.errors import ConfigError

Handler = Callable[[argparse.Namespace, TextIO], int]

DEFAULT_TIMEOUT = 60.0


def _parameter(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise argparse.ArgumentTypeError(f"expected name=value, got {text!r}")
    return name.strip(), value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("the time limit cannot be negative")
    return value


def register(subparsers: Any) -> dict[str, Handler]:
    q = subparsers.add_parser(
        "query", help="run a SPARQL query over policy documents",
        description="Run a SPARQL query (inline, from a file, or from the bundled pack) over"
        " policy documents, loaded as a dataset with one named graph per policy plus the"
        " vocabulary and jurisdiction graphs; or over a SPARQL endpoint.")
    source = q.add_mutually_exclusive_group(required=True)
    source.add_argument("--query", "-q", metavar="TEXT", help="the query text")
    source.add_argument("--file", metavar="FILE.rq", help="a file holding the query")
    source.add_argument("--name", "-n", metavar="NAME", help="a query of the bundled pack")
    source.add_argument("--list", action="store_true", help="list the bundled queries")
    q.add_argument("files", nargs="*", metavar="FILE_OR_DIR",
                   help="policy documents, or directories of them (.json, .yaml, .yml)")
    q.add_argument("--param", "-p", action="append", type=_parameter, default=[],
                   metavar="NAME=VALUE", help="bind a query parameter (repeatable)")
    q.add_argument("--format", "-f", default="table", dest="result_format",
                   choices=["table", "csv", "tsv", "json", "xml", "turtle", "nt"],
                   help="result format (default table; CONSTRUCT and DESCRIBE print Turtle)")
    q.add_argument("--store", choices=["memory", "oxigraph"], default="memory",
                   help="embedded engine: rdflib in memory (default) or Oxigraph (faster on"
                        " large corpora; needs pyoxigraph)")
    q.add_argument("--endpoint", metavar="URL",
                   help="query this SPARQL 1.1 endpoint instead of an embedded store")
    q.add_argument("--update-endpoint", metavar="URL",
                   help="the endpoint's SPARQL Update URL: the FILE_OR_DIR given are loaded"
                        " there (each into its named graph) before the query runs")
    q.add_argument("--allow-remote", action="store_true",
                   help="allow SERVICE and FROM / FROM NAMED in the query (refused by default)")
    q.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"stop the query after this many seconds (default {DEFAULT_TIMEOUT:g};"
                        " 0: no limit)")
    q.add_argument("--output", "-o", metavar="FILE", help="write the result to FILE")

    load = subparsers.add_parser(
        "load", help="load policy documents into a SPARQL endpoint",
        description="Replace each document's named graph (and the vocabulary and"
        " jurisdiction graphs) in a SPARQL store, by SPARQL Update INSERT DATA.")
    load.add_argument("files", nargs="+", metavar="FILE_OR_DIR")
    load.add_argument("--update-endpoint", required=True, metavar="URL")
    load.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                      help="network time limit per request (default 60)")
    return {"query": cmd_query, "load": cmd_load}


# ------------------------------------------------------------------------------ query


@dataclass(frozen=True)
class QueryJob:
    """Everything the query process needs; picklable, for a spawned process."""

    text: str
    source: str
    allow_remote: bool
    declared: tuple[Any, ...] | None
    parameters: dict[str, str]
    files: tuple[str, ...]
    store: str
    endpoint: str | None
    update_endpoint: str | None
    result_format: str
    network_timeout: float


def run_job(job: QueryJob, started: Callable[[], None]) -> str:
    """Load the corpus, run the query, format the answer (in the query process)."""
    from pypolicy.query.dataset import build_dataset, build_oxigraph_store, load_documents
    from pypolicy.query.engines import Engine, OxigraphEngine, RdflibEngine
    from pypolicy.query.pack import bind_parameters
    from pypolicy.query.remote import RemoteEngine
    from pypolicy.query.results import format_result
    from pypolicy.query.safety import check_query

    query = check_query(job.text, job.source, allow_remote=job.allow_remote)
    bindings = bind_parameters(query, job.declared, job.parameters)
    engine: Engine
    if job.endpoint:
        remote = RemoteEngine(job.endpoint, job.update_endpoint, job.network_timeout)
        if job.files:
            remote.load(load_documents(job.files))
        engine = remote
    else:
        documents = load_documents(job.files)
        if job.store == "oxigraph":
            engine = OxigraphEngine(build_oxigraph_store(documents))
        else:
            engine = RdflibEngine(build_dataset(documents))
        del documents
    # The corpus lives as long as this process: keep the garbage collector from walking
    # its millions of objects again and again while the query allocates.
    gc.collect()
    gc.freeze()
    started()
    result = engine.run(query, bindings)
    return format_result(result, job.result_format, query.prefixes)


def _list_pack(stdout: TextIO) -> int:
    import textwrap

    from pypolicy.query.pack import query_pack

    for query in query_pack().values():
        stdout.write(f"{query.name}\n    {query.title}\n")
        stdout.write(textwrap.fill(query.description, width=88, initial_indent="    ",
                                   subsequent_indent="    ") + "\n")
        for p in query.parameters:
            default = f", default {p.default}" if p.default is not None else ""
            stdout.write(textwrap.fill(f"--param {p.name}=... ({p.type}{default}):"
                                       f" {p.description}", width=88,
                                       initial_indent="    ", subsequent_indent="        ")
                         + "\n")
        stdout.write("\n")
    stdout.write("Run one with: pypolicy query --name NAME [--param name=value] FILE_OR_DIR...\n")
    return 0


def _read_query_file(name: str) -> str:
    try:
        with open(name, encoding="utf-8") as handle:
            return handle.read(4 * 1024 * 1024)
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read the query: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{name}: the query is not UTF-8 text: {exc.reason}") from None


def cmd_query(args: argparse.Namespace, stdout: TextIO) -> int:
    if args.list:
        return _list_pack(stdout)
    from pypolicy.query.dataset import oxigraph_available
    from pypolicy.query.pack import bind_parameters, pack_query, parse_header
    from pypolicy.query.remote import check_endpoint
    from pypolicy.query.results import check_format
    from pypolicy.query.safety import call_with_time_limit, check_query

    declared: tuple[Any, ...] | None = None
    if args.name:
        pack = pack_query(args.name)
        text, source, declared = pack.text, f"{pack.name} ({pack.path.name})", pack.parameters
    elif args.file:
        text, source = _read_query_file(args.file), args.file
        declared = parse_header(text, source)[2] or None
    else:
        text, source = args.query, "--query"
    if args.update_endpoint and not args.endpoint:
        raise ConfigError("--update-endpoint needs --endpoint (the URL to query)")
    if args.endpoint:
        check_endpoint(args.endpoint)
        if args.files and not args.update_endpoint:
            raise ConfigError("to load FILE_OR_DIR into the endpoint give --update-endpoint;"
                              " to query what it holds, give no files")
    elif not args.files:
        raise ConfigError("give the policy documents to query (files or directories), or"
                          " --endpoint URL")
    if args.store == "oxigraph" and not args.endpoint and not oxigraph_available():
        raise ConfigError("--store oxigraph needs pyoxigraph: pip install 'pypolicy[oxigraph]'")

    # Refuse, and report syntax errors, before anything is loaded or any engine runs.
    query = check_query(text, source, allow_remote=args.allow_remote)
    parameters = dict(args.param)
    bind_parameters(query, declared, parameters)
    check_format(query.kind, args.result_format)
    job = QueryJob(text, source, args.allow_remote, declared, parameters, tuple(args.files),
                   args.store, args.endpoint, args.update_endpoint, args.result_format,
                   args.timeout or DEFAULT_TIMEOUT)
    output = call_with_time_limit(run_job, (job,), args.timeout or None)
    from pypolicy.cli.main import write_output

    inputs = [*args.files, *([args.file] if args.file else [])]
    write_output(output, args.output, inputs, stdout)
    return 0


# ------------------------------------------------------------------------------ load


def cmd_load(args: argparse.Namespace, stdout: TextIO) -> int:
    from pypolicy.query.dataset import load_documents
    from pypolicy.query.remote import RemoteEngine, check_endpoint

    endpoint = check_endpoint(args.update_endpoint, "--update-endpoint")
    documents = load_documents(args.files)
    remote = RemoteEngine(endpoint, endpoint, args.timeout or DEFAULT_TIMEOUT)
    graphs = remote.load(documents)
    stdout.write(f"loaded {len(documents)} polic{'y' if len(documents) == 1 else 'ies'}"
                 f" ({graphs} named graphs, with the vocabulary and jurisdictions) into"
                 f" {endpoint}\n")
    return 0
