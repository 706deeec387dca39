"""VP005: a retention period whose minimum is longer than its maximum, found without the
SHACL shapes, and decided as they decide it (only when inverted whatever the calendar)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from strategies import INVERTED_RANGES, examples, policy_documents

from pypolicy.cli.main import main
from pypolicy.validation.engine import Config, check_document
from pypolicy.validation.rules import BASE_EXAMPLE
from pypolicy.validation.rules.structure import certainly_inverted

# the pairs tests/test_format_11_query.py gives the SHACL shape, which this rule follows
INVERTED = [("P24M", "P12M"), ("P2Y", "P12M"), ("P1Y", "P30D"), ("P12M", "P360D"),
            ("P400D", "P1Y"), ("PT48H", "P1D"), ("P2W", "P13D"), ("P2Y", "P1Y"),
            ("P6M", "P1W"), ("P1M", "P27D"), ("P1Y", "P11M")]
MAY_BE_IN_ORDER = [("P12M", "P24M"), ("P12M", "P1Y"), ("P30D", "P6M"), ("P1D", "PT48H"),
                   ("P1Y", "P1YT1S"), ("P1M", "P30D"), ("P30D", "P1M"), ("P1M", "P31D"),
                   ("P1M", "P28D"), ("P1Y", "P365D"), ("P1Y", "P366D")]


def document(period: dict[str, str]) -> str:
    data = yaml.safe_load(BASE_EXAMPLE)
    data["formatVersion"] = "1.1.0"
    data["dataCategories"] = [{"id": "d-cdr", "name": "Call records",
                               "categories": ["callDetailRecord"]}]
    data["retention"] = [
        {"id": "r-account", "data": ["d-cdr"], "duration": "P1Y"},
        {"id": "r-cdr", "data": ["d-cdr"], "period": period,
         "evidence": [{"quote": "Call records are kept for at least two years and no"
                                " longer than one year."}]}]
    return yaml.safe_dump(data, sort_keys=False)


def vp005(period: dict[str, str]) -> list[str]:
    findings, _ = check_document(yaml.safe_load(document(period)), Config())
    return [f.message for f in findings if f.code == "VP005"]


@pytest.mark.parametrize(("at_least", "at_most"), INVERTED)
def test_a_period_inverted_whatever_the_calendar_is_an_error(at_least: str,
                                                             at_most: str) -> None:
    assert certainly_inverted(at_least, at_most)
    (message,) = vp005({"atLeast": at_least, "atMost": at_most})
    assert message.startswith(f"r-cdr keeps data at least {at_least} and at most {at_most}")


@pytest.mark.parametrize(("at_least", "at_most"), MAY_BE_IN_ORDER)
def test_a_period_that_may_be_in_order_passes(at_least: str, at_most: str) -> None:
    # "P1M" against "P30D": a month may be 28 or 31 days, so only maybe inverted
    assert not certainly_inverted(at_least, at_most)
    assert vp005({"atLeast": at_least, "atMost": at_most}) == []


@pytest.mark.parametrize("period", [{"atLeast": "P7Y"}, {"atMost": "P30D"}])
def test_a_bound_alone_is_no_range(period: dict[str, str]) -> None:
    assert vp005(period) == []


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_validate_reports_inverted_bounds_without_shacl(tmp_path: Path) -> None:
    path = tmp_path / "inverted.policy.yaml"
    path.write_text(document({"atLeast": "P2Y", "atMost": "P1Y"}), encoding="utf-8")
    code, out, err = run("validate", str(path), "--isolated", "--color", "never")
    assert code == 1, err
    assert "VP005" in out and "r-cdr keeps data at least P2Y and at most P1Y" in out
    code, out, _ = run("validate", str(path), "--isolated", "-f", "json")
    (finding,) = [f for file in json.loads(out)["files"] for f in file["findings"]]
    assert finding["code"] == "VP005" and finding["severity"] == "error"
    assert finding["pointers"] == ["/retention/1", "/retention/1/period/atLeast",
                                   "/retention/1/period/atMost"]
    assert finding["quotes"][0]["text"].startswith("Call records are kept for at least")
    # the line of the rule's period, as an editor counts it
    assert finding["line"] == next(number for number, line in enumerate(
        path.read_text("utf-8").splitlines(), 1) if "id: r-cdr" in line)

    path.write_text(document({"atLeast": "P1Y", "atMost": "P2Y"}), encoding="utf-8")
    code, out, _ = run("validate", str(path), "--isolated", "-f", "json")
    assert code == 0 and "VP005" not in out


def test_a_suppression_accepts_it(tmp_path: Path) -> None:
    data = yaml.safe_load(document({"atLeast": "P2Y", "atMost": "P1Y"}))
    data["suppressions"] = [{"rule": "inverted-retention-period",
                             "reason": "the text says so; raised with the provider"}]
    findings, suppressed = check_document(data, Config())
    assert "VP005" not in {f.code for f in findings} and suppressed == 1


def test_an_inverted_period_does_not_hold_back_the_later_layers() -> None:
    """A dangling reference stops the rules after layer 1; an inverted period, local to
    one entry, does not: the contradictions and gaps elsewhere are still reported."""
    from pypolicy.validation.rules import RULES
    from tests.test_rules import example_document

    data = example_document(RULES["VP101"].fail_example)
    data["formatVersion"] = "1.1.0"
    data["retention"] = [{"id": "r-x", "data": ["d-personal"],
                          "period": {"atLeast": "P2Y", "atMost": "P1Y"}}]
    codes = [f.code for f in check_document(data, Config())[0]]
    assert "VP005" in codes and "VP101" in codes
    data["retention"].append({"id": "r-y", "data": ["d-missing"], "duration": "P1Y"})
    codes = [f.code for f in check_document(data, Config())[0]]
    assert "VP003" in codes and "VP005" in codes and "VP101" not in codes


def test_with_shacl_the_inverted_period_is_still_one_finding(tmp_path: Path) -> None:
    """The SHACL shapes check the same order (and report it three times over, through
    the node shapes of the period, the rule and the document); VP004 leaves it to VP005
    and keeps everything else it finds."""
    path = tmp_path / "inverted.policy.yaml"
    path.write_text(document({"atLeast": "P2Y", "atMost": "P1Y"}), encoding="utf-8")
    code, out, _ = run("validate", str(path), "--isolated", "--shacl", "-f", "json")
    assert code == 1
    assert [f["code"] for file in json.loads(out)["files"] for f in file["findings"]] == \
        ["VP005"]
    broken = yaml.safe_load(document({"atLeast": "P2Y", "atMost": "P1Y"}))
    broken["retention"][0]["data"] = ["d-undeclared"]  # which the shapes see too
    findings, _ = check_document(broken, Config(enable=("VP004",)))
    assert sorted({f.code for f in findings}) == ["VP003", "VP004", "VP005"]
    assert not [f for f in findings if f.code == "VP004" and "atLeast" in f.message]


@settings(max_examples=examples(30))
@given(policy_documents(), INVERTED_RANGES)
def test_an_inverted_range_in_any_document_is_reported_and_nothing_else_breaks(
        generated: dict[str, Any], inverted: dict[str, str]) -> None:
    # generated documents keep a range's bounds in order, so they never have VP005 ...
    findings, _ = check_document(generated, Config())
    assert [f for f in findings if f.code == "VP005"] == []
    # ... and with one range turned round, VP005 names it and every other rule still runs
    data = {**generated, "formatVersion": "1.1.0"}
    data_ids = [d["id"] for d in data.get("dataCategories", [])] or ["d-x"]
    if "dataCategories" not in data:
        data["dataCategories"] = [{"id": "d-x", "name": "x", "categories": ["personalData"]}]
    data["retention"] = [*data.get("retention", []),
                         {"id": "r-inverted", "data": data_ids[:1], "period": inverted}]
    after, _ = check_document(data, Config())
    assert [f.pointers[0] for f in after if f.code == "VP005"] == \
        [f"/retention/{len(data['retention']) - 1}"]
    assert {f.code for f in findings} <= {f.code for f in after} | {"VP308", "VP317", "VP309"}
