"""Tests of the RDF form of a document (pypolicy.format.rdf): offline, typed, SHACL-conformant,
lossless both ways, and closed to JSON-LD tricks that would make rdflib fetch."""

from __future__ import annotations

import copy
import socket
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import rdflib
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SH

from pypolicy.core.errors import InputError, UnsafeInputError
from pypolicy.format.loader import load_path
from pypolicy.format.rdf import (
    canonical,
    check_keys,
    context_iri,
    document_iri,
    from_graph,
    shacl_validate,
    to_graph,
)
from pypolicy.format.resources import policy_schema

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.policy.json"))
MINIMAL = ROOT / "examples" / "handwritten" / "minimal.yaml"
YAML_EXAMPLES = sorted((ROOT / "examples").glob("*/*.yaml"))  # handwritten/, synthetic/
ALL_DOCUMENTS = [*EXAMPLES, *YAML_EXAMPLES]
# rdflib's isomorphism check takes seconds on the larger examples (hundreds of blank
# nodes); those cases are marked slow, the smaller ones always run.
SLOW_ISOMORPHISM_BYTES = 45_000
PP = Namespace("https://w3id.org/pypolicy/ns#")
LOC = Namespace("https://w3id.org/dpv/loc#")
# not rdflib.XSD: pytest probes module globals, and rdflib's XSD warns on unknown names
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
# Collections whose entries have an id, and so an IRI, with the class of their entries.
IDENTIFIED = {"audiences": "Audience", "regimes": "RegimeClaim", "parties": "PartyEntry",
              "dataCategories": "DataEntry", "statements": "Statement",
              "retention": "RetentionRule", "storage": "StorageEntry",
              "transfers": "Transfer", "rights": "RightEntry",
              "securityMeasures": "SecurityEntry", "markets": "Market"}


@cache
def _loaded(path: Path) -> tuple[dict[str, Any], Graph]:
    document = load_path(path).data
    return document, to_graph(document)


def document_of(path: Path) -> dict[str, Any]:
    return copy.deepcopy(_loaded(path)[0])


def graph_of(path: Path) -> Graph:
    """A fresh copy of the document's graph (tests may change it)."""
    graph = Graph()
    for triple in _loaded(path)[1]:
        graph.add(triple)
    return graph


def ids(path: Path) -> str:
    return path.name


# ------------------------------------------------------------------ the network guard


def test_the_network_guard_refuses_connections(network_attempts: list[str],
                                              network_error: type[BaseException]) -> None:
    with pytest.raises(network_error):
        socket.create_connection(("example.org", 80), timeout=1)
    with pytest.raises(network_error):
        socket.getaddrinfo("example.org", 443)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, \
            pytest.raises(network_error):
        sock.connect(("192.0.2.1", 80))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, \
            pytest.raises(network_error):
        sock.connect_ex(("192.0.2.1", 80))
    assert len(network_attempts) == 4
    network_attempts.clear()


def test_the_network_guard_cannot_be_swallowed(network_attempts: list[str],
                                               network_error: type[BaseException]) -> None:
    """urllib turns OSError into URLError; the guard's error gets through regardless."""
    with pytest.raises(network_error):
        urllib.request.urlopen("http://example.org/", timeout=1)
    assert network_attempts
    network_attempts.clear()


def test_the_network_guard_stops_rdflib_fetching_a_context(
        network_attempts: list[str], network_error: type[BaseException]) -> None:
    """The very risk _rdf guards against: rdflib fetches any context a document names."""
    remote = '{"@context": "http://example.org/ctx.jsonld", "@id": "http://x.example/a"}'
    with pytest.raises(network_error):
        Graph().parse(data=remote, format="json-ld")
    network_attempts.clear()


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no AF_UNIX sockets here")
def test_the_network_guard_allows_unix_sockets() -> None:
    with tempfile.TemporaryDirectory() as folder:  # short path: AF_UNIX limits its length
        address = str(Path(folder) / "s")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server, \
                socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            server.bind(address)
            server.listen(1)
            client.connect(address)
            connection, _ = server.accept()
            with connection:
                client.sendall(b"ping")
                assert connection.recv(4) == b"ping"


# ------------------------------------------------------------------ JSON -> RDF -> JSON


@pytest.mark.parametrize("path", ALL_DOCUMENTS, ids=ids)
def test_the_graph_conforms_to_the_shapes(path: Path) -> None:
    conforms, _report, text = shacl_validate(graph_of(path))
    assert conforms, text


@pytest.mark.parametrize("path", ALL_DOCUMENTS, ids=ids)
def test_json_to_rdf_to_json_is_lossless(path: Path) -> None:
    document = document_of(path)
    assert from_graph(graph_of(path), document["id"]) == canonical(document)


def test_two_documents_in_one_graph_stay_apart() -> None:
    first, second = document_of(EXAMPLES[0]), document_of(MINIMAL)
    graph = to_graph(first)
    to_graph(second, graph)
    assert from_graph(graph, first["id"]) == canonical(first)
    assert from_graph(graph, second["id"]) == canonical(second)


