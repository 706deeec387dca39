"""The JSON-LD context (``schema/context.jsonld``): one definition per class, property,
controlled term and country code, protected so a document cannot redefine them."""

from __future__ import annotations

from typing import Any

from pypolicy.format.generate.mapping import property_kinds, term_iri
from pypolicy.format.generate.sources import PREFIXES, Sources


def build_context(s: Sources, schema: dict[str, Any]) -> dict[str, Any]:
    """The context document, ``{"@context": {...}}``."""
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
