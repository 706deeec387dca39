"""Hypothesis strategies for pypolicy documents, shared by the property tests.

Three families:

``policy_documents()``
    Valid documents of realistic shape, built over the controlled vocabulary
    (``schema/vocabulary.json``): parties in real countries and regions, data entries
    mapped to data categories, statements that refer only to declared entries, retention
    rules, rights, security entries, evidence. Identifiers are ``<prefix>-<n>`` per
    collection, so they are unique and a counterexample reads like a policy. A
    ``Palette`` narrows the terms drawn from, so that statements overlap often enough
    for the contradiction rules to have something to say (``FOCUSED``).

``broken_documents()``
    A valid document with exactly one thing wrong, with the JSON pointer a validator
    should name and whether the RDF side (SHACL) can see that kind of problem at all.

``json_junk()`` / ``junk_bytes()``
    Arbitrary JSON values and byte strings (some of them mangled serialisations of valid
    documents), for fuzzing the loader and the validator.

Every optional part of a document is drawn so that it shrinks to "absent": a failing
example shrinks towards the smallest document that still fails.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from pypolicy.format.durations import duration_days
from pypolicy.format.resources import policy_schema, vocabulary_index
from pypolicy.format.vocabulary import vocabulary
from pypolicy.validation.rules import RULES

# --------------------------------------------------------------------------- examples


def examples(count: int) -> int:
    """``count`` scaled by the Hypothesis profile (its max_examples / 100: 1 for "ci",
    10 for "explore"; profiles are set in conftest.py) and by PYPOLICY_HYPOTHESIS_SCALE
    (default 1), at least 1."""
    scale = float(os.environ.get("PYPOLICY_HYPOTHESIS_SCALE", "1"))
    return max(1, round(count * scale * settings.default.max_examples / 100))


# --------------------------------------------------------------------------- vocabulary

VOCAB = vocabulary()
SCHEMA = policy_schema()
# How each property of the format is represented: vocabulary term, reference, literal or
# object, single or many (generated with the schema).
PROPERTIES: dict[str, dict[str, Any]] = vocabulary_index()["properties"]


def terms(scheme: str) -> tuple[str, ...]:
    """The terms of one controlled vocabulary, in the order the vocabulary lists them."""
    return VOCAB.schemes[scheme]


COUNTRIES: tuple[str, ...] = tuple(sorted(VOCAB.countries))
REGIONS: tuple[str, ...] = ("EU", "EEA")
# Countries policies of VoIP providers actually name, first, so that shrinking lands on
# them; then every other country.
COMMON_COUNTRIES: tuple[str, ...] = ("US", "GB", "IE", "DE", "FR", "NL", "NO", "CH", "IN",
                                     "CA", "AU", "IS", "LI", "SG", "JP")
RULE_CODES: tuple[str, ...] = tuple(sorted(RULES))
LOCAL_ID = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Palette:
    """The terms a generated document draws from, per axis."""

    actions: tuple[str, ...] = terms("Action")
    data_categories: tuple[str, ...] = terms("DataCategory")
    roles: tuple[str, ...] = terms("Party")
    purposes: tuple[str, ...] = terms("Purpose")
    legal_bases: tuple[str, ...] = terms("LegalBasis")
    subjects: tuple[str, ...] = terms("DataSubjectType")
    conditions: tuple[str, ...] = terms("Condition")
    places: tuple[str, ...] = (*COMMON_COUNTRIES, *REGIONS, "worldwide", "unknownPlace")
    any_country: bool = True  # also draw from every ISO 3166 code


FULL = Palette()
# Few terms per axis, on the same branches of each hierarchy: statements then often fall
# within one another, which is what the contradiction and consistency rules look for.
FOCUSED = Palette(
    actions=("share", "disclose", "transfer", "sell", "process", "collect", "use", "store"),
    data_categories=("personalData", "contact", "emailAddress", "financial", "paymentCard",
                     "technical", "anyData", "callDetailRecord"),
    roles=("thirdParty", "processor", "paymentProcessor", "advertisingPlatform", "recipient",
           "lawEnforcement"),
    purposes=("marketing", "advertising", "billing", "serviceProvision", "anyPurpose",
              "legalCompliance"),
    legal_bases=("consent", "contract", "legitimateInterest", "legalObligation"),
    subjects=("anyone", "customer", "child"),
    conditions=("withConsent", "requiredByLaw", "optOut", "existingCustomer"),
    places=("US", "DE", "NO", "GB", "CH", "IE", "EU", "EEA", "worldwide"),
    any_country=False,
)

# Names of the kind policies use, by collection; a name may also be arbitrary text.
PARTY_NAMES = ("third parties", "payment processors", "advertising platforms",
               "our affiliates", "law enforcement agencies", "carriers", "Stripe",
               "hosting providers", "analytics providers")
DATA_NAMES = ("personal information", "Contact Data", "Identity Data", "call detail records",
              "Technical Data", "Usage Data", "payment card details", "voicemail")
WORDS = ("we may share your data", "except as required by law", "Privacy Officer",
         "Example Telecom Ltd", "support@example.net", "+44 20 7946 0000")
HOSTS = ("example.com", "example.net", "voip.example.org", "web.archive.org")


# --------------------------------------------------------------------------- helpers
#
# Strategies are built once and cached: hypothesis validates (and, for composites,
# inspects) every strategy object it is given, which costs more than drawing from it.
# The builders below are plain functions of ``draw`` for the same reason.


@cache
def sometimes(p_in_4: int = 1) -> SearchStrategy[bool]:
    """True with probability ``p_in_4``/4; shrinks to False (the part is left out)."""
    return st.integers(0, 3).map(lambda n: n >= 4 - p_in_4)


@cache
def one_of(choices: tuple[str, ...]) -> SearchStrategy[str]:
    return st.sampled_from(choices)


@cache
def some_of(choices: tuple[str, ...], max_size: int = 2) -> SearchStrategy[list[str]]:
    """A non-empty list of distinct choices (the format's lists are never empty)."""
    return st.lists(st.sampled_from(choices), min_size=1, max_size=max_size, unique=True)


ANY_TEXT = st.text(st.characters(codec="utf-8"), min_size=1, max_size=24)


@cache
def texts(realistic: tuple[str, ...]) -> SearchStrategy[str]:
    """A realistic string, or (for the RDF and loader paths) any non-empty text."""
    return st.one_of(st.sampled_from(realistic), ANY_TEXT)


@cache
def place(palette: Palette) -> SearchStrategy[str]:
    choices = st.sampled_from(palette.places)
    return st.one_of(choices, st.sampled_from(COUNTRIES)) if palette.any_country else choices


@cache
def places(palette: Palette) -> SearchStrategy[list[str]]:
    return st.lists(place(palette), min_size=1, max_size=2, unique=True)


def _ints(low: int, high: int) -> SearchStrategy[int | float]:
    """Integers; now and then written as a float with no fraction (13.0), which JSON and
    JSON Schema both count as an integer."""
    ints = st.integers(low, high)
    return st.one_of(ints, ints.map(float))


OFFSETS = _ints(0, 100_000)
AGES = _ints(0, 25)
HUGE_OFFSETS = st.integers(0, 10**30)  # JSON numbers have no size limit


@st.composite
def _built_durations(draw: DrawFn) -> str:
    amount = st.one_of(st.none(), st.integers(0, 120))
    date_text = "".join(f"{n}{u}" for u in "YMWD" if (n := draw(amount)) is not None)
    time_text = "".join(f"{n}{u}" for u in "HMS" if (n := draw(amount)) is not None)
    text = "P" + date_text + (f"T{time_text}" if time_text else "")
    return text if text != "P" else "P1Y"


DURATIONS = st.one_of(st.sampled_from(("P7Y", "P6M", "P30D", "P1Y", "P13M", "PT24H")),
                      _built_durations())
"""ISO 8601 durations as the schema's Duration pattern allows them (P7Y, P1M2W, PT36H)."""

DATES = st.dates().map(lambda d: d.isoformat())
PARTIAL_DATES = DATES.flatmap(lambda iso: st.sampled_from((iso, iso[:7], iso[:4])))
URIS = st.builds(lambda scheme, host, path: f"{scheme}://{host}/{path}",
                 st.sampled_from(("https", "http")), st.sampled_from(HOSTS),
                 st.sampled_from(("privacy", "legal/privacy-policy", "p?lang=en", "")))
CONTACTS = st.lists(st.fixed_dictionaries({"channel": st.sampled_from(terms("Channel")),
                                           "value": texts(WORDS)}), min_size=1, max_size=2)
SOURCES = st.fixed_dictionaries({}, optional={
    "url": URIS, "archiveUrl": URIS, "retrieved": DATES,
    "sha256": st.text("0123456789abcdef", min_size=64, max_size=64),
    "file": st.just("sources/acme.txt")})
ENTRY_COUNT = st.integers(0, 2)


def draw_evidence_item(draw: DrawFn) -> dict[str, Any]:
    item: dict[str, Any] = {}
    if draw(sometimes(1)):
        item["inferred"] = True
        item["rationale"] = draw(texts(("implied by the section on billing",)))
        if draw(sometimes(1)):
            item["quote"] = draw(texts(WORDS))
    else:
        item["quote"] = draw(texts(WORDS))
        if draw(sometimes(1)):
            item["inferred"] = False
    if draw(sometimes(1)):
        item["section"] = draw(texts(("Sharing", "Retention", "")))
    if draw(sometimes(2)):
        start = draw(OFFSETS)
        item["start"] = start
        item["end"] = start + draw(OFFSETS)
        if draw(sometimes(1)):
            item["start"] = draw(HUGE_OFFSETS)
    return item


def with_evidence(draw: DrawFn, entry: dict[str, Any]) -> dict[str, Any]:
    if draw(sometimes(2)):
        entry["evidence"] = [draw_evidence_item(draw)
                             for _ in range(1 + int(draw(sometimes(1))))]
    return entry


def draw_places(draw: DrawFn, entry: dict[str, Any], palette: Palette) -> None:
    """Locations or "outside" (realistically never both), or neither."""
    how = draw(one_of(("none", "locations", "outside")))
    if how == "locations":
        entry["locations"] = draw(places(palette))
    elif how == "outside":
        # "outside worldwide" or "outside an unknown place" would say nothing
        entry["outside"] = draw(some_of((*REGIONS, *COMMON_COUNTRIES[:4])))


def optional(draw: DrawFn, entry: dict[str, Any], key: str, strategy: SearchStrategy[Any],
             p_in_4: int = 1) -> None:
    if draw(sometimes(p_in_4)):
        entry[key] = draw(strategy)


# --------------------------------------------------------------------------- entries


def draw_party(draw: DrawFn, index: int, palette: Palette) -> dict[str, Any]:
    party: dict[str, Any] = {"id": f"p-{index}", "name": draw(texts(PARTY_NAMES)),
                             "roles": draw(some_of(palette.roles))}
    optional(draw, party, "examples", some_of(("Stripe", "Google", "Twilio", "AWS")))
    draw_places(draw, party, palette)
    return with_evidence(draw, party)


def draw_data_entry(draw: DrawFn, index: int, party_ids: tuple[str, ...],
                    palette: Palette) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": f"d-{index}", "name": draw(texts(DATA_NAMES)),
                             "categories": draw(some_of(palette.data_categories))}
    optional(draw, entry, "examples", some_of(("first name", "IP address", "call duration")))
    optional(draw, entry, "sources", some_of(terms("DataSource")))
    if party_ids:
        optional(draw, entry, "sourceParties", some_of(party_ids))
    optional(draw, entry, "subjects", some_of(palette.subjects))
    optional(draw, entry, "mandatory", st.booleans())
    return with_evidence(draw, entry)


