"""Making policy text safe for each output: one clean line for any format, inert inline
Markdown (no markup, no autolinks), and spreadsheet cells that cannot run as formulas.

Shared by the writers, the diff and the comparison, so that each kind of escaping is
written once.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from urllib.parse import quote

from pypolicy.core.csvsafe import spreadsheet_safe
from pypolicy.core.text import BIDI_CONTROLS

# --- one clean line -------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


@cache
def _clean_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in (*range(0x00, 0x20), *range(0x7F, 0xA0)):
        table[code] = " " if chr(code) in "\t\n\r\x0b\x0c" else "\ufffd"
    for code in (*range(0xD800, 0xE000), 0xFFFE, 0xFFFF, *BIDI_CONTROLS):
        table[code] = "\ufffd"
    table[0x2028] = table[0x2029] = " "
    return table


def clean(text: str) -> str:
    """Policy text as one safe line: no control, bidi or non-characters, spaces collapsed.

    Control characters could corrupt a terminal or make XML unparseable; bidi
    overrides could make text read differently from what it says. They become
    U+FFFD, visibly; runs of white space (line breaks included) become one space, since
    a name or a quote is one phrase.
    """
    text = unicodedata.normalize("NFC", text.translate(_clean_table()))
    return _SPACES.sub(" ", text)


# --- Markdown -------------------------------------------------------------------------------

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that can
# start markup in the middle of a line (GFM adds ~ for strikethrough and | for tables).
_MARKUP = re.compile(r"([\\`*_\[\]<>&|~#!])")
# At the start of a line: list items, ordered list items, headings, setext lines, quotes.
_LINE_START = re.compile(r"^(?:[-+=]|\d{1,9}(?=[.)]))")


# GitHub-flavoured Markdown makes links of bare web and e-mail addresses in text (its
# "extended autolinks": www., http://, https://, ftp://, mailto:, xmpp: and anything
# shaped like an address). A backslash stops the web ones but not e-mail addresses, and
# inside an autolink the backslashes show. This pattern is wider than GitHub's, so that
# whatever GitHub would link is caught.
_ADDRESS = re.compile(
    r"(?:https?|ftp)://[^\s<>`|]*"
    r"|www\.[^\s<>`|]*"
    r"|(?:(?:mailto|xmpp):)?[A-Za-z0-9.+_-]+@[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+",
    re.IGNORECASE)
# Punctuation that ends a sentence rather than an address, as GitHub trims it.
_TRAILING = ".,:;!?*_~'\""


def _address_end(address: str) -> str:
    """The address without the punctuation after it (a closing parenthesis only when it
    has no opening one in the address)."""
    while address and (address[-1] in _TRAILING or (
            address[-1] == ")" and address.count(")") > address.count("("))):
        address = address[:-1]
    return address


def escape_link_text(text: str) -> str:
    """Text inside ``[...]`` of a link: GitHub makes no link inside a link, so only the
    markup is escaped."""
    return _MARKUP.sub(r"\\\1", clean(text))


def escape(text: str) -> str:
    """Policy text as inert Markdown inline text, on one line.

    Web and e-mail addresses become code spans: shown as the characters they are,
    never turned into links by GitHub's autolinks (the pattern leaves out backticks and
    ``|``, so one backtick fences them and a table cell cannot end inside one).
    """
    text = clean(text)
    parts: list[str] = []
    done = 0
    for match in _ADDRESS.finditer(text):
        address = _address_end(match.group(0))
        if not address:
            continue
        parts += [escape_link_text(text[done:match.start()]), f"`{address}`"]
        done = match.start() + len(address)
    parts.append(escape_link_text(text[done:]))
    return "".join(parts)


def escape_line_start(line: str) -> str:
    """Escape what would make a line a block (list, heading, setext underline)."""
    match = _LINE_START.match(line)
    if not match:
        return line
    if match.group(0)[0].isdigit():
        end = match.end()
        return line[:end] + "\\" + line[end:]
    return "\\" + line


def link_target(href: str) -> str:
    """A URL that cannot end the link early or open HTML: unsafe characters %-encoded."""
    return quote(clean(href), safe=":/?#@!$&'*+,;=%-._~")


# --- spreadsheets ---------------------------------------------------------------------------

def spreadsheet_cell(text: str) -> str:
    """Policy text as one clean CSV cell that a spreadsheet will not run as a formula
    (the rule is ``core.csvsafe``'s, shared with the query results)."""
    return spreadsheet_safe(clean(text))
