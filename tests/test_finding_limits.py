"""The limits on what a rule reports per document (issue 18): suppressions come before
the limit on findings listed, the limit is a command-line flag as well as a setting, and
a rule that stops comparing pairs says which rule, that it stopped and after how many
pairs; the generated documents of the growth benchmark stay under that limit."""

from __future__ import annotations

import copy
import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from pypolicy.cli.main import main
from pypolicy.validation.engine import Config, check_document
from pypolicy.validation.rules import _base

ROOT = Path(__file__).resolve().parent.parent

BASE: dict[str, Any] = {
    "formatVersion": "1.1.0",
    "id": "limits",
    "title": "Limits",
    "language": "en",
    "provider": {"name": "Example Telecom", "country": "NO",
                 "contacts": [{"channel": "email", "value": "privacy@example.net"}]},
    "dataCategories": [
        {"id": "d-cdr", "name": "call records", "categories": ["callDetailRecord"]}],
}


def retention_rules(count: int) -> dict[str, Any]:
    """``count`` periods for the same data: every pair of them is a VP202 finding, and
    the pairs with the first rule come first."""
    doc = copy.deepcopy(BASE)
    doc["retention"] = [{"id": f"r-{i}", "data": ["d-cdr"], "duration": f"P{i + 1}D",
                         "evidence": [{"quote": f"Kept {i + 1} days.", "section": "R"}]}
                        for i in range(count)]
    return doc


def about_first_rule(finding: Any) -> bool:
    return "/retention/0" in finding.pointers


def test_a_suppressed_finding_takes_no_place_under_the_limit() -> None:
    """The 19 findings about the first rule come first; suppressed, they neither hide
    the findings that would follow them nor count among the rest."""
    doc = retention_rules(20)  # 190 findings, 19 of them with r-0
    every, _ = check_document(doc, Config(select=("VP202",), max_findings_per_rule=None))
    assert len(every) == 190 and all(about_first_rule(f) for f in every[:19])
    doc["suppressions"] = [{"rule": "VP202", "targets": ["/retention/0"],
                            "reason": "reviewed: r-0 is the statutory minimum"}]
    found, suppressed = check_document(doc, Config(select=("VP202",),
                                                   max_findings_per_rule=10))
    assert suppressed == 19
    listed, more = found[:-1], found[-1]
    assert len(listed) == 10 and not any(about_first_rule(f) for f in listed)
    assert listed == [f for f in every if not about_first_rule(f)][:10]
    assert more.pointers == ("",)
    assert more.message.startswith("161 more conflicting-retention-periods findings")


def test_everything_suppressed_leaves_nothing_to_count() -> None:
    doc = retention_rules(20)
    doc["suppressions"] = [{"rule": "conflicting-retention-periods", "reason": "reviewed"}]
    found, suppressed = check_document(doc, Config(select=("VP202",),
                                                   max_findings_per_rule=10))
    assert found == [] and suppressed == 190


def test_a_suppression_of_a_merged_finding_suppresses_all_of_it() -> None:
    """Findings on one passage merge into one; a suppression that names one of its
    places suppresses the merged finding, as it did when suppressions came last."""
    doc = retention_rules(4)
    for rule in doc["retention"]:
        rule["evidence"] = [{"quote": "Kept for various periods.", "section": "R"}]
    doc["suppressions"] = [{"rule": "VP202", "targets": ["/retention/3"],
                            "reason": "reviewed: one sentence"}]
    assert len(check_document(doc, Config(select=("VP202",)))[0]) == 0
    found, suppressed = check_document(doc, Config(select=("VP202",),
                                                   max_findings_per_rule=1))
    assert (found, suppressed) == ([], 1)
    del doc["suppressions"]
    found, suppressed = check_document(doc, Config(select=("VP202",),
                                                   max_findings_per_rule=1))
    assert len(found) == 1 and len(found[0].pointers) == 4 and suppressed == 0


def test_suppressions_are_found_by_place_not_by_trying_each() -> None:
    """Thousands of suppressions and findings: the suppression for each finding is
    the first in the document that names its rule and a place at or above its own."""
    doc = retention_rules(60)  # 1,770 findings
    doc["suppressions"] = [{"rule": "VP202", "targets": [f"/retention/{i}/duration"],
                            "reason": "not this one"} for i in range(2000)]
    doc["suppressions"] += [
        {"rule": "VP202", "targets": ["/retention/7"], "reason": "first"},
        {"rule": "conflicting-retention-periods", "targets": ["/retention"], "reason": "all"}]
    found, suppressed = check_document(doc, Config(select=("VP202",)))
    assert (found, suppressed) == ([], 1770)
    from pypolicy.format.loader import parse_text
    from pypolicy.validation.engine import validate_loaded

    result = validate_loaded(parse_text(json.dumps(doc), "limits.policy.json"),
                             Config(select=("VP202",)))
    reasons = {s.reason for s in result.suppressed_findings}
    assert reasons == {"first", "all"}
    assert all(s.reason == "first" for s in result.suppressed_findings
               if "/retention/7" in s.finding.pointers)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    doc = retention_rules(20)
    doc["suppressions"] = [{"rule": "VP202", "targets": ["/retention/0"], "reason": "seen"}]
    path = tmp_path / "limits.policy.json"
    path.write_text(json.dumps(doc, indent=1), "utf-8")
    return path


