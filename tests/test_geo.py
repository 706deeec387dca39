"""Tests for pypolicy.format.geography and the data file behind it, data/jurisdictions.json."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from typing import Any

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pypolicy.format import geography as _geo
from pypolicy.format.geography import (
    ALL_COUNTRIES,
    UnknownPlaceError,
    adequacy_for,
    adequacy_history,
    countries_in,
    countries_of,
    country_name,
    data_version,
    former_members,
    place_label,
    region_members,
)

EU27 = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
}  # fmt: skip
TODAY = datetime.date.today()


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_geo.DATA_FILE.read_text(encoding="utf-8"))
    return data


def _codes_in(raw: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every country code the data file mentions, with where it was found."""
    for name, region in raw["regions"].items():
        for code in region.get("members", []):
            yield code, f"regions.{name}.members"
        for territory in region.get("territories", []):
            yield territory["code"], f"regions.{name}.territories"
            yield territory["partOf"], f"regions.{name}.territories.partOf"
        for former in region.get("formerMembers", []):
            yield former["code"], f"regions.{name}.formerMembers"
    for i, entry in enumerate(raw["adequacy"]):
        yield entry["code"], f"adequacy[{i}]"
    for hint, code in raw["codeHints"].items():
        yield code, f"codeHints.{hint}"
    for code in raw["labels"]["definiteArticle"]:
        yield code, "labels.definiteArticle"


# --- the data file -----------------------------------------------------------------------


def test_data_file_is_versioned(raw: dict[str, Any]) -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", raw["version"])
    assert data_version() == raw["version"]
    assert datetime.date.fromisoformat(raw["updated"]) <= TODAY
    assert raw["sources"], "the data file must cite its sources"
    for source in raw["sources"]:
        assert source["url"].startswith("https://"), source
        assert source["title"]


def test_region_sources_are_cited(raw: dict[str, Any]) -> None:
    ids = {source["id"] for source in raw["sources"]}
    for name, region in raw["regions"].items():
        assert region["source"] in ids, name
        assert region["sourceUrl"].startswith("https://"), name
        for territory in region.get("territories", []):
            assert territory["source"] in ids, territory


def test_every_code_in_the_data_file_is_a_real_alpha2_code(raw: dict[str, Any]) -> None:
    seen = list(_codes_in(raw))
    assert len(seen) > 50
    for code, where in seen:
        assert pycountry.countries.get(alpha_2=code) is not None, f"{where}: {code}"
        assert code in ALL_COUNTRIES


def test_all_countries_is_pycountry() -> None:
    assert {c.alpha_2 for c in pycountry.countries} == ALL_COUNTRIES
    assert len(ALL_COUNTRIES) >= 249
    assert {"US", "GB", "DE", "NO", "CH", "AX", "RE"} <= ALL_COUNTRIES
    assert not {"EU", "EEA", "UK", "EL"} & ALL_COUNTRIES


def test_adequacy_entries_are_well_formed(raw: dict[str, Any]) -> None:
    for entry in raw["adequacy"]:
        where = f"{entry['code']} {entry['decision']}"
        adopted = datetime.date.fromisoformat(entry["adopted"])
        assert datetime.date(1995, 10, 24) < adopted < TODAY, where  # after Directive 95/46/EC
        if entry.get("inForceUntil") is not None:
            assert datetime.date.fromisoformat(entry["inForceUntil"]) > adopted, where
        assert entry["source"].startswith("https://"), where
        assert isinstance(entry["requiresCertification"], bool), where
        assert entry["verifiedWith"], f"{where}: say how it was verified"
        if entry["celex"] is None:
            assert entry.get("note"), f"{where}: a missing CELEX id needs a note"
        else:
            assert re.fullmatch(r"3\d{4}D\d{4}", entry["celex"]), where
            assert entry["celex"][1:5] == entry["decision"].split("/")[0][-4:], where


def test_adequacy_covers_the_known_decisions() -> None:
    on = datetime.date(2026, 6, 1)
    expected = {
        "AD", "AR", "BR", "CA", "CH", "FO", "GB", "GG", "IL", "IM",
        "JE", "JP", "KR", "NZ", "US", "UY",
    }  # fmt: skip
    covered = {c for c in ALL_COUNTRIES if adequacy_for(c, on=on) is not None}
    assert covered == expected


def test_no_adequacy_for_eea_countries(raw: dict[str, Any]) -> None:
    eea = countries_in("EEA")
    assert not {entry["code"] for entry in raw["adequacy"]} & eea
    assert adequacy_for("DE") is None
    assert adequacy_for("NO") is None


def test_dpv_gap_is_noted(raw: dict[str, Any]) -> None:
    notes = " ".join(raw["notes"])
    assert "DPV 2.3" in notes
    assert "Korea" in notes
    assert "Data Privacy Framework" in notes


# --- regions -----------------------------------------------------------------------------


def test_eu_has_27_members_and_excludes_gb() -> None:
    assert region_members("EU") == EU27
    assert len(region_members("EU")) == 27
    assert "GB" not in region_members("EU")
    assert "GB" not in countries_in("EU")
    assert former_members("EU") == {"GB": datetime.date(2020, 1, 31)}


def test_eea_is_eu_plus_iceland_liechtenstein_norway() -> None:
    assert region_members("EEA") == region_members("EU") | {"IS", "LI", "NO"}
    assert len(region_members("EEA")) == 30
    assert countries_in("EEA") == countries_in("EU") | {"IS", "LI", "NO"}
    assert "CH" not in countries_in("EEA")
    assert "GB" not in countries_in("EEA")


def test_regions_include_their_territories_with_own_codes() -> None:
    for code in ("RE", "GP", "MQ", "GF", "YT", "MF", "AX"):
        assert code in countries_in("EU"), code
        assert code in countries_in("EEA"), code
    for code in ("GL", "FO", "BL", "GI", "SJ"):
        assert code not in countries_in("EU"), code
    assert region_members("EU") < countries_in("EU")


def test_countries_in_a_country_is_itself() -> None:
    assert countries_in("US") == {"US"}
    assert countries_in("GB") == {"GB"}


def test_worldwide_and_unknown_place_are_everywhere() -> None:
    assert countries_in("worldwide") == ALL_COUNTRIES
    assert countries_in("unknownPlace") == ALL_COUNTRIES


@pytest.mark.parametrize("place", ["XX", "UK", "EL", "eu", "us", "Europe", "", "usa", "EEA "])
def test_unknown_place_raises(place: str) -> None:
    with pytest.raises(UnknownPlaceError):
        countries_in(place)
    assert issubclass(UnknownPlaceError, ValueError)


def test_unknown_place_error_suggests_a_code() -> None:
    with pytest.raises(UnknownPlaceError, match="'GB'"):
        countries_in("UK")
    with pytest.raises(UnknownPlaceError, match="'US'"):
        countries_in("us")
    with pytest.raises(UnknownPlaceError):
        region_members("US")


# --- countries_of ------------------------------------------------------------------------


def test_countries_of_outside_the_eea_is_every_other_country() -> None:
    outside = countries_of(outside=["EEA"])
    assert outside == ALL_COUNTRIES - countries_in("EEA")
    assert "US" in outside
    assert "CH" in outside
    assert not {"DE", "NO", "IS", "LI", "RE"} & outside


def test_countries_of_a_country() -> None:
    assert countries_of(["US"]) == {"US"}
    assert countries_of(["US", "CA"]) == {"US", "CA"}
    assert countries_of(["US"], outside=["US"]) == frozenset()


def test_countries_of_outside_the_eu_includes_norway() -> None:
    outside = countries_of(outside=["EU"])
    assert {"NO", "IS", "LI", "GB", "US"} <= outside
    assert "FR" not in outside


def test_countries_of_nothing_said_is_everywhere() -> None:
    assert countries_of() == ALL_COUNTRIES
    assert countries_of([], []) == ALL_COUNTRIES
    assert countries_of(["unknownPlace"]) == ALL_COUNTRIES


def test_countries_of_region_minus_country() -> None:
    assert countries_of(["EU"], outside=["DE"]) == countries_in("EU") - {"DE"}
    assert countries_of(["EEA"], outside=["EU"]) == {"IS", "LI", "NO"}


