"""SPARQL over policy documents: the corpus as a dataset, the query pack, three engines.

The corpus is an RDF dataset with one named graph per policy (named by
:func:`pypolicy.format.rdf.document_iri`, as ``pypolicy export --to nquads`` names them),
plus two reference graphs: :data:`VOCABULARY_GRAPH` (``schema/vocabulary.ttl``: the
controlled terms and their ``skos:broader`` hierarchies) and :data:`JURISDICTIONS_GRAPH`
(built from ``data/jurisdictions.json``: which countries are within the EU and the EEA,
former members, adequacy decisions with their dates). The default graph is the union
of all graphs for the embedded engines; pack queries name their graphs (``GRAPH``), so
they run unchanged against a server whose default graph is empty.

Engines: rdflib in memory (:class:`RdflibEngine`, the default), Oxigraph through its
Python bindings (:class:`OxigraphEngine`, optional, much faster at scale, same answers),
and any SPARQL 1.1 Protocol endpoint (:class:`RemoteEngine`), which pypolicy can also
load (SPARQL Update ``INSERT DATA`` into the same named graphs).

Parameters are bound as RDF terms, never pasted into the query as text: rdflib gets
``initBindings``; Oxigraph and endpoints get a ``VALUES`` block of serialised terms at
the start of the WHERE group (:func:`pypolicy.query.safety.with_values`).
"""

from __future__ import annotations

import csv
import datetime
import difflib
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NamedTuple, Protocol, cast

from pypolicy.core.errors import ConfigError, InputError, QueryError
from pypolicy.format.rdf import LOC, NS, ROOT_CLASS, _typed, check_keys, document_iri, to_graph
from pypolicy.format.resources import context, schema_file
from pypolicy.query.safety import (
    STANDARD_PREFIXES,
    CheckedQuery,
    QueryKind,
    refuse_remote_keywords,
    with_values,
)

if TYPE_CHECKING:
    from rdflib import Dataset, Graph, URIRef
    from rdflib.query import ResultRow
    from rdflib.term import Identifier, Node

VOCABULARY_GRAPH: Final = "https://w3id.org/pypolicy/graph/vocabulary"
JURISDICTIONS_GRAPH: Final = "https://w3id.org/pypolicy/graph/jurisdictions"
JUR: Final = STANDARD_PREFIXES["ppj"]
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
PACK_DIR: Final = Path(__file__).resolve().parent / "pack"
FORMATS: Final = ("table", "csv", "tsv", "json", "turtle", "nt")
MAX_RESPONSE_BYTES: Final = 512 * 1024 * 1024

# ------------------------------------------------------------------------------ pack


@dataclass(frozen=True)
class Parameter:
    """A parameter a query declares: ``# param: name (type[, default value]) text``."""

    name: str
    type: str
    description: str
    default: str | None = None


@dataclass(frozen=True)
class PackQuery:
    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str
    path: Path


PARAMETER_TYPES: Final = ("term", "string", "integer", "boolean", "date", "iri", "policy")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*\(\s*(?P<type>\w+)\s*"
                    r"(?:,\s*default\s+(?P<default>[^)]*?))?\s*\)\s*(?P<text>.*)$")
_FIELD = re.compile(r"^#\s?(?P<field>[a-z]+):\s*(?P<value>.*)$")


