"""The corpus in an Oxigraph store: in memory for one query, or on disk between queries.

:class:`CorpusLoader` streams documents into a store: worker processes read each file,
check it against the schema and write it as N-Quads (:mod:`pypolicy.sparql.intake`,
:mod:`pypolicy.sparql.quads`), in the order of the files; here the N-Quads are gathered
into batches, and a thread bulk-loads each full batch while the next is read. Memory stays
flat whatever the corpus size: a batch being gathered and one being loaded, a few chunks
of files read ahead, plus a line of bookkeeping per file.

On disk (``pypolicy load FILES --store-path corpus.oxigraph``) the store is an ordinary
Oxigraph directory (``oxigraph serve --location`` reads it too) holding one more file,
:data:`MANIFEST`: for each source file, its named graph, size, modification time and
SHA-256. A later load brings the store up to date with the files it is given:

- a file whose size and time are unchanged is not read; one whose content hash is
  unchanged is not loaded again;
- a changed file replaces its named graph (the old graph is removed first, so nothing of
  the previous version stays);
- a file no longer given, or gone, has its graph removed, as does any graph the manifest
  does not account for (left by an interrupted load);
- a file that is not a valid policy is reported, and its graph (if an earlier version had
  one) removed; the other files load all the same;
- when pypolicy's mapping changes (a new version, vocabulary or context), everything is
  loaded again.

The manifest is written last, atomically: a load stopped half-way leaves a store that
the next load repairs, since whatever it cannot account for is loaded again or removed.
Loading takes Oxigraph's lock on the directory, so two loads cannot run at once;
reading (``query --store-path``, ``serve``) opens the store read-only and should not run
while a load writes to it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final

from pypolicy.core.errors import ConfigError, InputError
from pypolicy.format.rdf import document_iri
from pypolicy.sparql.dataset import (
    JURISDICTIONS_GRAPH,
    SKIPPED,
    VOCABULARY_GRAPH,
    InputFile,
    duplicate_id,
    load_reference_graphs,
    new_oxigraph_store,
    read_document,
)
from pypolicy.sparql.intake import (
    BackgroundWriter,
    Prepared,
    Readers,
    blank_prefix,
    file_sha256,
    prepare,
)

MANIFEST: Final = "pypolicy-corpus.json"
MANIFEST_FORMAT: Final = 1
BATCH_QUADS: Final = 400_000
"""Quads per bulk load: about 3,400 generated policies, 75 MB of N-Quads. Oxigraph's bulk
loader holds a batch in memory while it sorts it into its indexes, so the batch bounds a
load's memory; larger batches cost less per quad (measured at 10,000 policies: 150,000
quads a batch took a quarter more processor time on disk than 400,000)."""
REFERENCE_GRAPHS: Final = frozenset({VOCABULARY_GRAPH, JURISDICTIONS_GRAPH})
OUR_GRAPHS: Final = ("https://w3id.org/pypolicy/doc/", "https://w3id.org/pypolicy/graph/")


@cache
def mapping_version() -> str:
    """A hash of everything that decides which quads a document becomes: when it changes,
    a store on disk is loaded again from scratch."""
    from pypolicy.core.version import __version__
    from pypolicy.format import geography, rdf
    from pypolicy.format.resources import schema_file
    from pypolicy.sparql import dataset, quads

    digest = hashlib.sha256(__version__.encode())
    for path in (schema_file("context.jsonld"), schema_file("vocabulary.ttl"),
                 geography.DATA_FILE, Path(quads.__file__), Path(rdf.__file__),
                 Path(dataset.__file__)):
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class Entry:
    """What the manifest remembers of one source file."""

    graph: str
    size: int
    mtime_ns: int
    sha256: str


@dataclass
class LoadReport:
    """What a load did, file by file."""

    loaded: list[str] = field(default_factory=list)  # added or replaced
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)  # files (or graphs) whose graph went
    skipped: list[str] = field(default_factory=list)  # notes: not policy documents
    failed: list[str] = field(default_factory=list)  # messages: unusable documents
    documents: int = 0  # policy graphs in the store afterwards


Progress = Callable[[int], object]  # called with the number of files done since the last call


class CorpusLoader:
    """Streams documents into a pyoxigraph store, in batches (see the module docstring).

    ``strict``: the first unusable document raises its InputError (``pypolicy query``
    over files); otherwise it is reported and the others load (``pypolicy load``).
    """

    def __init__(self, store: Any, path: Path | None = None, *, strict: bool = False,
                 batch_quads: int = BATCH_QUADS, max_bytes: int | None = None,
                 readers: Readers | None = None) -> None:
        self.store = store
        self.path = path
        self.strict = strict
        self.batch_quads = batch_quads
        self.max_bytes = max_bytes
        self.readers = readers
        self.report = LoadReport()
        self.entries: dict[str, Entry] = {}
        self.claimed: dict[str, str] = {}  # graph -> the file that holds it
        self.batch = _Batch()
        self.writer: BackgroundWriter | None = None
        self.shown: dict[str, str] = {}  # key -> the path as given, for messages

    # -------------------------------------------------------------------- the manifest

    def _read_manifest(self) -> dict[str, Entry] | None:
        """The entries of the manifest, or None when the store must be loaded anew."""
        if self.path is None:
            return None
        try:
            data = json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))
            if data.get("format") != MANIFEST_FORMAT or data.get("mapping") != \
                    mapping_version():
                return None
            return {key: Entry(**value) for key, value in data["files"].items()}
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None  # unreadable or foreign: load everything again

    def _write_manifest(self) -> None:
        from pypolicy.core.files import write_atomic

        assert self.path is not None
        data = {"format": MANIFEST_FORMAT, "mapping": mapping_version(),
                "files": {key: vars(entry) for key, entry in sorted(self.entries.items())}}
        self.store.flush()
        write_atomic(self.path / MANIFEST, json.dumps(data, indent=0) + "\n")

    # -------------------------------------------------------------------- loading

    def sync(self, inputs: Sequence[InputFile], progress: Progress | None = None) -> LoadReport:
        """Make the store hold exactly the policy documents in ``inputs``."""
        import pyoxigraph as ox

        previous = self._read_manifest()
        if previous is None:
            self._refuse_foreign()
            self.store.clear()
            load_reference_graphs(self.store)
            previous = {}
        elif not all(self.store.contains_named_graph(ox.NamedNode(g))
                     for g in REFERENCE_GRAPHS):
            for graph in REFERENCE_GRAPHS:
                self.store.remove_graph(ox.NamedNode(graph))
            load_reference_graphs(self.store)
        current: dict[str, InputFile] = {}
        for source in inputs:
            key = str(Path(source.path).absolute())
            current.setdefault(key, source)
            self.shown.setdefault(key, source.path)

        for key, entry in previous.items():
            if key not in current:
                self._remove(entry.graph)
                self.report.removed.append(key)
        pending = self._unchanged(current, previous, progress)
        if pending:
            self._load(pending, progress)
        if self.path is not None:
            self._remove_strays()
            if self.report.loaded or self.report.removed:
                # Each bulk load adds files spanning the whole key range of every index,
                # and a read then looks into each of them: compacting them makes the pack
                # queries about twice as fast (measured at 10,000 policies) for a few
                # seconds here.
                self.store.optimize()
            self._write_manifest()
        self.report.documents = len(self.claimed)
        return self.report

    def _refuse_foreign(self) -> None:
        """A store without a manifest is loaded anew, which clears it: only if all it holds
        is ours (a manifest lost, a load stopped early), never someone else's data."""
        import pyoxigraph as ox

        if self.path is None:
            return
        foreign = next((g.value for g in self.store.named_graphs()
                        if not g.value.startswith(OUR_GRAPHS)), None)
        if foreign is None and next(self.store.quads_for_pattern(
                None, None, None, ox.DefaultGraph()), None) is not None:
            foreign = "the default graph"
        if foreign is not None:
            raise ConfigError(f"--store-path {self.path}: this Oxigraph store holds data"
                              f" pypolicy did not put there ({foreign}); loading would"
                              " replace it: give a new or an empty directory")

    def _unchanged(self, current: dict[str, InputFile], previous: dict[str, Entry],
                   progress: Progress | None) -> list[tuple[str, InputFile, Entry | None]]:
        """Keep what has not changed (claiming its graph); the rest, to load."""
        import pyoxigraph as ox

        pending: list[tuple[str, InputFile, Entry | None]] = []
        for key, source in current.items():
            old = previous.get(key)
            if old is not None:
                try:
                    info = os.stat(source.path)
                    same = (info.st_size, info.st_mtime_ns) == (old.size, old.mtime_ns) or \
                        file_sha256(source.path) == old.sha256
                except OSError:
                    same = False  # reading it again reports the problem
                # (the graph must still be there: a store changed by hand loads it again)
                if same and old.graph not in self.claimed and \
                        self.store.contains_named_graph(ox.NamedNode(old.graph)):
                    self.entries[key] = Entry(old.graph, info.st_size, info.st_mtime_ns,
                                              old.sha256)
                    self.claimed[old.graph] = key
                    self.report.unchanged += 1
                    if progress is not None:
                        progress(1)
                    continue
            pending.append((key, source, old))
        return pending

    def _load(self, pending: list[tuple[str, InputFile, Entry | None]],
              progress: Progress | None) -> None:
        """Read the files in worker processes while a thread writes the store."""
        readers = self.readers if self.readers is not None else Readers(0)
        self.writer = BackgroundWriter()
        try:
            sources = [source for _, source, _ in pending]
            for (key, source, old), ready in zip(pending, readers.read(
                    sources, max_bytes=self.max_bytes, hashed=self.path is not None),
                    strict=True):
                self._accept(key, source, old, ready)
                if progress is not None:
                    progress(1)
            self._flush()
        finally:
            writer, self.writer = self.writer, None
            writer.close()

    def _accept(self, key: str, source: InputFile, old: Entry | None,
                ready: Prepared) -> None:
        try:
            if ready.status == "failed":  # read again here, for the error itself
                ready = prepare(source, blank_prefix(), self.max_bytes,
                                self.path is not None)
            if ready.status == "skipped":
                self.report.skipped.append(f"{source.path}: {SKIPPED}")
                self._drop(old)
                return
            graph = document_iri(ready.document_id)
            holder = self.claimed.get(graph)
            if holder is not None:
                loaded = read_document(source, self.max_bytes)
                assert loaded is not None  # it was read as a policy a moment ago
                raise duplicate_id(ready.document_id, self.shown[holder], source.path,
                                   loaded)
            self._add(key, source, ready, graph, old)
        except InputError as exc:
            if self.strict:
                raise
            self.report.failed.append(str(exc))
            self._drop(old)

    def _add(self, key: str, source: InputFile, ready: Prepared, graph: str,
             old: Entry | None) -> None:
        self.batch.add(graph, ready)
        if old is not None and old.graph != graph and old.graph not in self.claimed:
            self._remove(old.graph)
        self.claimed[graph] = key
        self.report.loaded.append(source.path)
        if self.path is not None:
            self.entries[key] = Entry(graph, ready.size, ready.mtime_ns, ready.sha256)
        if self.batch.quads >= self.batch_quads:
            self._flush()

    def _drop(self, old: Entry | None) -> None:
        """A file that held a graph no longer gives one: the stale graph goes."""
        if old is not None and old.graph not in self.claimed:
            self._remove(old.graph)

    def _flush(self) -> None:
        batch, self.batch = self.batch, _Batch()
        if batch.graphs:
            self._change(lambda: batch.load_into(self.store, replace=self.path is not None))

    def _change(self, change: Callable[[], None]) -> None:
        """A change to the store: in the writer's thread while files are read (in order
        with the batches), here otherwise."""
        if self.writer is not None:
            self.writer.submit(change)
        else:
            change()

    def _remove(self, graph: str) -> None:
        import pyoxigraph as ox

        name = ox.NamedNode(graph)
        self._change(lambda: self.store.remove_graph(name))

    def _remove_strays(self) -> None:
        """Graphs no file accounts for (an interrupted load, a graph loaded by hand)."""
        strays = [g.value for g in self.store.named_graphs()
                  if g.value not in self.claimed and g.value not in REFERENCE_GRAPHS]
        for graph in strays:
            self._remove(graph)
            self.report.removed.append(graph)


