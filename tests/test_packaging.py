"""The package as a user gets it (issue 15): the wheel is built from this checkout,
installed into a folder of its own, and every command runs from a folder outside the
repository, so that nothing can come from the checkout (docs/, schema/, the pack
queries, examples/) without being in the wheel.

The dependencies come from the project's virtual environment (its Python, with the wheel
first on PYTHONPATH): building and installing reach no index and no network.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "inum.policy.json"
YAML_EXAMPLE = ROOT / "examples" / "handwritten" / "minimal.yaml"

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Installed:
    wheel: Path
    target: Path  # where the wheel is installed (pip install --target)
    work: Path  # a folder outside the repository, with a copied example

    def run(self, *argv: str | Path,
            ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
        """``python -m pypolicy ARGS`` with the installed wheel first on the path."""
        env = {key: value for key, value in os.environ.items()
               if key not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
        env.update(PYTHONPATH=str(self.target), NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1")
        result = subprocess.run([sys.executable, "-m", "pypolicy", *map(str, argv)],
                                cwd=self.work, env=env, capture_output=True, text=True,
                                timeout=300, check=False)
        assert "Traceback" not in result.stderr, (argv, result.stderr)
        assert result.returncode in ok, (argv, result.returncode, result.stderr[-2000:])
        return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    base = tmp_path_factory.mktemp("packaging")
    assert not base.resolve().is_relative_to(ROOT)
    dist, target, work = base / "dist", base / "site", base / "work"
    work.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    build = subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                            "-w", str(dist), str(ROOT)],
                           capture_output=True, text=True, timeout=600, check=False)
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    (wheel,) = dist.glob("pypolicy-*.whl")
    install = subprocess.run([*pip, "install", "--no-deps", "--no-index", "--target",
                              str(target), str(wheel)],
                             capture_output=True, text=True, timeout=600, check=False)
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-2000:]
    shutil.copy(EXAMPLE, work / EXAMPLE.name)
    shutil.copy(YAML_EXAMPLE, work / YAML_EXAMPLE.name)
    yield Installed(wheel, target, work)


def test_the_wheel_holds_the_package_data(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    assert "pypolicy/py.typed" in names
    queries = {p.name for p in (ROOT / "pypolicy" / "sparql" / "pack").glob("*.rq")}
    assert queries and {f"pypolicy/sparql/pack/{q}" for q in queries} <= names
    for name in ("policy.schema.json", "context.jsonld", "vocabulary.json", "vocabulary.ttl",
                 "shapes.ttl"):
        bundled = f"pypolicy/_bundled/schema/{name}"
        assert bundled in names, bundled
        assert zipfile.ZipFile(installed.wheel).read(bundled) == \
            (ROOT / "schema" / name).read_bytes(), f"{name} differs from schema/{name}"
    assert "pypolicy/format/data/jurisdictions.json" in names
    assert not any(name.startswith(("tests/", "docs/", "examples/")) for name in names)
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(installed.wheel).read(metadata).decode("utf-8")
    assert "License-Expression: Apache-2.0" in text and "Classifier: Typing :: Typed" in text
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_the_wheel_installs_and_every_command_runs_outside_the_repository(
        installed: Installed) -> None:
    env_check = subprocess.run(
        [sys.executable, "-c", "import pypolicy; print(pypolicy.__file__)"],
        cwd=installed.work, capture_output=True, text=True, timeout=60, check=True,
        env={**os.environ, "PYTHONPATH": str(installed.target)})
    assert Path(env_check.stdout.strip()).resolve().is_relative_to(installed.target.resolve())

    work, policy = installed.work, EXAMPLE.name
    assert installed.run("--version").stdout.startswith("pypolicy ")

    # validate, with every reporter
    for report_format in ("text", "json", "sarif", "junit", "github", "gitlab"):
        out = installed.run("validate", policy, "-f", report_format, ok=(0, 1)).stdout
        if report_format in ("json", "sarif", "gitlab"):
            json.loads(out)
        elif report_format == "junit":
            ElementTree.fromstring(out)
        else:
            assert policy in out
    sarif = json.loads(installed.run("validate", policy, "-f", "sarif", "--exit-zero").stdout)
    assert sarif["runs"][0]["results"]
    assert installed.run("rules").stdout.count("VP") > 20
    assert "VP203" in installed.run("rules", "-f", "markdown").stdout

    # export, every RDF syntax
    for syntax in ("turtle", "nt", "nquads", "jsonld"):
        assert installed.run("export", policy, "--to", syntax).stdout.strip()

    # query: a pack query over the file, and over a store on disk that load builds
    names = [line for line in installed.run("query", "--list").stdout.splitlines()
             if line and not line.startswith(" ")]
    assert "negative-promises" in names
    table = installed.run("query", "--name", "negative-promises", policy, "--format", "json")
    assert json.loads(table.stdout)["results"]["bindings"]
    installed.run("load", policy, "--store-path", "store", "--progress", "never")
    stored = installed.run("query", "--name", "negative-promises", "--store-path", "store",
                           "--format", "json")
    assert json.loads(stored.stdout) == json.loads(table.stdout)

    # render, diff, compare
    for page_format in ("markdown", "html", "text"):
        assert installed.run("render", policy, "-f", page_format).stdout.strip()
    changed = json.loads((work / policy).read_text("utf-8"))
    changed["statements"] = changed["statements"][1:]
    (work / "changed.policy.json").write_text(json.dumps(changed), "utf-8")
    installed.run("diff", policy, "changed.policy.json", ok=(0, 1))
    assert json.loads(installed.run("diff", policy, "changed.policy.json", "-f", "json",
                                    ok=(0, 1)).stdout)
    assert installed.run("validate", YAML_EXAMPLE.name, ok=(0, 1)).stdout
    for table_format in ("markdown", "html", "csv"):
        assert installed.run("compare", policy, YAML_EXAMPLE.name, "-f", table_format).stdout

    # annotate: init on a tiny text, then build and check a filled-in annotation
    source = work / "tiny.txt"
    source.write_text(TINY_TEXT, "utf-8")
    installed.run("annotate", "init", "tiny.txt", "-o", "skeleton.annotation.yaml")
    assert "https://w3id.org/pypolicy/docs/format.md" in \
        (work / "skeleton.annotation.yaml").read_text("utf-8")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    (work / "tiny.annotation.yaml").write_text(TINY_ANNOTATION.format(sha256=digest), "utf-8")
    installed.run("annotate", "build", "tiny.annotation.yaml")
    built = json.loads((work / "tiny.policy.json").read_text("utf-8"))
    assert built["statements"][0]["evidence"][0]["start"] >= 0
    installed.run("annotate", "coverage", "tiny.annotation.yaml")
    installed.run("annotate", "check", "tiny.annotation.yaml", "tiny.policy.json")
    installed.run("validate", "tiny.policy.json", ok=(0, 1))

    # schema: the bundled file, inside the installed package
    path = Path(installed.run("schema", "--path").stdout.strip())
    assert path.resolve().is_relative_to(installed.target.resolve())
    assert json.loads(installed.run("schema", "--print").stdout) == \
        json.loads(path.read_text("utf-8"))


TINY_TEXT = """\
Tiny Voice privacy policy

Who we are

Tiny Voice Ltd provides calls over the internet.

What we collect

We collect your phone number to route your calls.
"""

TINY_ANNOTATION = """\
source:
  file: tiny.txt
  sha256: {sha256}
sections: [Tiny Voice privacy policy, Who we are, What we collect]
document:
  formatVersion: 1.1.0
  id: tiny
  title: Tiny Voice privacy policy
  language: en
  provider:
    name: Tiny Voice Ltd
    evidence:
      - quote: Tiny Voice Ltd provides calls over the internet.
  dataCategories:
    - id: d-number
      name: phone number
      categories: [telephoneNumber]
      evidence:
        - quote: We collect your phone number
  statements:
    - id: s-collect-number
      modality: does
      actions: [collect]
      data: [d-number]
      purposes: [communicationDelivery]
      evidence:
        - quote: We collect your phone number to route your calls.
"""
