"""An endpoint's answer read into rows, after checking it is SPARQL 1.1 JSON results.

An endpoint is another program, possibly hostile or broken: an ASK answered with a JSON
list, ``vars`` holding numbers, bindings that are ``null`` or numbers, JSON nested
thousands deep. The answer is checked against a JSON Schema of the SPARQL 1.1 Query
Results JSON Format (by jsonschema-rs, already used for policies: a compiled validator,
fast on answers of many thousand rows) before any of it is used, so every such answer
ends in one clear message naming the endpoint and the place in the answer.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any, Final

from pypolicy.core.errors import QueryError
from pypolicy.sparql.results import XSD, QueryResult, Row, Term
from pypolicy.sparql.safety import QueryKind
from pypolicy.sparql.terminal import one_line

_TERM: Final = {
    "type": "object",
    "required": ["type", "value"],
    "properties": {
        "type": {"enum": ["uri", "literal", "typed-literal", "bnode"]},
        "value": {"type": "string"},
        "xml:lang": {"type": "string", "minLength": 1},
        "datatype": {"type": "string", "minLength": 1},
    },
}
_SOLUTIONS: Final = {
    "type": "object",
    "required": ["head", "results"],
    "properties": {
        "head": {
            "type": "object",
            "required": ["vars"],
            "properties": {
                "vars": {"type": "array", "items": {"type": "string", "minLength": 1},
                         "uniqueItems": True},
                "link": {"type": "array", "items": {"type": "string"}},
            },
        },
        "results": {
            "type": "object",
            "required": ["bindings"],
            "properties": {
                "bindings": {"type": "array",
                             "items": {"type": "object", "additionalProperties": _TERM}},
            },
        },
    },
}
_BOOLEAN: Final = {
    "type": "object",
    "required": ["head", "boolean"],
    "properties": {"head": {"type": "object"}, "boolean": {"type": "boolean"}},
}


@cache
def _validator(kind: str) -> Any:
    import jsonschema_rs

    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              **(_BOOLEAN if kind == "ASK" else _SOLUTIONS)}
    return jsonschema_rs.validator_for(schema)


def read_json_results(data: bytes, kind: QueryKind, source: str) -> QueryResult:
    """The answer to an ASK or SELECT query from its SPARQL JSON results."""
    try:
        document = json.loads(data)
    except RecursionError:
        raise QueryError(f"{source}: the answer is JSON nested too deeply to be SPARQL"
                         " results") from None
    except ValueError as exc:  # not JSON, or not UTF-8
        raise QueryError(f"{source}: the answer is not JSON: {one_line(str(exc))}") from None
    if kind == "ASK" and isinstance(document, dict) and "results" in document \
            and "boolean" not in document:
        raise QueryError(f"{source}: the endpoint answered the ASK query with solutions, as"
                         " if it were a SELECT query; no true or false to report")
    if kind == "SELECT" and isinstance(document, dict) and "boolean" in document:
        raise QueryError(f"{source}: the endpoint answered the SELECT query with a boolean,"
                         " as if it were an ASK query")
    _check(document, kind, source)
    if kind == "ASK":
        return QueryResult("ASK", boolean=bool(document["boolean"]))
    variables = tuple(document["head"]["vars"])
    rows = tuple(_row(binding, variables) for binding in document["results"]["bindings"])
    return QueryResult("SELECT", variables, rows)


def _check(document: Any, kind: str, source: str) -> None:
    import jsonschema_rs

    try:
        _validator(kind).validate(document)
    except jsonschema_rs.ValidationError as error:
        where = "/".join(str(p) for p in error.instance_path)
        raise QueryError(f"{source}: the answer is not SPARQL 1.1 JSON results (at /{where}:"
                         f" {one_line(error.message)[:300]})") from None
    except (RecursionError, ValueError) as exc:
        raise QueryError(f"{source}: the answer cannot be checked as SPARQL results:"
                         f" {one_line(str(exc))[:300]}") from None


def _term(value: dict[str, str]) -> Term:
    kind = value["type"]
    if kind in ("uri", "bnode"):
        return Term(kind, value["value"])
    if "xml:lang" in value:
        return Term("literal", value["value"], None, value["xml:lang"])
    datatype = value.get("datatype")
    return Term("literal", value["value"], None if datatype == XSD + "string" else datatype)


def _row(binding: dict[str, dict[str, str]], variables: tuple[str, ...]) -> Row:
    return tuple(None if binding.get(name) is None else _term(binding[name])
                 for name in variables)