def parse_header(text: str, source: str) -> tuple[str, str, tuple[Parameter, ...]]:
    """Title, description and parameters from a query's leading comment lines.

    ``# title: ...``, ``# description: ...`` and ``# param: ...``; a comment line that
    is indented (``#   more``) continues the field above it.
    """
    fields: list[tuple[str, str, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        match = _FIELD.match(stripped)
        if match:
            fields.append((match["field"], match["value"].strip(), number))
        elif fields and re.match(r"^#\s{2,}\S", stripped):
            name, value, at = fields[-1]
            fields[-1] = (name, f"{value} {stripped[1:].strip()}", at)
    title = description = ""
    parameters: list[Parameter] = []
    for name, value, number in fields:
        if name == "title":
            title = value
        elif name == "description":
            description = value
        elif name == "param":
            match = _PARAM.match(value)
            if not match or match["type"] not in PARAMETER_TYPES:
                raise QueryError(f"{source}:{number}: cannot read the parameter declaration"
                                 f" {value!r}; write '# param: name (type) description' or"
                                 f" '(type, default value)', type one of"
                                 f" {', '.join(PARAMETER_TYPES)}")
            parameters.append(Parameter(match["name"], match["type"], match["text"].strip(),
                                        match["default"]))
    return title, description, tuple(parameters)


@cache
def query_pack() -> dict[str, PackQuery]:
    """The bundled queries by name (file name without ``.rq``), in name order."""
    pack: dict[str, PackQuery] = {}
    for path in sorted(PACK_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        title, description, parameters = parse_header(text, str(path))
        pack[path.stem] = PackQuery(path.stem, title, description, parameters, text, path)
    return pack


def pack_query(name: str) -> PackQuery:
    pack = query_pack()
    if name not in pack:
        close = difflib.get_close_matches(name, list(pack), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ConfigError(f"no query named {name!r} in the pack{hint}; see pypolicy query"
                          " --list")
    return pack[name]


# ------------------------------------------------------------------------------ parameters


def _iri(value: str, name: str) -> URIRef:
    from rdflib import URIRef

    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]*", value):
        raise ConfigError(f"parameter {name}: {value!r} is not an absolute IRI")
    return URIRef(value)


def _curie(value: str, prefixes: Mapping[str, str]) -> str | None:
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    prefix, colon, local = value.partition(":")
    if colon and prefix in prefixes and re.fullmatch(r"[\w\-.%]*", local):
        return prefixes[prefix] + local
    return None


def term_iri(value: str) -> str | None:
    """The IRI of a controlled term or place given by name (``access``, ``US``, ``EEA``)."""
    from pypolicy.format.vocabulary import vocabulary

    vocab = vocabulary()
    if value in vocab.terms:
        return NS + value
    if value in vocab.countries:
        return LOC + value
    return None


def convert_parameter(parameter: Parameter, value: str,
                      prefixes: Mapping[str, str] = STANDARD_PREFIXES) -> Identifier:
    """The RDF term for a parameter value given on the command line."""
    from rdflib import Literal, URIRef

    name, kind = parameter.name, parameter.type
    if kind == "term":
        iri = term_iri(value) or _curie(value, prefixes)
        if iri is None:
            from pypolicy.format.vocabulary import vocabulary

            vocab = vocabulary()
            close = difflib.get_close_matches(value, [*vocab.terms, *vocab.countries], n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise ConfigError(f"parameter {name}: {value!r} is not a term of the vocabulary"
                              f" nor a country code{hint}")
        return _iri(iri, name)
    if kind == "string":
        return Literal(value)
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise ConfigError(f"parameter {name}: {value!r} is not an integer")
        return Literal(int(value))
    if kind == "boolean":
        if value not in ("true", "false"):
            raise ConfigError(f"parameter {name}: {value!r} is not true or false")
        return Literal(value == "true")
    if kind == "date":
        try:
            day = datetime.date.today() if value == "today" else \
                datetime.date.fromisoformat(value)
        except ValueError:
            raise ConfigError(f"parameter {name}: {value!r} is not a date (YYYY-MM-DD or"
                              " today)") from None
        return Literal(day.isoformat(), datatype=URIRef(XSD + "date"))
    if kind == "iri":
        return _iri(_curie(value, prefixes) or value, name)
    if kind == "policy":
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._\-]*", value):
            raise ConfigError(f"parameter {name}: {value!r} is not a document id")
        return URIRef(document_iri(value))
    raise ConfigError(f"parameter {name}: unknown type {kind!r}")  # pragma: no cover


def guess_term(name: str, value: str, prefixes: Mapping[str, str]) -> Identifier:
    """A value for a parameter the query does not declare: ``<iri>`` or ``prefix:name``
    is an IRI; an integer, ``true``/``false`` or an ISO date is typed; else a string."""
    from rdflib import Literal

    iri = _curie(value, prefixes)
    if iri is not None:
        return _iri(iri, name)
    if re.fullmatch(r"[+-]?\d+", value):
        return Literal(int(value))
    if value in ("true", "false"):
        return Literal(value == "true")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return convert_parameter(Parameter(name, "date", ""), value)
    return Literal(value)


def bind_parameters(query: CheckedQuery, declared: Sequence[Parameter] | None,
                    given: Mapping[str, str]) -> dict[str, Identifier]:
    """The bindings for a query: declared parameters (with defaults) or guessed ones."""
    bindings: dict[str, Identifier] = {}
    if declared:
        known = {p.name: p for p in declared}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise ConfigError(f"{query.source} has no parameter {', '.join(unknown)}; its"
                              f" parameters: {', '.join(known)}")
        for parameter in declared:
            value = given.get(parameter.name, parameter.default)
            if value is None:
                raise ConfigError(f"{query.source} needs --param {parameter.name}=VALUE"
                                  f" ({parameter.type}: {parameter.description})")
            bindings[parameter.name] = convert_parameter(parameter, value, query.prefixes)
        return bindings
    for name, value in given.items():
        if name not in query.variables:
            raise ConfigError(f"{query.source} has no variable ?{name} to bind")
        bindings[name] = guess_term(name, value, query.prefixes)
    return bindings


# ------------------------------------------------------------------------------ corpus


def expand_inputs(names: Sequence[str]) -> list[str]:
    """Files named, and the .json/.yaml/.yml files directly inside directories named."""
    files: list[str] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found = sorted(str(p) for p in path.iterdir()
                           if p.is_file() and p.suffix.lower() in (".json", ".yaml", ".yml"))
            if not found:
                raise InputError("no .json, .yaml or .yml files in this directory", path=name)
            files.extend(found)
        elif path.exists():
            files.append(name)
        else:
            raise InputError("no such file or directory", path=name)
    return files


def load_documents(names: Sequence[str], max_bytes: int | None = None) -> list[dict[str, Any]]:
    """The schema-valid documents in the named files and directories; ids unique."""
    from pypolicy.format.documents import load_valid
    from pypolicy.format.loader import DEFAULT_MAX_BYTES

    documents: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for name in expand_inputs(names):
        loaded = load_valid(name, max_bytes=max_bytes or DEFAULT_MAX_BYTES)
        document_id = str(loaded.data["id"])
        if document_id in seen:
            raise InputError(f"document id {document_id!r} is also the id of {seen[document_id]};"
                             " each policy needs its own named graph", path=name, pointer="/id",
                             line=loaded.line_of("/id"))
        seen[document_id] = name
        documents.append(loaded.data)
    return documents


@cache
def vocabulary_ntriples() -> str:
    from rdflib import Graph

    graph = Graph()
    graph.parse(schema_file("vocabulary.ttl"), format="turtle")
    return str(graph.serialize(format="nt"))


def jurisdictions_graph() -> Graph:
    """``data/jurisdictions.json`` as triples, for queries that need EEA membership."""
    from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
    from rdflib import XSD as XSD_NS
    from rdflib.namespace import OWL

    from pypolicy.format import geography as _geo

    ppj = Namespace(JUR)
    graph = Graph()
    graph.add((URIRef(JURISDICTIONS_GRAPH), OWL.versionInfo, Literal(_geo.data_version())))

    def place(code: str) -> URIRef:
        return URIRef((LOC if code in _geo.ALL_COUNTRIES else NS) + code)

    for code in sorted(_geo.ALL_COUNTRIES):
        graph.add((place(code), RDF.type, ppj.Country))
        graph.add((place(code), ppj.code, Literal(code)))
        graph.add((place(code), RDFS.label, Literal(_geo.country_name(code), lang="en")))
        for decision in _geo.adequacy_history(code):
            node = ppj[f"adequacy-{code}-{decision.adopted.isoformat()}"]
            graph.add((node, RDF.type, ppj.AdequacyDecision))
            graph.add((node, ppj.country, place(code)))
            graph.add((node, RDFS.label, Literal(decision.decision, lang="en")))
            graph.add((node, ppj.adopted, Literal(decision.adopted, datatype=XSD_NS.date)))
            if decision.in_force_until is not None:
                graph.add((node, ppj.inForceUntil,
                           Literal(decision.in_force_until, datatype=XSD_NS.date)))
            if decision.scope is not None:
                graph.add((node, ppj.scope, Literal(decision.scope, lang="en")))
            if decision.celex is not None:
                graph.add((node, ppj.celex, Literal(decision.celex)))
            graph.add((node, ppj.requiresCertification,
                       Literal(decision.requires_certification)))
            graph.add((node, ppj.partial, Literal(decision.partial)))
            if decision.source.startswith(("http://", "https://")):
                graph.add((node, RDFS.seeAlso, URIRef(decision.source)))
    for region in sorted(_geo.regions()):
        graph.add((place(region), RDF.type, ppj.Region))
        graph.add((place(region), ppj.code, Literal(region)))
        for code in sorted(_geo.region_members(region)):
            graph.add((place(code), ppj.memberOf, place(region)))
        for code in sorted(_geo.countries_in(region)):
            graph.add((place(code), ppj.within, place(region)))
        for code, left in sorted(_geo.former_members(region).items()):
            node = ppj[f"withdrawal-{code}-{region}"]
            graph.add((place(code), ppj.formerMemberOf, place(region)))
            graph.add((node, RDF.type, ppj.Withdrawal))
            graph.add((node, ppj.country, place(code)))
            graph.add((node, ppj.region, place(region)))
            graph.add((node, ppj.date, Literal(left, datatype=XSD_NS.date)))
        for other in sorted(_geo.regions()):
            if other != region and _geo.countries_in(region) < _geo.countries_in(other):
                graph.add((place(region), ppj.within, place(other)))
    return graph


@cache
def jurisdictions_ntriples() -> str:
    return str(jurisdictions_graph().serialize(format="nt"))


def reference_graphs() -> dict[str, str]:
    """The reference graphs by graph IRI, as N-Triples."""
    return {VOCABULARY_GRAPH: vocabulary_ntriples(), JURISDICTIONS_GRAPH: jurisdictions_ntriples()}


def build_dataset(documents: Iterable[dict[str, Any]]) -> Dataset:
    """An rdflib dataset: a named graph per document, plus the reference graphs."""
    from rdflib import Dataset, URIRef

    dataset = Dataset(default_union=True)
    for iri, ntriples in reference_graphs().items():
        dataset.graph(URIRef(iri)).parse(data=ntriples, format="nt")
    for document in documents:
        to_graph(document, dataset.graph(URIRef(document_iri(str(document["id"])))))
    return dataset


def oxigraph_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("pyoxigraph") is not None


def _jsonld_batch(documents: Sequence[dict[str, Any]]) -> bytes:
    """Documents as one JSON-LD document holding a named graph per document.

    The (large) context is then processed once per batch instead of once per document,
    which is most of the cost of parsing JSON-LD; each graph object sets ``@base`` to
    its document's IRI, so entry ids resolve as they do one document at a time.
    """
    graphs = []
    for document in documents:
        check_keys(document)
        iri = document_iri(str(document["id"]))
        typed = _typed({k: v for k, v in document.items() if k != "@context"}, ROOT_CLASS)
        typed["id"] = iri
        graphs.append({"@context": {"@base": iri + "/"}, "@id": iri, "@graph": [typed]})
    return json.dumps({"@context": context()["@context"], "@graph": graphs},
                      ensure_ascii=False).encode("utf-8")


def build_oxigraph_store(documents: Sequence[dict[str, Any]], batch_size: int = 1000) -> Any:
    """A pyoxigraph in-memory store holding the same quads as :func:`build_dataset`.

    Documents are parsed by Oxigraph's own JSON-LD parser from the same typed JSON-LD
    with the context by value (Oxigraph fetches no context either), in batches: that is
    what makes loading fast. The tests check that the graphs equal rdflib's.
    """
    if not oxigraph_available():
        raise ConfigError("--store oxigraph needs pyoxigraph: pip install 'pypolicy[oxigraph]'")
    import pyoxigraph as ox

    store = ox.Store()
    for iri, ntriples in reference_graphs().items():
        store.bulk_load(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES,
                        to_graph=ox.NamedNode(iri))
    for start in range(0, len(documents), batch_size):
        store.bulk_load(_jsonld_batch(documents[start:start + batch_size]),
                        format=ox.RdfFormat.STREAMING_JSON_LD)
    return store


# ------------------------------------------------------------------------------ results


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
        except QueryError:
            raise
        except Exception as exc:
            raise QueryError(f"{query.source}: the query failed in rdflib: {exc}") from None


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


def _rows_from_json(document: Any, source: str) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    """Variables and rows of a SPARQL 1.1 JSON results document."""
    string = XSD + "string"

    def term(value: dict[str, str] | None) -> Term | None:
        if value is None:
            return None
        kind = value.get("type")
        if kind in ("uri", "bnode"):
            return Term(kind, value["value"])
        if kind in ("literal", "typed-literal"):
            if "xml:lang" in value:
                return Term("literal", value["value"], None, value["xml:lang"])
            datatype = value.get("datatype")
            return Term("literal", value["value"], None if datatype == string else datatype)
        raise QueryError(f"{source}: unknown term type {kind!r} in the answer")

    try:
        variables = tuple(document["head"]["vars"])
        rows = tuple(tuple(term(binding.get(v)) for v in variables)
                     for binding in document["results"]["bindings"])
    except (KeyError, TypeError, AttributeError) as exc:
        raise QueryError(f"{source}: not a SPARQL JSON result: {exc}") from None
    return variables, rows


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
            raise QueryError(f"{query.source}: Oxigraph cannot parse the query: {exc}") from None
        except (OSError, ValueError, TypeError) as exc:
            raise QueryError(f"{query.source}: the query failed in Oxigraph: {exc}") from None


# ------------------------------------------------------------------------------ endpoint


def check_endpoint(url: str, option: str = "--endpoint") -> str:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"{option} must be an http:// or https:// URL, not {url!r}")
    return url


class RemoteEngine:
    """A SPARQL 1.1 Protocol endpoint: queries by POST, loading by SPARQL Update."""

    def __init__(self, endpoint: str, update_endpoint: str | None = None,
                 timeout: float = 60.0) -> None:
        self.endpoint = check_endpoint(endpoint)
        self.update_endpoint = (check_endpoint(update_endpoint, "--update-endpoint")
                                if update_endpoint else None)
        self.timeout = timeout

    def _post(self, url: str, body: str, content_type: str, accept: str) -> bytes:
        request = urllib.request.Request(
            url, data=body.encode("utf-8"), method="POST",
            headers={"Content-Type": f"{content_type}; charset=utf-8", "Accept": accept,
                     "User-Agent": "pypolicy"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                data: bytes = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            detail = exc.read(2000).decode("utf-8", "replace").strip()
            raise QueryError(f"{url}: HTTP {exc.code} {exc.reason}: {detail}") from None
        except urllib.error.URLError as exc:
            raise QueryError(f"{url}: cannot reach the endpoint: {exc.reason}") from None
        except TimeoutError:
            raise QueryError(f"{url}: no answer within {self.timeout:g} s") from None
        if len(data) > MAX_RESPONSE_BYTES:
            raise QueryError(f"{url}: the answer is larger than {MAX_RESPONSE_BYTES} bytes")
        return data

    def run(self, query: CheckedQuery, bindings: Mapping[str, Identifier]) -> QueryResult:
        from rdflib import Graph

        text = bound_text(query, bindings)
        declared = {t.lower() for t in re.findall(r"(?im)^\s*PREFIX\s+([\w\-.]*):", text)}
        prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in STANDARD_PREFIXES.items()
                           if p.lower() not in declared)
        text = prologue + text
        if query.kind in ("CONSTRUCT", "DESCRIBE"):
            data = self._post(self.endpoint, text, "application/sparql-query",
                              "application/n-triples")
            graph = Graph()
            try:
                graph.parse(data=data.decode("utf-8"), format="nt")
            except Exception as exc:
                raise QueryError(f"{self.endpoint}: unreadable N-Triples answer: {exc}") from None
            return QueryResult(query.kind, triples=tuple(graph.triples((None, None, None))))
        data = self._post(self.endpoint, text, "application/sparql-query",
                          "application/sparql-results+json")
        try:
            document = json.loads(data)
        except ValueError as exc:
            raise QueryError(f"{self.endpoint}: the answer is not JSON: {exc}") from None
        if query.kind == "ASK":
            return QueryResult("ASK", boolean=bool(document.get("boolean")))

        variables, rows = _rows_from_json(document, self.endpoint)
        return QueryResult("SELECT", variables, rows)

    def update(self, text: str) -> None:
        if self.update_endpoint is None:
            raise ConfigError("loading into an endpoint needs --update-endpoint URL")
        self._post(self.update_endpoint, text, "application/sparql-update", "*/*")

    def load(self, documents: Iterable[dict[str, Any]], *, batch_bytes: int = 4_000_000,
             reference: bool = True) -> int:
        """Replace each document's named graph (and the reference graphs); return graphs."""
        from rdflib import Graph

        graphs: list[tuple[str, str]] = list(reference_graphs().items()) if reference else []
        for document in documents:
            graphs.append((document_iri(str(document["id"])),
                           str(to_graph(document, Graph()).serialize(format="nt"))))
        batch: list[str] = []
        size = 0
        for iri, ntriples in graphs:
            # A whole graph goes in one request: blank node labels are scoped to a request.
            batch.append(f"DROP SILENT GRAPH <{iri}> ;\n"
                         f"INSERT DATA {{ GRAPH <{iri}> {{\n{ntriples}}} }}")
            size += len(ntriples)
            if size >= batch_bytes:
                self.update(" ;\n".join(batch))
                batch, size = [], 0
        if batch:
            self.update(" ;\n".join(batch))
        return len(graphs)


# ------------------------------------------------------------------------------ output


def _relabel(values: Iterable[Term | None]) -> dict[Term, str]:
    """Blank nodes numbered in order of appearance, so output does not vary by run."""
    labels: dict[Term, str] = {}
    for value in values:
        if value is not None and value.kind == "bnode" and value not in labels:
            labels[value] = f"b{len(labels)}"
    return labels


def _escape_nt(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r").replace("\t", "\\t"))


def _nt(term: Term, blanks: Mapping[Term, str]) -> str:
    """A term in N-Triples syntax."""
    if term.kind == "bnode":
        return f"_:{blanks[term]}"
    if term.kind == "literal":
        text = f'"{_escape_nt(term.value)}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None:
            return f"{text}^^<{term.datatype}>"
        return text
    return f"<{term.value}>"


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
        return re.sub(r"\s+", " ", term.value).strip()
    return _abbreviate(term.value, prefixes)


def _table(result: QueryResult, prefixes: Mapping[str, str]) -> str:
    blanks = _relabel(v for row in result.rows for v in row)
    cells = [[_plain(v, blanks, prefixes) for v in row] for row in result.rows]
    widths = [max([len(name), *(len(row[i]) for row in cells)])
              for i, name in enumerate(result.variables)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(result.variables, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
              for row in cells]
    count = len(result.rows)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines) + "\n"


def _csv(result: QueryResult) -> str:
    blanks = _relabel(v for row in result.rows for v in row)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if v is None else f"_:{blanks[v]}" if v.kind == "bnode"
                         else v.value for v in row])
    return buffer.getvalue()


def _tsv(result: QueryResult) -> str:
    blanks = _relabel(v for row in result.rows for v in row)
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join("" if v is None else _nt(v, blanks) for v in row)
              for row in result.rows]
    return "\n".join(lines) + "\n"


def _json_term(term: Term, blanks: Mapping[Term, str]) -> dict[str, str]:
    if term.kind == "bnode":
        return {"type": "bnode", "value": blanks[term]}
    if term.kind == "literal":
        value = {"type": "literal", "value": term.value}
        if term.language:
            value["xml:lang"] = term.language
        elif term.datatype is not None:
            value["datatype"] = term.datatype
        return value
    return {"type": "uri", "value": term.value}


def _json(result: QueryResult) -> str:
    if result.kind == "ASK":
        return json.dumps({"head": {}, "boolean": result.boolean}, indent=2) + "\n"
    blanks = _relabel(v for row in result.rows for v in row)
    bindings = [{name: _json_term(value, blanks)
                 for name, value in zip(result.variables, row, strict=True) if value is not None}
                for row in result.rows]
    document = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _graph_text(result: QueryResult, fmt: str, prefixes: Mapping[str, str]) -> str:
    from rdflib import Graph

    graph = Graph()
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, namespace, override=True)
    for triple in result.triples:
        graph.add(triple)
    if fmt == "nt":
        terms = [tuple(Term.from_rdflib(v) for v in t) for t in result.triples]
        blanks = _relabel(v for t in terms for v in t)
        lines = sorted(" ".join(_nt(v, blanks) for v in t) + " ." for t in terms)
        return "\n".join(lines) + ("\n" if lines else "")
    return str(graph.serialize(format="turtle"))


def check_format(kind: QueryKind, fmt: str) -> None:
    """Refuse a format that does not fit the query's form (before running it)."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    if kind in ("CONSTRUCT", "DESCRIBE") and fmt not in ("table", "turtle", "nt"):
        raise ConfigError(f"a {kind} query gives a graph: use --format turtle or nt, not {fmt}")
    if kind in ("SELECT", "ASK") and fmt in ("turtle", "nt"):
        raise ConfigError(f"a {kind} query gives no graph: use --format table, csv, tsv or"
                          " json")


def format_result(result: QueryResult, fmt: str,
                  prefixes: Mapping[str, str] = STANDARD_PREFIXES) -> str:
    """The answer as text: table, csv, tsv or json (SELECT, ASK); turtle or nt (graphs).

    CSV and TSV follow the W3C SPARQL 1.1 CSV/TSV results format; JSON the SPARQL 1.1
    JSON results format. ASK prints ``true`` or ``false`` (JSON: ``{"boolean": ...}``).
    """
    check_format(result.kind, fmt)
    if result.kind in ("CONSTRUCT", "DESCRIBE"):
        return _graph_text(result, fmt, prefixes)
    if result.kind == "ASK":
        return _json(result) if fmt == "json" else ("true\n" if result.boolean else "false\n")
    if fmt == "csv":
        return _csv(result)
    if fmt == "tsv":
        return _tsv(result)
    if fmt == "json":
        return _json(result)
    return _table(result, prefixes)
