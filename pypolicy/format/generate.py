"""Generate the format's artefacts from its sources.

Sources (hand-written, in ``schema/src/``):
  - ``policy.schema.yaml``: the JSON Schema without its vocabulary enums;
  - ``vocabulary.yaml``: the controlled vocabularies (SKOS schemes with hierarchies);
  - ``ontology.yaml``: definitions and DPV alignment of every class and property.

Generated (checked in; a test fails when they are stale):
  - ``schema/policy.schema.json``: the JSON Schema (Draft 2020-12);
  - ``schema/context.jsonld``: the JSON-LD context;
  - ``schema/vocabulary.ttl``: the RDF vocabulary (OWL/RDFS + SKOS);
  - ``schema/shapes.ttl``: SHACL shapes for the RDF form of a document;
  - ``schema/vocabulary.json``: a compact index of the vocabulary for fast loading;
  - ``docs/format.md``: the format reference.

Run ``python -m pypolicy.format.generate`` after editing a source; ``--check`` only reports
which outputs differ.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pypolicy.core.version import FORMAT_VERSION

NS = "https://w3id.org/pypolicy/ns#"
SCHEMA_ID = f"https://w3id.org/pypolicy/schema/{FORMAT_VERSION}/policy.schema.json"
CONTEXT_ID = f"https://w3id.org/pypolicy/context/{FORMAT_VERSION}/context.jsonld"
DOC_BASE = "https://w3id.org/pypolicy/doc/"
PREFIXES = {
    "pp": NS,
    "dpv": "https://w3id.org/dpv#",
    "pd": "https://w3id.org/dpv/pd#",
    "loc": "https://w3id.org/dpv/loc#",
    "tech": "https://w3id.org/dpv/tech#",
    "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
    "legal-eu": "https://w3id.org/dpv/legal/eu#",
    "legal-us": "https://w3id.org/dpv/legal/us#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
MATCH_KINDS = {"exact": "exactMatch", "close": "closeMatch", "broad": "broadMatch",
               "narrow": "narrowMatch"}
EXTENSIONS = {"telecom": "TelecomExtension", "format": "FormatExtension"}
ROOT_CLASS = "PolicyDocument"
PLACE_SCHEME = "Place"


class FormatSourceError(Exception):
    """A source of the format is inconsistent."""


@dataclass(frozen=True)
class Alignment:
    """How a term of ours relates to DPV: a SKOS mapping, or an extension marker."""

    relation: str | None  # exactMatch, closeMatch, ...; None for an extension
    target: str | None  # a CURIE; None for an extension
    extension: str | None  # TelecomExtension or FormatExtension

    @classmethod
    def parse(cls, text: str, where: str) -> Alignment:
        if text in EXTENSIONS:
            return cls(None, None, EXTENSIONS[text])
        parts = text.split()
        if len(parts) != 2 or parts[0] not in MATCH_KINDS or ":" not in parts[1]:
            raise FormatSourceError(f"{where}: bad DPV alignment {text!r}")
        return cls(MATCH_KINDS[parts[0]], parts[1], None)


@dataclass(frozen=True)
class Term:
    name: str
    scheme: str
    label: str
    definition: str
    broader: tuple[str, ...]
    alignment: Alignment


@dataclass
class Scheme:
    name: str
    label: str
    definition: str
    alignment: Alignment
    terms: dict[str, Term] = field(default_factory=dict)


@dataclass(frozen=True)
class PropertyKind:
    """How a JSON property maps to RDF."""

    kind: str  # "id", "ref", "vocab", "literal", "object"
    datatype: str | None = None  # for literals: an xsd CURIE, or None for a plain string
    scheme: str | None = None  # for vocab
    target_class: str | None = None  # for objects and refs
    many: bool = False


@dataclass
class Sources:
    root: Path
    schema_src: dict[str, Any]
    schemes: dict[str, Scheme]
    classes: dict[str, tuple[str, Alignment]]
    properties: dict[str, tuple[str, Alignment]]
    references: dict[str, str]
    countries: list[tuple[str, str]]  # (alpha-2, name)


def _refuse_cycles(scheme: Scheme) -> None:
    """A hierarchy must be acyclic: the validator's reasoning and the docs walk it upwards."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = " -> ".join([*path[path.index(name):], name])
            raise FormatSourceError(f"{scheme.name}: the hierarchy has a cycle: {cycle}")
        state[name] = 1
        for broader in scheme.terms[name].broader:
            visit(broader, [*path, name])
        state[name] = 2

    for name in scheme.terms:
        visit(name, [])


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def load_sources(root: Path | None = None) -> Sources:
    root = root or repo_root()
    src = root / "schema" / "src"
    schema_src = yaml.safe_load((src / "policy.schema.yaml").read_text(encoding="utf-8"))
    vocab = yaml.safe_load((src / "vocabulary.yaml").read_text(encoding="utf-8"))
    onto = yaml.safe_load((src / "ontology.yaml").read_text(encoding="utf-8"))
    schemes: dict[str, Scheme] = {}
    seen: dict[str, str] = {}
    for sname, sdef in vocab.items():
        scheme = Scheme(sname, sdef["label"], sdef["definition"],
                        Alignment.parse(sdef["dpv"], sname))
        for tname, tdef in sdef["terms"].items():
            if tname in seen:
                raise FormatSourceError(f"term {tname!r} is in both {seen[tname]} and {sname}")
            seen[tname] = sname
            broader = tdef.get("broader") or ()
            if isinstance(broader, str):
                broader = (broader,)
            scheme.terms[tname] = Term(tname, sname, tdef["label"], tdef["definition"],
                                       tuple(broader), Alignment.parse(tdef["dpv"], tname))
        for term in scheme.terms.values():
            for b in term.broader:
                if b not in scheme.terms:
                    raise FormatSourceError(f"{sname}.{term.name}: broader {b!r} not in scheme")
        _refuse_cycles(scheme)
        schemes[sname] = scheme
    classes = {k: (v[0], Alignment.parse(v[1], k)) for k, v in onto["classes"].items()}
    properties = {k: (v[0], Alignment.parse(v[1], k)) for k, v in onto["properties"].items()}
    import pycountry  # only the generator needs the ISO list; it is baked into the outputs

    countries = sorted((c.alpha_2, c.name) for c in pycountry.countries)
    clash = set(seen) & set(properties) | set(seen) & set(classes)
    if clash:
        raise FormatSourceError(f"names used both as term and property/class: {sorted(clash)}")
    return Sources(root, schema_src, schemes, classes, properties,
                   dict(onto.get("references", {})), countries)


