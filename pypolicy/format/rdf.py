"""The RDF form of a policy document: JSON -> JSON-LD -> rdflib graph, and back.

The JSON-LD context is bundled and applied *by value*: rdflib's JSON-LD parser fetches
any context a document names (over HTTP with no timeout, or from a local path), so a
document whose ``@context`` is anything but this format's context IRI is refused, and
no key starting with ``@`` is accepted anywhere else. Before parsing, every object gets
its ``@type`` (the class of its schema definition) and the root gets its IRI, so the
graph is typed for SPARQL and SHACL.

The way back (``from_graph``) is driven by the schema, so it covers every property:
JSON -> RDF -> JSON loses nothing but the order of lists, which are sets in this format.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from typing import TYPE_CHECKING, Any

from pypolicy.core.errors import InputError, UnsafeInputError
from pypolicy.format.pointers import child
from pypolicy.format.resources import context, policy_schema, schema_file, vocabulary_index

if TYPE_CHECKING:
    from rdflib import Graph

NS = "https://w3id.org/pypolicy/ns#"
LOC = "https://w3id.org/dpv/loc#"
DOC_BASE = "https://w3id.org/pypolicy/doc/"
ROOT_CLASS = "PolicyDocument"
# Root keys that tell how to read the document, not what it says: the JSON-LD context, and
# the JSON Schema that editors follow ("$schema"). Neither is part of the document's RDF.
NOT_MAPPED = frozenset({"@context", "$schema"})


def context_iri() -> str:
    """The IRI of the bundled context, for the format version this package writes."""
    from pypolicy.core.version import FORMAT_VERSION

    return f"https://w3id.org/pypolicy/context/{FORMAT_VERSION}/context.jsonld"


def readable_context_iris() -> tuple[str, ...]:
    """The context IRIs a document may name: those of every format version this package
    reads. The bundled context serves them all, by value: a later minor only adds terms,
    and every term of an earlier one keeps its IRI."""
    from pypolicy.core.version import READABLE_FORMAT_VERSIONS

    return tuple(f"https://w3id.org/pypolicy/context/{version}/context.jsonld"
                 for version in READABLE_FORMAT_VERSIONS)


def document_iri(document_id: str) -> str:
    return f"{DOC_BASE}{document_id}"


def _properties_of(class_name: str) -> dict[str, Any]:
    schema = policy_schema()
    definition = schema if class_name == ROOT_CLASS else schema["$defs"][class_name]
    props: dict[str, Any] = definition.get("properties", {})
    return props


@cache
def _kinds() -> dict[str, dict[str, Any]]:
    kinds: dict[str, dict[str, Any]] = vocabulary_index()["properties"]
    return kinds


def check_keys(document: Any, pointer: str = "") -> None:
    """Refuse JSON-LD keywords anywhere but a root ``@context`` naming our context."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key.startswith("@"):
                if pointer == "" and key == "@context":
                    if not isinstance(value, str) or value not in readable_context_iris():
                        raise UnsafeInputError(
                            f"the document names the JSON-LD context {value!r}; only the bundled"
                            f" context {context_iri()} (or that of an earlier 1.x version) is"
                            " accepted (contexts are never fetched)",
                            pointer="/@context")
                    continue
                raise UnsafeInputError(f"JSON-LD keyword {key!r} is not accepted in a policy"
                                       " document", pointer=f"{pointer}/{key}")
            check_keys(value, f"{pointer}/{key}")
    elif isinstance(document, list):
        for index, value in enumerate(document):
            check_keys(value, f"{pointer}/{index}")


def _integer(value: Any) -> Any:
    """13.0 as 13: JSON (and the schema's "integer") counts a number with no fraction as an
    integer, but JSON-LD would write 13.0 as the lexical form "13.0", which is not an
    xsd:integer, and the way back could not read it."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_integer(v) for v in value]
    return value


def _typed(value: Any, class_name: str, pointer: str = "") -> Any:
    """A copy of ``value`` with ``@type`` on every object, from the schema's structure."""
    if not isinstance(value, dict):
        return value
    result: dict[str, Any] = {"@type": class_name}
    kinds = _kinds()
    for key, item in value.items():
        here = child(pointer, str(key))
        kind = kinds.get(key)
        if key == "id" and pointer:
            _check_name(item, here)
        if kind and kind["kind"] == "object" and kind["class"]:
            if isinstance(item, list):
                result[key] = [_typed(v, kind["class"], f"{here}/{i}")
                               for i, v in enumerate(item)]
            else:
                result[key] = _typed(item, kind["class"], here)
            continue
        if kind and kind["kind"] in ("vocab", "ref"):
            for index, name in enumerate(item if isinstance(item, list) else [item]):
                _check_name(name, f"{here}/{index}" if isinstance(item, list) else here)
        if kind and kind["datatype"] == "xsd:integer":
            result[key] = _integer(item)
        else:
            result[key] = item
    return result


