"""Commands find the policy documents in a directory the same way (issue 18), with one
function (``pypolicy.format.discovery``): ``validate`` and ``export`` search folders
recursively for the project's policy file names and skip hidden folders; ``export``
skips, with a note, a file found there that is not a policy document. Through the real
command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pypolicy.format.discovery import DEFAULT_INCLUDE, find_documents, search_directory
from pypolicy.validation.settings import DEFAULT_INCLUDE as VALIDATE_INCLUDE

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def pypolicy(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "pypolicy", *args], capture_output=True,
                          text=True, cwd=cwd, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """itnet at the top, inum two folders down, anveo in a hidden folder (never read),
    a YAML file and a JSON file that are no policy (not matched, or skipped)."""
    top = tmp_path / "corpus"
    (top / "eu" / "nested").mkdir(parents=True)
    (top / ".git").mkdir()
    (top / "itnet.policy.json").write_bytes((EXAMPLES / "itnet.policy.json").read_bytes())
    (top / "eu" / "nested" / "inum.policy.json").write_bytes(
        (EXAMPLES / "inum.policy.json").read_bytes())
    (top / ".git" / "anveo.policy.json").write_bytes((EXAMPLES / "anveo.policy.json").read_bytes())
    (top / "settings.yaml").write_text("tool: {}\n")
    (top / "eu" / "policy.json").write_text('{"note": "a mapping with no formatVersion"}')
    return top


EXPECTED = ["corpus/eu/nested/inum.policy.json", "corpus/itnet.policy.json"]
SKIP_NOTE = "corpus/eu/policy.json: skipped: not a policy document (no formatVersion)"


def test_validate_and_the_corpus_commands_share_one_search(corpus: Path) -> None:
    assert DEFAULT_INCLUDE == VALIDATE_INCLUDE
    rel = [os.path.relpath(p, corpus.parent) for p in search_directory(str(corpus))]
    assert rel == ["corpus/itnet.policy.json", "corpus/eu/policy.json",  # a folder's own
                   "corpus/eu/nested/inum.policy.json"]              # files, then its folders
    assert [f.listed for f in find_documents([str(corpus)])] == [True, True, True]


def test_validate_finds_them(corpus: Path) -> None:
    done = pypolicy("validate", "-f", "json", "--exit-zero", "corpus", cwd=corpus.parent)
    paths = sorted(f["path"] for f in json.loads(done.stdout)["files"])
    assert [p for p in paths if p.endswith(".policy.json")] == EXPECTED


def test_export_takes_directories_too(corpus: Path) -> None:
    done = pypolicy("export", "--to", "nquads", "corpus", cwd=corpus.parent)
    assert done.returncode == 0, done.stderr
    graphs = {line.rsplit(" ", 2)[-2] for line in done.stdout.splitlines()}
    assert graphs == {"<https://w3id.org/pypolicy/doc/inum>",
                      "<https://w3id.org/pypolicy/doc/itnet>"}
    assert SKIP_NOTE in done.stderr


def test_a_pattern_replaces_the_default_names(corpus: Path) -> None:
    (corpus / "eu" / "nested" / "inum.policy.json").rename(corpus / "eu" / "nested" / "inum.json")
    done = pypolicy("export", "--to", "nt", "--pattern", "*.json", "corpus", cwd=corpus.parent)
    assert done.returncode == 0, done.stderr
    assert "/doc/inum>" in done.stdout and "/doc/itnet>" in done.stdout


def test_a_directory_with_no_policy_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    (tmp_path / "empty" / "sub" / "notes.json").write_text("{}")
    done = pypolicy("export", "empty", cwd=tmp_path)
    assert done.returncode == 2 and "no policy documents in this directory" in done.stderr
    done = pypolicy("validate", "empty", cwd=tmp_path)
    assert done.returncode == 2 and "no policy documents in this directory" in done.stdout


def test_a_file_named_on_the_command_line_is_always_read_as_a_policy(corpus: Path) -> None:
    done = pypolicy("export", "corpus/eu/policy.json", cwd=corpus.parent)
    assert done.returncode == 2 and "corpus/eu/policy.json" in done.stderr
