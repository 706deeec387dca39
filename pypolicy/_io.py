"""Writing output files safely: atomically, and never over an input."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from pypolicy._errors import ConfigError


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder, so a crash never leaves half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


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
