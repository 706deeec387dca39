"""A typed, read-only model of a policy document.

Built from a schema-valid document (``Policy.from_dict``); every entry remembers the
JSON pointer it came from, so that whatever reasons over the model can point back into
the document. The model knows nothing of rules, reporters or RDF.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

# Re-exported: the rules compare retention periods through the model's module.
from pypolicy.format.durations import duration_days as duration_days
from pypolicy.format.pointers import escape

T = TypeVar("T")


def _json_name(python_name: str) -> str:
    head, *rest = python_name.rstrip("_").split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@dataclass(frozen=True)
class Evidence:
    quote: str | None = None
    section: str | None = None
    start: int | None = None
    end: int | None = None
    inferred: bool = False
    rationale: str | None = None
    occurrence: int | None = None
    pointer: str = ""


@dataclass(frozen=True)
class ContactPoint:
    channel: str
    value: str
    pointer: str = ""


@dataclass(frozen=True)
class Capacity:
    role: str
    data: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class Provider:
    # "" when the policy never names the provider (allowed since format 1.1): a string
    # still, so that whatever prints the name need not test for None
    name: str = ""
    legal_name: str | None = None
    country: str | None = None
    address: str | None = None
    homepage: str | None = None
    contacts: tuple[ContactPoint, ...] = ()
    capacities: tuple[Capacity, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class Officer:
    appointed: bool
    title: str | None = None
    officer_role: str | None = None
    name: str | None = None
    contacts: tuple[ContactPoint, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class Contactable:
    name: str
    contacts: tuple[ContactPoint, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class Authority:
    name: str
    country: str | None = None
    homepage: str | None = None
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class Service:
    service_kinds: tuple[str, ...] = ()
    description: str | None = None
    public_network: bool | None = None
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class Audience:
    id: str
    subject: str
    description: str | None = None
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class Market:
    """Where the service is offered or its users are, as one passage says (format 1.1)."""

    id: str
    places: tuple[str, ...]
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class RegimeClaim:
    id: str
    regime: str
    stance: str
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class Party:
    id: str
    name: str
    roles: tuple[str, ...]
    examples: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    outside: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class DataEntry:
    id: str
    name: str
    categories: tuple[str, ...]
    examples: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    source_parties: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    mandatory: bool | None = None
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class Statement:
    id: str
    modality: str
    actions: tuple[str, ...]
    data: tuple[str, ...] = ()  # empty: the statement does not say which data (1.1)
    actors: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()
    legal_bases: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    outside: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()
    except_purposes: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    qualifier: str | None = None
    exhaustive: tuple[str, ...] = ()
    illustrative: tuple[str, ...] = ()
    duty: str | None = None
    consequences: tuple[str, ...] = ()
    note: str | None = None
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""

    @property
    def positive(self) -> bool:
        return self.modality in ("does", "may", "onlyIf")

    @property
    def negative(self) -> bool:
        return self.modality == "doesNot"


@dataclass(frozen=True)
class RetentionPeriod:
    """A retention period that is a range or a bound (format 1.1)."""

    at_least: str | None = None
    at_most: str | None = None
    pointer: str = ""


@dataclass(frozen=True)
class RetentionRule:
    id: str
    data: tuple[str, ...]
    duration: str | None = None
    period: RetentionPeriod | None = None
    from_: str | None = None
    criteria: tuple[str, ...] = ()
    indefinite: bool | None = None
    afterwards: str | None = None
    exceptions: tuple[str, ...] = ()
    imposed_by: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()
    qualifier: str | None = None
    note: str | None = None
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class StorageEntry:
    id: str
    locations: tuple[str, ...]
    data: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class Transfer:
    id: str
    destinations: tuple[str, ...]
    data: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    mechanisms: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class RightEntry:
    id: str
    right: str
    channels: tuple[str, ...] = ()
    response_time: str | None = None
    fee: str | None = None
    limitations: tuple[str, ...] = ()
    qualifier: str | None = None  # on the response ("we usually respond within ...")
    right_qualifier: str | None = None  # on the right itself ("most of ... can be accessed")
    consequences: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class SecurityEntry:
    id: str
    measure: str | None = None
    claim: str | None = None
    scopes: tuple[str, ...] = ()
    terminates_at: str | None = None
    data: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class BreachNotice:
    modality: str
    notifies: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    qualifier: str | None = None
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class Tracking:
    modality: str | None = None
    technologies: tuple[str, ...] = ()
    cookie_kinds: tuple[str, ...] = ()
    third_parties: tuple[str, ...] = ()
    consent_mechanisms: tuple[str, ...] = ()
    consent_required_for: tuple[str, ...] = ()
    consequences: tuple[str, ...] = ()
    do_not_track: str | None = None
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class Children:
    directed_to_children: bool | None = None
    minimum_age: int | None = None
    knowingly_collects: bool | None = None
    deletes_on_discovery: bool | None = None
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class QualifiedNotice:
    """A change notice the policy hedges (format 1.1)."""

    notice: str
    qualifier: str
    pointer: str = ""


@dataclass(frozen=True)
class Changes:
    notices: tuple[str, ...] = ()
    qualified_notices: tuple[QualifiedNotice, ...] = ()
    qualifier: str | None = None
    acceptance_by_continued_use: bool | None = None
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class AutomatedDecisions:
    modality: str
    description: str | None = None
    evidence: tuple[Evidence, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class Suppression:
    rule: str
    reason: str
    targets: tuple[str, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class Source:
    url: str | None = None
    archive_url: str | None = None
    retrieved: str | None = None
    sha256: str | None = None
    file: str | None = None
    pointer: str = ""


@dataclass(frozen=True)
class Policy:
    """One policy document."""

    format_version: str
    id: str
    title: str
    language: str
    provider: Provider
    last_updated: str | None = None
    effective_date: str | None = None
    source: Source | None = None
    data_protection_officer: Officer | None = None
    representative: Contactable | None = None
    officers: tuple[Officer, ...] = ()
    supervisory_authority: Authority | None = None
    service: Service | None = None
    audiences: tuple[Audience, ...] = ()
    markets: tuple[Market, ...] = ()
    regimes: tuple[RegimeClaim, ...] = ()
    parties: tuple[Party, ...] = ()
    data_categories: tuple[DataEntry, ...] = ()
    statements: tuple[Statement, ...] = ()
    retention: tuple[RetentionRule, ...] = ()
    storage: tuple[StorageEntry, ...] = ()
    transfers: tuple[Transfer, ...] = ()
    rights: tuple[RightEntry, ...] = ()
    security_measures: tuple[SecurityEntry, ...] = ()
    breach_notification: BreachNotice | None = None
    tracking: Tracking | None = None
    children: Children | None = None
    changes: Changes | None = None
    automated_decisions: AutomatedDecisions | None = None
    suppressions: tuple[Suppression, ...] = ()
    pointer: str = ""
    _index: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Policy:
        """Build the model of a schema-valid document (raises on a malformed one)."""
        policy = _build(cls, data, "")
        for collection in (policy.parties, policy.data_categories, policy.statements,
                           policy.retention, policy.storage, policy.transfers, policy.rights,
                           policy.security_measures, policy.audiences, policy.regimes,
                           policy.markets):
            for item in collection:
                policy._index.setdefault(item.id, item)
        return policy

    def party(self, party_id: str) -> Party | None:
        item = self._index.get(party_id)
        return item if isinstance(item, Party) else None

    def data_entry(self, data_id: str) -> DataEntry | None:
        item = self._index.get(data_id)
        return item if isinstance(item, DataEntry) else None

    def categories_of(self, data_ids: typing.Iterable[str]) -> frozenset[str]:
        """The controlled data categories of some data entries."""
        result: set[str] = set()
        for data_id in data_ids:
            entry = self.data_entry(data_id)
            if entry is not None:
                result.update(entry.categories)
        return frozenset(result)

    def market_places(self) -> tuple[str, ...]:
        """Every place the policy says its service is offered in, once each, in order."""
        return tuple(dict.fromkeys(place for market in self.markets
                                   for place in market.places))

    def regime_stances(self) -> dict[str, set[str]]:
        stances: dict[str, set[str]] = {}
        for claim in self.regimes:
            stances.setdefault(claim.regime, set()).add(claim.stance)
        return stances


Converter = Callable[[Any, str], Any]


def _identity(value: Any, pointer: str) -> Any:
    return value


@cache
def _converter(tp: Any) -> Converter:
    """A function turning a JSON value into ``tp``, built once per type: the model is
    built for every document validated, so the type inspection must not be."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = _converter(next(a for a in typing.get_args(tp) if a is not type(None)))
        return lambda value, pointer: None if value is None else inner(value, pointer)
    if origin is tuple:
        item = _converter(typing.get_args(tp)[0])
        if item is _identity:
            return lambda value, pointer: tuple(value)
        return lambda value, pointer: tuple(item(v, f"{pointer}/{i}")
                                            for i, v in enumerate(value))
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        cls = tp
        return lambda value, pointer: _build(cls, value, pointer)
    return _identity


@cache
def _plan(cls: type) -> tuple[tuple[str, str, str, Converter], ...]:
    """(field name, JSON key, escaped key, converter) for each field of a model class."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, _json_name(f.name), escape(_json_name(f.name)),
                  _converter(hints[f.name]))
                 for f in dataclasses.fields(cls) if f.name not in ("pointer", "_index"))


def _build(cls: type[T], data: dict[str, Any], pointer: str) -> T:
    kwargs: dict[str, Any] = {"pointer": pointer}
    for name, key, escaped, convert in _plan(cls):  # type: ignore[arg-type]
        if key in data:
            kwargs[name] = convert(data[key], f"{pointer}/{escaped}")
    return cls(**kwargs)
