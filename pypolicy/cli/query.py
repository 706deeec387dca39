"""The ``query`` command (``load`` and ``serve`` are in :mod:`pypolicy.cli.corpus`).

Imported on every start of ``pypolicy`` (to register the commands), so nothing heavy is
imported at module level: rdflib and pyoxigraph are imported by the handlers.

``pypolicy query`` exits 0 when the query ran (whatever it found; an ASK query prints
``true`` or ``false``), and 2 when the query, a parameter, an input file or the
endpoint is unusable, when the query asks for something refused (SERVICE, FROM, an
update), or when it runs past its time limit.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import math
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from pypolicy.core.errors import ConfigError
from pypolicy.format.discovery import PATTERN_HELP
from pypolicy.sparql.terminal import one_line, sanitize_terminal

if TYPE_CHECKING:
    from pypolicy.sparql.worker import Progress

Handler = Callable[[argparse.Namespace, TextIO], int]

DEFAULT_TIMEOUT = 60.0


def _parameter(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise argparse.ArgumentTypeError(f"expected name=value, got {text!r}")
    return name.strip(), value


MAX_SECONDS = 7 * 24 * 3600.0
MAX_QUERY_BYTES = 4 * 1024 * 1024


def _seconds(text: str) -> float | None:
    """A time limit: a finite number of seconds above 0 (at most a week), or ``none``."""
    if text.strip().lower() == "none":
        return None
    return _network_seconds(text)


def _network_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value <= 0 or value > MAX_SECONDS:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give a number of seconds above 0 and at most {MAX_SECONDS:.0f}")
    return value


def _megabytes(text: str) -> int | None:
    """A memory limit in MiB (at least 64), or ``none``."""
    if text.strip().lower() == "none":
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of MiB: {text!r}") from None
    if not 64 <= value <= 1 << 40:
        raise argparse.ArgumentTypeError(f"{text!r}: give at least 64 MiB, or none")
    return value * 1024 * 1024


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
    source.add_argument("--show", metavar="NAME",
                        help="print a pack query's text, with its prefixes declared and its"
                             " parameters (--param, or their defaults) bound, ready to paste"
                             " into another SPARQL tool")
    q.add_argument("files", nargs="*", metavar="FILE_OR_DIR",
                   help="policy documents, or directories of them (.json, .yaml, .yml)")
    q.add_argument("--param", "-p", action="append", type=_parameter, default=[],
                   metavar="NAME=VALUE", help="bind a query parameter (repeatable)")
    q.add_argument("--format", "-f", default="table", dest="result_format",
                   choices=["table", "csv", "tsv", "json", "xml", "turtle", "nt"],
                   help="result format (default table; CONSTRUCT and DESCRIBE print Turtle)")
    q.add_argument("--store", choices=["oxigraph", "rdflib", "memory"], default="oxigraph",
                   help="embedded engine: Oxigraph (default) or rdflib (slow beyond a few"
                        " hundred policies; 'memory' is its former name)")
    q.add_argument("--store-path", metavar="DIR",
                   help="answer from the store built by pypolicy load --store-path DIR,"
                        " without reading the documents again")
    q.add_argument("--pattern", action="append", default=[], metavar="GLOB",
                   help=PATTERN_HELP)
    q.add_argument("--endpoint", metavar="URL",
                   help="query this SPARQL 1.1 endpoint instead of an embedded store")
    q.add_argument("--update-endpoint", metavar="URL",
                   help="the endpoint's SPARQL Update URL: the FILE_OR_DIR given are loaded"
                        " there (each into its named graph) before the query runs")
    q.add_argument("--allow-remote", action="store_true",
                   help="allow SERVICE and FROM / FROM NAMED in the query (refused by default)")
    q.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"stop the query after this many seconds (default {DEFAULT_TIMEOUT:g};"
                        " none: no limit); also the time limit of each request to an endpoint")
    q.add_argument("--memory-limit", type=_megabytes, default=-1, metavar="MIB",
                   help="stop the query when its process needs more memory than this"
                        " (default: half the machine's memory; none: no limit)")
    q.add_argument("--output", "-o", metavar="FILE", help="write the result to FILE")

    return {"query": cmd_query}


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
    store_path: str | None = None
    patterns: tuple[str, ...] = ()


def run_job(job: QueryJob, started: Progress) -> tuple[str, list[str]]:
    """Load the corpus, run the query, format the answer (in the query process); the
    answer, and notes on files skipped."""
    with _escaped_errors():  # here, in the worker: a message leaves it as text
        notes: list[str] = []
        return _run_job(job, started, notes), notes


def _run_job(job: QueryJob, started: Progress, notes: list[str]) -> str:
    from pypolicy.sparql.dataset import build_dataset, find_inputs, load_documents
    from pypolicy.sparql.engines import Engine, OxigraphEngine, RdflibEngine
    from pypolicy.sparql.network_namespace import leave_network
    from pypolicy.sparql.pack import bind_parameters
    from pypolicy.sparql.remote import RemoteEngine
    from pypolicy.sparql.results import format_result
    from pypolicy.sparql.safety import check_query
    from pypolicy.sparql.store import load_into_memory, open_for_reading
    from pypolicy.sparql.worker import offline

    query = check_query(job.text, job.source, allow_remote=job.allow_remote)
    bindings = bind_parameters(query, job.declared, job.parameters)
    started.loading()  # the time limit does not count reading the corpus
    engine: Engine
    if job.endpoint:
        remote = RemoteEngine(job.endpoint, job.update_endpoint, job.network_timeout)
        if job.files:
            remote.load(load_documents(job.files, patterns=job.patterns, notes=notes))
        started()
        result = remote.run(query, bindings)
    else:
        if job.store_path:
            engine = OxigraphEngine(open_for_reading(job.store_path))
        elif job.store == "oxigraph":  # read, checked and loaded a batch at a time
            engine = OxigraphEngine(load_into_memory(find_inputs(job.files, job.patterns),
                                                     notes=notes))
        else:
            engine = RdflibEngine(build_dataset(load_documents(
                job.files, patterns=job.patterns, notes=notes)))
        # Modules the engine imports on first use are imported now: inside offline() no
        # file can be opened (nor a connection, which is the point).
        engine.run(check_query("ASK { ?s ?p ?o }", "warm-up"), {})
        # The corpus lives as long as this process: keep the garbage collector from
        # walking its millions of objects again and again while the query allocates.
        gc.collect()
        gc.freeze()
        started()
        # A store on disk opens its files while the query runs: walled off from the
        # network by a namespace of its own rather than by offline() (see its module).
        walled = bool(job.store_path) and leave_network()
        with contextlib.nullcontext() if walled else offline():
            result = engine.run(query, bindings)
    return format_result(result, job.result_format, query.prefixes)


def _list_pack(stdout: TextIO) -> int:
    import textwrap

    from pypolicy.sparql.pack import query_pack

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


def _show(name: str, parameters: dict[str, str]) -> str:
    """A pack query as another SPARQL tool takes it: the standard prefixes it uses
    declared, its parameters bound in a VALUES block (as Oxigraph and endpoints get it)."""
    from pypolicy.sparql.pack import bind_parameters, pack_query
    from pypolicy.sparql.remote import declared_prefixes
    from pypolicy.sparql.safety import STANDARD_PREFIXES, check_query, tokens, with_values

    pack = pack_query(name)
    source = f"{pack.name} ({pack.path.name})"
    declared = check_query(pack.text, source).prefixes
    own = {p for p in declared if p not in STANDARD_PREFIXES or
           declared[p] != STANDARD_PREFIXES[p]} | declared_prefixes(pack.text)
    used = sorted({t.text.split(":", 1)[0] for t in tokens(pack.text)
                   if t.kind == "word" and ":" in t.text} & set(STANDARD_PREFIXES) - own)
    lines = pack.text.splitlines(keepends=True)
    head = next((i for i, line in enumerate(lines)
                 if line.strip() and not line.lstrip().startswith("#")), len(lines))
    text = "".join([*lines[:head], *(f"PREFIX {p}: <{STANDARD_PREFIXES[p]}>\n" for p in used),
                    *lines[head:]])
    query = check_query(text, source, prefixes={})
    return with_values(query, bind_parameters(query, pack.parameters, parameters))


def _read_query_file(name: str) -> str:
    """The query text; a file over the size limit is refused, never cut short."""
    shown = one_line(name)
    try:
        with open(name, "rb") as handle:
            data = handle.read(MAX_QUERY_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot read the query: {exc.strerror or exc}") from None
    if len(data) > MAX_QUERY_BYTES:
        raise ConfigError(f"{shown}: the query is larger than {MAX_QUERY_BYTES // 1024 // 1024}"
                          " MiB; pypolicy reads no more (a query that long is a corpus: put"
                          " it in the documents)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{shown}: the query is not UTF-8 text: {exc.reason} at byte"
                          f" {exc.start}") from None


def cmd_query(args: argparse.Namespace, stdout: TextIO) -> int:
    with _escaped_errors():
        return _query(args, stdout)


def _query(args: argparse.Namespace, stdout: TextIO) -> int:
    if args.list:
        return _list_pack(stdout)
    if args.show:
        stdout.write(_show(args.show, dict(args.param)))
        return 0
    from pypolicy.sparql.dataset import oxigraph_available
    from pypolicy.sparql.pack import bind_parameters, pack_query, parse_header
    from pypolicy.sparql.remote import check_endpoint
    from pypolicy.sparql.results import check_format
    from pypolicy.sparql.safety import check_query
    from pypolicy.sparql.worker import call_with_time_limit, default_memory_limit, parse_time_limit

    declared: tuple[Any, ...] | None = None
    if args.name:
        pack = pack_query(args.name)
        text, source, declared = pack.text, f"{pack.name} ({pack.path.name})", pack.parameters
    elif args.file:
        text, source = _read_query_file(args.file), one_line(args.file)
        declared = parse_header(text, source)[2] or None
    else:
        text, source = args.query, "--query"
    if args.update_endpoint and not args.endpoint:
        raise ConfigError("--update-endpoint needs --endpoint (the URL to query)")
    if args.endpoint:
        check_endpoint(args.endpoint)
        if args.update_endpoint:
            check_endpoint(args.update_endpoint, "--update-endpoint")
        if args.files and not args.update_endpoint:
            raise ConfigError("to load FILE_OR_DIR into the endpoint give --update-endpoint;"
                              " to query what it holds, give no files")
    if args.store_path and args.store != "oxigraph":
        raise ConfigError("--store-path is an Oxigraph store: --store rdflib does not apply")
    if args.store_path and (args.files or args.endpoint):
        raise ConfigError("--store-path answers from the store alone: give no FILE_OR_DIR"
                          " (pypolicy load brings the store up to date) and no --endpoint")
    if not (args.files or args.endpoint or args.store_path):
        raise ConfigError("give the policy documents to query (files or directories), or"
                          " --store-path DIR, or --endpoint URL")
    if args.store == "oxigraph" and not args.endpoint and not oxigraph_available():
        raise ConfigError("pyoxigraph, a dependency of pypolicy, is missing from this"
                          " installation: pip install pyoxigraph, or use --store rdflib")

    inputs = [*args.files, *([args.file] if args.file else [])]
    if args.output not in (None, "-"):  # a refused -o is said before the work, not after
        from pypolicy.core.files import check_output_file

        check_output_file(args.output, inputs)
    # Refuse, and report syntax errors, before anything is loaded or any engine runs;
    # within the time limit, since parsing a long query takes time too.
    with parse_time_limit(args.timeout):
        query = check_query(text, source, allow_remote=args.allow_remote)
    parameters = dict(args.param)
    bind_parameters(query, declared, parameters)
    check_format(query.kind, args.result_format)
    memory = default_memory_limit() if args.memory_limit == -1 else args.memory_limit
    job = QueryJob(text, source, args.allow_remote, declared, parameters, tuple(args.files),
                   args.store, args.endpoint, args.update_endpoint, args.result_format,
                   args.timeout or DEFAULT_TIMEOUT, args.store_path, tuple(args.pattern))
    output, notes = call_with_time_limit(run_job, (job,), args.timeout, memory_limit=memory)
    for note in notes:
        sys.stderr.write(f"pypolicy: note: {one_line(note)}\n")
    from pypolicy.cli.main import write_output

    write_output(output, args.output, inputs, stdout)
    return 0


@contextlib.contextmanager
def _escaped_errors() -> Iterator[None]:
    """Error messages leave with their untrusted parts escaped (file names, endpoint
    answers, query text): no control character reaches the terminal, and no file name
    starts a line of its own (a forged ``::error`` annotation, say)."""
    from pypolicy.core.errors import InputError, PypolicyError

    try:
        yield
    except InputError as exc:
        exc.path = one_line(exc.path) if exc.path is not None else None
        exc.pointer = one_line(exc.pointer) if exc.pointer is not None else None
        exc.message = sanitize_terminal(exc.message, keep="\n")
        raise
    except PypolicyError as exc:
        text = str(exc)
        safe = sanitize_terminal(text, keep="\n")
        if safe != text:
            raise type(exc)(safe) from None
        raise
