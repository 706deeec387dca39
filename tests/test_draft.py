"""annotate draft: each kind of proposal with a sentence that yields it and one that must
not; the draft marker refused by build; a draft confirmed as-is builds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pypolicy.annotation.draft.assemble import draft_document
from pypolicy.annotation.draft.patterns import find_period
from pypolicy.annotation.draft.text import PolicyText

ROOT = Path(__file__).resolve().parent.parent


def drafted(text: str) -> dict[str, Any]:
    return draft_document(PolicyText(text, ()), doc_id="t", title=None, language=None,
                          last_updated=None, fallback_name="t").document


def statements(text: str) -> list[dict[str, Any]]:
    return list(drafted(text).get("statements", ()))


def categories(document: dict[str, Any], ids: list[str]) -> set[str]:
    by_id = {d["id"]: d["categories"] for d in document.get("dataCategories", ())}
    return {c for i in ids for c in by_id[i]}


def test_data_categories_and_action() -> None:
    document = drafted("We collect your email address and phone number.")
    [statement] = document["statements"]
    assert statement["modality"] == "does" and statement["actions"] == ["collect"]
    assert categories(document, statement["data"]) == {"emailAddress", "telephoneNumber"}
    assert not statements("Our offices are open on weekdays.")


@pytest.mark.parametrize(("sentence", "modality"), [
    ("We do not sell your personal data.", "doesNot"),
    ("Your personal data is never sold.", "doesNot"),
    ("We may share your personal data with our carriers.", "may"),
    ("We only share your personal data with your consent.", "onlyIf"),
    ("We share your personal data with our carriers.", "does"),
    # "not" governs "want", not "use": a does statement
    ("If you do not want us to use your email address, tell us.", "does"),
])
def test_modality_and_scope_of_negation(sentence: str, modality: str) -> None:
    assert statements(sentence)[0]["modality"] == modality


def test_negation_spans_coordinated_verbs_but_not_a_new_clause() -> None:
    found = statements("We do not sell, rent or trade your personal data.")
    assert [(s["modality"], s["actions"]) for s in found] == [
        ("doesNot", ["sell", "share"])] or found[0]["modality"] == "doesNot"
    assert all(s["modality"] == "doesNot" for s in found)
    two = statements("We store call recordings and do not listen to them.")
    assert [s["modality"] for s in two] == ["does", "doesNot"]


def test_exceptions_and_conditions() -> None:
    [negative] = statements("We will not share your personal data without your consent.")
    assert negative["exceptions"] == ["withConsent"]
    [conditional] = statements("We record call audio only when your administrator enables it.")
    assert conditional["modality"] == "onlyIf"
    assert conditional["conditions"] == ["enabledByAdministrator"]
    [plain] = statements("We collect your email address.")
    assert "conditions" not in plain and "exceptions" not in plain


def test_purposes_and_legal_bases() -> None:
    [statement] = statements(
        "We use your billing address to bill you, on the basis of our legitimate interests.")
    assert "billing" in statement["purposes"]
    assert statement["legalBases"] == ["legitimateInterest"]
    [unfounded] = statements("We use your billing address to bill you.")
    assert "legalBases" not in unfounded


def test_recipients_and_roles() -> None:
    document = drafted("We share your payment details with payment processors such as Stripe.")
    [statement] = document["statements"]
    roles = {r for p in document["parties"] if p["id"] in statement["recipients"]
             for r in p["roles"]}
    assert roles == {"paymentProcessor"}
    # a party the data comes from is not a recipient
    [source] = statements("We collect your email address from public registers.")
    assert "recipients" not in source


def test_organisations_are_data_with_role_and_country() -> None:
    document = drafted("We share your device identifiers with Firebase Cloud Messaging.")
    [party] = document["parties"]
    assert party["roles"] == ["pushService"] and party["locations"] == ["US"]
    assert party["evidence"][-1]["inferred"] is True
    assert "parties" not in drafted("We share nothing with anyone.")


def test_locations_outside_and_countries() -> None:
    [statement] = statements("We transfer your personal data to the United States.")
    assert statement["locations"] == ["US"]
    [outside] = statements("We do not transfer your personal data outside the EEA.")
    assert outside["outside"] == ["EEA"] and outside["modality"] == "doesNot"
    [local] = statements("We transfer your personal data to our billing system.")
    assert "locations" not in local


@pytest.mark.parametrize(("text", "expected"), [
    ("seven (7) years", {"duration": "P7Y"}),
    ("12 to 24 months", {"at_least": "P12M", "at_most": "P24M"}),
    ("at least five years", {"at_least": "P5Y"}),
    ("within 30 days", {"at_most": "P30D"}),
])
def test_periods_to_iso_8601(text: str, expected: dict[str, str]) -> None:
    found = find_period(text)
    assert found is not None
    assert {k: v for k, v in vars(found[0]).items() if v} == expected


def test_retention_rules() -> None:
    document = drafted("We keep call records for six months after the end of your contract.")
    [rule] = document["retention"]
    assert rule["duration"] == "P6M" and rule["from"] == "endOfContract"
    [criteria] = drafted("We retain your data as long as necessary.")["retention"]
    assert criteria["criteria"] == ["purposeFulfilled"]
    assert "retention" not in drafted("You can reach support 24 hours a day, 7 days a week.")


def test_rights_and_channels() -> None:
    document = drafted("You have the right to request a copy of your data by email.")
    [right] = document["rights"]
    assert right["right"] == "access" and right["channels"] == ["email"]
    # an app asking for access to contacts is no right of access
    assert "rights" not in drafted("The app requests access to your contact list.")


def test_contact_points_and_officers() -> None:
    document = drafted("Our Data Protection Officer can be reached at dpo@acme.example. "
                       "Call us on (555) 123-4567. Write to Acme Ltd, 1 Harbour Street, "
                       "Bristol BS1 1AA.")
    contacts = {(c["channel"], c["value"]) for c in document["provider"]["contacts"]}
    assert ("email", "dpo@acme.example") in contacts
    assert ("phone", "(555) 123-4567") in contacts
    assert any(channel == "postal" and "BS1 1AA" in value for channel, value in contacts)
    assert document["dataProtectionOfficer"]["appointed"] is True
    plain = drafted("We answer within 2023 days of 12 May.")
    assert "contacts" not in plain["provider"]


def test_provider_name() -> None:
    document = drafted('Acme Voice Ltd ("we", "us") runs internet phone lines.')
    assert document["provider"]["name"] == "Acme Voice"
    assert document["provider"]["legalName"] == "Acme Voice Ltd"
    assert drafted("We run internet phone lines.")["provider"]["name"] == "t"


def test_regimes_claimed_and_disclaimed() -> None:
    [claimed] = drafted("We comply with the General Data Protection Regulation.")["regimes"]
    assert claimed["regime"] == "gdpr" and claimed["stance"] == "claimed"
    [disclaimed] = drafted("The CCPA does not apply to us.")["regimes"]
    assert disclaimed["stance"] == "disclaimed"
    assert "regimes" not in drafted("We comply with our own rules.")


def test_security_measures_and_claims() -> None:
    entries = drafted("We protect calls with TLS and SRTP, but no system is completely "
                      "secure.")["securityMeasures"]
    assert {e.get("measure") or e.get("claim") for e in entries} >= {
        "tls", "srtp", "securityNotGuaranteed"}
    assert "securityMeasures" not in drafted("Technical support answers your questions.")


def test_cookies_and_consent() -> None:
    tracking = drafted("We use analytics cookies only after you accept them in our cookie "
                       "banner.")["tracking"]
    assert "cookies" in tracking["technologies"]
    assert "analyticsCookies" in tracking["cookieKinds"]
    assert "consentBanner" in tracking["consentMechanisms"]
    assert "tracking" not in drafted("We bake biscuits.")


def test_children() -> None:
    children = drafted("Our services are not directed to children under 13, and we do not "
                       "knowingly collect their data.")["children"]
    assert children == {"draft": children["draft"], "minimumAge": 13,
                        "directedToChildren": False, "knowinglyCollects": False,
                        "evidence": children["evidence"]}
    assert "children" not in drafted("We serve businesses of every size.")


def test_changes() -> None:
    changes = drafted("We may update this policy and will notify you by email.")["changes"]
    assert changes["notices"] == ["emailNotice"]
    assert "changes" not in drafted("We may update your phone software.")


def test_every_proposal_is_marked_and_quoted() -> None:
    document = drafted("We collect your email address. We do not sell it to third parties.")
    entries = [document["provider"], *document["dataCategories"], *document["statements"],
               *document["parties"]]
    for entry in entries:
        assert entry["draft"]
        assert all(e.get("quote") or e.get("inferred") for e in entry.get("evidence", ()))


def _pypolicy(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pypolicy.cli.main", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)


def test_draft_refused_until_confirmed_then_builds(tmp_path: Path) -> None:
    source = tmp_path / "itnet.txt"
    source.write_bytes((ROOT / "examples" / "sources" / "itnet.txt").read_bytes())
    result = _pypolicy("annotate", "draft", "itnet.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    annotation = tmp_path / "itnet.annotation.yaml"
    refused = _pypolicy("annotate", "build", annotation.name, cwd=tmp_path)
    assert refused.returncode == 2 and "unconfirmed draft proposal" in refused.stderr
    assert not (tmp_path / "itnet.policy.json").exists()
    accepted = _pypolicy("annotate", "build", annotation.name, "--accept-drafts",
                         "-o", "accepted.json", cwd=tmp_path)
    assert accepted.returncode == 0, accepted.stderr
    confirmed = tmp_path / "confirmed.annotation.yaml"
    confirmed.write_text("".join(line for line in annotation.read_text("utf-8")
                                 .splitlines(keepends=True)
                                 if not line.lstrip().startswith("draft: ")), "utf-8")
    built = _pypolicy("annotate", "build", confirmed.name, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert "draft" not in (tmp_path / "confirmed.policy.json").read_text("utf-8").split(
        '"statements"')[1].split('"evidence"')[0]


def test_draft_is_deterministic(tmp_path: Path) -> None:
    source = tmp_path / "p.txt"
    source.write_text("We collect your name. We never sell it.\n", "utf-8")
    first = _pypolicy("annotate", "draft", "p.txt", "-o", "a.yaml", cwd=tmp_path)
    written = (tmp_path / "a.yaml").read_text("utf-8")
    second = _pypolicy("annotate", "draft", "p.txt", "-o", "a.yaml", "--force", cwd=tmp_path)
    assert first.returncode == second.returncode == 0
    assert (tmp_path / "a.yaml").read_text("utf-8") == written
    again = _pypolicy("annotate", "draft", "p.txt", "-o", "a.yaml", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr
