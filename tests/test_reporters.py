"""Tests of the reporters of ``pypolicy validate`` (pypolicy/validation/report/)."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema.validators import validator_for
from lxml import etree
from referencing import Registry

from pypolicy.core.errors import ConfigError
from pypolicy.core.findings import (
    FileResult,
    Finding,
    Quote,
    RegimeDecision,
    Region,
    RuleInfo,
    Severity,
)
from pypolicy.core.version import __version__
from pypolicy.validation.report import (
    REPORTERS,
    SARIF_SCHEMA_URI,
    ReportOptions,
    report,
    report_github,
    report_json,
    report_junit,
    report_sarif,
    report_text,
    sanitize_terminal,
)

SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


# --- fixtures -----------------------------------------------------------------------------

CONTRADICTION = Finding(
    code="R101", name="retention-contradiction", severity=Severity.ERROR,
    message="The policy gives two retention periods for call records.",
    pointers=("/retention/0/period", "/retention/1/period"),
    quotes=(
        Quote("/retention/0/period", "We keep call records for 6 months.",
              section="Data retention", start=120, end=155),
        Quote("/retention/1/period", "Call records are deleted after 12 months.",
              section="Your rights", start=980, end=1021),
    ),
    legal_reference="GDPR Art. 13(2)(a)", hint="Say which period applies.", line=12,
)
VAGUE = Finding(
    code="R300", name="vague-sharing", severity=Severity.WARNING,
    message="Sharing with 'partners' is not said to be with whom.",
    pointers=("/sharing/0",),
    quotes=(Quote("/sharing/0", "We may share data with our partners."),),
    line=30,
)
NO_DPO = Finding(
    code="R205", name="no-dpo", severity=Severity.INFO,
    message="No data protection officer is named.",
    pointers=("/contacts",),
    quotes=(Quote("/contacts", None, inferred=True,
                  rationale="No contact has the role of DPO."),),
    line=3,
)
UNKNOWN_RULE = Finding(code="X900", name="custom", severity=Severity.WARNING,
                       message="A finding of a rule the reporter was not told about.")

RULES = {
    "R101": RuleInfo("R101", "retention-contradiction", Severity.ERROR,
                     ("retention", "consistency"), "Retention periods must agree.",
                     "A policy that names two periods for the same data says neither.",
                     ("https://gdpr-info.eu/art-13-gdpr/",)),
    "R205": RuleInfo("R205", "no-dpo", Severity.INFO, ("contacts",),
                     "A DPO should be named.", "Art. 37 GDPR requires one for many."),
    "R300": RuleInfo("R300", "vague-sharing", Severity.WARNING, ("sharing",),
                     "Recipients should be named.", "Vague recipients are not information."),
}

REGIMES = (
    RegimeDecision("gdpr", "GDPR", False, "the provider is established in the United"
                   " Kingdom", profile="gdpr"),
    RegimeDecision("ukGdpr", "UK GDPR", True, "provider established in the United Kingdom",
                   profile="gdpr"),
    RegimeDecision("calOppa", "CalOPPA", True, "a US website is open to Californians",
                   assumed=True, profile="caloppa"),
)
NOTHING_APPLIED = (RegimeDecision("gdpr", "GDPR", False, "not claimed", profile="gdpr"),)

RESULTS = (
    FileResult("policies/acme.json", (NO_DPO, CONTRADICTION, VAGUE),
               document_id="https://example.org/acme", suppressed=1, regimes=REGIMES),
    FileResult("policies/clean.yaml", document_id="https://example.org/clean",
               regimes=NOTHING_APPLIED),
    FileResult("policies/broken file.json", error="not JSON: Expecting value",
               error_line=4, error_pointer="/services"),
    FileResult("other/extra.json", (UNKNOWN_RULE,)),
)


@functools.cache
def _sarif_validator() -> Any:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = validator_for(schema)  # the class the schema's own $schema names (draft-04)
    cls.check_schema(schema)
    # A registry with no retrieval: nothing the schema names is ever fetched.
    return cls(schema, registry=Registry())


@pytest.fixture
def sarif_validator() -> Any:
    return _sarif_validator()


# --- sanitising ---------------------------------------------------------------------------

def test_sanitize_terminal_escapes_controls_but_keeps_newline_and_tab() -> None:
    hostile = "a\x1b[2Jb\x9b31mc\x00d\x7fe\rf\u202eg\u2028h\n\ti\udcff"
    assert sanitize_terminal(hostile) == (
        "a\\x1b[2Jb\\x9b31mc\\x00d\\x7fe\\x0df\\u202eg\\u2028h\n\ti\\udcff")


def test_sanitize_terminal_leaves_ordinary_text_alone() -> None:
    text = "Ärger über Ø — «quoted» 数据 👍 \\ back\\slash"
    assert sanitize_terminal(text) == text


# --- text ---------------------------------------------------------------------------------

def test_text_shows_findings_quotes_and_summary() -> None:
    out = report_text(RESULTS, RULES, ReportOptions())
    lines = out.splitlines()
    assert ("policies/acme.json:12: error R101 retention-contradiction: "
            "The policy gives two retention periods for call records.") in lines
    assert "    at /retention/0/period, /retention/1/period" in lines
    assert '    "We keep call records for 6 months."' in lines
    assert '    "Call records are deleted after 12 months."' in lines
    assert '        section "Data retention", at /retention/0/period, chars 120-155' in lines
    assert "    hint: Say which period applies." in lines
    assert "    legal: GDPR Art. 13(2)(a)" in lines
    assert "        inferred: No contact has the role of DPO." in lines
    assert ("policies/clean.yaml: no findings; regimes: none applied (only the rules for"
            " every policy)") in lines
    assert ("policies/broken file.json:4: unusable: not JSON: Expecting value") in lines
    assert "    at /services" in lines
    assert lines[-1] == "1 error, 2 warnings, 1 info in 4 files (1 unusable, 1 suppressed)"
    assert "\x1b" not in out
    assert out.endswith("\n")


def test_text_orders_findings_by_line() -> None:
    out = report_text(RESULTS[:1], RULES)
    assert out.index("R205") < out.index("R101") < out.index("R300")


def test_text_summary_singular_and_plural() -> None:
    assert report_text([], {}).strip() == "0 errors, 0 warnings, 0 info in 0 files"
    one = FileResult("p.json", (CONTRADICTION,))
    assert report_text([one], {}).splitlines()[-1] == "1 error, 0 warnings, 0 info in 1 file"


def test_text_show_quotes_false_leaves_quotes_out() -> None:
    out = report_text(RESULTS, RULES, ReportOptions(show_quotes=False))
    assert "We keep call records" not in out
    assert "hint: Say which period applies." in out


def test_text_colour_only_when_asked_and_hostile_text_still_escaped() -> None:
    hostile = FileResult("evil.json", (Finding(
        "R1", "x", Severity.ERROR, "boom\x1b[2J\x1b]0;owned\x07",
        quotes=(Quote("/a", "quote\x1b[31m red"),)),))
    plain = report_text([hostile], {})
    coloured = report_text([hostile], {}, ReportOptions(color=True))
    assert "\x1b" not in plain
    assert "boom\\x1b[2J\\x1b]0;owned\\x07" in plain
    assert '"quote\\x1b[31m red"' in plain
    assert "\x1b[1;31merror\x1b[0m" in coloured
    # the only ESC characters are our own colour codes
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured).count("\x1b") == 0
    assert "\x1b[2J" not in coloured and "\x1b]0;" not in coloured


def test_text_keeps_path_and_pointer_on_one_line() -> None:
    result = FileResult("a\nb.json", (Finding("R1", "x", Severity.WARNING, "m",
                                              pointers=("/x\ny",), line=2),))
    out = report_text([result], {})
    assert out.splitlines()[0] == "a\\x0ab.json:2: warning R1 x: m"
    assert out.splitlines()[1] == "    at /x\\x0ay"


# --- json ---------------------------------------------------------------------------------

def test_json_has_the_documented_shape() -> None:
    data = json.loads(report_json(RESULTS, RULES, ReportOptions(tool_version="9.9")))
    assert set(data) == {"version", "tool", "files", "summary"}
    assert data["version"] == 1
    assert data["tool"] == {"name": "pypolicy", "version": "9.9"}
    assert data["summary"] == {"error": 1, "warning": 2, "info": 1, "files": 4,
                               "unusableFiles": 1}
    acme, clean, broken, extra = data["files"]
    assert set(acme) == {"path", "documentId", "usable", "suppressed", "findings", "counts",
                         "regimes", "summary"}
    assert acme["counts"] == {"error": 1, "warning": 1, "info": 1}
    assert acme["regimes"] == [d.as_dict() for d in REGIMES]
    assert acme["regimes"][2]["assumed"] is True and acme["regimes"][0]["applied"] is False
    assert acme["summary"] == (
        "1 error, 1 warning, 1 info (1 suppressed); regimes: UK GDPR (provider established"
        " in the United Kingdom), CalOPPA (assumed: a US website is open to Californians)")
    assert extra_keys_absent_when_unusable(data["files"][2])
    assert acme["path"] == "policies/acme.json"
    assert acme["documentId"] == "https://example.org/acme"
    assert acme["usable"] is True and acme["suppressed"] == 1
    assert [f["code"] for f in acme["findings"]] == ["R205", "R101", "R300"]
    assert acme["findings"][1] == CONTRADICTION.as_dict()
    assert acme["findings"][1]["quotes"][1]["text"] == "Call records are deleted after 12 months."
    assert clean["findings"] == [] and clean["usable"] is True
    assert broken == {"path": "policies/broken file.json", "documentId": None,
                      "usable": False, "error": "not JSON: Expecting value", "errorLine": 4,
                      "errorPointer": "/services", "suppressed": 0, "findings": []}
    assert extra["findings"] == [UNKNOWN_RULE.as_dict()]


def extra_keys_absent_when_unusable(entry: dict[str, Any]) -> bool:
    """An unusable file has no counts, regimes or summary: nothing was judged."""
    return not {"counts", "regimes", "summary"} & set(entry)


def test_json_default_tool_version_and_stable_output() -> None:
    first = report_json(RESULTS, RULES)
    assert json.loads(first)["tool"]["version"] == __version__
    assert first == report_json(RESULTS, RULES)
    assert first.startswith('{\n  "files": [')  # indent=2, keys sorted


def test_json_escapes_terminal_controls_but_round_trips() -> None:
    text = "a\x1b[2Jb\x85c\u202ed\u2028e\udcff"
    out = report_json([FileResult(text, (Finding("R1", "n", Severity.INFO, text),))], {})
    assert not any(c in out for c in "\x1b\x85\u202e\u2028\udcff")
    data = json.loads(out)
    assert data["files"][0]["path"] == text
    assert data["files"][0]["findings"][0]["message"] == text


# --- sarif --------------------------------------------------------------------------------

def test_sarif_validates_against_the_official_schema(sarif_validator: Any) -> None:
    log = json.loads(report_sarif(RESULTS, RULES, ReportOptions(tool_version="1.2.3")))
    errors = sorted(sarif_validator.iter_errors(log), key=str)
    assert errors == []
    assert log["$schema"] == SARIF_SCHEMA_URI
    assert log["version"] == "2.1.0"


def test_the_schema_is_the_oasis_one(sarif_validator: Any) -> None:
    schema = sarif_validator.schema
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    assert type(sarif_validator).__name__ == "Draft4Validator"
    # and it does reject what is not SARIF
    assert not sarif_validator.is_valid({"version": "2.1.0", "runs": [{"tool": {}}]})
    assert not sarif_validator.is_valid({"version": "2.0.0", "runs": []})


def test_sarif_driver_rules_results_and_levels() -> None:
    log = json.loads(report_sarif(RESULTS, RULES, ReportOptions(tool_version="1.2.3")))
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "pypolicy" and driver["version"] == "1.2.3"
    assert driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    assert [r["id"] for r in rules] == ["R101", "R205", "R300", "X900"]
    r101 = rules[0]
    assert r101["name"] == "retention-contradiction"
    assert r101["shortDescription"] == {"text": "Retention periods must agree."}
    assert r101["fullDescription"]["text"].startswith("A policy that names two periods")
    assert r101["defaultConfiguration"] == {"level": "error"}
    assert r101["properties"]["tags"] == ["retention", "consistency"]
    assert r101["helpUri"] == "https://gdpr-info.eu/art-13-gdpr/"
    assert rules[1]["defaultConfiguration"] == {"level": "note"}

    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("R205", "note"), ("R101", "error"), ("R300", "warning"), ("X900", "warning")]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]

    contradiction = results[1]
    assert contradiction["message"]["text"] == CONTRADICTION.message
    (location,) = contradiction["locations"]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "policies/acme.json"
    assert location["physicalLocation"]["region"] == {"startLine": 12}
    assert location["logicalLocations"] == [
        {"fullyQualifiedName": "/retention/0/period", "kind": "element"}]
    related = contradiction["relatedLocations"]
    # each place once: the first pointer (its words quoted), then the second pointer
    assert len(related) == 2
    assert len({r["id"] for r in related}) == 2
    assert [r["logicalLocations"][0]["fullyQualifiedName"] for r in related] == [
        "/retention/0/period", "/retention/1/period"]
    assert related[0]["message"]["text"].startswith(
        'at /retention/0/period: "We keep call records for 6 months."')
    assert related[1]["message"]["text"].startswith(
        'also at /retention/1/period: "Call records are deleted after 12 months."')
    props = contradiction["properties"]
    assert props["quotes"] == [q.as_dict() for q in CONTRADICTION.quotes]
    assert props["hint"] == "Say which period applies."
    assert props["legalReference"] == "GDPR Art. 13(2)(a)"
    # a finding without a line has no region
    assert "region" not in results[3]["locations"][0]["physicalLocation"]


SPREAD = Finding(
    code="R102", name="spread", severity=Severity.WARNING, message="Three places.",
    pointers=("/a", "/b", "/c"),
    quotes=(Quote("/b", "One sentence.", start=5, end=18),
            Quote("/c", "One sentence.", start=5, end=18),
            Quote("/b", "One sentence.", start=5, end=18, inferred=True,
                  rationale="read as a disclosure")),
    line=2,
    regions=(("/a", Region(2, 3, 4, 5)), ("/b", Region(7, 3, 9, 4)),
             ("/c", Region(11, 5, 11, 20))),
)


def test_sarif_lists_every_other_place_as_a_related_location(sarif_validator: Any) -> None:
    log = json.loads(report_sarif([FileResult("p.json", (SPREAD,))], {}))
    assert list(sarif_validator.iter_errors(log)) == []
    (result,) = log["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 2, "startColumn": 3, "endLine": 4, "endColumn": 5}
    related = result["relatedLocations"]
    # /a has no quote and is the location itself: the related ones are /b and /c
    assert [r["logicalLocations"][0]["fullyQualifiedName"] for r in related] == ["/b", "/c"]
    assert [r["physicalLocation"]["region"] for r in related] == [
        {"startLine": 7, "startColumn": 3, "endLine": 9, "endColumn": 4},
        {"startLine": 11, "startColumn": 5, "endLine": 11, "endColumn": 20}]
    # the passage quoted twice for /b (plainly, and with an inference) is named once there
    assert related[0]["message"]["text"] == (
        'also at /b: "One sentence."; inferred: read as a disclosure')
    assert related[1]["message"]["text"] == 'also at /c: "One sentence."'
    assert len(related[0]["properties"]["quotes"]) == 2
    assert result["properties"]["pointers"] == ["/a", "/b", "/c"]


def test_sarif_run_properties_state_each_documents_regimes(sarif_validator: Any) -> None:
    log = json.loads(report_sarif(RESULTS, RULES))
    assert list(sarif_validator.iter_errors(log)) == []
    documents = log["runs"][0]["properties"]["documents"]
    # the unusable file was not judged: no summary for it
    assert [d["path"] for d in documents] == [
        "policies/acme.json", "policies/clean.yaml", "other/extra.json"]
    acme = documents[0]
    assert acme["artifactIndex"] == 0 and acme["documentId"] == "https://example.org/acme"
    assert acme["counts"] == {"error": 1, "warning": 1, "info": 1}
    assert acme["regimes"] == [d.as_dict() for d in REGIMES]
    assert "UK GDPR (provider established in the United Kingdom)" in acme["summary"]
    assert "CalOPPA (assumed: " in acme["summary"]
    assert documents[2]["regimes"] == [] and documents[2]["summary"] == \
        "0 errors, 1 warning, 0 info"


def test_text_summary_line_per_document_and_quiet_leaves_it_out() -> None:
    out = report_text(RESULTS, RULES).splitlines()
    assert ("policies/acme.json: 1 error, 1 warning, 1 info (1 suppressed); regimes: UK GDPR"
            " (provider established in the United Kingdom), CalOPPA (assumed: a US website"
            " is open to Californians)") in out
    # the summary closes the document's block, after its findings
    assert out.index("policies/acme.json:30: warning R300 vague-sharing: Sharing with"
                     " 'partners' is not said to be with whom.") < out.index(
        next(line for line in out if line.startswith("policies/acme.json: 1 error")))
    # a result without any regime decision (a document that failed the structure checks)
    assert "other/extra.json: 0 errors, 1 warning, 0 info" in out
    quiet = report_text(RESULTS, RULES, ReportOptions(quiet=True))
    assert "regimes:" not in quiet and "no findings" not in quiet
    assert "in 4 files" not in quiet and "R101" in quiet


def test_text_names_one_passage_quoted_for_two_places_once() -> None:
    out = report_text([FileResult("p.json", (SPREAD,))], {})
    assert out.count('"One sentence."') == 1
    assert "        at /b, /c, chars 5-18" in out.splitlines()
    assert "        inferred: read as a disclosure" in out.splitlines()
    assert "    at /a, /b, /c" in out.splitlines()


def test_sarif_unusable_files_are_notifications() -> None:
    run = json.loads(report_sarif(RESULTS, RULES))["runs"][0]
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["message"]["text"] == "not JSON: Expecting value"
    physical = note["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "policies/broken%20file.json"
    assert physical["region"] == {"startLine": 4}
    assert [a["properties"]["path"] for a in run["artifacts"]] == [r.path for r in RESULTS]

    clean = json.loads(report_sarif(RESULTS[:2], RULES))["runs"][0]
    assert clean["invocations"] == [{"executionSuccessful": True}]


@pytest.mark.parametrize(("path", "uri"), [
    ("policies/acme.json", "policies/acme.json"),
    ("policies\\win\\acme.json", "policies/win/acme.json"),
    ("a b#c?.json", "a%20b%23c%3F.json"),
    ("c:odd.json", "c%3Aodd.json"),
    ("/abs/p.json", "file:///abs/p.json"),
    ("C:\\Users\\p.json", "file:///C:/Users/p.json"),
    ("données.json", "donn%C3%A9es.json"),
])
def test_sarif_paths_become_uri_references(path: str, uri: str, sarif_validator: Any) -> None:
    log = json.loads(report_sarif([FileResult(path, (VAGUE,))], RULES))
    assert sarif_validator.is_valid(log)
    got = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert got["artifactLocation"]["uri"] == uri


def test_sarif_leaves_out_lines_it_cannot_use(sarif_validator: Any) -> None:
    bad_lines = [FileResult("a.json", (Finding("R101", "n", Severity.ERROR, "m", line=0),)),
                 FileResult("b.json", error="unreadable", error_line=-1)]
    log = json.loads(report_sarif(bad_lines, RULES))
    assert sarif_validator.is_valid(log)
    run = log["runs"][0]
    assert "region" not in run["results"][0]["locations"][0]["physicalLocation"]
    note = run["invocations"][0]["toolExecutionNotifications"][0]
    assert "region" not in note["locations"][0]["physicalLocation"]


def test_sarif_the_same_file_twice_is_still_valid(sarif_validator: Any) -> None:
    twice = [FileResult("p.json", (VAGUE,)), FileResult("p.json", (VAGUE,))]
    log = json.loads(report_sarif(twice, RULES))
    assert sarif_validator.is_valid(log)
    assert len(log["runs"][0]["artifacts"]) == 1


# --- junit --------------------------------------------------------------------------------

def test_junit_structure_and_counts() -> None:
    out = report_junit(RESULTS, RULES)
    assert out.startswith("<?xml version='1.0' encoding='UTF-8'?>\n")
    root = etree.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [r.path for r in RESULTS]
    acme, clean, broken, extra = suites
    assert acme.get("failures") == "2" and acme.get("errors") == "0"
    assert int(acme.get("tests")) >= 3 == len(acme.findall("testcase"))
    names = [c.get("name") for c in acme.findall("testcase")]
    assert names == ["R205 no-dpo at /contacts",
                     "R101 retention-contradiction at /retention/0/period",
                     "R300 vague-sharing at /sharing/0"]
    assert {c.get("classname") for c in acme.findall("testcase")} == {
        "https://example.org/acme"}
    info_case, error_case, warning_case = acme.findall("testcase")
    assert info_case.find("failure") is None
    assert "No data protection officer" in info_case.findtext("system-out")
    failure = error_case.find("failure")
    assert failure.get("type") == "error"
    assert failure.get("message") == CONTRADICTION.message
    assert "We keep call records for 6 months." in failure.text
    assert "Call records are deleted after 12 months." in failure.text
    assert "hint: Say which period applies." in failure.text
    assert warning_case.find("failure").get("type") == "warning"

    assert clean.get("failures") == "0" and clean.get("errors") == "0"
    assert int(clean.get("tests")) == len(RULES)  # the rules run
    assert [c.get("name") for c in clean.findall("testcase")] == ["no findings"]
    assert broken.get("errors") == "1"
    error = broken.find("testcase/error")
    assert error.get("message") == "not JSON: Expecting value"
    assert extra.find("testcase").get("classname") == "other/extra.json"

    assert root.get("failures") == "3" and root.get("errors") == "1"
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites)


def test_junit_carries_each_documents_summary_as_properties() -> None:
    root = etree.fromstring(report_junit(RESULTS, RULES).encode("utf-8"))
    acme, clean, broken, extra = root.findall("testsuite")

    def properties(suite: Any) -> dict[str, str]:
        return {p.get("name"): p.get("value") for p in suite.findall("properties/property")}

    assert properties(acme) == {
        "documentId": "https://example.org/acme",
        "summary": "1 error, 1 warning, 1 info (1 suppressed); regimes: UK GDPR (provider"
                   " established in the United Kingdom), CalOPPA (assumed: a US website is"
                   " open to Californians)",
        "counts.error": "1", "counts.warning": "1", "counts.info": "1", "suppressed": "1",
        "regime.gdpr": "not applied: the provider is established in the United Kingdom",
        "regime.ukGdpr": "applied: provider established in the United Kingdom",
        "regime.calOppa": "applied, assumed: a US website is open to Californians"}
    assert [p.get("name") for p in acme.findall("properties/property")][:2] == [
        "documentId", "summary"]
    assert properties(clean)["summary"] == \
        "no findings; regimes: none applied (only the rules for every policy)"
    assert properties(clean)["regime.gdpr"] == "not applied: not claimed"
    # an unusable file has no summary to give; a file without an id or regimes, its counts
    assert broken.find("properties") is None
    assert properties(extra) == {"summary": "0 errors, 1 warning, 0 info",
                                 "counts.error": "0", "counts.warning": "1",
                                 "counts.info": "0", "suppressed": "0"}


def test_junit_survives_hostile_text() -> None:
    text = "\x00\x01<script>alert(1)</script>]]>&amp;\x1b[2J\udcff\ufffe"
    result = FileResult(text, (Finding("R1", text, Severity.ERROR, text,
                                       pointers=(text,), quotes=(Quote(text, text),)),),
                        error=None, document_id=text)
    root = etree.fromstring(report_junit([result], {}).encode("utf-8"))
    failure = root.find("testsuite/testcase/failure")
    assert "<script>alert(1)</script>]]>&amp;" in failure.get("message")
    assert "\\x00\\x01" in failure.get("message")


# --- github -------------------------------------------------------------------------------

def test_github_commands() -> None:
    out = report_github(RESULTS, RULES, ReportOptions(show_quotes=False))
    lines = out.splitlines()
    assert len(lines) == 5  # four findings and one unusable file
    assert lines[0].startswith(
        "::notice file=policies/acme.json,line=3,title=R205 no-dpo::"
        "No data protection officer is named.")
    assert lines[1].startswith(
        "::error file=policies/acme.json,line=12,title=R101 retention-contradiction::"
        "The policy gives two retention periods for call records.%0Aat /retention/0/period")
    assert lines[2].startswith("::warning file=policies/acme.json,line=30,")
    assert lines[3] == ("::error file=policies/broken file.json,line=4,title=unusable file::"
                        "not JSON: Expecting value%0Aat /services")
    assert lines[4].startswith("::warning file=other/extra.json,title=X900 custom::")


def test_github_escaping() -> None:
    finding = Finding("R1", "a,b:c", Severity.WARNING, "50% done\r\nnext: a,b",
                      line=7)
    out = report_github([FileResult("dir,x/a:b%.json", (finding,))], {})
    assert out == ("::warning file=dir%2Cx/a%3Ab%25.json,line=7,title=R1 a%2Cb%3Ac::"
                   "50%25 done%0D%0Anext: a,b\n")


def test_github_nothing_to_say() -> None:
    assert report_github([FileResult("p.json")], RULES) == ""


# --- the registry -------------------------------------------------------------------------

def test_registry_names_and_lookup() -> None:
    assert set(REPORTERS) == {"text", "json", "sarif", "junit", "github", "gitlab"}
    assert report("json", RESULTS, RULES) == report_json(RESULTS, RULES, ReportOptions())
    with pytest.raises(ConfigError,
                       match="expected one of github, gitlab, json, junit, sarif, text"):
        report("html", RESULTS, RULES)


def test_report_options_are_frozen() -> None:
    options = ReportOptions()
    assert (options.color, options.tool_version, options.show_quotes) == (
        False, __version__, True)
    with pytest.raises(AttributeError):
        options.color = True  # type: ignore[misc]


# --- property test: hostile text ------------------------------------------------------------

# Only low surrogates, as os.fsdecode's surrogateescape makes them: a high surrogate
# followed by a low one cannot be told apart from a real pair in JSON.
_HOSTILE = ["\x1b[31m", "\x1b]0;title\x07", "\x9b2J", "\x00", "\x07", "\x7f", "\x85",
            "\r\n", "\n", "\r", "\t", "<script>alert(1)</script>", "]]>", "&amp;", "%",
            "%0A", "::error::", ",", ":", "\u202e", "\u2028", "\u2029", "\udc80",
            "\udcff", "\ufffe", "\uffff", '"', "\\x1b", "\x0b\x0c\x1c"]
hostile_text = st.one_of(
    st.text(),
    st.lists(st.one_of(st.text(max_size=4), st.sampled_from(_HOSTILE)), max_size=8)
    .map("".join),
)
maybe = st.none() | hostile_text
quotes = st.builds(Quote, pointer=hostile_text, text=maybe, section=maybe,
                   start=st.none() | st.integers(0, 10**6),
                   end=st.none() | st.integers(0, 10**6), inferred=st.booleans(),
                   rationale=maybe)
findings = st.builds(
    Finding, code=st.sampled_from(["R101", "R205", "X1"]), name=hostile_text,
    severity=st.sampled_from(list(Severity)), message=hostile_text,
    pointers=st.lists(hostile_text, max_size=3).map(tuple),
    quotes=st.lists(quotes, max_size=3).map(tuple),
    legal_reference=maybe, hint=maybe, line=st.none() | st.integers(-2, 10**6))
file_results = st.builds(
    FileResult, path=hostile_text, findings=st.lists(findings, max_size=3).map(tuple),
    error=maybe, error_line=st.none() | st.integers(-2, 10**6), error_pointer=maybe,
    suppressed=st.integers(0, 3), document_id=maybe)

_URI = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*")


def _unsafe_for_terminal(char: str) -> bool:
    code = ord(char)
    return ((code < 0x20 and char not in "\n\t") or 0x7F <= code <= 0x9F
            or 0xD800 <= code <= 0xDFFF or char in "\u2028\u2029\u202e")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(results=st.lists(file_results, max_size=4), color=st.booleans(),
       show_quotes=st.booleans())
def test_every_reporter_survives_hostile_text(results: list[FileResult], color: bool,
                                              show_quotes: bool) -> None:
    validator = _sarif_validator()
    options = ReportOptions(color=color, show_quotes=show_quotes)
    outputs = {name: reporter(results, RULES, options) for name, reporter in REPORTERS.items()}
    assert all(isinstance(out, str) for out in outputs.values())
    n_findings = sum(len(r.findings) for r in results)
    n_unusable = sum(not r.usable for r in results)

    # text: nothing that can drive a terminal, beyond our own colour codes
    text = re.sub(r"\x1b\[[0-9;]*m", "", outputs["text"]) if color else outputs["text"]
    assert not any(_unsafe_for_terminal(c) for c in text)
    n_errors = sum(f.severity is Severity.ERROR for r in results for f in r.findings)
    assert text.splitlines()[-1].startswith(f"{n_errors} error")

    # json: parses, and gives back the exact text
    data = json.loads(outputs["json"])
    assert [f["path"] for f in data["files"]] == [r.path for r in results]
    for entry, result in zip(data["files"], results, strict=True):
        assert entry["findings"] == [f.as_dict() for f in sorted(result.findings,
                                                                  key=Finding.sort_key)]
        assert entry.get("error") == result.error
        assert entry["documentId"] == result.document_id
    assert data["summary"]["unusableFiles"] == n_unusable

    # sarif: valid, and gives back the exact text
    log = json.loads(outputs["sarif"])
    assert validator.is_valid(log), next(iter(validator.iter_errors(log)))
    run = log["runs"][0]
    assert len(run["results"]) == n_findings
    messages = sorted(r["message"]["text"] for r in run["results"])
    assert messages == sorted(f.message for r in results for f in r.findings)
    expected_quotes = sorted(json.dumps([q.as_dict() for q in f.quotes], sort_keys=True)
                             for r in results for f in r.findings)
    assert sorted(json.dumps(r["properties"]["quotes"], sort_keys=True)
                  for r in run["results"]) == expected_quotes
    assert {a["properties"]["path"] for a in run["artifacts"]} == {r.path for r in results}
    for artifact in run["artifacts"]:
        uri = artifact["location"]["uri"]
        assert _URI.fullmatch(uri), uri
        path = artifact["properties"]["path"]
        if not uri.startswith("file:"):
            assert urlsplit(uri).scheme == ""
            assert unquote(uri, errors="surrogateescape") == path.replace("\\", "/")
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    notes = run["invocations"][0].get("toolExecutionNotifications", [])
    assert len(notes) == n_unusable
    assert run["invocations"][0]["executionSuccessful"] is (n_unusable == 0)

    # junit: well-formed XML with the right counts
    root = etree.fromstring(outputs["junit"].encode("utf-8"))
    assert len(root.findall("testsuite")) == len(results)
    assert int(root.get("failures")) == sum(
        f.severity >= Severity.WARNING for r in results for f in r.findings)
    assert int(root.get("errors")) == n_unusable

    # github: one line per finding and per unusable file, each a workflow command
    lines = outputs["github"].splitlines()
    assert len(lines) == n_findings + n_unusable
    assert all(re.match(r"::(error|warning|notice) file=[^:]*::", line) for line in lines)
    assert not any(_unsafe_for_terminal(c) for c in outputs["github"].replace("\n", ""))
