"""Completeness rules (layer 4) on edge cases a privacy reviewer would raise.

Every rule's own failing and passing examples run in test_rules.py; these tests check
the judgement calls: what counts as a disclosure, which narrower terms stand in for
broader ones (and which do not), and when a profile applies at all.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from pypolicy.core.findings import Finding
from pypolicy.validation.engine import Config, check_document
from pypolicy.validation.rules import BASE_EXAMPLE, RULES
from pypolicy.validation.rules._base import REGIME_PROFILES
from pypolicy.validation.rules.completeness import PROFILE_REGIMES, RIGHTS_ARTICLES

GDPR = "regimes: [{id: rg-gdpr, regime: gdpr, stance: claimed, evidence: [{quote: We comply with the GDPR.}]}]"  # noqa: E501
UK_GDPR = "regimes: [{id: rg-uk, regime: ukGdpr, stance: claimed}]"
EPRIVACY = "regimes: [{id: rg-ep, regime: eprivacy, stance: applies}]"
CPNI = "regimes: [{id: rg-cpni, regime: usCpni, stance: claimed}]"
CONTACT = "dataCategories: [{id: d-contact, name: Contact data, categories: [contact]}]"
CDR = "dataCategories: [{id: d-cdr, name: Call records, categories: [callDetailRecord]}]"
US_PROVIDER = "provider: {name: Example VoIP Inc., country: US, contacts: [{channel: email," \
    " value: privacy@example.com}]}"


def document(*fragments: str) -> dict[str, Any]:
    """BASE_EXAMPLE with YAML fragments merged on top (top-level keys replace the base's;
    a later fragment's keys replace an earlier one's)."""
    data: dict[str, Any] = yaml.safe_load(BASE_EXAMPLE)
    for fragment in fragments:
        data.update(yaml.safe_load(fragment) or {})
    return data


def findings(data: dict[str, Any], code: str | None = None,
             profiles: tuple[str, ...] = ()) -> list[Finding]:
    found, _ = check_document(data, Config(profiles=profiles))
    assert not [f for f in found if f.code in ("VP001", "VP002", "VP003")], \
        "test documents must be schema-valid and resolve"
    return [f for f in found if code is None or f.code == code]


def completeness_codes(data: dict[str, Any], profiles: tuple[str, ...] = ()) -> set[str]:
    return {f.code for f in findings(data, profiles=profiles) if f.code.startswith("VP3")}


def statements(*lines: str) -> str:
    return "statements:\n" + "".join(f"  - {line}\n" for line in lines)


# -- when profiles apply ----------------------------------------------------------------


def test_profile_does_not_apply_without_a_regime() -> None:
    assert completeness_codes(document()) == set()


def test_disclaimed_regime_does_not_apply() -> None:
    disclaimed = "regimes: [{id: rg-gdpr, regime: gdpr, stance: disclaimed}]"
    assert completeness_codes(document(disclaimed)) == set()


@pytest.mark.parametrize("claim", [GDPR, UK_GDPR,
                                   "regimes: [{id: rg, regime: gdpr, stance: applies}]"])
def test_gdpr_profile_applies_to_gdpr_and_uk_gdpr_claims(claim: str) -> None:
    assert {"VP303", "VP308", "VP310", "VP312"} <= completeness_codes(document(claim))


def test_forced_profile_applies_and_points_at_the_document_root() -> None:
    data = document()
    found = findings(data, "VP308", profiles=("gdpr",))
    assert len(found) == 1 and found[0].pointers == ("",)
    # the CPNI rules ask nothing of a policy that neither seeks approval nor describes
    # its breach procedure (issue 12)
    assert completeness_codes(data, profiles=("cpni",)) == set()


def test_missing_disclosure_points_at_the_regime_claim_and_quotes_it() -> None:
    (finding,) = findings(document(GDPR), "VP308")
    assert finding.pointers == ("/regimes/0",)
    assert [q.text for q in finding.quotes] == ["We comply with the GDPR."]


def test_profiles_switched_on_by_the_same_regimes_as_the_pipeline() -> None:
    for regime, profile in REGIME_PROFILES.items():
        assert regime in PROFILE_REGIMES[profile]
    assert {r for regimes in PROFILE_REGIMES.values() for r in regimes} == set(REGIME_PROFILES)


@pytest.mark.parametrize(("service", "applies"), [
    ("{serviceKinds: [consumerVoip]}", True),
    ("{serviceKinds: [hostedPbx, websiteService]}", True),
    ("{serviceKinds: [softphone], publicNetwork: false}", False),
    ("{serviceKinds: [privatePbx]}", False),
    ("{serviceKinds: [wholesaleTermination]}", False),
])
def test_emergency_profile_follows_interconnected_voip(service: str, applies: bool) -> None:
    assert bool(findings(document(US_PROVIDER, f"service: {service}"), "VP341")) is applies


@pytest.mark.parametrize("provider", ["provider: {name: Example Telecom Ltd, country: GB,"
                                      " contacts: [{channel: email, value: a@b.example}]}",
                                      "provider: {name: Example Telecom, contacts:"
                                      " [{channel: email, value: a@b.example}]}"])
def test_the_us_emergency_rules_stay_out_of_other_countries(provider: str) -> None:
    data = document(provider, "service: {serviceKinds: [consumerVoip]}")
    assert not findings(data, "VP341")
    # forcing the profile still applies it, and says so
    assert findings(data, "VP341", profiles=("emergency",))


# -- GDPR ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("provider", "fires"), [
    ("{name: Example Telecom Ltd, country: GB}", True),
    ("{name: Example Telecom Ltd, address: '1 High Street, London'}", False),
    ("{name: Example Telecom Ltd, contacts: [{channel: webForm, value: example.net/privacy}]}",
     False),
])
def test_controller_identity_needs_a_contact_or_address(provider: str, fires: bool) -> None:
    found = findings(document(GDPR, f"provider: {provider}"), "VP301")
    assert bool(found) is fires
    assert all(f.pointers == ("/provider",) for f in found)


def test_dpo_contact_does_not_stand_in_for_the_controllers() -> None:
    data = document(GDPR, "provider: {name: Example Telecom Ltd}",
                    "dataProtectionOfficer: {appointed: true, contacts: [{channel: email,"
                    " value: dpo@example.net}]}")
    assert findings(data, "VP301") and not findings(data, "VP302")


@pytest.mark.parametrize(("officer", "fires"), [
    ("{appointed: true}", True),
    ("{appointed: false}", False),
    ("{appointed: true, contacts: [{channel: postal, value: 'DPO, 1 High Street'}]}", False),
])
def test_dpo_contact_only_when_a_dpo_is_appointed(officer: str, fires: bool) -> None:
    found = findings(document(GDPR, f"dataProtectionOfficer: {officer}"), "VP302")
    assert bool(found) is fires
    assert all(f.pointers == ("/dataProtectionOfficer",) for f in found)


def test_legal_basis_from_a_negative_statement_does_not_count() -> None:
    data = document(GDPR, CONTACT, statements(
        "{id: s-use, modality: does, actions: [use], data: [d-contact], purposes: [billing]}",
        "{id: s-no, modality: doesNot, actions: [use], data: [d-contact], legalBases: [consent]}"))
    assert findings(data, "VP303")


def test_legal_basis_named_by_a_condition_counts() -> None:
    data = document(GDPR, CONTACT, statements(
        "{id: s-share, modality: onlyIf, actions: [use], data: [d-contact],"
        " purposes: [directMarketing], conditions: [withConsent]}"))
    assert not findings(data, "VP303") and not findings(data, "VP304")


def test_legal_basis_for_anonymous_data_only_does_not_count() -> None:
    data = document(GDPR, "dataCategories: [{id: d-stats, name: statistics,"
                    " categories: [anonymousData]}]", statements(
                        "{id: s-stats, modality: does, actions: [use], data: [d-stats],"
                        " legalBases: [legitimateInterest], purposes: [analytics]}"))
    assert findings(data, "VP303")


def test_purpose_without_basis_does_not_repeat_that_no_basis_is_given_at_all() -> None:
    data = document(GDPR, CONTACT, statements(
        "{id: s-ads, modality: may, actions: [use], data: [d-contact], purposes: [marketing]}"))
    assert findings(data, "VP303") and not findings(data, "VP304")


def test_stating_the_first_basis_trades_the_missing_basis_for_the_unfounded_purposes() -> None:
    # monotone in the total: the one VP303 finding becomes at most one VP304 finding
    data = document(GDPR, CONTACT, statements(
        "{id: s-bill, modality: does, actions: [use], data: [d-contact], purposes: [billing],"
        " legalBases: [contract]}",
        "{id: s-ads, modality: may, actions: [use], data: [d-contact], purposes: [marketing]}",
        "{id: s-sec, modality: may, actions: [use], data: [d-contact], purposes: [security]}"))
    assert not findings(data, "VP303")
    (finding,) = findings(data, "VP304")
    assert "marketing (s-ads)" in finding.message and "security (s-sec)" in finding.message
    assert finding.pointers == ("/statements/1", "/statements/2")


@pytest.mark.parametrize("statement, fires", [
    ("{id: s-x, modality: does, actions: [use], data: [d-contact], legalBases: [impliedConsent]}",
     True),
    ("{id: s-x, modality: may, actions: [disclose], data: [d-contact],"
     " conditions: [requiredByLaw]}", True),
    ("{id: s-x, modality: does, actions: [use], data: [d-contact], legalBases: [contract]}",
     False)])
def test_a_legal_basis_counts_only_when_the_text_states_one(statement: str,
                                                            fires: bool) -> None:
    assert bool(findings(document(GDPR, CONTACT, statements(statement)), "VP303")) == fires


def test_purpose_without_basis_works_by_branch_one_finding_each() -> None:
    data = document(GDPR, CONTACT, statements(
        "{id: s-news, modality: may, actions: [use], data: [d-contact],"
        " purposes: [directMarketing], legalBases: [consent]}",
        "{id: s-partners, modality: may, actions: [share], data: [d-contact],"
        " purposes: [thirdPartyMarketing]}",
        "{id: s-fraud, modality: may, actions: [use], data: [d-contact],"
        " purposes: [fraudPrevention]}",
        "{id: s-abuse, modality: may, actions: [use], data: [d-contact],"
        " purposes: [abusePrevention]}"))
    (finding,) = findings(data, "VP304")
    assert "security" in finding.message
    assert finding.pointers == ("/statements/2", "/statements/3")


def test_contract_and_legal_obligation_found_their_own_purposes_without_a_link() -> None:
    data = document(GDPR, CONTACT, statements(
        "{id: s-bases, modality: does, actions: [use], data: [d-contact],"
        " legalBases: [contract, legalObligation, legitimateInterest]}",
        "{id: s-billing, modality: does, actions: [use], data: [d-contact],"
        " purposes: [billing]}",
        "{id: s-law, modality: may, actions: [disclose], data: [d-contact],"
        " purposes: [legalProcess]}",
        "{id: s-improve, modality: may, actions: [analyse], data: [d-contact],"
        " purposes: [analytics]}"))
    messages = [f.message for f in findings(data, "VP304")]
    assert len(messages) == 1 and "improving the service" in messages[0]


def test_purpose_of_a_recipient_acting_for_itself_needs_no_basis_from_the_provider() -> None:
    data = document(GDPR, CONTACT, "parties: [{id: p-ads, name: ad platforms,"
                    " roles: [advertisingPlatform]}]", statements(
                        "{id: s-bill, modality: does, actions: [use], data: [d-contact],"
                        " purposes: [billing], legalBases: [contract]}",
                        "{id: s-ads, modality: may, actors: [p-ads], actions: [collect],"
                        " data: [d-contact], purposes: [advertising]}"))
    assert not findings(data, "VP304")


def test_legitimate_interests_stated_on_any_relying_statement_suffice() -> None:
    data = document(GDPR, CONTACT, statements(
        "{id: s-bases, modality: does, actions: [use], data: [d-contact],"
        " legalBases: [legitimateInterest]}",
        "{id: s-fraud, modality: does, actions: [use], data: [d-contact],"
        " legalBases: [legitimateInterest], purposes: [fraudPrevention]}"))
    assert not findings(data, "VP305")


def test_legitimate_interests_without_purposes_cite_every_relying_statement() -> None:
    data = document(GDPR, CONTACT, statements(
        "{id: s-a, modality: does, actions: [use], data: [d-contact],"
        " legalBases: [legitimateInterest]}",
        "{id: s-b, modality: may, actions: [store], data: [d-contact],"
        " legalBases: [contract, legitimateInterest]}"))
    (finding,) = findings(data, "VP305")
    assert finding.pointers == ("/statements/0", "/statements/1")
    assert "s-a and s-b rely" in finding.message


@pytest.mark.parametrize(("parties", "fires"), [
    ("", True),
    ("parties: [{id: p-register, name: electoral register, roles: [publicRegister]}]", True),
    ("parties: [{id: p-carriers, name: other carriers, roles: [telecomCarrier]}]", False),
])
def test_recipients_need_a_party_with_a_recipient_role(parties: str, fires: bool) -> None:
    data = document(GDPR, CONTACT, parties, statements(
        "{id: s-share, modality: may, actions: [share], data: [d-contact]}"))
    assert bool(findings(data, "VP306")) is fires


def test_sharing_only_anonymous_data_needs_no_recipients() -> None:
    data = document(GDPR, "dataCategories: [{id: d-stats, name: statistics,"
                    " categories: [anonymousData]}]", statements(
                        "{id: s-share, modality: may, actions: [share], data: [d-stats]}"))
    assert not findings(data, "VP306")


def transfer(destinations: str, mechanisms: str, claim: str = GDPR) -> dict[str, Any]:
    named = f", mechanisms: {mechanisms}" if mechanisms != "[]" else ""
    return document(claim, f"transfers: [{{id: t-x, destinations: {destinations}{named}}}]")


@pytest.mark.parametrize(("destinations", "mechanisms", "fires"), [
    ("[JP]", "[adequacyDecision]", False),
    ("[US]", "[dataPrivacyFramework]", False),
    ("[US]", "[adequacyDecision]", False),  # the DPF decision is the US adequacy decision
    ("[IN]", "[adequacyDecision]", True),
    ("[CN]", "[dataPrivacyFramework]", True),
    ("[US]", "[agreementByUse]", True),
    ("[US]", "[policySafeguards, agreementByUse]", True),
    ("[US]", "[]", True),
    ("[JP]", "[]", True),  # Art. 13(1)(f): the policy must say it relies on the decision
    ("[FR, 'NO']", "[]", False),
    ("[EEA]", "[]", False),
    ("[unknownPlace]", "[standardContractualClauses]", False),
    ("[worldwide]", "[bindingCorporateRules]", False),
    ("[unknownPlace]", "[adequacyDecision]", True),
    ("[US, IN]", "[contractDerogation]", False),
    ("[US]", "[explicitConsentDerogation]", False),
])
def test_transfer_mechanisms(destinations: str, mechanisms: str, fires: bool) -> None:
    assert bool(findings(transfer(destinations, mechanisms), "VP307")) is fires


def test_transfer_finding_names_only_the_uncovered_destinations() -> None:
    (finding,) = findings(transfer("[JP, IN]", "[adequacyDecision]"), "VP307")
    assert "India" in finding.message and "Japan" not in finding.message
    assert finding.pointers == ("/transfers/0",)


def test_uk_gdpr_treats_the_uk_and_the_eea_as_home_but_gdpr_does_not() -> None:
    assert not findings(transfer("[GB, IE]", "[]", UK_GDPR), "VP307")
    assert findings(transfer("[GB]", "[]", GDPR), "VP307")
    assert not findings(transfer("[GB]", "[adequacyDecision]", GDPR), "VP307")


RECIPIENT = """\
parties:
  - {{id: p-x, name: push service, roles: [pushService], {where}}}
