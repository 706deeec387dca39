"""Reading inputs with a size limit, and writing output files safely: whole or not at
all, never over an input, never over something that is not a regular file.

``read_bounded`` reads at most a limit (plus one byte, so the caller can tell "too
large"), from a regular file, a pipe or a device alike, and never waits for a writer
that is not there: a named pipe nobody writes to reads as empty instead of hanging.

``write_output_file`` is what a command's ``-o`` does:

- a regular file (or a symbolic link to one) is replaced atomically: the text goes to a
  temporary file beside it, which then takes its name, so a crash, a full disk or a
  signal never leaves half a file, and the replaced file's permissions are kept;
- a character device (``/dev/null``, a terminal) or a named pipe is written to, never
  replaced; a pipe nobody reads is an error rather than a hang; ``/dev/stdout`` and
  other names of an open descriptor are written to as well (appending, so a ``>>`` in
  the shell keeps what it had);
- a directory, a socket, a block device or a dangling symbolic link is refused;
- every input of the run is protected, the same file under another name (a hard or
  symbolic link) and every existing file inside an input directory included.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import secrets
import select
import signal
import stat
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType

from pypolicy.core.errors import ConfigError, InputTooLargeError

# Linux's limit on one path component, in bytes; the temporary name must fit too.
NAME_MAX = 255
_TEMPORARY_EXTRA = len("..") + 12 + len(".tmp")  # ".{name}.{12 hex digits}.tmp"
# /proc/<pid>/fd/<n> and friends: names of a descriptor this process holds open.
_DESCRIPTOR = re.compile(r"^/proc/(self|thread-self|[0-9]+)/fd/[0-9]+$")
# The signals that end a run politely; a temporary file is removed when one arrives.
_CAUGHT = (signal.SIGTERM, signal.SIGHUP)


def read_bounded(path: str | Path, limit: int) -> bytes:
    """The bytes of a file, a pipe or a device, at most ``limit`` of them.

    InputTooLargeError when there are more: a regular file says its size and is refused
    unread; anything else (a pipe, ``/dev/zero``) is read only up to the limit. OSError
    for what cannot be read, a directory included.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "it is a directory")
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise InputTooLargeError(f"larger than the limit of {limit} bytes"
                                     f" ({info.st_size} bytes)", path=str(path))
        chunks: list[bytes] = []
        size = 0
        waiting = select.poll()
        waiting.register(descriptor, select.POLLIN)
        while size <= limit:
            try:
                chunk = os.read(descriptor, min(1 << 20, limit + 1 - size))
            except BlockingIOError:  # a pipe whose writer has not written yet
                waiting.poll()
                continue
            if not chunk:  # the end, or a named pipe with no writer at all
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise InputTooLargeError(f"larger than the limit of {limit} bytes",
                                     path=str(path))
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def check_output_file(output: str, inputs: Iterable[str | Path]) -> None:
    """ConfigError now, before any work, for an ``-o`` that :func:`write_output_file`
    would refuse at the end: an empty name, or one of the inputs."""
    if output == "":
        raise ConfigError("the output file name is empty; name a file, or - for standard"
                          " output")
    refuse_overwriting_inputs(Path(output), inputs)


def write_output_file(output: str, text: str, inputs: Iterable[str | Path]) -> None:
    """Write ``text`` to the file named by ``-o``; ConfigError says why it cannot be."""
    check_output_file(output, inputs)
    target = Path(output)
    try:
        write_atomic(target, text)
    except OSError as exc:
        raise ConfigError(f"cannot write {output}: {exc.strerror or exc}") from None


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole (see the module's docstring for what ``path`` may
    be). Raises OSError when it cannot be written; nothing is left behind then.

    The temporary file is created exclusively (``O_EXCL``, ``O_NOFOLLOW``) under a random
    name: a file or symbolic link already there, planted or left over, is never written
    through or removed.
    """
    data = text.encode("utf-8")  # before anything exists on disk: nothing to clean up
    if _names_a_descriptor(str(path)):
        _write_in_place(path, data, os.O_APPEND)
        return
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise OSError(errno.ENOENT, "a symbolic link to a file that does not exist") \
                from None
        _replace(path, data, mode=None)
        return
    if stat.S_ISREG(info.st_mode):
        _replace(Path(os.path.realpath(path)), data, mode=stat.S_IMODE(info.st_mode))
    elif stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        _write_in_place(path, data, os.O_NONBLOCK if stat.S_ISFIFO(info.st_mode) else 0)
    elif stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "it is a directory")
    else:
        raise OSError(errno.EINVAL, "not a regular file, a character device or a pipe")


def _names_a_descriptor(name: str) -> bool:
    """Whether ``name`` leads, through symbolic links, to ``/proc/<pid>/fd/<n>`` (as
    ``/dev/stdout`` and ``/dev/fd/1`` do): replacing what that resolves to would swap a
    file out from under a descriptor someone holds open."""
    current = os.path.abspath(name)
    for _hop in range(40):
        current = os.path.join(os.path.realpath(os.path.dirname(current)),
                               os.path.basename(current))
        if _DESCRIPTOR.match(current):
            return True
        if not os.path.islink(current):
            return False
        current = os.path.normpath(os.path.join(os.path.dirname(current),
                                                os.readlink(current)))
    return False


def _write_in_place(path: Path, data: bytes, flags: int) -> None:
    """Write to a device, a pipe or an open descriptor's name; never create or replace.
    A pipe is opened without blocking, so a pipe nobody reads is ENXIO, not a hang."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_NOCTTY | flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OSError(errno.ENXIO, "nothing is reading from it") from None
        raise
    try:
        if flags & os.O_NONBLOCK:
            fcntl.fcntl(descriptor, fcntl.F_SETFL,
                        fcntl.fcntl(descriptor, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view):]
    finally:
        os.close(descriptor)


