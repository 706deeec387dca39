"""Untrusted text made safe to print, for the query commands.

Policy text, endpoint answers, file names and query text can hold ESC/CSI sequences
(which recolour, move the cursor or set the window title), OSC hyperlinks, bidirectional
controls (which reorder what is shown) and line breaks (which forge lines such as a
GitHub ``::error`` annotation). Messages and the table show them as visible escapes,
with the project's one table (:mod:`pypolicy.core.text`); the result formats write them
as ``\\uHHHH`` escapes (:func:`unicode_escapes`), which their parsers read back as the
same character.
"""

from __future__ import annotations

import functools
from typing import Final

from pypolicy.core.text import BIDI_CONTROLS, one_line, sanitize_terminal

__all__ = ["BIDI_CONTROLS", "UNSAFE_CODES", "one_line", "sanitize_terminal", "unicode_escapes"]

UNSAFE_CODES: Final = frozenset(
    [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0xD800, 0xE000), 0x2028, 0x2029,
     0xFFFE, 0xFFFF, *BIDI_CONTROLS])
"""What :func:`pypolicy.core.text.sanitize_terminal` escapes: C0 and C1 controls, DEL,
lone surrogates, line/paragraph separators, U+FFFE/U+FFFF, bidirectional controls."""


@functools.cache
def unicode_escapes(keep: str) -> dict[int, str]:
    """A translate table writing unsafe characters as ``\\uHHHH`` (all are in the BMP):
    the escape SPARQL, Turtle and JSON strings read back as the same character."""
    kept = {ord(c) for c in keep}
    return {code: f"\\u{code:04X}" for code in UNSAFE_CODES if code not in kept}
