"""How each JSON property of the schema maps to RDF: an IRI reference, a controlled term,
a typed literal or a nested object. One meaning per property name across the schema, so
the JSON-LD context can give each name a single definition."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pypolicy.format.generate.json_schema import deref, iter_object_defs
from pypolicy.format.generate.sources import PLACE_SCHEME, FormatSourceError, Sources


@dataclass(frozen=True)
class PropertyKind:
    """How a JSON property maps to RDF."""

    kind: str  # "id", "ref", "vocab", "literal", "object"
    datatype: str | None = None  # for literals: an xsd CURIE, or None for a plain string
    scheme: str | None = None  # for vocab
    target_class: str | None = None  # for objects and refs
    many: bool = False


def property_kind(s: Sources, schema: dict[str, Any], pname: str,
                  pschema: dict[str, Any]) -> PropertyKind:
    """The RDF mapping of one property as one object type declares it."""
    many = False
    name, node = deref(schema, pschema)
    if node.get("type") == "array":
        many = True
        name, node = deref(schema, node["items"])
    if pname == "id":
        return PropertyKind("id")
    if name in s.schemes:
        return PropertyKind("vocab", scheme=name, many=many)
    if name == "LocalId":
        return PropertyKind("ref", target_class=s.references.get(pname), many=many)
    if node.get("type") == "object":
        return PropertyKind("object", target_class=name, many=many)
    if name == "Duration":
        return PropertyKind("literal", "xsd:duration", many=many)
    t = node.get("type")
    if t == "boolean":
        return PropertyKind("literal", "xsd:boolean", many=many)
    if t == "integer":
        return PropertyKind("literal", "xsd:integer", many=many)
    if t == "string":
        fmt = node.get("format")
        if fmt == "date":
            return PropertyKind("literal", "xsd:date", many=many)
        if fmt == "uri":
            return PropertyKind("literal", "xsd:anyURI", many=many)
        return PropertyKind("literal", None, many=many)
    raise FormatSourceError(f"cannot map property {pname!r}: {pschema}")


def property_kinds(s: Sources, schema: dict[str, Any]) -> dict[str, PropertyKind]:
    """The RDF mapping of each property name; one meaning per name across the schema."""
    kinds: dict[str, PropertyKind] = {}
    for cname, cdef in iter_object_defs(schema):
        for pname, pschema in cdef.get("properties", {}).items():
            if pname.startswith(("@", "$")):  # @context, $schema: no part of the RDF
                continue
            k = property_kind(s, schema, pname, pschema)
            prev = kinds.get(pname)
            if prev is not None and (prev.kind, prev.datatype, prev.scheme, prev.target_class) != (
                    k.kind, k.datatype, k.scheme, k.target_class):
                raise FormatSourceError(f"property {pname!r} means different things: {prev} / {k}"
                                        f" (in {cname})")
            if prev is not None and prev.many != k.many:
                raise FormatSourceError(f"property {pname!r} is single in one place and a list"
                                        f" in another")
            kinds[pname] = k
    missing = set(kinds) - set(s.properties)
    if missing:
        raise FormatSourceError(f"properties without an ontology entry: {sorted(missing)}")
    extra = set(s.properties) - set(kinds)
    if extra:
        raise FormatSourceError(f"ontology entries for unknown properties: {sorted(extra)}")
    classes = {c for c, _ in iter_object_defs(schema)}
    if classes != set(s.classes):
        raise FormatSourceError(f"class entries differ from the schema's object types: "
                                f"{sorted(classes ^ set(s.classes))}")
    return kinds


def term_iri(s: Sources, scheme: str, value: str) -> str:
    """The CURIE of a controlled value: ``pp:`` for ours, ``loc:`` for a country code."""
    if scheme == PLACE_SCHEME and value not in s.schemes[PLACE_SCHEME].terms:
        return f"loc:{value}"
    return f"pp:{value}"
