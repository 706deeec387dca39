"""CSV and JSON answers are written by pypolicy, to the bytes rdflib's SPARQL results
serializers write for the same rows (their own speed on large answers was the cost)."""

from __future__ import annotations

import json

from rdflib import BNode, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Identifier, Variable

from pypolicy.core.csvsafe import spreadsheet_safe
from pypolicy.sparql.results import QueryResult, Term, format_result, relabel
from pypolicy.sparql.terminal import sanitize_terminal, unicode_escapes

XSD = "http://www.w3.org/2001/XMLSchema#"

# Every kind of cell: plain, typed (rdflib writes some in normalised form), tagged,
# blank nodes, unbound, a formula, control and bidirectional characters, quotes.
ROWS = (
    (Term("literal", "=1+2"), Term("uri", "https://example.org/x"), None),
    (Term("literal", "07", XSD + "integer"), Term("literal", "hello", None, "EN"),
     Term("bnode", "zz")),
    (Term("literal", 'a\x1b[31mb\u202e\n"q",x'), Term("bnode", "yy"),
     Term("literal", "2.50", XSD + "decimal")),
    (Term("literal", "P13M", XSD + "duration"), Term("literal", "-5"),
     Term("literal", "true", XSD + "boolean")),
    (Term("literal", "x\ty"), Term("literal", "not a number", XSD + "integer"),
     Term("literal", "")),
    (Term("bnode", "zz"), None, None),
)
RESULT = QueryResult("SELECT", ("a", "b", "c"), ROWS)


def _rdflib_node(term: Term, csv: bool) -> Identifier:
    if term.kind == "uri":
        return URIRef(term.value)
    if term.kind == "bnode":
        return BNode(term.value)
    if csv:  # the CSV format writes a literal's lexical form alone
        return Literal(spreadsheet_safe(term.value))
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=None if term.datatype is None else URIRef(term.datatype))


def _rdflib_text(result: QueryResult, fmt: str) -> str:
    """What rdflib's serializer writes for these rows (blank nodes relabelled)."""
    answer = Result(result.kind)
    blanks = relabel(v for row in result.rows for v in row)
    variables = [Variable(name) for name in result.variables]
    answer.vars = variables
    answer.bindings = [
        {name: _rdflib_node(value._replace(value=blanks[value]) if value.kind == "bnode"
                            else value, fmt == "csv")
         for name, value in zip(variables, row, strict=True) if value is not None}
        for row in result.rows]
    data = answer.serialize(format=fmt, encoding="utf-8")
    assert data is not None
    return data.decode("utf-8")


def test_csv_is_what_rdflibs_serializer_writes() -> None:
    expected = sanitize_terminal(_rdflib_text(RESULT, "csv"), keep="\r\n")
    assert format_result(RESULT, "csv") == expected
    assert format_result(RESULT, "csv").splitlines()[1].startswith("'=1+2,")


def test_json_is_what_rdflibs_serializer_writes() -> None:
    expected = _rdflib_text(RESULT, "json").translate(unicode_escapes("")) + "\n"
    text = format_result(RESULT, "json")
    assert text == expected
    document = json.loads(text)
    assert document["results"]["bindings"][1]["a"] == {
        "type": "literal", "value": "7", "datatype": XSD + "integer"}
    assert document["results"]["bindings"][5] == {"a": {"type": "bnode", "value": "b0"}}


def test_an_empty_answer_and_an_ask_answer() -> None:
    empty = QueryResult("SELECT", ("policy",), ())
    assert format_result(empty, "csv") == "policy\r\n"
    assert json.loads(format_result(empty, "json")) == {
        "results": {"bindings": []}, "head": {"vars": ["policy"]}}
    assert format_result(QueryResult("ASK", boolean=False), "json") == \
        '{"head": {}, "boolean": false}\n'


def test_the_table_and_tsv_show_each_term_as_before() -> None:
    table = format_result(RESULT, "table").splitlines()
    assert table[0].split() == ["a", "b", "c"]
    assert table[-1] == "(6 rows)"
    assert "\\x1b" in table[4] and "\x1b" not in "".join(table)
    tsv = format_result(RESULT, "tsv").splitlines()
    assert tsv[2] == '"07"^^<http://www.w3.org/2001/XMLSchema#integer>\t"hello"@EN\t_:b0'
    assert tsv[6] == "_:b0\t\t"
