"""The ``load`` and ``serve`` commands: a corpus kept in a store, and served.

``pypolicy load FILE_OR_DIR... --store-path DIR`` builds or brings up to date an Oxigraph
store on disk (:mod:`pypolicy.sparql.store`); ``--update-endpoint URL`` loads into a SPARQL
server instead. ``pypolicy serve`` answers SPARQL 1.1 Protocol queries over a store
(:mod:`pypolicy.sparql.serve`).

Imported on every start of ``pypolicy`` (to register the commands), so nothing heavy is
imported at module level.

Exit codes: 0 done; 2 unusable options, or (``load``) at least one document that could
not be loaded: the others were loaded all the same, and each bad one is named.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from pypolicy.cli.query import (
    DEFAULT_TIMEOUT,
    Handler,
    _escaped_errors,
    _megabytes,
    _network_seconds,
    _seconds,
)
from pypolicy.core.errors import ConfigError
from pypolicy.format.discovery import PATTERN_HELP
from pypolicy.sparql.terminal import one_line

EXIT_OK, EXIT_ERROR = 0, 2


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0 to 65535): {text!r}")
    return int(text)


def _mebibytes(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 1 << 20:
        raise argparse.ArgumentTypeError(f"give a whole number of MiB, at least 1: {text!r}")
    return int(text) * 1024 * 1024


def register(subparsers: Any) -> dict[str, Handler]:
    load = subparsers.add_parser(
        "load", help="load policy documents into a store on disk or a SPARQL endpoint",
        description="With --store-path: build, or bring up to date, an Oxigraph store on"
        " disk holding each document in its named graph, with the vocabulary and"
        " jurisdiction graphs (a changed file replaces its graph, a file no longer given"
        " loses it; each document is checked against the schema, and a bad one is reported"
        " while the others load). With --update-endpoint: replace each document's named"
        " graph (and the reference graphs) in a SPARQL store, by SPARQL Update.")
    load.add_argument("files", nargs="+", metavar="FILE_OR_DIR",
                      help="policy documents, or directories of them")
    target = load.add_mutually_exclusive_group(required=True)
    target.add_argument("--store-path", metavar="DIR",
                        help="the Oxigraph store to build or bring up to date (a directory)")
    target.add_argument("--update-endpoint", metavar="URL",
                        help="a SPARQL 1.1 Update endpoint to load into")
    load.add_argument("--pattern", action="append", default=[], metavar="GLOB",
                      help=PATTERN_HELP)
    load.add_argument("--timeout", type=_network_seconds, default=DEFAULT_TIMEOUT,
                      metavar="SECONDS", help="--update-endpoint: time limit of each"
                      " request, the whole answer included (default 60)")
    load.add_argument("--progress", choices=["auto", "always", "never"], default="auto",
                      help="--store-path: a progress bar on standard error (auto: when it is"
                           " a terminal)")

    serve = subparsers.add_parser(
        "serve", help="a read-only SPARQL endpoint over a corpus store",
        description="Answer SPARQL 1.1 Protocol queries (GET or POST to /query) over the"
        " store built by pypolicy load --store-path, or over documents loaded into memory"
        " when the server starts. Read-only, under the rules of pypolicy query: no SERVICE,"
        " FROM or updates; a time limit, a memory limit and a size limit per answer.")
    serve.add_argument("files", nargs="*", metavar="FILE_OR_DIR",
                       help="documents to load into memory and serve (or --store-path)")
    serve.add_argument("--store-path", metavar="DIR", help="the store to serve")
    serve.add_argument("--pattern", action="append", default=[], metavar="GLOB",
                       help=PATTERN_HELP)
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=_port, default=7879,
                       help="port to listen on (default 7879; 0: any free port)")
    serve.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                       help=f"time limit of each query (default {DEFAULT_TIMEOUT:g})")
    serve.add_argument("--memory-limit", type=_megabytes, default=-1, metavar="MIB",
                       help="memory limit of each query's process (default: half the"
                            " machine's memory; none: no limit)")
    serve.add_argument("--max-result-size", type=_mebibytes, default=128 * 1024 * 1024,
                       metavar="MIB", help="largest answer sent, in MiB (default 128)")
    serve.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                       help="let web pages from ORIGIN (https://example.org, or *) read the"
                            " answers (repeatable; default: none, CORS off)")
    return {"load": cmd_load, "serve": cmd_serve}


# ------------------------------------------------------------------------------ load


def cmd_load(args: argparse.Namespace, stdout: TextIO) -> int:
    with _escaped_errors():
        if args.store_path:
            return load_into_store(args, stdout)
        return _load_into_endpoint(args, stdout)


def _load_into_endpoint(args: argparse.Namespace, stdout: TextIO) -> int:
    from pypolicy.sparql.dataset import load_documents
    from pypolicy.sparql.remote import RemoteEngine, check_endpoint

    endpoint = check_endpoint(args.update_endpoint, "--update-endpoint")
    notes: list[str] = []
    documents = load_documents(args.files, patterns=args.pattern, notes=notes)
    _notes(notes)
    remote = RemoteEngine(endpoint, endpoint, args.timeout)
    graphs = remote.load(documents)  # raises unless every request succeeded (HTTP 2xx)
    stdout.write(f"loaded {len(documents)} polic{'y' if len(documents) == 1 else 'ies'}"
                 f" ({graphs} named graphs, with the vocabulary and jurisdictions) into"
                 f" {one_line(endpoint)}\n")
    return EXIT_OK


def _notes(notes: list[str]) -> None:
    for note in notes:
        sys.stderr.write(f"pypolicy: note: {one_line(note)}\n")


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def load_into_store(args: argparse.Namespace, stdout: TextIO) -> int:
    """``pypolicy load ... --store-path DIR``."""
    from pypolicy.sparql.dataset import find_inputs
    from pypolicy.sparql.intake import Readers
    from pypolicy.sparql.store import CorpusLoader, open_for_loading

    inputs = find_inputs(args.files, args.pattern)
    show = args.progress == "always" or (args.progress == "auto" and sys.stderr.isatty())
    # tqdm: a maintained progress bar that redraws in place, with rate and time left.
    from tqdm import tqdm

    # The readers are forked first, while this process has no other thread (RocksDB's,
    # tqdm's monitor): see Readers.
    with Readers(len(inputs)) as readers:
        store, path = open_for_loading(args.store_path)
        with tqdm(total=len(inputs), unit=" files", disable=not show, file=sys.stderr,
                  dynamic_ncols=True, leave=False) as bar:
            report = CorpusLoader(store, path, readers=readers).sync(inputs, bar.update)
        del store  # closes the store: the manifest is on disk already
    _notes(report.skipped)
    for message in report.failed:
        sys.stderr.write(f"pypolicy: {one_line(message)}\n")
    stdout.write(
        f"{one_line(args.store_path)}: {_plural(report.documents, 'policy', 'policies')}"
        f" ({len(report.loaded):,} loaded, {report.unchanged:,} unchanged,"
        f" {len(report.removed):,} removed"
        + (f", {_plural(len(report.failed), 'file', 'files')} not loaded"
           if report.failed else "")
        + (f", {_plural(len(report.skipped), 'file', 'files')} skipped" if report.skipped
           else "") + ")\n")
    return EXIT_ERROR if report.failed else EXIT_OK


# ------------------------------------------------------------------------------ serve


def cmd_serve(args: argparse.Namespace, stdout: TextIO) -> int:
    with _escaped_errors():
        return _serve(args, stdout)


def _serve(args: argparse.Namespace, stdout: TextIO) -> int:
    from pypolicy.sparql.serve import ServeSettings, endpoint_url, make_server
    from pypolicy.sparql.worker import default_memory_limit

    if bool(args.files) == bool(args.store_path):
        raise ConfigError("give either --store-path DIR (a store built by pypolicy load) or"
                          " the documents to serve")
    store = None
    if args.store_path:
        from pypolicy.sparql.worker import call_with_time_limit

        # In a worker, as each query will be: RocksDB leaves threads behind in a process
        # that opened a store, and the server forks its workers.
        count = call_with_time_limit(_count_in_store, (args.store_path,), args.timeout)
        what = f"the store {one_line(args.store_path)}"
    else:
        from pypolicy.sparql.dataset import find_inputs
        from pypolicy.sparql.store import load_into_memory

        notes: list[str] = []
        store = load_into_memory(find_inputs(args.files, args.pattern), notes=notes)
        _notes(notes)
        count = _count_policies(store)
        what = "documents in memory"
    settings = ServeSettings(
        args.store_path, args.host, args.port, args.timeout,
        default_memory_limit() if args.memory_limit == -1 else args.memory_limit,
        args.max_result_size, cors_origins=tuple(args.cors_origin))
    server = make_server(settings, store)
    stdout.write(f"pypolicy serve: SPARQL endpoint at {endpoint_url(server)} over {what}"
                 f" ({_plural(count, 'policy', 'policies')}); read-only; Ctrl-C stops it\n")
    stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return EXIT_OK


def _count_in_store(path: str, progress: Any) -> int:
    from pypolicy.sparql.store import open_for_reading

    return _count_policies(open_for_reading(path))  # fails here if the store is unusable


def _count_policies(store: Any) -> int:
    from pypolicy.sparql.store import REFERENCE_GRAPHS

    return sum(1 for g in store.named_graphs() if g.value not in REFERENCE_GRAPHS)
