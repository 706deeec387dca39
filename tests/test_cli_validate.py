"""`pypolicy validate` as CI uses it: configuration, fail levels, reporters, many files."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from pypolicy.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
ITNET = str(ROOT / "examples" / "itnet.policy.json")
INUM = str(ROOT / "examples" / "inum.policy.json")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def codes(output: str) -> set[str]:
    report = json.loads(output)
    return {f["code"] for file in report["files"] for f in file["findings"]}


def test_findings_at_error_level_exit_1_and_ignoring_them_exits_0() -> None:
    code, out, _ = run("validate", ITNET, "-f", "json")
    assert code == 1 and "VP203" in codes(out)
    errors = {c for c in codes(out)}
    code, out, _ = run("validate", ITNET, "-f", "json", "--ignore", ",".join(sorted(errors)))
    assert code == 0 and codes(out) == set()


def test_fail_level_warning_counts_warnings() -> None:
    code, out, _ = run("validate", ITNET, "-f", "json", "--select", "VP310")
    report = json.loads(out)
    severities = {f["severity"] for f in report["files"][0]["findings"]}
    assert severities == {"error"} and code == 1
    code, _, _ = run("validate", ITNET, "--select", "VP209")
    assert code == 0
    voiceterm = str(ROOT / "examples" / "voiceterm.policy.json")
    assert run("validate", voiceterm, "--select", "VP209")[0] == 0  # warnings only
    assert run("validate", voiceterm, "--select", "VP209", "--fail-level", "warning")[0] == 1


def test_config_file_selects_and_overrides_severity(tmp_path: Path) -> None:
    config = tmp_path / "pypolicy.toml"
    config.write_text('[tool.pypolicy]\nselect = ["VP203"]\nseverity = { VP203 = "info" }\n')
    code, out, _ = run("validate", ITNET, "-f", "json", "--config", str(config))
    report = json.loads(out)
    findings = report["files"][0]["findings"]
    assert {f["code"] for f in findings} == {"VP203"}
    assert {f["severity"] for f in findings} == {"info"} and code == 0


@pytest.mark.parametrize("content, needle", [
    ('[tool.pypolicy]\nselect = ["VP999"]\n', "VP999"),
    ('[tool.pypolicy]\ncolour = "red"\n', "colour"),
    ('[tool.pypolicy]\nfail-level = "fatal"\n', "fatal"),
    ("[tool.pypolicy\n", "TOML"),
])
def test_bad_configuration_exits_2_with_a_message(tmp_path: Path, content: str,
                                                  needle: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(content)
    code, _, err = run("validate", ITNET, "--config", str(config))
    assert code == 2 and needle in err


def test_profile_forced_from_the_command_line() -> None:
    voiceterm = str(ROOT / "examples" / "voiceterm.policy.json")
    _, out, _ = run("validate", voiceterm, "-f", "json")
    assert not {c for c in codes(out) if c.startswith("VP3")}
    _, out, _ = run("validate", voiceterm, "-f", "json", "--profile", "gdpr")
    assert "VP312" in codes(out) or "VP310" in codes(out)
    assert run("validate", voiceterm, "--profile", "hipaa")[0] == 2


def test_one_unusable_file_does_not_stop_the_others(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"formatVersion": "1.0.0", ')
    code, out, _ = run("validate", str(broken), ITNET, "-f", "json")
    report = json.loads(out)
    assert code == 2
    assert [f["usable"] for f in report["files"]] == [False, True]
    assert report["files"][1]["findings"]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github"])
def test_every_reporter_through_the_cli(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"report.{fmt}"
    code, out, _ = run("validate", INUM, "-f", fmt, "-o", str(target))
    assert code == 1 and out == ""
    text = target.read_text("utf-8")
    assert "VP101" in text


def test_unknown_reporter_exits_2() -> None:
    assert run("validate", ITNET, "-f", "xml")[0] == 2


def test_report_never_overwrites_an_input(tmp_path: Path) -> None:
    copy = tmp_path / "itnet.policy.json"
    shutil.copy(ITNET, copy)
    before = copy.read_bytes()
    code, _, err = run("validate", str(copy), "-o", str(copy))
    assert code == 2 and "overwrite" in err and copy.read_bytes() == before


def test_document_suppression_is_counted(tmp_path: Path) -> None:
    data = json.loads(Path(ITNET).read_text("utf-8"))
    data["suppressions"] = [{"rule": "VP203", "reason": "reviewed with the vendor"}]
    path = tmp_path / "itnet.policy.json"
    path.write_text(json.dumps(data))
    _, out, _ = run("validate", str(path), "-f", "json")
    report = json.loads(out)
    assert "VP203" not in codes(out) and report["files"][0]["suppressed"] == 2


def test_rules_command_lists_every_rule() -> None:
    from pypolicy.validate.rules import RULES

    code, out, _ = run("rules")
    assert code == 0 and all(c in out for c in RULES)
