"""A hedge on a right itself (format 1.1 ``rightQualifier``): "Most of your data can be
accessed" grants the right for part of the data, which the hedge on the response
(``qualifier``: "we usually respond within one month") cannot say. Followed through
every layer that must see it: the schema, JSON -> RDF -> JSON, the SHACL shapes, the
model, the rendered page (Markdown, HTML, text; reader and reviewer), diff and the
query pack (both engines)."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, Graph, Namespace
from rdflib.namespace import SH

from pypolicy.core.version import FORMAT_VERSION
from pypolicy.format.loader import load_path
from pypolicy.format.model import Policy
from pypolicy.format.rdf import canonical, from_graph, shacl_validate, to_graph
from pypolicy.format.schema import violations
from pypolicy.rendering import render
from pypolicy.rendering.diff import diff
from pypolicy.sparql.dataset import build_dataset, build_oxigraph_store
from pypolicy.sparql.engines import OxigraphEngine, RdflibEngine
from pypolicy.sparql.pack import bind_parameters, query_pack
from pypolicy.sparql.safety import check_query

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "examples" / "handwritten" / "minimal.yaml"
PP = Namespace("https://w3id.org/pypolicy/ns#")


@cache
def _minimal() -> dict[str, Any]:
    data: dict[str, Any] = load_path(MINIMAL).data
    return data


def document(right_qualifier: str | None = "mostly",
             response_qualifier: str | None = None) -> dict[str, Any]:
    """The minimal policy whose access right is hedged as the arguments say."""
    doc = copy.deepcopy(_minimal())
    doc["formatVersion"] = FORMAT_VERSION
    access = next(r for r in doc["rights"] if r["id"] == "rt-access")
    access["responseTime"] = "P1M"
    for key, value in (("rightQualifier", right_qualifier),
                       ("qualifier", response_qualifier)):
        if value is None:
            access.pop(key, None)
        else:
            access[key] = value
    return doc


def shacl_results(graph: Graph) -> set[tuple[Any, Any]]:
    conforms, report, _text = shacl_validate(graph)
    assert not conforms, "the broken graph was accepted"
    return {(report.value(r, SH.sourceConstraintComponent), report.value(r, SH.resultPath))
            for r in report.subjects(RDF.type, SH.ValidationResult)}


# ------------------------------------------------------------------ the format


def test_the_schema_accepts_a_hedge_on_the_right_beside_one_on_the_response() -> None:
    assert violations(document("mostly", "usually")) == []


@pytest.mark.parametrize("value", ["most", ["mostly"], "permittedByLaw"])
def test_the_schema_refuses_a_right_qualifier_that_is_no_hedge(value: Any) -> None:
    doc = document()
    next(r for r in doc["rights"] if r["id"] == "rt-access")["rightQualifier"] = value
    pointers = [v.pointer for v in violations(doc)]
    assert any(p.endswith("/rightQualifier") for p in pointers), pointers


def test_the_schema_refuses_a_right_qualifier_outside_a_right() -> None:
    doc = document()
    doc["statements"][0]["rightQualifier"] = "mostly"
    assert violations(doc) != []


def test_json_to_rdf_to_json_keeps_both_hedges_apart() -> None:
    doc = document("mostly", "usually")
    graph = to_graph(doc)
    [(right, _, _)] = list(graph.triples((None, PP.rightQualifier, None)))
    assert (right, PP.rightQualifier, PP.mostly) in graph
    assert (right, PP.qualifier, PP.usually) in graph
    assert from_graph(graph, doc["id"]) == canonical(doc)


def test_the_shapes_accept_a_hedged_right() -> None:
    conforms, _report, text = shacl_validate(to_graph(document("mostly", "usually")))
    assert conforms, text


def test_the_shapes_refuse_a_right_qualifier_outside_the_hedges() -> None:
    graph = to_graph(document())
    [(right, _, _)] = list(graph.triples((None, PP.rightQualifier, None)))
    graph.remove((right, PP.rightQualifier, None))
    graph.add((right, PP.rightQualifier, PP.withConsent))
    assert (SH.InConstraintComponent, PP.rightQualifier) in shacl_results(graph)


def test_the_shapes_refuse_two_right_qualifiers() -> None:
    graph = to_graph(document())
    [(right, _, _)] = list(graph.triples((None, PP.rightQualifier, None)))
    graph.add((right, PP.rightQualifier, PP.usually))
    assert (SH.MaxCountConstraintComponent, PP.rightQualifier) in shacl_results(graph)


def test_the_model_reads_both_hedges() -> None:
    policy = Policy.from_dict(document("mostly", "usually"))
    access = next(r for r in policy.rights if r.right == "access")
    assert (access.right_qualifier, access.qualifier) == ("mostly", "usually")


# ------------------------------------------------------------------ the page and diff


@pytest.mark.parametrize("fmt", ["markdown", "html", "text"])
@pytest.mark.parametrize("audience", ["reader", "reviewer"])
def test_the_page_puts_most_on_the_data_and_usually_on_the_response(
        fmt: Any, audience: Any) -> None:
    page = " ".join(render(Policy.from_dict(document("mostly", "usually")), fmt,
                           audience).split())
    assert "You can access most, but not all, of the personal data we hold about you." \
        in page
    assert "We usually respond within one month." in page


@pytest.mark.parametrize(("hedge", "words"), [
    ("usually", "You can usually access the personal data we hold about you."),
    ("inSomeCases", "In some cases, you can access the personal data we hold about you."),
    ("wherePossible", "Where possible, you can access the personal data we hold about you."),
])
def test_other_hedges_on_a_right_qualify_the_can(hedge: str, words: str) -> None:
    page = " ".join(render(Policy.from_dict(document(hedge)), "text").split())
    assert words in page
    assert "We respond within one month." in page  # the response is not hedged


def test_a_right_without_the_hedge_reads_as_granted_in_full() -> None:
    page = " ".join(render(Policy.from_dict(document(None)), "text").split())
    assert "You can access the personal data we hold about you." in page
    assert "most" not in page.split("Access.", 1)[1].split(".", 2)[1]


def test_diff_reports_a_hedge_added_to_a_right() -> None:
    old, new = Policy.from_dict(document(None)), Policy.from_dict(document("mostly"))
    [change] = diff(old, new).changes
    assert change.kind == "right-changed"
    assert change.new is not None and "most, but not all," in change.new
    assert change.old is not None and "most" not in change.old


# ------------------------------------------------------------------ the query pack


@cache
def _documents() -> tuple[dict[str, Any], ...]:
    both = document("mostly", "usually")
    both["id"] = "hedged-both"
    only_right = document("inSomeCases", None)
    only_right["id"] = "hedged-right"
    return (both, only_right)


def hedge_rows(engine: Any) -> list[tuple[str, ...]]:
    pack = query_pack()["hedges"]
    query = check_query(pack.text, pack.path.name)
    result = engine.run(query, bind_parameters(query, pack.parameters, {}))
    columns = [result.variables.index(c) for c in ("policy", "kind", "entry", "qualifier",
                                                   "about")]
    return [tuple("" if row[i] is None else row[i].value for i in columns)
            for row in result.rows if row[columns[1]].value.startswith("right")]


@pytest.mark.parametrize("engine_name", ["rdflib", "oxigraph"])
def test_the_hedges_query_lists_a_hedged_right_apart_from_a_hedged_response(
        engine_name: str) -> None:
    engine = RdflibEngine(build_dataset(_documents())) if engine_name == "rdflib" else \
        OxigraphEngine(build_oxigraph_store(_documents()))
    assert sorted(hedge_rows(engine)) == [
        ("hedged-both", "right", "rt-access", "usually", "access"),
        ("hedged-both", "right as granted", "rt-access", "mostly", "access"),
        ("hedged-right", "right as granted", "rt-access", "inSomeCases", "access"),
    ]
