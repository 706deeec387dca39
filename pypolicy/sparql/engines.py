"""The embedded engines: rdflib over an in-memory dataset, and Oxigraph (pyoxigraph).

rdflib (:class:`RdflibEngine`) is the default: nothing to install. Oxigraph
(:class:`OxigraphEngine`, optional) is much faster at scale and gives the same answers.
A SPARQL endpoint is the third engine (:mod:`pypolicy.sparql.remote`).

Parameters are bound as RDF terms, never pasted into the query as text: rdflib gets
``initBindings``; Oxigraph and endpoints get a ``VALUES`` block of serialised terms at
the start of the WHERE group (:func:`pypolicy.sparql.safety.with_values`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Protocol, cast

from pypolicy.core.errors import QueryError
from pypolicy.sparql.results import XSD, QueryResult, Row, Term
from pypolicy.sparql.safety import (
    STANDARD_PREFIXES,
    CheckedQuery,
    refuse_remote_keywords,
    with_values,
)
from pypolicy.sparql.terminal import one_line

if TYPE_CHECKING:
    from rdflib import Dataset
    from rdflib.query import ResultRow
    from rdflib.term import Identifier, Node


class Engine(Protocol):
    def run(self, query: CheckedQuery, bindings: Mapping[str, Identifier]) -> QueryResult: ...


class RdflibEngine:
    """rdflib's SPARQL engine over an in-memory dataset (the default)."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    def run(self, query: CheckedQuery, bindings: Mapping[str, Identifier]) -> QueryResult:
        import rdflib.plugins.sparql

        # Belt and braces: FROM was refused already; never let rdflib fetch a graph.
        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
        try:
            result = self.dataset.query(query.prepared, initBindings=dict(bindings))
            if query.kind == "ASK":
                return QueryResult("ASK", boolean=bool(result.askAnswer))
            if query.kind in ("CONSTRUCT", "DESCRIBE"):
                graph = result.graph
                assert graph is not None
                return QueryResult(query.kind, triples=tuple(graph.triples((None, None, None))))
            variables = tuple(str(v) for v in (result.vars or ()))
            solutions = cast("list[ResultRow]", list(result))
            rows = tuple(tuple(None if row.get(v) is None else Term.from_rdflib(row[v])
                               for v in variables) for row in solutions)
            return QueryResult("SELECT", variables, rows)
        except (QueryError, MemoryError):
            raise
        except Exception as exc:
            raise QueryError(f"{query.source}: the query failed in rdflib:"
                             f" {one_line(str(exc) or type(exc).__name__)}") from None


def _node_from_oxigraph(term: Any) -> Node:
    """An rdflib term, for the triples of a graph result (serialised by rdflib)."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == XSD + "string"
                       else URIRef(datatype))
    raise QueryError(f"unsupported RDF term in a result: {term!r}")


_ESCAPE: Final = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ESCAPED: Final = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'",
                   "\\": "\\"}


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        code = match[1] or match[2]
        return chr(int(code, 16)) if code else _ESCAPED.get(match[3], match[3])

    return _ESCAPE.sub(replace, text)


def _tsv_cell(cell: str) -> Term:
    """One cell of SPARQL 1.1 TSV results: a term in Turtle syntax."""
    first = cell[0]
    if first == "<":
        return Term("uri", cell[1:-1])
    if first == '"':
        end = cell.rindex('"')
        lexical, rest = _unescape(cell[1:end]), cell[end + 1:]
        if not rest:
            return Term("literal", lexical)
        if rest[0] == "@":
            return Term("literal", lexical, None, rest[1:])
        datatype = rest[3:-1]  # ^^<...>
        return Term("literal", lexical, None if datatype == XSD + "string" else datatype)
    if cell.startswith("_:"):
        return Term("bnode", cell[2:])
    if cell in ("true", "false"):
        return Term("literal", cell, XSD + "boolean")
    if re.fullmatch(r"[+-]?\d+", cell):
        return Term("literal", cell, XSD + "integer")
    if re.fullmatch(r"[+-]?\d*\.\d+", cell):
        return Term("literal", cell, XSD + "decimal")
    return Term("literal", cell, XSD + "double")


def rows_from_tsv(data: bytes) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    """Variables and rows of SPARQL 1.1 TSV results (as Oxigraph writes them)."""
    lines = data.decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last row
    variables = tuple(v[1:] for v in lines[0].split("\t")) if lines and lines[0] else ()
    cache: dict[str, Term] = {}
    rows: list[Row] = []
    for line in lines[1:]:
        if not variables:
            rows.append(())
            continue
        row: list[Term | None] = []
        for cell in line.split("\t"):
            if not cell:
                row.append(None)
                continue
            term = cache.get(cell)
            if term is None:
                term = cache[cell] = _tsv_cell(cell)
            row.append(term)
        rows.append(tuple(row))
    return variables, tuple(rows)


def bound_text(query: CheckedQuery, bindings: Mapping[str, Identifier]) -> str:
    """The query text with its parameters in a VALUES block, checked to parse still."""
    if not bindings:
        return query.text
    text = with_values(query, bindings)
    # The VALUES block holds only serialised terms (IRIs checked, literals escaped), so it
    # cannot add SERVICE or FROM; the lexical check says so again, cheaply (parsing the
    # text again with rdflib would cost more than Oxigraph takes to answer).
    if not query.allow_remote:
        refuse_remote_keywords(text, query.source)
    return text


class OxigraphEngine:
    """Oxigraph's SPARQL engine (pyoxigraph) over an in-memory store."""

    def __init__(self, store: Any, *, union_default_graph: bool = True) -> None:
        self.store = store
        # As the rdflib dataset does; pack queries name their graphs and need neither.
        self.union_default_graph = union_default_graph

    def run(self, query: CheckedQuery, bindings: Mapping[str, Identifier]) -> QueryResult:
        import pyoxigraph as ox

        # Oxigraph's own substitutions only bind projected variables (SEP-0007), so
        # parameters go in as a VALUES block of serialised terms, as for an endpoint.
        text = bound_text(query, bindings)
        try:
            result = self.store.query(text, use_default_graph_as_union=self.union_default_graph,
                                      prefixes=dict(STANDARD_PREFIXES))
            if query.kind == "ASK":
                return QueryResult("ASK", boolean=bool(result))
            if query.kind in ("CONSTRUCT", "DESCRIBE"):
                triples = tuple((_node_from_oxigraph(t.subject),
                                 _node_from_oxigraph(t.predicate),
                                 _node_from_oxigraph(t.object)) for t in result)
                return QueryResult(query.kind, triples=triples)
            # Oxigraph writes the results as TSV in Rust, and each distinct cell is read
            # once: several times faster than a Python object per solution and per term.
            variables, rows = rows_from_tsv(result.serialize(format=ox.QueryResultsFormat.TSV))
            return QueryResult("SELECT", variables, rows)
        except SyntaxError as exc:
            raise QueryError(f"{query.source}: Oxigraph cannot parse the query:"
                             f" {one_line(str(exc))}") from None
        except (OSError, ValueError, TypeError) as exc:
            raise QueryError(f"{query.source}: the query failed in Oxigraph:"
                             f" {one_line(str(exc))}") from None