def test_countries_of_rejects_a_bare_string() -> None:
    with pytest.raises(TypeError):
        countries_of("US")
    with pytest.raises(TypeError):
        countries_of(outside="EEA")


def test_countries_of_rejects_unknown_places() -> None:
    with pytest.raises(UnknownPlaceError):
        countries_of(["US", "Mars"])
    with pytest.raises(UnknownPlaceError):
        countries_of(outside=["UK"])


def test_countries_of_accepts_any_iterable() -> None:
    assert countries_of(iter(["US"]), outside=(p for p in ["EEA"])) == {"US"}


_PLACES = st.one_of(
    st.sampled_from([*sorted(_geo.regions()), "worldwide", "unknownPlace"]),
    st.sampled_from(["US", "GB", "CH", "NO", "DE", "RE", "AX"]),
    st.sampled_from(sorted(ALL_COUNTRIES)),
)


@given(st.lists(_PLACES, max_size=4), st.lists(_PLACES, max_size=4))
def test_countries_of_properties(locations: list[str], outside: list[str]) -> None:
    result = countries_of(locations, outside)
    assert result <= countries_of(locations)
    assert result <= ALL_COUNTRIES
    for place in outside:
        assert result.isdisjoint(countries_in(place))
    for place in locations:
        assert countries_in(place) - countries_of(outside=outside) <= ALL_COUNTRIES - result


@given(_PLACES)
def test_countries_in_is_within_all_countries(place: str) -> None:
    assert countries_in(place) <= ALL_COUNTRIES
    assert countries_in(place)


# --- adequacy ----------------------------------------------------------------------------


def test_adequacy_honours_the_adoption_date() -> None:
    assert adequacy_for("JP", on=datetime.date(2018, 1, 1)) is None
    assert adequacy_for("JP", on=datetime.date(2019, 1, 22)) is None
    decision = adequacy_for("JP", on=datetime.date(2019, 1, 23))
    assert decision is not None
    assert decision.adopted == datetime.date(2019, 1, 23)
    assert adequacy_for("JP", on=datetime.date(2019, 6, 1)) == decision
    assert decision.celex == "32019D0419"
    assert decision.scope  # private sector only


def test_us_adequacy_requires_certification() -> None:
    decision = adequacy_for("US", on=datetime.date(2024, 1, 1))
    assert decision is not None
    assert decision.requires_certification
    assert decision.partial
    assert "2023/1795" in decision.decision
    assert "Data Privacy Framework" in (decision.scope or "")
    assert all(d.requires_certification for d in adequacy_history("US"))


def test_us_adequacy_gaps_after_the_schrems_judgments() -> None:
    safe_harbour = adequacy_for("US", on=datetime.date(2010, 1, 1))
    assert safe_harbour is not None and "2000/520" in safe_harbour.decision
    assert adequacy_for("US", on=datetime.date(2015, 10, 6)) is None  # Schrems I
    shield = adequacy_for("US", on=datetime.date(2018, 1, 1))
    assert shield is not None and "2016/1250" in shield.decision
    assert adequacy_for("US", on=datetime.date(2020, 7, 16)) is None  # Schrems II
    assert adequacy_for("US", on=datetime.date(2023, 7, 9)) is None
    assert adequacy_for("US", on=datetime.date(2023, 7, 10)) is not None


def test_uk_adequacy_follows_brexit() -> None:
    assert adequacy_for("GB", on=datetime.date(2020, 6, 1)) is None  # transition period
    first = adequacy_for("GB", on=datetime.date(2022, 1, 1))
    assert first is not None and first.celex == "32021D1772"
    renewed = adequacy_for("GB", on=datetime.date(2026, 6, 1))
    assert renewed is not None and renewed.adopted > first.adopted
    assert adequacy_for("GB", on=datetime.date(2032, 1, 1)) is None


def test_partial_decisions_have_a_scope() -> None:
    on = datetime.date(2026, 6, 1)
    for code in ("CA", "JP", "US", "KR", "IL", "FO"):
        decision = adequacy_for(code, on=on)
        assert decision is not None and decision.scope, code
    full = adequacy_for("CH", on=on)
    assert full is not None and full.scope is None and not full.partial