dataCategories:
  - {{id: d-token, name: push token, categories: [pushToken]}}
statements:
  - {{id: s-x, modality: {modality}, actions: [share], data: [d-token], recipients: [p-x]}}
"""


@pytest.mark.parametrize(("where", "modality", "fires"), [
    ("locations: [US]", "does", True),
    ("outside: [EEA]", "may", True),
    ("locations: [US, IE]", "does", False),  # partly inside: a question for VP102
    ("outside: [EU]", "does", False),  # could be Norway
    ("locations: [DE]", "does", False),
    ("locations: [US]", "doesNot", False),
])
def test_recipients_located_outside_need_a_transfer(where: str, modality: str,
                                                    fires: bool) -> None:
    data = document(GDPR, RECIPIENT.format(where=where, modality=modality))
    found = findings(data, "VP307")
    assert bool(found) is fires
    assert all(f.pointers == ("/parties/0", "/statements/0") for f in found)


@pytest.mark.parametrize(("transfers", "fires"), [
    ("[{id: t-us, destinations: [US], mechanisms: [standardContractualClauses]}]", False),
    ("[{id: t-any, destinations: [unknownPlace], recipients: [p-x],"
     " mechanisms: [dataPrivacyFramework]}]", False),
    ("[{id: t-jp, destinations: [JP], mechanisms: [adequacyDecision]}]", True),
])
def test_a_covering_transfer_entry_is_judged_instead(transfers: str, fires: bool) -> None:
    data = document(GDPR, RECIPIENT.format(where="locations: [US]", modality="does"),
                    f"transfers: {transfers}")
    assert bool([f for f in findings(data, "VP307") if "/parties/0" in f.pointers]) is fires


def test_a_statement_that_sends_data_abroad_needs_a_transfer() -> None:
    data = document(GDPR, CONTACT, statements(
        "{id: s-us, modality: does, actions: [transfer], data: [d-contact], locations: [US]}"))
    (finding,) = findings(data, "VP307")
    assert finding.pointers == ("/statements/0",) and "the United States" in finding.message


def test_retention_rule_of_any_kind_satisfies_retention_missing() -> None:
    data = document(GDPR, CONTACT, "retention: [{id: r, data: [d-contact], indefinite: true}]")
    assert not findings(data, "VP308") and not findings(data, "VP309")


@pytest.mark.parametrize(("rules", "fires"), [
    ("[{id: r-a, data: [d-contact], criteria: [purposeFulfilled]}]", True),
    # "as long as necessary or as the law requires", with no period: still vague (issue 12)
    ("[{id: r-a, data: [d-contact], criteria: [purposeFulfilled, legalRequirement]}]", True),
    ("[{id: r-a, data: [d-contact], criteria: [legalRequirement], imposedBy: [taxLaw]}]",
     False),
    ("[{id: r-a, data: [d-contact], period: {atMost: P2Y}}]", False),
    ("[{id: r-a, data: [d-contact], criteria: [purposeFulfilled], afterwards: deleted}]", True),
    ("[{id: r-a, data: [d-contact], criteria: [purposeFulfilled]},"
     " {id: r-b, data: [d-contact], criteria: [contractDuration]}]", False),
    ("[{id: r-a, data: [d-contact], criteria: [purposeFulfilled]},"
     " {id: r-all, data: [d-all], duration: P2Y}]", False),
])
def test_vague_retention_unless_bounded_elsewhere(rules: str, fires: bool) -> None:
    data = document(GDPR, "dataCategories: [{id: d-contact, name: Contact data, categories:"
                    " [contact]}, {id: d-all, name: all data, categories: [personalData]}]",
                    f"retention: {rules}")
    assert bool(findings(data, "VP309")) is fires


def test_vague_retention_names_the_data_left_unbounded() -> None:
    data = document(GDPR, """\