# --------------------------------------------------------------------------- schema


def build_schema(s: Sources) -> dict[str, Any]:
    schema: dict[str, Any] = {"$schema": s.schema_src["$schema"], "$id": SCHEMA_ID}
    for key, value in s.schema_src.items():
        if key not in ("$schema", "$defs"):
            schema[key] = value
    schema["properties"]["formatVersion"]["const"] = FORMAT_VERSION
    defs = dict(s.schema_src["$defs"])
    for sname, scheme in s.schemes.items():
        if sname in defs:
            raise FormatSourceError(f"$defs/{sname} is generated from the vocabulary")
        values = list(scheme.terms)
        description = f"{scheme.definition} A term of the {scheme.label} vocabulary."
        if sname == PLACE_SCHEME:
            values = values + [code for code, _ in s.countries]
            description = scheme.definition
        defs[sname] = {"description": description, "type": "string", "enum": values}
    schema["$defs"] = dict(sorted(defs.items()))
    _no_empty_lists(schema)
    return schema


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


def _deref(schema: dict[str, Any], node: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
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


def property_kind(s: Sources, schema: dict[str, Any], pname: str,
                  pschema: dict[str, Any]) -> PropertyKind:
    many = False
    name, node = _deref(schema, pschema)
    if node.get("type") == "array":
        many = True
        name, node = _deref(schema, node["items"])
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
            if pname.startswith("@"):
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


# --------------------------------------------------------------------------- context


def term_iri(s: Sources, scheme: str, value: str) -> str:
    """The CURIE of a controlled value."""
    if scheme == PLACE_SCHEME and value not in s.schemes[PLACE_SCHEME].terms:
        return f"loc:{value}"
    return f"pp:{value}"


def build_context(s: Sources, schema: dict[str, Any]) -> dict[str, Any]:
    kinds = property_kinds(s, schema)
    ctx: dict[str, Any] = {"@version": 1.1, "@protected": True}
    for prefix, iri in PREFIXES.items():
        ctx[prefix] = iri
    ctx["id"] = "@id"
    for cname in sorted(s.classes):
        ctx[cname] = f"pp:{cname}"
    for pname in sorted(kinds):
        k = kinds[pname]
        if k.kind == "id":
            continue
        entry: dict[str, Any] = {"@id": f"pp:{pname}"}
        if k.kind == "ref":
            entry["@type"] = "@id"
        elif k.kind == "vocab":
            entry["@type"] = "@vocab"
        elif k.kind == "literal" and k.datatype:
            entry["@type"] = k.datatype
        ctx[pname] = entry
    for sname, scheme in s.schemes.items():
        for tname in scheme.terms:
            ctx[tname] = term_iri(s, sname, tname)
    for code, _ in s.countries:
        ctx[code] = f"loc:{code}"
    return {"@context": ctx}


# --------------------------------------------------------------------------- vocabulary index


def build_index(s: Sources, schema: dict[str, Any]) -> dict[str, Any]:
    kinds = property_kinds(s, schema)
    return {
        "formatVersion": FORMAT_VERSION,
        "namespace": NS,
        "schemes": {sn: list(sc.terms) for sn, sc in s.schemes.items()},
        "terms": {
            t.name: {"scheme": t.scheme, "label": t.label, "definition": t.definition,
                     "broader": list(t.broader)}
            for sc in s.schemes.values() for t in sc.terms.values()
        },
        "countries": dict(s.countries),
        "references": s.references,
        "properties": {
            p: {"kind": k.kind, "many": k.many, "scheme": k.scheme, "class": k.target_class,
                "datatype": k.datatype}
            for p, k in sorted(kinds.items())
        },
    }


# --------------------------------------------------------------------------- Turtle


def _label(name: str) -> str:
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).split()
    return " ".join(w if w.isupper() else w.lower() for w in words)


