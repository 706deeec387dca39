"""`pypolicy validate` as CI uses it: configuration, fail levels, reporters, many files."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

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
    # consent by use is judged under the GDPR, which the profile forces (issue 12)
    assert run("validate", voiceterm, "--select", "VP209", "--profile", "gdpr")[0] == 0
    assert run("validate", voiceterm, "--select", "VP209", "--profile", "gdpr",
               "--fail-level", "warning")[0] == 1


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
    # no GDPR finding for a US provider that neither claims the GDPR nor targets the EEA
    assert not {c for c in codes(out) if c.startswith(("VP30", "VP31"))}
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
    # one VP203 finding gives every reason the claim fails (issue 12: one finding per
    # problem); it was two before
    assert "VP203" not in codes(out) and report["files"][0]["suppressed"] == 1


def test_rules_command_lists_every_rule() -> None:
    from pypolicy.validation.rules import RULES

    code, out, _ = run("rules")
    assert code == 0 and all(c in out for c in RULES)


# --- issue 15: the command line CI and editors expect ------------------------------------
# Every test below goes through pypolicy.cli.main.main (or runs the module), and each is
# named in the feature table of docs/ci.md (test_every_row_of_the_ci_table_is_tested).

README = ROOT / "README.md"
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
VOICETERM = str(ROOT / "examples" / "voiceterm.policy.json")


def sarif_errors(log: dict[str, Any]) -> list[str]:
    from jsonschema.validators import validator_for
    from referencing import Registry

    schema = json.loads(SARIF_SCHEMA.read_text("utf-8"))
    validator = validator_for(schema)(schema, registry=Registry())  # nothing fetched
    return [str(e.message) for e in validator.iter_errors(log)]


def project(tmp_path: Path, config: str | None = None, *, git: bool = True) -> Path:
    """A project folder with policies (copies of the examples) and, if given, a
    pyproject.toml."""
    root = tmp_path / "project"
    (root / "policies").mkdir(parents=True)
    if git:
        (root / ".git").mkdir()
    for name in (ITNET, INUM):
        shutil.copy(name, root / "policies" / Path(name).name)
    if config is not None:
        (root / "pyproject.toml").write_text(config, "utf-8")
    return root


def findings_of(output: str) -> list[dict[str, Any]]:
    return [f for file in json.loads(output)["files"] for f in file["findings"]]


def test_exit_zero_keeps_the_report_but_exits_0(tmp_path: Path) -> None:
    code, out, _ = run("validate", ITNET, "--exit-zero", "-f", "json")
    assert code == 0 and "VP203" in codes(out)
    broken = tmp_path / "broken.policy.json"
    broken.write_text("{", "utf-8")
    assert run("validate", ITNET, str(broken), "--exit-zero")[0] == 2  # unusable: still 2


def readme_ci_commands() -> list[list[str]]:
    """The pypolicy commands of the README's CI recipes, as argument lists."""
    import shlex

    text = README.read_text("utf-8")
    section = text[text.index("## Configuring the validator"):text.index("## Speed")]
    commands = []
    for line in section.splitlines():
        if "pypolicy validate" in line and line.lstrip().startswith("- run:"):
            command = line.split("&&", 1)[1] if "&&" in line else line.split(":", 1)[1]
            commands.append(shlex.split(command)[1:])  # without the program name
    return commands


def test_readme_ci_recipe_works_on_policies_with_findings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commands = readme_ci_commands()
    assert commands and all("--exit-zero" in c for c in commands)
    assert "if: always()" in README.read_text("utf-8")
    root = project(tmp_path)
    monkeypatch.chdir(root)
    for argv in commands:
        code, _, err = run(*argv)
        assert code == 0, err
    log = json.loads((root / "pypolicy.sarif").read_text("utf-8"))
    assert sarif_errors(log) == []
    results = log["runs"][0]["results"]
    assert results and {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        for r in results} == {"policies/inum.policy.json",
                                              "policies/itnet.policy.json"}


