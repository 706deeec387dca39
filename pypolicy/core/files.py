"""Writing output files safely: atomically, and never over an input."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from pypolicy.core.errors import ConfigError


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder, so a crash never leaves half a file.

    The temporary file is created exclusively (``O_EXCL``) under a random name: a file or
    symbolic link already there, planted or left over, is never written through or
    removed. It gets the permissions a new file gets (0o666 less the umask).
    """
    data = text.encode("utf-8")  # before anything exists on disk: nothing to clean up
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    for _attempt in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            descriptor = os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
        break
    else:
        raise FileExistsError(f"no free temporary name next to {path}")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def refuse_overwriting_inputs(output: Path, inputs: Iterable[str | Path]) -> None:
    """Raise ConfigError when ``output`` is one of the ``inputs`` (same file on disk)."""
    if not output.exists():
        return
    for name in inputs:
        try:
            if os.path.samefile(output, name):
                raise ConfigError(f"refusing to overwrite the input file {name}")
        except OSError:
            continue
