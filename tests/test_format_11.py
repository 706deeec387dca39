"""Format 1.1: every construct it adds is accepted where it belongs and refused where it
does not (JSON Schema), survives JSON -> RDF -> JSON, is checked by the SHACL shapes and
reaches the typed model; and every 1.0 document of the last release is still valid."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pycountry
import pytest
import yaml
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH, SKOS

from pypolicy.core.version import FORMAT_VERSION, READABLE_FORMAT_VERSIONS
from pypolicy.format.loader import load_path
from pypolicy.format.model import Policy
from pypolicy.format.rdf import canonical, context_iri, from_graph, shacl_validate, to_graph
from pypolicy.format.resources import policy_schema, schema_file, vocabulary_index
from pypolicy.format.schema import violations

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "examples" / "handwritten" / "minimal.yaml"
FORMAT_10_DIR = ROOT / "tests" / "data" / "format-1.0"
FORMAT_10 = [*sorted(FORMAT_10_DIR.glob("*.policy.*")), FORMAT_10_DIR / "minimal.yaml"]
PP = Namespace("https://w3id.org/pypolicy/ns#")
XSD_DURATION = URIRef("http://www.w3.org/2001/XMLSchema#duration")

Edit = Callable[[dict[str, Any]], None]


@cache
def _minimal() -> dict[str, Any]:
    data: dict[str, Any] = load_path(MINIMAL).data
    return data


def minimal() -> dict[str, Any]:
    return copy.deepcopy(_minimal())


def statement(doc: dict[str, Any], statement_id: str) -> dict[str, Any]:
    return next(s for s in doc["statements"] if s["id"] == statement_id)


def rule(doc: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(r for r in doc["retention"] if r["id"] == rule_id)


def right(doc: dict[str, Any], right_id: str) -> dict[str, Any]:
    return next(r for r in doc["rights"] if r["id"] == right_id)


# ------------------------------------------------------------------ one edit per construct
# Each edit applies one construct of format 1.1 to the minimal 1.0 document, as an
# annotator would for a sentence of the kind named in the id.

def _hedged_statement(doc: dict[str, Any]) -> None:  # "we usually share"
    statement(doc, "s-share-payment")["qualifier"] = "usually"


def _hedged_retention(doc: dict[str, Any]) -> None:  # "usually 90 days"
    rule(doc, "r-call-records")["qualifier"] = "approximately"


def _hedged_response(doc: dict[str, Any]) -> None:  # "we usually answer within 30 days"
    right(doc, "rt-access")["qualifier"] = "usually"


def _hedged_breach_notice(doc: dict[str, Any]) -> None:
    doc["breachNotification"] = {"modality": "does", "notifies": ["notifyDataSubjects"],
                                 "qualifier": "inSomeCases"}


def _hedged_change_notice(doc: dict[str, Any]) -> None:  # "in some cases by email"
    doc["changes"] = {"notices": ["postedOnline"], "qualifier": "usually",
                      "qualifiedNotices": [{"notice": "emailNotice",
                                            "qualifier": "inSomeCases"}]}


def _range(doc: dict[str, Any]) -> None:  # "12 to 24 months"
    r = rule(doc, "r-call-records")
    del r["duration"]
    r["period"] = {"atLeast": "P12M", "atMost": "P24M"}


def _minimum_imposed_by_law_for_a_purpose(doc: dict[str, Any]) -> None:
    # "at least seven years, as tax law requires, for tax and accounting"
    doc["retention"].append({"id": "r-invoices", "data": ["d-payment"],
                             "period": {"atLeast": "P7Y"}, "imposedBy": ["taxLaw"],
                             "purposes": ["taxAndAccounting"], "from": "endOfFinancialYear"})


def _maximum_depending_on_jurisdiction(doc: dict[str, Any]) -> None:  # "up to 30 days"
    doc["retention"].append({"id": "r-logs", "data": ["d-call-records"],
                             "period": {"atMost": "P30D"},
                             "criteria": ["jurisdictionDependent", "carrierDependent"]})


def _until_the_user_deletes(doc: dict[str, Any]) -> None:
    doc["retention"].append({"id": "r-voicemail", "data": ["d-account"],
                             "criteria": ["untilDeletedByUser", "customerConfigured"]})


def _closed_list(doc: dict[str, Any]) -> None:  # "only with our payment processor"
    statement(doc, "s-share-payment")["exhaustive"] = ["recipientList", "purposeList"]


def _example_list(doc: dict[str, Any]) -> None:  # "authorities such as the police"
    statement(doc, "s-disclose-to-police")["illustrative"] = ["recipientList"]


def _telecom_actions(doc: dict[str, Any]) -> None:
    doc["statements"].append({"id": "s-carry", "modality": "does",
                              "actions": ["transmit", "generate", "derive", "accessData"],
                              "data": ["d-call-records"],
                              "purposes": ["communicationDelivery", "troubleshooting"]})


def _on_device(doc: dict[str, Any]) -> None:  # "processed only on your device"
    doc["statements"].append({"id": "s-device", "modality": "does", "actions": ["process"],
                              "data": ["d-account"], "systems": ["onUserDevice"],
                              "exhaustive": ["systemList"]})


def _restriction_on_use(doc: dict[str, Any]) -> None:  # "never used to train AI models"
    doc["statements"].append({"id": "s-no-ai", "modality": "doesNot", "actions": ["use"],
                              "data": ["d-call-records"],
                              "purposes": ["aiTraining", "identifyingIndividuals"]})


def _duty_of_others(doc: dict[str, Any]) -> None:
    # "customers must obtain consent before uploading other people's numbers"
    doc["parties"].append({"id": "p-users", "name": "our customers", "roles": ["serviceUser"]})
    doc["statements"].append({"id": "s-consent-duty", "modality": "onlyIf",
                              "actors": ["p-users"], "actions": ["share"],
                              "data": ["d-account"], "conditions": ["withConsent"],
                              "duty": "termsDuty"})


def _trigger_and_consequence(doc: dict[str, Any]) -> None:
    # "when you close your account we delete it, and the service ends"
    doc["statements"].append({"id": "s-close", "modality": "does", "actions": ["delete"],
                              "data": ["d-account"], "conditions": ["whenAccountClosed"],
                              "consequences": ["serviceEnds"]})
    right(doc, "rt-erasure")["consequences"] = ["serviceRefused"]


def _data_not_stated(doc: dict[str, Any]) -> None:  # "we may share data with:"
    doc["statements"].append({"id": "s-share-unstated", "modality": "may",
                              "actions": ["share"], "recipients": ["p-police"]})


def _cookies(doc: dict[str, Any]) -> None:  # "our website may use cookies"
    doc["tracking"] = {"modality": "may", "technologies": ["cookies"],
                       "cookieKinds": ["essentialCookies", "analyticsCookies"],
                       "consentMechanisms": ["consentBanner", "granularChoice",
                                             "consentWithdrawable", "globalPrivacyControl"],
                       "consentRequiredFor": ["analyticsCookies"],
                       "consequences": ["featuresLimited"]}


def _unnamed_provider_without_contact(doc: dict[str, Any]) -> None:
    doc["provider"] = {"country": "NO"}


def _officers(doc: dict[str, Any]) -> None:
    doc["officers"] = [
        {"appointed": True, "officerRole": "privacyOfficer", "title": "Privacy Officer",
         "contacts": [{"channel": "email", "value": "privacy@example.com"}]},
        {"appointed": True, "officerRole": "grievanceOfficer", "name": "A. Sharma"},
        {"appointed": True, "officerRole": "ukRepresentative", "name": "Example UK Ltd"},
    ]


def _vocabulary_gaps(doc: dict[str, Any]) -> None:
    doc["dataCategories"].append({"id": "d-new", "name": "telecom data",
                                  "categories": ["identityDocument", "callQualityMetrics",
                                                 "signallingData", "emergencyAddress",
                                                 "callTranscript", "callSummary",
                                                 "smsContent", "smsMetadata", "callerId",
                                                 "directoryListing", "portingData",
                                                 "taxData"],
                                  "sources": ["generated"]})
    doc["statements"].append({"id": "s-new-purposes", "modality": "does", "actions": ["use"],
                              "data": ["d-new"],
                              "purposes": ["customerVerification", "numberPorting",
                                           "taxAndAccounting", "callTrace", "legalProcess",
                                           "directoryPublication"]})
    doc["securityMeasures"] = [{"id": "sec-mfa", "measure": "multiFactorAuthentication"},
                               {"id": "sec-auth", "measure": "userAuthentication"}]


def _regimes(doc: dict[str, Any]) -> None:
    for index, regime in enumerate(["ukPecr", "calOppa", "calea", "tcpa", "indiaDpdp",
                                    "indiaItRules", "pipeda", "auPrivacyAct",
                                    "auTelecomAct", "nzTipc", "sgPdpa",
                                    "deTelecomSecrecy"]):
        doc["regimes"].append({"id": f"rg-{index}", "regime": regime, "stance": "claimed"})


def _repeated_quote(doc: dict[str, Any]) -> None:
    statement(doc, "s-emergency-location")["evidence"][0]["occurrence"] = 2


CONSTRUCTS: dict[str, Edit] = {
    "hedged statement": _hedged_statement,
    "hedged retention rule": _hedged_retention,
    "hedged right response": _hedged_response,
    "hedged breach notice": _hedged_breach_notice,
    "hedged change notice": _hedged_change_notice,
    "retention range": _range,
    "retention minimum imposed by law for a purpose": _minimum_imposed_by_law_for_a_purpose,
    "retention maximum depending on jurisdiction": _maximum_depending_on_jurisdiction,
    "until the user deletes it": _until_the_user_deletes,
    "closed list": _closed_list,
    "example list": _example_list,
    "telecom actions": _telecom_actions,
    "on the device": _on_device,
    "restriction on use": _restriction_on_use,
    "duty of others": _duty_of_others,
    "trigger and consequence": _trigger_and_consequence,
    "data not stated": _data_not_stated,
    "cookies with modality and consent detail": _cookies,
    "unnamed provider without contact": _unnamed_provider_without_contact,
    "officers": _officers,
    "vocabulary gaps": _vocabulary_gaps,
    "regimes": _regimes,
    "repeated quote": _repeated_quote,
}


def with_construct(name: str) -> dict[str, Any]:
    doc = minimal()
    CONSTRUCTS[name](doc)
    return doc


@pytest.mark.parametrize("name", CONSTRUCTS)
def test_the_schema_accepts(name: str) -> None:
    assert violations(with_construct(name)) == []


@pytest.mark.parametrize("name", CONSTRUCTS)
def test_json_to_rdf_to_json_is_lossless_for(name: str) -> None:
    doc = with_construct(name)
    assert from_graph(to_graph(doc), doc["id"]) == canonical(doc)


@pytest.mark.parametrize("name", CONSTRUCTS)
def test_the_shapes_accept(name: str) -> None:
    conforms, _report, text = shacl_validate(to_graph(with_construct(name)))
    assert conforms, text


def test_the_model_reads_the_new_constructs() -> None:
    doc = minimal()
    for edit in CONSTRUCTS.values():
        if edit is not _range:  # _range and the minimum both touch retention: keep both
            edit(doc)
    _range(doc)
    assert violations(doc) == []
    policy = Policy.from_dict(doc)
    assert policy.provider.name == ""
    assert [o.officer_role for o in policy.officers] == [
        "privacyOfficer", "grievanceOfficer", "ukRepresentative"]
    records = next(r for r in policy.retention if r.id == "r-call-records")
    assert records.duration is None and records.period is not None
    assert (records.period.at_least, records.period.at_most) == ("P12M", "P24M")
    assert records.period.pointer == "/retention/0/period"
    invoices = next(r for r in policy.retention if r.id == "r-invoices")
    assert invoices.imposed_by == ("taxLaw",) and invoices.purposes == ("taxAndAccounting",)
    share = next(s for s in policy.statements if s.id == "s-share-payment")
    assert share.qualifier == "usually"
    assert share.exhaustive == ("recipientList", "purposeList")
    unstated = next(s for s in policy.statements if s.id == "s-share-unstated")
    assert unstated.data == ()
    duty = next(s for s in policy.statements if s.id == "s-consent-duty")
    assert duty.duty == "termsDuty" and duty.actors == ("p-users",)
    assert policy.tracking is not None and policy.tracking.modality == "may"
    assert policy.changes is not None
    assert [(n.notice, n.qualifier) for n in policy.changes.qualified_notices] == [
        ("emailNotice", "inSomeCases")]
    emergency = next(s for s in policy.statements if s.id == "s-emergency-location")
    assert emergency.evidence[0].occurrence == 2


# ------------------------------------------------------------------ refusals


def _pointers(doc: dict[str, Any]) -> list[str]:
    return [v.pointer for v in violations(doc)]


REFUSALS: dict[str, tuple[Edit, str]] = {
    "a hedge outside the vocabulary": (
        lambda d: statement(d, "s-share-payment").update(qualifier="perhaps"),
        "/statements/2/qualifier"),
    "a list of hedges": (
        lambda d: statement(d, "s-share-payment").update(qualifier=["usually"]),
        "/statements/2/qualifier"),
    "a closed list that names a property": (
        lambda d: statement(d, "s-share-payment").update(exhaustive=["recipients"]),
        "/statements/2/exhaustive/0"),
    "an empty exhaustive": (
        lambda d: statement(d, "s-share-payment").update(exhaustive=[]),
        "/statements/2/exhaustive"),
    "a repeated illustrative list": (
        lambda d: statement(d, "s-share-payment").update(
            illustrative=["recipientList", "recipientList"]),
        "/statements/2/illustrative"),
    "a statement with an empty data list": (
        lambda d: statement(d, "s-share-payment").update(data=[]),
        "/statements/2/data"),
    "a system that is a country": (
        lambda d: statement(d, "s-share-payment").update(systems=["NO"]),
        "/statements/2/systems/0"),
    "a duty outside the vocabulary": (
        lambda d: statement(d, "s-share-payment").update(duty="must"),
        "/statements/2/duty"),
    "a consequence outside the vocabulary": (
        lambda d: statement(d, "s-share-payment").update(consequences=["sad"]),
        "/statements/2/consequences/0"),
    "a period without bounds": (
        lambda d: rule(d, "r-account").update(period={}),
        "/retention/1/period"),
    "a period with an unknown bound": (
        lambda d: rule(d, "r-account").update(period={"atLeast": "P1Y", "about": "P2Y"}),
        "/retention/1/period"),
    "a period bound that is not a duration": (
        lambda d: rule(d, "r-account").update(period={"atMost": "30 days"}),
        "/retention/1/period/atMost"),
    "a period beside a duration": (
        lambda d: rule(d, "r-call-records").update(period={"atMost": "P1Y"}),
        "/retention/0"),
    "a law that is not a regime": (
        lambda d: rule(d, "r-account").update(imposedBy=["gdprArticle6"]),
        "/retention/1/imposedBy/0"),
    "a retention purpose outside the vocabulary": (
        lambda d: rule(d, "r-account").update(purposes=["tax"]),
        "/retention/1/purposes/0"),
    "a qualified notice without its hedge": (
        lambda d: d.update(changes={"qualifiedNotices": [{"notice": "emailNotice"}]}),
        "/changes/qualifiedNotices/0"),
    "a qualified notice that is not a notice": (
        lambda d: d.update(changes={"qualifiedNotices": [{"notice": "smoke",
                                                          "qualifier": "usually"}]}),
        "/changes/qualifiedNotices/0/notice"),
    "a tracking modality outside the vocabulary": (
        lambda d: d.update(tracking={"modality": "sometimes"}),
        "/tracking/modality"),
    "consent required for a technology rather than a cookie kind": (
        lambda d: d.update(tracking={"consentRequiredFor": ["cookies"]}),
        "/tracking/consentRequiredFor/0"),
    "an empty provider name": (
        lambda d: d["provider"].update(name=""),
        "/provider/name"),
    "an officer role outside the vocabulary": (
        lambda d: d.update(officers=[{"appointed": True, "officerRole": "boss"}]),
        "/officers/0/officerRole"),
    "an officer without appointed": (
        lambda d: d.update(officers=[{"officerRole": "privacyOfficer"}]),
        "/officers/0"),
    "occurrence zero": (
        lambda d: statement(d, "s-emergency-location")["evidence"][0].update(occurrence=0),
        "/statements/5/evidence/0/occurrence"),
    "a fractional occurrence": (
        lambda d: statement(d, "s-emergency-location")["evidence"][0].update(occurrence=1.5),
        "/statements/5/evidence/0/occurrence"),
}


@pytest.mark.parametrize("name", REFUSALS)
def test_the_schema_refuses(name: str) -> None:
    edit, pointer = REFUSALS[name]
    doc = minimal()
    edit(doc)
    assert pointer in _pointers(doc)


def test_a_period_beside_a_duration_is_refused_with_a_message_naming_both() -> None:
    doc = minimal()
    rule(doc, "r-call-records")["period"] = {"atMost": "P1Y"}
    [violation] = violations(doc)
    assert "duration" in violation.message and "period" in violation.message


# ------------------------------------------------------------------ SHACL refusals


def shacl_results(graph: Graph) -> set[tuple[Any, Any]]:
    conforms, report, _text = shacl_validate(graph)
    assert not conforms, "the broken graph was accepted"
    return {(report.value(r, SH.sourceConstraintComponent), report.value(r, SH.resultPath))
            for r in report.subjects(RDF.type, SH.ValidationResult)}


def graph_with(name: str) -> Graph:
    return to_graph(with_construct(name))


def the_node(graph: Graph, cls: URIRef) -> Any:
    [node] = list(graph.subjects(RDF.type, cls))
    return node


def test_shacl_refuses_a_period_without_bounds() -> None:
    graph = graph_with("retention range")
    period = the_node(graph, PP.RetentionPeriod)
    graph.remove((period, PP.atLeast, None))
    graph.remove((period, PP.atMost, None))
    assert (SH.OrConstraintComponent, None) in shacl_results(graph)


def test_shacl_refuses_a_bound_that_is_not_a_duration() -> None:
    graph = graph_with("retention range")
    period = the_node(graph, PP.RetentionPeriod)
    graph.remove((period, PP.atMost, None))
    graph.add((period, PP.atMost, Literal("two years")))
    assert (SH.DatatypeConstraintComponent, PP.atMost) in shacl_results(graph)


def test_shacl_refuses_a_qualified_notice_without_its_hedge() -> None:
    graph = graph_with("hedged change notice")
    notice = the_node(graph, PP.QualifiedNotice)
    graph.remove((notice, PP.qualifier, None))
    assert (SH.MinCountConstraintComponent, PP.qualifier) in shacl_results(graph)


@pytest.mark.parametrize(("name", "prop", "bad"), [
    ("hedged statement", PP.qualifier, PP.collect),
    ("closed list", PP.exhaustive, PP.recipients),
    ("on the device", PP.systems, URIRef("https://w3id.org/dpv/loc#NO")),
    ("duty of others", PP.duty, PP.usually),
    ("officers", PP.officerRole, PP.privacyOfficerish),
    ("regimes", PP.regime, PP.taxAndAccounting),
])
def test_shacl_refuses_a_value_outside_the_new_vocabularies(name: str, prop: URIRef,
                                                              bad: URIRef) -> None:
    graph = graph_with(name)
    subject, _, old = next(iter(graph.triples((None, prop, None))))
    graph.remove((subject, prop, old))
    graph.add((subject, prop, bad))
    assert (SH.InConstraintComponent, prop) in shacl_results(graph)


def test_shacl_refuses_a_second_qualifier() -> None:
    graph = graph_with("hedged statement")
    subject, _, _ = next(iter(graph.triples((None, PP.qualifier, None))))
    graph.add((subject, PP.qualifier, PP.inSomeCases))
    assert (SH.MaxCountConstraintComponent, PP.qualifier) in shacl_results(graph)


def test_shacl_refuses_occurrence_zero() -> None:
    graph = graph_with("repeated quote")
    evidence, _, _ = next(iter(graph.triples((None, PP.occurrence, None))))
    graph.remove((evidence, PP.occurrence, None))
    graph.add((evidence, PP.occurrence, Literal(0)))
    assert (SH.MinInclusiveConstraintComponent, PP.occurrence) in shacl_results(graph)


def test_the_rdf_of_a_period_is_a_typed_node_with_duration_literals() -> None:
    graph = graph_with("retention range")
    period = the_node(graph, PP.RetentionPeriod)
    assert isinstance(period, BNode)
    at_least = graph.value(period, PP.atLeast)
    assert isinstance(at_least, Literal)
    assert (str(at_least), at_least.datatype) == ("P12M", XSD_DURATION)  # as written


# ------------------------------------------------------------------ the vocabulary


@cache
def vocabulary_source() -> dict[str, Any]:
    text = (ROOT / "schema" / "src" / "vocabulary.yaml").read_text(encoding="utf-8")
    source: dict[str, Any] = yaml.safe_load(text)
    return source


def test_every_regime_names_its_jurisdiction_and_official_source() -> None:
    regions = {"EU", "EEA", "varies"}
    problems = []
    for name, term in vocabulary_source()["Regime"]["terms"].items():
        jurisdiction = term.get("jurisdiction")
        known = jurisdiction in regions or (
            isinstance(jurisdiction, str) and (
                pycountry.countries.get(alpha_2=jurisdiction) is not None
                or pycountry.subdivisions.get(code=jurisdiction) is not None))  # type: ignore[no-untyped-call]
        if not known:
            problems.append(f"{name}: jurisdiction {jurisdiction!r}")
        if not str(term.get("source", "")).strip():
            problems.append(f"{name}: no official source")
        url = term.get("url")
        if url is not None and not re.fullmatch(r"https://[^\s]+", str(url)):
            problems.append(f"{name}: url {url!r}")
    assert problems == []


NEW_TERMS = {
    "Hedge": ["usually", "inSomeCases", "mostly", "approximately", "wherePossible"],
    "StatementList": ["dataList", "purposeList", "recipientList", "systemList"],
    "SystemLocation": ["onUserDevice", "onProviderServers", "onThirdPartyServers"],
    "Duty": ["contractualDuty", "termsDuty", "legalDuty", "ownResponsibility"],
    "Consequence": ["serviceEnds", "serviceRefused", "featuresLimited"],
    "OfficerRole": ["dpo", "privacyOfficer", "grievanceOfficer", "euRepresentative",
                    "ukRepresentative"],
    "Action": ["transmit", "generate", "derive", "accessData"],
    "Regime": ["ukPecr", "calOppa", "calea", "tcpa", "indiaDpdp", "indiaItRules", "pipeda",
               "auPrivacyAct", "auTelecomAct", "nzTipc", "sgPdpa", "deTelecomSecrecy"],
}


@pytest.mark.parametrize("scheme", NEW_TERMS)
def test_new_terms_are_in_the_index_with_their_scheme(scheme: str) -> None:
    terms = vocabulary_index()["terms"]
    assert [t for t in NEW_TERMS[scheme] if terms.get(t, {}).get("scheme") != scheme] == []


def test_transmit_is_not_a_kind_of_disclosure() -> None:
    """Carrying a call is not giving data away: a promise not to share data must not be
    contradicted by the provider's core service."""
    terms = vocabulary_index()["terms"]

    def ancestors(term: str) -> set[str]:
        found: set[str] = set()
        frontier = [term]
        while frontier:
            for broader in terms[frontier.pop()]["broader"]:
                if broader not in found:
                    found.add(broader)
                    frontier.append(broader)
        return found

    assert ancestors("transmit") == {"process"}
    assert "disclose" not in ancestors("transmit")


