"""The corpus in Oxigraph: the direct N-Quads mapping, the store on disk, ``load``,
``query --store-path``, ``--show``, skipped files and the default store.

Commands that open a store on disk for writing run in a child process: RocksDB leaves
threads behind in a process that opened a store, and the query commands fork workers.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from example_sets import real_examples_dir
from hypothesis import given, settings
from strategies import examples, policy_documents

from pypolicy.cli.main import main
from pypolicy.format.rdf import document_iri, to_graph
from pypolicy.sparql.dataset import QuadBatch, build_oxigraph_store, load_documents
from pypolicy.sparql.engines import OxigraphEngine
from pypolicy.sparql.pack import bind_parameters, query_pack
from pypolicy.sparql.quads import document_lines
from pypolicy.sparql.safety import check_query

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = real_examples_dir()  # the five real ones: examples/ has synthetic ones too


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def pypolicy(*argv: str, prelude: str = "") -> subprocess.CompletedProcess[str]:
    """``pypolicy ARGV`` in a process of its own (``prelude``: Python run first there)."""
    command = [sys.executable, "-c", prelude + "\nimport sys\nfrom pypolicy.cli.main import"
               " main\nsys.exit(main(sys.argv[1:]))", *argv]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def _synthetic(count: int) -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench_query
    finally:
        sys.path.pop(0)
    corpus: list[dict[str, Any]] = bench_query.synthetic_corpus(count, seed=11)
    return corpus


# ------------------------------------------------------------------------------ mapping


def _isomorphic_to_rdflib(document: dict[str, Any]) -> None:
    import rdflib
    from rdflib import Dataset, Graph
    from rdflib.compare import isomorphic, to_isomorphic

    iri, lines = document_lines(document, "t")
    saved, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
    try:  # lexical forms as written, on both sides
        dataset = Dataset()
        dataset.parse(data="".join(lines), format="nquads")
    finally:
        rdflib.NORMALIZE_LITERALS = saved
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} == {iri}
    ours = Graph()
    for triple in dataset.graph(rdflib.URIRef(iri)):
        ours.add(triple)
    reference = to_graph(document)
    if not isomorphic(ours, reference):
        only_ours = set(to_isomorphic(ours)) - set(to_isomorphic(reference))
        only_theirs = set(to_isomorphic(reference)) - set(to_isomorphic(ours))
        raise AssertionError(f"{document['id']}: direct only {sorted(only_ours)[:5]};"
                             f" rdflib only {sorted(only_theirs)[:5]}")


def test_direct_quads_are_rdflibs_graph_for_the_examples_and_a_generated_corpus() -> None:
    for document in [*load_documents([str(EXAMPLES)]), *_synthetic(25)]:
        _isomorphic_to_rdflib(document)


@settings(max_examples=examples(40))
@given(policy_documents())
def test_direct_quads_are_rdflibs_graph(document: dict[str, Any]) -> None:
    _isomorphic_to_rdflib(document)


def test_what_the_direct_walk_does_not_know_goes_through_rdflib() -> None:
    """A float where the format has none: JSON-LD writes an xsd:double; the batch leaves
    the document to rdflib's mapping rather than guess."""
    import pyoxigraph as ox

    document = json.loads((EXAMPLES / "itnet.policy.json").read_text())
    document["title"] = 2.5
    batch = QuadBatch()
    assert batch.add(document) == document_iri("itnet")
    assert batch.lines == [] and len(batch.fallback) == 1
    store = ox.Store()
    batch.load_into(store)
    title = next(store.quads_for_pattern(ox.NamedNode(document_iri("itnet")),
                                         ox.NamedNode("https://w3id.org/pypolicy/ns#title"),
                                         None))
    assert title.object.datatype.value.endswith("#double")
    assert len(store) == len(to_graph(document))