def test_the_round_trip_notices_a_lost_value() -> None:
    """from_graph reads the graph, not a cache: a triple removed is a value lost."""
    document = document_of(MINIMAL)
    graph = graph_of(MINIMAL)
    graph.remove((None, PP.minimumAge, None))
    assert from_graph(graph, document["id"]) != canonical(document)


def round_trip_cases() -> list[Any]:
    cases = []
    for path in ALL_DOCUMENTS:
        slow = path.stat().st_size > SLOW_ISOMORPHISM_BYTES
        for syntax in ("turtle", "nt", "json-ld"):
            cases.append(pytest.param(path, syntax, id=f"{path.name}-{syntax}",
                                      marks=[pytest.mark.slow] if slow else []))
    return cases


@contextmanager
def literals_as_written() -> Iterator[None]:
    """Parse as to_graph does: rdflib by default rewrites literals into a canonical form
    ("P13M"^^xsd:duration becomes "P1Y1M"), a different RDF term for the same value."""
    saved = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = saved


@pytest.mark.parametrize(("path", "syntax"), round_trip_cases())
def test_serialising_and_parsing_gives_an_isomorphic_graph(path: Path, syntax: str) -> None:
    document = document_of(path)
    graph = graph_of(path)
    parsed = Graph()
    with literals_as_written():
        parsed.parse(data=graph.serialize(format=syntax), format=syntax)
    assert len(parsed) == len(graph)
    assert from_graph(parsed, document["id"]) == canonical(document)
    assert isomorphic(parsed, graph)


@pytest.mark.parametrize("bad_id", ["a/../b", "x#y", "has space", "", 7])
def test_a_document_id_that_would_make_foreign_iris_is_refused(bad_id: Any) -> None:
    document = document_of(MINIMAL)
    document["id"] = bad_id
    with pytest.raises(InputError) as caught:
        to_graph(document)
    assert caught.value.pointer == "/id"


def test_an_integer_written_as_a_float_stays_an_integer() -> None:
    """JSON's 16.0 is the schema's integer 16; RDF must say xsd:integer, and SHACL agree."""
    document = document_of(MINIMAL)
    document["children"]["minimumAge"] = 16.0
    graph = to_graph(document)
    assert shacl_validate(graph)[0]
    assert from_graph(graph, document["id"])["children"]["minimumAge"] == 16


# ------------------------------------------------------------------ the shape of the graph


@pytest.mark.parametrize("path", ALL_DOCUMENTS, ids=ids)
def test_every_subject_is_typed(path: Path) -> None:
    graph = graph_of(path)
    subjects = set(graph.subjects())
    assert subjects
    assert [s for s in subjects if (s, RDF.type, None) not in graph] == []


@pytest.mark.parametrize("path", ALL_DOCUMENTS, ids=ids)
def test_entries_are_iris_under_the_document(path: Path) -> None:
    document = document_of(path)
    graph = graph_of(path)
    base = document_iri(document["id"])
    root = URIRef(base)
    assert (root, RDF.type, PP.PolicyDocument) in graph
    named = {s for s in graph.subjects() if isinstance(s, URIRef)}
    assert [s for s in named if s != root and not str(s).startswith(base + "/")] == []
    expected = {URIRef(f"{base}/{entry['id']}"): class_name
                for key, class_name in IDENTIFIED.items() for entry in document.get(key, [])}
    assert expected, "the document has no identified entries to check"
    for iri, class_name in expected.items():
        assert (iri, RDF.type, PP[class_name]) in graph, iri
    assert named == {root, *expected}
    assert all(isinstance(s, BNode) for s in set(graph.subjects()) - named)


# ------------------------------------------------------------------ SHACL catches breaks


def first_statement(graph: Graph) -> URIRef:
    statements = sorted(s for s in graph.subjects(RDF.type, PP.Statement)
                        if isinstance(s, URIRef))
    assert statements
    return statements[0]


def shacl_results(graph: Graph) -> set[tuple[Any, Any]]:
    """(constraint component, path) of every SHACL result; asserts non-conformance."""
    conforms, report, _text = shacl_validate(graph)
    assert not conforms, "the broken graph was accepted"
    return {(report.value(r, SH.sourceConstraintComponent), report.value(r, SH.resultPath))
            for r in report.subjects(RDF.type, SH.ValidationResult)}


def test_the_unbroken_graph_conforms() -> None:
    assert shacl_validate(graph_of(MINIMAL))[0]


def test_shacl_catches_a_missing_required_property() -> None:
    graph = graph_of(MINIMAL)
    graph.remove((first_statement(graph), PP.modality, None))
    assert (SH.MinCountConstraintComponent, PP.modality) in shacl_results(graph)


@pytest.mark.parametrize("unknown", [PP.colour, URIRef("http://example.org/extra")])
def test_shacl_catches_an_unknown_property(unknown: URIRef) -> None:
    graph = graph_of(MINIMAL)
    graph.add((first_statement(graph), unknown, Literal("red")))
    assert (SH.ClosedConstraintComponent, unknown) in shacl_results(graph)