dataCategories:
  - {id: d-contact, name: Contact data, categories: [contact]}
  - {id: d-logs, name: Server logs, categories: [serverLogs]}
retention:
  - {id: r-vague, data: [d-contact, d-logs], criteria: [purposeFulfilled]}
  - {id: r-logs, data: [d-logs], duration: P90D}
""")
    (finding,) = findings(data, "VP309")
    assert "Contact data" in finding.message and "Server logs" not in finding.message


def rights(*names: str) -> str:
    """A rights fragment; none at all when no right is named (lists may not be empty)."""
    if not names:
        return ""
    return "rights: [" + ", ".join(f"{{id: r-{n}, right: {n}}}" for n in names) + "]"


def test_missing_rights_are_one_finding_naming_each_with_its_article() -> None:
    (finding,) = findings(document(GDPR, rights("access", "erasure")), "VP310")
    missing = [r for r in RIGHTS_ARTICLES if r not in ("access", "erasure")]
    for right in missing:
        wording, article = RIGHTS_ARTICLES[right]
        assert f"{wording} (Art. {article})" in finding.message
    assert finding.legal_reference == "GDPR Art. 13(2)(b) and " + " and ".join(
        RIGHTS_ARTICLES[r][1] for r in missing)


def test_a_suppression_can_accept_one_missing_right() -> None:
    data = document(GDPR, rights("access", "rectification", "erasure", "restriction"))
    data["suppressions"] = [{"rule": "VP310", "targets": ["/rights/portability"],
                             "reason": "no processing rests on consent or contract"}]
    (finding,) = findings(data, "VP310")
    assert "the right to object" in finding.message
    assert "portability accepted" in finding.message and "Art. 20" not in finding.message
    data["suppressions"].append({"rule": "right-missing", "targets": ["/rights/objection"],
                                 "reason": "no processing rests on legitimate interests"})
    assert not findings(data, "VP310")


@pytest.mark.parametrize("narrower", ["optOutMarketing", "objectionDirectMarketing"])
def test_a_narrower_objection_right_does_not_stand_in_for_art_21_1(narrower: str) -> None:
    present = rights("access", "rectification", "erasure", "restriction", "portability",
                     narrower)
    (finding,) = findings(document(GDPR, present), "VP310")
    assert "the right to object (Art. 21(1))" in finding.message
    assert "narrower" in finding.message and finding.pointers[0] == "/rights/5"


def test_the_general_objection_right_satisfies_objection() -> None:
    present = rights("access", "rectification", "erasure", "restriction", "portability",
                     "objection")
    assert not findings(document(GDPR, present), "VP310")


@given(st.sets(st.sampled_from(sorted(RIGHTS_ARTICLES))),
       st.sets(st.sampled_from(["withdrawConsent", "complaint", "optOutMarketing",
                                "cpniRestriction"])))
def test_right_missing_counts_exactly_the_absent_rights(present: set[str],
                                                        others: set[str]) -> None:
    data = document(GDPR, rights(*sorted(present | others)))
    found = findings(data, "VP310")
    assert len(found) == (len(present) < len(RIGHTS_ARTICLES))
    for right, (wording, _) in RIGHTS_ARTICLES.items():
        assert (wording in " ".join(f.message for f in found)) == (right not in present)
    assert not completeness_codes(document(rights(*sorted(present | others))))


@pytest.mark.parametrize(("statement", "fires"), [
    ("{id: s, modality: may, actions: [use], data: [d-contact], legalBases: [consent]}", True),
    ("{id: s, modality: onlyIf, actions: [share], data: [d-contact], conditions: [withConsent]}",
     True),
    ("{id: s, modality: does, actions: [use], data: [d-contact], legalBases: [impliedConsent]}",
     True),
    ("{id: s, modality: doesNot, actions: [share], data: [d-contact], exceptions: [withConsent]}",
     False),
    ("{id: s, modality: does, actions: [use], data: [d-contact], legalBases: [contract]}", False),
])
def test_withdraw_consent_follows_reliance_on_consent(statement: str, fires: bool) -> None:
    data = document(GDPR, CONTACT, statements(statement), rights("optOutMarketing"))
    assert bool(findings(data, "VP311")) is fires
    with_right = document(GDPR, CONTACT, statements(statement), rights("withdrawConsent"))
    assert not findings(with_right, "VP311")


def test_complaint_right() -> None:
    assert findings(document(GDPR, rights("access")), "VP312")
    assert not findings(document(GDPR, rights("complaint")), "VP312")


def test_source_undisclosed_one_finding_per_entry() -> None:
    data = document(GDPR, """\
