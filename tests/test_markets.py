"""Format 1.1 ``markets``: where the service is offered or its users are. The schema and
the SHACL shapes accept it and refuse what is not a place, it survives JSON -> RDF -> JSON,
the model reads it, and the regime decision takes it into account with a stated ground
(GDPR and UK GDPR Art. 3(2), ePrivacy and PECR, the US rules, the CCPA, CalOPPA and DPDP
Act s. 3(b)), while establishment and claims keep deciding as before."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml
from rdflib import RDF, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SH

from pypolicy.format.model import Policy
from pypolicy.format.rdf import canonical, from_graph, shacl_validate, to_graph
from pypolicy.format.schema import violations
from pypolicy.rendering import render
from pypolicy.rendering.diff import diff, diff_json, diff_markdown
from pypolicy.sparql.dataset import build_dataset, build_oxigraph_store
from pypolicy.sparql.engines import OxigraphEngine, RdflibEngine
from pypolicy.sparql.pack import bind_parameters, query_pack
from pypolicy.sparql.quads import document_nquads
from pypolicy.sparql.safety import check_query
from pypolicy.validation.engine import Config, check_document
from pypolicy.validation.rules import BASE_EXAMPLE
from pypolicy.validation.rules._regimes import decide

PP = Namespace("https://w3id.org/pypolicy/ns#")
LOC = Namespace("https://w3id.org/dpv/loc#")
UK_AND_IRELAND = {"id": "m-uk-ie", "places": ["GB", "IE"],
                  "evidence": [{"quote": "available to customers in the United Kingdom and"
                                         " Ireland"}]}


def document(country: str | None = None, *places: str, kinds: tuple[str, ...] = (),
             extra: str = "") -> dict[str, Any]:
    """The rules' base example, established in ``country``, offered in ``places``."""
    data: dict[str, Any] = yaml.safe_load(BASE_EXAMPLE)
    data["formatVersion"] = "1.1.0"
    if country is not None:
        data["provider"]["country"] = country
    if places:
        data["markets"] = [{"id": "m-offered", "places": list(places),
                            "evidence": [{"quote": "Our service is available there."}]}]
    if kinds:
        data["service"] = {"serviceKinds": list(kinds)}
    if extra:
        data.update(yaml.safe_load(extra))
    return data


def grounds(data: dict[str, Any]) -> dict[str, str]:
    """The applied regimes and their grounds."""
    return {d.regime: d.grounds for d in decide(Policy.from_dict(data)) if d.applied}


def assumed(data: dict[str, Any]) -> set[str]:
    return {d.regime for d in decide(Policy.from_dict(data)) if d.applied and d.assumed}


# ------------------------------------------------------------------ the format


def test_the_schema_accepts_markets_and_the_model_reads_them() -> None:
    data = document("US")
    data["markets"] = [copy.deepcopy(UK_AND_IRELAND),
                       {"id": "m-eea", "places": ["EEA", "IE"]}]
    assert violations(data) == []
    policy = Policy.from_dict(data)
    assert [m.id for m in policy.markets] == ["m-uk-ie", "m-eea"]
    assert policy.markets[0].pointer == "/markets/0"
    assert policy.markets[0].evidence[0].quote is not None
    assert policy.market_places() == ("GB", "IE", "EEA")  # once each, in order


@pytest.mark.parametrize(("markets", "pointer"), [
    ([], "/markets"),
    ([{"id": "m", "places": []}], "/markets/0/places"),
    ([{"id": "m", "places": ["Ireland"]}], "/markets/0/places/0"),
    ([{"id": "m", "places": ["US-CA"]}], "/markets/0/places/0"),
    ([{"id": "m", "places": ["IE", "IE"]}], "/markets/0/places"),
    ([{"id": "m"}], "/markets/0"),
    ([{"places": ["IE"]}], "/markets/0"),
    ([{"id": "m", "places": ["IE"], "countries": ["IE"]}], "/markets/0"),
    ({"id": "m", "places": ["IE"]}, "/markets"),
])
def test_the_schema_refuses_a_market_that_is_not_one(markets: Any, pointer: str) -> None:
    data = document("US")
    data["markets"] = markets
    assert pointer in [v.pointer for v in violations(data)]


def test_markets_survive_json_to_rdf_to_json() -> None:
    data = document("US")
    data["markets"] = [copy.deepcopy(UK_AND_IRELAND),
                       {"id": "m-world", "places": ["worldwide"]}]
    graph = to_graph(data)
    market = URIRef("https://w3id.org/pypolicy/doc/example/m-uk-ie")
    assert (market, RDF.type, PP.Market) in graph
    assert {o for o in graph.objects(market, PP.places)} == {LOC.GB, LOC.IE}
    assert (URIRef("https://w3id.org/pypolicy/doc/example/m-world"), PP.places,
            PP.worldwide) in graph
    assert from_graph(graph, data["id"]) == canonical(data)
    conforms, _report, text = shacl_validate(graph)
    assert conforms, text


