"""``pypolicy rules`` and ``pypolicy rules CODE`` (one rule explained, like ``ruff rule``),
and the profiles ``validate --help`` offers."""

from __future__ import annotations

import io
import json

import pytest

from pypolicy.cli.main import main
from pypolicy.validation.rules import RULES
from pypolicy.validation.rules._regimes import ALWAYS, PROFILES


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_one_rule_explained_with_everything_a_reader_needs() -> None:
    code, out, err = run("rules", "VP351")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "VP351 ccpa-rights-missing"
    assert "severity:    error" in lines
    assert "groups:      completeness, ccpa, rights" in lines
    assert "profile:     ccpa" in lines
    assert "notice duty: yes: the policy text itself must meet it" in lines
    assert any(line.startswith("legal:       CCPA/CPRA: Cal. Civ. Code 1798.125 and 1798.130")
               for line in lines)
    assert "reference:   https://w3id.org/pypolicy/docs/rules.md#vp351" in lines
    assert RULES["VP351"].rationale().splitlines()[0] in out
    # the failing and the passing example, indented as code
    assert out.index("Fails") < out.index("Passes")
    assert "      - {id: rt-erasure, right: erasure}" in lines


def test_a_rule_that_is_no_notice_duty_says_what_it_judges() -> None:
    practice = next(r for r in RULES.values() if r.kind == "practice")
    _, out, _ = run("rules", practice.code)
    assert "notice duty: no: a practice the text describes" in out


@pytest.mark.parametrize("key", ["vp301", "VP301", "controller-identity"])
def test_a_rule_by_code_in_any_case_or_by_name(key: str) -> None:
    code, out, _ = run("rules", key)
    assert code == 0 and out.startswith("VP301 controller-identity\n")


def test_one_rule_as_json() -> None:
    code, out, _ = run("rules", "VP301", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["code"] == "VP301" and data["name"] == "controller-identity"
    assert data["noticeDuty"] is True and data["severity"] in {"error", "warning"}
    assert data["groups"] == list(RULES["VP301"].groups)
    assert data["citations"]["gdpr"].startswith("GDPR Art. 13(1)(a)")
    assert data["failExample"] == RULES["VP301"].fail_example
    assert data["passExample"] == RULES["VP301"].pass_example
    assert data["rationale"] == RULES["VP301"].rationale()


def test_every_rule_as_json_and_the_list_as_before() -> None:
    code, out, _ = run("rules", "-f", "json")
    assert code == 0 and [r["code"] for r in json.loads(out)] == sorted(RULES)
    code, out, _ = run("rules")
    assert code == 0 and len(out.splitlines()) == len(RULES)


@pytest.mark.parametrize("argv", [("rules", "VP999"), ("rules", "no-such-rule"),
                                  ("rules", "VP301", "-f", "markdown")])
def test_unknown_rule_is_a_clear_error_with_exit_2(argv: tuple[str, ...]) -> None:
    code, out, err = run(*argv)
    assert code == 2 and out == ""
    assert err.startswith("pypolicy: error: ") and "Traceback" not in err
    assert len(err.splitlines()) == 1


def test_validate_help_lists_every_profile_of_the_registry() -> None:
    code, out, _ = run("validate", "--help")
    assert code == 0
    help_text = " ".join(out.split())
    listed = help_text[help_text.index("--profile PROFILES"):]
    for profile in PROFILES:
        assert profile in listed
    assert f"({ALWAYS} always applies)" in listed