def _check_name(value: Any, pointer: str) -> None:
    """Refuse a term or identifier that cannot be the last segment of an IRI: JSON-LD
    would drop it, or make an IRI outside the document, and the graph would silently
    say less than the document (an unknown but well-formed name stays, for SHACL)."""
    if not isinstance(value, str) or not _LOCAL_ID.fullmatch(value):
        raise InputError(f"{value!r} is not a term or identifier (a letter, then letters,"
                         " digits, '.', '_' or '-'), so it has no IRI", pointer=pointer)


_LOCAL_ID = re.compile(r"[A-Za-z][A-Za-z0-9._-]*")


def _document_id(document: dict[str, Any]) -> str:
    """The document's id, refused unless it is a LocalId: it becomes the last segment of
    every IRI of the document, and "a/../b" or "x#y" would make IRIs outside it."""
    value = document.get("id")
    if not isinstance(value, str) or not _LOCAL_ID.fullmatch(value):
        raise InputError(f"the document id {value!r} is not an identifier (a letter, then"
                         " letters, digits, '.', '_' or '-'), so it cannot name the document's"
                         " IRI", pointer="/id")
    return value


def to_jsonld(document: dict[str, Any]) -> dict[str, Any]:
    """The document as self-contained JSON-LD: context by value, types, root IRI."""
    check_keys(document)
    body = {k: v for k, v in document.items() if k not in NOT_MAPPED}
    typed = _typed(body, ROOT_CLASS)
    typed["id"] = document_iri(_document_id(document))
    return {"@context": copy.deepcopy(context()["@context"]), **typed}


def to_graph(document: dict[str, Any], graph: Graph | None = None) -> Graph:
    """The RDF graph of a (schema-valid) document, parsed offline with rdflib."""
    import rdflib
    from rdflib import Graph

    jsonld = to_jsonld(document)
    target = graph if graph is not None else Graph()
    # rdflib rewrites literals into a canonical form by default ("P13M" becomes "P1Y1M");
    # keeping the document's own lexical forms is what makes the way back lossless
    saved = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        target.parse(data=json.dumps(jsonld), format="json-ld",
                     base=jsonld["id"] + "/")
    finally:
        rdflib.NORMALIZE_LITERALS = saved
    return target


# ---------------------------------------------------------------------------- export

# The syntaxes ``pypolicy export`` writes, by rdflib's name for each.
EXPORT_SYNTAXES = {"turtle": "turtle", "nt": "nt", "nquads": "nquads", "jsonld": "json-ld"}


