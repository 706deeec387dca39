"""One query of ``pypolicy serve``, as its worker process runs it.

The worker checks the query (:func:`pypolicy.sparql.safety.check_query`: no ``SERVICE``,
``FROM`` or update), picks the answer's format from the request's ``Accept`` list, opens
the store (read-only, or inherits the server's store in memory), runs the query walled
off from the network, and has Oxigraph write the answer into a buffer that refuses to
grow past the result-size limit, so an answer too large is stopped while it is written.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from pypolicy.core.errors import QueryError
from pypolicy.sparql.safety import STANDARD_PREFIXES

if TYPE_CHECKING:
    from pypolicy.sparql.worker import Progress

MIB: Final = 1024 * 1024
SOLUTION_TYPES: Final = {  # media type -> pyoxigraph QueryResultsFormat name
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
    "text/tab-separated-values": "TSV",
    "text/csv": "CSV",
}
GRAPH_TYPES: Final = {  # media type -> pyoxigraph RdfFormat name
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
}


@dataclass(frozen=True)
class ServeJob:
    """One query, as the worker needs it (picklable)."""

    text: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    accept: tuple[str, ...]
    store_path: str | None
    max_result_bytes: int


MEMORY_STORE: list[Any] = []  # the in-memory store, set before serving; inherited by fork


class _TooLarge(Exception):
    pass


class _CappedBuffer:
    """A binary sink for Oxigraph's serializers that refuses to grow past a limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooLarge
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def value(self) -> bytes:
        return b"".join(self.parts)


def _negotiate(accept: tuple[str, ...], offered: dict[str, str], default: str) -> str:
    """The first media type in ``accept`` (already in order of preference) we offer."""
    for wanted in accept:
        if wanted in offered:
            return wanted
        if wanted in ("*/*", "application/*", "text/*"):
            return default
    return default if not accept else ""


def answer(job: ServeJob, progress: Progress) -> tuple[str, bytes]:
    """Check and run one query; its answer as (content type, bytes). In the worker."""
    import pyoxigraph as ox

    from pypolicy.sparql.network_namespace import leave_network
    from pypolicy.sparql.safety import check_query
    from pypolicy.sparql.store import open_for_reading
    from pypolicy.sparql.worker import offline

    query = check_query(job.text, "query")
    graph_result = query.kind in ("CONSTRUCT", "DESCRIBE")
    offered = GRAPH_TYPES if graph_result else SOLUTION_TYPES
    media_type = _negotiate(job.accept, offered,
                            "text/turtle" if graph_result else "application/sparql-results+json")
    if not media_type:
        raise QueryError(f"406: no answer format in the Accept header fits a {query.kind}"
                         f" query; this endpoint writes {', '.join(offered)}")
    store = MEMORY_STORE[0] if job.store_path is None else open_for_reading(job.store_path)
    try:
        default = [ox.NamedNode(g) for g in job.default_graphs] or None
        named = [ox.NamedNode(g) for g in job.named_graphs] or None
    except ValueError as exc:
        raise QueryError(f"not an IRI in default-graph-uri or named-graph-uri: {exc}") from None
    sink = _CappedBuffer(job.max_result_bytes)
    progress()
    # The store on disk opens its files as the query reads them: the network is walled off
    # by a namespace of its own, not by offline() (see pypolicy.sparql.network_namespace).
    walled = job.store_path is not None and leave_network()
    try:
        with contextlib.nullcontext() if walled else offline():
            result = store.query(query.text, prefixes=dict(STANDARD_PREFIXES),
                                 use_default_graph_as_union=default is None,
                                 default_graph=default, named_graphs=named)
            if graph_result:
                result.serialize(sink, format=getattr(ox.RdfFormat, offered[media_type]))
            elif media_type == "text/csv":
                result.serialize(sink, format=ox.QueryResultsFormat.TSV)
            else:
                result.serialize(sink, format=getattr(ox.QueryResultsFormat,
                                                      offered[media_type]))
    except _TooLarge:
        raise QueryError(f"the answer is larger than this endpoint's limit of"
                         f" {job.max_result_bytes // MIB} MiB; narrow the query or add a"
                         " LIMIT") from None
    except SyntaxError as exc:
        raise QueryError(f"Oxigraph cannot parse the query: {exc}") from None
    except (OSError, ValueError, TypeError) as exc:
        raise QueryError(f"the query failed: {exc}") from None
    if media_type == "text/csv":
        return "text/csv; charset=utf-8", _csv(query.kind, sink.value())
    if media_type.startswith("text/"):
        return f"{media_type}; charset=utf-8", sink.value()
    return media_type, sink.value()


def _csv(kind: str, tsv: bytes) -> bytes:
    """CSV written as ``pypolicy query -f csv`` writes it: a cell a spreadsheet would run
    as a formula is neutralised."""
    from pypolicy.sparql.engines import rows_from_tsv
    from pypolicy.sparql.results import QueryResult, format_result

    if kind == "ASK":
        return tsv
    variables, rows = rows_from_tsv(tsv)
    return format_result(QueryResult("SELECT", variables, rows), "csv").encode("utf-8")