def draw_statement(draw: DrawFn, statement_id: str, data_ids: tuple[str, ...],
                   party_ids: tuple[str, ...], palette: Palette) -> dict[str, Any]:
    s: dict[str, Any] = {"id": statement_id, "modality": draw(one_of(terms("Modality"))),
                         "actions": draw(some_of(palette.actions)),
                         "data": draw(some_of(data_ids))}
    if party_ids:
        optional(draw, s, "actors", some_of(party_ids))
        optional(draw, s, "recipients", some_of(party_ids), 2)
    optional(draw, s, "purposes", some_of(palette.purposes))
    optional(draw, s, "legalBases", some_of(palette.legal_bases))
    optional(draw, s, "subjects", some_of(palette.subjects))
    draw_places(draw, s, palette)
    optional(draw, s, "conditions", some_of(palette.conditions),
             4 if s["modality"] == "onlyIf" else 1)
    optional(draw, s, "exceptions", some_of(palette.conditions))
    if s["modality"] == "doesNot":
        optional(draw, s, "exceptPurposes", some_of(palette.purposes, 1))
    optional(draw, s, "note", texts(WORDS))
    return with_evidence(draw, s)


@st.composite
def _retention_periods(draw: DrawFn) -> dict[str, str]:
    """A format 1.1 period that is not one number: a range ("12 to 24 months"), a minimum
    ("at least seven years") or a maximum ("up to 30 days"). A range's bounds are in
    order (the shorter first, by average lengths of months and years): a range the wrong
    way round is a document that contradicts itself (VP005 and the shapes say so), drawn
    by :data:`INVERTED_RANGES` where a test wants one."""
    shape = draw(one_of(("range", "minimum", "maximum")))
    if shape == "range":
        bounds = sorted((draw(DURATIONS), draw(DURATIONS)), key=duration_days)
        return {"atLeast": bounds[0], "atMost": bounds[1]}
    return {"atLeast" if shape == "minimum" else "atMost": draw(DURATIONS)}


