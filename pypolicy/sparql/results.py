"""A query's answer, whichever engine gave it, and the answer written out.

Formats: ``table`` (ours, for people: aligned, IRIs abbreviated); the W3C formats
``csv`` and ``json`` (written here, to the bytes rdflib's SPARQL results serializers
write, several times faster on large answers), ``xml`` (rdflib's serializer) and ``tsv``
(ours: rdflib has none); ``turtle`` (rdflib) and ``nt`` (sorted lines, rdflib's
N-Triples term syntax) for graphs.

Every engine's answer goes through the same serializer, from the same rows, with blank
nodes relabelled ``b0``, ``b1``, … in order of appearance: the same question gives the
same bytes whatever the engine and whatever the run (each engine's own serializer would
write its own random blank node labels).

Safety, in this one place: CSV cells a spreadsheet would run as formulas get an
apostrophe (:mod:`pypolicy.core.csvsafe`); control, bidirectional and separator
characters never reach the output raw: escaped as ``\\uHHHH`` inside TSV, JSON and
N-Triples strings (where they read back as the same character), shown as visible
escapes in the table, written as character references in XML, refused in XML where XML
1.0 cannot carry them at all, and shown as visible escapes in CSV (which has no escape).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, NamedTuple

from pypolicy.core.csvsafe import spreadsheet_safe
from pypolicy.core.errors import ConfigError, QueryError
from pypolicy.sparql.safety import STANDARD_PREFIXES, QueryKind
from pypolicy.sparql.terminal import BIDI_CONTROLS, sanitize_terminal, unicode_escapes

if TYPE_CHECKING:
    from rdflib.query import Result
    from rdflib.term import Identifier, Node

XSD: Final = "http://www.w3.org/2001/XMLSchema#"
FORMATS: Final = ("table", "csv", "tsv", "json", "xml", "turtle", "nt")
SOLUTION_FORMATS: Final = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS: Final = ("table", "turtle", "nt")


class Term(NamedTuple):
    """An RDF term in a result row, whichever engine gave it.

    Light on purpose (a named tuple): building an rdflib term per cell costs more than
    Oxigraph takes to answer. ``kind`` is ``uri``, ``bnode`` or ``literal``;
    ``datatype`` is None for plain and language-tagged strings (xsd:string is implied).
    """

    kind: str
    value: str
    datatype: str | None = None
    language: str | None = None

    @classmethod
    def from_rdflib(cls, node: Node) -> Term:
        from rdflib import BNode, Literal

        if isinstance(node, Literal):
            datatype = str(node.datatype) if node.datatype is not None else None
            return cls("literal", str(node), None if datatype == XSD + "string" else datatype,
                       node.language)
        return cls("bnode" if isinstance(node, BNode) else "uri", str(node))


Row = tuple[Term | None, ...]


@dataclass(frozen=True)
class QueryResult:
    """A query's answer: rows of terms (SELECT), a boolean (ASK) or triples (graphs)."""

    kind: QueryKind
    variables: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    boolean: bool | None = None
    triples: tuple[tuple[Node, Node, Node], ...] = ()


def check_format(kind: QueryKind, fmt: str) -> None:
    """Refuse a format that does not fit the query's form (before running it)."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    if kind in ("CONSTRUCT", "DESCRIBE") and fmt not in GRAPH_FORMATS:
        raise ConfigError(f"a {kind} query gives a graph: use --format turtle or nt, not {fmt}")
    if kind in ("SELECT", "ASK") and fmt not in SOLUTION_FORMATS:
        raise ConfigError(f"a {kind} query gives no graph: use --format table, csv, tsv,"
                          " json or xml")


def format_result(result: QueryResult, fmt: str,
                  prefixes: Mapping[str, str] = STANDARD_PREFIXES) -> str:
    """The answer as text: table, csv, tsv, json or xml (SELECT, ASK); turtle or nt
    (graphs). ASK prints ``true`` or ``false`` in the table format."""
    check_format(result.kind, fmt)
    if result.kind in ("CONSTRUCT", "DESCRIBE"):
        return _graph_text(result, fmt, prefixes)
    if result.kind == "ASK" and fmt not in ("json", "xml"):
        # Neither the table nor the CSV and TSV results formats have a boolean form.
        return "true\n" if result.boolean else "false\n"
    if fmt == "table":
        return _table(result, prefixes)
    if fmt == "tsv":
        return _tsv(result)
    if fmt == "csv":
        # CSV has no escape: what a terminal must not see is shown as an escape.
        return sanitize_terminal(_csv(result), keep="\r\n")
    if fmt == "json":
        # Structural JSON is ASCII, so these characters occur only inside strings,
        # where the \u escape stands for the same character. C0 controls are escaped by
        # the serializer already.
        return _json(result).translate(unicode_escapes("")) + "\n"
    return _xml_safe(_serialize(result, "xml")) + "\n"


# ------------------------------------------------------------------------------ rows


def relabel(values: Iterable[Term | None]) -> dict[Term, str]:
    """Blank nodes numbered in order of appearance, so output does not vary by run."""
    labels: dict[Term, str] = {}
    for value in values:
        if value is not None and value.kind == "bnode" and value not in labels:
            labels[value] = f"b{len(labels)}"
    return labels


def _serialize(result: QueryResult, fmt: str) -> str:
    """The answer written by rdflib's SPARQL results serializer for ``fmt`` (XML)."""
    from rdflib.query import Result
    from rdflib.term import Variable

    answer = Result(result.kind)
    if result.kind == "ASK":
        answer.askAnswer = bool(result.boolean)
    else:
        variables = [Variable(name) for name in result.variables]
        blanks = relabel(v for row in result.rows for v in row)
        nodes: dict[Term, Identifier] = {}  # answers repeat their terms: convert each once

        def convert(term: Term) -> Identifier:
            node = nodes.get(term)
            if node is None:
                node = nodes[term] = _node(term._replace(value=blanks[term])
                                           if term.kind == "bnode" else term)
            return node

        answer.vars = variables
        answer.bindings = [{name: convert(value)
                            for name, value in zip(variables, row, strict=True)
                            if value is not None} for row in result.rows]
    return _text(answer, fmt)


@contextlib.contextmanager
def _quiet_term_log() -> Iterator[None]:
    """rdflib logs a traceback for a literal whose lexical form does not fit its datatype
    (an endpoint may answer one); it is written out as it came, so the log says nothing."""
    import logging

    term_log = logging.getLogger("rdflib.term")
    was_disabled, term_log.disabled = term_log.disabled, True
    try:
        yield
    finally:
        term_log.disabled = was_disabled


def _text(answer: Result, fmt: str) -> str:
    with _quiet_term_log():
        data = answer.serialize(format=fmt, encoding="utf-8")
    assert data is not None
    return data.decode("utf-8")


def _node(term: Term) -> Identifier:
    """The rdflib term (the serializers take rdflib terms)."""
    from rdflib import BNode, Literal, URIRef

    if term.kind == "uri":
        return URIRef(term.value)
    if term.kind == "bnode":
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=None if term.datatype is None
                   else URIRef(term.datatype))


# ------------------------------------------------------------------------------ fast paths
#
# CSV and JSON are written here rather than through rdflib's serializers, to the same
# bytes (the tests compare them): building an rdflib term and binding dictionary for
# every cell cost more than Oxigraph takes to answer a pack query of 30,000 rows. Only
# a typed or language-tagged literal still goes through rdflib's term (once per distinct
# term), because rdflib writes such a literal's value in its normalised form.


def _csv(result: QueryResult) -> str:
    """The W3C SPARQL 1.1 CSV results format, as rdflib's serializer writes it: the
    lexical form of a literal (made spreadsheet-safe), the IRI, ``_:label``."""
    import csv
    import io

    blanks = relabel(v for row in result.rows for v in row)
    cells: dict[Term, str] = {}

    def cell(term: Term | None) -> str:
        if term is None:
            return ""
        text = cells.get(term)
        if text is None:
            if term.kind == "literal":
                text = spreadsheet_safe(term.value)
            elif term.kind == "bnode":
                text = f"_:{blanks[term]}"
            else:
                text = term.value
            cells[term] = text
        return text

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=",")
    writer.writerow(result.variables)
    writer.writerows([cell(v) for v in row] for row in result.rows)
    return buffer.getvalue()


def _json(result: QueryResult) -> str:
    """SPARQL 1.1 JSON results, as rdflib's serializer writes them (``json.dumps`` of
    ``results`` then ``head``, a binding's members in the order of the variables)."""
    import json

    if result.kind == "ASK":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}, allow_nan=False,
                          ensure_ascii=False)
    blanks = relabel(v for row in result.rows for v in row)
    values: dict[Term, dict[str, str]] = {}

    def value(term: Term) -> dict[str, str]:
        found = values.get(term)
        if found is None:
            if term.kind == "bnode":
                found = {"type": "bnode", "value": blanks[term]}
            elif term.kind == "uri":
                found = {"type": "uri", "value": term.value}
            elif term.datatype is None and term.language is None:
                found = {"type": "literal", "value": term.value}
            else:
                found = _rdflib_literal_json(term)
            values[term] = found
        return found

    variables = result.variables
    bindings = [{name: value(term) for name, term in zip(variables, row, strict=True)
                 if term is not None} for row in result.rows]
    return json.dumps({"results": {"bindings": bindings}, "head": {"vars": list(variables)}},
                      allow_nan=False, ensure_ascii=False)