def test_sarif_has_what_code_scanning_reads() -> None:
    code, out, _ = run("validate", ITNET, "-f", "sarif")
    log = json.loads(out)
    assert code == 1 and sarif_errors(log) == []
    run_ = log["runs"][0]
    assert run_["columnKind"] == "unicodeCodePoints"
    rules = {r["id"]: r for r in run_["tool"]["driver"]["rules"]}
    reference = (ROOT / "docs" / "rules.md").read_text("utf-8")
    for rule_id, rule in rules.items():
        anchor = rule["helpUri"].rsplit("#", 1)[1]
        assert rule["helpUri"].startswith("https://") and anchor == rule_id.lower()
        assert f'<a id="{anchor}"></a>' in reference
        assert rule["help"]["text"] and rule["help"]["markdown"]
    vp203 = rules["VP203"]["help"]
    assert "Fails:" in vp203["text"] and "```yaml" in vp203["markdown"]
    results = run_["results"]
    fingerprints = [r["partialFingerprints"]["pypolicy/v1"] for r in results]
    assert len(set(fingerprints)) == len(results)
    for result in results:
        region = result["locations"][0]["physicalLocation"]["region"]
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(region)
        for related in result.get("relatedLocations", []):
            assert "startLine" in related["physicalLocation"]["region"]


def test_sarif_regions_point_at_the_value(tmp_path: Path) -> None:
    text = Path(ITNET).read_text("utf-8")
    _, out, _ = run("validate", ITNET, "-f", "sarif", "--select", "VP203")
    result = json.loads(out)["runs"][0]["results"][0]
    pointer = result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
    region = result["locations"][0]["physicalLocation"]["region"]
    lines = text.splitlines()
    start = lines[region["startLine"] - 1][region["startColumn"] - 1:]
    end = lines[region["endLine"] - 1][:region["endColumn"] - 1]
    value = json.loads(text)
    for token in pointer.split("/")[1:]:
        value = value[int(token)] if isinstance(value, list) else value[token]
    assert start.startswith("{") and end.endswith("}")  # the whole entry, nothing more
    assert json.loads("\n".join([start, *lines[region["startLine"]:region["endLine"] - 1],
                                 end])) == value


def test_fingerprints_survive_reordering_and_reformatting(tmp_path: Path) -> None:
    data = json.loads(Path(ITNET).read_text("utf-8"))
    shuffled = dict(reversed(list(data.items())))
    for key, value in shuffled.items():
        if isinstance(value, list):
            shuffled[key] = list(reversed(value))
    moved = tmp_path / "itnet.policy.json"
    moved.write_text(json.dumps(shuffled, indent=4), "utf-8")
    as_yaml = tmp_path / "itnet.policy.yaml"
    import yaml

    as_yaml.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")

    def prints(path: str) -> set[str]:
        log = json.loads(run("validate", path, "-f", "sarif")[1])
        return {r["partialFingerprints"]["pypolicy/v1"] for r in log["runs"][0]["results"]}

    original = prints(ITNET)
    assert len(original) >= 5
    assert prints(str(moved)) == original == prints(str(as_yaml))


def test_suppressed_findings_are_sarif_suppressions(tmp_path: Path) -> None:
    data = json.loads(Path(ITNET).read_text("utf-8"))
    data["suppressions"] = [{"rule": "VP203", "reason": "reviewed with the vendor"}]
    path = tmp_path / "itnet.policy.json"
    path.write_text(json.dumps(data, indent=2), "utf-8")
    _, out, _ = run("validate", str(path), "-f", "sarif")
    log = json.loads(out)
    assert sarif_errors(log) == []
    suppressed = [r for r in log["runs"][0]["results"] if r.get("suppressions")]
    assert suppressed and {r["ruleId"] for r in suppressed} == {"VP203"}
    for result in suppressed:
        (suppression,) = result["suppressions"]
        assert suppression["kind"] == "inSource" and suppression["status"] == "accepted"
        assert suppression["justification"] == "reviewed with the vendor"
        where = suppression["location"]
        assert where["logicalLocations"][0]["fullyQualifiedName"] == "/suppressions/0"
        assert where["physicalLocation"]["region"]["startLine"] > 1
    unsuppressed = [r for r in log["runs"][0]["results"] if not r.get("suppressions")]
    assert "VP203" not in {r["ruleId"] for r in unsuppressed}


def yaml_policy() -> bytes:
    import yaml

    return yaml.safe_dump(json.loads(Path(ITNET).read_text("utf-8")),
                          allow_unicode=True).encode("utf-8")


def test_stdin_with_stdin_filename(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(yaml_policy())))
    code, out, _ = run("validate", "-", "--stdin-filename", "web/policy.yaml", "-f", "json")
    report = json.loads(out)
    assert code == 1 and report["files"][0]["path"] == "web/policy.yaml"
    assert "VP203" in codes(out) and report["files"][0]["findings"][0]["line"] >= 1
    # and through the real program, with the process's own standard input
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "pypolicy", "validate", "-", "-f", "json",
                           "--isolated"], input=Path(ITNET).read_bytes(),
                          capture_output=True, check=False, cwd=tmp_path)
    assert done.returncode == 1
    assert json.loads(done.stdout)["files"][0]["path"] == "-"