dataCategories:
  - {id: d-a, name: Credit data, categories: [financial], sources: [fromThirdParty]}
  - {id: d-b, name: Register data, categories: [postalAddress], sources: [publicSource]}
  - {id: d-c, name: Form data, categories: [contact], sources: [fromDataSubject, observed]}
""")
    assert [f.pointers for f in findings(data, "VP313")] == [("/dataCategories/0",),
                                                            ("/dataCategories/1",)]


@pytest.mark.parametrize(("modality", "automated", "fires"), [
    ("may", "", True),
    ("may", "automatedDecisions: {modality: does, description: credit scoring}", False),
    ("doesNot", "", False),
])
def test_automated_decisions_when_profiling(modality: str, automated: str, fires: bool) -> None:
    data = document(GDPR, CONTACT, automated, statements(
        f"{{id: s, modality: {modality}, actions: [profile], data: [d-contact],"
        " legalBases: [consent], purposes: [marketing]}"))
    assert bool(findings(data, "VP314")) is fires


@pytest.mark.parametrize(("country", "claims", "count"), [
    ("US", [GDPR], 1),
    ("GB", [GDPR], 1),
    ("'NO'", [GDPR], 0),  # an EEA state: the GDPR applies there directly
    ("GB", [UK_GDPR], 0),
    ("IE", [UK_GDPR], 1),
    ("US", ["regimes: [{id: a, regime: gdpr, stance: claimed},"
            " {id: b, regime: ukGdpr, stance: applies}]"], 2),
    ("EU", [GDPR], 0),  # not a country: nothing to judge
])
def test_representative_by_regime(country: str, claims: list[str], count: int) -> None:
    provider = f"provider: {{name: Example, country: {country}, address: somewhere}}"
    assert len(findings(document(*claims, provider), "VP315")) == count
    with_rep = document(*claims, provider, "representative: {name: Rep Ltd}")
    assert not findings(with_rep, "VP315")


# -- ePrivacy -------------------------------------------------------------------------------


def traffic(retention: str, categories: str = "[callDetailRecord]",
            modality: str = "does") -> dict[str, Any]:
    return document(EPRIVACY, f"""\