def test_a_privacy_officer_is_not_aligned_as_a_gdpr_dpo() -> None:
    graph = Graph().parse(schema_file("vocabulary.ttl"), format="turtle")
    dpo = URIRef("https://w3id.org/dpv#DataProtectionOfficer")
    assert (PP.dpo, SKOS.exactMatch, dpo) in graph
    for officer in (PP.privacyOfficer, PP.grievanceOfficer):
        assert not any((officer, match, dpo) in graph
                       for match in (SKOS.exactMatch, SKOS.closeMatch))


# ------------------------------------------------------------------ 1.0 stays valid


def test_the_format_version_is_1_1_and_reads_1_0() -> None:
    assert FORMAT_VERSION == "1.1.0"
    assert READABLE_FORMAT_VERSIONS == ("1.0.0", "1.1.0")
    assert policy_schema()["properties"]["formatVersion"]["enum"] == list(
        READABLE_FORMAT_VERSIONS)


@pytest.mark.parametrize("path", FORMAT_10, ids=lambda p: p.name)
def test_a_1_0_document_of_the_last_release_is_still_valid(path: Path) -> None:
    doc = load_path(path).data
    assert doc["formatVersion"] == "1.0.0"
    assert violations(doc) == []
    Policy.from_dict(doc)


@pytest.mark.parametrize("path", [p for p in FORMAT_10 if p.stat().st_size < 45_000],
                         ids=lambda p: p.name)
