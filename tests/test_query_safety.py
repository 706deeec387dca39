"""What a query may do is decided on the parsed query, before any engine runs it."""

from __future__ import annotations

import importlib.util
import io
import time
from pathlib import Path
from typing import Any

import pytest
from example_sets import real_examples_dir
from hypothesis import given, settings
from hypothesis import strategies as st

from pypolicy.cli.main import main
from pypolicy.core.errors import ConfigError, QueryError, UnsafeInputError
from pypolicy.sparql import worker as _worker
from pypolicy.sparql.engines import OxigraphEngine, RdflibEngine
from pypolicy.sparql.safety import check_query, tokens, with_values

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = str(real_examples_dir())  # the five real ones: examples/ has synthetic ones too
HAS_OXIGRAPH = importlib.util.find_spec("pyoxigraph") is not None

REFUSED_REMOTE = [
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE", 1, 18),
    ("SELECT * WHERE {\n  ?s ?p ?o .\n  OPTIONAL { service <http://x.example/> { ?s ?q ?r } }\n}",
     "SERVICE", 3, 14),
    ("SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE SILENT <http://x.example/> { ?a ?b ?c }"
     " } }", "SERVICE", 1, 43),
    ("SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://x.example/> { ?s ?p ?o } } } }",
     "SERVICE", 1, 38),
    ("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }", "SERVICE", 1, 18),
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM", 1, 10),
    ("SELECT *\nFROM NAMED <http://example.org/g>\nWHERE { GRAPH ?g { ?s ?p ?o } }", "FROM NAMED",
     2, 1),
    ("ASK FROM <https://example.org/data.ttl> { ?s ?p ?o }", "FROM", 1, 5),
    ("CONSTRUCT { ?s ?p ?o } FROM <file:///tmp/x.ttl> WHERE { ?s ?p ?o }", "FROM", 1, 24),
    ("DESCRIBE ?s FROM <http://example.org/> WHERE { ?s ?p ?o }", "FROM", 1, 13),
]

UPDATES = [
    "LOAD <file:///etc/passwd>",
    "LOAD <http://example.org/data.ttl> INTO GRAPH <http://example.org/g>",
    "INSERT DATA { <http://a.example/> <http://b.example/> 1 }",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "DROP GRAPH <https://w3id.org/pypolicy/doc/anveo>",
    "CREATE GRAPH <http://example.org/g>",
    "ADD DEFAULT TO <http://example.org/g>",
    "MOVE <http://example.org/a> TO <http://example.org/b>",
    "COPY DEFAULT TO <http://example.org/g>",
    "PREFIX pp: <https://w3id.org/pypolicy/ns#>\nWITH <http://example.org/g>\n"
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize(("text", "what", "line", "column"), REFUSED_REMOTE)
def test_service_and_from_are_refused_with_their_place(text: str, what: str, line: int,
                                                       column: int) -> None:
    with pytest.raises(UnsafeInputError) as caught:
        check_query(text, "q.rq")
    assert what in str(caught.value)
    assert (caught.value.path, caught.value.line, caught.value.column) == ("q.rq", line, column)
    assert str(caught.value).startswith(f"q.rq:{line}:{column}: ")


@pytest.mark.parametrize(("text", "what", "line", "column"), REFUSED_REMOTE)
def test_allow_remote_lets_them_through(text: str, what: str, line: int, column: int) -> None:
    assert check_query(text, allow_remote=True).kind in ("SELECT", "ASK", "CONSTRUCT",
                                                          "DESCRIBE")


@pytest.mark.parametrize("text", UPDATES)
@pytest.mark.parametrize("allow_remote", [False, True])
def test_updates_are_always_refused(text: str, allow_remote: bool) -> None:
    with pytest.raises(UnsafeInputError, match="SPARQL Update"):
        check_query(text, "u.rq", allow_remote=allow_remote)


@pytest.mark.parametrize("text", [
    'SELECT ?service WHERE { ?service ?p "SERVICE <http://x.example/> { }" }',
    "SELECT * WHERE { ?s <https://w3id.org/pypolicy/ns#from> ?from } # SERVICE <http://x/>",
    "PREFIX service: <http://example.org/>\nSELECT * WHERE { ?s service:from ?o }",
    "SELECT * WHERE { ?s ?p '''FROM <file:///etc/passwd>''' }",
])
def test_the_words_elsewhere_are_not_refused(text: str) -> None:
    assert check_query(text).kind == "SELECT"


def test_syntax_errors_name_the_place() -> None:
    with pytest.raises(QueryError) as caught:
        check_query("SELECT ?x WHERE { ?s ?p ?o } ORDER BY ?x LIMIT ten", "bad.rq")
    assert str(caught.value).startswith("bad.rq:1:")
    assert "syntax error" in str(caught.value)
    with pytest.raises(QueryError, match=r"^bad\.rq:2:21: unknown prefix y:"):
        check_query("PREFIX x: <http://x.example/>\nSELECT * WHERE { ?s y:p ?o }", "bad.rq")


def test_the_engines_never_see_a_refused_query(monkeypatch: pytest.MonkeyPatch,
                                               network_attempts: list[str]) -> None:
    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an engine was started for a refused query")

    monkeypatch.setattr(_worker, "call_with_time_limit", forbidden)
    monkeypatch.setattr(RdflibEngine, "run", forbidden)
    monkeypatch.setattr(OxigraphEngine, "run", forbidden)
    for store in ("memory", "oxigraph"):
        err = io.StringIO()
        code = main(["query", "--store", store, "-q",
                     "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", EXAMPLES],
                    stdout=io.StringIO(), stderr=err)
        assert code == 2
        assert "SERVICE <http://127.0.0.1:9/> is refused" in err.getvalue()
    assert network_attempts == []


def test_rdflib_would_fetch_a_from_graph_so_it_never_gets_one(tmp_path: Path) -> None:
    secret = tmp_path / "secret.ttl"
    secret.write_text("<http://x.example/s> <http://x.example/p> 'secret' .")
    err = io.StringIO()
    code = main(["query", "-q", f"SELECT ?o FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}",
                 EXAMPLES], stdout=io.StringIO(), stderr=err)
    assert code == 2 and "FROM <file://" in err.getvalue()


# ------------------------------------------------------------------------------ parameters


def test_parameters_are_values_not_query_text() -> None:
    from rdflib import Literal

    hostile = '" } } SERVICE <http://evil.example/> { ?a ?b ?c } { "\n\t\\ \u00e9'
    query = check_query("SELECT ?x WHERE { BIND (?given AS ?x) }")
    text = with_values(query, {"given": Literal(hostile)})
    again = check_query(text)  # still parses, and has no SERVICE
    from rdflib import Graph

    answer = Graph().query(again.prepared)
    assert [str(row[0]) for row in answer] == [hostile]  # type: ignore[index]


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=40))
def test_any_string_parameter_comes_back_unchanged(value: str) -> None:
    from rdflib import Graph, Literal

    query = check_query("SELECT ?x WHERE { BIND (?given AS ?x) }")
    bound = check_query(with_values(query, {"given": Literal(value)}))
    assert [str(r[0]) for r in Graph().query(bound.prepared)] == [value]  # type: ignore[index]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30))
