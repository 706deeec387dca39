"""The format layer through the command line: what `pypolicy validate` and `pypolicy
export` make of valid, invalid, unreadable and missing documents. Asserts on exit codes,
rule codes, pointers and lines, never on wording."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, Graph, Namespace, URIRef

from pypolicy.cli.main import main
from pypolicy.core.version import FORMAT_VERSION
from pypolicy.format.loader import load_path
from pypolicy.format.rdf import document_iri

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "inaani.policy.json"
MINIMAL = ROOT / "examples" / "handwritten" / "minimal.yaml"
PP = Namespace("https://w3id.org/pypolicy/ns#")

# Line 6 holds the bad value: the line numbers below depend on this layout.
SCHEMA_INVALID = """\
{
  "formatVersion": "1.0.0",
  "id": "broken",
  "title": "A broken policy",
  "language": "en",
  "provider": {"name": "P", "country": "XX"}
}
"""
NOT_JSON = '{\n  "id": "x",\n  "title": [1,\n'


@pytest.fixture(autouse=True)
def _outside_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run where no pyproject.toml configures pypolicy: the defaults are under test."""
    monkeypatch.chdir(tmp_path)


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out, err)
    return code, out.getvalue(), err.getvalue()


def json_report(*argv: str | Path) -> tuple[int, dict[str, Any]]:
    code, out, _err = run("validate", "--format", "json", *argv)
    report: dict[str, Any] = json.loads(out)
    return code, report


def json_or_yaml_id(path: Path) -> str:
    return str(load_path(path).data["id"])


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ validate


@pytest.mark.parametrize("path", [EXAMPLE, MINIMAL], ids=lambda p: p.name)
def test_a_valid_document_passes_the_schema_layer(path: Path) -> None:
    code, report = json_report(path)
    (file,) = report["files"]
    assert file["usable"] is True
    assert file["documentId"] == json_or_yaml_id(path)
    found = {f["code"] for f in file["findings"]}
    assert not found & {"VP001", "VP002", "VP003"}
    has_errors = any(f["severity"] == "error" for f in file["findings"])
    assert code == (1 if has_errors else 0)


def test_a_schema_invalid_document_exits_1_with_pointer_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.json", SCHEMA_INVALID)
    code, report = json_report(path)
    assert code == 1
    (file,) = report["files"]
    assert file["usable"] is True
    schema_findings = [f for f in file["findings"] if f["code"] == "VP001"]
    assert [(f["pointers"], f["line"]) for f in schema_findings] == [(["/provider/country"], 6)]
    code, out, _err = run("validate", path)
    assert code == 1
    assert f"{path}:6" in out
    assert "/provider/country" in out


def test_a_file_that_is_not_json_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "cut.json", NOT_JSON)
    code, report = json_report(path)
    assert code == 2
    (file,) = report["files"]
    assert file["usable"] is False
    assert file["path"] == str(path)
    assert file["errorLine"] == 4
    code, out, err = run("validate", path)
    assert code == 2
    assert f"{path}:4" in out + err


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    code, out, err = run("validate", missing)
    assert code == 2
    assert str(missing) in out + err


def test_a_foreign_json_ld_context_makes_a_file_unusable(tmp_path: Path) -> None:
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document["@context"] = "https://example.org/context.jsonld"
    path = write(tmp_path, "remote.json", json.dumps(document, indent=2))
    code, report = json_report(path)
    assert code == 2
    assert report["files"][0]["errorPointer"] == "/@context"


def test_one_bad_file_among_many_does_not_hide_the_others(tmp_path: Path) -> None:
    bad = write(tmp_path, "cut.json", NOT_JSON)
    invalid = write(tmp_path, "broken.json", SCHEMA_INVALID)
    missing = tmp_path / "missing.json"
    paths = [EXAMPLE, bad, MINIMAL, invalid, missing]
    code, report = json_report(*paths)
    assert code == 2
    files = {f["path"]: f for f in report["files"]}
    assert list(files) == [str(p) for p in paths]
    assert files[str(EXAMPLE)]["documentId"] == "inaani"
    assert files[str(MINIMAL)]["usable"] is True
    assert files[str(bad)]["usable"] is False
    assert files[str(missing)]["usable"] is False
    assert {f["code"] for f in files[str(invalid)]["findings"]} == {"VP001"}
    assert report["summary"]["unusableFiles"] == 2


def test_a_report_never_overwrites_an_input(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_bytes(EXAMPLE.read_bytes())
    before = path.read_bytes()
    code, _out, _err = run("validate", path, "--output", path)
    assert code == 2
    assert path.read_bytes() == before


# ------------------------------------------------------------------ export


@pytest.mark.parametrize("path", [EXAMPLE, MINIMAL], ids=lambda p: p.name)
def test_export_to_turtle_parses_as_turtle(path: Path, tmp_path: Path) -> None:
    code, out, _err = run("export", "--to", "turtle", path)
    assert code == 0
    graph = Graph()
    graph.parse(data=out, format="turtle")
    document_ids = {str(s) for s in graph.subjects(RDF.type, PP.PolicyDocument)}
    assert len(document_ids) == 1
    (iri,) = document_ids
    assert iri.startswith(document_iri(""))
    target = tmp_path / "out.ttl"
    assert run("export", "--to", "turtle", path, "--output", target)[0] == 0
    assert len(Graph().parse(target, format="turtle")) == len(graph)


def test_export_of_many_documents_keeps_them_apart(tmp_path: Path) -> None:
    code, out, _err = run("export", "--to", "nt", EXAMPLE, MINIMAL)
    assert code == 0
    graph = Graph().parse(data=out, format="nt")
    roots = set(graph.subjects(RDF.type, PP.PolicyDocument))
    assert roots == {URIRef(document_iri("inaani")), URIRef(document_iri("fjordline-voice"))}


def test_export_refuses_to_overwrite_an_input(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_bytes(EXAMPLE.read_bytes())
    before = path.read_bytes()
    code, _out, _err = run("export", "--to", "turtle", path, "--output", path)
    assert code == 2
    assert path.read_bytes() == before


def test_export_of_a_schema_invalid_document_exits_2_with_pointer_and_line(
        tmp_path: Path) -> None:
    path = write(tmp_path, "broken.json", SCHEMA_INVALID)
    code, out, err = run("export", path)
    assert code == 2
    assert out == ""
    assert f"{path}:6" in err
    assert "/provider/country" in err


# ------------------------------------------------------------------ version


def test_version_names_the_format_version(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    try:
        code = main(["--version"], out, io.StringIO())
    except SystemExit as exc:  # argparse's version action exits by itself
        code = int(exc.code or 0)
    assert code == 0
    assert FORMAT_VERSION in out.getvalue() + capsys.readouterr().out


# ------------------------------------------------------------------ a real process


def run_process(*argv: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "pypolicy", *map(str, argv)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def test_the_module_runs_as_a_program(tmp_path: Path) -> None:
    version = run_process("--version", cwd=tmp_path)
    assert version.returncode == 0
    assert FORMAT_VERSION in version.stdout
    bad = write(tmp_path, "cut.json", NOT_JSON)
    result = run_process("validate", "--format", "json", MINIMAL, bad, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    files = json.loads(result.stdout)["files"]
    assert [f["usable"] for f in files] == [True, False]
    assert files[1]["errorLine"] == 4