def _shacl_problems(data: dict[str, Any], edit: Any) -> set[tuple[Any, Any]]:
    graph = to_graph(data)
    [market] = list(graph.subjects(RDF.type, PP.Market))
    edit(graph, market)
    conforms, report, _text = shacl_validate(graph)
    assert not conforms
    return {(report.value(r, SH.sourceConstraintComponent), report.value(r, SH.resultPath))
            for r in report.subjects(RDF.type, SH.ValidationResult)}


def test_shacl_refuses_a_market_without_places() -> None:
    problems = _shacl_problems(document("US", "IE"),
                               lambda g, m: g.remove((m, PP.places, None)))
    assert (SH.MinCountConstraintComponent, PP.places) in problems


@pytest.mark.parametrize("bad", [PP.usually, Literal("IE"), LOC["US-CA"]])
def test_shacl_refuses_a_market_place_outside_the_place_vocabulary(bad: Any) -> None:
    def edit(graph: Any, market: Any) -> None:
        graph.remove((market, PP.places, None))
        graph.add((market, PP.places, bad))

    problems = {c for c, _ in _shacl_problems(document("US", "IE"), edit)}
    assert SH.InConstraintComponent in problems


# ------------------------------------------------------------------ the law that applies


def test_a_provider_outside_the_eu_offering_services_in_ireland_is_under_the_gdpr() -> None:
    applied = grounds(document("US", "IE"))
    assert applied["gdpr"] == "offers services to users in Ireland (markets: IE)"
    assert "ukGdpr" not in applied


def test_a_provider_serving_only_the_united_states_is_not_under_the_gdpr() -> None:
    decisions = {d.regime: d for d in decide(Policy.from_dict(document("US", "US")))}
    assert not decisions["gdpr"].applied and not decisions["ukGdpr"].applied
    assert "its markets, US, lie elsewhere" in decisions["gdpr"].grounds


@pytest.mark.parametrize(("places", "ground"), [
    (("EEA",), "offers services to users in the European Economic Area (markets: EEA)"),
    (("EU", "NO"), "offers services to users in the European Union and Norway"
                   " (markets: EU, NO)"),
    (("worldwide",), "offers services worldwide, the EEA included (markets: worldwide)"),
])
def test_a_region_or_the_world_is_a_market_in_the_eea(places: tuple[str, ...],
                                                      ground: str) -> None:
    assert grounds(document("SG", *places))["gdpr"] == ground


def test_an_unknown_place_is_no_market_anywhere() -> None:
    applied = grounds(document("SG", "unknownPlace", kinds=("consumerVoip",)))
    assert not {"gdpr", "ukGdpr", "eprivacy", "pecr", "usCpni", "ccpa", "dpdp"} & set(applied)


def test_the_markets_and_a_representative_are_both_grounds() -> None:
    data = document("US", "FR", extra="officers: [{appointed: true, officerRole:"
                                      " euRepresentative, name: Rep EU BV}]")
    assert grounds(data)["gdpr"] == (
        "offers services to users in France (markets: FR); offers services to users in the"
        " EEA: it names its representative there, which GDPR Art. 27 asks only of a provider"
        " that does")


def test_an_establishment_decides_alone() -> None:
    assert grounds(document("IE", "IE", "US"))["gdpr"] == \
        "provider established in Ireland, in the EEA"
    assert grounds(document("GB", "GB"))["ukGdpr"] == \
        "provider established in the United Kingdom"


def test_a_provider_outside_the_uk_offering_services_there_is_under_the_uk_gdpr() -> None:
    applied = grounds(document("IE", *["GB", "IE"]))
    assert applied["ukGdpr"] == "offers services to users in the United Kingdom" \
        " (markets: GB)"


def test_a_public_service_offered_in_the_eea_or_uk_is_under_eprivacy_or_pecr() -> None:
    applied = grounds(document("US", "DE", "GB", kinds=("consumerVoip",)))
    assert applied["eprivacy"] == ("public electronic communications service offered to"
                                   " users in Germany (markets: DE)")
    assert applied["pecr"] == ("public electronic communications service offered to users"
                               " in the United Kingdom (markets: GB)")
    # a service that is not a public electronic communications service: neither
    private = grounds(document("US", "DE", "GB", kinds=("consumerVoip",),
                               extra="service: {serviceKinds: [consumerVoip],"
                                     " publicNetwork: false}"))
    assert not {"eprivacy", "pecr"} & set(private)