dataCategories:
  - {{id: d-cdr, name: Call records, categories: {categories}}}
  - {{id: d-all, name: all personal data, categories: [personalData]}}
statements:
  - {{id: s-cdr, modality: {modality}, actions: [collect], data: [d-cdr], purposes: [billing]}}
""", f"retention: {retention}" if retention else "")


@pytest.mark.parametrize(("retention", "fires"), [
    ("", True),
    ("[{id: r, data: [d-cdr], criteria: [purposeFulfilled, legalRequirement]}]", True),
    ("[{id: r, data: [d-cdr], indefinite: true, afterwards: anonymised}]", True),
    # "deleted when no longer needed" restates the duty without the duration (issue 12)
    ("[{id: r, data: [d-cdr], criteria: [purposeFulfilled], afterwards: deletedOrAnonymised}]",
     True),
    ("[{id: r, data: [d-cdr], duration: P6M, afterwards: deleted}]", False),
    ("[{id: r, data: [d-all], duration: P1Y}]", False),
    ("[{id: r, data: [d-all], criteria: [purposeFulfilled]}]", True),
])
def test_traffic_data_retention(retention: str, fires: bool) -> None:
    found = findings(traffic(retention), "VP321")
    assert bool(found) is fires
    assert all(f.pointers[0] == "/dataCategories/0" for f in found)


def test_network_location_and_message_logs_are_traffic_data() -> None:
    for category in ("[networkLocation]", "[messageLog]"):
        assert findings(traffic("", category), "VP321")
    assert not findings(traffic("", "[emergencyLocation]"), "VP321")


def test_traffic_data_only_in_a_negative_statement_is_not_processed() -> None:
    assert not findings(traffic("", modality="doesNot"), "VP321")


def marketing(data: str, extra: str) -> dict[str, Any]:
    return document(EPRIVACY, f"dataCategories: [{{id: d, name: records, categories: {data}}}]",
                    statements(f"{{id: s, modality: may, actions: [use], data: [d],"
                               f" purposes: [directMarketing]{extra}}}"))


@pytest.mark.parametrize(("data", "extra", "fires"), [
    ("[callDetailRecord]", ", legalBases: [legitimateInterest]", True),
    ("[location]", "", True),
    ("[callDetailRecord]", ", legalBases: [impliedConsent]", True),
    ("[callDetailRecord]", ", conditions: [existingCustomer]", True),
    ("[callDetailRecord]", ", conditions: [withConsent]", False),
    ("[callDetailRecord]", ", legalBases: [explicitConsent]", False),
    ("[callDetailRecord]", ", conditions: [aggregatedOrAnonymised]", False),
    ("[emailAddress]", "", False),
])
def test_traffic_and_location_data_for_marketing(data: str, extra: str, fires: bool) -> None:
    assert bool(findings(marketing(data, extra), "VP322")) is fires


@pytest.mark.parametrize(("tracking", "fires"), [
    ("{technologies: [cookies], cookieKinds: [advertisingCookies],"
     " consentMechanisms: [browserControls]}", True),
    ("{technologies: [webBeacons], consentMechanisms: [impliedByUse]}", True),
    ("{technologies: [cookies], cookieKinds: [analyticsCookies]}", True),
    ("{technologies: [cookies], cookieKinds: [essentialCookies, functionalCookies]}", False),
    ("{technologies: [cookies, webBeacons], cookieKinds: [analyticsCookies],"
     " consentMechanisms: [optInBanner, browserControls]}", False),
])
def test_cookie_consent(tracking: str, fires: bool) -> None:
    # cookies on consent by use are VP209's finding, with VP323's merged into it
    found = [f for f in findings(document(EPRIVACY, f"tracking: {tracking}"))
             if f.code in ("VP209", "VP323") and "need prior consent" in f.message]
    assert bool(found) is fires
    assert all(f.pointers == ("/tracking",) for f in found)


def test_cookie_consent_is_an_eprivacy_rule_not_a_gdpr_one() -> None:
    data = document(GDPR, "tracking: {technologies: [cookies], cookieKinds: [analyticsCookies]}")
    assert not findings(data, "VP323")


# -- CPNI -------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "extra", "fires"), [
    ("[callDetailRecord]", "", True),
    ("[billingRecords]", ", legalBases: [legitimateInterest]", True),
    ("[callDetailRecord]", ", legalBases: [impliedConsent]", True),
    ("[cpni]", ", conditions: [existingCustomer]", False),
    ("[callDetailRecord]", ", legalBases: [cpniOptOutApproval]", False),
    ("[callDetailRecord]", ", legalBases: [cpniOptInApproval]", False),
    ("[emailAddress]", "", False),
])
def test_cpni_marketing_approval(data: str, extra: str, fires: bool) -> None:
    doc = document(CPNI, f"dataCategories: [{{id: d, name: records, categories: {data}}}]",
                   statements(f"{{id: s, modality: may, actions: [use], data: [d],"
                              f" purposes: [thirdPartyMarketing]{extra}}}"))
    assert bool(findings(doc, "VP331")) is fires


def test_cpni_for_the_service_itself_needs_no_approval() -> None:
    doc = document(CPNI, CDR, statements(
        "{id: s, modality: does, actions: [use], data: [d-cdr], purposes: [billing]}"))
    assert not findings(doc, "VP331")


@pytest.mark.parametrize(("notice", "pointer"), [
    ("", None),  # reporting a breach is a duty to act, not something the policy must say
    ("breachNotification: {modality: does, notifies: [notifyDataSubjects, notifyAuthority]}",
     "/breachNotification"),
    ("breachNotification: {modality: doesNot}", "/breachNotification"),
    ("breachNotification: {modality: does, notifies: [notifyLawEnforcement]}", None),
])
def test_cpni_breach_notification(notice: str, pointer: str | None) -> None:
    found = findings(document(CPNI, notice), "VP332")
    assert [f.pointers[0] for f in found] == ([pointer] if pointer else [])


@pytest.mark.parametrize(("statement", "fires"), [
    ("{id: s, modality: may, actions: [use], data: [d-cdr], purposes: [thirdPartyMarketing],"
     " legalBases: [cpniOptOutApproval]}", True),
    ("{id: s, modality: may, actions: [use], data: [d-cdr], purposes: [marketing]}", True),
    ("{id: s, modality: may, actions: [use], data: [d-cdr], purposes: [marketing],"
     " conditions: [existingCustomer]}", False),
    ("{id: s, modality: does, actions: [use], data: [d-cdr], purposes: [billing]}", False),
])
def test_cpni_restriction_right_is_owed_with_a_solicitation_for_approval(statement: str,
                                                                          fires: bool) -> None:
    base = (CPNI, CDR, statements(statement))
    assert bool(findings(document(*base, rights("access", "optOutMarketing")), "VP333")) \
        is fires
    assert not findings(document(*base, rights("cpniRestriction")), "VP333")


def test_a_general_list_of_purposes_is_read_with_the_specific_cpni_marketing_sentence() -> None:
    data = document(CPNI, """\