def _ttl_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _align_lines(a: Alignment) -> list[str]:
    if a.extension:
        return [f"pp:extension pp:{a.extension}"]
    return [f"skos:{a.relation} {a.target}"]


def build_vocabulary_ttl(s: Sources, schema: dict[str, Any]) -> str:
    kinds = property_kinds(s, schema)
    out: list[str] = []
    for prefix, iri in {**PREFIXES, "owl": "http://www.w3.org/2002/07/owl#",
                        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                        "skos": "http://www.w3.org/2004/02/skos/core#",
                        "dct": "http://purl.org/dc/terms/"}.items():
        out.append(f"@prefix {prefix}: <{iri}> .")
    out += ["", f"<{NS[:-1]}> a owl:Ontology ;",
            '    dct:title "pypolicy vocabulary"@en ;',
            '    dct:description "Classes, properties and controlled vocabularies of the pypolicy'
            ' format for the privacy practices of VoIP and telecom providers, aligned with W3C DPV'
            ' 2.3 and extended with telecom terms."@en ;',
            f'    owl:versionInfo "{FORMAT_VERSION}" ;',
            f"    owl:versionIRI <{NS[:-1]}/{FORMAT_VERSION}> .", ""]

    def block(subject: str, types: list[str], label: str, definition: str,
              extra: list[str]) -> None:
        lines = [f"a {', '.join(types)}", f"rdfs:label {_ttl_str(label)}@en",
                 f"skos:prefLabel {_ttl_str(label)}@en",
                 f"skos:definition {_ttl_str(definition)}@en",
                 "rdfs:isDefinedBy <" + NS[:-1] + ">", *extra]
        out.append(f"{subject} " + " ;\n    ".join(lines) + " .")
        out.append("")

    out.append("# Extension markers")
    block("pp:TelecomExtension", ["owl:NamedIndividual"], "telecom extension",
          "Marks a term for telecom concepts that DPV 2.3 does not define.", [])
    block("pp:FormatExtension", ["owl:NamedIndividual"], "format extension",
          "Marks a structural term of the pypolicy format that DPV 2.3 does not define.", [])
    block("pp:extension", ["owl:AnnotationProperty"], "extension",
          "Says that a term is an extension of DPV rather than aligned with a DPV term.", [])
    out.append("# Classes")
    for cname, (definition, align) in sorted(s.classes.items()):
        block(f"pp:{cname}", ["owl:Class", "rdfs:Class"], _label(cname), definition,
              _align_lines(align))
    out.append("# Properties")
    for pname, (definition, align) in sorted(s.properties.items()):
        k = kinds[pname]
        if k.kind == "id":
            continue
        if k.kind in ("ref", "vocab", "object"):
            types = ["owl:ObjectProperty", "rdf:Property"]
        else:
            types = ["owl:DatatypeProperty", "rdf:Property"]
        extra = _align_lines(align)
        if (k.kind == "object" and k.target_class) or (k.kind == "ref" and k.target_class):
            extra.append(f"rdfs:range pp:{k.target_class}")
        elif k.kind == "vocab" and k.scheme and k.scheme != PLACE_SCHEME:
            extra.append(f"rdfs:range pp:{k.scheme}")
        elif k.kind == "literal":
            extra.append(f"rdfs:range {k.datatype or 'xsd:string'}")
        block(f"pp:{pname}", types, _label(pname), definition, extra)
    out.append("# Controlled vocabularies")
    for sname, scheme in s.schemes.items():
        block(f"pp:{sname}", ["owl:Class", "skos:ConceptScheme"], scheme.label,
              scheme.definition, _align_lines(scheme.alignment))
        for term in scheme.terms.values():
            extra = [f"skos:inScheme pp:{sname}", *_align_lines(term.alignment)]
            if term.broader:
                extra.append("skos:broader " + ", ".join(f"pp:{b}" for b in term.broader))
            else:
                extra.append(f"skos:topConceptOf pp:{sname}")
            block(f"pp:{term.name}", ["skos:Concept", f"pp:{sname}"], term.label,
                  term.definition, extra)
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- SHACL


