"""The SHACL shapes (``schema/shapes.ttl``) for the RDF form of a document: one closed node
shape per object type of the schema, with the cardinalities, value sets, datatypes and
lengths the JSON Schema states, so a graph that did not come from a valid document can
be checked with the same rules."""

from __future__ import annotations

from typing import Any

from rdflib import RDF, Literal
from rdflib.term import Node

from pypolicy.format.generate.json_schema import deref, iter_object_defs
from pypolicy.format.generate.mapping import PropertyKind, property_kinds, term_iri
from pypolicy.format.generate.period_order import MESSAGE, period_order_select
from pypolicy.format.generate.sources import PLACE_SCHEME, PREFIXES, Sources
from pypolicy.format.generate.turtle import GraphBuilder

SHAPES_PREFIXES = {
    **PREFIXES,
    "sh": "http://www.w3.org/ns/shacl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pps": "https://w3id.org/pypolicy/shapes#",
}


class _Shapes(GraphBuilder):
    def __init__(self, s: Sources, schema: dict[str, Any]) -> None:
        super().__init__(SHAPES_PREFIXES)
        self.sources = s
        self.schema = schema
        self.kinds = property_kinds(s, schema)

    def values_of(self, scheme: str) -> Node:
        """The ``sh:in`` list of a controlled vocabulary (with the country codes for places)."""
        values = list(self.sources.schemes[scheme].terms)
        if scheme == PLACE_SCHEME:
            values += [code for code, _ in self.sources.countries]
        return self.collection(self.iri(term_iri(self.sources, scheme, v)) for v in values)

    def property_shape(self, pname: str, pschema: dict[str, Any], required: bool) -> Node:
        k: PropertyKind = self.kinds[pname]
        shape = self.blank()
        self.add(shape, "sh:path", self.iri(f"pp:{pname}"))
        if required:
            self.add(shape, "sh:minCount", Literal(1))
        if not k.many:
            self.add(shape, "sh:maxCount", Literal(1))
        _, node = deref(self.schema, pschema)
        if node.get("type") == "array":
            if required and node.get("minItems", 0) > 1:
                self.add(shape, "sh:minCount", Literal(node["minItems"]))
            _, node = deref(self.schema, node["items"])
        if k.kind == "vocab" and k.scheme:
            self.add(shape, "sh:nodeKind", self.iri("sh:IRI"))
            self.add(shape, "sh:in", self.values_of(k.scheme))
        elif k.kind == "ref":
            self.add(shape, "sh:nodeKind", self.iri("sh:IRI"))
            if k.target_class:
                self.add(shape, "sh:class", self.iri(f"pp:{k.target_class}"))
        elif k.kind == "object" and k.target_class:
            self.add(shape, "sh:class", self.iri(f"pp:{k.target_class}"))
            self.add(shape, "sh:node", self.iri(f"pps:{k.target_class}"))
        elif k.kind == "literal":
            self.literal_constraints(shape, k, node)
        return shape

    def literal_constraints(self, shape: Node, k: PropertyKind, node: dict[str, Any]) -> None:
        self.add(shape, "sh:datatype", self.iri(k.datatype or "xsd:string"))
        for keyword, constraint in (("minLength", "sh:minLength"), ("maxLength", "sh:maxLength"),
                                    ("minimum", "sh:minInclusive"),
                                    ("maximum", "sh:maxInclusive")):
            if keyword in node:
                self.add(shape, constraint, Literal(node[keyword]))
        pattern = node.get("pattern")
        # SPARQL regular expressions (XPath) have no lookahead; such a pattern is left to
        # the JSON Schema
        if pattern and "(?" not in pattern:
            self.add(shape, "sh:pattern", Literal(pattern))

    def required(self, names: list[str]) -> Node:
        """A shape requiring each of ``names`` at least once."""
        shape = self.blank()
        for name in names:
            prop = self.blank()
            self.add(prop, "sh:path", self.iri(f"pp:{name}"))
            self.add(prop, "sh:minCount", Literal(1))
            self.add(shape, "sh:property", prop)
        return shape

    def alternatives(self, alternatives: list[dict[str, Any]]) -> Node:
        return self.collection([self.required(alt["required"]) for alt in alternatives])

    def evidence_rule(self) -> Node:
        """Evidence is a quote that is not an inference, or an inference with a rationale."""
        quoted = self.required(["quote"])
        inferred_true = self.blank()
        self.add(inferred_true, "sh:path", self.iri("pp:inferred"))
        self.add(inferred_true, "sh:hasValue", Literal(True))
        not_inferred = self.blank()
        self.add(not_inferred, "sh:property", inferred_true)
        self.add(quoted, "sh:not", not_inferred)
        reasoned = self.required(["rationale"])
        inferred_again = self.blank()
        self.add(inferred_again, "sh:path", self.iri("pp:inferred"))
        self.add(inferred_again, "sh:hasValue", Literal(True))
        self.add(reasoned, "sh:property", inferred_again)
        return self.collection([quoted, reasoned])

    def node_shape(self, cname: str, cdef: dict[str, Any]) -> None:
        shape = self.iri(f"pps:{cname}")
        self.graph.add((shape, RDF.type, self.iri("sh:NodeShape")))
        self.add(shape, "sh:targetClass", self.iri(f"pp:{cname}"))
        self.add(shape, "sh:closed", Literal(True))
        self.add(shape, "sh:ignoredProperties", self.collection([RDF.type]))
        required = set(cdef.get("required", ()))
        if "id" in required:
            self.add(shape, "sh:nodeKind", self.iri("sh:IRI"))
        props = {p: v for p, v in cdef.get("properties", {}).items()
                 if not p.startswith(("@", "$"))}  # @context, $schema: no part of the RDF
        for pname, pschema in sorted(props.items()):
            if pname != "id":
                self.add(shape, "sh:property",
                         self.property_shape(pname, pschema, pname in required))
        if "anyOf" in cdef:
            self.add(shape, "sh:or", self.alternatives(cdef["anyOf"]))
        if "oneOf" in cdef:
            self.add(shape, "sh:xone", self.alternatives(cdef["oneOf"]))
        if "if" in cdef:  # Evidence: a quote, or an inference with its rationale
            self.add(shape, "sh:or", self.evidence_rule())
        if "not" in cdef:  # RetentionRule: a duration or a period, never both
            self.add(shape, "sh:not", self.required(cdef["not"]["required"]))
        if {"atLeast", "atMost"} <= set(props):  # RetentionPeriod: bounds in order
            self.add(shape, "sh:sparql", self.period_order_rule())

    def period_order_rule(self) -> Node:
        """A SHACL-SPARQL constraint: the lower bound is not longer than the upper (see
        :mod:`pypolicy.format.generate.period_order` for why not SHACL Core)."""
        rule = self.blank()
        self.graph.add((rule, RDF.type, self.iri("sh:SPARQLConstraint")))
        self.add(rule, "sh:message", Literal(MESSAGE, lang="en"))
        self.add(rule, "sh:select", Literal(period_order_select()))
        return rule


def build_shapes(s: Sources, schema: dict[str, Any]) -> GraphBuilder:
    """The shapes graph."""
    shapes = _Shapes(s, schema)
    for cname, cdef in iter_object_defs(schema):
        shapes.node_shape(cname, cdef)
    return shapes


def build_shapes_ttl(s: Sources, schema: dict[str, Any]) -> str:
    """The shapes as Turtle."""
    return build_shapes(s, schema).serialize()