class _Batch:
    """Documents' N-Quads, to be bulk-loaded together."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.graphs: list[str] = []
        self.fallback: list[tuple[str, bytes]] = []  # (graph, N-Triples) from rdflib
        self.quads = 0

    def add(self, graph: str, ready: Prepared) -> None:
        self.graphs.append(graph)
        if ready.ntriples:
            self.fallback.append((graph, ready.ntriples))
        self.parts.append(ready.nquads)
        self.quads += ready.quads

    def load_into(self, store: Any, *, replace: bool) -> None:
        import pyoxigraph as ox

        if replace:  # a replaced document: nothing of the old graph stays
            for graph in self.graphs:
                name = ox.NamedNode(graph)
                if store.contains_named_graph(name):
                    store.remove_graph(name)
        data = b"".join(self.parts)
        self.parts = []
        if data:
            # lenient: the IRIs and literals were written by us from checked names and
            # escaped strings; Oxigraph skips validating them again (faster).
            store.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
        for iri, ntriples in self.fallback:
            store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES,
                            to_graph=ox.NamedNode(iri))


# ------------------------------------------------------------------------------ opening


def open_for_loading(path: str) -> tuple[Any, Path]:
    """The store at ``path`` opened for writing (created if need be)."""
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise ConfigError(f"--store-path {path}: not a directory (an Oxigraph store is one)")
    if target.is_dir() and any(target.iterdir()) and not (target / "CURRENT").exists():
        raise ConfigError(f"--store-path {path}: this directory holds something else than an"
                          " Oxigraph store; give a new or an empty directory")
    try:
        return new_oxigraph_store(str(target)), target
    except OSError as exc:
        if "lock" in str(exc).lower():
            raise ConfigError(f"--store-path {path}: the store is in use by another load"
                              " (Oxigraph holds a lock on it); try again when it ends"
                              ) from None
        raise ConfigError(f"--store-path {path}: cannot open the store: {exc}") from None


def open_for_reading(path: str) -> Any:
    """The store at ``path``, read-only (queries, the endpoint)."""
    target = Path(path)
    if not (target / "CURRENT").is_file():
        raise ConfigError(f"--store-path {path}: no Oxigraph store there; build one with"
                          f" pypolicy load FILE_OR_DIR... --store-path {path}")
    import pyoxigraph as ox

    try:
        return ox.Store.read_only(str(target))
    except OSError as exc:
        raise ConfigError(f"--store-path {path}: cannot open the store: {exc}") from None


def load_into_memory(inputs: Sequence[InputFile], max_bytes: int | None = None,
                     notes: list[str] | None = None) -> Any:
    """An in-memory store of the documents (``pypolicy query FILES``): the first unusable
    document stops it, with its file and place; files in directories that are not policy
    documents are skipped, with a note in ``notes``."""
    with Readers(len(inputs)) as readers:  # forked before the store exists
        store = new_oxigraph_store()
        loader = CorpusLoader(store, strict=True, max_bytes=max_bytes, readers=readers)
        report = loader.sync(inputs)
    if notes is not None:
        notes.extend(report.skipped)
    return store
