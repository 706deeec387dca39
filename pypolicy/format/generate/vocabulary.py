"""The RDF vocabulary (``schema/vocabulary.ttl``): OWL/RDFS classes and properties and the
SKOS concept schemes of the controlled vocabularies, each aligned with W3C DPV or marked
as an extension of it."""

from __future__ import annotations

import re
from typing import Any

from rdflib import RDF, Literal, URIRef

from pypolicy.core.version import FORMAT_VERSION
from pypolicy.format.generate.mapping import property_kinds
from pypolicy.format.generate.sources import (
    NS,
    PLACE_SCHEME,
    PREFIXES,
    VARIES,
    Alignment,
    FormatSourceError,
    LegalSource,
    Sources,
)
from pypolicy.format.generate.turtle import GraphBuilder, en

VOCABULARY_PREFIXES = {
    **PREFIXES,
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
}
ONTOLOGY_DESCRIPTION = (
    "Classes, properties and controlled vocabularies of the pypolicy format for the privacy"
    " practices of VoIP and telecom providers, aligned with W3C DPV 2.3 and extended with"
    " telecom terms.")


def label_of(name: str) -> str:
    """A readable label from a camel-case name: ``legalBasis`` -> ``legal basis``."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).split()
    return " ".join(w if w.isupper() else w.lower() for w in words)


class _Vocabulary(GraphBuilder):
    def __init__(self) -> None:
        super().__init__(VOCABULARY_PREFIXES)
        self.ontology = URIRef(NS[:-1])

    def term(self, curie: str, types: list[str], label: str, definition: str) -> URIRef:
        """A defined term: its types, labels, definition and the ontology defining it."""
        subject = self.iri(curie)
        for rdf_type in types:
            self.graph.add((subject, RDF.type, self.iri(rdf_type)))
        self.add(subject, "rdfs:label", en(label))
        self.add(subject, "skos:prefLabel", en(label))
        self.add(subject, "skos:definition", en(definition))
        self.add(subject, "rdfs:isDefinedBy", self.ontology)
        return subject

    def align(self, subject: URIRef, alignment: Alignment) -> None:
        if alignment.extension:
            self.add(subject, "pp:extension", self.iri(f"pp:{alignment.extension}"))
        else:
            if alignment.relation is None or alignment.target is None:
                raise FormatSourceError(f"{subject}: an alignment needs a relation and a target")
            self.add(subject, f"skos:{alignment.relation}", self.iri(alignment.target))

    def legal_source(self, subject: URIRef, legal: LegalSource) -> None:
        """A regime's jurisdiction and official source, as data a query can read.

        ``dpv:hasJurisdiction`` with a ``loc:`` concept is how DPV's own legal extensions
        (legal-eu, legal-gb, legal-us) state a law's jurisdiction, so one query reads
        theirs and ours. The citation is ``dct:bibliographicCitation``; the official
        text's address is ``dct:source`` (the resource the term is derived from) as an
        IRI. Not ``foaf:homepage`` as DPV has it: that property is inverse functional,
        and ``ukGdpr`` (UK GDPR and DPA 2018) would be inferred the same as DPV's
        ``legal-gb:law-DPA``, whose page it shares. A kind of law ("varies") has no
        jurisdiction triple: it is the law of whichever country applies.
        """
        if legal.jurisdiction != VARIES:
            self.add(subject, "dpv:hasJurisdiction", self.iri(f"loc:{legal.jurisdiction}"))
        self.add(subject, "dct:bibliographicCitation", Literal(legal.citation))
        if legal.url:
            self.add(subject, "dct:source", URIRef(legal.url))


def build_vocabulary(s: Sources, schema: dict[str, Any]) -> GraphBuilder:
    """The vocabulary graph."""
    kinds = property_kinds(s, schema)
    v = _Vocabulary()
    ontology = v.ontology
    v.graph.add((ontology, RDF.type, v.iri("owl:Ontology")))
    v.add(ontology, "dct:title", en("pypolicy vocabulary"))
    v.add(ontology, "dct:description", en(ONTOLOGY_DESCRIPTION))
    v.add(ontology, "owl:versionInfo", Literal(FORMAT_VERSION))
    v.add(ontology, "owl:versionIRI", URIRef(f"{NS[:-1]}/{FORMAT_VERSION}"))

    # the markers of terms DPV lacks, and the property that carries them
    v.term("pp:TelecomExtension", ["owl:NamedIndividual"], "telecom extension",
           "Marks a term for telecom concepts that DPV 2.3 does not define.")
    v.term("pp:FormatExtension", ["owl:NamedIndividual"], "format extension",
           "Marks a structural term of the pypolicy format that DPV 2.3 does not define.")
    v.term("pp:extension", ["owl:AnnotationProperty"], "extension",
           "Says that a term is an extension of DPV rather than aligned with a DPV term.")

    for cname, (definition, alignment) in sorted(s.classes.items()):
        subject = v.term(f"pp:{cname}", ["owl:Class", "rdfs:Class"], label_of(cname), definition)
        v.align(subject, alignment)

    for pname, (definition, alignment) in sorted(s.properties.items()):
        k = kinds[pname]
        if k.kind == "id":
            continue
        kind = "owl:ObjectProperty" if k.kind in ("ref", "vocab", "object") else \
            "owl:DatatypeProperty"
        subject = v.term(f"pp:{pname}", [kind, "rdf:Property"], label_of(pname), definition)
        v.align(subject, alignment)
        if k.kind in ("object", "ref") and k.target_class:
            v.add(subject, "rdfs:range", v.iri(f"pp:{k.target_class}"))
        elif k.kind == "vocab" and k.scheme and k.scheme != PLACE_SCHEME:
            v.add(subject, "rdfs:range", v.iri(f"pp:{k.scheme}"))
        elif k.kind == "literal":
            v.add(subject, "rdfs:range", v.iri(k.datatype or "xsd:string"))

    for sname, scheme in s.schemes.items():
        scheme_iri = v.term(f"pp:{sname}", ["owl:Class", "skos:ConceptScheme"], scheme.label,
                            scheme.definition)
        v.align(scheme_iri, scheme.alignment)
        for term in scheme.terms.values():
            subject = v.term(f"pp:{term.name}", ["skos:Concept", f"pp:{sname}"], term.label,
                             term.definition)
            v.add(subject, "skos:inScheme", scheme_iri)
            v.align(subject, term.alignment)
            for alt_label in term.alt_labels:
                v.add(subject, "skos:altLabel", en(alt_label))
            for broader in term.broader:
                v.add(subject, "skos:broader", v.iri(f"pp:{broader}"))
            if not term.broader:
                v.add(subject, "skos:topConceptOf", scheme_iri)
            if term.legal:
                v.legal_source(subject, term.legal)
    return v


def build_vocabulary_ttl(s: Sources, schema: dict[str, Any]) -> str:
    """The vocabulary as Turtle."""
    return build_vocabulary(s, schema).serialize()