def test_a_uk_provider_serving_germany_is_under_eprivacy_even_when_it_claims_it() -> None:
    claim = "regimes: [{id: rg-e, regime: eprivacy, stance: claimed}]"
    served = grounds(document("GB", "DE", kinds=("carrierServices",), extra=claim))
    assert served["eprivacy"].startswith("public electronic communications service offered"
                                         " to users in Germany (markets: DE)")
    # without a market in the EEA the claim of a UK provider is PECR, as before
    home = {d.regime: d for d in decide(Policy.from_dict(
        document("GB", "GB", kinds=("carrierServices",), extra=claim)))}
    assert not home["eprivacy"].applied and home["pecr"].applied


def test_interconnected_voip_offered_in_the_us_is_under_the_cpni_and_e911_rules() -> None:
    applied = grounds(document("CA", "US", kinds=("consumerVoip",)))
    ground = "interconnected VoIP service offered to users in the United States (markets: US)"
    assert applied["usCpni"] == ground and applied["e911"] == ground
    assert applied["ftc"] == "offers services to users in the United States (markets: US)"
    assert not {"usCpni", "e911", "ftc"} & set(grounds(document("CA", "CA",
                                                                kinds=("consumerVoip",))))


def test_a_us_market_brings_the_ccpa_as_an_assumption_that_says_so() -> None:
    data = document("US", "US")
    applied = grounds(data)
    assert applied["ccpa"] == (
        "assumed: offers services to users in the United States, California among them"
        " (markets: US); the CCPA's thresholds (Cal. Civ. Code 1798.140(d)) cannot be"
        " judged from the policy")
    assert "ccpa" in assumed(data)
    # without markets the CCPA is still applied only when claimed
    assert "ccpa" not in grounds(document("US"))
    claimed = document("US", "US", extra="regimes: [{id: rg-c, regime: ccpa, stance:"
                                         " claimed}]")
    assert grounds(claimed)["ccpa"] == "claimed by the policy"
    assert "ccpa" not in assumed(claimed)
    disclaimed = document("US", "US", extra="regimes: [{id: rg-c, regime: ccpa, stance:"
                                            " disclaimed}]")
    assert "ccpa" not in grounds(disclaimed)


def test_the_website_of_a_service_offered_in_the_us_is_assumed_under_caloppa() -> None:
    data = document("SG", "US", extra="tracking: {technologies: [cookies]}")
    assert grounds(data)["calOppa"] == ("assumed: the website of a service offered to users"
                                        " in the United States (markets: US) is open to"
                                        " California residents")
    assert "calOppa" not in grounds(document("SG", "US"))  # no website stated


def test_a_provider_outside_india_offering_services_there_is_under_the_dpdp_act() -> None:
    assert grounds(document("SG", "IN", "SG"))["dpdp"] == \
        "offers services to users in India (markets: IN; DPDP Act s. 3(b))"
    assert grounds(document("IN"))["dpdp"] == "provider established in India"
    decisions = {d.regime: d for d in decide(Policy.from_dict(document("SG", "SG")))}
    assert not decisions["dpdp"].applied
    assert "its markets, SG, lie elsewhere" in decisions["dpdp"].grounds


def test_gdpr_rules_run_and_cite_the_gdpr_once_the_markets_bring_it() -> None:
    # a US provider serving Ireland must name an EU representative (Art. 27)
    findings, _ = check_document(document("US", "IE"), Config(select=("VP315",)))
    [finding] = findings
    assert finding.legal_reference is not None and "GDPR Art. 27" in finding.legal_reference
    assert "UK GDPR" not in finding.legal_reference
    assert check_document(document("US", "US"), Config(select=("VP315",)))[0] == []


def test_a_forced_profile_still_forces() -> None:
    decisions = decide(Policy.from_dict(document("US", "US")), forced=("gdpr",))
    gdpr = next(d for d in decisions if d.regime == "gdpr")
    assert gdpr.applied and gdpr.grounds == "forced with --profile gdpr"


# ------------------------------------------------------------------ the page and the diff


def _page_text(data: dict[str, Any], fmt: str = "text", audience: str = "reader") -> str:
    return " ".join(render(Policy.from_dict(data), fmt, audience).split())  # type: ignore[arg-type]


def test_the_readers_page_says_where_the_service_is_offered() -> None:
    data = document("US")
    data["markets"] = [copy.deepcopy(UK_AND_IRELAND)]
    text = _page_text(data)
    assert "The service is offered to customers in the United Kingdom and Ireland." in text
    html = render(Policy.from_dict(data), "html")
    # the sentence links to the words of the policy it rests on, like every other
    assert "offered to customers in the United Kingdom and Ireland" in html
    assert "available to customers in the United Kingdom and Ireland" in html


