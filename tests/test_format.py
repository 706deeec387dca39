"""Tests of the format itself: the generated schema, context and vocabulary, their
agreement with one another, with W3C DPV 2.3, with the typed model and with the examples."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import types
import typing
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.namespace import OWL, SKOS

from pypolicy.core.version import FORMAT_VERSION, READABLE_FORMAT_VERSIONS
from pypolicy.format import model as _model
from pypolicy.format.generate import FormatSourceError, generate, load_sources, stale_files
from pypolicy.format.loader import load_path
from pypolicy.format.model import _json_name
from pypolicy.format.resources import context, policy_schema, schema_file
from pypolicy.format.schema import violations

ROOT = Path(__file__).resolve().parents[1]
DPV_DIR = Path(__file__).resolve().parents[2] / "shared" / "dpv"
EXAMPLES = sorted((ROOT / "examples").glob("*.policy.json"))
YAML_EXAMPLES = sorted((ROOT / "examples").glob("*/*.yaml"))  # handwritten/, synthetic/

PP = Namespace("https://w3id.org/pypolicy/ns#")
LOC = "https://w3id.org/dpv/loc#"
DPV_BASE = "https://w3id.org/dpv"
SKOS_MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch)
EXTENSION_MARKERS = {PP.TelecomExtension, PP.FormatExtension}
# Python classes of the model whose names differ from the schema's object types.
MODEL_CLASS_NAMES = {"PolicyDocument": "Policy", "PartyEntry": "Party"}


@cache
def vocabulary_graph() -> Graph:
    graph = Graph()
    graph.parse(schema_file("vocabulary.ttl"), format="turtle")
    return graph


def object_definitions(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The root (as PolicyDocument) and every object type of ``$defs``."""
    yield "PolicyDocument", schema
    for name, definition in schema["$defs"].items():
        if definition.get("type") == "object":
            yield name, definition


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """A schema node with its ``$ref`` followed: (name of the $def or None, the node)."""
    ref = node.get("$ref")
    if ref is None:
        return None, node
    name = str(ref).rsplit("/", 1)[-1]
    return name, schema["$defs"][name]


