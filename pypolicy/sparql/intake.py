"""Files made ready for a store: read, checked and written as N-Quads, in worker processes.

Most of the Python time of a load goes to each file in turn: parse its JSON, check it
(plain JSON data, no JSON-LD keyword, valid against the schema) and write its N-Quads.
The files do not depend on one another, so :class:`Readers` hands them in chunks to a
pool of forked processes and gives the results back in the order of the files, never
more than a few chunks ahead (memory stays bounded whatever the corpus size). Meanwhile
:class:`BackgroundWriter` bulk-loads the previous batch into the store in a thread of its
own: Oxigraph releases the GIL while it loads, so reading and writing overlap.

A ``.json`` file takes a fast route: one walk over the parsed data looks for anything the
loader would refuse (a value JSON cannot hold, nesting past the limit, a lone surrogate, a
JSON-LD keyword), and the compiled schema validator (jsonschema-rs) decides validity.
Whatever that route is not sure of (a YAML file, a repeated key, a JSON-LD keyword, a
document the schema refuses) goes the way ``pypolicy validate`` goes,
:func:`pypolicy.sparql.dataset.read_document`, so that a refusal names its file, pointer
and line in the same words as everywhere else; ``tests/test_intake.py`` checks that both
routes accept and refuse the same files.
"""

from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
import os
import queue
import re
import secrets
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Final, Literal

from pypolicy.core.errors import InputError
from pypolicy.core.files import read_bounded
from pypolicy.format.loader import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH
from pypolicy.format.rdf import readable_context_iris, to_graph
from pypolicy.format.schema import is_valid
from pypolicy.sparql.dataset import InputFile, read_document
from pypolicy.sparql.quads import Unmapped, document_nquads

CHUNK_FILES: Final = 40
"""Files per task given to a worker: enough to make the cost of a task small, few enough
that the first results come at once and that a chunk's N-Quads stay a few MB."""
AHEAD: Final = 3
"""Chunks in hand or waiting per worker: the bound on what reading runs ahead of loading."""
PARALLEL_FROM: Final = 2 * CHUNK_FILES
"""Fewer files than this are read in this process: forking would cost more than it saves."""
MAX_WORKERS: Final = 8


@dataclass(frozen=True)
class Prepared:
    """One file, made ready: its quads, or why there are none."""

    path: str
    status: Literal["ok", "skipped", "failed"]
    document_id: str = ""
    nquads: bytes = b""  # the direct mapping (quads.py)
    ntriples: bytes = b""  # rdflib's mapping, for a document the direct one leaves to it
    quads: int = 0
    size: int = 0
    mtime_ns: int = 0
    sha256: str = ""


# ------------------------------------------------------------------------------ one file