RETENTION_PERIODS = _retention_periods()
"""Retention periods of format 1.1 (``period``): ranges, minimums and maximums."""

INVERTED_RANGES = st.tuples(DURATIONS, DURATIONS).filter(
    lambda pair: duration_days(pair[0]) > duration_days(pair[1]) * 1.1).map(
    lambda pair: {"atLeast": pair[0], "atMost": pair[1]})
"""Ranges whose minimum is certainly longer than their maximum (VP005's concern)."""

# Laws that impose retention periods: the kinds of law ("as tax law requires") and a few
# named regimes, then any regime.
RETENTION_LAWS = ("taxLaw", "dataRetentionLaw", "ukGdpr", "usCpni", *terms("Regime"))


def draw_retention_rule(draw: DrawFn, index: int, data_ids: tuple[str, ...]) -> dict[str, Any]:
    rule: dict[str, Any] = {"id": f"r-{index}", "data": draw(some_of(data_ids))}
    how = draw(one_of(("duration", "criteria", "indefinite", "period", "all")))
    if how in ("duration", "period", "all"):
        # one number, or (format 1.1) a range or bound - never both
        if how == "period" or (how == "all" and draw(st.booleans())):
            rule["period"] = draw(RETENTION_PERIODS)
        else:
            rule["duration"] = draw(DURATIONS)
        optional(draw, rule, "from", one_of(terms("RetentionEvent")), 2)
    if how in ("criteria", "all"):
        rule["criteria"] = draw(some_of(terms("RetentionCriterion")))
    if how in ("indefinite", "all"):
        rule["indefinite"] = draw(st.booleans())
    optional(draw, rule, "afterwards", one_of(terms("RetentionOutcome")), 2)
    optional(draw, rule, "exceptions", some_of(terms("Condition")))
    # format 1.1: the law behind the period, what the data is kept for, a hedge
    optional(draw, rule, "imposedBy", some_of(tuple(dict.fromkeys(RETENTION_LAWS))))
    optional(draw, rule, "purposes", some_of(terms("Purpose")))
    optional(draw, rule, "qualifier", one_of(terms("Hedge")))
    optional(draw, rule, "note", texts(WORDS))
    return with_evidence(draw, rule)


