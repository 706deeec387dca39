"""CSV cells a spreadsheet will not run as formulas (CSV injection).

A spreadsheet that opens a CSV file reads a cell starting with ``=``, ``+``, ``-`` or
``@`` (and, in some, a tab or carriage return first) as a formula: ``=HYPERLINK(...)``
sends data away when clicked, ``-2+3`` computes. Policy text and query answers are
untrusted, so every CSV pypolicy writes passes its cells through :func:`spreadsheet_safe`,
which puts an apostrophe in front (the spreadsheets' own "this is text" mark, as OWASP
recommends). A plain number (``-5``, ``+1.5e3``) is left alone: it is data a
spreadsheet reads as that number, not a formula.

Kept here rather than taken from defusedcsv: that package also rewrites ``|`` inside
every cell (changing values that are not formulas at all) and treats numbers as
formulas; the rule itself is one line.
"""

from __future__ import annotations

import re
from typing import Final

FORMULA_STARTS: Final = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
"""First characters that make a cell a formula (with the full-width forms some
spreadsheets also accept)."""

_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_safe(cell: str) -> str:
    """``cell``, with an apostrophe in front when a spreadsheet would run it."""
    if cell[:1] in FORMULA_STARTS and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell
