"""Format 1.1 on the query side and in the generator: each regime's jurisdiction and
official source as data (vocabulary graph, index, reference), the SHACL checks on
retention periods, the pack queries on the synthetic policies that use every 1.1
construct (examples/synthetic/), and durations as the query dataset gives them back.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH, SKOS

from pypolicy.format.generate import FormatSourceError, load_sources
from pypolicy.format.loader import load_path
from pypolicy.format.rdf import shacl_validate, to_graph
from pypolicy.format.resources import context, policy_schema, schema_file, vocabulary_index
from pypolicy.sparql.dataset import build_dataset, build_oxigraph_store, load_documents
from pypolicy.sparql.engines import OxigraphEngine, RdflibEngine
from pypolicy.sparql.pack import bind_parameters, query_pack
from pypolicy.sparql.quads import document_lines
from pypolicy.sparql.results import QueryResult
from pypolicy.sparql.safety import check_query

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC = ROOT / "examples" / "synthetic"
PP = Namespace("https://w3id.org/pypolicy/ns#")
LOC = Namespace("https://w3id.org/dpv/loc#")
DPV = Namespace("https://w3id.org/dpv#")
DCT = Namespace("http://purl.org/dc/terms/")
LEGAL_GB = Namespace("https://w3id.org/dpv/legal/gb#")
XSD_DURATION = URIRef("http://www.w3.org/2001/XMLSchema#duration")


@cache
def regime_sources() -> dict[str, dict[str, Any]]:
    text = (ROOT / "schema" / "src" / "vocabulary.yaml").read_text(encoding="utf-8")
    terms: dict[str, dict[str, Any]] = yaml.safe_load(text)["Regime"]["terms"]
    return terms


@cache
def vocabulary() -> Graph:
    return Graph().parse(schema_file("vocabulary.ttl"), format="turtle")


# ------------------------------------------------------------------ the generator


def test_the_vocabulary_graph_gives_each_regime_its_jurisdiction_and_source() -> None:
    graph = vocabulary()
    assert len(regime_sources()) >= 20
    for name, source in regime_sources().items():
        term = PP[name]
        jurisdictions = set(graph.objects(term, DPV.hasJurisdiction))
        expected = set() if source["jurisdiction"] == "varies" else {
            LOC[source["jurisdiction"]]}
        assert jurisdictions == expected, name
        assert set(graph.objects(term, DCT.bibliographicCitation)) == {
            Literal(source["source"])}, name
        assert set(graph.objects(term, DCT.source)) == (
            {URIRef(source["url"])} if "url" in source else set()), name


def test_a_sparql_query_reads_a_regimes_jurisdiction_and_source() -> None:
    answer = vocabulary().query(
        "SELECT ?where ?citation ?text WHERE { pp:ukPecr dpv:hasJurisdiction ?where ;"
        " dct:bibliographicCitation ?citation ; dct:source ?text }",
        initNs={"pp": PP, "dpv": DPV, "dct": DCT})
    assert [tuple(str(v) for v in row) for row in answer] == [  # type: ignore[union-attr]
        (str(LOC.GB), "SI 2003/2426",
         "https://www.legislation.gov.uk/uksi/2003/2426/contents")]


def test_the_index_gives_each_regime_its_jurisdiction_and_source() -> None:
    terms = vocabulary_index()["terms"]
    for name, source in regime_sources().items():
        entry = terms[name]
        assert (entry["jurisdiction"], entry["source"], entry.get("url")) == (
            source["jurisdiction"], source["source"], source.get("url")), name
    assert not any("jurisdiction" in t for t in terms.values() if t["scheme"] != "Regime")


def test_the_format_reference_gives_jurisdiction_and_source() -> None:
    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    section = text[text.index("\n### Regime\n"):text.index("\n### RegimeStance\n")]
    assert "| term | label | definition | DPV | jurisdiction | official source |" in section
    assert ("| `GB` | [SI 2003/2426](https://www.legislation.gov.uk/uksi/2003/2426/contents) |"
            in section)
    assert "| varies | the tax and accounting law of the country concerned |" in section


def test_uk_terms_point_at_dpv_legal_gb() -> None:
    assert (PP.ukGdpr, SKOS.narrowMatch, LEGAL_GB["law-GDPR"]) in vocabulary()
    assert context()["@context"]["legal-gb"] == str(LEGAL_GB)


def test_the_context_description_names_the_earlier_contexts_too() -> None:
    description = policy_schema()["properties"]["@context"]["description"]
    assert "earlier 1.x version" in description
    assert "of this format version;" not in description


def _sources_with(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    shutil.copytree(ROOT / "schema" / "src", tmp_path / "schema" / "src")
    path = tmp_path / "schema" / "src" / "vocabulary.yaml"
    source = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(source)
    path.write_text(yaml.safe_dump(source, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("change", "message"), [
    (lambda v: v["Regime"]["terms"]["tcpa"].pop("jurisdiction"), "names its jurisdiction"),
    (lambda v: v["Regime"]["terms"]["tcpa"].pop("source"), "names its official source"),
    (lambda v: v["Regime"]["terms"]["tcpa"].update(jurisdiction="Atlantis"),
     "unknown jurisdiction 'Atlantis'"),
    (lambda v: v["Regime"]["terms"]["tcpa"].update(url="http://example.org/x"),
     "not an https address"),
    (lambda v: v["Purpose"]["terms"]["billing"].update(jurisdiction="GB"),
     "only regimes name a jurisdiction"),
])
def test_the_generator_refuses_a_regime_without_its_place_or_source(
        tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str) -> None:
    with pytest.raises(FormatSourceError, match=message):
        load_sources(_sources_with(tmp_path, change))


# ------------------------------------------------------------------ SHACL on periods


@cache
def _kestrel() -> dict[str, Any]:
    data: dict[str, Any] = load_path(SYNTHETIC / "kestrel.policy.json").data
    return data


def _with_period(at_least: str, at_most: str) -> Graph:
    """Kestrel's graph with the bounds of its range (call records, 12 to 24 months)
    replaced."""
    graph = to_graph(_kestrel())
    [period] = [p for p in graph.subjects(PP.atLeast, None) if (p, PP.atMost, None) in graph]
    graph.set((period, PP.atLeast, Literal(at_least, datatype=XSD_DURATION)))
    graph.set((period, PP.atMost, Literal(at_most, datatype=XSD_DURATION)))
    return graph


def _results(graph: Graph) -> set[tuple[Any, Any]]:
    conforms, report, _text = shacl_validate(graph)
    assert not conforms
    return {(report.value(r, SH.sourceConstraintComponent), report.value(r, SH.resultPath))
            for r in report.subjects(SH.resultSeverity, None)}


@pytest.mark.parametrize(("at_least", "at_most"), [
    ("P24M", "P12M"), ("P2Y", "P12M"), ("P1Y", "P30D"), ("P12M", "P360D"), ("P400D", "P1Y"),
    ("PT48H", "P1D"), ("P2W", "P13D")])
def test_shacl_refuses_a_period_whose_bounds_are_the_wrong_way_round(
        at_least: str, at_most: str) -> None:
    # (reported on the period, and through sh:node on the rule and the document)
    assert (SH.SPARQLConstraintComponent, PP.atLeast) in _results(
        _with_period(at_least, at_most))


@pytest.mark.parametrize(("at_least", "at_most"), [
    ("P12M", "P24M"), ("P12M", "P1Y"), ("P30D", "P6M"), ("P1D", "PT48H"), ("P1Y", "P1YT1S"),
    # a month may be 28 or 31 days: these may or may not be inverted, so they pass
    ("P1M", "P30D"), ("P30D", "P1M")])
def test_shacl_accepts_a_period_whose_bounds_may_be_in_order(at_least: str,
                                                             at_most: str) -> None:
    conforms, _report, text = shacl_validate(_with_period(at_least, at_most))
    assert conforms, text


def test_shacl_refuses_a_duration_beside_a_period() -> None:
    graph = to_graph(_kestrel())
    [rule] = [r for r in graph.subjects(PP.period, None)
              if str(r).endswith("/r-signalling")]
    graph.add((rule, PP.duration, Literal("P30D", datatype=XSD_DURATION)))
    assert (SH.NotConstraintComponent, None) in _results(graph)


# ------------------------------------------------------------------ the pack on 1.1


@cache
def _documents() -> tuple[dict[str, Any], ...]:
    return tuple(load_documents([str(SYNTHETIC)]))


@pytest.fixture(scope="module")
def rdflib_engine() -> RdflibEngine:
    return RdflibEngine(build_dataset(_documents()))


@pytest.fixture(scope="module")
def oxigraph_engine() -> OxigraphEngine:
    return OxigraphEngine(build_oxigraph_store(_documents()))


def run(engine: Any, name: str, **params: str) -> QueryResult:
    pack = query_pack()[name]
    query = check_query(pack.text, pack.path.name)
    result: QueryResult = engine.run(query, bind_parameters(query, pack.parameters, params))
    return result


def rows(engine: Any, name: str, *columns: str, **params: str) -> list[tuple[str, ...]]:
    result = run(engine, name, **params)
    index = [result.variables.index(c) for c in columns]
    return [tuple("" if row[i] is None else row[i].value for i in index)  # type: ignore[union-attr]
            for row in result.rows]


def test_the_synthetic_corpus_is_the_four_1_1_policies_and_the_complete_one() -> None:
    assert sorted(d["id"] for d in _documents()) == [
        "bayside", "fieldline", "kestrel", "saptak", "synthetic-complete"]


@pytest.mark.parametrize("name", sorted(query_pack()))
def test_both_engines_give_the_same_answers_on_format_1_1(
        rdflib_engine: Any, oxigraph_engine: Any, name: str) -> None:
    expected = run(rdflib_engine, name, on="2025-06-01") if name == \
        "transfers-without-safeguard" else run(rdflib_engine, name)
    actual = run(oxigraph_engine, name, on="2025-06-01") if name == \
        "transfers-without-safeguard" else run(oxigraph_engine, name)
    assert actual.variables == expected.variables
    assert actual.rows == expected.rows


def test_retention_periods_show_ranges_bounds_hedges_laws_and_purposes(
        rdflib_engine: Any) -> None:
    found = rows(rdflib_engine, "retention-periods", "policy", "rule", "period", "atLeast",
                 "atMost", "qualifier", "imposedBy", "purposes", "from", "criteria")
    assert ("kestrel", "r-cdr", "", "P1Y", "P2Y", "", "", "", "", "carrierDependent") in found
    assert ("kestrel", "r-signalling", "", "", "P30D", "usually", "", "", "", "") in found
    assert ("kestrel", "r-invoices", "", "P6Y", "", "", "taxLaw", "taxAndAccounting",
            "endOfFinancialYear", "") in found
    assert ("kestrel", "r-kyc", "P1Y", "", "", "", "", "", "endOfContract",
            "contractDuration") in found
    assert ("saptak", "r-cdr", "", "P2Y", "", "", "publicTelecomRegulation", "", "", "") in found
    # 18 months, in the canonical form every engine gives (see the durations below)
    assert ("bayside", "r-records", "", "", "P1Y6M", "", "", "", "", "") in found


def test_traffic_data_retention_reads_ranges_and_bounds(rdflib_engine: Any) -> None:
    found = rows(rdflib_engine, "traffic-data-retention", "policy", "dataEntry", "finding",
                 "rule", "bound", "period", "approxDays")
    assert found == [
        ("bayside", "d-records", "longer than the limit", "r-records", "atMost", "P1Y6M", "547"),
        ("kestrel", "d-cdr", "longer than the limit", "r-cdr", "atMost", "P2Y", "730"),
        ("saptak", "d-cdr", "longer than the limit", "r-cdr", "atLeast", "P2Y", "730"),
        ("saptak", "d-cdr", "no upper bound stated", "r-cdr", "", "", ""),
        ("saptak", "d-sms-metadata", "no period stated", "", "", "", ""),
    ]  # kestrel's signalling logs, "usually up to 30 days", have a period
    within_two_years = rows(rdflib_engine, "traffic-data-retention", "policy", "dataEntry",
                            "finding", days="730")
    assert ("kestrel", "d-cdr", "longer than the limit") not in within_two_years


def test_negative_promises_show_hedges_purposes_systems_and_unnamed_providers(
        rdflib_engine: Any) -> None:
    found = rows(rdflib_engine, "negative-promises", "policy", "provider", "statement",
                 "actions", "data", "purposes", "systems", "qualifier", "exampleLists")
    assert ("bayside", "Bayside Dial", "s-no-marketing-records", "use", "d-records",
            "marketing", "", "usually", "") in found
    assert ("bayside", "Bayside Dial", "s-transcript-not-on-servers", "store",
            "d-transcripts", "", "onProviderServers", "", "") in found
    # the white-label app names no provider: its promises are still promises
    assert ("fieldline", "", "s-contacts-never-uploaded", "collect", "d-contacts", "", "",
            "", "") in found


def test_closed_lists(rdflib_engine: Any) -> None:
    found = rows(rdflib_engine, "closed-lists", "policy", "statement", "actions", "data",
                 "kind", "list", "items")
    assert ("kestrel", "s-cdr-recipients-closed", "share", "d-cdr", "only these",
            "recipientList", "p-billing p-carriers p-emergency") in found
    assert ("kestrel", "s-kyc", "collect use", "d-kyc", "only these", "purposeList",
            "customerVerification") in found
    assert ("kestrel", "s-share-when-law-requires", "share", "", "such as", "recipientList",
            "p-fraud-databases p-police") in found
    assert ("saptak", "s-ai-output-one-purpose", "disclose use", "d-ai-output", "only these",
            "recipientList", "p-businesses") in found
    assert ("fieldline", "s-contacts-on-device", "consult", "d-contacts", "only these",
            "systemList", "onUserDevice") in found
    # a statement with no closed or example list is not a row
    assert not [r for r in found if r[1] == "s-route"]


def test_hedges(rdflib_engine: Any) -> None:
    found = rows(rdflib_engine, "hedges", "policy", "kind", "entry", "qualifier", "modality",
                 "about")
    assert ("bayside", "statement", "s-no-marketing-records", "usually", "doesNot",
            "use") in found
    assert ("kestrel", "retention rule", "r-signalling", "usually", "", "d-signalling") in found
    assert ("kestrel", "right", "rt-access", "usually", "", "access") in found
    assert ("kestrel", "change notice", "", "inSomeCases", "", "emailNotice") in found
    assert ("synthetic-complete", "breach notice", "", "wherePossible", "",
            "notifyAuthority notifyDataSubjects") in found
    assert ("synthetic-complete", "change procedure", "", "usually", "",
            "emailNotice updatedDate") in found
    assert ("kestrel", "right", "rt-objection", "", "", "objection") not in found


def test_officers(rdflib_engine: Any) -> None:
    assert rows(rdflib_engine, "officers", "policy", "role", "recordedAs", "name",
                "title", "contacts") == [
        ("bayside", "privacyOfficer", "officers", "", "Privacy Officer",
         "email:privacy@bayside-dial.example; phone:(916) 555-0142"),
        ("kestrel", "euRepresentative", "officers", "Kestrel Trunks Ireland Ltd", "",
         "email:eu-rep@kestrel-trunks.example"),
        ("saptak", "grievanceOfficer", "officers", "Ms. Kavita Rao", "",
         "email:grievance@saptak.example"),
        ("synthetic-complete", "dpo", "dataProtectionOfficer", "", "Data Protection Officer",
         "email:dpo@northwind-voice.example"),
        ("synthetic-complete", "privacyOfficer", "officers", "Jane Example",
         "Head of Privacy", "email:privacy@northwind-voice.example"),
    ]


def test_dpo_and_authority_keeps_other_officers_apart_from_the_dpo(
        rdflib_engine: Any) -> None:
    assert rows(rdflib_engine, "dpo-and-authority", "policy", "dpo", "representative",
                "officers") == [
        ("bayside", "not stated", "", "privacyOfficer"),  # a privacy officer is no DPO
        ("fieldline", "not stated", "", ""),
        ("kestrel", "not stated", "Kestrel Trunks Ireland Ltd", ""),  # a 1.1 representative
        ("saptak", "not stated", "", "grievanceOfficer"),
        ("synthetic-complete", "appointed", "Northwind Voice EU B.V.", "privacyOfficer"),
    ]


def test_a_data_protection_officer_with_another_role_is_no_dpo() -> None:
    document = dict(_kestrel())
    document["dataProtectionOfficer"] = {"appointed": True, "officerRole": "privacyOfficer",
                                         "title": "Privacy Officer"}
    engine = RdflibEngine(build_dataset([document]))
    assert rows(engine, "dpo-and-authority", "dpo", "dpoTitle") == [("not stated", "")]
    assert ("privacyOfficer", "dataProtectionOfficer") in rows(engine, "officers", "role",
                                                                 "recordedAs")


def test_practices_include_statements_that_leave_their_data_unstated(
        rdflib_engine: Any) -> None:
    found = rows(rdflib_engine, "practices", "policy", "statement", "modality", "dataEntry",
                 "duty")
    assert ("bayside", "s-share-unstated-data", "may", "", "") in found
    assert ("kestrel", "s-share-when-law-requires", "may", "", "") in found
    # a duty placed on customers says whose practice it is
    assert ("kestrel", "s-customers-consent-for-lists", "onlyIf", "d-contact-lists",
            "termsDuty") in found
    # data of another category is not a match, data left unstated may be
    content = rows(rdflib_engine, "practices", "statement", "dataEntry",
                   data="communicationsContent")
    assert ("s-cdr-recipients-closed", "d-cdr") not in content
    assert ("s-share-unstated-data", "") in content


def test_parties_receive_data_by_statements_that_leave_it_unstated(
        rdflib_engine: Any) -> None:
    found = rows(rdflib_engine, "data-to-advertising-platforms", "policy", "party", "how",
                 "via", "dataEntry", role="thirdParty")
    assert ("bayside", "p-hosting", "recipient", "s-share-unstated-data", "") in found
    assert ("kestrel", "p-fraud-databases", "recipient", "s-share-when-law-requires",
            "") in found


def test_regimes_show_jurisdiction_and_official_source(rdflib_engine: Any) -> None:
    found = rows(rdflib_engine, "regimes", "policy", "provider", "regime", "jurisdiction",
                 "source", "url")
    assert ("kestrel", "Kestrel Trunks", "ukPecr", "GB", "SI 2003/2426",
            "https://www.legislation.gov.uk/uksi/2003/2426/contents") in found
    assert ("kestrel", "Kestrel Trunks", "taxLaw", "varies",
            "the tax and accounting law of the country concerned", "") in found
    assert ("bayside", "Bayside Dial", "ccpa", "US-CA",
            "Cal. Civ. Code 1798.100-1798.199.100",
            "https://leginfo.legislature.ca.gov/faces/codes_displaySection.xhtml"
            "?lawCode=CIV&sectionNum=1798.100") in found
    assert {r[2] for r in found if r[0] == "fieldline"} == {
        "auPrivacyAct", "auTelecomAct", "nzTipc", "pipeda", "sgPdpa"}


# ------------------------------------------------------------------ durations as written


def _period_literals(lines: list[str]) -> set[str]:
    return {line.split(" ")[2] for line in lines if "#atMost>" in line or "#atLeast>" in line}


def test_the_direct_mapping_writes_durations_as_the_document_does() -> None:
    bayside = next(d for d in _documents() if d["id"] == "bayside")
    _iri, lines = document_lines(bayside, "b")
    assert _period_literals(lines) == {f'"P18M"^^<{XSD_DURATION}>'}


def test_the_rdflib_dataset_keeps_durations_as_written() -> None:
    dataset = build_dataset(_documents())
    found = {str(row[0]) for row in dataset.query(  # type: ignore[index]
        "SELECT ?d WHERE { GRAPH ?g { ?p pp:atLeast|pp:atMost ?d } }", initNs={"pp": PP})}
    assert {"P18M", "P12M", "P24M"} <= found


def test_oxigraph_gives_durations_back_by_value() -> None:
    """Oxigraph's store keeps an xsd:duration by its value, not its lexical form (P18M
    comes back as P1Y6M, P12M as P1Y) and has no setting to keep it (oxigraph#526,
    still open in pyoxigraph 0.5.13). So the pack prints durations in that canonical
    form on every engine. When this test fails, Oxigraph keeps lexical forms: the
    canonical form in retention-periods and traffic-data-retention can go."""
    store = build_oxigraph_store(_documents())
    found = {row["d"].value for row in store.query(
        "SELECT ?d WHERE { GRAPH ?g { ?p <https://w3id.org/pypolicy/ns#atMost> ?d } }")}
    assert "P1Y6M" in found and "P18M" not in found
