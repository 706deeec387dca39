"""Issue 18 cases whose other tests call the library or ``main()`` in-process, run here
once more through the real command line (``python -m pypolicy`` in a child process):
Markdown autolinks and spreadsheet formulas from ``render`` and ``compare``, a refused
``-o`` said before any work, undecodable file names with ``-o`` and with a strict
standard output encoding. Security cases are marked ``security``."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INUM = ROOT / "examples" / "inum.policy.json"
ITNET = ROOT / "examples" / "itnet.policy.json"


def pypolicy(*args: str | bytes, cwd: Path, env: dict[str, str] | None = None
             ) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run([sys.executable, "-m", "pypolicy", *args], capture_output=True,
                          cwd=cwd, timeout=300, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    assert b"Traceback" not in done.stderr, done.stderr.decode("utf-8", "replace")
    return done


@pytest.mark.security
def test_render_and_compare_markdown_link_nothing_from_policy_text(tmp_path: Path) -> None:
    cmarkgfm = pytest.importorskip("cmarkgfm")
    from lxml import html

    data = json.loads(INUM.read_text("utf-8"))
    data["provider"]["name"] = "Inum www.evil.example"
    data["dataCategories"][0]["name"] = "see https://evil.example/x and evil@evil.example"
    (tmp_path / "planted.json").write_text(json.dumps(data), "utf-8")
    for command in (["render", "-f", "markdown", "planted.json"],
                    ["compare", "-f", "markdown", "planted.json", str(ITNET)]):
        done = pypolicy(*command, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        rendered = cmarkgfm.github_flavored_markdown_to_html(done.stdout.decode("utf-8"))
        links = [str(a.get("href")) for a in
                 html.fromstring(f"<div>{rendered}</div>").iter("a")]
        assert not [link for link in links if "evil" in link], (command, links)


@pytest.mark.security
def test_compare_csv_cells_never_run_as_formulas(tmp_path: Path) -> None:
    data = json.loads(INUM.read_text("utf-8"))
    data["provider"]["name"] = '=HYPERLINK("http://x.example/","click")'
    (tmp_path / "formula.json").write_text(json.dumps(data), "utf-8")
    done = pypolicy("compare", "-f", "csv", "formula.json", str(ITNET), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    cells = [cell for row in csv.reader(io.StringIO(done.stdout.decode("utf-8")))
             for cell in row]
    assert [c for c in cells if c.startswith("'=HYPERLINK(")], cells  # shown, defused
    assert not [cell for cell in cells if cell[:1] in ("=", "@", "+", "\t")]


def test_a_refused_output_is_said_before_the_query_runs(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.policy.json").write_bytes(ITNET.read_bytes())
    started = time.monotonic()
    done = pypolicy("query", "--timeout", "600", "-q",
                    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
                    "corpus", "-o", "corpus/a.policy.json", cwd=tmp_path)
    assert done.returncode == 2 and b"refusing to overwrite" in done.stderr
    assert time.monotonic() - started < 60  # the join above runs for minutes
    assert (corpus / "a.policy.json").read_bytes() == ITNET.read_bytes()
    done = pypolicy("query", "-n", "regimes", str(ITNET), "-o", "", cwd=tmp_path)
    assert done.returncode == 2 and b"output file name is empty" in done.stderr


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file names are UTF-8 only")
def test_undecodable_file_names_with_output_and_a_strict_stdout(tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/bad\xff.policy.json"
    with open(name, "wb") as handle:
        handle.write(ITNET.read_bytes())
    done = pypolicy("query", "-n", "regimes", name, "-o", str(tmp_path / "out.txt"),
                    cwd=tmp_path)
    assert done.returncode == 0 and (tmp_path / "out.txt").is_file(), done.stderr
    strict = {"PYTHONIOENCODING": "ascii:strict"}
    done = pypolicy("query", "-n", "regimes", name, cwd=tmp_path, env=strict)
    assert done.returncode == 0, done.stderr
    broken = os.fsencode(tmp_path) + b"/broken\xff.json"
    with open(broken, "wb") as handle:
        handle.write(b"{")
    done = pypolicy("validate", broken, str(ITNET), cwd=tmp_path, env=strict)
    assert done.returncode == 2 and b"broken\\udcff.json" in done.stdout  # escaped, not raw


def test_one_unusable_file_does_not_hide_the_others_report(tmp_path: Path) -> None:
    data = copy.deepcopy(json.loads(ITNET.read_text("utf-8")))
    data["retention"] = [{"id": "r-huge", "data": [data["dataCategories"][0]["id"]],
                          "duration": "P" + "9" * 400 + "Y"}]
    (tmp_path / "huge.policy.json").write_text(json.dumps(data, indent=1), "utf-8")
    (tmp_path / "broken.policy.json").write_text("{", "utf-8")
    done = pypolicy("validate", "-f", "json", "huge.policy.json", "broken.policy.json",
                    str(ITNET), cwd=tmp_path)
    assert done.returncode == 2
    files = {Path(f["path"]).name: f for f in json.loads(done.stdout)["files"]}
    assert set(files) == {"huge.policy.json", "broken.policy.json", "itnet.policy.json"}
