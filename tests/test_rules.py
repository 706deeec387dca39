"""Every rule's own failing and passing examples, collected automatically (sqlfluff-style),
and the rule registry's own invariants."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from pypolicy.core.findings import Severity
from pypolicy.format.schema import violations
from pypolicy.validation.engine import Config, check_document
from pypolicy.validation.rules import BASE_EXAMPLE, RULES, Rule
from pypolicy.validation.rules._base import KINDS


def example_document(fragment: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(BASE_EXAMPLE)
    document.update(yaml.safe_load(fragment) or {})
    return document


def run_rule(rule: type[Rule], document: dict[str, Any]) -> list[str]:
    profiles = (rule.profile,) if rule.profile else ()
    enable = (rule.code,) if rule.opt_in else ()
    findings, _ = check_document(document, Config(profiles=profiles, enable=enable))
    return [f.code for f in findings]


ALL_RULES = sorted(RULES.values(), key=lambda r: r.code)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: f"{r.code}-{r.name}")
def test_failing_example_triggers_the_rule(rule: type[Rule]) -> None:
    document = example_document(rule.fail_example)
    assert rule.code in run_rule(rule, document), f"{rule.code} did not fire on its example"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: f"{r.code}-{r.name}")
def test_passing_example_does_not_trigger_the_rule(rule: type[Rule]) -> None:
    document = example_document(rule.pass_example)
    codes = run_rule(rule, document)
    assert rule.code not in codes, f"{rule.code} fired on its passing example"
    if rule.code != "VP001":
        assert violations(document) == [], "a passing example must be schema-valid"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: f"{r.code}-{r.name}")
def test_rule_is_documented(rule: type[Rule]) -> None:
    assert re.fullmatch(r"VP[0-9]{3}", rule.code)
    assert re.fullmatch(r"[a-z][a-z0-9-]*", rule.name)
    assert isinstance(rule.severity, Severity)
    assert rule.summary.endswith(".")
    assert len(rule.rationale()) > 80, "the docstring gives the rationale"
    assert rule.groups and rule.layer in (1, 2, 3, 4)
    assert rule.fail_example.strip() and rule.pass_example.strip()
    if rule.layer == 4:
        assert rule.profile, "completeness rules belong to a profile"
        assert rule.legal_reference, "completeness rules cite the law they check"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: f"{r.code}-{r.name}")
def test_severity_follows_what_the_rule_judges(rule: type[Rule]) -> None:
    # error: the text contradicts itself, or a notice duty of the text is unmet; warning:
    # a likely problem; info: good practice (issue 12)
    assert rule.kind in KINDS
    assert rule.severity in KINDS[rule.kind][1], (rule.kind, rule.severity)
    rationale = rule.rationale()
    if rule.kind == "notice":
        assert "notice duty" in rationale, "say that it is a notice duty, and whose"
    elif rule.kind in ("contradiction", "practice", "goodPractice"):
        assert "not a notice duty" in rationale.lower(), "say why it is not a notice duty"


def test_layers_order_structure_first() -> None:
    broken = example_document(
        "statements: [{id: s-x, modality: dose, actions: [use], data: [d-none]}]")
    codes = {f.code for f in check_document(broken)[0]}
    assert codes == {"VP001"}, "only schema findings on a schema-invalid document"


def test_reference_problems_stop_later_layers() -> None:
    fragment = RULES["VP101"].fail_example + "\n" + \
        "retention: [{id: r-x, data: [d-missing], duration: P1Y}]\n"
    codes = {f.code for f in check_document(example_document(fragment))[0]}
    assert "VP003" in codes and "VP101" not in codes


def test_document_suppression_needs_the_rule_and_hides_only_it() -> None:
    document = example_document(RULES["VP101"].fail_example)
    document["suppressions"] = [{"rule": "VP101", "reason": "reviewed: ads only in IE"}]
    findings, suppressed = check_document(document)
    assert "VP101" not in {f.code for f in findings} and suppressed >= 1


def test_suppression_limited_to_targets() -> None:
    document = example_document(RULES["VP101"].fail_example)
    document["suppressions"] = [{"rule": "contradicting-statements", "targets": ["/statements/9"],
                                 "reason": "a different statement"}]
    findings, suppressed = check_document(document)
    assert "VP101" in {f.code for f in findings} and suppressed == 0


def test_config_select_ignore_and_severity() -> None:
    document = example_document(RULES["VP101"].fail_example)
    ignored, _ = check_document(document, Config(ignore=("contradictions",)))
    assert "VP101" not in {f.code for f in ignored}
    selected, _ = check_document(document, Config(select=("VP101",)))
    assert {f.code for f in selected} == {"VP101"}
    downgraded, _ = check_document(document, Config(severities={"VP101": Severity.INFO}))
    assert {f.severity for f in downgraded if f.code == "VP101"} == {Severity.INFO}


def test_contradiction_cites_both_sides() -> None:
    document = example_document(RULES["VP101"].fail_example)
    (finding,) = [f for f in check_document(document)[0] if f.code == "VP101"]
    assert finding.pointers[:2] == ("/statements/0", "/statements/1")
    # the recipient whose location breaks the promise is cited too
    assert "/parties/1" in finding.pointers


def test_opt_in_rules_run_only_when_asked() -> None:
    document = example_document(RULES["VP004"].fail_example)
    assert "VP004" not in {f.code for f in check_document(document)[0]}
    enabled = check_document(document, Config(enable=("shacl-violation",)))[0]
    assert "VP004" in {f.code for f in enabled}


def test_rule_reference_is_current() -> None:
    from pathlib import Path

    from pypolicy.validation.ruledocs import rules_markdown

    path = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
    assert path.read_text("utf-8") == rules_markdown(), \
        "docs/rules.md is stale: run python -m pypolicy.validation.ruledocs"


# -- the natural scope of a promise (issue 12) ---------------------------------------------

SCOPE_BASE = """\
parties:
  - {id: p-third, name: third parties, roles: [thirdParty]}
  - {id: p-buyer, name: a buyer of the business, roles: [acquirer]}
