"""Text made safe to show: what a terminal, a log viewer or an XML parser must not be
handed raw from a document.

Every layer that prints text taken from a policy (reporters, renderers, error messages)
escapes it here, so that a hostile document cannot move the cursor, change colours,
reorder what is shown (bidirectional controls) or break an XML report.
"""

from __future__ import annotations

import functools

__all__ = ["BIDI_CONTROLS", "one_line", "sanitize_terminal"]

# The bidirectional formatting characters (ALM, LRM, RLM, the embeddings, overrides and
# isolates): shown raw they reorder the text around them (CVE-2021-42574, "Trojan Source").
BIDI_CONTROLS = frozenset(
    [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def _escape_char(code: int) -> str:
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


@functools.cache
def _unsafe_table(keep: str) -> dict[int, str]:
    """A str.translate table escaping what a terminal or an XML parser must not see."""
    codes: list[int] = [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0xD800, 0xE000),
                        0x2028, 0x2029, 0xFFFE, 0xFFFF, *BIDI_CONTROLS]
    kept = {ord(c) for c in keep}
    return {code: _escape_char(code) for code in codes if code not in kept}


def sanitize_terminal(text: str, *, keep: str = "\n\t") -> str:
    """Show control characters (and the like) in ``text`` as visible escapes.

    C0 controls except those in ``keep``, DEL, C1 controls (so every ANSI escape
    sequence, which starts with ESC or CSI), lone surrogates, U+2028/U+2029, U+FFFE/
    U+FFFF and bidirectional controls become ``\\xNN`` / ``\\uNNNN``.
    """
    return text.translate(_unsafe_table(keep))


def one_line(text: str) -> str:
    """For a field that must stay on one line (paths, codes, pointers)."""
    return sanitize_terminal(text, keep="\t")

