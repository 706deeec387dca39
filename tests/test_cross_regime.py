"""One problem reported under two regimes is one finding: cookies on consent by use
(VP209 with VP323) and a marketing statement under ePrivacy and the CPNI rules (VP322 with
VP331). The merged finding cites the law of every regime that applies, keeps the owning
rule's code, and a suppression of either rule silences it."""

from __future__ import annotations

from typing import Any

import yaml

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.loader import parse_text
from pypolicy.validation.engine import Config, check_document, validate_loaded
from pypolicy.validation.rules._base import merge_across_rules

BASE = """\
formatVersion: 1.0.0
id: cross
title: Cross-regime privacy policy
language: en
provider:
  name: Example Telecom Ltd
  contacts: [{channel: email, value: privacy@example.net}]
"""
GDPR = "{id: rg-gdpr, regime: gdpr, stance: claimed}"
EPRIVACY = "{id: rg-eprivacy, regime: eprivacy, stance: applies}"
CPNI = "{id: rg-cpni, regime: usCpni, stance: claimed}"

COOKIES_BY_USE = """\
tracking:
  technologies: [cookies]
  cookieKinds: [essentialCookies, analyticsCookies]
  consentMechanisms: [impliedByUse]
"""
COOKIES_BY_BROWSER = COOKIES_BY_USE.replace("impliedByUse", "browserControls")
CDR_MARKETING = """\
dataCategories:
  - {id: d-cdr, name: Call detail records, categories: [callDetailRecord]}
statements:
  - id: s-upsell
    modality: may
    actions: [analyse]
    data: [d-cdr]
    purposes: [directMarketing]
    legalBases: [legitimateInterest]
"""
PAIR_CODES = {"VP209", "VP323", "VP322", "VP331"}


def document(regimes: list[str], body: str, suppressions: str = "") -> dict[str, Any]:
    text = BASE + f"regimes: [{', '.join(regimes)}]\n" + body + suppressions
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def pair_findings(data: dict[str, Any]) -> tuple[list[Finding], int]:
    findings, suppressed = check_document(data, Config(select=("ALL",)))
    return [f for f in findings if f.code in PAIR_CODES], suppressed


def test_cookies_on_consent_by_use_under_gdpr_and_eprivacy_are_one_finding() -> None:
    found, _ = pair_findings(document([GDPR, EPRIVACY], COOKIES_BY_USE))
    assert [f.code for f in found] == ["VP209"]
    (finding,) = found
    assert finding.legal_reference is not None
    assert "GDPR Art. 4(11) and 7" in finding.legal_reference
    assert "ePrivacy Directive 2002/58/EC Art. 5(3)" in finding.legal_reference
    assert finding.message == "tracking rests on consent inferred from use of the service;" \
        " analytics cookies need prior consent, but the policy describes only implied by use"
    assert finding.pointers == ("/tracking",)


def test_cookies_on_consent_by_use_under_gdpr_alone_are_vp209_as_before() -> None:
    found, _ = pair_findings(document([GDPR], COOKIES_BY_USE))
    assert [(f.code, f.legal_reference) for f in found] == \
        [("VP209", "GDPR Art. 4(11) and 7")]
    assert found[0].message == "tracking rests on consent inferred from use of the service"


def test_cookies_by_browser_settings_under_eprivacy_are_vp323_as_before() -> None:
    found, _ = pair_findings(document([GDPR, EPRIVACY], COOKIES_BY_BROWSER))
    assert [f.code for f in found] == ["VP323"]
    assert found[0].legal_reference == \
        "ePrivacy Directive 2002/58/EC Art. 5(3); CJEU C-673/17 Planet49"
    assert found[0].message == \
        "analytics cookies need prior consent, but the policy describes only browser settings"


def test_suppressing_either_cookie_rule_silences_the_merged_finding() -> None:
    for rule, targets in (("VP323", ""), ("cookie-consent", ", targets: [/tracking]"),
                          ("VP209", ""), ("consent-inferred-from-use", "")):
        suppression = f"suppressions: [{{rule: {rule}, reason: reviewed{targets}}}]\n"
        found, suppressed = pair_findings(document([GDPR, EPRIVACY], COOKIES_BY_USE,
                                                   suppression))
        assert found == [], rule
        assert suppressed == 1, rule


def test_suppressed_merged_finding_keeps_the_reason_of_the_suppression() -> None:
    data = document([GDPR, EPRIVACY], COOKIES_BY_USE,
                    "suppressions: [{rule: VP323, reason: banner added since}]\n")
    loaded = parse_text(yaml.safe_dump(data), "cross.policy.yaml")
    result = validate_loaded(loaded, Config(select=("ALL",)))
    accepted = [s for s in result.suppressed_findings if s.finding.code == "VP209"]
    assert [(s.reason, s.pointer) for s in accepted] == [("banner added since",
                                                          "/suppressions/0")]
    assert not [f for f in result.findings if f.code in PAIR_CODES]