def serialize_export(graph: Graph, syntax: str) -> str:
    """``graph`` (a Graph, or a Dataset for ``nquads``) written the same, byte for byte,
    on every run: rdflib names blank nodes at random and lists triples in hash order, so
    the blank nodes are relabelled by W3C RDF Dataset Canonicalization (RDFC-1.0, in
    pyoxigraph: Rust, linear on the tree-shaped graphs of this format) and N-Triples and
    N-Quads are sorted as the canonical form sorts them; Turtle and JSON-LD are written by
    rdflib from the relabelled graph, whose serialisers order subjects by their terms."""
    import pyoxigraph as ox

    quad_syntax = "nquads" if syntax == "nquads" else "nt"
    dataset = ox.Dataset(ox.parse(graph.serialize(format=quad_syntax).encode("utf-8"),
                                  ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    if syntax in ("nt", "nquads"):
        written = ox.serialize(dataset, format=ox.RdfFormat.N_QUADS) or b""
        lines = written.decode("utf-8").splitlines()
        return "".join(f"{line}\n" for line in sorted(lines))
    text = _relabelled(dataset).serialize(format=EXPORT_SYNTAXES[syntax])
    if syntax != "jsonld":
        return text
    # rdflib lists JSON-LD nodes in hash order; the format has no @list, so the order of
    # nodes and of each property's values carries no meaning and is fixed here
    nodes = [{key: sorted(values, key=_json_key) if isinstance(values, list) else values
              for key, values in node.items()} for node in json.loads(text)]
    return json.dumps(sorted(nodes, key=_json_key), indent=2, sort_keys=True,
                      ensure_ascii=False) + "\n"


def _json_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _relabelled(dataset: Any) -> Graph:
    """The triples of a canonicalised pyoxigraph dataset as an rdflib graph that keeps
    their blank node labels and lexical forms, with the format's prefixes bound."""
    import pyoxigraph as ox
    import rdflib
    from rdflib import BNode, Graph, Literal, URIRef

    def term(node: Any) -> Any:
        if isinstance(node, ox.NamedNode):
            return URIRef(node.value)
        if isinstance(node, ox.BlankNode):
            return BNode(node.value)
        if node.language:
            return Literal(node.value, lang=node.language)
        if node.datatype.value == _XSD_STRING:  # a simple literal, as rdflib writes it
            return Literal(node.value)
        return Literal(node.value, datatype=URIRef(node.datatype.value))

    graph = Graph()
    graph.bind("pp", NS)
    graph.bind("loc", LOC)
    saved = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False  # the document's own lexical forms, as in to_graph
    try:
        for quad in dataset:
            graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    finally:
        rdflib.NORMALIZE_LITERALS = saved
    return graph


# ---------------------------------------------------------------------------- back


def _local(iri: str, document_id: str) -> str:
    for prefix in (NS, LOC, document_iri(document_id) + "/"):
        if iri.startswith(prefix):
            return iri[len(prefix):]
    return iri


def _sort_key(value: Any) -> str:
    if isinstance(value, dict) and "id" in value:
        return "0" + str(value["id"])
    return "1" + json.dumps(value, sort_keys=True, ensure_ascii=False)


def _literal_value(literal: Any, datatype: str | None) -> Any:
    text = str(literal)
    if datatype == "xsd:integer":
        return int(text)
    if datatype == "xsd:boolean":
        return text.strip() in ("true", "1")
    return text


def _read_node(graph: Graph, node: Any, class_name: str, document_id: str) -> dict[str, Any]:
    from rdflib import URIRef

    result: dict[str, Any] = {}
    kinds = _kinds()
    for key in _properties_of(class_name):
        if key in NOT_MAPPED or key.startswith("@"):
            continue
        if key == "id":
            if isinstance(node, URIRef):
                result["id"] = _local(str(node), document_id)
            continue
        kind = kinds[key]
        values: list[Any] = []
        for obj in graph.objects(node, URIRef(NS + key)):
            if kind["kind"] in ("vocab", "ref"):
                values.append(_local(str(obj), document_id))
            elif kind["kind"] == "object":
                values.append(_read_node(graph, obj, kind["class"], document_id))
            else:
                values.append(_literal_value(obj, kind["datatype"]))
        if not values:
            continue
        if kind["many"]:
            result[key] = sorted(values, key=_sort_key)
        else:
            result[key] = values[0]
    return result


def from_graph(graph: Graph, document_id: str) -> dict[str, Any]:
    """Rebuild the JSON document ``document_id`` from a graph (lists in canonical order)."""
    from rdflib import URIRef

    root = URIRef(document_iri(document_id))
    document = _read_node(graph, root, ROOT_CLASS, document_id)
    document["id"] = document_id
    result: dict[str, Any] = canonical(document)
    return result


def canonical(document: Any) -> Any:
    """The document with every list in a fixed order and no ``@context`` or ``$schema``:
    for comparing."""
    if isinstance(document, dict):
        return {k: canonical(v) for k, v in sorted(document.items()) if k not in NOT_MAPPED}
    if isinstance(document, list):
        return sorted((canonical(v) for v in document), key=_sort_key)
    return document


# ---------------------------------------------------------------------------- SHACL


@cache
def shapes_graph() -> Graph:
    from rdflib import Graph

    graph = Graph()
    graph.parse(schema_file("shapes.ttl"), format="turtle")
    return graph


def shacl_validate(graph: Graph) -> tuple[bool, Graph, str]:
    """Validate a document graph against the bundled SHACL shapes (pySHACL, no inference)."""
    import pyshacl

    conforms, report_graph, report_text = pyshacl.validate(
        graph, shacl_graph=shapes_graph(), inference="none", advanced=False,
        allow_warnings=True)
    return bool(conforms), report_graph, str(report_text)