def test_adequacy_without_a_date_means_today() -> None:
    assert adequacy_for("CH") == adequacy_for("CH", on=TODAY)
    assert adequacy_for("NZ") is not None


def test_adequacy_decisions_are_frozen() -> None:
    decision = adequacy_for("CH")
    assert decision is not None
    with pytest.raises(AttributeError):
        decision.code = "US"  # type: ignore[misc]


@pytest.mark.parametrize("place", ["EEA", "EU", "worldwide", "UK", "XX"])
def test_adequacy_needs_a_country_code(place: str) -> None:
    with pytest.raises(UnknownPlaceError):
        adequacy_for(place)


# --- labels ------------------------------------------------------------------------------


def test_place_labels() -> None:
    assert place_label("EEA") == "the European Economic Area"
    assert place_label("EU") == "the European Union"
    assert place_label("US") == "the United States"
    assert place_label("GB") == "the United Kingdom"
    assert place_label("DE") == "Germany"
    assert place_label("KR") == "South Korea"
    assert place_label("worldwide") == "any country"
    assert place_label("unknownPlace") == "an unknown place"


def test_country_names() -> None:
    assert country_name("US") == "United States"
    assert country_name("GB") == "United Kingdom"
    assert country_name("VG") == "British Virgin Islands"
    assert country_name("CD") == "Democratic Republic of the Congo"
    for code in ALL_COUNTRIES:
        assert country_name(code)
        assert not country_name(code).startswith(("the ", "The "))


def test_labels_reject_unknown_places() -> None:
    with pytest.raises(UnknownPlaceError):
        place_label("XX")
    with pytest.raises(UnknownPlaceError):
        country_name("EU")


def test_data_is_loaded_once() -> None:
    assert _geo._load() is _geo._load()
    assert countries_in("EU") is countries_in("EU")


# --- the data file's own schema ------------------------------------------------------------


def test_the_data_file_matches_its_json_schema(raw: dict[str, Any]) -> None:
    import jsonschema

    schema = json.loads(_geo.SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert [error.message for error in validator.iter_errors(raw)] == []


def _tampered(raw: dict[str, Any], change: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(raw))
    change(data)
    return data


@pytest.mark.parametrize(("change", "where", "problem"), [
    (lambda d: d["adequacy"][0].update(adopted="2000-13-01"), "adequacy[0].adopted",
     "is not a 'date'"),
    (lambda d: d["adequacy"][1].update(requiresCertification="no"),
     "adequacy[1].requiresCertification", "is not of type 'boolean'"),
    (lambda d: d["adequacy"][2].update(inForceUnitl="2020-01-01"), "adequacy[2]",
     "'inForceUnitl' was unexpected"),
    (lambda d: d["regions"]["EU"].update(members="FR"), "regions.EU.members",
     "is not of type 'array'"),
    (lambda d: d.pop("version"), "top level", "'version' is a required property"),
    (lambda d: d.update(version="1.0"), "version", "does not match"),
    (lambda d: d["regions"]["EU"]["members"].append("XX"), "regions.EU.members[27]",
     "not an ISO 3166-1 alpha-2 code known to pycountry"),
    (lambda d: d["regions"]["EU"].update(includes=["EEA"]), "regions",
     "circular 'includes'"),
    (lambda d: d["adequacy"][0].update(inForceUntil="1999-01-01"), "adequacy[0]",
     "inForceUntil is before adopted"),
])
def test_a_malformed_data_file_is_refused_naming_the_place(
        raw: dict[str, Any], tmp_path: Any, monkeypatch: pytest.MonkeyPatch, change: Any,
        where: str, problem: str) -> None:
    bad = tmp_path / "jurisdictions.json"
    bad.write_text(json.dumps(_tampered(raw, change)), encoding="utf-8")
    monkeypatch.setattr(_geo, "DATA_FILE", bad)
    _geo._load.cache_clear()
    try:
        with pytest.raises(_geo.JurisdictionDataError) as caught:
            _geo._load()
    finally:
        _geo._load.cache_clear()
    assert f"jurisdictions.json: {where}: " in str(caught.value)
    assert problem in str(caught.value)