def test_the_flag_sets_the_limit_and_overrides_the_setting(policy_file: Path) -> None:
    (policy_file.parent / "pyproject.toml").write_text(
        "[tool.pypolicy]\nmax-findings-per-rule = 3\n", "utf-8")
    listed: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for flag in ((), ("--max-findings-per-rule", "5"), ("--max-findings-per-rule", "0")):
        code, out, _ = run("validate", str(policy_file), "--select", "VP202", "-f", "json",
                           *flag)
        assert code == 1
        findings = json.loads(out)["files"][0]["findings"]
        listed[flag[1:]] = findings
    def rest(findings: list[dict[str, Any]]) -> list[str]:
        return [f["message"].split(" findings")[0] for f in findings
                if " more conflicting-retention-periods findings" in f["message"]]

    # the finding for the rest has no line: a report lists it first
    assert len(listed[()]) == 4 and rest(listed[()]) == ["168 more conflicting-retention-periods"]
    assert len(listed[("5",)]) == 6 and rest(listed[("5",)]) == [
        "166 more conflicting-retention-periods"]
    assert len(listed[("0",)]) == 171 and rest(listed[("0",)]) == []


def test_the_count_of_the_rest_in_every_reporter(policy_file: Path) -> None:
    for report in ("text", "json", "sarif", "junit", "github", "gitlab"):
        code, out, _ = run("validate", str(policy_file), "--isolated", "--select", "VP202",
                           "--max-findings-per-rule", "10", "-f", report)
        assert code == 1
        assert "161 more conflicting-retention-periods findings" in out, report


@pytest.mark.parametrize("value", ["-1", "ten", "2.5", ""])
def test_a_bad_limit_exits_2_naming_the_flag(policy_file: Path, value: str) -> None:
    """Through the real command line: a message, exit 2, no traceback, no report."""
    done = subprocess.run([sys.executable, "-m", "pypolicy", "validate", str(policy_file),
                           "--max-findings-per-rule", value],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "--max-findings-per-rule" in done.stderr
    assert "whole number" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_a_rule_that_stops_comparing_says_which_when_and_how_many(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """VP202 compares each pair of periods for the same data: with the limit at 100
    pairs, 20 rules (190 pairs) stop it. The finding names the rule, says that it
    stopped and after how many pairs, and counts the findings not listed as "at least"."""
    monkeypatch.setattr(_base, "MAX_PAIRS_PER_RULE", 100)
    found, _ = check_document(retention_rules(20), Config(select=("VP202",),
                                                          max_findings_per_rule=10))
    stopped = found[-1]
    assert (stopped.code, stopped.name, stopped.pointers) == \
        ("VP202", "conflicting-retention-periods", ("",))
    assert stopped.message.startswith("conflicting-retention-periods stopped after"
                                      " comparing 100 pairs of entries in this document")
    assert "at least 90 more conflicting-retention-periods findings" in stopped.message
    assert "split the document" in (stopped.hint or "")
    assert len(found) == 11


def test_a_stopped_rule_is_reported_by_the_command(policy_file: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_base, "MAX_PAIRS_PER_RULE", 50)
    code, out, _ = run("validate", str(policy_file), "--isolated", "--select", "VP202")
    assert code == 1
    assert "VP202 conflicting-retention-periods: conflicting-retention-periods stopped" \
        " after comparing 50 pairs" in out


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_growth",
                                                  ROOT / "bench" / "bench_growth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


PAIRWISE = ("VP101", "VP102", "VP103", "VP104", "VP201", "VP202", "VP205", "VP206",
            "VP207")


@pytest.mark.parametrize("dimension", ["statements", "varied", "retention"])
def test_the_growth_documents_stay_under_the_pair_limit(
        dimension: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 5,000 entries, the largest size the benchmark's target speaks of, no rule that
    compares pairs reaches the limit: each compares only the pairs that can matter."""
    bench = _bench()
    make = {"statements": bench.with_statements, "varied": bench.with_varied_statements,
            "retention": bench.with_retention}[dimension]
    most = 0
    original = _base.Rule.charge

    def charge(self: _base.Rule, pairs: int = 1) -> None:
        nonlocal most
        original(self, pairs)
        most = max(most, self._pairs)

    monkeypatch.setattr(_base.Rule, "charge", charge)
    found, _ = check_document(make(5000), Config(select=PAIRWISE,
                                                 profiles=("gdpr", "eprivacy")))
    assert not any("stopped after comparing" in f.message for f in found)
    assert most < _base.MAX_PAIRS_PER_RULE / 2, most


def test_the_real_pair_limit_is_reported_with_its_number() -> None:
    """450 periods of one length for the same data: 101,025 pairs to compare, none a
    finding. VP202 stops at the limit and says so, the only finding."""
    doc = retention_rules(450)
    for rule in doc["retention"]:
        rule["duration"] = "P1D"
    found, _ = check_document(doc, Config(select=("VP202",)))
    assert [(f.code, f.pointers) for f in found] == [("VP202", ("",))]
    assert found[0].message == ("conflicting-retention-periods stopped after comparing"
                                " 100,000 pairs of entries in this document, so it may"
                                " have missed findings")
    assert found[0].severity.name == "WARNING"