def test_keywords_inside_strings_are_not_keywords(filler: str) -> None:
    from rdflib import Literal

    literal = Literal(f"{filler} SERVICE <http://x.example/> FROM <file:///x>").n3()
    text = f"SELECT * WHERE {{ ?s ?p {literal} }}"
    assert check_query(text).kind == "SELECT"
    assert not [t for t in tokens(text) if t.kind == "word" and t.text.upper() == "SERVICE"]


@pytest.mark.parametrize("text", [
    "SELECT ?x WHERE { ?s ?p ?x }",
    "SELECT * { ?s ?p ?x }",
    "SELECT ?x (EXISTS { ?x ?p ?o } AS ?e) WHERE { ?s ?p ?x }",
    "SELECT ?x WHERE { SELECT ?x WHERE { ?s ?p ?x } }",
    "ASK { ?s ?p ?x }",
    "CONSTRUCT { ?s ?p ?x } WHERE { ?s ?p ?x }",
    "PREFIX pp: <https://w3id.org/pypolicy/ns#>\n# where { braces in a comment\n"
    "SELECT ?x WHERE { ?s pp:right ?x FILTER (?x != \"{ WHERE }\") }",
])
def test_values_go_at_the_start_of_the_where_group(text: str) -> None:
    from rdflib import URIRef

    query = check_query(text)
    bound = with_values(query, {"x": URIRef("https://w3id.org/pypolicy/ns#access")})
    assert "VALUES (?x) { (<https://w3id.org/pypolicy/ns#access>) }" in bound
    assert check_query(bound).kind == query.kind


def test_unusable_bindings_are_refused() -> None:
    from rdflib import URIRef

    query = check_query("SELECT ?x WHERE { ?s ?p ?x }")
    with pytest.raises(ConfigError, match="not a usable IRI"):
        with_values(query, {"x": URIRef("http://x.example/> } SERVICE <http://evil/")})
    with pytest.raises(ConfigError, match="no WHERE group"):
        with_values(check_query("CONSTRUCT WHERE { ?s ?p ?x }"), {"x": URIRef("http://x/")})


# ------------------------------------------------------------------------------ time limit

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.mark.parametrize("store", [
    "memory",
    pytest.param("oxigraph", marks=pytest.mark.skipif(not HAS_OXIGRAPH,
                                                      reason="pyoxigraph is not installed")),
])
def test_a_runaway_query_is_stopped(store: str) -> None:
    err = io.StringIO()
    begin = time.monotonic()
    code = main(["query", "--store", store, "--timeout", "1", "-q", RUNAWAY, EXAMPLES],
                stdout=io.StringIO(), stderr=err)
    elapsed = time.monotonic() - begin
    assert code == 2
    assert "did not finish within 1 s and was stopped" in err.getvalue()
    assert elapsed < 30  # loading the examples, one second of query, and the kill


def test_a_runaway_regular_expression_is_stopped_too() -> None:
    err = io.StringIO()
    text = ('SELECT ?x WHERE { BIND (REGEX("' + "a" * 40 + '!", "^(a+)+$") AS ?x) }')
    # rdflib: Python's backtracking regular expressions (Oxigraph's, the default, run in
    # linear time and answer at once).
    code = main(["query", "--store", "rdflib", "--timeout", "1", "-q", text, EXAMPLES],
                stdout=io.StringIO(), stderr=err)
    assert code == 2 and "was stopped" in err.getvalue()


def test_time_limit_passes_results_and_errors_through() -> None:
    def work(value: int, started: Any) -> int:
        started()
        return value * 2

    def fail(started: Any) -> int:
        raise UnsafeInputError("no", path="f.rq", line=3)

    assert _worker.call_with_time_limit(work, (21,), 5) == 42
    with pytest.raises(QueryError, match=r"^f\.rq:3: no$"):
        _worker.call_with_time_limit(fail, (), 5)
