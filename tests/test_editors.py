"""Editors and hooks (issue 15): the pre-commit hook's file names, a document that names its
schema with "$schema", the YAML examples' modeline, ``pypolicy schema``, descriptions of
enum values for hovers, and messages and README links that an installed package can follow.

Each test runs pypolicy's real command line; the rows of docs/ci.md name them.
"""

from __future__ import annotations

import ast
import copy
import fnmatch
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from pypolicy.cli.main import main
from pypolicy.core.addresses import DOCUMENTATION_BASE, documentation_uri
from pypolicy.format.resources import policy_schema, vocabulary_index
from pypolicy.validation.settings import DEFAULT_INCLUDE

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / ".pre-commit-hooks.yaml"
INUM = ROOT / "examples" / "inum.policy.json"
MINIMAL = ROOT / "examples" / "handwritten" / "minimal.yaml"
SCHEMA_ID = policy_schema()["$id"]


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out, err)
    return code, out.getvalue(), err.getvalue()


def run_process(*argv: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``pypolicy ARGS`` as a program, in ``cwd``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "pypolicy", *map(str, argv)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def report(output: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(output)
    return result


def findings_of(output: str) -> list[tuple[str, str]]:
    return sorted((f["code"], " ".join(f["pointers"])) for file in report(output)["files"]
                  for f in file["findings"])


# ------------------------------------------------------------------ pre-commit

def hook() -> dict[str, Any]:
    hooks = yaml.safe_load(HOOKS.read_text("utf-8"))
    (only,) = [h for h in hooks if h["id"] == "pypolicy-validate"]
    result: dict[str, Any] = only
    return result


NAMES = {  # path as git gives it to pre-commit -> whether the hook must run on it
    "policy.yaml": True, "policy.yml": True, "policy.json": True,
    "inum.policy.json": True, "x/policy.yml": True, "a/b/acme.policy.yaml": True,
    "policies/acme.v2.policy.yml": True,
    "notpolicy.json": False, "policy.json.bak": False, "policy.txt": False,
    "x/mypolicy.yaml": False, "policy.yaml/readme.md": False, "policies/acme.json": False,
}


def test_pre_commit_hook_matches_the_names_validate_searches_for() -> None:
    files = re.compile(hook()["files"])
    for name, wanted in NAMES.items():
        # pre-commit matches `files` with re.search against the path git reports
        assert bool(files.search(name)) is wanted, name
        searched = any(fnmatch.fnmatchcase(name.rsplit("/", 1)[-1], glob)
                       for glob in DEFAULT_INCLUDE)
        assert searched is wanted, f"{name}: the hook and `validate FOLDER` disagree"


def test_pre_commit_hook_runs_with_force_exclude(tmp_path: Path) -> None:
    """The hook's command, with the changed files as pre-commit passes them: the settings'
    `exclude` applies to named files too, and the other files are checked."""
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.pypolicy]\nexclude = ["drafts"]\n')
    (project / "policies").mkdir()
    (project / "drafts").mkdir()
    (project / "policies" / "policy.json").write_text(INUM.read_text("utf-8"))
    (project / "drafts" / "acme.policy.yaml").write_text("{ half written")  # never read
    changed = ["policies/policy.json", "drafts/acme.policy.yaml", "README.md"]
    command = [*hook()["entry"].split(), *hook().get("args", [])]
    assert command[:2] == ["pypolicy", "validate"] and "--force-exclude" in command
    files = re.compile(hook()["files"])
    named = [name for name in changed if files.search(name)]
    assert named == ["policies/policy.json", "drafts/acme.policy.yaml"]
    result = run_process(*command[1:], "-f", "json", *named, cwd=project)
    assert "Traceback" not in result.stderr
    checked = [f["path"] for f in report(result.stdout)["files"]]
    assert checked == ["policies/policy.json"], result.stderr
    assert result.returncode in (0, 1)
    # without --force-exclude, a named file is always read: the broken draft is exit 2
    result = run_process("validate", "-f", "json", *named, cwd=project)
    assert result.returncode == 2


# ------------------------------------------------------------------ "$schema"

def test_a_document_may_name_its_schema(tmp_path: Path) -> None:
    """JSON and YAML documents with "$schema" validate as without it, and their RDF is
    the same graph."""
    from rdflib import Graph
    from rdflib.compare import isomorphic

    data = json.loads(INUM.read_text("utf-8"))
    named = tmp_path / "inum.policy.json"
    named.write_text(json.dumps({"$schema": SCHEMA_ID, **data}, indent=2), "utf-8")
    as_yaml = tmp_path / "inum.policy.yaml"
    as_yaml.write_text(f"$schema: {SCHEMA_ID}\n" + yaml.safe_dump(data, allow_unicode=True),
                       "utf-8")
    plain = run("validate", INUM, "-f", "json")
    for path in (named, as_yaml):
        result = run("validate", path, "-f", "json")
        assert result[0] == plain[0]
        assert findings_of(result[1]) == findings_of(plain[1])
        graphs = []
        for source in (INUM, path):
            code, turtle, err = run("export", source)
            assert code == 0, err
            graphs.append(Graph().parse(data=turtle, format="turtle"))
        assert isomorphic(graphs[0], graphs[1])
        assert "$schema" not in run("export", path, "--to", "nt")[1]
        assert SCHEMA_ID not in run("export", path, "--to", "jsonld")[1]
    # it is an address: anything else is a schema error at /$schema, in words
    wrong = tmp_path / "wrong.policy.json"
    wrong.write_text(json.dumps({"$schema": "policy schema", **data}), "utf-8")
    code, out, _ = run("validate", wrong, "-f", "json", "--select", "VP001")
    (finding,) = [f for f in report(out)["files"][0]["findings"]]
    assert code == 1 and finding["pointers"] == ["/$schema"]
    assert "URI" in finding["message"] and "policy schema" in finding["message"]


def test_the_yaml_examples_name_the_bundled_schema_in_a_modeline() -> None:
    examples = sorted({*ROOT.glob("examples/handwritten/*.yaml"),
                       *ROOT.glob("examples/**/*.policy.yaml")})
    assert MINIMAL in examples and len(examples) >= 2
    for path in examples:
        first = path.read_text("utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema={SCHEMA_ID}", path
        code, _out, err = run("validate", path, "--select", "VP001")
        assert code == 0, err


# ------------------------------------------------------------------ pypolicy schema

def test_schema_command_prints_the_bundled_schema_and_its_path(tmp_path: Path) -> None:
    result = run_process("schema", "--path", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path.is_absolute() and path.name == "policy.schema.json"
    printed = run_process("schema", "--print", cwd=tmp_path)
    assert printed.returncode == 0
    assert printed.stdout == path.read_text("utf-8")
    assert json.loads(printed.stdout)["$id"] == SCHEMA_ID
    assert run_process("schema", "--print", "-o", "copy.json", cwd=tmp_path).returncode == 0
    assert (tmp_path / "copy.json").read_text("utf-8") == printed.stdout
    for wrong in (["schema"], ["schema", "--path", "--print"]):
        result = run_process(*wrong, cwd=tmp_path)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "--path" in result.stderr


# ------------------------------------------------------------------ hovers

def test_enum_values_have_descriptions_for_hovers(tmp_path: Path) -> None:
    """Beside each vocabulary's ``enum``, ``enumDescriptions`` (what VS Code and
    yaml-language-server show on hover and completion), one per value, from the
    vocabulary's definitions; the schema stays valid and so do its messages."""
    schema = policy_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    terms = vocabulary_index()["terms"]
    enums = {name: d for name, d in schema["$defs"].items() if "enum" in d and
             name != "Place"}
    assert len(enums) >= 30
    for name, definition in enums.items():
        described = definition["enumDescriptions"]
        assert len(described) == len(definition["enum"]), name
        for value, text in zip(definition["enum"], described, strict=True):
            assert isinstance(text, str) and text.strip(), (name, value)
            if value in terms:
                assert terms[value]["definition"] in text, (name, value)
    place = schema["$defs"]["Place"]
    assert len(place["enumDescriptions"]) == len(place["enum"])
    assert place["enumDescriptions"][place["enum"].index("NO")].startswith("Norway")
    # validation messages are what they were: a term, a suggestion, no annotation text
    data = json.loads(INUM.read_text("utf-8"))
    broken = copy.deepcopy(data)
    broken["statements"][0]["modality"] = "dose"
    path = tmp_path / "broken.policy.json"
    path.write_text(json.dumps(broken), "utf-8")
    code, out, _ = run("validate", path, "-f", "json", "--select", "VP001")
    (finding,) = report(out)["files"][0]["findings"]
    assert code == 1
    assert finding["message"] == "'dose' is not a Modality term; did you mean 'does'?"


# ------------------------------------------------------------------ addresses

def _strings_shown_to_users(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module but its docstrings (which only developers read)."""
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef |
                                ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


def test_messages_point_to_commands_or_the_public_documentation(tmp_path: Path) -> None:
    """The installed package has no docs/ folder: no message names a path in it, and the
    ones that point at the documentation use its public address."""
    package = ROOT / "pypolicy"
    relative = [f"{path.relative_to(ROOT)}:{line}: {text[:60]!r}"
                for path in sorted(package.rglob("*.py"))
                if "generate" not in path.relative_to(package).parts  # a development tool
                for line, text in _strings_shown_to_users(path)
                if re.search(r"(?<![\w/.])docs/\w", text)]
    assert relative == []
    # a term with no close match: the message gives the address of the vocabulary's terms
    data = json.loads(INUM.read_text("utf-8"))
    data["dataCategories"][0]["categories"] = ["zzzqqq"]
    path = tmp_path / "typo.policy.json"
    path.write_text(json.dumps(data), "utf-8")
    code, out, _ = run("validate", path, "-f", "json", "--select", "VP001")
    (finding,) = report(out)["files"][0]["findings"]
    address = documentation_uri("format.md", "datacategory")
    assert code == 1 and address in finding["message"]
    assert "### DataCategory" in (ROOT / "docs" / "format.md").read_text("utf-8")
    # every rule's help is at the same address, with the anchor docs/rules.md has
    code, out, _ = run("validate", INUM, "-f", "sarif", "--exit-zero")
    rules = report(out)["runs"][0]["tool"]["driver"]["rules"]
    text = (ROOT / "docs" / "rules.md").read_text("utf-8")
    for rule in rules:
        assert rule["helpUri"] == documentation_uri("rules.md", rule["id"].lower())
        assert f'<a id="{rule["id"].lower()}"></a>' in text
    # the annotation skeleton, which a user edits far from any checkout
    source = tmp_path / "policy.txt"
    source.write_text("Privacy policy\n\nWe collect your name.\n", "utf-8")
    code, _, err = run("annotate", "init", source, "-o", tmp_path / "a.annotation.yaml")
    assert code == 0, err
    skeleton = (tmp_path / "a.annotation.yaml").read_text("utf-8")
    assert documentation_uri("annotating.md") in skeleton
    assert documentation_uri("format.md") in skeleton


MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_readme_links_work_on_a_package_index_page() -> None:
    """A package index shows README.md without the repository around it: every link is
    absolute (or an anchor in the page), and those into docs/ use the documented base
    address, naming a file that exists (and a heading it has)."""
    text = (ROOT / "README.md").read_text("utf-8")
    links = MARKDOWN_LINK.findall(text)
    assert links
    for link in links:
        assert link.startswith(("https://", "#")), link
        if link.startswith(DOCUMENTATION_BASE):
            name, _, anchor = link[len(DOCUMENTATION_BASE):].partition("#")
            target = ROOT / "docs" / name
            assert target.is_file(), link
            if anchor:
                headings = {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
                            for h in re.findall(r"^#+ (.+)$", target.read_text("utf-8"),
                                                re.MULTILINE)}
                assert anchor in headings, link
    assert any(link.startswith(DOCUMENTATION_BASE) for link in links)
    ci = (ROOT / "docs" / "ci.md").read_text("utf-8")
    assert DOCUMENTATION_BASE in ci and "redirect" in ci


def test_editor_guide_settings_are_valid_json(tmp_path: Path) -> None:
    """docs/editors.md: its settings parse, and name the schema the way the CLI prints it."""
    text = (ROOT / "docs" / "editors.md").read_text("utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, re.DOTALL)
    assert blocks
    for block in blocks:
        json.loads(block)
    assert "pypolicy schema --path" in text and SCHEMA_ID in text
    assert "yaml-language-server: $schema=" in text


@pytest.mark.parametrize("name", ["json.schemas", "yaml.schemas"])
def test_editor_guide_maps_policy_files_to_the_schema(name: str) -> None:
    text = (ROOT / "docs" / "editors.md").read_text("utf-8")
    settings = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", text, re.DOTALL)]
    assert any(name in block for block in settings), name
