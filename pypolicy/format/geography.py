"""Geography as data: regions, countries and adequacy decisions for the contradiction rules.

Which countries make up the EU and the EEA, and which places hold a European
Commission adequacy decision, live in ``data/jurisdictions.json``; this module
only reads that file (once, cached, checked against ``data/jurisdictions.schema.json``)
and answers questions about it, such as "could a recipient said to be in the USA be
inside the EEA?" (no).

Places are the policy format's ``Place`` terms: an ISO 3166-1 alpha-2 code
(as known to pycountry), ``EU``, ``EEA``, ``worldwide`` or ``unknownPlace``.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import pycountry

__all__ = [
    "ALL_COUNTRIES",
    "UNKNOWN_PLACE",
    "WORLDWIDE",
    "AdequacyDecision",
    "UnknownPlaceError",
    "adequacy_for",
    "adequacy_history",
    "countries_in",
    "countries_of",
    "country_name",
    "data_version",
    "former_members",
    "place_label",
    "region_members",
    "regions",
]

DATA_FILE: Final[Path] = Path(__file__).parent / "data" / "jurisdictions.json"
SCHEMA_FILE: Final[Path] = Path(__file__).parent / "data" / "jurisdictions.schema.json"

WORLDWIDE: Final = "worldwide"
UNKNOWN_PLACE: Final = "unknownPlace"

ALL_COUNTRIES: Final[frozenset[str]] = frozenset(
    str(country.alpha_2) for country in pycountry.countries
)
"""Every ISO 3166-1 alpha-2 code that pycountry knows."""


class UnknownPlaceError(ValueError):
    """A place that is neither an ISO 3166-1 alpha-2 code nor a known region or keyword."""


class JurisdictionDataError(ValueError):
    """``jurisdictions.json`` is malformed (a bug in the data file, not in a policy)."""


@dataclass(frozen=True, slots=True)
class AdequacyDecision:
    """One European Commission adequacy decision for a country or territory."""

    code: str
    decision: str
    adopted: datetime.date
    scope: str | None
    requires_certification: bool
    source: str
    celex: str | None = None
    in_force_until: datetime.date | None = None
    note: str | None = None

    @property
    def partial(self) -> bool:
        """True when the decision covers only some recipients (a sector, a law, certified firms)."""
        return self.scope is not None or self.requires_certification

    def in_force_on(self, day: datetime.date) -> bool:
        return self.adopted <= day and (self.in_force_until is None or day <= self.in_force_until)


@dataclass(frozen=True, slots=True)
class _Jurisdictions:
    version: str
    region_names: Mapping[str, str]
    members: Mapping[str, frozenset[str]]
    places: Mapping[str, frozenset[str]]
    former: Mapping[str, Mapping[str, datetime.date]]
    adequacy: Mapping[str, tuple[AdequacyDecision, ...]]
    code_hints: Mapping[str, str]
    definite_article: frozenset[str]


# --- loading -----------------------------------------------------------------------------


def _fail(where: str, problem: str) -> JurisdictionDataError:
    return JurisdictionDataError(f"{DATA_FILE.name}: {where}: {problem}")


def _check_shape(raw: Any) -> None:
    """Types, required keys and spellings, by the JSON Schema kept beside the data."""
    import jsonschema  # here, not at the top: only the first question about places pays

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    error = jsonschema.exceptions.best_match(validator.iter_errors(raw))
    if error is not None:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                        for p in error.absolute_path).lstrip(".") or "top level"
        raise _fail(where, error.message)


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)  # the schema checked the form YYYY-MM-DD


def _code(value: str, where: str) -> str:
    if value not in ALL_COUNTRIES:
        raise _fail(where, f"{value!r} is not an ISO 3166-1 alpha-2 code known to pycountry")
    return value


def _codes(values: list[str], where: str) -> frozenset[str]:
    return frozenset(_code(item, f"{where}[{i}]") for i, item in enumerate(values))


def _parse_regions(
    raw: dict[str, Any],
) -> tuple[dict[str, str], dict[str, frozenset[str]], dict[str, frozenset[str]], dict[str, Any]]:
    names: dict[str, str] = {}
    members: dict[str, frozenset[str]] = {}
    places: dict[str, frozenset[str]] = {}
    former: dict[str, Any] = {}
    pending = dict(raw)
    # A region may include others ("EEA" includes "EU"); resolve in dependency order.
    while pending:
        progressed = False
        for name, region in list(pending.items()):
            where = f"regions.{name}"
            includes: list[str] = region.get("includes", [])
            if any(r not in raw for r in includes):
                raise _fail(where, f"includes an unknown region: {includes}")
            if any(r in pending for r in includes):
                continue
            own = _codes(region.get("members", []), f"{where}.members")
            territories = frozenset(
                _code(t["code"], f"{where}.territories[{i}]")
                for i, t in enumerate(region.get("territories", []))
            )
            names[name] = region["name"]
            members[name] = own.union(*(members[r] for r in includes))
            places[name] = own | territories
            places[name] = places[name].union(*(places[r] for r in includes))
            former[name] = {
                _code(f["code"], f"{where}.formerMembers[{i}]"): _date(f["left"])
                for i, f in enumerate(region.get("formerMembers", []))
            }
            del pending[name]
            progressed = True
        if not progressed:
            raise _fail("regions", f"circular 'includes' among {sorted(pending)}")
    return names, members, places, former


def _parse_adequacy(raw: list[dict[str, Any]]) -> dict[str, tuple[AdequacyDecision, ...]]:
    by_code: dict[str, list[AdequacyDecision]] = {}
    for i, entry in enumerate(raw):
        where = f"adequacy[{i}]"
        until = entry.get("inForceUntil")
        decision = AdequacyDecision(
            code=_code(entry["code"], f"{where}.code"),
            decision=entry["decision"],
            adopted=_date(entry["adopted"]),
            scope=entry.get("scope"),
            requires_certification=entry["requiresCertification"],
            source=entry["source"],
            celex=entry.get("celex"),
            in_force_until=None if until is None else _date(until),
            note=entry.get("note"),
        )
        if decision.in_force_until is not None and decision.in_force_until < decision.adopted:
            raise _fail(where, "inForceUntil is before adopted")
        by_code.setdefault(decision.code, []).append(decision)
    return {code: tuple(sorted(ds, key=lambda d: d.adopted)) for code, ds in by_code.items()}


@cache
def _load() -> _Jurisdictions:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    _check_shape(raw)
    names, members, places, former = _parse_regions(raw["regions"])
    clash = set(names) & ALL_COUNTRIES | set(names) & {WORLDWIDE, UNKNOWN_PLACE}
    if clash:
        raise _fail("regions", f"region names clash with country codes or keywords: {clash}")
    hints = {k: _code(v, f"codeHints.{k}") for k, v in raw.get("codeHints", {}).items()}
    labels = raw.get("labels", {})
    return _Jurisdictions(
        version=raw["version"],
        region_names=MappingProxyType(names),
        members=MappingProxyType(members),
        places=MappingProxyType(places),
        former=MappingProxyType({k: MappingProxyType(v) for k, v in former.items()}),
        adequacy=MappingProxyType(_parse_adequacy(raw["adequacy"])),
        code_hints=MappingProxyType(hints),
        definite_article=_codes(labels.get("definiteArticle", []), "labels.definiteArticle"),
    )


# --- places ------------------------------------------------------------------------------


def data_version() -> str:
    """The semantic version of ``jurisdictions.json``."""
    return _load().version


def regions() -> frozenset[str]:
    """The region names the data file defines (``EU``, ``EEA``)."""
    return frozenset(_load().region_names)


def _unknown(place: object) -> UnknownPlaceError:
    data = _load()
    message = (
        f"unknown place {place!r}: expected an ISO 3166-1 alpha-2 country code, "
        f"one of {sorted(data.region_names)}, {WORLDWIDE!r} or {UNKNOWN_PLACE!r}"
    )
    if isinstance(place, str):
        hint = data.code_hints.get(place.upper())
        if hint is None and (place.upper() in ALL_COUNTRIES or place.upper() in data.places):
            hint = place.upper()
        if hint is not None:
            message += f" (did you mean {hint!r}?)"
    return UnknownPlaceError(message)


def _region(region: str) -> str:
    if region not in _load().region_names:
        raise _unknown(region)
    return region


def region_members(region: str) -> frozenset[str]:
    """The member states of a region: 27 for ``EU``, 30 for ``EEA``.

    Unlike :func:`countries_in`, this leaves out territories that are part of a
    member state but have an ISO code of their own (Réunion, Åland, ...).
    """
    return _load().members[_region(region)]


def former_members(region: str) -> Mapping[str, datetime.date]:
    """Countries that have left a region, with the date they left (``GB``: 2020-01-31)."""
    return _load().former.get(_region(region), MappingProxyType({}))


def countries_in(place: str) -> frozenset[str]:
    """The countries (ISO alpha-2 codes) a place stands for.

    A country code stands for itself; ``EU`` and ``EEA`` for their member states
    plus the territories that belong to them but have codes of their own (the
    outermost regions such as ``RE``, and ``AX``); ``worldwide`` and
    ``unknownPlace`` (which could be anywhere) for every country.
    Anything else raises :class:`UnknownPlaceError`.
    """
    if not isinstance(place, str):
        raise _unknown(place)
    if place in ALL_COUNTRIES:
        return frozenset({place})
    if place in (WORLDWIDE, UNKNOWN_PLACE):
        return ALL_COUNTRIES
    region = _load().places.get(place)
    if region is None:
        raise _unknown(place)
    return region


def _union(places: Iterable[str], argument: str) -> frozenset[str]:
    if isinstance(places, str):
        raise TypeError(f"{argument} must be a collection of places, not the string {places!r}")
    return frozenset[str]().union(*(countries_in(p) for p in places))


def countries_of(locations: Iterable[str] = (), outside: Iterable[str] = ()) -> frozenset[str]:
    """The countries something could be in, given where it is said to be and not to be.

    The union of :func:`countries_in` over ``locations`` (every country when
    ``locations`` is empty: nothing is said), minus the union over ``outside``.
    ``countries_of(outside=["EEA"])`` is every non-EEA country;
    ``countries_of(["US"])`` is ``{"US"}``.
    """
    places = list(locations) if not isinstance(locations, str) else locations
    within = _union(places, "locations") if places else ALL_COUNTRIES
    return within - _union(outside, "outside")


# --- adequacy ----------------------------------------------------------------------------


def _country(code: str) -> str:
    if not isinstance(code, str) or code not in ALL_COUNTRIES:
        raise _unknown(code)
    return code


def adequacy_history(country: str) -> tuple[AdequacyDecision, ...]:
    """Every recorded adequacy decision for a country, oldest first (including ended ones)."""
    return _load().adequacy.get(_country(country), ())


def adequacy_for(country: str, on: datetime.date | None = None) -> AdequacyDecision | None:
    """The adequacy decision covering ``country`` on a day (today by default), or None.

    A decision counts from its adoption date until its ``in_force_until`` day
    (when it expired or the Court of Justice declared it invalid). Read
    ``scope`` and ``requires_certification`` before treating a recipient as
    covered: the US decision only covers organisations certified under the
    EU-U.S. Data Privacy Framework. EEA countries have no decision (none is
    needed); ask :func:`countries_in` ``("EEA")`` for those.
    """
    day = datetime.date.today() if on is None else on
    in_force = [d for d in adequacy_history(country) if d.in_force_on(day)]
    return in_force[-1] if in_force else None


# --- labels ------------------------------------------------------------------------------


def _lookup(code: str) -> Any:
    country = pycountry.countries.get(alpha_2=_country(code))
    if country is None:  # pragma: no cover - ALL_COUNTRIES comes from the same database
        raise _unknown(code)
    return country


def country_name(code: str) -> str:
    """A readable English name: pycountry's common name, else its name ("United States")."""
    country = _lookup(code)
    common = getattr(country, "common_name", None)
    if common:
        return str(common)
    name = str(country.name)
    if ", " not in name:
        return name
    # pycountry inverts some names ("Virgin Islands, British"); prefer a natural form.
    official = getattr(country, "official_name", None)
    if official and ", " not in str(official):
        return str(official).removeprefix("the ")
    head, _, tail = name.partition(", ")
    if tail.endswith((" of", " of the")):
        return f"{tail} {head}".removeprefix("The ")
    return name


def place_label(place: str) -> str:
    """How to name a place in a sentence: "the European Economic Area", "the United States"."""
    if place == WORLDWIDE:
        return "any country"
    if place == UNKNOWN_PLACE:
        return "an unknown place"
    data = _load()
    if isinstance(place, str) and place in data.region_names:
        return f"the {data.region_names[place]}"
    name = country_name(place)
    return f"the {name}" if place in data.definite_article else name