def test_stdin_that_is_not_a_policy_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"key: [unclosed")))
    code, out, _ = run("validate", "-", "--stdin-filename", "x.yaml")
    assert code == 2 and "x.yaml:1:" in out and "unusable" in out
    assert run("validate", ITNET, "--stdin-filename", "x.yaml")[0] == 2  # no - given


def test_directories_are_searched_with_a_default_pattern_and_exclude(tmp_path: Path) -> None:
    root = project(tmp_path)
    policies = root / "policies"
    (policies / "region" / "eu").mkdir(parents=True)
    (policies / "region" / "eu" / "policy.yaml").write_bytes(yaml_policy())
    (policies / "notes.json").write_text("{}", "utf-8")  # not a policy name: not read
    (policies / ".cache").mkdir()
    shutil.copy(ITNET, policies / ".cache" / "old.policy.json")  # hidden folder: skipped
    (policies / "drafts").mkdir()
    shutil.copy(ITNET, policies / "drafts" / "draft.policy.json")
    _, out, _ = run("validate", str(policies), "-f", "json", "--exclude", "drafts")
    paths = [Path(f["path"]).relative_to(policies).as_posix()
             for f in json.loads(out)["files"]]
    assert paths == ["inum.policy.json", "itnet.policy.json", "region/eu/policy.yaml"]
    _, out, _ = run("validate", str(policies), "-f", "json")
    assert len(json.loads(out)["files"]) == 4  # the draft too
    # a file named on the command line is read unless --force-exclude
    draft = str(policies / "drafts" / "draft.policy.json")
    assert len(json.loads(run("validate", draft, "-f", "json", "--exclude", "drafts")[1])
               ["files"]) == 1
    out = run("validate", draft, "-f", "json", "--exclude", "drafts", "--force-exclude")[1]
    assert json.loads(out)["files"] == []


