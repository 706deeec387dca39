"""The bundled query pack (``pack/*.rq``) and query parameters.

A pack query is a SPARQL file whose leading comment lines say what it asks
(``# title:``, ``# description:``) and which parameters it takes (``# param: name
(type[, default value]) text``). Parameters given on the command line become RDF terms
here (a vocabulary term, a string, an integer, a date, an IRI, a document); they are
bound as terms, never pasted into the query as text (see :mod:`pypolicy.sparql.engines`).
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Final

from pypolicy.core.errors import ConfigError, QueryError
from pypolicy.format.rdf import LOC, NS, document_iri
from pypolicy.sparql.safety import STANDARD_PREFIXES, CheckedQuery

if TYPE_CHECKING:
    from rdflib import URIRef
    from rdflib.term import Identifier

PACK_DIR: Final = Path(__file__).resolve().parent / "pack"
XSD_DATE: Final = "http://www.w3.org/2001/XMLSchema#date"

@dataclass(frozen=True)
class Parameter:
    """A parameter a query declares: ``# param: name (type[, default value]) text``."""

    name: str
    type: str
    description: str
    default: str | None = None


@dataclass(frozen=True)
class PackQuery:
    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str
    path: Path


PARAMETER_TYPES: Final = ("term", "string", "integer", "boolean", "date", "iri", "policy")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*\(\s*(?P<type>\w+)\s*"
                    r"(?:,\s*default\s+(?P<default>[^)]*?))?\s*\)\s*(?P<text>.*)$")
_FIELD = re.compile(r"^#\s?(?P<field>[a-z]+):\s*(?P<value>.*)$")