def test_a_1_0_document_keeps_its_rdf_round_trip_and_conforms(path: Path) -> None:
    doc = load_path(path).data
    graph = to_graph(doc)
    assert from_graph(graph, doc["id"]) == canonical(doc)
    conforms, _report, text = shacl_validate(graph)
    assert conforms, text


def test_a_1_0_document_may_name_the_1_0_context() -> None:
    doc = load_path(FORMAT_10_DIR / "complete.policy.yaml").data
    assert doc["@context"] == "https://w3id.org/pypolicy/context/1.0.0/context.jsonld"
    assert from_graph(to_graph(doc), doc["id"]) == canonical(doc)


def test_a_1_1_document_names_the_1_1_context() -> None:
    doc = minimal()
    doc["formatVersion"] = "1.1.0"
    doc["@context"] = context_iri()
    assert context_iri().endswith("/1.1.0/context.jsonld")
    assert violations(doc) == []
    assert from_graph(to_graph(doc), doc["id"]) == canonical(doc)


@pytest.mark.parametrize("version", ["1.2.0", "2.0.0", "0.9.0"])
def test_a_version_this_release_cannot_read_is_refused(version: str) -> None:
    doc = minimal()
    doc["formatVersion"] = version
    assert _pointers(doc) == ["/formatVersion"]


