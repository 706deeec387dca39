"""Generate the format's artefacts from its sources.

Sources (hand-written, in ``schema/src/``; read by ``sources``):
  - ``policy.schema.yaml``: the JSON Schema without its vocabulary enums;
  - ``vocabulary.yaml``: the controlled vocabularies (SKOS schemes with hierarchies);
  - ``ontology.yaml``: definitions and DPV alignment of every class and property.

Generated (checked in; a test fails when they are stale), one module each:
  - ``schema/policy.schema.json``: the JSON Schema (Draft 2020-12) (``json_schema``);
  - ``schema/context.jsonld``: the JSON-LD context (``context``);
  - ``schema/vocabulary.ttl``: the RDF vocabulary, OWL/RDFS + SKOS (``vocabulary``);
  - ``schema/shapes.ttl``: SHACL shapes for the RDF form of a document (``shapes``);
  - ``schema/vocabulary.json``: a compact index of the vocabulary (``index``);
  - ``docs/format.md``: the format reference (``docs``).

``mapping`` says how each JSON property maps to RDF (shared by the context, the index, the
vocabulary and the shapes); ``turtle`` builds rdflib graphs and writes them reproducibly.

Run ``python -m pypolicy.format.generate`` after editing a source; ``--check`` only reports
which outputs differ.
"""

from pypolicy.format.generate.main import generate, main, stale_files
from pypolicy.format.generate.sources import FormatSourceError, Sources, load_sources

__all__ = ["FormatSourceError", "Sources", "generate", "load_sources", "main", "stale_files"]