def test_marketing_with_call_records_under_eprivacy_and_cpni_is_one_finding() -> None:
    found, _ = pair_findings(document([EPRIVACY, CPNI], CDR_MARKETING))
    assert [f.code for f in found] == ["VP322"]
    (finding,) = found
    assert finding.legal_reference == "ePrivacy Directive 2002/58/EC Art. 6(3) and 9(1);" \
        " 47 CFR 64.2005(a), 64.2007 and 64.2008"
    # the statement is named once, then what each law asks
    assert finding.message.count("s-upsell uses") == 1
    assert "only with consent" in finding.message
    assert "opt-in or opt-out approval" in finding.message
    assert finding.pointers == ("/statements/0",)


def test_marketing_with_call_records_under_one_regime_is_that_rules_finding() -> None:
    eprivacy, _ = pair_findings(document([EPRIVACY], CDR_MARKETING))
    assert [(f.code, f.legal_reference) for f in eprivacy] == \
        [("VP322", "ePrivacy Directive 2002/58/EC Art. 6(3) and 9(1)")]
    assert "approval" not in eprivacy[0].message
    cpni, _ = pair_findings(document([CPNI], CDR_MARKETING))
    assert [(f.code, f.legal_reference) for f in cpni] == \
        [("VP331", "47 CFR 64.2005(a), 64.2007 and 64.2008")]


def test_suppressing_either_marketing_rule_silences_the_merged_finding() -> None:
    for rule, targets in (("VP331", ", targets: [/statements/0]"), ("VP322", ""),
                          ("cpni-marketing-without-approval", "")):
        suppression = f"suppressions: [{{rule: {rule}, reason: reviewed{targets}}}]\n"
        found, suppressed = pair_findings(document([EPRIVACY, CPNI], CDR_MARKETING,
                                                   suppression))
        assert found == [], rule
        assert suppressed == 1, rule


def test_a_suppression_of_another_statement_does_not_silence_the_merged_finding() -> None:
    suppression = "suppressions: [{rule: VP331, reason: reviewed, targets: [/statements/1]}]\n"
    found, suppressed = pair_findings(document([EPRIVACY, CPNI], CDR_MARKETING, suppression))
    assert [f.code for f in found] == ["VP322"]
    assert suppressed == 0


def test_only_the_absorbed_rules_findings_within_the_owners_places_merge() -> None:
    owner = Finding("VP322", "traffic-data-marketing-without-consent", Severity.WARNING,
                    "s-a uses X for marketing with no stated basis; consent needed",
                    ("/statements/0",), legal_reference="ePrivacy")
    within = Finding("VP331", "cpni-marketing-without-approval", Severity.ERROR,
                     "s-a uses X for marketing with no stated basis; approval needed",
                     ("/statements/0",), legal_reference="CPNI")
    elsewhere = Finding("VP331", "cpni-marketing-without-approval", Severity.WARNING,
                        "s-b uses Y; approval needed", ("/statements/1",))
    unrelated = Finding("VP304", "purpose-without-basis", Severity.WARNING, "no basis",
                        ("/statements/0",))
    merged = merge_across_rules([owner, within, elsewhere, unrelated])
    assert [(f.code, also) for f, also in merged] == [
        ("VP322", (("VP331", "cpni-marketing-without-approval"),)), ("VP331", ()),
        ("VP304", ())]
    first = merged[0][0]
    assert first.message == "s-a uses X for marketing with no stated basis; consent needed;" \
        " approval needed"
    assert first.legal_reference == "ePrivacy; CPNI"
    assert first.severity == Severity.ERROR


IMPLIED_BASIS = """\
dataCategories:
  - {id: d-usage, name: Usage data, categories: [usage]}
statements:
  - id: s-analytics
    modality: does
    actions: [analyse]
    data: [d-usage]
    legalBases: [impliedConsent]
"""


def test_consent_by_use_outside_cookies_is_reported_only_under_a_law_that_defines_consent(
        ) -> None:
    # ePrivacy asks affirmative consent for cookies, not for a statement's legal basis:
    # with ePrivacy alone, VP209 has no law to cite and stays quiet; with GDPR it cites it
    alone, _ = pair_findings(document([EPRIVACY], IMPLIED_BASIS))
    assert alone == []
    with_gdpr, _ = pair_findings(document([GDPR, EPRIVACY], IMPLIED_BASIS))
    assert [f.code for f in with_gdpr] == ["VP209"]
    assert with_gdpr[0].legal_reference and "Art. 4(11)" in with_gdpr[0].legal_reference
