"""Where a query runs: a child process with a time limit, a memory limit, no network,
and no life after its parent.

Why a process: a thread cannot be stopped. rdflib's evaluator, a runaway regular
expression (C code holding the GIL) or Oxigraph's native evaluator would go on running
and could keep the interpreter from exiting; a process is killed outright and its memory
returned. On POSIX the child is forked (cheap: the command has loaded nothing heavy
yet); elsewhere it is spawned, without the resource limits below.

The walls around the child:

- **time**: the parent kills it when the limit passes. The limit covers parsing the
  query and running it; loading the corpus, between :meth:`Progress.loading` and
  :meth:`Progress.started`, is not counted. :func:`parse_time_limit` bounds the parse the
  parent makes itself before starting a child (a signal timer, on POSIX).
- **memory**: ``RLIMIT_AS`` in the child. Python raises MemoryError; Rust (Oxigraph)
  aborts, which the parent reports as the memory limit reached, never as a backtrace:
  the child's standard error goes to a scratch file, read only to tell why it died.
- **network**: while an embedded engine runs (:func:`offline`) the child cannot open
  any new file descriptor (``RLIMIT_NOFILE`` below the lowest free one), so no socket,
  whatever code asks: rdflib's Python ``SERVICE`` client or Oxigraph's native one. This
  does not depend on reading the query, so a construct that slips past the guard in
  :mod:`pypolicy.sparql.safety` still reaches nothing. A Python audit hook names an
  attempt made from Python.
- **parent**: on Linux the kernel kills the child when the parent dies
  (``PR_SET_PDEATHSIG``); elsewhere a watchdog thread checks the parent's pid.
"""

from __future__ import annotations

import contextlib
import errno
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO, Final

from pypolicy.core.errors import ConfigError, PypolicyError, QueryError
from pypolicy.sparql.terminal import one_line

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

MIB: Final = 1024 * 1024
NETWORK_EVENTS: Final = frozenset({"socket.__new__", "socket.connect", "socket.getaddrinfo",
                                   "socket.gethostbyname", "urllib.Request"})


class QueryTimeoutError(QueryError):
    """The query ran past its time limit and was stopped."""


class NetworkRefusedError(QueryError):
    """An engine tried to reach the network from inside the worker."""


def default_memory_limit() -> int | None:
    """Half the machine's memory: room for large corpora, and the machine stays usable."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2
    except (ValueError, OSError, AttributeError):
        return None


# ------------------------------------------------------------------------------ child


class Progress:
    """Handed to the work as ``started``: calling it starts the timed query; ``loading()``
    pauses the clock while the corpus is read."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def __call__(self) -> None:
        self._connection.send(("started", None))

    def loading(self) -> None:
        self._connection.send(("loading", None))


@dataclass
class _Offline:
    active: bool = False
    attempts: list[str] = field(default_factory=list)


_OFFLINE = _Offline()


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _OFFLINE.active and event in NETWORK_EVENTS:
        _OFFLINE.attempts.append(event)
        raise NetworkRefusedError("the query tried to reach the network, which queries may"
                                  " not do; nothing was sent")


@contextlib.contextmanager
def offline() -> Iterator[None]:
    """No new file descriptor, so no connection, can be opened inside this block.

    For the worker only (it changes process-wide limits): the block runs an embedded
    engine over a corpus already loaded. Everything the engine needs is in memory;
    Python modules it imports lazily are imported before (:func:`_warm_up`).
    """
    try:
        import resource
    except ImportError:  # not POSIX: the guard in safety.py is the wall
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    probe = os.dup(0) if _fd_open(0) else os.open(os.devnull, os.O_RDONLY)
    lowest_free = probe
    os.close(probe)
    _OFFLINE.attempts.clear()
    _OFFLINE.active = True
    resource.setrlimit(resource.RLIMIT_NOFILE, (lowest_free, hard))
    refused = NetworkRefusedError("the query tried to open a connection or a file, which"
                                  " queries may not do; nothing was sent")
    try:
        yield
    except OSError as exc:
        if exc.errno == errno.EMFILE:  # the wall held
            raise refused from None
        raise
    except NetworkRefusedError:
        raise
    except QueryError as exc:  # an engine's report of the same (Oxigraph: os error 24)
        if "os error 24" in str(exc) or os.strerror(errno.EMFILE) in str(exc):
            raise refused from None
        raise
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        _OFFLINE.active = False
    if _OFFLINE.attempts:  # an engine caught the refusal (SERVICE SILENT): say so anyway
        raise NetworkRefusedError("the query tried to reach the network, which queries may"
                                  " not do; nothing was sent")


