"""The corpus as an RDF dataset: one named graph per policy, plus two reference graphs.

Each policy's graph is named by :func:`pypolicy.format.rdf.document_iri`, as ``pypolicy
export --to nquads`` names them. The reference graphs: :data:`VOCABULARY_GRAPH`
(``schema/vocabulary.ttl``: the controlled terms and their ``skos:broader``
hierarchies) and :data:`JURISDICTIONS_GRAPH` (built from ``data/jurisdictions.json``:
which countries are within the EU and the EEA, former members, adequacy decisions with
their dates). The default graph is the union of all graphs for the embedded engines;
pack queries name their graphs (``GRAPH``), so they run unchanged against a server whose
default graph is empty.

Two stores hold the same quads: an rdflib :class:`~rdflib.Dataset` (:func:`build_dataset`)
and a pyoxigraph ``Store`` (:func:`build_oxigraph_store`, optional and much faster).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from pypolicy.core.errors import ConfigError, InputError
from pypolicy.format.rdf import LOC, NS, ROOT_CLASS, _typed, check_keys, document_iri, to_graph
from pypolicy.format.resources import context, schema_file
from pypolicy.query.safety import STANDARD_PREFIXES

if TYPE_CHECKING:
    from rdflib import Dataset, Graph

VOCABULARY_GRAPH: Final = "https://w3id.org/pypolicy/graph/vocabulary"
JURISDICTIONS_GRAPH: Final = "https://w3id.org/pypolicy/graph/jurisdictions"
JUR: Final = STANDARD_PREFIXES["ppj"]

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


