"""Where a command's output goes: standard output, or a file written whole."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from pypolicy.core.errors import ConfigError


def write_output(text: str, output: str | None, inputs: Sequence[str], stdout: TextIO) -> None:
    """Print, or write atomically to a file that is not one of the inputs."""
    if output is None or output == "-":
        stdout.write(text)
        return
    target = Path(output)
    from pypolicy.core.files import refuse_overwriting_inputs, write_atomic

    refuse_overwriting_inputs(target, inputs)
    try:
        write_atomic(target, text)
    except OSError as exc:
        raise ConfigError(f"cannot write {output}: {exc.strerror or exc}") from None
