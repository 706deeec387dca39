"""The corpus as an RDF dataset: one named graph per policy, plus two reference graphs.

Each policy's graph is named by :func:`pypolicy.format.rdf.document_iri`, as ``pypolicy
export --to nquads`` names them. The reference graphs: :data:`VOCABULARY_GRAPH`
(``schema/vocabulary.ttl``: the controlled terms and their ``skos:broader``
hierarchies) and :data:`JURISDICTIONS_GRAPH` (built from ``data/jurisdictions.json``:
which countries are within the EU and the EEA, former members, adequacy decisions with
their dates). The default graph is the union of all graphs for the embedded engines;
pack queries name their graphs (``GRAPH``), so they run unchanged against a server whose
default graph is empty.

Both reference graphs are written as N-Triples by pyoxigraph, without rdflib, which
would cost every load its import and its slower Turtle parser.

Two stores hold the same quads: a pyoxigraph ``Store`` (:func:`build_oxigraph_store`,
the default: documents written as N-Quads by :mod:`pypolicy.sparql.quads` and bulk-loaded,
many per batch) and an rdflib :class:`~rdflib.Dataset` (:func:`build_dataset`, through
rdflib's JSON-LD parser: slow, kept as ``--store rdflib`` and as the reference the tests
compare with). A corpus read from files, into memory or into a store on disk kept up to
date between queries, is loaded by :mod:`pypolicy.sparql.store`.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from pypolicy.core.errors import ConfigError, InputError
from pypolicy.format.discovery import SKIPPED_NOTE, find_documents, not_a_policy
from pypolicy.format.rdf import LOC, NS, document_iri, to_graph
from pypolicy.format.resources import schema_file
from pypolicy.sparql.quads import Unmapped, document_nquads
from pypolicy.sparql.safety import STANDARD_PREFIXES

if TYPE_CHECKING:
    from rdflib import Dataset, Graph

    from pypolicy.format.loader import LoadedDocument

VOCABULARY_GRAPH: Final = "https://w3id.org/pypolicy/graph/vocabulary"
JURISDICTIONS_GRAPH: Final = "https://w3id.org/pypolicy/graph/jurisdictions"
JUR: Final = STANDARD_PREFIXES["ppj"]


@dataclass(frozen=True)
class InputFile:
    """A file to read: named on the command line, or found in a directory named there."""

    path: str
    listed: bool = False  # found in a directory: may be something else than a policy


def find_inputs(names: Sequence[str], patterns: Sequence[str] = ()) -> list[InputFile]:
    """Files named, and the policy documents found in directories named, searched with
    their subfolders as ``validate`` searches them (:mod:`pypolicy.format.discovery`;
    ``patterns``: other file-name globs than its default ``*.policy.json`` and so on)."""
    return [InputFile(found.path, found.listed) for found in find_documents(names, patterns)]


def expand_inputs(names: Sequence[str]) -> list[str]:
    """Files named, and the policy documents found in directories named."""
    return [f.path for f in find_inputs(names)]


def read_document(source: InputFile, max_bytes: int | None = None) -> LoadedDocument | None:
    """The schema-valid document in a file; None for a file found in a directory that is
    not a policy document at all (a mapping without ``formatVersion``: a configuration
    file, an annotation), which the caller skips with a note. InputError otherwise."""
    from pypolicy.format.documents import load_valid
    from pypolicy.format.loader import DEFAULT_MAX_BYTES

    limit = max_bytes or DEFAULT_MAX_BYTES
    try:
        return load_valid(source.path, max_bytes=limit)
    except InputError:
        # Only on this error path: is the file a policy document at all?
        if not source.listed or not not_a_policy(source.path, limit):
            raise
        return None


SKIPPED: Final = SKIPPED_NOTE


def load_documents(names: Sequence[str], max_bytes: int | None = None, *,
                   patterns: Sequence[str] = (),
                   notes: list[str] | None = None) -> list[dict[str, Any]]:
    """The schema-valid documents in the named files and directories; ids unique.

    Files found in a directory that are not policy documents are skipped, with a note
    appended to ``notes``."""
    documents: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for source in find_inputs(names, patterns):
        loaded = read_document(source, max_bytes)
        if loaded is None:
            if notes is not None:
                notes.append(f"{source.path}: {SKIPPED}")
            continue
        name = source.path
        document_id = str(loaded.data["id"])
        if document_id in seen:
            raise duplicate_id(document_id, seen[document_id], name, loaded)
        seen[document_id] = name
        documents.append(loaded.data)
    return documents


def duplicate_id(document_id: str, first: str, name: str, loaded: LoadedDocument) -> InputError:
    return InputError(f"document id {document_id!r} is also the id of {first}; each policy"
                      " needs its own named graph", path=name, pointer="/id",
                      line=loaded.line_of("/id"))


@cache
def vocabulary_ntriples() -> str:
    """``schema/vocabulary.ttl`` as N-Triples, read by Oxigraph's Turtle parser (rdflib's
    took half a second of every load; ``tests/test_store.py`` checks both read the same
    graph)."""
    import pyoxigraph as ox

    triples = ox.parse(path=schema_file("vocabulary.ttl"), format=ox.RdfFormat.TURTLE)
    return _ntriples(triples)


def _ntriples(triples: Iterable[Any]) -> str:
    import pyoxigraph as ox

    return bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def jurisdictions_graph() -> Graph:
    """``data/jurisdictions.json`` as an rdflib graph, for queries that need EEA membership."""
    from rdflib import Graph

    return Graph().parse(data=jurisdictions_ntriples(), format="nt")


def _jurisdiction_triples() -> Iterator[Any]:
    """``data/jurisdictions.json`` as pyoxigraph triples: which countries are within the EU
    and the EEA, former members, adequacy decisions with their dates."""
    import pyoxigraph as ox

    from pypolicy.format import geography as _geo

    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    label, see_also = ox.NamedNode(rdfs + "label"), ox.NamedNode(rdfs + "seeAlso")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    date_type, boolean_type = ox.NamedNode(xsd + "date"), ox.NamedNode(xsd + "boolean")

    def ppj(name: str) -> Any:
        return ox.NamedNode(JUR + name)

    def place(code: str) -> Any:
        return ox.NamedNode((LOC if code in _geo.ALL_COUNTRIES else NS) + code)

    def english(text: str) -> Any:
        return ox.Literal(text, language="en")

    def boolean(value: bool) -> Any:
        return ox.Literal("true" if value else "false", datatype=boolean_type)

    def date(value: Any) -> Any:
        return ox.Literal(value.isoformat(), datatype=date_type)

    yield ox.Triple(ox.NamedNode(JURISDICTIONS_GRAPH),
                    ox.NamedNode("http://www.w3.org/2002/07/owl#versionInfo"),
                    ox.Literal(_geo.data_version()))
    for code in sorted(_geo.ALL_COUNTRIES):
        country = place(code)
        yield ox.Triple(country, rdf_type, ppj("Country"))
        yield ox.Triple(country, ppj("code"), ox.Literal(code))
        yield ox.Triple(country, label, english(_geo.country_name(code)))
        for decision in _geo.adequacy_history(code):
            node = ppj(f"adequacy-{code}-{decision.adopted.isoformat()}")
            yield ox.Triple(node, rdf_type, ppj("AdequacyDecision"))
            yield ox.Triple(node, ppj("country"), country)
            yield ox.Triple(node, label, english(decision.decision))
            yield ox.Triple(node, ppj("adopted"), date(decision.adopted))
            if decision.in_force_until is not None:
                yield ox.Triple(node, ppj("inForceUntil"), date(decision.in_force_until))
            if decision.scope is not None:
                yield ox.Triple(node, ppj("scope"), english(decision.scope))
            if decision.celex is not None:
                yield ox.Triple(node, ppj("celex"), ox.Literal(decision.celex))
            yield ox.Triple(node, ppj("requiresCertification"),
                            boolean(decision.requires_certification))
            yield ox.Triple(node, ppj("partial"), boolean(decision.partial))
            if decision.source.startswith(("http://", "https://")):
                yield ox.Triple(node, see_also, ox.NamedNode(decision.source))
    for region in sorted(_geo.regions()):
        area = place(region)
        yield ox.Triple(area, rdf_type, ppj("Region"))
        yield ox.Triple(area, ppj("code"), ox.Literal(region))
        for code in sorted(_geo.region_members(region)):
            yield ox.Triple(place(code), ppj("memberOf"), area)
        for code in sorted(_geo.countries_in(region)):
            yield ox.Triple(place(code), ppj("within"), area)
        for code, left in sorted(_geo.former_members(region).items()):
            node = ppj(f"withdrawal-{code}-{region}")
            yield ox.Triple(place(code), ppj("formerMemberOf"), area)
            yield ox.Triple(node, rdf_type, ppj("Withdrawal"))
            yield ox.Triple(node, ppj("country"), place(code))
            yield ox.Triple(node, ppj("region"), area)
            yield ox.Triple(node, ppj("date"), date(left))
        for other in sorted(_geo.regions()):
            if other != region and _geo.countries_in(region) < _geo.countries_in(other):
                yield ox.Triple(area, ppj("within"), place(other))


@cache
def jurisdictions_ntriples() -> str:
    # Written with pyoxigraph's terms rather than rdflib's: importing rdflib alone took
    # a third of a second of every load.
    return _ntriples(_jurisdiction_triples())


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


def new_oxigraph_store(path: str | None = None) -> Any:
    """An empty pyoxigraph store: in memory, or on disk at ``path``."""
    if not oxigraph_available():
        raise ConfigError("pyoxigraph, a dependency of pypolicy, is missing from this"
                          " installation: pip install pyoxigraph (or --store rdflib)")
    import pyoxigraph as ox

    return ox.Store(path)


def load_reference_graphs(store: Any) -> None:
    """Put the vocabulary and jurisdictions graphs in a pyoxigraph store."""
    import pyoxigraph as ox

    for iri, ntriples in reference_graphs().items():
        store.bulk_load(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES,
                        to_graph=ox.NamedNode(iri))


class QuadBatch:
    """Documents written as N-Quads text, to be bulk-loaded together.

    Blank node labels in N-Quads are global to a load and, in a store, to the store: each
    batch draws a random prefix, and each document numbers its own within it.
    """

    def __init__(self) -> None:
        self.prefix = "b" + secrets.token_hex(8)
        self.lines: list[str] = []
        self.graphs: list[str] = []
        self.fallback: list[tuple[str, str]] = []  # (graph, N-Triples) from rdflib
        self.count = 0

    def add(self, document: dict[str, Any], *, checked: bool = False) -> str:
        """Add a document's graph; return the graph's IRI (``checked``: see
        :func:`pypolicy.sparql.quads.document_nquads`)."""
        self.count += 1
        mark = len(self.lines)
        try:
            iri = document_nquads(document, f"{self.prefix}d{self.count}x", self.lines.append,
                                  checked=checked)
        except Unmapped:
            # Something the direct mapping leaves to a JSON-LD processor: rdflib's
            # mapping (the reference) for this document, or its refusal.
            del self.lines[mark:]
            iri = document_iri(str(document["id"]))
            self.fallback.append((iri, str(to_graph(document).serialize(format="nt"))))
        self.graphs.append(iri)
        return iri

    def __len__(self) -> int:
        return len(self.lines)

    def load_into(self, store: Any) -> None:
        import pyoxigraph as ox

        if self.lines:
            # lenient: the IRIs and literals were written by us from checked names and
            # escaped strings; Oxigraph skips validating them again (faster).
            store.bulk_load("".join(self.lines).encode("utf-8"),
                            format=ox.RdfFormat.N_QUADS, lenient=True)
        for iri, ntriples in self.fallback:
            store.bulk_load(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES,
                            to_graph=ox.NamedNode(iri))


BATCH_LINES: Final = 150_000
"""Quads per bulk load: about 1,200 generated policies, 30 MB of N-Quads. Oxigraph's
bulk loader holds a batch in memory while it sorts it into its indexes; batches of this
size keep a load's memory flat (a few hundred MB) whatever the corpus size."""


def batches(documents: Iterable[dict[str, Any]],
            batch_lines: int = BATCH_LINES) -> Iterator[QuadBatch]:
    """The documents as batches of N-Quads, each about ``batch_lines`` quads."""
    batch = QuadBatch()
    for document in documents:
        batch.add(document)
        if len(batch) >= batch_lines:
            yield batch
            batch = QuadBatch()
    if batch.graphs:
        yield batch


def build_oxigraph_store(documents: Iterable[dict[str, Any]], batch_size: int = 1000) -> Any:
    """A pyoxigraph in-memory store holding the same quads as :func:`build_dataset`.

    Documents are written as N-Quads directly (:mod:`pypolicy.sparql.quads`), ``batch_size``
    per bulk load; the tests check that the graphs are rdflib's.
    """
    store = new_oxigraph_store()
    load_reference_graphs(store)
    iterator = iter(documents)
    while chunk := list(itertools.islice(iterator, batch_size)):
        for batch in batches(chunk):
            batch.load_into(store)
    return store
