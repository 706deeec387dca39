"""Lines and columns as editors, GitHub and SARIF viewers count them.

A line ends at LF, CR LF or a lone CR (Python's universal newlines), and at nothing
else: not at U+2028 or U+2029, which PyYAML counts as line breaks but no editor shows as
one, and JSON treats as ordinary characters; and a file with lone CRs (old Mac line
ends) has as many lines as it shows, where ``json`` counts one. Columns count
characters (code points) from 1. Every line number the loader reports comes from here,
so a parse error, a finding and a pointer's line agree.
"""

from __future__ import annotations

import re
from bisect import bisect_right

_BREAK = re.compile(r"\r\n?|\n")


class LineIndex:
    """The start of every line of a text, for many look-ups (one pass over the text)."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(match.end() for match in _BREAK.finditer(text))]

    def line(self, offset: int) -> int:
        """The 1-based line of the character at ``offset``."""
        return bisect_right(self.starts, offset)

    def line_col(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of the character at ``offset``."""
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def line_col(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of the character at ``offset`` (one look-up)."""
    line, start = 1, 0
    for match in _BREAK.finditer(text, 0, offset + 1):  # + 1: see a CR LF whole
        if match.end() > offset:
            break
        line, start = line + 1, match.end()
    return line, offset - start + 1