dataCategories:
  - {id: d-pii, name: PII, categories: [contact]}
  - {id: d-cdr, name: Call records, categories: [callDetailRecord]}
""", statements(
        "{id: s-bases, modality: does, actions: [use], data: [d-pii, d-cdr],"
        " purposes: [marketing, productDevelopment], legalBases: [legitimateInterest]}",
        "{id: s-market, modality: may, actions: [use], data: [d-pii, d-cdr],"
        " purposes: [directMarketing], conditions: [existingCustomer]}"))
    assert not findings(data, "VP331")
    data["statements"][0]["purposes"].append("thirdPartyMarketing")
    assert findings(data, "VP331"), "marketing for others is never within the total service"


# -- emergency --------------------------------------------------------------------------


def emergency(statement: str) -> dict[str, Any]:
    return document(US_PROVIDER, "service: {serviceKinds: [consumerVoip]}", """\
parties:
  - {id: p-psap, name: emergency services, roles: [emergencyServicesProvider]}
  - {id: p-carrier, name: carriers, roles: [telecomCarrier]}
dataCategories:
  - {id: d-loc, name: caller location, categories: [emergencyLocation]}
  - {id: d-contact, name: contact data, categories: [contact]}
""", statements(statement))


@pytest.mark.parametrize(("statement", "fires"), [
    ("{id: s, modality: may, actions: [disclose], data: [d-loc], recipients: [p-psap]}", False),
    ("{id: s, modality: does, actions: [share], data: [d-loc], recipients: [p-carrier],"
     " purposes: [emergencyServices]}", False),
    ("{id: s, modality: does, actions: [share], data: [d-loc], recipients: [p-carrier],"
     " purposes: [billing]}", True),
    ("{id: s, modality: does, actions: [use], data: [d-loc], purposes: [emergencyServices]}",
     True),
    ("{id: s, modality: does, actions: [share], data: [d-contact], recipients: [p-psap]}", True),
    ("{id: s, modality: doesNot, actions: [disclose], data: [d-loc], recipients: [p-psap]}",
     True),
])
def test_emergency_location(statement: str, fires: bool) -> None:
    found = findings(emergency(statement), "VP341")
    assert bool(found) is fires
    assert all(f.pointers == ("/service",) for f in found)


def test_an_adequate_destination_is_reported_as_unstated_not_as_unlawful() -> None:
    (japan,) = findings(transfer("[JP]", "[]"), "VP307")
    assert "covered by an adequacy decision" in japan.message
    # the US decision covers only certified recipients, so it is not taken for granted
    (usa,) = findings(transfer("[US]", "[agreementByUse]"), "VP307")
    assert "without a transfer mechanism" in usa.message


# -- the law that applies ----------------------------------------------------------------


def decisions(*fragments: str, forced: tuple[str, ...] = ()) -> dict[str, Any]:
    from pypolicy.format.model import Policy
    from pypolicy.validation.rules._regimes import decide

    return {d.regime: d for d in decide(Policy.from_dict(document(*fragments)), forced)}


def test_establishment_decides_and_is_given_as_the_ground() -> None:
    uk = decisions("provider: {name: P Ltd, country: GB}")
    assert uk["ukGdpr"].applied and uk["ukGdpr"].grounds == \
        "provider established in the United Kingdom"
    assert not uk["gdpr"].applied and not uk["usCpni"].applied
    eea = decisions("provider: {name: P AS, country: 'NO'}",
                    "regimes: [{id: rg, regime: gdpr, stance: disclaimed}]")
    assert eea["gdpr"].applied, "a disclaimer does not undo establishment in the EEA"


def test_us_interconnected_voip_falls_under_cpni_e911_and_caloppa_by_assumption() -> None:
    found = decisions(US_PROVIDER, "service: {serviceKinds: [consumerVoip, websiteService]}")
    assert {k for k, d in found.items() if d.applied} == {"usCpni", "e911", "ftc", "calOppa"}
    assert found["calOppa"].assumed and not found["usCpni"].assumed
    assert not found["ccpa"].applied and "thresholds" in found["ccpa"].grounds
    wholesale = decisions(US_PROVIDER, "service: {serviceKinds: [wholesaleTermination]}")
    assert not wholesale["usCpni"].applied and not wholesale["e911"].applied


def test_a_claim_applies_the_regime_and_a_forced_profile_says_so() -> None:
    claimed = decisions(GDPR)
    assert claimed["gdpr"].applied and claimed["gdpr"].grounds == \
        "claimed by the policy"
    forced = decisions(forced=("gdpr", "cpni"))
    assert forced["gdpr"].grounds == "forced with --profile gdpr"
    assert forced["usCpni"].grounds == "forced with --profile cpni"


def test_the_uk_ePrivacy_claim_is_pecr() -> None:
    found = decisions("provider: {name: P Ltd, country: GB}", EPRIVACY)
    assert found["pecr"].applied and not found["eprivacy"].applied


def test_findings_cite_only_the_law_of_applied_regimes() -> None:
    uk = document("provider: {name: P Ltd, country: GB}", CONTACT)
    (finding,) = findings(uk, "VP308")
    assert finding.legal_reference == "UK GDPR Art. 13(2)(a) and 14(2)(a)"
    both = document("provider: {name: P Ltd, country: GB}", GDPR, CONTACT)
    (finding,) = findings(both, "VP308")
    assert finding.legal_reference == \
        "GDPR Art. 13(2)(a) and 14(2)(a); UK GDPR Art. 13(2)(a) and 14(2)(a)"
    # a contradiction under no regime at all is still reported, citing nothing
    contradiction = document(RULES["VP101"].fail_example)
    (finding,) = findings(contradiction, "VP101")
    assert finding.legal_reference is None


def test_a_report_states_the_regimes_and_their_grounds(tmp_path: Any) -> None:
    from pypolicy.validation.engine import validate_path

    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(document("provider: {name: P Ltd, country: GB,"
                                            " contacts: [{channel: email, value: a@b.c}]}")))
    result = validate_path(str(path))
    applied = {d.regime: d.grounds for d in result.applied_regimes()}
    assert applied == {"ukGdpr": "provider established in the United Kingdom"}
    assert {d.regime for d in result.regimes} >= {"gdpr", "usCpni", "dpdp"}


# -- California, India, recording, hedges and closed lists (issue 12) ----------------------


def test_caloppa_by_assumption_is_a_warning_and_by_claim_an_error() -> None:
    site = "service: {serviceKinds: [websiteService]}"
    cookies = "tracking: {technologies: [cookies], cookieKinds: [analyticsCookies]}"
    (assumed,) = findings(document(US_PROVIDER, site, cookies), "VP361")
    assert assumed.severity.label == "warning" and "Do Not Track" in assumed.message
    claimed = document(US_PROVIDER, site, cookies,
                       "regimes: [{id: rg, regime: calOppa, stance: claimed}]")
    (finding,) = findings(claimed, "VP361")
    assert finding.severity.label == "error"
    assert not findings(document(site, cookies), "VP361"), "no US provider, no CalOPPA"


def test_ccpa_not_selling_says_nothing_of_sharing_for_advertising() -> None:
    ccpa = "regimes: [{id: rg, regime: ccpa, stance: claimed}]"
    parties = "parties: [{id: p-ads, name: ad network, roles: [advertisingPlatform]}]"
    base = (ccpa, CONTACT, parties)
    silent = findings(document(*base), "VP352")
    assert len(silent) == 1 and "whether it sells or shares" in silent[0].message
    shares = document(*base, statements(
        "{id: s-no-sale, modality: doesNot, actions: [sell], data: [d-contact]}",
        "{id: s-ads, modality: may, actions: [share], data: [d-contact],"
        " recipients: [p-ads]}"))
    (finding,) = findings(shares, "VP352")
    assert "s-ads" in finding.message
    assert "opt out of sale or sharing" in finding.message
    (rights,) = findings(shares, "VP351")
    assert "opt out" not in rights.message, "VP352 reports it, with the statements"


def test_dpdp_grievance_officer_is_an_officer_with_contacts_not_a_support_address() -> None:
    india = "provider: {name: P Pvt Ltd, country: IN, contacts: [{channel: email," \
        " value: support@p.example}]}"
    assert findings(document(india), "VP372")
    officer = "officers: [{appointed: true, officerRole: grievanceOfficer, name: A. B.," \
        " contacts: [{channel: email, value: grievance@p.example}]}]"
    assert not findings(document(india, officer), "VP372")


def test_a_privacy_officer_is_not_a_gdpr_dpo() -> None:
    officer = "dataProtectionOfficer: {appointed: true, officerRole: privacyOfficer}"
    assert not findings(document(GDPR, officer), "VP302")
    assert findings(document(GDPR, "dataProtectionOfficer: {appointed: true}"), "VP302")


@pytest.mark.parametrize(("statement", "fires"), [
    ("{id: s, modality: may, actions: [record], data: [d-rec], conditions: [enabledByUser]}",
     True),
    ("{id: s, modality: may, actions: [record], data: [d-rec],"
     " conditions: [enabledByUser, withNotice]}", False),
    # the provider's own recording of calls to its support line: the caller is the reader
    ("{id: s, modality: may, actions: [record], data: [d-rec]}", False),
])
def test_recorded_calls_need_a_word_on_telling_the_other_party(statement: str,
                                                               fires: bool) -> None:
    recordings = "dataCategories: [{id: d-rec, name: recordings, categories: [callRecording]}]"
    assert bool(findings(document(recordings, statements(statement)), "VP381")) is fires
    duty = statements(statement, "{id: s-tell, modality: onlyIf, actors: [p-c], actions:"
                      " [record], data: [d-rec], conditions: [withNotice], duty: termsDuty}")
    customers = "parties: [{id: p-c, name: customers, roles: [customerOrganisation]}]"
    assert not findings(document(recordings, customers, duty), "VP381")


PROMISE_BASE = """\
parties:
  - {id: p-third, name: third parties, roles: [thirdParty]}
  - {id: p-ads, name: advertisers, roles: [advertisingPlatform]}