dataCategories:
  - {id: d-all, name: personal data, categories: [personalData]}
  - {id: d-token, name: push tokens, categories: [pushToken]}
  - {id: d-device, name: device data, categories: [deviceIdentifier]}
  - {id: d-voice, name: voice, categories: [callRecording]}
"""


def codes_of(fragment: str) -> list[str]:
    return [f.code for f in check_document(example_document(SCOPE_BASE + fragment))[0]]


def test_a_minimisation_principle_is_not_a_closed_promise() -> None:
    principle = """\
statements:
  - {id: s-minimum, modality: onlyIf, actions: [collect], data: [d-all, d-voice],
     conditions: [necessaryForService]}
  - {id: s-record, modality: may, actions: [record], data: [d-voice],
     purposes: [legalCompliance], conditions: [enabledByAdministrator]}
"""
    assert "VP101" not in codes_of(principle)


def test_a_buyer_that_keeps_to_the_policy_is_not_a_third_party_acting_for_itself() -> None:
    transfer = """\
statements:
  - {id: s-own, modality: doesNot, actors: [p-third], actions: [use], data: [d-all],
     purposes: [recipientOwnPurposes]}
  - {id: s-instructions, modality: onlyIf, actors: [p-third], actions: [use], data: [d-all],
     conditions: [onProviderInstructions]}
  - {id: s-sale, modality: may, actions: [transfer], data: [d-all], recipients: [p-buyer],
     purposes: [businessTransfer], conditions: [businessTransferCondition]}
  - {id: s-buyer-uses, modality: may, actors: [p-buyer], actions: [use], data: [d-all],
     conditions: [businessTransferCondition]}
"""
    codes = codes_of(transfer)
    assert "VP206" not in codes and "VP101" not in codes
    own_use = transfer + """\
  - {id: s-buyer-markets, modality: may, actors: [p-buyer], actions: [use], data: [d-all],
     purposes: [thirdPartyMarketing]}
"""
    assert "VP206" in codes_of(own_use), "a buyer free to market for itself is no successor"


def test_a_summary_of_uses_does_not_break_a_promise_about_one_datum() -> None:
    summary = """\
statements:
  - {id: s-only-push, modality: doesNot, actions: [use], data: [d-token],
     purposes: [anyPurpose], exceptPurposes: [pushNotifications]}
  - {id: s-uses, modality: does, actions: [use], data: [d-all, d-token, d-device],
     purposes: [serviceProvision, pushNotifications, billing]}
"""
    assert "VP101" not in codes_of(summary)
    alone = summary.replace("data: [d-all, d-token, d-device]", "data: [d-token]")
    assert "VP101" in codes_of(alone), "the token itself used for billing breaks the promise"