def build_shapes_ttl(s: Sources, schema: dict[str, Any]) -> str:
    kinds = property_kinds(s, schema)
    out = [f"@prefix {p}: <{i}> ." for p, i in PREFIXES.items()]
    out += ["@prefix sh: <http://www.w3.org/ns/shacl#> .",
            "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .",
            "@prefix pps: <https://w3id.org/pypolicy/shapes#> .", ""]

    def in_list(scheme: str) -> str:
        values = list(s.schemes[scheme].terms)
        if scheme == PLACE_SCHEME:
            values += [c for c, _ in s.countries]
        return "( " + " ".join(term_iri(s, scheme, v) for v in values) + " )"

    def prop_shape(pname: str, pschema: dict[str, Any], required: bool) -> str:
        k = kinds[pname]
        parts = [f"sh:path pp:{pname}"]
        if required:
            parts.append("sh:minCount 1")
        if not k.many:
            parts.append("sh:maxCount 1")
        _, node = _deref(schema, pschema)
        if node.get("type") == "array":
            if required and node.get("minItems", 0) > 1:
                parts.append(f"sh:minCount {node['minItems']}")
            _, node = _deref(schema, node["items"])
        if k.kind == "vocab" and k.scheme:
            parts.append("sh:nodeKind sh:IRI")
            parts.append(f"sh:in {in_list(k.scheme)}")
        elif k.kind == "ref":
            parts.append("sh:nodeKind sh:IRI")
            if k.target_class:
                parts.append(f"sh:class pp:{k.target_class}")
        elif k.kind == "object" and k.target_class:
            parts.append(f"sh:class pp:{k.target_class}")
            parts.append(f"sh:node pps:{k.target_class}")
        elif k.kind == "literal":
            parts.append(f"sh:datatype {k.datatype or 'xsd:string'}")
            if "minLength" in node:
                parts.append(f"sh:minLength {node['minLength']}")
            if "maxLength" in node:
                parts.append(f"sh:maxLength {node['maxLength']}")
            if "minimum" in node:
                parts.append(f"sh:minInclusive {node['minimum']}")
            if "maximum" in node:
                parts.append(f"sh:maxInclusive {node['maximum']}")
            pattern = node.get("pattern")
            if pattern and "(?" not in pattern:
                parts.append(f"sh:pattern {_ttl_str(pattern)}")
        return "[ " + " ;\n        ".join(parts) + " ]"

    def required_or(alternatives: list[dict[str, Any]]) -> str:
        shapes = []
        for alt in alternatives:
            shapes.append("[ " + " ; ".join(f"sh:property [ sh:path pp:{r} ; sh:minCount 1 ]"
                                             for r in alt["required"]) + " ]")
        return "( " + " ".join(shapes) + " )"

    for cname, cdef in iter_object_defs(schema):
        props = {p: v for p, v in cdef.get("properties", {}).items() if not p.startswith("@")}
        required = set(cdef.get("required", ()))
        lines = [f"pps:{cname} a sh:NodeShape", f"sh:targetClass pp:{cname}",
                 "sh:closed true", "sh:ignoredProperties ( rdf:type )"]
        if "id" in required:
            lines.append("sh:nodeKind sh:IRI")
        for pname, pschema in sorted(props.items()):
            if pname == "id":
                continue
            lines.append("sh:property " + prop_shape(pname, pschema, pname in required))
        if "anyOf" in cdef:
            lines.append(f"sh:or {required_or(cdef['anyOf'])}")
        if "oneOf" in cdef:
            lines.append(f"sh:xone {required_or(cdef['oneOf'])}")
        if "if" in cdef:  # Evidence: a quote, or an inference with its rationale
            lines.append("sh:or ( [ sh:property [ sh:path pp:quote ; sh:minCount 1 ] ;"
                         " sh:not [ sh:property [ sh:path pp:inferred ; sh:hasValue true ] ] ]"
                         " [ sh:property [ sh:path pp:inferred ; sh:hasValue true ] ;"
                         " sh:property [ sh:path pp:rationale ; sh:minCount 1 ] ] )")
        out.append(" ;\n    ".join(lines) + " .")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- docs


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _type_text(s: Sources, schema: dict[str, Any], pschema: dict[str, Any]) -> str:
    name, node = _deref(schema, pschema)
    if node.get("type") == "array":
        iname, inode = _deref(schema, node["items"])
        inner = f"[{iname}](#{iname.lower()})" if iname else str(inode.get("type"))
        return f"list of {inner}"
    if name:
        return f"[{name}](#{name.lower()})"
    t = str(node.get("type", "any"))
    if node.get("format"):
        t += f" ({node['format']})"
    return t


def build_docs(s: Sources, schema: dict[str, Any]) -> str:
    out = [f"# The pypolicy format, version {FORMAT_VERSION}", "",
           "<!-- Generated by `python -m pypolicy.format.generate` from schema/src/; do not edit. -->",
           "", _md(schema["description"]), "",
           f"- JSON Schema: `schema/policy.schema.json` (`$id` {SCHEMA_ID})",
           f"- JSON-LD context: `schema/context.jsonld` (`{CONTEXT_ID}`)",
           f"- RDF vocabulary: `schema/vocabulary.ttl` (namespace `{NS}`)",
           "- SHACL shapes: `schema/shapes.ttl`", "",
           "Conventions: a property that is absent means *not stated*, never *no*. Lists are"
           " sets: their order carries no meaning, and they are never empty (leave the"
           " property out instead). Identifiers (`id`) are unique within a"
           " document and are what statements refer to; in RDF an entry's IRI is"
           f" `{DOC_BASE}<document id>/<entry id>`.", "",
           "## Object types", ""]
    for cname, cdef in iter_object_defs(schema):
        out += [f"### {cname}", "", _md(cdef.get("description", "")), ""]
        required = set(cdef.get("required", ()))
        out += ["| property | type | required | description |", "|---|---|---|---|"]
        for pname, pschema in cdef.get("properties", {}).items():
            desc = pschema.get("description") or schema["$defs"].get(
                str(pschema.get("$ref", "")).rsplit("/", 1)[-1], {}).get("description", "")
            out.append(f"| `{pname}` | {_type_text(s, schema, pschema)} | "
                       f"{'yes' if pname in required else ''} | {_md(desc)} |")
        out.append("")
    out += ["## Value types", ""]
    for name in ("LocalId", "PartialDate", "Duration", "RefList", "PlaceList"):
        d = schema["$defs"][name]
        out += [f"### {name}", "", _md(d["description"]), ""]
    out += ["## Controlled vocabularies", "",
            "Each term is a SKOS concept `pp:<term>`; indentation shows the hierarchy"
            " (`skos:broader`). The DPV column gives the alignment with W3C DPV 2.3;"
            " *telecom* and *format* mark extensions DPV lacks.", ""]
    for sname, scheme in s.schemes.items():
        out += [f"### {sname}", "", _md(scheme.definition), "",
                "| term | label | definition | DPV |", "|---|---|---|---|"]
        depth = _depths(scheme)
        for term in _tree_order(scheme):
            a = term.alignment
            dpv = (a.extension or "").replace("Extension", "").lower() or \
                f"{a.relation} `{a.target}`"
            indent = "&nbsp;&nbsp;" * depth[term.name]
            out.append(f"| {indent}`{term.name}` | {_md(term.label)} | {_md(term.definition)} |"
                       f" {dpv} |")
        if sname == PLACE_SCHEME:
            out += ["", f"Besides these, every ISO 3166-1 alpha-2 country code ({len(s.countries)}"
                    " codes from pycountry), mapped to DPV's `loc:` concepts."]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _depths(scheme: Scheme) -> dict[str, int]:
    memo: dict[str, int] = {}

    def depth(name: str) -> int:
        if name not in memo:
            b = scheme.terms[name].broader
            memo[name] = 0 if not b else 1 + depth(b[0])
        return memo[name]

    return {n: depth(n) for n in scheme.terms}