# The properties of a retention rule that format 1.1 added.
RETENTION_11 = ("period", "imposedBy", "purposes", "qualifier")


def draw_security_entry(draw: DrawFn, index: int, data_ids: tuple[str, ...]) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": f"sec-{index}"}
    if draw(st.booleans()):
        entry["measure"] = draw(one_of(terms("SecurityMeasure")))
    else:
        entry["claim"] = draw(one_of(terms("SecurityClaim")))
    optional(draw, entry, "scopes", some_of(terms("SecurityScope")))
    optional(draw, entry, "terminatesAt", one_of(terms("Endpoint")))
    optional(draw, entry, "data", some_of(data_ids))
    return with_evidence(draw, entry)


def draw_right(draw: DrawFn, index: int) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": f"rt-{index}", "right": draw(one_of(terms("Right")))}
    optional(draw, entry, "channels", some_of(terms("Channel")), 2)
    optional(draw, entry, "responseTime", DURATIONS)
    optional(draw, entry, "fee", one_of(terms("Fee")))
    optional(draw, entry, "limitations", some_of(terms("Condition")))
    return with_evidence(draw, entry)


def draw_transfer(draw: DrawFn, index: int, data_ids: tuple[str, ...],
                  party_ids: tuple[str, ...], palette: Palette) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": f"t-{index}", "destinations": draw(places(palette))}
    optional(draw, entry, "data", some_of(data_ids))
    if party_ids:
        optional(draw, entry, "recipients", some_of(party_ids), 2)
    optional(draw, entry, "mechanisms", some_of(terms("TransferMechanism")), 2)
    return with_evidence(draw, entry)


def draw_storage(draw: DrawFn, index: int, data_ids: tuple[str, ...],
                 palette: Palette) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": f"st-{index}", "locations": draw(places(palette))}
    optional(draw, entry, "data", some_of(data_ids))
    return with_evidence(draw, entry)


def draw_object(draw: DrawFn, document: dict[str, Any], key: str,
                fill: Callable[[dict[str, Any]], None]) -> None:
    """An optional singleton object (``children``, ``tracking``, ...), filled by ``fill``."""
    if draw(sometimes(1)):
        entry: dict[str, Any] = {}
        fill(entry)
        document[key] = with_evidence(draw, entry)


# --------------------------------------------------------------------------- documents