# ------------------------------------------------------------------ the synthetic examples
# Short policies written by the project in its own words (examples/synthetic/sources/),
# annotated (examples/synthetic/annotations/) and built like the five real examples.

SYNTHETIC = ROOT / "examples" / "synthetic"
SYNTHETIC_NAMES = ["kestrel", "bayside", "saptak", "fieldline"]
# The properties format 1.1 adds. occurrence is used by the annotations; a built document
# pins each quote down by its offsets instead.
NEW_PROPERTIES = {"officers", "officerRole", "name", "qualifier", "exhaustive",
                  "illustrative", "systems", "duty", "consequences", "period", "atLeast",
                  "atMost", "imposedBy", "purposes", "qualifiedNotices", "notice",
                  "modality", "consentRequiredFor", "markets", "places"}


def synthetic(name: str) -> dict[str, Any]:
    data: dict[str, Any] = load_path(SYNTHETIC / f"{name}.policy.json").data
    return data


def keys_and_values(node: Any, keys: set[str], values: set[str]) -> None:
    if isinstance(node, dict):
        keys.update(node)
        for value in node.values():
            keys_and_values(value, keys, values)
    elif isinstance(node, list):
        for value in node:
            keys_and_values(value, keys, values)
    elif isinstance(node, str):
        values.add(node)