# ------------------------------------------------------------------------------ load


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in EXAMPLES.glob("*.policy.json"):
        shutil.copy(path, folder)
    (folder / "policy.yaml").write_text("site_name: not a policy\n")  # named like one
    return folder


def _graphs(store: Path) -> dict[str, int]:
    """Quads per named graph, read in a child process (see the module docstring)."""
    done = pypolicy("query", "--store-path", str(store), "-f", "csv", "-q",
                    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert done.returncode == 0, done.stderr
    rows = [line.split(",") for line in done.stdout.splitlines()[1:]]
    return {g.rsplit("/", 1)[1]: int(n) for g, n in rows}


def test_load_builds_a_store_then_brings_it_up_to_date(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "corpus.oxigraph"
    done = pypolicy("load", str(corpus), "--store-path", str(store))
    assert done.returncode == 0, done.stderr
    assert done.stdout == (f"{store}: 5 policies (5 loaded, 0 unchanged, 0 removed,"
                           " 1 file skipped)\n")
    assert f"{corpus / 'policy.yaml'}: skipped: not a policy document" in done.stderr
    first = _graphs(store)
    assert set(first) == {"anveo", "inaani", "inum", "itnet", "voiceterm", "vocabulary",
                          "jurisdictions"}

    done = pypolicy("load", str(corpus), "--store-path", str(store))
    assert "(0 loaded, 5 unchanged, 0 removed" in done.stdout
    os.utime(corpus / "inum.policy.json")  # touched, not changed: hashed, not loaded again
    done = pypolicy("load", str(corpus), "--store-path", str(store))
    assert "(0 loaded, 5 unchanged, 0 removed" in done.stdout

    changed = json.loads((corpus / "itnet.policy.json").read_text())
    changed["statements"] = changed["statements"][:3]
    (corpus / "itnet.policy.json").write_text(json.dumps(changed))
    (corpus / "anveo.policy.json").unlink()
    done = pypolicy("load", str(corpus), "--store-path", str(store))
    assert done.returncode == 0
    assert "4 policies (1 loaded, 3 unchanged, 1 removed" in done.stdout
    after = _graphs(store)
    assert "anveo" not in after and after["inum"] == first["inum"]
    # The changed document replaced its graph: nothing of the old version stayed.
    import pyoxigraph as ox

    reference = build_oxigraph_store([changed])
    assert after["itnet"] == sum(1 for _ in reference.quads_for_pattern(
        None, None, None, ox.NamedNode(document_iri("itnet"))))


def test_a_bad_document_is_reported_and_the_others_load(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "corpus.oxigraph"
    (corpus / "broken.policy.json").write_text('{"formatVersion": "1.0.0", "id": "broken"}')
    twin = json.loads((corpus / "inum.policy.json").read_text())
    (corpus / "z-twin.policy.json").write_text(json.dumps(twin))
    done = pypolicy("load", str(corpus), "--store-path", str(store))
    assert done.returncode == 2
    assert "5 policies (5 loaded, 0 unchanged, 0 removed, 2 files not loaded" in done.stdout
    assert f"pypolicy: {corpus / 'broken.policy.json'}" in done.stderr
    assert "not a valid policy document" in done.stderr
    assert f"document id 'inum' is also the id of {corpus / 'inum.policy.json'}" in done.stderr
    # Mended, the file loads on the next run; the twin is still refused.
    (corpus / "broken.policy.json").unlink()
    done = pypolicy("load", str(corpus), "--store-path", str(store))
    assert done.returncode == 2 and "(0 loaded, 5 unchanged, 0 removed, 1 file not" in \
        done.stdout


def test_a_stray_graph_and_a_lost_manifest_are_repaired(corpus: Path, tmp_path: Path) -> None:
    from pypolicy.sparql.store import MANIFEST

    store = tmp_path / "corpus.oxigraph"
    assert pypolicy("load", str(corpus), "--store-path", str(store)).returncode == 0
    # As if a load had stopped half-way: a graph no manifest accounts for.
    stray = ("import pyoxigraph as ox\ns = ox.Store(sys.argv[1])\n"
             "s.add(ox.Quad(ox.NamedNode('http://x/s'), ox.NamedNode('http://x/p'),"
             " ox.Literal('o'), ox.NamedNode('https://w3id.org/pypolicy/doc/gone')))\n"
             "del s\nraise SystemExit(0)\n")
    subprocess.run([sys.executable, "-c", "import sys\n" + stray, str(store)], check=True)
    done = pypolicy("load", str(corpus), "--store-path", str(store))
    assert "(0 loaded, 5 unchanged, 1 removed" in done.stdout
    assert "gone" not in _graphs(store)
    # A graph removed by hand: its file, unchanged, is loaded again.
    subprocess.run([sys.executable, "-c", "import sys, pyoxigraph as ox\n"
                    "s = ox.Store(sys.argv[1])\n"
                    "s.remove_graph(ox.NamedNode('https://w3id.org/pypolicy/doc/itnet'))\n",
                    str(store)], check=True)
    done = pypolicy("load", str(corpus), "--store-path", str(store))
    assert "(1 loaded, 4 unchanged, 0 removed" in done.stdout
    (store / MANIFEST).unlink()  # everything is loaded again, nothing doubled
    before = _graphs(store)
    done = pypolicy("load", str(corpus), "--store-path", str(store))
    assert "(5 loaded, 0 unchanged" in done.stdout
    assert _graphs(store) == before


def test_a_progress_bar_on_request_and_none_off_a_terminal(corpus: Path,
                                                           tmp_path: Path) -> None:
    quiet = pypolicy("load", str(corpus), "--store-path", str(tmp_path / "a.oxigraph"))
    assert "files/s" not in quiet.stderr and "\r" not in quiet.stderr  # not a terminal
    shown = pypolicy("load", str(corpus), "--store-path", str(tmp_path / "b.oxigraph"),
                     "--progress", "always")
    assert shown.returncode == 0 and "/6 [" in shown.stderr and " files" in shown.stderr


def test_load_never_clears_a_store_it_did_not_build(tmp_path: Path, corpus: Path) -> None:
    store = tmp_path / "theirs.oxigraph"
    subprocess.run([sys.executable, "-c", "import sys, pyoxigraph as ox\n"
                    "s = ox.Store(sys.argv[1])\n"
                    "s.add(ox.Quad(ox.NamedNode('http://x/s'), ox.NamedNode('http://x/p'),"
                    " ox.Literal('precious'), ox.NamedNode('http://x/g')))\n", str(store)],
                   check=True)
    done = pypolicy("load", str(corpus), "--store-path", str(store))
    assert done.returncode == 2 and "holds data pypolicy did not put there" in done.stderr
    check = subprocess.run([sys.executable, "-c", "import sys, pyoxigraph as ox\n"
                            "print(len(ox.Store.read_only(sys.argv[1])))", str(store)],
                           capture_output=True, text=True, check=True)
    assert check.stdout.strip() == "1"


def test_load_refuses_what_is_not_a_store(tmp_path: Path, corpus: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("keep me")
    code, _, err = run("load", str(corpus), "--store-path", str(tmp_path / "notes"))
    assert code == 2 and "holds something else than an Oxigraph store" in err
    assert (tmp_path / "notes" / "todo.txt").read_text() == "keep me"
    code, _, err = run("load", str(corpus))
    assert code == 2 and "--store-path" in err


def test_a_load_read_by_workers_brings_the_store_up_to_date(tmp_path: Path) -> None:
    """Enough files for worker processes to read them (pypolicy.sparql.intake): a changed
    file replaces its graph, a file whose id changed leaves no graph under the old id, a
    removed file's graph goes, a bad file is reported while the others load."""
    from pypolicy.sparql.intake import PARALLEL_FROM

    folder, store = tmp_path / "corpus", tmp_path / "corpus.oxigraph"
    folder.mkdir()
    documents = _synthetic(PARALLEL_FROM + 20)
    for document in documents:
        (folder / f"{document['id']}.policy.json").write_text(json.dumps(document))
    count = len(documents)
    done = pypolicy("load", str(folder), "--store-path", str(store))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{store}: {count} policies ({count} loaded, 0 unchanged, 0 removed)\n"
    first = _graphs(store)
    assert len(first) == count + 2

    retitled, renamed, removed = documents[3], documents[40], documents[77]
    retitled["statements"] = retitled["statements"][:1]
    (folder / f"{retitled['id']}.policy.json").write_text(json.dumps(retitled))
    old_id, renamed["id"] = renamed["id"], "renamed-policy"
    (folder / f"{old_id}.policy.json").write_text(json.dumps(renamed))
    (folder / f"{removed['id']}.policy.json").unlink()
    (folder / "zz-broken.policy.json").write_text('{"formatVersion": "1.0.0", "id": "broken"}')
    done = pypolicy("load", str(folder), "--store-path", str(store))
    assert done.returncode == 2
    assert done.stdout == (f"{store}: {count - 1} policies (2 loaded, {count - 3} unchanged,"
                           " 1 removed, 1 file not loaded)\n")
    assert f"{folder / 'zz-broken.policy.json'}" in done.stderr
    after = _graphs(store)
    assert removed["id"] not in after and old_id not in after and "broken" not in after
    assert after["renamed-policy"] == first[old_id]
    assert after[retitled["id"]] < first[retitled["id"]]
    reference = build_oxigraph_store([retitled])
    import pyoxigraph as ox

    assert after[retitled["id"]] == sum(1 for _ in reference.quads_for_pattern(
        None, None, None, ox.NamedNode(document_iri(retitled["id"]))))
    assert {k: v for k, v in after.items() if k not in (retitled["id"], "renamed-policy")} \
        == {k: v for k, v in first.items() if k not in (retitled["id"], old_id, removed["id"])}


# ------------------------------------------------------------------------------ query


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("store") / "examples.oxigraph"
    done = pypolicy("load", str(EXAMPLES), "--store-path", str(store))
    assert done.returncode == 0, done.stderr
    return store


def _pack_answers(store_path: str | None, progress: Any) -> dict[str, Any]:
    from pypolicy.sparql.store import open_for_reading

    store = open_for_reading(store_path) if store_path else \
        build_oxigraph_store(load_documents([str(EXAMPLES)]))
    engine = OxigraphEngine(store)
    answers = {}
    for name, pack in query_pack().items():
        query = check_query(pack.text, name)
        given = {"on": "2025-06-01"} if any(p.name == "on" for p in pack.parameters) else {}
        result = engine.run(query, bind_parameters(query, pack.parameters, given))
        answers[name] = (result.variables, result.rows)
    return answers


def test_the_store_on_disk_answers_as_the_documents_do(built: Path) -> None:
    from pypolicy.sparql.worker import call_with_time_limit

    on_disk = call_with_time_limit(_pack_answers, (str(built),), 300)
    in_memory = call_with_time_limit(_pack_answers, (None,), 300)
    assert on_disk == in_memory
    assert sum(len(rows) for _, rows in on_disk.values()) > 50


def test_query_store_path(built: Path) -> None:
    code, out, err = run("query", "-n", "missing-right", "--store-path", str(built))
    assert (code, err) == (0, "")
    assert out == run("query", "-n", "missing-right", str(EXAMPLES))[1]
    assert "inaani     Inaani     erasure  gdpr claimed" in out
    code, _, err = run("query", "-n", "regimes", "--store-path", str(built), str(EXAMPLES))
    assert code == 2 and "give no FILE_OR_DIR" in err
    code, _, err = run("query", "-n", "regimes", "--store-path", str(built / "nowhere"))
    assert code == 2 and "no Oxigraph store there" in err


class _Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.socket.settimeout(0.1)
        self.port: int = self.socket.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stop:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()


@pytest.fixture
def listener() -> Iterator[_Listener]:
    server = _Listener()
    yield server
    server.stop = True
    server.thread.join(5)
    server.socket.close()


NO_GUARD = ("import importlib\ns = importlib.import_module('pypolicy.sparql.safety')\n"
            "s._refuse_remote = lambda *a, **k: None\n"
            "s.refuse_remote_keywords = lambda *a, **k: None\n")


def test_a_query_over_a_store_on_disk_reaches_no_network(built: Path,
                                                         listener: _Listener) -> None:
    """The guard taken down: the query's own network namespace still has no way out."""
    query = (f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql>"
             " { ?a ?b ?c } } LIMIT 1")
    done = pypolicy("query", "--store-path", str(built), "-q", query, prelude=NO_GUARD)
    time.sleep(0.3)
    assert listener.connections == 0
    assert done.returncode == 2


def test_show_prints_a_query_another_tool_can_run() -> None:
    import pyoxigraph as ox

    code, out, _ = run("query", "--show", "transfers-without-safeguard", "-p", "on=2024-02-29")
    assert code == 0
    assert out.startswith("# title: Transfers outside the EEA")
    assert "PREFIX ppj: <https://w3id.org/pypolicy/jurisdictions#>" in out
    assert '"2024-02-29"^^<http://www.w3.org/2001/XMLSchema#date>' in out
    check_query(out, "shown", prefixes={})  # every prefix declared
    store = build_oxigraph_store(load_documents([str(EXAMPLES)]))
    assert list(store.query(out, use_default_graph_as_union=True))  # no prefixes given
    for name in query_pack():
        code, out, _ = run("query", "--show", name)
        assert code == 0
        check_query(out, name, prefixes={})
        assert isinstance(store.query(out), ox.QuerySolutions)
    code, _, err = run("query", "--show", "regimez")
    assert code == 2 and "did you mean regimes" in err


def test_files_in_a_directory_that_are_not_policies_are_skipped(
        corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (corpus / "notes").mkdir()  # subfolders are searched too, as validate searches them
    (corpus / "notes" / "policy.yml").write_text("source: x.txt\nentries: []\n")
    code, out, _ = run("query", "-n", "missing-right", str(corpus))
    assert code == 0 and "(2 rows)" in out
    notes = capsys.readouterr().err  # notes go to the process's standard error
    assert notes.count("pypolicy: note: ") == 2
    assert f"{corpus / 'notes' / 'policy.yml'}: skipped: not a policy document" in notes
    code, out, err = run("query", "-n", "missing-right", "--pattern", "*.policy.json",
                         str(corpus))
    assert (code, err, capsys.readouterr().err) == (0, "", "") and "(2 rows)" in out
    code, _, err = run("query", "-n", "missing-right", str(corpus / "policy.yaml"))
    assert code == 2 and "not a valid policy document" in err  # named: not skipped
    code, _, err = run("query", "-n", "missing-right", "--pattern", "*.txt", str(corpus))
    assert code == 2 and "no policy documents in this directory" in err and "*.txt" in err


def test_the_default_store_is_oxigraph(monkeypatch: pytest.MonkeyPatch) -> None:
    from pypolicy.core.errors import QueryError
    from pypolicy.sparql.engines import RdflibEngine

    def refuse(*args: Any) -> None:
        raise QueryError("rdflib answered")

    monkeypatch.setattr(RdflibEngine, "run", refuse)
    code, out, err = run("query", "-n", "missing-right", str(EXAMPLES))
    assert (code, err) == (0, "") and "(2 rows)" in out
    code, _, err = run("query", "-n", "missing-right", "--store", "rdflib", str(EXAMPLES))
    assert code == 2 and "rdflib answered" in err