@st.composite
def policy_documents(draw: DrawFn, *, palette: Palette = FULL, max_statements: int = 6,
                     suppressions: bool = True) -> dict[str, Any]:
    """A valid policy document: schema-valid, every reference declared, ids unique."""
    doc: dict[str, Any] = {
        "formatVersion": "1.0.0",
        "id": draw(one_of(("acme-voip", "northwind.tel", "Example_1", "x"))),
        "title": draw(texts(("Privacy Policy", "Privacy and Cookie Policy"))),
        "language": draw(one_of(("en", "de", "en-GB", "fr-CA", "nob"))),
    }
    party_ids = tuple(f"p-{i}" for i in range(draw(st.integers(0, 4))))
    party_list = [draw_party(draw, i, palette) for i in range(len(party_ids))]
    data_list = [draw_data_entry(draw, i, party_ids, palette)
                 for i in range(draw(st.integers(1, 4)))]
    data_ids = tuple(d["id"] for d in data_list)

    provider: dict[str, Any] = {"name": draw(texts(("Example Telecom", "Acme VoIP Inc.")))}
    optional(draw, provider, "legalName", texts(("Example Telecom Ltd",)))
    optional(draw, provider, "country", place(palette), 2)
    optional(draw, provider, "address", texts(("1 Example Street, London",)))
    optional(draw, provider, "contacts", CONTACTS, 2)
    optional(draw, provider, "capacities", st.lists(st.fixed_dictionaries(
        {"role": st.sampled_from(("controller", "processor", "jointController"))},
        optional={"data": some_of(data_ids)}), min_size=1, max_size=2))
    doc["provider"] = with_evidence(draw, provider)
    optional(draw, doc, "lastUpdated", PARTIAL_DATES)
    optional(draw, doc, "effectiveDate", DATES)
    optional(draw, doc, "source", SOURCES)

    def officer(entry: dict[str, Any]) -> None:
        entry["appointed"] = draw(st.booleans())
        optional(draw, entry, "title", texts(("Data Protection Officer",)))
        optional(draw, entry, "contacts", CONTACTS, 2)

    def representative(entry: dict[str, Any]) -> None:
        entry["name"] = draw(texts(("EU Rep Ltd",)))
        optional(draw, entry, "contacts", CONTACTS, 2)

    def authority(entry: dict[str, Any]) -> None:
        entry["name"] = draw(texts(("Information Commissioner's Office",)))
        optional(draw, entry, "country", place(palette), 2)

    def service(entry: dict[str, Any]) -> None:
        optional(draw, entry, "serviceKinds", some_of(terms("ServiceKind")), 3)
        optional(draw, entry, "description", texts(WORDS))
        optional(draw, entry, "publicNetwork", st.booleans())

    draw_object(draw, doc, "dataProtectionOfficer", officer)
    draw_object(draw, doc, "representative", representative)
    draw_object(draw, doc, "supervisoryAuthority", authority)
    draw_object(draw, doc, "service", service)
    if draw(sometimes(1)):
        doc["audiences"] = [with_evidence(draw, {"id": f"au-{i}", "subject": subject})
                            for i, subject in enumerate(draw(some_of(
                                terms("DataSubjectType"))))]
    if draw(sometimes(2)):
        doc["regimes"] = [with_evidence(draw, {"id": f"rg-{i}", "regime": regime,
                                               "stance": draw(one_of(terms("RegimeStance")))})
                          for i, regime in enumerate(draw(some_of(terms("Regime"))))]
    if party_list:
        doc["parties"] = party_list
    doc["dataCategories"] = data_list
    count = draw(st.integers(0, max_statements))
    if count:
        doc["statements"] = [draw_statement(draw, f"s-{i}", data_ids, party_ids, palette)
                             for i in range(count)]
    collections: tuple[tuple[str, Callable[[int], dict[str, Any]]], ...] = (
        ("retention", lambda i: draw_retention_rule(draw, i, data_ids)),
        ("storage", lambda i: draw_storage(draw, i, data_ids, palette)),
        ("transfers", lambda i: draw_transfer(draw, i, data_ids, party_ids, palette)),
        ("rights", lambda i: draw_right(draw, i)),
        ("securityMeasures", lambda i: draw_security_entry(draw, i, data_ids)))
    for key, build in collections:
        size = draw(ENTRY_COUNT)
        if size:
            doc[key] = [build(i) for i in range(size)]

    def breach(entry: dict[str, Any]) -> None:
        entry["modality"] = draw(one_of(terms("Modality")))
        optional(draw, entry, "notifies", some_of(terms("Notifiee")), 2)

    def tracking(entry: dict[str, Any]) -> None:
        optional(draw, entry, "technologies", some_of(terms("TrackingTechnology")), 2)
        optional(draw, entry, "cookieKinds", some_of(terms("CookieKind")), 2)
        if party_ids:
            optional(draw, entry, "thirdParties", some_of(party_ids))
        optional(draw, entry, "consentMechanisms", some_of(terms("ConsentMechanism")), 2)
        optional(draw, entry, "doNotTrack", one_of(terms("DoNotTrack")))

    def children(entry: dict[str, Any]) -> None:
        optional(draw, entry, "directedToChildren", st.booleans(), 2)
        optional(draw, entry, "minimumAge", AGES, 2)
        optional(draw, entry, "knowinglyCollects", st.booleans())
        optional(draw, entry, "deletesOnDiscovery", st.booleans())

    def changes(entry: dict[str, Any]) -> None:
        optional(draw, entry, "notices", some_of(terms("ChangeNotice")), 2)
        optional(draw, entry, "acceptanceByContinuedUse", st.booleans())

    def automated(entry: dict[str, Any]) -> None:
        entry["modality"] = draw(one_of(terms("Modality")))
        optional(draw, entry, "description", texts(WORDS))

    draw_object(draw, doc, "breachNotification", breach)
    draw_object(draw, doc, "tracking", tracking)
    draw_object(draw, doc, "children", children)
    draw_object(draw, doc, "changes", changes)
    draw_object(draw, doc, "automatedDecisions", automated)
    if suppressions and draw(sometimes(1)):
        doc["suppressions"] = [{"rule": draw(one_of(RULE_CODES)),
                                "reason": "reviewed: the policy means it"}]
    if any(key in rule for rule in doc.get("retention", ()) for key in RETENTION_11):
        doc["formatVersion"] = "1.1.0"  # a document using 1.1 says so
    return doc


def broader(draw: DrawFn, term: str) -> str:
    """The term or one of the terms above it (``skos:broader*``)."""
    return draw(one_of(tuple(sorted(VOCAB.ancestors(term)))))


def draw_broader_negative(draw: DrawFn, doc: dict[str, Any], positive: dict[str, Any],
                          index: int) -> dict[str, Any]:
    """A negative statement made from a positive one by widening (or dropping) each axis,
    and now and then changing one axis to something unrelated: a promise the positive
    statement breaks, or only nearly breaks."""
    negative: dict[str, Any] = {"id": f"s-n{index}", "modality": "doesNot",
                                "actions": sorted({broader(draw, a)
                                                   for a in positive["actions"]})}
    entries_by_id = {d["id"]: d for d in doc["dataCategories"]}
    categories = sorted({broader(draw, c) for d in positive["data"]
                         for c in entries_by_id[d]["categories"]})
    entry_id = f"d-n{index}"
    doc["dataCategories"].append({"id": entry_id, "name": "widened data",
                                  "categories": categories})
    negative["data"] = [entry_id]
    if "actors" in positive:
        negative["actors"] = positive["actors"]
    for key in ("recipients", "purposes", "legalBases", "subjects"):
        if key in positive and draw(st.booleans()):
            negative[key] = positive[key] if key == "recipients" else \
                sorted({broader(draw, t) for t in positive[key]})
    if "conditions" in positive and draw(st.booleans()):
        negative["conditions"] = positive["conditions"][:1]
    where = draw(one_of(("anywhere", "outside", "locations")))
    if where == "outside":
        negative["outside"] = [draw(one_of(("EU", "EEA", "US", "GB")))]
    elif where == "locations":
        negative["locations"] = draw(places(FOCUSED))
    if draw(sometimes(1)):  # a near miss on one axis
        axis = draw(one_of(("actions", "data", "conditions", "subjects")))
        if axis == "actions":
            negative["actions"] = ["delete"]
        elif axis == "data":
            doc["dataCategories"][-1]["categories"] = ["anonymousData"]
        elif axis == "conditions":
            negative["conditions"] = ["optOut"]
        else:
            negative["subjects"] = ["employee"]
    return negative