def parse_header(text: str, source: str) -> tuple[str, str, tuple[Parameter, ...]]:
    """Title, description and parameters from a query's leading comment lines.

    ``# title: ...``, ``# description: ...`` and ``# param: ...``; a comment line that
    is indented (``#   more``) continues the field above it.
    """
    fields: list[tuple[str, str, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        match = _FIELD.match(stripped)
        if match:
            fields.append((match["field"], match["value"].strip(), number))
        elif fields and re.match(r"^#\s{2,}\S", stripped):
            name, value, at = fields[-1]
            fields[-1] = (name, f"{value} {stripped[1:].strip()}", at)
    title = description = ""
    parameters: list[Parameter] = []
    for name, value, number in fields:
        if name == "title":
            title = value
        elif name == "description":
            description = value
        elif name == "param":
            match = _PARAM.match(value)
            if not match or match["type"] not in PARAMETER_TYPES:
                raise QueryError(f"{source}:{number}: cannot read the parameter declaration"
                                 f" {value!r}; write '# param: name (type) description' or"
                                 f" '(type, default value)', type one of"
                                 f" {', '.join(PARAMETER_TYPES)}")
            parameters.append(Parameter(match["name"], match["type"], match["text"].strip(),
                                        match["default"]))
    return title, description, tuple(parameters)


@cache
def query_pack() -> dict[str, PackQuery]:
    """The bundled queries by name (file name without ``.rq``), in name order."""
    pack: dict[str, PackQuery] = {}
    for path in sorted(PACK_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        title, description, parameters = parse_header(text, str(path))
        pack[path.stem] = PackQuery(path.stem, title, description, parameters, text, path)
    return pack


def pack_query(name: str) -> PackQuery:
    pack = query_pack()
    if name not in pack:
        close = difflib.get_close_matches(name, list(pack), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ConfigError(f"no query named {name!r} in the pack{hint}; see pypolicy query"
                          " --list")
    return pack[name]


# ------------------------------------------------------------------------------ parameters


def _iri(value: str, name: str) -> URIRef:
    from rdflib import URIRef

    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]*", value):
        raise ConfigError(f"parameter {name}: {value!r} is not an absolute IRI")
    return URIRef(value)


def _curie(value: str, prefixes: Mapping[str, str]) -> str | None:
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    prefix, colon, local = value.partition(":")
    if colon and prefix in prefixes and re.fullmatch(r"[\w\-.%]*", local):
        return prefixes[prefix] + local
    return None


def term_iri(value: str) -> str | None:
    """The IRI of a controlled term or place given by name (``access``, ``US``, ``EEA``)."""
    from pypolicy.format.vocabulary import vocabulary

    vocab = vocabulary()
    if value in vocab.terms:
        return NS + value
    if value in vocab.countries:
        return LOC + value
    return None


def convert_parameter(parameter: Parameter, value: str,
                      prefixes: Mapping[str, str] = STANDARD_PREFIXES) -> Identifier:
    """The RDF term for a parameter value given on the command line."""
    from rdflib import Literal, URIRef

    name, kind = parameter.name, parameter.type
    if kind == "term":
        iri = term_iri(value) or _curie(value, prefixes)
        if iri is None:
            from pypolicy.format.vocabulary import vocabulary

            vocab = vocabulary()
            close = difflib.get_close_matches(value, [*vocab.terms, *vocab.countries], n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise ConfigError(f"parameter {name}: {value!r} is not a term of the vocabulary"
                              f" nor a country code{hint}")
        return _iri(iri, name)
    if kind == "string":
        return Literal(value)
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise ConfigError(f"parameter {name}: {value!r} is not an integer")
        return Literal(int(value))
    if kind == "boolean":
        if value not in ("true", "false"):
            raise ConfigError(f"parameter {name}: {value!r} is not true or false")
        return Literal(value == "true")
    if kind == "date":
        try:
            day = datetime.date.today() if value == "today" else \
                datetime.date.fromisoformat(value)
        except ValueError:
            raise ConfigError(f"parameter {name}: {value!r} is not a date (YYYY-MM-DD or"
                              " today)") from None
        return Literal(day.isoformat(), datatype=URIRef(XSD_DATE))
    if kind == "iri":
        return _iri(_curie(value, prefixes) or value, name)
    if kind == "policy":
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._\-]*", value):
            raise ConfigError(f"parameter {name}: {value!r} is not a document id")
        return URIRef(document_iri(value))
    raise ConfigError(f"parameter {name}: unknown type {kind!r}")  # pragma: no cover


def guess_term(name: str, value: str, prefixes: Mapping[str, str]) -> Identifier:
    """A value for a parameter the query does not declare: ``<iri>`` or ``prefix:name``
    is an IRI; an integer, ``true``/``false`` or an ISO date is typed; else a string."""
    from rdflib import Literal

    iri = _curie(value, prefixes)
    if iri is not None:
        return _iri(iri, name)
    if re.fullmatch(r"[+-]?\d+", value):
        return Literal(int(value))
    if value in ("true", "false"):
        return Literal(value == "true")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return convert_parameter(Parameter(name, "date", ""), value)
    return Literal(value)


def bind_parameters(query: CheckedQuery, declared: Sequence[Parameter] | None,
                    given: Mapping[str, str]) -> dict[str, Identifier]:
    """The bindings for a query: declared parameters (with defaults) or guessed ones."""
    bindings: dict[str, Identifier] = {}
    if declared:
        known = {p.name: p for p in declared}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise ConfigError(f"{query.source} has no parameter {', '.join(unknown)}; its"
                              f" parameters: {', '.join(known)}")
        for parameter in declared:
            value = given.get(parameter.name, parameter.default)
            if value is None:
                raise ConfigError(f"{query.source} needs --param {parameter.name}=VALUE"
                                  f" ({parameter.type}: {parameter.description})")
            bindings[parameter.name] = convert_parameter(parameter, value, query.prefixes)
        return bindings
    for name, value in given.items():
        if name not in query.variables:
            raise ConfigError(f"{query.source} has no variable ?{name} to bind")
        bindings[name] = guess_term(name, value, query.prefixes)
    return bindings


