"""Files made ready for a store (pypolicy/sparql/intake.py): the fast route accepts and
refuses what the full route does, worker processes give what one process gives, in the
same order, and the writer thread keeps the order of changes and reports failures."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import strategies as gen
from hypothesis import given, settings
from hypothesis import strategies as st

from pypolicy.core.errors import InputError
from pypolicy.format.rdf import context_iri
from pypolicy.sparql import intake
from pypolicy.sparql.dataset import InputFile, read_document
from pypolicy.sparql.intake import BackgroundWriter, Readers, prepare
from pypolicy.sparql.quads import document_lines
from pypolicy.sparql.store import load_into_memory

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def _synthetic(count: int, seed: int = 5) -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench_query
    finally:
        sys.path.pop(0)
    corpus: list[dict[str, Any]] = bench_query.synthetic_corpus(count, seed=seed)
    return corpus


def _both_routes(source: InputFile) -> None:
    """``prepare`` answers as ``read_document`` does: the same refusal in the same words,
    the same skip, or the same document mapped; and the fast route, where it answers,
    vouches only for what the full route accepts, with the same data."""
    try:
        expected = read_document(source)
    except InputError as exc:
        with pytest.raises(InputError) as refused:
            prepare(source, "t", None, hashed=True)
        assert str(refused.value) == str(exc)
        with pytest.raises(intake._NotSure):
            intake._fast(Path(source.path).read_bytes(), source.path)
        return
    ready = prepare(source, "t", None, hashed=True)
    if expected is None:
        assert ready.status == "skipped"
        return
    assert ready.status == "ok" and ready.document_id == expected.data["id"]
    _, lines = document_lines(expected.data, "t")
    assert ready.nquads.decode("utf-8") == "".join(lines)
    assert ready.quads == len(lines) and ready.sha256 == intake.file_sha256(source.path)
    if source.path.endswith(".json"):
        assert intake._fast(Path(source.path).read_bytes(), source.path) == expected.data


def _broken_files(folder: Path) -> list[Path]:
    """A valid document, and one file for each thing the loader or the schema refuses."""
    valid = json.loads((EXAMPLES / "itnet.policy.json").read_text())
    deep: Any = "x"
    for _ in range(70):
        deep = {"a": deep}
    cases: dict[str, str | bytes] = {
        "valid.json": json.dumps(valid),
        "escaped.json": json.dumps({**valid, "title": "Caf\u00e9 \u2013 policy"}),
        "our-context.json": json.dumps({"@context": context_iri(), **valid}),
        "their-context.json": json.dumps({"@context": "https://example.org/c", **valid}),
        "nested-keyword.json": json.dumps({**valid, "provider": {"@id": "x", "name": "n"}}),
        "root-keyword.json": json.dumps({"@graph": [], **valid}),
        "repeated.json": json.dumps(valid)[:-1] + ', "id": "again"}',
        "nan.json": json.dumps(valid)[:-1] + ', "x": NaN}',
        "overflow.json": json.dumps(valid)[:-1] + ', "x": 1e999}',
        "surrogate.json": json.dumps(valid)[:-1] + ', "title": "\\ud800"}',
        "surrogate-key.json": json.dumps(valid)[:-1] + ', "\\udfff": 1}',
        "deep.json": json.dumps({**valid, "x": deep}),
        "schema.json": json.dumps({k: v for k, v in valid.items() if k != "provider"}),
        "array.json": "[]",
        "truncated.json": json.dumps(valid)[:200],
        "bad-utf8.json": b'{"id": "\xff"}',
        "bad-id.json": json.dumps({**valid, "id": "has space"}),
        "not-a-policy.json": json.dumps({"site": "x"}),
        "policy.yaml": (EXAMPLES / "synthetic" / "complete.policy.yaml").read_text(),
        "yaml-with-tab.yml": "a:\n\t- b\n",
    }
    paths = []
    for name, content in cases.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.mark.parametrize("listed", [True, False])
def test_the_fast_route_accepts_and_refuses_what_the_full_route_does(
        tmp_path: Path, listed: bool) -> None:
    for path in [*_broken_files(tmp_path), *sorted(EXAMPLES.glob("*.policy.json"))]:
        _both_routes(InputFile(str(path), listed=listed))


def test_the_fast_route_takes_the_examples_and_the_generated_corpus(tmp_path: Path) -> None:
    for document in _synthetic(30):
        path = tmp_path / f"{document['id']}.json"
        path.write_text(json.dumps(document))
        assert intake._fast(path.read_bytes(), str(path)) == document
    for path in EXAMPLES.glob("*.policy.json"):
        assert intake._fast(path.read_bytes(), str(path)) == json.loads(path.read_text())


@settings(max_examples=gen.examples(150), deadline=None)
@given(st.one_of(gen.policy_documents(), gen.broken_documents().map(lambda b: b.document),
                 gen.json_junk(), gen.schema_shaped_junk()))
def test_whatever_the_fast_route_accepts_the_full_route_accepts(document: Any) -> None:
    import tempfile

    from pypolicy.format.documents import load_valid

    raw = json.dumps(document).encode("utf-8")
    try:
        fast = intake._fast(raw, "d.json")
    except intake._NotSure:
        fast = None
    with tempfile.NamedTemporaryFile("wb", suffix=".json") as handle:
        handle.write(raw)
        handle.flush()
        try:
            full = load_valid(handle.name).data
        except InputError:
            full = None
    if fast is not None:
        assert fast == full
    if full is not None and "@context" not in json.dumps(full):
        assert fast == full  # a valid document takes the fast route


# ------------------------------------------------------------------------------ workers


def _folder(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for document in _synthetic(count):
        (folder / f"{document['id']}.policy.json").write_text(json.dumps(document))
    (folder / "policy.yaml").write_text("title: not a policy\n")
    (folder / "synthetic-00007.policy.json").write_text('{"formatVersion": "1.0.0", "id": "b"}')
    return folder


def test_workers_give_what_one_process_gives_in_the_same_order(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 130)
    sources = [InputFile(str(p), listed=True) for p in sorted(folder.iterdir())]
    with Readers(len(sources), workers=2) as readers:
        assert readers.pool is not None
        parallel = list(readers.read(sources, hashed=True))
    alone = list(Readers(0).read(sources, hashed=True))
    assert [r.path for r in parallel] == [s.path for s in sources]
    assert [(r.path, r.status, r.document_id, r.quads, r.sha256) for r in parallel] == \
        [(r.path, r.status, r.document_id, r.quads, r.sha256) for r in alone]
    statuses = {Path(r.path).name: r.status for r in parallel}
    assert statuses["synthetic-00007.policy.json"] == "failed"
    assert statuses["policy.yaml"] == "skipped"
    assert sum(r.status == "ok" for r in parallel) == 129
    # each chunk draws its own blank node prefix: no two documents share a label
    labels = {line.split()[0] for r in parallel for line in r.nquads.decode().splitlines()
              if line.startswith("_:")}
    assert len({label.rsplit("x", 1)[0] for label in labels}) == \
        sum(1 for r in parallel if b"_:" in r.nquads)


def test_a_store_in_memory_built_by_workers_holds_what_one_process_builds(
        tmp_path: Path) -> None:
    import pyoxigraph as ox

    from pypolicy.sparql.store import CorpusLoader

    folder = _folder(tmp_path, 130)
    (folder / "synthetic-00007.policy.json").unlink()
    sources = [InputFile(str(p), listed=True) for p in sorted(folder.iterdir())]
    notes: list[str] = []
    parallel = load_into_memory(sources, notes=notes)
    assert notes == [f"{folder / 'policy.yaml'}: skipped: not a policy document (no"
                     " formatVersion)"]
    alone = ox.Store()
    CorpusLoader(alone, strict=True, readers=Readers(0), batch_quads=1000).sync(sources)
    assert len(parallel) == len(alone)
    assert {g.value for g in parallel.named_graphs()} == \
        {g.value for g in alone.named_graphs()}
    assert len(list(parallel.named_graphs())) == 129 + 2
    for graph in ("synthetic-00000", "synthetic-00129"):
        name = ox.NamedNode(f"https://w3id.org/pypolicy/doc/{graph}")
        assert len(list(parallel.quads_for_pattern(None, None, None, name))) == \
            len(list(alone.quads_for_pattern(None, None, None, name)))


def test_the_first_bad_file_in_order_stops_a_strict_load(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 130)
    (folder / "synthetic-00100.policy.json").write_text('{"formatVersion": "1.0.0"}')
    sources = [InputFile(str(p), listed=True) for p in sorted(folder.iterdir())]
    with pytest.raises(InputError) as refused:
        load_into_memory(sources)
    assert refused.value.path == str(folder / "synthetic-00007.policy.json")
    assert "not a valid policy document" in str(refused.value)


# ------------------------------------------------------------------------------ the writer


def test_the_writer_keeps_the_order_and_reports_a_failure() -> None:
    done: list[int] = []
    writer = BackgroundWriter()
    for number in range(5):
        writer.submit(lambda number=number: done.append(number))  # type: ignore[misc]
    writer.close()
    assert done == [0, 1, 2, 3, 4]

    def fail() -> None:
        raise OSError("disk full")

    writer = BackgroundWriter()
    writer.submit(fail)
    writer.submit(lambda: done.append(99))
    with pytest.raises(OSError, match="disk full"):
        writer.close()
    assert 99 not in done  # nothing runs after a failure


# ------------------------------------------------------------------------------ reference graphs


def test_the_reference_graphs_written_without_rdflib_are_what_rdflib_reads() -> None:
    """The vocabulary, parsed by Oxigraph, is the graph rdflib parses from the same Turtle;
    the jurisdictions graph types its literals as rdflib's Literal(date), Literal(bool) and
    Literal(text, lang="en") did."""
    from rdflib import XSD, Graph, Literal, URIRef
    from rdflib.compare import isomorphic

    from pypolicy.format.resources import schema_file
    from pypolicy.sparql.dataset import JUR, jurisdictions_ntriples, vocabulary_ntriples

    ours = Graph().parse(data=vocabulary_ntriples(), format="nt")
    assert len(ours) > 1000
    assert isomorphic(ours, Graph().parse(schema_file("vocabulary.ttl"), format="turtle"))

    places = Graph().parse(data=jurisdictions_ntriples(), format="nt")
    adopted = set(places.objects(None, URIRef(JUR + "adopted")))
    assert adopted and all(isinstance(o, Literal) and o.datatype == XSD.date for o in adopted)
    partial = set(places.objects(None, URIRef(JUR + "partial")))
    assert partial == {Literal(True), Literal(False)}
    label = places.value(URIRef("https://w3id.org/dpv/loc#FR"),
                         URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
    assert label == Literal("France", lang="en")


def test_a_worker_that_dies_does_not_stop_the_load(tmp_path: Path) -> None:
    """Killed (as the kernel kills a process for its memory): the files it had, and the
    rest, are read in this process, in order, rather than waited for."""
    import multiprocessing
    import os
    import signal

    folder = _folder(tmp_path, 130)
    sources = [InputFile(str(p), listed=True) for p in sorted(folder.iterdir())]
    alone = [(r.path, r.status, r.quads) for r in Readers(0).read(sources)]
    with Readers(len(sources), workers=2) as readers:
        victims = multiprocessing.active_children()
        assert len(victims) == 2
        os.kill(victims[0].pid or 0, signal.SIGKILL)
        victims[0].join(10)
        got = [(r.path, r.status, r.quads) for r in readers.read(sources)]
        assert readers.pool is None  # given up
    assert got == alone


def test_query_over_a_large_folder_reads_it_in_its_worker(tmp_path: Path) -> None:
    """``pypolicy query`` loads in a daemonic worker process, which may have no children:
    the files are read there, and a bad one is named, with no traceback."""
    import os
    import subprocess

    folder = _folder(tmp_path, intake.PARALLEL_FROM + 10)
    command = [sys.executable, "-m", "pypolicy", "query", "-n", "dpo-and-authority", "-f",
               "csv", str(folder)]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env=environment, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{folder / 'synthetic-00007.policy.json'}" in done.stderr
    (folder / "synthetic-00007.policy.json").unlink()
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env=environment, check=False)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == intake.PARALLEL_FROM + 10  # header, 89 rows