@st.composite
def contradiction_documents(draw: DrawFn, max_statements: int = 5) -> dict[str, Any]:
    """Valid documents over the focused palette, without suppressions, with negative
    statements widened from positive ones: the contradiction rules have work to do."""
    doc = draw(policy_documents(palette=FOCUSED, max_statements=max_statements,
                                suppressions=False))
    positives = [s for s in doc.get("statements", []) if s["modality"] != "doesNot"]
    for index, positive in enumerate(positives[:draw(st.integers(0, 3))]):
        negative = draw_broader_negative(draw, doc, positive, index)
        at = draw(st.integers(0, len(doc["statements"])))
        doc["statements"].insert(at, negative)
    return doc


# --------------------------------------------------------------------------- walking


def entries(document: dict[str, Any], collection: str) -> list[dict[str, Any]]:
    value = document.get(collection, [])
    return value if isinstance(value, list) else []


def declared_ids(document: dict[str, Any]) -> list[str]:
    """Every entry id of a document (top-level collections), in document order."""
    return [item["id"] for key, value in document.items() if isinstance(value, list)
            for item in value if isinstance(item, dict) and isinstance(item.get("id"), str)]


REF_KEYS = frozenset(k for k, v in PROPERTIES.items() if v["kind"] == "ref")


def rename_ids(document: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    """The document with entry ids (declarations and references) renamed by ``mapping``."""
    result = copy.deepcopy(document)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "id" and isinstance(value, str) and node is not result:
                    node[key] = mapping.get(value, value)
                elif key in REF_KEYS and isinstance(value, list):
                    node[key] = [mapping.get(v, v) if isinstance(v, str) else v for v in value]
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(result)
    return result


def pointers(value: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    yield pointer, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from pointers(item, f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from pointers(item, f"{pointer}/{index}")


def resolve(document: Any, pointer: str) -> Any:
    node = document
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


# --------------------------------------------------------------------------- broken


@dataclass(frozen=True)
class Broken:
    """A document with one thing wrong."""

    document: dict[str, Any]
    pointer: str  # where a validator should say the problem is
    kind: str
    description: str
    shacl_sees_it: bool  # whether the RDF form can show this kind of problem at all


def _definition_at(document: dict[str, Any], pointer: str) -> dict[str, Any]:
    """The schema definition (with properties) of the object at ``pointer``."""
    kinds = PROPERTIES
    if pointer == "":
        return SCHEMA
    parts = [p for p in pointer.split("/")[1:] if not p.isdigit()]
    name = kinds[parts[-1]]["class"]
    definition: dict[str, Any] = SCHEMA["$defs"][name]
    return definition


def _objects(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(p, v) for p, v in pointers(document) if isinstance(v, dict)]


# Kinds of breakage the RDF form carries and the SHACL shapes check. Not among them, and
# why: unknown property names (JSON-LD drops a key its context does not map), duplicate
# list items (RDF has sets), a number written as a string ("12" becomes
# "12"^^xsd:integer under the context's type coercion), the LocalId pattern (an id
# becomes an IRI), and the formatVersion constant (the shapes check its pattern only).
SHACL_KINDS = frozenset({"missing-required", "wrong-term", "two-values", "out-of-range",
                         "empty-string", "bad-pattern", "not-a-boolean",
                         "property-of-another-class", "measure-and-claim",
                         "retention-without-period", "evidence-without-quote",
                         "empty-required-list"})


BROKEN_KINDS = tuple(sorted(SHACL_KINDS | {"unknown-property", "duplicate-item",
                                            "number-as-string", "bad-local-id",
                                            "wrong-format-version", "wrong-type"}))


@st.composite
def broken_documents(draw: DrawFn, kind: str | None = None, palette: Palette = FULL) -> Broken:
    """A valid document with one field made wrong (of ``kind``, else any kind), and where
    the problem is."""
    base = draw(policy_documents(palette=palette, max_statements=3, suppressions=False))
    doc = copy.deepcopy(base)
    if kind is None:
        kind = draw(st.sampled_from(BROKEN_KINDS))
    objects = _objects(doc)

    def pick(candidates: list[tuple[str, Any]]) -> tuple[str, Any] | None:
        return draw(st.sampled_from(candidates)) if candidates else None

    def fallback() -> Broken:
        doc.pop("title")
        return Broken(doc, "", "missing-required", "title removed", True)

    if kind == "missing-required":
        choices = [(p, k) for p, o in objects for k in _definition_at(doc, p)
                   .get("required", []) if k in o]
        chosen = pick(choices)
        if chosen is None:
            return fallback()
        where, key = chosen
        del resolve(doc, where)[key]
        return Broken(doc, where, kind, f"required {key} removed at {where or '/'}", True)
    if kind == "wrong-term":
        choices = [(p, v) for p, v in pointers(doc) if isinstance(v, str)
                   and _vocab_kind(p) is not None]
        chosen = pick(choices)
        if chosen is None:
            return fallback()
        where, value = chosen
        scheme = _vocab_kind(where)
        wrong = draw(st.sampled_from(("dose", "personal data", "sharing", "usa",
                                      *[t for t in ("share", "does", "EEA", "billing")
                                        if scheme not in (VOCAB.scheme_of(t),)])))
        _assign(doc, where, wrong)
        return Broken(doc, where, kind, f"{value!r} replaced by {wrong!r}", True)
    if kind == "two-values":
        choices = [(p, v) for p, v in pointers(doc) if p and _single_valued(p)
                   and not p.endswith("/id")
                   and isinstance(v, (str, bool, int, float))]
        chosen = pick(choices)
        if chosen is None:
            return fallback()
        where, value = chosen
        other: Any = (not value) if isinstance(value, bool) else (
            value + "x" if isinstance(value, str) else value + 1)
        _assign(doc, where, [value, other])
        return Broken(doc, where, kind, f"{value!r} made a list of two values", True)
    if kind == "out-of-range":
        choices = [(p, v) for p, v in pointers(doc)
                   if p.rsplit("/", 1)[-1] in ("start", "end", "minimumAge")]
        chosen = pick(choices)
        if chosen is None:
            doc["children"] = {"minimumAge": 26}
            return Broken(doc, "/children/minimumAge", kind, "minimumAge 26", True)
        where, _ = chosen
        _assign(doc, where, -1)
        return Broken(doc, where, kind, "negative offset or age", True)
    if kind == "empty-string":
        names = {"title", "name", "quote", "rationale", "value", "reason"}
        choices = [(p, v) for p, v in pointers(doc) if p.rsplit("/", 1)[-1] in names
                   and isinstance(v, str)]
        chosen = pick(choices)
        if chosen is None:
            return fallback()
        _assign(doc, chosen[0], "")
        return Broken(doc, chosen[0], kind, "empty string", True)
    if kind == "bad-pattern":
        target = draw(st.sampled_from(("/language", "/lastUpdated", "/source/sha256",
                                       "duration")))
        if target == "duration":
            rules = [i for i, r in enumerate(entries(doc, "retention")) if "duration" in r]
            if not rules:
                target = "/language"
            else:
                where = f"/retention/{rules[0]}/duration"
                _assign(doc, where, draw(st.sampled_from(("7 years", "P", "PT", "P1.5Y"))))
                return Broken(doc, where, kind, "not an ISO 8601 duration", True)
        if target == "/source/sha256":
            doc.setdefault("source", {})["sha256"] = "ABC"
        elif target == "/lastUpdated":
            doc["lastUpdated"] = draw(st.sampled_from(("2024-13", "24-01-01", "July 2024")))
        else:
            doc["language"] = draw(st.sampled_from(("english", "e", "en_GB")))
        return Broken(doc, target, kind, "pattern violated", True)
    if kind == "not-a-boolean":
        choices = [(p, v) for p, v in pointers(doc) if isinstance(v, bool)]
        chosen = pick(choices)
        if chosen is None:
            doc["dataProtectionOfficer"] = {"appointed": "yes"}
            return Broken(doc, "/dataProtectionOfficer/appointed", kind, "'yes'", True)
        _assign(doc, chosen[0], draw(st.sampled_from(("yes", "no", "maybe"))))
        return Broken(doc, chosen[0], kind, "boolean written as a word", True)
    if kind == "property-of-another-class":
        where = f"/dataCategories/{draw(st.integers(0, len(doc['dataCategories']) - 1))}"
        resolve(doc, where)["modality"] = "does"
        return Broken(doc, where, kind, "a Statement property on a DataEntry", True)
    if kind == "measure-and-claim":
        doc.setdefault("securityMeasures", []).append(
            {"id": "sec-both", "measure": "encryption", "claim": "neverMisused"})
        where = f"/securityMeasures/{len(doc['securityMeasures']) - 1}"
        return Broken(doc, where, kind, "both measure and claim", True)
    if kind == "retention-without-period":
        doc.setdefault("retention", []).append(
            {"id": "r-none", "data": [doc["dataCategories"][0]["id"]], "afterwards": "deleted"})
        where = f"/retention/{len(doc['retention']) - 1}"
        return Broken(doc, where, kind, "no duration, criteria or indefinite", True)
    if kind == "evidence-without-quote":
        doc["provider"]["evidence"] = [{"section": "Contact"}]
        return Broken(doc, "/provider/evidence/0", kind, "evidence with no quote", True)
    if kind == "empty-required-list":
        choices = [(p, v) for p, v in pointers(doc) if isinstance(v, list)
                   and p.rsplit("/", 1)[-1] in ("actions", "data", "categories", "roles",
                                                "destinations")
                   and _required_here(doc, p)]
        chosen = pick(choices)
        where = "/dataCategories/0/categories" if chosen is None else chosen[0]
        _assign(doc, where, [])
        return Broken(doc, where, kind, "a required list left empty", True)
    if kind == "unknown-property":
        where, _ = draw(st.sampled_from(objects))
        resolve(doc, where)["colour"] = "blue"
        return Broken(doc, where, kind, "a property no class has", False)
    if kind == "duplicate-item":
        choices = [(p, v) for p, v in pointers(doc) if isinstance(v, list) and v
                   and all(isinstance(i, str) for i in v)]
        chosen = pick(choices)
        if chosen is None:
            return fallback()
        _assign(doc, chosen[0], [*chosen[1], chosen[1][0]])
        return Broken(doc, chosen[0], kind, "a list item repeated", False)
    if kind == "number-as-string":
        doc["children"] = {"minimumAge": "13"}
        return Broken(doc, "/children/minimumAge", kind, "'13' for 13", False)
    if kind == "bad-local-id":
        where = f"/dataCategories/{draw(st.integers(0, len(doc['dataCategories']) - 1))}/id"
        old = resolve(doc, where)
        new = draw(st.sampled_from(("1st", "-x", "d 1", "d#1")))
        doc = rename_ids(doc, {old: new})
        return Broken(doc, where, kind, f"id {new!r}", False)
    if kind == "wrong-format-version":
        doc["formatVersion"] = "2.0.0"
        return Broken(doc, "/formatVersion", kind, "another format version", False)
    # wrong-type: an object where a string is expected, or the reverse
    if draw(st.booleans()):
        doc["title"] = {"en": "Privacy Policy"}
        return Broken(doc, "/title", "wrong-type", "an object for a string", False)
    doc["provider"] = "Example Telecom"
    return Broken(doc, "/provider", "wrong-type", "a string for an object", True)


def _required_here(document: dict[str, Any], pointer: str) -> bool:
    parent, key = pointer.rsplit("/", 1)
    return key in _definition_at(document, parent).get("required", [])


def _vocab_kind(pointer: str) -> str | None:
    kinds = PROPERTIES
    parts = [p for p in pointer.split("/")[1:] if not p.isdigit()]
    if not parts:
        return None
    kind = kinds.get(parts[-1])
    if kind is None or kind["kind"] != "vocab":
        return None
    scheme: str = kind["scheme"]
    return scheme


def _single_valued(pointer: str) -> bool:
    kinds = PROPERTIES
    last = pointer.rsplit("/", 1)[-1]
    kind = kinds.get(last)
    return kind is not None and not kind["many"] and kind["kind"] != "object"


def _assign(document: dict[str, Any], pointer: str, value: Any) -> None:
    parent, key = pointer.rsplit("/", 1)
    container = resolve(document, parent)
    if isinstance(container, list):
        container[int(key)] = value
    else:
        container[key.replace("~1", "/").replace("~0", "~")] = value


# --------------------------------------------------------------------------- junk

json_scalars: SearchStrategy[Any] = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(codec="utf-8"), max_size=20))


def json_junk(max_leaves: int = 30) -> SearchStrategy[Any]:
    """Any JSON value, with keys that are often the format's own property names."""
    keys = st.one_of(st.sampled_from(sorted({*SCHEMA["properties"], "id", "name",
                                              "modality", "data", "actions", "@context"})),
                     st.text(max_size=8))
    return st.recursive(json_scalars, lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)),
        max_leaves=max_leaves)