def _rdflib_literal_json(term: Term) -> dict[str, str]:
    """A typed or tagged literal as rdflib writes it (its normalised lexical form)."""
    with _quiet_term_log():
        node = _node(term)
    found = {"type": "literal", "value": str(node)}
    datatype = getattr(node, "datatype", None)
    if datatype is not None:
        found["datatype"] = str(datatype)
    language = getattr(node, "language", None)
    if language is not None:
        found["xml:lang"] = language
    return found


# ------------------------------------------------------------------------------ ours


def _escape_string(text: str) -> str:
    """A string in N-Triples/Turtle syntax (the form TSV results use): the ECHAR
    escapes, and every other unsafe character as ``\\uHHHH``."""
    text = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r").replace("\t", "\\t"))
    return text.translate(unicode_escapes(""))


def nt_term(term: Term, blanks: Mapping[Term, str]) -> str:
    """A term in N-Triples syntax (blank nodes relabelled)."""
    if term.kind == "bnode":
        return f"_:{blanks[term]}"
    if term.kind == "literal":
        text = f'"{_escape_string(term.value)}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None:
            return f"{text}^^<{_escape_iri(term.datatype)}>"
        return text
    return f"<{_escape_iri(term.value)}>"


def _escape_iri(iri: str) -> str:
    # An IRI from an endpoint is untrusted; UCHAR escapes are valid inside <...>.
    return iri.translate(unicode_escapes(""))


def _tsv(result: QueryResult) -> str:
    """The W3C SPARQL 1.1 TSV results format: terms in Turtle syntax, tab-separated."""
    blanks = relabel(v for row in result.rows for v in row)
    cells: dict[Term | None, str] = {None: ""}  # answers repeat their terms: write each once
    for row in result.rows:
        for value in row:
            if value is not None and value not in cells:
                cells[value] = nt_term(value, blanks)
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join([cells[v] for v in row]) for row in result.rows]
    return "\n".join(lines) + "\n"


def _abbreviate(iri: str, prefixes: Mapping[str, str]) -> str:
    best = ""
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and len(namespace) > len(prefixes.get(best, "")):
            rest = iri[len(namespace):]
            if rest and not re.search(r"[\s<>\"{}|^`\\]", rest):
                best = prefix
    return f"{best}:{iri[len(prefixes[best]):]}" if best else f"<{iri}>"


def _plain(term: Term | None, blanks: Mapping[Term, str], prefixes: Mapping[str, str]) -> str:
    if term is None:
        return ""
    if term.kind == "bnode":
        return f"_:{blanks[term]}"
    if term.kind == "literal":
        return re.sub(r"\s+", " ", sanitize_terminal(term.value, keep="")).strip()
    return sanitize_terminal(_abbreviate(term.value, prefixes), keep="")


def _table(result: QueryResult, prefixes: Mapping[str, str]) -> str:
    blanks = relabel(v for row in result.rows for v in row)
    shown: dict[Term | None, str] = {None: ""}  # each distinct term made printable once
    for row in result.rows:
        for value in row:
            if value not in shown:
                shown[value] = _plain(value, blanks, prefixes)
    cells = [[shown[v] for v in row] for row in result.rows]
    widths = [max([len(name), *(len(row[i]) for row in cells)])
              for i, name in enumerate(result.variables)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(result.variables, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
              for row in cells]
    count = len(result.rows)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------ graphs


def _graph_text(result: QueryResult, fmt: str, prefixes: Mapping[str, str]) -> str:
    if fmt == "nt":
        terms = [tuple(Term.from_rdflib(v) for v in t) for t in result.triples]
        blanks = relabel(v for t in terms for v in t)
        lines = sorted(" ".join(nt_term(v, blanks) for v in t) + " ." for t in terms)
        return "\n".join(lines) + ("\n" if lines else "")
    from rdflib import Graph

    graph = Graph()
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, namespace, override=True)
    for triple in result.triples:
        graph.add(triple)
    # Turtle strings take \u escapes; prefixed names and IRIs hold none of these
    # characters unescaped either (the serializer writes unsafe IRIs in <...>).
    return str(graph.serialize(format="turtle")).translate(unicode_escapes("\n\t"))


# ------------------------------------------------------------------------------ XML

_XML_FORBIDDEN: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    """SPARQL XML results: characters XML 1.0 allows but a terminal must not see become
    character references; characters XML 1.0 cannot hold at all are refused (rdflib's
    writer would emit them raw, giving a document no XML parser reads)."""
    forbidden = _XML_FORBIDDEN.search(text)
    if forbidden is not None:
        raise QueryError(f"the answer holds the character U+{ord(forbidden.group()):04X},"
                         " which XML 1.0 cannot represent; use --format json or tsv")
    return text.translate(_xml_references())


@functools.cache
def _xml_references() -> dict[int, str]:
    # A carriage return too: XML parsers turn a raw one into a line feed.
    return {code: f"&#x{code:X};"
            for code in (0x0D, *range(0x7F, 0xA0), 0x2028, 0x2029, *BIDI_CONTROLS)}