def _temporary_name(path: Path) -> Path:
    """``.{name}.{random}.tmp`` beside ``path``, with the name shortened (by bytes, as
    the file system counts) so that a valid output name of up to 255 bytes still has a
    temporary name that fits."""
    name = os.fsencode(path.name)[: NAME_MAX - _TEMPORARY_EXTRA]
    return path.with_name(f".{os.fsdecode(name)}.{secrets.token_hex(6)}.tmp")


def _replace(path: Path, data: bytes, mode: int | None) -> None:
    """Write via a temporary file in the same folder and rename it over ``path``; the
    new file gets ``mode`` (that of the file it replaces) or a new file's permissions."""
    if path.name in ("", ".", ".."):
        raise IsADirectoryError(errno.EISDIR, "it is a directory")
    with _cleanup_on_termination():
        # SIGTERM and SIGHUP wait while the temporary file is made and named, so that
        # one arriving in between cannot leave a file nobody knows the name of
        unblocked = signal.pthread_sigmask(signal.SIG_BLOCK, _CAUGHT)
        try:
            tmp, descriptor = _create_temporary(path)
        except BaseException:
            signal.pthread_sigmask(signal.SIG_SETMASK, unblocked)
            raise
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, unblocked)  # a pending one lands here
            with os.fdopen(descriptor, "wb") as handle:
                if mode is not None:
                    os.fchmod(handle.fileno(), mode)
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def _create_temporary(path: Path) -> tuple[Path, int]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    for _attempt in range(100):
        tmp = _temporary_name(path)
        try:
            return tmp, os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, f"no free temporary name next to {path}")


class _Terminated(BaseException):
    """SIGTERM or SIGHUP arrived while a temporary file existed."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _cleanup_on_termination() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into an exception while the body runs, so the temporary
    file is removed on the way out; then die of the same signal as if it had not been
    caught. (SIGINT is already KeyboardInterrupt; SIGKILL cannot be caught by anyone.)"""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set signal handlers
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise _Terminated(signum)

    previous = {signum: signal.signal(signum, handler) for signum in _CAUGHT}
    try:
        yield
    except _Terminated as terminated:
        for signum, action in previous.items():
            signal.signal(signum, action)
        previous.clear()
        os.kill(os.getpid(), terminated.signum)  # the previous disposition decides
        raise SystemExit(128 + terminated.signum) from None
    finally:
        for signum, action in previous.items():
            signal.signal(signum, action)


def refuse_overwriting_inputs(output: Path, inputs: Iterable[str | Path]) -> None:
    """Raise ConfigError when ``output`` is one of the ``inputs``: the same file on disk
    (under any name), or an existing file anywhere inside an input directory."""
    try:
        target = os.stat(output)
    except OSError:
        return  # nothing there yet, so nothing to lose
    resolved = os.path.realpath(output)
    for name in inputs:
        if str(name) == "-":
            continue
        try:
            given = os.stat(name)
        except OSError:
            continue
        if os.path.samestat(given, target):
            raise ConfigError(f"refusing to overwrite the input file {name}")
        if stat.S_ISDIR(given.st_mode) and _inside(resolved, target, str(name)):
            raise ConfigError(f"refusing to overwrite {output}: it is inside the input"
                              f" directory {name}")


def _inside(resolved: str, target: os.stat_result, folder: str) -> bool:
    """Whether a file is below ``folder``, by its path or as a hard link of a file there."""
    top = os.path.realpath(folder)
    if os.path.commonpath([top, resolved]) == top:
        return True
    if target.st_nlink < 2:
        return False
    for current, _subfolders, files in os.walk(top):
        for file_name in files:
            with contextlib.suppress(OSError):
                if os.path.samestat(os.stat(os.path.join(current, file_name)), target):
                    return True
    return False
