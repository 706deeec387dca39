"""The law that applies (``pypolicy.validation.rules._regimes.decide``): the GDPR and the
UK GDPR reach a provider established outside their territory that offers services to
people there (Art. 3(2)), which a document shows by naming its representative there
(Art. 27 asks one of such a provider alone)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pypolicy.format.model import Policy
from pypolicy.validation.engine import Config, check_document, validate_path
from pypolicy.validation.rules import BASE_EXAMPLE
from pypolicy.validation.rules._regimes import decide

EU_REP = ("officers: [{appointed: true, officerRole: euRepresentative, name: Rep EU BV,"
          " contacts: [{channel: email, value: rep@example.eu}]}]")
UK_REP = ("officers: [{appointed: true, officerRole: ukRepresentative, name: Rep UK Ltd,"
          " contacts: [{channel: email, value: rep@example.co.uk}]}]")
KESTREL = Path(__file__).parent.parent / "examples" / "synthetic" / "kestrel.policy.json"
REPRESENTATIVE = ("representative: {name: Rep BV, contacts: [{channel: email,"
                  " value: rep@example.eu}]}")


def document(country: str | None, *fragments: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(BASE_EXAMPLE)
    if country is not None:
        data["provider"]["country"] = country
    for fragment in fragments:
        data.update(yaml.safe_load(fragment))
    return data


def applied(data: dict[str, Any]) -> dict[str, str]:
    return {d.regime: d.grounds for d in decide(Policy.from_dict(data)) if d.applied}


@pytest.mark.parametrize("country", ["US", "GB", "IN", None])
def test_an_eu_representative_shows_services_offered_in_the_eea(country: str | None) -> None:
    grounds = applied(document(country, EU_REP))
    assert grounds["gdpr"] == ("offers services to users in the EEA: it names its"
                               " representative there, which GDPR Art. 27 asks only of a"
                               " provider that does")


def test_a_uk_representative_brings_the_uk_gdpr() -> None:
    grounds = applied(document("US", UK_REP))
    assert grounds["ukGdpr"].startswith("offers services to users in the United Kingdom")
    assert "gdpr" not in grounds


def test_the_representative_of_a_uk_provider_is_its_eu_one_and_the_other_way_round() -> None:
    assert "gdpr" in applied(document("GB", REPRESENTATIVE))
    from_ireland = applied(document("IE", REPRESENTATIVE))
    assert from_ireland["ukGdpr"].startswith("offers services to users in the United Kingdom")
    assert from_ireland["gdpr"] == "provider established in Ireland, in the EEA"
    # for a provider elsewhere the field does not say which representative it is
    assert not {"gdpr", "ukGdpr"} & set(applied(document("US", REPRESENTATIVE)))


def test_no_sign_of_users_in_the_eea_no_gdpr() -> None:
    decisions = {d.regime: d for d in decide(Policy.from_dict(document("US")))}
    assert not decisions["gdpr"].applied
    assert "names no representative there" in decisions["gdpr"].grounds
    # an EU representative who is not (or no longer) appointed is no sign
    stale = EU_REP.replace("appointed: true", "appointed: false")
    assert "gdpr" not in applied(document("US", stale))


def test_an_establishment_in_the_eea_is_the_ground_not_the_representative() -> None:
    assert applied(document("FR", EU_REP))["gdpr"] == \
        "provider established in France, in the EEA"


def test_targeting_switches_the_gdpr_rules_on_and_they_cite_the_gdpr() -> None:
    data = document("US", EU_REP, "rights: [{id: rt-access, right: access}]")
    findings, _ = check_document(data, Config(select=("VP310",)))
    (finding,) = findings
    assert finding.legal_reference is not None
    assert finding.legal_reference.startswith("GDPR Art. 13(2)(b)")
    assert "UK GDPR" not in finding.legal_reference
    assert check_document(document("US", "rights: [{id: rt-access, right: access}]"),
                          Config(select=("VP310",)))[0] == []


def test_a_uk_provider_serving_the_eea_is_not_told_its_uk_disclosures_are_transfers() -> None:
    result = validate_path(str(KESTREL))
    assert "gdpr" in {d.regime for d in result.applied_regimes()}
    assert not [f for f in result.findings if f.code == "VP307"]