@pytest.mark.parametrize(("places", "words"), [
    (["worldwide"], "The service is offered to customers worldwide."),
    (["IN", "worldwide"], "The service is offered to customers worldwide, including India."),
    (["EEA"], "The service is offered to customers in the European Economic Area."),
])
def test_the_page_names_regions_and_the_world(places: list[str], words: str) -> None:
    assert words in _page_text(document("SG", *places))


def test_no_markets_no_sentence() -> None:
    assert "The service is offered to customers" not in _page_text(document("US"))


def test_diff_reports_a_place_added_and_one_removed_but_not_one_already_covered() -> None:
    old, new = document("US", "GB", "EEA"), document("US", "IE", "IN")
    changes = [(c.kind, c.summary, c.old_pointer, c.new_pointer)
               for c in diff(Policy.from_dict(old), Policy.from_dict(new)).changes]
    assert ("market-added", "India", None, "/markets/0") in changes
    assert ("market-removed", "The United Kingdom", "/markets/0", None) in changes
    assert ("market-removed", "The European Economic Area", "/markets/0", None) in changes
    # Ireland lies in the EEA named before: no new place
    assert not [c for c in changes if c[1] == "Ireland"]
    assert not diff(Policy.from_dict(old), Policy.from_dict(copy.deepcopy(old))).changes
    stated = diff(Policy.from_dict(document("US")), Policy.from_dict(document("US", "US")))
    assert [c.kind for c in stated.changes] == ["market-added"]
    assert not stated.notifying()  # a new market is not a change users must be told of


def test_the_diff_report_has_a_section_for_markets() -> None:
    result = diff(Policy.from_dict(document("US", "US")),
                  Policy.from_dict(document("US", "US", "CA")))
    report = diff_markdown(result)
    assert "## Where the service is offered" in report
    assert "- **Added:** Canada" in report
    assert json.loads(diff_json(result))["changes"][0]["topic"] == "markets"


# ------------------------------------------------------------------ the query pack


def _corpus() -> list[dict[str, Any]]:
    docs = []
    for index, (country, places) in enumerate([("US", ["IE", "US"]), ("SG", ["worldwide"]),
                                               ("IN", ["EU"]), ("GB", [])]):
        data = document(country, *places)
        data["id"] = f"doc-{index}"
        docs.append(data)
    docs[1]["markets"][0]["evidence"] = [{"inferred": True, "rationale": "sold everywhere"}]
    return docs


@pytest.mark.parametrize(("region", "expected"), [
    (None, [("doc-0", "IE", "Ireland", "no"), ("doc-0", "US", "United States", "no"),
            ("doc-1", "worldwide", "worldwide", "yes"),
            ("doc-2", "EU", "European Union", "no")]),
    ("EEA", [("doc-0", "IE", "Ireland", "no"), ("doc-1", "worldwide", "worldwide", "yes"),
             ("doc-2", "EU", "European Union", "no")]),
    ("FR", [("doc-1", "worldwide", "worldwide", "yes"),
            ("doc-2", "EU", "European Union", "no")]),
    ("IN", [("doc-1", "worldwide", "worldwide", "yes")]),
])
@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_the_markets_query_finds_the_services_offered_in_a_region(
        engine: str, region: str | None, expected: list[tuple[str, ...]]) -> None:
    docs = _corpus()
    if engine == "rdflib":
        runner: Any = RdflibEngine(build_dataset(docs))
    else:
        pytest.importorskip("pyoxigraph")
        runner = OxigraphEngine(build_oxigraph_store(docs))
    pack = query_pack()["markets"]
    query = check_query(pack.text, pack.path.name)
    result = runner.run(query, bind_parameters(query, pack.parameters,
                                               {"region": region} if region else {}))
    columns = [result.variables.index(c) for c in ("policy", "place", "placeName",
                                                   "inferredOnly")]
    assert [tuple(row[i].value for i in columns) for row in result.rows] == expected
    established = {row[result.variables.index("policy")].value:
                   row[result.variables.index("established")].value for row in result.rows}
    assert established.get("doc-0", "US") == "US"


def test_the_quads_of_a_document_with_markets_are_its_graph() -> None:
    data = document("US", "IE", "worldwide", "EEA")
    lines: list[str] = []
    document_nquads(data, "b0", lines.append)
    dataset = Dataset()
    dataset.parse(data="".join(line if line.endswith("\n") else line + "\n"
                               for line in lines), format="nquads")
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    assert isomorphic(graph, to_graph(data))


def test_a_market_id_is_an_identifier_like_any_other() -> None:
    data = document("US", "IE", extra="audiences: [{id: m-offered, subject: customer}]")
    findings, _ = check_document(data, Config(select=("VP002",)))
    [finding] = findings
    assert set(finding.pointers) == {"/markets/0", "/audiences/0"}