class _NotSure(Exception):
    """The fast route cannot vouch for this file: the full route decides."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _NotSure("a repeated key")
    return result


def _no_constant(name: str) -> Any:
    raise _NotSure(name)


_LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def _plain(data: dict[str, Any], escapes: bool) -> bool:
    """Whether the loader and ``check_keys`` would take ``data`` as it is: no value JSON
    cannot hold, no nesting past the limit, no lone surrogate (only a ``\\u`` escape in
    the text can make one: ``escapes``), no JSON-LD keyword but a root ``@context`` that
    names our context. One walk, with no pointers built: the full route finds the place
    when there is something to report."""
    stack: list[tuple[Any, int]] = []
    for key, value in data.items():
        if key.startswith("@") and not (key == "@context" and isinstance(value, str)
                                        and value in readable_context_iris()):
            return False
        stack.append((value, 1))
    if escapes and any(_LONE_SURROGATE.search(key) for key in data):
        return False
    while stack:
        value, depth = stack.pop()
        if depth > DEFAULT_MAX_DEPTH:
            return False
        kind = type(value)
        if kind is str:
            if escapes and _LONE_SURROGATE.search(value):
                return False
        elif kind is dict:
            for key, item in value.items():
                if key.startswith("@") or (escapes and _LONE_SURROGATE.search(key)):
                    return False
                stack.append((item, depth + 1))
        elif kind is list:
            stack.extend((item, depth + 1) for item in value)
        elif kind is float:
            if not math.isfinite(value):
                return False
        elif kind not in (int, bool) and value is not None:
            return False
    return True


def _fast(raw: bytes, path: str) -> dict[str, Any]:
    """The document in a ``.json`` file, when the fast route can vouch for it."""
    if not path.lower().endswith((".json", ".jsonld")):
        raise _NotSure("not JSON by its name")
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise _NotSure("not plain JSON") from None
    if not isinstance(data, dict) or not _plain(data, "\\u" in text):
        raise _NotSure("the full route words what is wrong")
    try:
        valid = is_valid(data)
    except Exception:  # whatever the validator makes of it, the full route does too
        raise _NotSure("the validator could not say") from None
    if not valid:
        raise _NotSure("the full route words what is wrong")
    return data


def prepare(source: InputFile, blank_prefix: str, max_bytes: int | None,
            hashed: bool) -> Prepared:
    """Read, check and map one file; InputError for a file that is not a usable policy
    document (with its file, pointer and line), as :func:`read_document` words it."""
    limit = max_bytes or DEFAULT_MAX_BYTES
    size = mtime_ns = 0
    digest = ""
    try:
        info = os.stat(source.path)
        size, mtime_ns = info.st_size, info.st_mtime_ns
        raw = read_bounded(source.path, limit)
        data = _fast(raw, source.path)
        if hashed:
            digest = hashlib.sha256(raw).hexdigest()
    except (OSError, InputError, _NotSure):
        loaded = read_document(source, max_bytes)
        if loaded is None:
            return Prepared(source.path, "skipped")
        data = loaded.data
        if hashed:
            digest = file_sha256(source.path)
    lines: list[str] = []
    ntriples = b""
    try:  # the fast route and read_document both ran check_keys' checks
        document_nquads(data, blank_prefix, lines.append, checked=True)
    except Unmapped:
        lines = []
        ntriples = str(to_graph(data).serialize(format="nt")).encode("utf-8")
    return Prepared(source.path, "ok", str(data["id"]), "".join(lines).encode("utf-8"),
                    ntriples, len(lines), size, mtime_ns, digest)


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _prepare_chunk(sources: Sequence[InputFile], prefix: str, max_bytes: int | None,
                   hashed: bool) -> list[Prepared]:
    """A chunk of files, in a worker: a file that fails is marked, and the caller reads it
    again in its own process for the error itself (exceptions with their file, pointer
    and line do not all survive the way back from a worker)."""
    done: list[Prepared] = []
    for index, source in enumerate(sources):
        try:
            done.append(prepare(source, f"{prefix}d{index}x", max_bytes, hashed))
        except Exception:  # any failure: the caller's own run reports it
            done.append(Prepared(source.path, "failed"))
    return done


# ------------------------------------------------------------------------------ many files


def worker_count(files: int) -> int:
    """Worker processes for ``files`` files: one per processor this process may use; none
    for a few files, where processes cannot be forked (forking is what makes them cheap
    to start; macOS's frameworks do not survive a fork), or in a daemonic process, which
    multiprocessing forbids to have children (the worker ``pypolicy query`` runs each
    query in: there the files are read in that process, while a thread loads)."""
    if files < PARALLEL_FROM or sys.platform == "darwin" or \
            "fork" not in multiprocessing.get_all_start_methods() or \
            multiprocessing.current_process().daemon:
        return 0
    try:
        processors = len(os.sched_getaffinity(0))
    except AttributeError:
        processors = os.cpu_count() or 1
    return min(processors, MAX_WORKERS) if processors > 1 else 0


def _quiet_worker() -> None:
    # Ctrl-C reaches the whole process group: the parent stops the pool, and the
    # workers stay silent rather than each printing a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A parent killed outright (SIGKILL) cannot stop the pool: on Linux the kernel ends
    # the workers with it (PR_SET_PDEATHSIG), rather than leave them waiting for work.
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass


class Readers:
    """Worker processes that make files ready, results in the order of the files.

    Create it before opening a store on disk: the workers are forked at once, while this
    process has no thread of RocksDB's (a fork copies only the thread that forks, and a
    lock another thread held would stay locked in the child). A context manager; with no
    workers (few files, one processor) the files are read in this process. A worker that
    dies (killed for its memory, say) does not stop the load: the files it had, and the
    rest, are read in this process.
    """

    def __init__(self, files: int, *, workers: int | None = None) -> None:
        self.workers = worker_count(files) if workers is None else workers
        self.pool: ProcessPoolExecutor | None = None
        if self.workers:
            # Compiled once here, inherited by every worker.
            is_valid({})
            # concurrent.futures rather than multiprocessing.Pool: a worker that dies
            # breaks the pool (BrokenProcessPool) instead of leaving its task waiting
            # for ever.
            self.pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("fork"),
                initializer=_quiet_worker)
            self.pool.submit(_ready).result()  # with fork, every worker starts at once

    def __enter__(self) -> Readers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def read(self, sources: Sequence[InputFile], *, max_bytes: int | None = None,
             hashed: bool = False) -> Iterator[Prepared]:
        """Each file made ready, in order; a file that fails comes back "failed" (read it
        with :func:`prepare` for its InputError)."""
        chunks = (sources[start:start + CHUNK_FILES]
                  for start in range(0, len(sources), CHUNK_FILES))
        waiting: deque[tuple[Sequence[InputFile], Future[list[Prepared]] | None]] = deque()
        for chunk in chunks:
            waiting.append((chunk, self._submit(chunk, max_bytes, hashed)))
            if len(waiting) > AHEAD * self.workers:
                yield from self._result(*waiting.popleft(), max_bytes, hashed)
        while waiting:
            yield from self._result(*waiting.popleft(), max_bytes, hashed)

    def _submit(self, chunk: Sequence[InputFile], max_bytes: int | None,
                hashed: bool) -> Future[list[Prepared]] | None:
        if self.pool is None:
            return None  # read when its turn comes
        try:
            return self.pool.submit(_prepare_chunk, chunk, blank_prefix(), max_bytes, hashed)
        except BrokenProcessPool:
            self._lost()
            return None

    def _result(self, chunk: Sequence[InputFile], future: Future[list[Prepared]] | None,
                max_bytes: int | None, hashed: bool) -> list[Prepared]:
        if future is not None:
            try:
                return future.result()
            except BrokenProcessPool:
                self._lost()
        return _prepare_chunk(chunk, blank_prefix(), max_bytes, hashed)

    def _lost(self) -> None:
        """A worker died: the pool is of no more use; the rest is read in this process."""
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None


def _ready() -> None:
    """A task that does nothing: submitting it starts the workers."""


def blank_prefix() -> str:
    """Blank node labels are global to a store: each chunk draws its own prefix."""
    return "b" + secrets.token_hex(8)


# ------------------------------------------------------------------------------ writing


class BackgroundWriter:
    """Runs changes to a store one after another in a thread of its own, so that this
    thread goes on reading files meanwhile (pyoxigraph releases the GIL while it loads).

    At most one change waits while another runs: what is read ahead stays bounded. An
    exception in the thread is raised again here, by the next :meth:`submit` or by
    :meth:`close`.
    """

    def __init__(self) -> None:
        self._queue: queue.Queue[Callable[[], None] | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="pypolicy-store-writer",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (change := self._queue.get()) is not None:
            if self._error is None:
                try:
                    change()
                except BaseException as exc:  # raised again in the caller's thread
                    self._error = exc

    def _check(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def submit(self, change: Callable[[], None]) -> None:
        self._check()
        self._queue.put(change)

    def close(self) -> None:
        """Wait for every change submitted; raise the first that failed."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        self._check()