def _fd_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def _die_with_parent(parent: int) -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the parent died before the call
                os._exit(1)
            return
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _confine(memory_limit: int | None, stderr_fd: int | None, parent: int) -> None:
    _die_with_parent(parent)
    if stderr_fd is not None:
        os.dup2(stderr_fd, 2)
    try:
        import resource
    except ImportError:
        return
    if memory_limit is not None:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_limit if hard == resource.RLIM_INFINITY else min(memory_limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    sys.addaudithook(_audit)


def _child_main(connection: Connection, function: Callable[..., Any], args: tuple[Any, ...],
                memory_limit: int | None, stderr_fd: int | None, parent: int) -> None:
    try:
        _confine(memory_limit, stderr_fd, parent)
        value = function(*args, Progress(connection))
    except ConfigError as exc:
        connection.send(("config-error", str(exc)))
    except PypolicyError as exc:
        connection.send(("error", str(exc)))
    except MemoryError:
        connection.send(("memory", None))
    except BaseException:  # a bug: hand the traceback to the parent to show
        connection.send(("crash", traceback.format_exc()))
    else:
        connection.send(("ok", value))
    finally:
        connection.close()


# ------------------------------------------------------------------------------ parent


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _memory_message(memory_limit: int | None) -> str:
    size = f" ({memory_limit // MIB:,} MiB)" if memory_limit else ""
    return (f"the query needed more memory than its limit{size} and was stopped; raise"
            " --memory-limit, or narrow the query")


def call_with_time_limit(function: Callable[..., Any], args: tuple[Any, ...],
                         limit: float | None, *, memory_limit: int | None = None) -> Any:
    """Run ``function(*args, started)`` in a child process and return its result.

    The limit runs from the start of the child, pauses at ``started.loading()`` and
    starts again, in full, at ``started()``; the child is killed when it passes
    (QueryTimeoutError). The result must be picklable. PypolicyErrors raised in the child
    are raised again here with the same message. ``limit`` None: no time limit;
    ``memory_limit`` None: none beyond the process's own.
    """
    context = _context()
    with tempfile.TemporaryFile() as scratch:
        # The child's standard error (fork only: a spawned child has its own).
        forked = context.get_start_method() == "fork"
        return _supervise(context, function, args, limit, memory_limit,
                          scratch if forked else None)


def _supervise(context: Any, function: Callable[..., Any], args: tuple[Any, ...],
               limit: float | None, memory_limit: int | None, scratch: BinaryIO | None
               ) -> Any:
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child_main, daemon=True,
        args=(sender, function, args, memory_limit,
              scratch.fileno() if scratch else None, os.getpid()))
    process.start()
    sender.close()
    try:
        deadline = None if limit is None else time.monotonic() + limit
        while True:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not receiver.poll(wait):
                raise QueryTimeoutError(
                    f"the query did not finish within {limit:g} s and was stopped; raise"
                    " --timeout, or narrow the query")
            try:
                kind, value = receiver.recv()
            except EOFError:
                process.join(5)
                raise _died(process.exitcode, scratch, memory_limit) from None
            if kind == "loading":
                deadline = None
            elif kind == "started":
                deadline = None if limit is None else time.monotonic() + limit
            elif kind == "ok":
                return value
            elif kind == "config-error":
                raise ConfigError(value)
            elif kind == "error":
                raise QueryError(value)
            elif kind == "memory":
                raise QueryError(_memory_message(memory_limit))
            else:
                raise RuntimeError(f"the query process failed:\n{value}")
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)


def _died(exitcode: int | None, scratch: BinaryIO | None, memory_limit: int | None
          ) -> QueryError:
    """Why the child ended without answering: the memory limit, or what the signal was."""
    said = b""
    if scratch is not None:
        scratch.seek(0, os.SEEK_END)
        scratch.seek(max(0, scratch.tell() - 4096))
        said = scratch.read()
    if b"memory allocation of" in said or b"MemoryError" in said or b"out of memory" in said:
        return QueryError(_memory_message(memory_limit))
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name if -exitcode in signal.Signals._value2member_map_ \
            else str(-exitcode)
        if name in ("SIGABRT", "SIGKILL", "SIGSEGV") and memory_limit is not None:
            return QueryError(f"the query engine stopped ({name}), most likely at the memory"
                              f" limit: {_memory_message(memory_limit)}")
        return QueryError(f"the query engine stopped ({name}) without an answer")
    return QueryError(f"the query process ended unexpectedly (exit code {exitcode})"
                      + (f": {one_line(said.decode('utf-8', 'replace'))[-300:]}" if said
                         else ""))


# ------------------------------------------------------------------------------ parent's parse


class _ParseAlarm(BaseException):
    """Raised by the timer inside the parse; a BaseException, so that parsers catching
    Exception do not turn it into a syntax error."""


@contextlib.contextmanager
def parse_time_limit(limit: float | None) -> Iterator[None]:
    """Bound work done in this process (parsing a query) by ``limit`` seconds.

    A signal timer, so only on POSIX and in the main thread; elsewhere unbounded here
    (the worker's own limit still covers its parse).
    """
    usable = (limit is not None and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return
    assert limit is not None

    def ring(signum: int, frame: Any) -> None:
        raise _ParseAlarm

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    except _ParseAlarm:
        raise QueryTimeoutError(f"the query could not even be parsed within {limit:g} s and"
                                " was stopped; raise --timeout, or shorten the query") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