def test_a_directory_without_policies_is_unusable(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, out, _ = run("validate", str(tmp_path / "empty"), ITNET)
    assert code == 2 and "no policy documents in this directory" in out
    assert "policy.yaml" in out  # says what it looked for


def test_configuration_is_found_from_a_subfolder_up_to_the_project_root(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, '[tool.pypolicy]\nignore = ["VP203"]\n')
    (root / "policies" / "deep").mkdir()
    monkeypatch.chdir(root / "policies" / "deep")
    _, out, _ = run("validate", "../itnet.policy.json", "-f", "json", "-v")
    assert "VP203" not in codes(out)
    assert f"settings: {root / 'pyproject.toml'}" in capsys.readouterr().err
    # a pyproject.toml above the project root (.git) is not used
    (tmp_path / "pyproject.toml").write_text('[tool.pypolicy]\nignore = ["VP310"]\n', "utf-8")
    (root / "pyproject.toml").unlink()
    _, out, _ = run("validate", str(root / "policies" / "itnet.policy.json"), "-f", "json")
    assert {"VP203", "VP310"} <= codes(out)
    # a pyproject.toml without [tool.pypolicy] is passed over on the way up
    (root / "policies" / "pyproject.toml").write_text("[tool.other]\nx = 1\n", "utf-8")
    (root / "pyproject.toml").write_text('[tool.pypolicy]\nignore = ["VP203"]\n', "utf-8")
    _, out, _ = run("validate", "../itnet.policy.json", "-f", "json")
    assert "VP203" not in codes(out)


def test_isolated_reads_no_configuration(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, '[tool.pypolicy]\nignore = ["VP203"]\n')
    monkeypatch.chdir(root)
    assert "VP203" not in codes(run("validate", "policies", "-f", "json")[1])
    assert "VP203" in codes(run("validate", "policies", "-f", "json", "--isolated")[1])
    code, _, err = run("validate", "policies", "--isolated", "--config", "pyproject.toml")
    assert code == 2 and "--isolated" in err


def test_quiet_and_verbose(capsys: pytest.CaptureFixture[str]) -> None:
    # with VP203 alone, inum has no findings and itnet one
    only = ("--select", "VP203")
    code, out, _ = run("validate", ITNET, INUM, *only)
    assert "no findings" in out and " in 2 files" in out
    code, out, _ = run("validate", ITNET, INUM, *only, "-q")
    assert code == 1 and "VP203" in out and "no findings" not in out and "in 2 files" not in out
    assert run("validate", INUM, *only, "-q") == (0, "", "")
    code, out, _ = run("validate", ITNET, "-qq")
    assert (code, out) == (1, "")
    capsys.readouterr()
    run("validate", ITNET, INUM, "-v", "--isolated")
    err = capsys.readouterr().err
    assert "settings: none (defaults)" in err and "2 document(s)" in err
    assert "itnet.policy.json:" in err and " ms" in err


def test_statistics_count_findings_per_rule() -> None:
    code, out, _ = run("validate", ITNET, INUM, "--statistics")
    lines = out.splitlines()
    assert code == 1 and "in 2 files" in lines[-1]
    counts = [int(line.split()[0]) for line in lines[:-2]]
    assert counts == sorted(counts, reverse=True) and counts[0] > 1
    _, out, _ = run("validate", ITNET, INUM, "--statistics", "-f", "json")
    rows = json.loads(out)
    total = len(findings_of(run("validate", ITNET, INUM, "-f", "json")[1]))
    assert sum(r["count"] for r in rows) == total
    assert set(rows[0]) == {"code", "name", "severity", "count"}
    assert run("validate", ITNET, "--statistics", "-f", "sarif")[0] == 2


@pytest.mark.parametrize("selector", ["VP3", "completeness"])
def test_prefix_and_group_selection(selector: str) -> None:
    _, out, _ = run("validate", ITNET, "-f", "json", "--select", selector)
    found = codes(out)
    assert found and all(c.startswith("VP3") for c in found)
    assert codes(run("validate", ITNET, "-f", "json", "--select", "VP31")[1]) <= {
        f"VP31{n}" for n in range(10)}
    every = codes(run("validate", ITNET, "-f", "json", "--select", "ALL")[1])
    assert found < every
    assert run("validate", ITNET, "--select", "VP9")[0] == 2  # names no rule
    # a prefix never switches on an opt-in rule (VP004 runs SHACL)
    assert "VP004" not in codes(run("validate", ITNET, "-f", "json", "--select", "VP0")[1])


def test_extend_select_adds_to_the_configured_selection(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.pypolicy]\nselect = ["VP203"]\n', "utf-8")
    out = run("validate", ITNET, "-f", "json", "--config", str(config))[1]
    assert codes(out) == {"VP203"}
    out = run("validate", ITNET, "-f", "json", "--config", str(config),
              "--extend-select", "VP31")[1]
    assert "VP203" in codes(out) and {c for c in codes(out) if c != "VP203"} and all(
        c.startswith("VP31") for c in codes(out) - {"VP203"})
    config.write_text('[tool.pypolicy]\nextend-select = ["VP3"]\nselect = ["VP203"]\n',
                      "utf-8")
    assert len(codes(run("validate", ITNET, "-f", "json", "--config", str(config))[1])) > 1


def test_per_file_ignores_in_configuration(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, '[tool.pypolicy.per-file-ignores]\n'
                             '"policies/itnet.*" = ["VP3", "VP203"]\n')
    monkeypatch.chdir(root / "policies")  # patterns are relative to the file's folder
    report = json.loads(run("validate", ".", "-f", "json")[1])
    by_name = {Path(f["path"]).name: {x["code"] for x in f["findings"]}
               for f in report["files"]}
    assert not {c for c in by_name["itnet.policy.json"] if c.startswith("VP3")}
    assert "VP203" not in by_name["itnet.policy.json"]
    assert any(c.startswith("VP1") for c in by_name["inum.policy.json"])
    (root / "pyproject.toml").write_text(
        '[tool.pypolicy.per-file-ignores]\n"*.json" = ["VP999"]\n', "utf-8")
    code, _, err = run("validate", ".")
    assert code == 2 and "VP999" in err and "pyproject.toml" in err


def test_gitlab_code_quality_report() -> None:
    code, out, _ = run("validate", ITNET, INUM, "-f", "gitlab")
    issues = json.loads(out)
    assert code == 1 and isinstance(issues, list) and issues
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(
            issue)
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        location = issue["location"]
        assert location["path"] in (ITNET, INUM)
        begin = location["positions"]["begin"]
        assert begin["line"] >= 1 and begin["column"] >= 1


def test_github_annotations_have_columns_and_end_lines() -> None:
    _, out, _ = run("validate", ITNET, "-f", "github", "--select", "VP203")
    line = out.splitlines()[0]
    assert line.startswith(f"::error file={ITNET},line=")
    props = dict(p.split("=", 1) for p in line.split("::")[1].split(" ", 1)[1].split(","))
    assert int(props["endLine"]) >= int(props["line"]) and int(props["col"]) >= 1
    assert int(props["endColumn"]) >= 1


@pytest.mark.parametrize(("pointer", "value", "words"), [
    ("/retention/0/duration", "6 months", "is not an ISO 8601 duration; write one such as P6M"),
    ("/lastUpdated", "31/12/2024", "is not a date; use YYYY-MM-DD, such as 2024-05-31"),
    ("/language", "english", "is not a language tag; use a BCP 47 tag such as en"),
])
def test_schema_messages_explain_patterns_and_formats(tmp_path: Path, pointer: str,
                                                      value: str, words: str) -> None:
    data = json.loads(Path(INUM).read_text("utf-8"))
    target: Any = data
    *parents, last = pointer.split("/")[1:]
    for token in parents:
        target = target[int(token)] if isinstance(target, list) else target[token]
    target[last] = value
    path = tmp_path / "bad.policy.json"
    path.write_text(json.dumps(data, indent=2), "utf-8")
    code, out, _ = run("validate", str(path))
    assert code == 1 and f"{value!r} {words}" in out
    assert "does not match" not in out and "^P(" not in out


def test_value_forms_cover_every_schema_pattern_with_valid_examples() -> None:
    import re

    from pypolicy.format.value_forms import FORMATS, PATTERNS

    schema_text = (ROOT / "schema" / "policy.schema.json").read_text("utf-8")
    patterns = set(re.findall(r'"pattern": ("(?:[^"\\]|\\.)*")', schema_text))
    assert {json.loads(p) for p in patterns} == set(PATTERNS)
    formats = set(re.findall(r'"format": "([a-z-]+)"', schema_text))
    assert formats <= set(FORMATS)
    for pattern, form in PATTERNS.items():
        for example in form.examples:
            assert re.search(pattern.replace("$", r"\Z"), example), (pattern, example)
            assert example in form.advice


def test_every_row_of_the_ci_table_is_tested() -> None:
    import re

    text = (ROOT / "docs" / "ci.md").read_text("utf-8")
    table = text[text.index("| Feature |"):]
    named = re.findall(r"`(test_[a-z0-9_]+)`", table)
    rows = [line for line in table.splitlines() if line.startswith("| ") and
            not line.startswith("| Feature") and "---" not in line]
    assert len(rows) >= 20
    assert rows and all(re.search(r"`test_[a-z0-9_]+`", row) for row in rows)
    here = "".join((ROOT / "tests" / name).read_text("utf-8") for name in
                   ("test_cli_validate.py", "test_editors.py", "test_packaging.py"))
    for name in named:
        assert f"def {name}(" in here, name


def test_each_document_states_the_law_applied_and_why() -> None:
    code, out, _ = run("validate", INUM, "--isolated")
    assert code == 1
    summary = [line for line in out.splitlines() if line.startswith(f"{INUM}: ")]
    assert len(summary) == 1
    assert " errors, " in summary[0]
    assert "; regimes: UK GDPR (provider established in the United Kingdom" in summary[0]
    assert "PECR (" in summary[0]
    _, out, _ = run("validate", INUM, "--isolated", "-f", "json")
    (entry,) = json.loads(out)["files"]
    applied = {r["regime"]: r["grounds"] for r in entry["regimes"] if r["applied"]}
    assert set(applied) == {"ukGdpr", "pecr"}
    assert entry["counts"]["error"] == sum(f["severity"] == "error" for f in entry["findings"])
    _, out, _ = run("validate", INUM, "--isolated", "-f", "sarif")
    (document,) = json.loads(out)["runs"][0]["properties"]["documents"]
    assert document["path"] == INUM and document["summary"] == entry["summary"]
    # quiet keeps to the findings
    _, out, _ = run("validate", INUM, "--isolated", "-q")
    assert "regimes:" not in out


def test_rules_code_explains_one_rule() -> None:
    code, out, _ = run("rules", "VP307")
    assert code == 0 and out.startswith("VP307 transfer-without-mechanism\n")
    assert "notice duty: yes" in out and "Fails" in out and "Passes" in out
    code, out, _ = run("rules", "VP307", "-f", "json")
    assert code == 0 and json.loads(out)["legalReference"].startswith("GDPR Art. 13(1)(f)")
    code, _, err = run("rules", "VP000")
    assert code == 2 and "unknown rule 'VP000'" in err
