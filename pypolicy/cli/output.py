"""Where a command's output goes: standard output, or a file written whole."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO


def write_output(text: str, output: str | None, inputs: Sequence[str], stdout: TextIO) -> None:
    """Print, or write atomically to a file that is not one of the inputs."""
    if output is None or output == "-":
        stdout.write(text)
        return
    from pypolicy.core.files import write_output_file

    write_output_file(output, text, inputs)