def _tree_order(scheme: Scheme) -> list[Term]:
    children: dict[str | None, list[Term]] = {}
    for t in scheme.terms.values():
        children.setdefault(t.broader[0] if t.broader else None, []).append(t)
    order: list[Term] = []

    def visit(parent: str | None) -> None:
        for t in children.get(parent, []):
            order.append(t)
            visit(t.name)

    visit(None)
    return order


# --------------------------------------------------------------------------- main


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def generate(root: Path | None = None) -> dict[Path, str]:
    """Every generated file and its content."""
    s = load_sources(root)
    schema = build_schema(s)
    out = s.root / "schema"
    return {
        out / "policy.schema.json": _json(schema),
        out / "context.jsonld": _json(build_context(s, schema)),
        out / "vocabulary.json": _json(build_index(s, schema)),
        out / "vocabulary.ttl": build_vocabulary_ttl(s, schema),
        out / "shapes.ttl": build_shapes_ttl(s, schema),
        s.root / "docs" / "format.md": build_docs(s, schema),
    }


def stale_files(root: Path | None = None) -> list[Path]:
    """Generated files whose checked-in content differs from a fresh generation."""
    return [p for p, text in generate(root).items()
            if not p.exists() or p.read_text(encoding="utf-8") != text]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pypolicy.format.generate",
                                     description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args(argv)
    try:
        files = generate()
    except FormatSourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stale = [p for p, t in files.items() if not p.exists() or p.read_text("utf-8") != t]
    if args.check:
        for p in stale:
            print(f"stale: {p}")
        return 1 if stale else 0
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files ({len(stale)} changed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