def json_objects(max_leaves: int = 30) -> SearchStrategy[dict[str, Any]]:
    """Any JSON object (what a policy document is, at the least)."""
    keys = st.one_of(st.sampled_from(sorted(SCHEMA["properties"])), st.text(max_size=8))
    return st.dictionaries(keys, json_junk(max_leaves), max_size=6)


def schema_shaped_junk() -> SearchStrategy[dict[str, Any]]:
    """A valid document with one subtree replaced by junk: mostly valid, wrong somewhere."""

    @st.composite
    def build(draw: DrawFn) -> dict[str, Any]:
        doc = draw(policy_documents(max_statements=2, suppressions=False))
        where = draw(st.sampled_from([p for p, _ in pointers(doc) if p]))
        _assign(doc, where, draw(json_junk(8)))
        return doc

    return build()


def serialised(document: Any, syntax: str, *, escaped: bool = False) -> str:
    """The document as JSON or YAML text; with ``escaped``, non-ASCII characters written
    as escapes (PyYAML writes a raw NEL, U+0085, which YAML then reads as a line break)."""
    if syntax == "json":
        return json.dumps(document, ensure_ascii=escaped, indent=2)
    return yaml.safe_dump(document, allow_unicode=not escaped, sort_keys=False)


def junk_bytes() -> SearchStrategy[bytes]:
    """Bytes a loader may meet: random bytes, and valid documents in JSON or YAML with a
    few bytes changed, cut off or repeated."""

    @st.composite
    def mangled(draw: DrawFn) -> bytes:
        doc = draw(policy_documents(max_statements=2, suppressions=False))
        raw = bytearray(serialised(doc, draw(st.sampled_from(("json", "yaml")))).encode())
        for _ in range(draw(st.integers(1, 3))):
            if not raw:
                break
            at = draw(st.integers(0, len(raw) - 1))
            action = draw(st.sampled_from(("flip", "cut", "insert", "repeat")))
            if action == "flip":
                raw[at] = draw(st.integers(0, 255))
            elif action == "cut":
                del raw[at:]
            elif action == "insert":
                raw[at:at] = draw(st.sampled_from((b"{", b"[", b'"', b"\\", b"&a ", b"*a",
                                                   b"!!binary ", b"\xff", b"\xed\xa0\x80",
                                                   b"\\ud800", b"1e999", b"NaN", b"\x00",
                                                   b"- ", b": ", b"\t", b"<<: ")))
            else:
                raw[at:at] = raw[at:at + draw(st.integers(1, 40))]
        return bytes(raw)

    return st.one_of(st.binary(max_size=200), mangled(),
                     json_junk().map(lambda v: json.dumps(v).encode()))
