"""The JSON Schema (``schema/policy.schema.json``): the hand-written schema plus one enum
per controlled vocabulary, generated from the vocabulary so the two never drift apart."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pypolicy.core.version import READABLE_FORMAT_VERSIONS
from pypolicy.format.generate.sources import (
    PLACE_SCHEME,
    ROOT_CLASS,
    SCHEMA_ID,
    FormatSourceError,
    Sources,
    Term,
)


def build_schema(s: Sources) -> dict[str, Any]:
    """The complete JSON Schema, with ``$defs`` sorted by name."""
    schema: dict[str, Any] = {"$schema": s.schema_src["$schema"], "$id": SCHEMA_ID}
    for key, value in s.schema_src.items():
        if key not in ("$schema", "$defs"):
            schema[key] = value
    # a minor version reads the documents of the earlier minors of its major
    schema["properties"]["formatVersion"]["enum"] = list(READABLE_FORMAT_VERSIONS)
    defs = dict(s.schema_src["$defs"])
    for sname, scheme in s.schemes.items():
        if sname in defs:
            raise FormatSourceError(f"$defs/{sname} is generated from the vocabulary")
        values = list(scheme.terms)
        meanings = [_meaning(term) for term in scheme.terms.values()]
        description = f"{scheme.definition} A term of the {scheme.label} vocabulary."
        if sname == PLACE_SCHEME:
            values = values + [code for code, _ in s.countries]
            meanings = meanings + [f"{name} (ISO 3166-1 alpha-2)." for _, name in s.countries]
            description = scheme.definition
        # "enumDescriptions" (one per value, in order) is what VS Code's JSON language service
        # and yaml-language-server show on hover and completion. It is an annotation beside
        # "enum", not a oneOf of consts, so that validation and its messages stay the same.
        defs[sname] = {"description": description, "type": "string", "enum": values,
                       "enumDescriptions": meanings}
    schema["$defs"] = dict(sorted(defs.items()))
    _no_empty_lists(schema)
    return schema


def _meaning(term: Term) -> str:
    """A term's hover text: its label and its definition from the vocabulary."""
    return f"{term.label}: {term.definition}"


def _no_empty_lists(node: Any) -> None:
    """Every list has at least one item: an empty list would mean nothing that an absent
    property does not (absent means "not stated"), and RDF cannot tell them apart."""
    if isinstance(node, dict):
        if node.get("type") == "array":
            node.setdefault("minItems", 1)
        for value in node.values():
            _no_empty_lists(value)
    elif isinstance(node, list):
        for value in node:
            _no_empty_lists(value)


def deref(schema: dict[str, Any], node: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """The ``$defs`` name a node refers to (None when inline) and the definition itself."""
    ref = node.get("$ref")
    if ref is None:
        return None, node
    name = ref.rsplit("/", 1)[-1]
    return name, schema["$defs"][name]


def iter_object_defs(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object type of the schema: the root and each object $def."""
    yield ROOT_CLASS, schema
    for name, d in schema["$defs"].items():
        if d.get("type") == "object":
            yield name, d