@pytest.mark.parametrize("name", SYNTHETIC_NAMES)
def test_a_synthetic_example_is_built_from_its_annotation(name: str) -> None:
    from pypolicy.annotation.build import build, render_json

    policy = SYNTHETIC / f"{name}.policy.json"
    built = build(SYNTHETIC / "annotations" / f"{name}.annotation.yaml", policy)
    assert render_json(built.document) == policy.read_text(encoding="utf-8"), \
        f"rebuild with pypolicy annotate build ... -o {policy.relative_to(ROOT)}"
    assert built.coverage().uncovered == ()


@pytest.mark.parametrize("name", SYNTHETIC_NAMES)
def test_a_synthetic_example_is_valid_round_trips_and_conforms(name: str) -> None:
    doc = synthetic(name)
    assert doc["formatVersion"] == FORMAT_VERSION
    assert violations(doc) == []
    graph = to_graph(doc)
    assert from_graph(graph, doc["id"]) == canonical(doc)
    conforms, _report, text = shacl_validate(graph)
    assert conforms, text
    Policy.from_dict(doc)


def test_the_synthetic_examples_use_every_new_property_and_term() -> None:
    keys: set[str] = set()
    values: set[str] = set()
    for name in SYNTHETIC_NAMES:
        keys_and_values(synthetic(name), keys, values)
    assert sorted(NEW_PROPERTIES - keys) == []
    gaps = {"identityDocument", "callQualityMetrics", "signallingData", "emergencyAddress",
            "callTranscript", "callSummary", "smsContent", "smsMetadata", "callerId",
            "directoryListing", "portingData", "userAuthentication", "taxAndAccounting",
            "legalProcess", "callTrace", "transmit", "generate", "derive", "accessData",
            "onUserDevice", "aiTraining", "identifyingIndividuals", "termsDuty",
            "contractualDuty", "ownResponsibility", "legalDuty", "whenAccountCreated",
            "whenSupportContacted", "whenReported", "enabledByUser", "serviceEnds",
            "untilDeletedByUser", "carrierDependent", "customerConfigured",
            "privacyOfficer", "grievanceOfficer", "euRepresentative", "usually",
            "inSomeCases", "consentBanner", "globalPrivacyControl"}
    regimes = set(NEW_TERMS["Regime"]) | {"ukGdpr", "ccpa", "usCpni", "taxLaw"}
    assert sorted((gaps | regimes) - values) == []


def test_a_synthetic_statement_leaves_its_data_unstated() -> None:
    unstated = [s["id"] for name in SYNTHETIC_NAMES for s in synthetic(name)["statements"]
                if "data" not in s]
    assert "s-share-unstated-data" in unstated


def test_the_unnamed_provider_is_representable() -> None:
    doc = synthetic("fieldline")
    assert "name" not in doc["provider"] and "contacts" not in doc["provider"]
    assert Policy.from_dict(doc).provider.name == ""


def test_a_repeated_quote_says_which_occurrence_it_means() -> None:
    text = (SYNTHETIC / "annotations" / "kestrel.annotation.yaml").read_text(encoding="utf-8")
    annotation = yaml.safe_load(text)
    [item] = [e for r in annotation["document"]["rights"] for e in r["evidence"]
              if e.get("occurrence") == 2]
    source = (SYNTHETIC / "sources" / "kestrel.txt").read_text(encoding="utf-8")
    assert source.count(item["quote"]) == 2
    access = next(r for r in synthetic("kestrel")["rights"] if r["id"] == "rt-access")
    located = next(e for e in access["evidence"] if e["quote"] == item["quote"])
    assert located["start"] == source.rindex(item["quote"])