@pytest.mark.parametrize(("prop", "bad"), [(PP.modality, PP.notAModality),
                                           (PP.modality, PP.collect),  # a term of Action
                                           (PP.locations, LOC.XX)])
def test_shacl_catches_a_value_outside_the_vocabulary(prop: URIRef, bad: URIRef) -> None:
    graph = graph_of(MINIMAL)
    subject, _, old = next(iter(graph.triples((None, prop, None))))
    graph.remove((subject, prop, old))
    graph.add((subject, prop, bad))
    assert (SH.InConstraintComponent, prop) in shacl_results(graph)


@pytest.mark.parametrize("bad", [Literal("sixteen"), Literal("16"),
                                 Literal("16", datatype=XSD_STRING)])
def test_shacl_catches_a_minimum_age_that_is_not_an_integer(bad: Literal) -> None:
    graph = graph_of(MINIMAL)
    subject = graph.value(predicate=PP.minimumAge, object=Literal(16))
    assert subject is not None
    graph.remove((subject, PP.minimumAge, None))
    graph.add((subject, PP.minimumAge, bad))
    assert (SH.DatatypeConstraintComponent, PP.minimumAge) in shacl_results(graph)


# ------------------------------------------------------------------ JSON-LD is closed


@pytest.mark.parametrize("value", [
    "https://example.org/context.jsonld",
    "http://w3id.org/pypolicy/context/1.0.0/context.jsonld",
    "/etc/passwd",
    "context.jsonld",
    "file:///etc/passwd",
    [],
    ["https://example.org/context.jsonld"],
    {},
    {"pp": "https://w3id.org/pypolicy/ns#"},
    None,
], ids=repr)
def test_a_foreign_context_is_refused_without_a_fetch(value: Any) -> None:
    document = document_of(MINIMAL)
    document["@context"] = value
    with pytest.raises(UnsafeInputError) as caught:
        to_graph(document)
    assert caught.value.pointer == "/@context"


def test_the_bundled_context_in_a_list_is_refused_too() -> None:
    """Only the plain IRI: a list could smuggle a second, fetched context behind it."""
    document = document_of(MINIMAL)
    document["@context"] = [context_iri()]
    with pytest.raises(UnsafeInputError):
        to_graph(document)


def test_the_bundled_context_is_accepted() -> None:
    document = document_of(MINIMAL)
    document["@context"] = context_iri()
    graph = to_graph(document)
    assert from_graph(graph, document["id"]) == canonical(document)
    assert "@context" in policy_schema()["properties"]


@pytest.mark.parametrize(("where", "key"), [
    ("", "@graph"),
    ("", "@id"),
    ("", "@type"),
    ("", "@included"),
    ("/statements/0", "@id"),
    ("/statements/0", "@context"),
    ("/provider", "@included"),
    ("/provider/evidence/0", "@graph"),
    ("/children", "@reverse"),
])
def test_json_ld_keywords_in_the_body_are_refused(where: str, key: str) -> None:
    document = document_of(MINIMAL)
    target: Any = document
    for part in where.split("/")[1:]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    target[key] = {"@id": "https://example.org/evil"}
    with pytest.raises(UnsafeInputError) as caught:
        check_keys(document)
    assert caught.value.pointer == f"{where}/{key}"
    with pytest.raises(UnsafeInputError):
        to_graph(document)


# ------------------------------------------------------------------ export of several documents


def _minimal(document_id: str, title: str) -> dict[str, Any]:
    return {"formatVersion": "1.0.0", "id": document_id, "title": title, "language": "en",
            "provider": {"name": "Acme VoIP"}}


@pytest.mark.parametrize("to", ["nquads", "turtle", "nt", "jsonld"])
def test_export_refuses_two_documents_with_one_id(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        to: str) -> None:
    """Issue 18: export --to nquads merged two documents with one id into one graph."""
    import json

    from pypolicy.cli.main import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.json").write_text(json.dumps(_minimal("acme", "Old")), "utf-8")
    (tmp_path / "b.json").write_text(json.dumps(_minimal("acme", "New"), indent=2), "utf-8")
    assert main(["export", "a.json", "b.json", "--to", to]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "b.json:3 (at /id): document id 'acme' is also the id of a.json" in captured.err


def test_export_to_nquads_gives_each_document_its_graph(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from pypolicy.cli.main import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.json").write_text(json.dumps(_minimal("acme", "A")), "utf-8")
    (tmp_path / "b.json").write_text(json.dumps(_minimal("other", "B")), "utf-8")
    assert main(["export", "a.json", "b.json", "--to", "nquads"]) == 0
    dataset = rdflib.Dataset()
    dataset.parse(data=capsys.readouterr().out, format="nquads")
    graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert graphs == {"https://w3id.org/pypolicy/doc/acme", "https://w3id.org/pypolicy/doc/other"}
