"""The compact vocabulary index (``schema/vocabulary.json``): what the validator, the RDF
mapping and the renderers need at run time, loadable without parsing Turtle."""

from __future__ import annotations

from typing import Any

from pypolicy.core.version import FORMAT_VERSION
from pypolicy.format.generate.mapping import property_kinds
from pypolicy.format.generate.sources import NS, LegalSource, Sources


def build_index(s: Sources, schema: dict[str, Any]) -> dict[str, Any]:
    """Schemes, terms (with hierarchy), countries, reference targets and property kinds."""
    kinds = property_kinds(s, schema)
    return {
        "formatVersion": FORMAT_VERSION,
        "namespace": NS,
        "schemes": {sn: list(sc.terms) for sn, sc in s.schemes.items()},
        "terms": {
            t.name: {"scheme": t.scheme, "label": t.label, "definition": t.definition,
                     "broader": list(t.broader),
                     **({"altLabels": list(t.alt_labels)} if t.alt_labels else {}),
                     **(_legal(t.legal) if t.legal else {})}
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


def _legal(legal: LegalSource) -> dict[str, str]:
    """A regime's jurisdiction (a place code, or "varies" for a kind of law), its official
    citation and, where the official text has a stable address, its url."""
    return {"jurisdiction": legal.jurisdiction, "source": legal.citation,
            **({"url": legal.url} if legal.url else {})}