dataCategories:
  - {id: d-cdr, name: call records, categories: [callDetailRecord]}
"""


def test_a_hedged_promise_is_weaker_than_a_flat_one() -> None:
    flat = document(PROMISE_BASE, statements(
        "{id: s-no, modality: doesNot, actions: [use], data: [d-cdr], purposes: [marketing]}",
        "{id: s-yes, modality: may, actions: [use], data: [d-cdr], purposes: [marketing]}"))
    assert findings(flat, "VP101") and not findings(flat, "VP102")
    flat["statements"][0]["qualifier"] = "usually"
    assert not findings(flat, "VP101")
    (possible,) = findings(flat, "VP102")
    assert "hedged (usually)" in possible.message


def test_such_as_widens_a_promise_and_unstated_data_proves_nothing() -> None:
    promise = "{id: s-no, modality: doesNot, actions: [share], data: [d-cdr],"\
        " recipients: [p-ads], illustrative: [recipientList]}"
    sharing = "{id: s-yes, modality: may, actions: [share], data: [d-cdr]," \
        " recipients: [p-third]}"
    assert findings(document(PROMISE_BASE, statements(promise, sharing)), "VP101")
    unstated = "{id: s-yes, modality: may, actions: [share], recipients: [p-ads]}"
    flat = promise.replace(", illustrative: [recipientList]", "")
    assert not findings(document(PROMISE_BASE, statements(flat, unstated)), "VP101")
