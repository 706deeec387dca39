"""A policy document as N-Quads, written straight from its JSON: no JSON-LD processor.

The bundled JSON-LD context is simple: every property is a term with an IRI and at most
a type coercion (``@id``, ``@vocab`` or a datatype), there are no containers, no
``@language``, no ``@vocab``, no scoped contexts; objects get their ``@type`` from the
schema (:func:`pypolicy.format.rdf._typed`) and their ``id`` resolves against the
document's base. So the triples JSON-LD would give can be written directly by walking
the document once, which is several times faster than any JSON-LD parser (rdflib's,
or Oxigraph's with its context processing) and is what makes loading a large corpus
fast.

The two mappings must agree: ``tests/test_store.py`` checks that the quads written
here and rdflib's graph from :func:`pypolicy.format.rdf.to_graph` are isomorphic, on the
examples, a generated corpus and property-based documents. Anything this walk does not
know how to map as JSON-LD would (a float, a key outside the context, an object where a
name is expected) raises :class:`Unmapped`, and the caller falls back to the JSON-LD
route for that one document rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from pypolicy.format.rdf import NOT_MAPPED, ROOT_CLASS, _kinds, check_keys, document_iri
from pypolicy.format.resources import context

RDF_TYPE: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"


class Unmapped(Exception):
    """The document holds something this direct mapping leaves to a JSON-LD processor."""


@dataclass(frozen=True)
class _Property:
    iri: str
    coercion: str | None  # "@id", "@vocab", a datatype IRI, or None
    class_iri: str | None  # the class of a nested object (kind "object")


@dataclass(frozen=True)
class _Mapping:
    properties: dict[str, _Property]
    terms: dict[str, str]  # every term of the context by its IRI, for @vocab values
    classes: dict[str, str]  # class name -> IRI


@cache
def _mapping() -> _Mapping:
    """The context read once into plain dictionaries."""
    definitions: dict[str, Any] = context()["@context"]
    prefixes = {k: v for k, v in definitions.items()
                if isinstance(v, str) and v.endswith(("#", "/"))}

    def expand(value: str) -> str:
        prefix, colon, local = value.partition(":")
        if colon and prefix in prefixes and not local.startswith("//"):
            return prefixes[prefix] + local
        return value

    terms: dict[str, str] = {}
    properties: dict[str, _Property] = {}
    kinds = _kinds()
    for key, definition in definitions.items():
        if key.startswith("@") or key in prefixes:
            continue
        if isinstance(definition, str):
            if not definition.startswith("@"):  # not a keyword alias ("id": "@id")
                terms[key] = expand(definition)
            continue
        if not isinstance(definition, dict) or set(definition) - {"@id", "@type"}:
            continue  # not a shape this walk knows: a value using it is Unmapped
        iri = expand(str(definition.get("@id", "")))
        if iri.startswith("@"):
            continue  # keyword aliases ("id")
        terms[key] = iri
        coercion = definition.get("@type")
        kind = kinds.get(key, {})
        class_name = kind.get("class") if kind.get("kind") == "object" else None
        properties[key] = _Property(
            iri, coercion if coercion in (None, "@id", "@vocab") else expand(coercion),
            expand(str(definitions[class_name])) if class_name in definitions else None)
    classes = {name: iri for name, iri in terms.items() if name[:1].isupper()}
    return _Mapping(properties, terms, classes)


def _literal(text: str) -> str:
    """The N-Quads form of a string: ECHAR escapes for what the syntax needs."""
    if "\\" in text or '"' in text or "\n" in text or "\r" in text:
        text = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                .replace("\r", "\\r"))
    return f'"{text}"'


_LOCAL_ID: Final = re.compile(r"[A-Za-z][A-Za-z0-9._-]*")


def _is_local_id(value: str) -> bool:
    """A name that is the last segment of an IRI as it stands (the JSON-LD route's rule:
    anything else is refused there, so it is left to that route to say so)."""
    return _LOCAL_ID.fullmatch(value) is not None


class _Writer:
    """Walks one document and appends its N-Quads lines."""

    def __init__(self, graph: str, base: str, blank_prefix: str,
                 emit: Callable[[str], None]) -> None:
        self.graph = f" <{graph}> .\n"
        self.base = base
        self.blank_prefix = blank_prefix
        self.blanks = 0
        self.emit = emit
        self.mapping = _mapping()

    def node(self, value: dict[str, Any], class_iri: str, subject: str | None = None) -> str:
        if subject is None:
            identifier = value.get("id")
            if identifier is None:
                self.blanks += 1
                subject = f"_:{self.blank_prefix}{self.blanks}"
            elif isinstance(identifier, str) and _is_local_id(identifier):
                subject = f"<{self.base}{identifier}>"
            else:
                raise Unmapped(f"id {identifier!r}")
        graph, emit, properties = self.graph, self.emit, self.mapping.properties
        emit(f"{subject} <{RDF_TYPE}> <{class_iri}>{graph}")
        for key, item in value.items():
            if key == "id" or item is None:
                continue
            prop = properties.get(key)
            if prop is None:
                raise Unmapped(f"key {key!r}")
            head = f"{subject} <{prop.iri}> "
            for one in item if isinstance(item, list) else (item,):
                if one is None:
                    continue
                emit(head + self.object(one, prop) + graph)
        return subject

    def object(self, value: Any, prop: _Property) -> str:
        if isinstance(value, dict):
            if prop.class_iri is None:
                raise Unmapped(f"an object under {prop.iri}")
            return self.node(value, prop.class_iri)
        coercion = prop.coercion
        if isinstance(value, str):
            if coercion is None:
                return _literal(value)
            if coercion == "@id":
                if not _is_local_id(value):
                    raise Unmapped(f"reference {value!r}")
                return f"<{self.base}{value}>"
            if coercion == "@vocab":
                iri = self.mapping.terms.get(value)
                if iri is None:
                    raise Unmapped(f"term {value!r}")
                return f"<{iri}>"
            return f"{_literal(value)}^^<{coercion}>"
        if isinstance(value, bool):
            datatype = coercion if coercion not in (None, "@id", "@vocab") else \
                XSD + "boolean"
            return f'"{"true" if value else "false"}"^^<{datatype}>'
        if isinstance(value, float) and value.is_integer() and coercion == XSD + "integer":
            value = int(value)  # as _typed writes 13.0 for an xsd:integer property
        if isinstance(value, int):
            datatype = coercion if coercion not in (None, "@id", "@vocab") else \
                XSD + "integer"
            return f'"{value}"^^<{datatype}>'
        raise Unmapped(f"value {value!r}")


def document_nquads(document: dict[str, Any], blank_prefix: str,
                    emit: Callable[[str], None], *, checked: bool = False) -> str:
    """Write the document's quads (its named graph) through ``emit``; return the graph IRI.

    ``blank_prefix`` starts every blank node label of this document: labels in N-Quads
    are global to a load, so each document (and each load into a persistent store) needs
    its own. Raises :class:`Unmapped` (nothing must be kept of what was emitted then),
    or InputError for a document the JSON-LD route refuses too. ``checked``: the caller
    has run :func:`~pypolicy.format.rdf.check_keys` already (``load_valid`` does), which
    is a walk of the whole document saved.
    """
    if not checked:
        check_keys(document)
    identifier = document.get("id")
    if not isinstance(identifier, str) or not _is_local_id(identifier):
        raise Unmapped(f"document id {identifier!r}")
    iri = document_iri(identifier)
    writer = _Writer(iri, iri + "/", blank_prefix, emit)
    body = {k: v for k, v in document.items() if k not in NOT_MAPPED}
    writer.node(body, writer.mapping.classes[ROOT_CLASS], subject=f"<{iri}>")
    return iri


def document_lines(document: dict[str, Any], blank_prefix: str) -> tuple[str, list[str]]:
    """The graph IRI and the N-Quads lines of one document (see :func:`document_nquads`)."""
    lines: list[str] = []
    iri = document_nquads(document, blank_prefix, lines.append)
    return iri, lines
