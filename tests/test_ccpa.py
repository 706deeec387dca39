"""The CCPA/CPRA profile's rights: the right not to be retaliated against (VP351) and the
right to limit the use of sensitive personal information (VP354), only where the CCPA
applies."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from pypolicy.core.findings import Finding
from pypolicy.validation.engine import Config, check_document
from pypolicy.validation.rules import BASE_EXAMPLE

CCPA = "regimes: [{id: rg-ccpa, regime: ccpa, stance: claimed}]"
KNOW_DELETE_CORRECT = """\
rights:
  - {id: rt-access, right: access}
  - {id: rt-erasure, right: erasure}
  - {id: rt-rectification, right: rectification}
"""
TEXTS = "dataCategories: [{id: d-texts, name: Text messages, categories: [smsContent]}]"


def document(*fragments: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(BASE_EXAMPLE)
    for fragment in fragments:
        data.update(yaml.safe_load(fragment))
    return data


def found(data: dict[str, Any], code: str) -> list[Finding]:
    return check_document(data, Config(select=(code,)))[0]


def uses(purposes: str, actions: str = "[use]") -> str:
    return (f"statements: [{{id: s-texts, modality: may, actions: {actions},"
            f" data: [d-texts], purposes: {purposes}}}]")


def test_non_discrimination_is_one_of_the_rights_named_together() -> None:
    (finding,) = found(document(CCPA, "rights: [{id: rt-access, right: access}]"), "VP351")
    assert "the right not to be retaliated against for exercising these rights (1798.125)" \
        in finding.message
    assert "the right to delete" in finding.message  # one finding names every right
    assert finding.legal_reference == "Cal. Civ. Code 1798.125 and 1798.130(a)(5)(A);" \
        " 11 CCR 7011(e)"


def test_non_discrimination_can_be_accepted_on_its_own() -> None:
    accepted = "suppressions: [{rule: VP351, reason: said in the terms of service," \
        " targets: [/rights/nonDiscrimination]}]"
    assert found(document(CCPA, KNOW_DELETE_CORRECT, accepted), "VP351") == []
    described = KNOW_DELETE_CORRECT + "  - {id: rt-equal, right: nonDiscrimination}\n"
    assert found(document(CCPA, described), "VP351") == []


def test_no_ccpa_no_ccpa_rights() -> None:
    assert found(document(KNOW_DELETE_CORRECT), "VP351") == []
    assert found(document(TEXTS, uses("[targetedAdvertising]")), "VP354") == []


@pytest.mark.parametrize(("purposes", "fires"), [
    ("[communicationDelivery]", False),  # what the service needs
    ("[security, legalCompliance]", False),
    ("[serviceImprovement]", False),  # the quality of the service, 1798.140(e)(8)
    ("[targetedAdvertising]", True),
    ("[communicationDelivery, aiTraining]", True),  # one purpose beyond is enough
    ("[]", False),  # no purpose named: not judged
])
def test_limit_owed_only_for_uses_beyond_the_service(purposes: str, fires: bool) -> None:
    findings = found(document(CCPA, TEXTS, uses(purposes)), "VP354")
    assert bool(findings) is fires
    if fires:
        (finding,) = findings
        assert finding.pointers == ("/statements/0",)
        assert finding.message.startswith("s-texts uses sensitive personal information")
        assert finding.legal_reference == "Cal. Civ. Code 1798.121 and 1798.135(a)(2);" \
            " 11 CCR 7011(e) and 7014"


def test_selling_sensitive_information_needs_the_right_to_limit() -> None:
    data = document(CCPA, TEXTS, uses("[billing]", "[sell]"))
    assert len(found(data, "VP354")) == 1
    data["rights"] = [{"id": "rt-limit", "right": "limitSensitiveUse"}]
    assert found(data, "VP354") == []


def test_information_that_is_not_sensitive_needs_no_right_to_limit() -> None:
    card = "dataCategories: [{id: d-card, name: Card number, categories: [paymentCard]}]"
    statement = "statements: [{id: s-card, modality: may, actions: [use], data: [d-card]," \
        " purposes: [directMarketing]}]"
    assert found(document(CCPA, card, statement), "VP354") == []


def test_a_broad_entry_that_lists_passwords_among_much_else_is_not_sensitive_use() -> None:
    broad = "dataCategories: [{id: d-pii, name: personal information, categories:" \
        " [personName, emailAddress, password]}]"
    statement = "statements: [{id: s-market, modality: may, actions: [use], data: [d-pii]," \
        " purposes: [directMarketing]}]"
    assert found(document(CCPA, broad, statement), "VP354") == []
    # an account log-in with its password is sensitive (1798.140(ae))
    log_in = "dataCategories: [{id: d-pii, name: log-in, categories: [username, password]}]"
    assert len(found(document(CCPA, log_in, statement), "VP354")) == 1


SELLS = """\
dataCategories: [{id: d-contact, name: Contact data, categories: [contact]}]
statements: [{id: s-sell, modality: does, actions: [sell], data: [d-contact]}]
"""


def test_selling_without_an_opt_out_is_one_finding() -> None:
    """One problem, one finding: VP352 reports the missing opt-out with the statements
    that sell; VP351 names the other rights missing, not this one."""
    data = document(CCPA, SELLS, "rights: [{id: rt-access, right: access}]")
    every_rule = check_document(data, Config(select=("ALL",), profiles=("ccpa",)))[0]
    about_opt_out = [f for f in every_rule if "opt out" in f.message.lower()]
    assert [f.code for f in about_opt_out] == ["VP352"]
    assert about_opt_out[0].pointers == ("/statements/0",)
    (rights,) = [f for f in every_rule if f.code == "VP351"]
    assert "the right to delete" in rights.message
    # offering the opt-out silences VP352 and leaves VP351 as it was
    data["rights"].append({"id": "rt-opt-out", "right": "optOutOfSale"})
    offered = check_document(data, Config(select=("ALL",), profiles=("ccpa",)))[0]
    assert not [f for f in offered if "opt out" in f.message.lower()]
    assert [f.message for f in offered if f.code == "VP351"] == [rights.message]
    # a suppression of VP352 hides the one finding, and VP351 does not bring it back
    data["rights"].pop()
    data["suppressions"] = [{"rule": "VP352", "reason": "the link is on every page"}]
    suppressed = check_document(data, Config(select=("ALL",), profiles=("ccpa",)))[0]
    assert not [f for f in suppressed if "opt out" in f.message.lower()]