def walk_schema(node: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every subschema (a dict) with its JSON pointer in the schema."""
    if isinstance(node, dict):
        yield pointer, node
        for key, value in node.items():
            if key in ("enum", "const", "required", "examples"):
                continue
            yield from walk_schema(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk_schema(value, f"{pointer}/{index}")


def expand(curie: str, prefixes: dict[str, str]) -> str:
    prefix, _, local = curie.partition(":")
    if prefix in prefixes:
        return prefixes[prefix] + local
    return curie


def context_prefixes(ctx: dict[str, Any]) -> dict[str, str]:
    return {key: value for key, value in ctx.items()
            if isinstance(value, str) and re.match(r"^https?://.*[#/]$", value)}


def context_terms(ctx: dict[str, Any]) -> dict[str, str]:
    """Every term of the context (not keywords, prefixes or ``id``) and its full IRI."""
    prefixes = context_prefixes(ctx)
    terms: dict[str, str] = {}
    for key, value in ctx.items():
        if key.startswith("@") or key in prefixes or value == "@id":
            continue
        curie = value["@id"] if isinstance(value, dict) else value
        terms[key] = expand(str(curie), prefixes)
    return terms


# ------------------------------------------------------------------ the JSON Schema


def test_schema_is_valid_against_the_2020_12_metaschema() -> None:
    schema = policy_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_schema_carries_the_format_version() -> None:
    schema = policy_schema()
    assert FORMAT_VERSION in schema["$id"]
    # since 1.1 a document may declare any version this release reads (1.0 stays valid)
    assert FORMAT_VERSION in schema["properties"]["formatVersion"]["enum"]


def test_every_object_type_is_closed() -> None:
    schema = policy_schema()
    objects = [(pointer, node) for pointer, node in walk_schema(schema)
               if node.get("type") == "object"]
    assert len(objects) == len(list(object_definitions(schema)))
    open_objects = [pointer or "/" for pointer, node in objects
                    if node.get("additionalProperties") is not False]
    assert open_objects == []


def test_every_property_has_a_description() -> None:
    schema = policy_schema()
    missing = [f"{name}.{prop}" for name, definition in object_definitions(schema)
               for prop, node in definition.get("properties", {}).items()
               if not str(node.get("description", "")).strip()]
    assert missing == []


def test_a_document_of_another_format_version_is_invalid() -> None:
    document = load_path(ROOT / "examples" / "handwritten" / "minimal.yaml").data
    document["formatVersion"] = "0.0.1"
    assert [v.pointer for v in violations(document)] == ["/formatVersion"]


# ------------------------------------------------------------------ the JSON-LD context


def test_every_schema_property_is_in_the_context() -> None:
    schema = policy_schema()
    ctx = context()["@context"]
    assert ctx["id"] == "@id"
    missing = sorted({prop for _, definition in object_definitions(schema)
                      for prop in definition.get("properties", {})
                      if not prop.startswith(("@", "$")) and prop not in ctx})  # $schema: no RDF
    assert missing == []


def test_every_enum_value_is_a_context_term() -> None:
    schema = policy_schema()
    ctx = context()["@context"]
    values = {str(value) for definition in schema["$defs"].values()
              for value in definition.get("enum", ())}
    assert {"does", "doesNot", "EEA", "NO", "US"} <= values  # the walk found the enums
    assert sorted(values - set(ctx)) == []


def test_every_context_term_is_defined_in_the_vocabulary() -> None:
    graph = vocabulary_graph()
    terms = context_terms(context()["@context"])
    assert len(terms) > 300
    undefined = []
    for term, iri in sorted(terms.items()):
        if iri.startswith(LOC):
            # countries: defined by DPV (checked against DPV 2.3 below), never by us
            if not re.fullmatch(r"[A-Z]{2}", iri[len(LOC):]):
                undefined.append(f"{term} -> {iri}")
        elif not iri.startswith(str(PP)) or (URIRef(iri), RDF.type, None) not in graph:
            undefined.append(f"{term} -> {iri}")
    assert undefined == []


def test_controlled_values_map_to_their_own_names() -> None:
    """A value ``v`` of the JSON is the IRI ``pp:v`` (or ``loc:v``) in RDF."""
    terms = context_terms(context()["@context"])
    schema = policy_schema()
    for definition in schema["$defs"].values():
        for value in definition.get("enum", ()):
            assert terms[value].rsplit("#", 1)[1] == value


# ------------------------------------------------------------------ the RDF vocabulary


def described_resources(graph: Graph) -> list[URIRef]:
    """Every concept, class and property the vocabulary defines."""
    kinds = (SKOS.Concept, OWL.Class, RDFS.Class, RDF.Property, OWL.ObjectProperty,
             OWL.DatatypeProperty, SKOS.ConceptScheme)
    return sorted({s for kind in kinds for s in graph.subjects(RDF.type, kind)
                   if isinstance(s, URIRef) and str(s).startswith(str(PP))})


def test_every_vocabulary_resource_has_label_definition_and_dpv_alignment() -> None:
    graph = vocabulary_graph()
    resources = described_resources(graph)
    assert len(resources) > 300
    problems = []
    for resource in resources:
        if (resource, RDFS.label, None) not in graph:
            problems.append(f"{resource}: no rdfs:label")
        if (resource, SKOS.definition, None) not in graph:
            problems.append(f"{resource}: no skos:definition")
        matches = [o for m in SKOS_MATCHES for o in graph.objects(resource, m)
                   if str(o).startswith(DPV_BASE)]
        extensions = set(graph.objects(resource, PP.extension))
        if not matches and not extensions & EXTENSION_MARKERS:
            problems.append(f"{resource}: neither aligned with DPV nor marked an extension")
    assert problems == []


def test_concept_hierarchies_are_acyclic_and_stay_in_their_scheme() -> None:
    graph = vocabulary_graph()
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 200
    problems = []
    for concept in sorted(concepts, key=str):
        schemes = set(graph.objects(concept, SKOS.inScheme))
        if len(schemes) != 1:  # one IRI per local name: a name in two schemes shows here
            problems.append(f"{concept} is in {len(schemes)} schemes")
            continue
        seen = {concept}
        frontier = [concept]
        while frontier:
            for broader in graph.objects(frontier.pop(), SKOS.broader):
                if set(graph.objects(broader, SKOS.inScheme)) != schemes:
                    problems.append(f"{concept}: broader {broader} is in another scheme")
                if broader in seen:
                    if broader == concept:
                        problems.append(f"{concept} is its own broader term")
                    continue
                seen.add(broader)
                frontier.append(broader)
    assert problems == []


# ------------------------------------------------------------------ DPV 2.3


@pytest.fixture(scope="session")
def dpv_subjects() -> frozenset[str]:
    """Every IRI that is a subject in the DPV 2.3 Turtle files.

    Read with a regular expression rather than rdflib: the files put every subject at
    the start of a line, and this is fifty times faster than parsing loc.ttl's 140,000
    lines (checked once against rdflib: the same 7,381 subjects).
    """
    if not DPV_DIR.is_dir() or not any(DPV_DIR.glob("*.ttl")):
        pytest.skip(f"DPV 2.3 reference files not found at {DPV_DIR}; this check runs where"
                    " ../shared/dpv exists")
    prefix_line = re.compile(r"^@prefix\s+([\w-]*):\s*<([^>]*)>\s*\.", re.M)
    subject = re.compile(r"^([A-Za-z][\w-]*:[^\s;,]*|<[^>]*>)\s", re.M)
    found: set[str] = set()
    for path in sorted(DPV_DIR.glob("*.ttl")):
        text = path.read_text(encoding="utf-8")
        prefixes = dict(prefix_line.findall(text))
        for token in subject.findall(text):
            if token.startswith("<"):
                found.add(token[1:-1])
            else:
                prefix, _, local = token.partition(":")
                if prefix in prefixes:
                    found.add(prefixes[prefix] + local)
    return frozenset(found)


def test_dpv_reference_files_are_read_correctly(dpv_subjects: frozenset[str]) -> None:
    assert "https://w3id.org/dpv#Purpose" in dpv_subjects
    assert "https://w3id.org/dpv/pd#CallLog" in dpv_subjects
    assert "https://w3id.org/dpv/loc#NO" in dpv_subjects
    assert "https://w3id.org/dpv#NoSuchConcept" not in dpv_subjects


def test_every_cited_dpv_iri_exists_in_dpv_2_3(dpv_subjects: frozenset[str]) -> None:
    graph = vocabulary_graph()
    cited = sorted({str(node) for triple in graph for node in triple
                    if isinstance(node, URIRef) and str(node).startswith(DPV_BASE)})
    assert len(cited) > 100
    assert [iri for iri in cited if iri not in dpv_subjects] == []


def test_every_country_of_the_context_exists_in_dpv_loc(dpv_subjects: frozenset[str]) -> None:
    countries = sorted(iri for iri in context_terms(context()["@context"]).values()
                       if iri.startswith(LOC))
    assert len(countries) > 240
    assert [iri for iri in countries if iri not in dpv_subjects] == []


# ------------------------------------------------------------------ the generator


def test_generated_files_are_current() -> None:
    stale = [str(path.relative_to(ROOT)) for path in stale_files()]
    assert stale == [], \
        f"generated files are stale: {stale}; run `python -m pypolicy.format.generate`"


@pytest.fixture
def source_copy(tmp_path: Path) -> Path:
    """A copy of the format's sources, to tamper with."""
    shutil.copytree(ROOT / "schema" / "src", tmp_path / "schema" / "src")
    return tmp_path


def edit_vocabulary(root: Path, change: Callable[[dict[str, Any]], None]) -> None:
    path = root / "schema" / "src" / "vocabulary.yaml"
    vocabulary = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(vocabulary)
    path.write_text(yaml.safe_dump(vocabulary, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")


def a_term(broader: str | None = None) -> dict[str, Any]:
    term: dict[str, Any] = {"label": "x", "definition": "A tampered term.", "dpv": "format"}
    if broader:
        term["broader"] = broader
    return term


GENERATED_DIGESTS = (
    "import hashlib; from pypolicy.format.generate import generate\n"
    "for path, text in sorted(generate().items()):\n"
    "    print(path.name, hashlib.sha256(text.encode()).hexdigest())\n")


def test_generation_is_byte_identical_under_different_hash_seeds() -> None:
    """Set and dict orders vary with PYTHONHASHSEED, and rdflib labels blank nodes at
    random: neither may reach the generated files."""
    outputs = []
    for seed in ("0", "4242"):
        run = subprocess.run([sys.executable, "-c", GENERATED_DIGESTS], cwd=ROOT,
                             env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True,
                             text=True, timeout=120, check=True)
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]
    assert "shapes.ttl" in outputs[0] and "vocabulary.ttl" in outputs[0]


def test_an_untampered_copy_of_the_sources_generates_the_same_files(source_copy: Path) -> None:
    edit_vocabulary(source_copy, lambda vocabulary: None)  # a round trip through PyYAML
    fresh = {path.relative_to(source_copy): text for path, text in generate(source_copy).items()}
    current = {path.relative_to(ROOT): text for path, text in generate().items()}
    assert fresh == current


def test_a_local_name_in_two_schemes_is_refused(source_copy: Path) -> None:
    edit_vocabulary(source_copy, lambda v: v["Purpose"]["terms"].update(collect=a_term()))
    with pytest.raises(FormatSourceError, match="collect"):
        load_sources(source_copy)


def test_a_broader_term_in_another_scheme_is_refused(source_copy: Path) -> None:
    edit_vocabulary(source_copy,
                    lambda v: v["Purpose"]["terms"].update(tampered=a_term(broader="collect")))
    with pytest.raises(FormatSourceError, match="collect"):
        load_sources(source_copy)


def test_a_term_named_like_a_property_is_refused(source_copy: Path) -> None:
    edit_vocabulary(source_copy, lambda v: v["Purpose"]["terms"].update(recipients=a_term()))
    with pytest.raises(FormatSourceError, match="recipients"):
        load_sources(source_copy)


def test_a_cycle_in_a_hierarchy_is_refused(source_copy: Path) -> None:
    def make_cycle(vocabulary: dict[str, Any]) -> None:
        vocabulary["Action"]["terms"]["process"]["broader"] = "record"  # record < collect < process

    edit_vocabulary(source_copy, make_cycle)
    with pytest.raises(FormatSourceError, match="cycle"):
        load_sources(source_copy)


def test_a_term_that_is_its_own_broader_term_is_refused(source_copy: Path) -> None:
    edit_vocabulary(source_copy,
                    lambda v: v["Purpose"]["terms"].update(tampered=a_term(broader="tampered")))
    with pytest.raises(FormatSourceError, match="tampered"):
        load_sources(source_copy)


# ------------------------------------------------------------------ the typed model


def model_class(schema_name: str) -> type:
    cls = getattr(_model, MODEL_CLASS_NAMES.get(schema_name, schema_name))
    assert dataclasses.is_dataclass(cls) and isinstance(cls, type)
    return cls


def strip_optional(hint: Any) -> Any:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        assert len(args) == 1
        return args[0]
    return hint


def model_fields(cls: type) -> dict[str, Any]:
    """JSON name -> type hint of each data field of a model class."""
    hints = typing.get_type_hints(cls)
    return {_json_name(f.name): hints[f.name] for f in dataclasses.fields(cls)
            if f.name not in ("pointer", "_index")}


@pytest.mark.parametrize("schema_name", [name for name, _ in object_definitions(policy_schema())])
def test_the_model_keeps_every_property_of(schema_name: str) -> None:
    schema = policy_schema()
    definition = dict(object_definitions(schema))[schema_name]
    fields = model_fields(model_class(schema_name))
    properties = {p: node for p, node in definition.get("properties", {}).items()
                  if not p.startswith(("@", "$"))}  # @context and $schema are not data
    assert sorted(set(properties) - set(fields)) == [], "properties the model would drop"
    assert sorted(set(fields) - set(properties)) == [], "fields no document can fill"
    for prop, node in properties.items():
        hint = strip_optional(fields[prop])
        ref, target = resolve(schema, node)
        if target.get("type") == "array":
            assert typing.get_origin(hint) is tuple, f"{prop}: a list in JSON, not in the model"
            hint = typing.get_args(hint)[0]
            ref, target = resolve(schema, target["items"])
        if target.get("type") == "object":
            assert ref is not None
            assert hint is model_class(ref), f"{prop}: {hint} is not the model of {ref}"
        else:
            assert not dataclasses.is_dataclass(hint), f"{prop}: a value, not an object"


# ------------------------------------------------------------------ examples


@pytest.mark.parametrize("path", EXAMPLES + YAML_EXAMPLES, ids=lambda p: p.name)
def test_example_is_schema_valid(path: Path) -> None:
    document = load_path(path).data
    assert violations(document) == []
    assert document["formatVersion"] in READABLE_FORMAT_VERSIONS


def test_the_examples_are_there() -> None:
    assert len(EXAMPLES) >= 5
    assert ROOT / "examples" / "handwritten" / "minimal.yaml" in YAML_EXAMPLES
