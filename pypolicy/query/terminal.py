"""Untrusted text made safe to print: control characters shown as visible escapes.

Policy text, endpoint answers, file names and query text can hold ESC/CSI sequences
(which recolour, move the cursor or set the window title), OSC hyperlinks, bidirectional
controls (which reorder what is shown) and line breaks (which forge lines such as a
GitHub ``::error`` annotation). Everything the query commands print passes through
here first.

The same table as the validator's reporters use; it lives here until the shared copy
moves to ``pypolicy.core.text``, when this module becomes an import of it.
"""

from __future__ import annotations

import functools
from typing import Final

BIDI_CONTROLS: Final = frozenset(
    [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
UNSAFE_CODES: Final = frozenset(
    [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0xD800, 0xE000), 0x2028, 0x2029,
     0xFFFE, 0xFFFF, *BIDI_CONTROLS])
"""C0 and C1 controls, DEL, lone surrogates, line/paragraph separators, noncharacters
U+FFFE/U+FFFF and the bidirectional controls."""


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


@functools.cache
def _table(keep: str) -> dict[int, str]:
    kept = {ord(c) for c in keep}
    return {code: _escape(code) for code in UNSAFE_CODES if code not in kept}


def sanitize_terminal(text: str, *, keep: str = "\n\t") -> str:
    """``text`` with every unsafe character but those in ``keep`` as ``\\xNN``/``\\uNNNN``."""
    return text.translate(_table(keep))


def one_line(text: str) -> str:
    """For a value that must stay on one line (a file name, a URL, an answer's detail)."""
    return text.translate(_table(""))


@functools.cache
def unicode_escapes(keep: str) -> dict[int, str]:
    """A translate table writing unsafe characters as ``\\uXXXX`` (``\\UXXXXXXXX``
    never needed: all are in the BMP): the escape SPARQL, Turtle and JSON strings read
    back as the same character."""
    kept = {ord(c) for c in keep}
    return {code: f"\\u{code:04X}" for code in UNSAFE_CODES if code not in kept}
