"""The hand-written sources of the format, read and checked for consistency.

Sources (in ``schema/src/``):
  - ``policy.schema.yaml``: the JSON Schema without its vocabulary enums;
  - ``vocabulary.yaml``: the controlled vocabularies (SKOS schemes with hierarchies);
  - ``ontology.yaml``: definitions and DPV alignment of every class and property;
  - ``lexicon.yaml``: the phrasings of each term (its SKOS alternative labels).

Every generated artefact is built from the ``Sources`` this module returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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
    "legal-gb": "https://w3id.org/dpv/legal/gb#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
MATCH_KINDS = {"exact": "exactMatch", "close": "closeMatch", "broad": "broadMatch",
               "narrow": "narrowMatch"}
EXTENSIONS = {"telecom": "TelecomExtension", "format": "FormatExtension"}
ROOT_CLASS = "PolicyDocument"
PLACE_SCHEME = "Place"
REGIME_SCHEME = "Regime"
# A regime term's jurisdiction when it is a kind of law (tax law, data retention law)
# rather than one act: the country whose law applies.
VARIES = "varies"


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
class LegalSource:
    """Where a regime term applies and the official text it stands for."""

    jurisdiction: str  # a place code of DPV's loc: (GB, US-CA, EEA, ...) or VARIES
    citation: str  # the official citation, or in words for a kind of law
    url: str | None = None  # the official text, where it has a stable address


@dataclass(frozen=True)
class Term:
    """A controlled value: a SKOS concept in one scheme."""

    name: str
    scheme: str
    label: str
    definition: str
    broader: tuple[str, ...]
    alignment: Alignment
    alt_labels: tuple[str, ...] = ()  # phrasings from lexicon.yaml (skos:altLabel)
    legal: LegalSource | None = None  # terms of the Regime scheme only


@dataclass
class Scheme:
    """A controlled vocabulary: a SKOS concept scheme and its terms, in source order."""

    name: str
    label: str
    definition: str
    alignment: Alignment
    terms: dict[str, Term] = field(default_factory=dict)


@dataclass
class Sources:
    """Everything the generators read, checked: no clashes, no cycles, no dangling names."""

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


def _add_alt_labels(schemes: dict[str, Scheme], path: Path) -> None:
    """The phrasings of ``lexicon.yaml`` (scheme -> term -> list), as the terms' alternative
    labels; a scheme or term it names must be in the vocabulary."""
    if not path.is_file():
        return
    lexicon = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for sname, terms in lexicon.items():
        if sname not in schemes:
            raise FormatSourceError(f"lexicon.yaml: no scheme {sname!r} in the vocabulary")
        for tname, phrasings in terms.items():
            term = schemes[sname].terms.get(tname)
            if term is None:
                raise FormatSourceError(f"lexicon.yaml: {sname} has no term {tname!r}")
            if not isinstance(phrasings, list) or not all(
                    isinstance(p, str) and p.strip() for p in phrasings):
                raise FormatSourceError(f"lexicon.yaml: {sname}.{tname} is a list of phrasings")
            schemes[sname].terms[tname] = replace(term, alt_labels=tuple(phrasings))


def _legal_source(sname: str, tname: str, tdef: dict[str, Any]) -> LegalSource | None:
    """A regime term's jurisdiction and official source; both required there, and
    meaningless on the terms of any other scheme."""
    given = {k: tdef[k] for k in ("jurisdiction", "source", "url") if k in tdef}
    if sname != REGIME_SCHEME:
        if given:
            raise FormatSourceError(f"{sname}.{tname}: only regimes name a jurisdiction or"
                                    f" a source ({', '.join(given)})")
        return None
    jurisdiction, citation, url = (given.get(k) for k in ("jurisdiction", "source", "url"))
    if not isinstance(jurisdiction, str) or not jurisdiction.strip():
        raise FormatSourceError(f"{sname}.{tname}: a regime names its jurisdiction")
    if not isinstance(citation, str) or not citation.strip():
        raise FormatSourceError(f"{sname}.{tname}: a regime names its official source")
    if url is not None and (not isinstance(url, str) or not url.startswith("https://")
                            or any(c.isspace() for c in url)):
        raise FormatSourceError(f"{sname}.{tname}: url {url!r} is not an https address")
    return LegalSource(jurisdiction, citation, url)


def _refuse_unknown_jurisdictions(schemes: dict[str, Scheme], countries: set[str],
                                  pycountry: Any) -> None:
    """A jurisdiction is a country, a subdivision (US-CA) or a region of the Place scheme
    that DPV knows (EEA, EU), each a ``loc:`` concept; or "varies" for a kind of law."""
    regime = schemes.get(REGIME_SCHEME)
    places = schemes[PLACE_SCHEME].terms.values() if PLACE_SCHEME in schemes else ()
    regions = {place.name for place in places if place.alignment.extension is None}
    for term in regime.terms.values() if regime else ():
        code = term.legal.jurisdiction if term.legal else VARIES
        if code == VARIES or code in countries or code in regions or (
                "-" in code and pycountry.subdivisions.get(code=code) is not None):
            continue
        raise FormatSourceError(f"{REGIME_SCHEME}.{term.name}: unknown jurisdiction {code!r}")


def repo_root() -> Path:
    """The source checkout this package sits in (the generator is a development tool)."""
    return Path(__file__).resolve().parents[3]


def load_sources(root: Path | None = None) -> Sources:
    """Read and check the sources under ``root`` (the checkout by default)."""
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
                                       tuple(broader), Alignment.parse(tdef["dpv"], tname),
                                       legal=_legal_source(sname, tname, tdef))
        for term in scheme.terms.values():
            for b in term.broader:
                if b not in scheme.terms:
                    raise FormatSourceError(f"{sname}.{term.name}: broader {b!r} not in scheme")
        _refuse_cycles(scheme)
        schemes[sname] = scheme
    _add_alt_labels(schemes, src / "lexicon.yaml")
    classes = {k: (v[0], Alignment.parse(v[1], k)) for k, v in onto["classes"].items()}
    properties = {k: (v[0], Alignment.parse(v[1], k)) for k, v in onto["properties"].items()}
    import pycountry  # only the generator needs the ISO list; it is baked into the outputs

    countries = sorted((c.alpha_2, c.name) for c in pycountry.countries)
    _refuse_unknown_jurisdictions(schemes, {code for code, _ in countries}, pycountry)
    clash = set(seen) & set(properties) | set(seen) & set(classes)
    if clash:
        raise FormatSourceError(f"names used both as term and property/class: {sorted(clash)}")
    return Sources(root, schema_src, schemes, classes, properties,
                   dict(onto.get("references", {})), countries)
