"""The text of an HTML page as a reader sees it, to annotate with exact offsets.

The page is parsed by lxml's HTML parser, hardened: no network access, comments and
processing instructions dropped, the default limits on depth and text size kept
(``huge_tree`` off). libxml2's HTML parser has no external entities to resolve (it
decodes only the character references HTML defines, such as ``&amp;``), so nothing
outside the page is ever read. Scripts, styles, navigation, forms and hidden elements
are left out; headings, paragraphs, list items and table rows become lines, with a
blank line between blocks, so that sentences and headings can be found in the text.
Invisible formatting characters (soft hyphens, zero-width spaces) are removed: a quote
copied from the page in a browser does not have them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pypolicy.core.errors import InputError

_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main", "menu", "ol", "p",
    "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul"})
_LINES = frozenset({"li", "tr", "dt", "dd", "br"})  # a line break, not a blank line
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SKIPPED = frozenset({
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
    "canvas", "nav", "head", "button", "select", "option", "textarea", "input", "audio",
    "video", "map"})
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_HIDDEN_STYLE = re.compile(r"(?i)display\s*:\s*none|visibility\s*:\s*hidden")
_SPACES = re.compile(r"\s+")
_LANGUAGE = re.compile(r"[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*")


@dataclass(frozen=True)
class Page:
    """The text of a page, with what the markup says about it."""

    text: str
    title: str | None
    language: str | None
    headings: tuple[str, ...]


def looks_like_html(name: str, raw: bytes) -> bool:
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    start = raw.lstrip()[:200].lower()
    return start.startswith((b"<!doctype html", b"<html")) or \
        start.lstrip(b"\xef\xbb\xbf").startswith((b"<!doctype html", b"<html"))


class _Text:
    """Text assembled from a page: inline text collapsed, block breaks kept."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.pending = ""  # the break owed before the next text: "", "\n" or "\n\n"

    def text(self) -> str:
        return "".join(self.parts)

    def brk(self, kind: str) -> None:
        if len(kind) > len(self.pending):
            self.pending = kind

    def add(self, text: str | None, *, preformatted: bool = False) -> None:
        if not text:
            return
        text = text.translate(_INVISIBLE)
        if not preformatted:
            text = _SPACES.sub(" ", text)
        if not self.parts or self.pending:
            text = text.lstrip(" ")
        elif self.parts[-1].endswith(" ") and text.startswith(" "):
            text = text[1:]
        if not text:
            return
        if self.pending and self.parts:
            self._append_raw(self.pending)
        self.pending = ""
        self._append_raw(text)

    def _append_raw(self, text: str) -> None:
        if text.startswith("\n") and self.parts:
            trimmed = self.parts[-1].rstrip(" ")
            self.length -= len(self.parts[-1]) - len(trimmed)
            self.parts[-1] = trimmed
        self.parts.append(text)
        self.length += len(text)


def _hidden(element: object) -> bool:
    get = getattr(element, "get", None)
    if get is None:
        return False
    return get("hidden") is not None or get("aria-hidden") == "true" or \
        bool(_HIDDEN_STYLE.search(get("style") or ""))


def extract(raw: bytes, name: str) -> Page:
    """The text of the HTML page ``raw`` (read from ``name``), its title, language and
    headings. InputError when lxml cannot make a document of it."""
    from lxml import etree, html

    try:
        raw.decode("utf-8")
        encoding: str | None = "utf-8"
    except UnicodeDecodeError:
        encoding = None  # let the page's own <meta charset> decide
    parser = html.HTMLParser(encoding=encoding, no_network=True, remove_comments=True,
                             remove_pis=True, huge_tree=False)
    try:
        root = html.document_fromstring(raw, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise InputError(f"cannot read as HTML: {exc}", path=name) from None
    out = _Text()
    headings: list[str] = []
    heading_start: int | None = None
    skipping = 0
    pre = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.rsplit("}", 1)[-1].lower()
        if event == "start":
            if skipping or tag in _SKIPPED or _hidden(element):
                skipping += 1
                continue
            if tag in _BLOCKS:
                out.brk("\n" if tag in _LINES else "\n\n")
            if tag == "br":
                out.brk("\n")
            elif tag in ("td", "th") and element.getprevious() is not None:
                out.add(" | ")
            elif tag == "li":
                out.add("- ")
            elif tag in _HEADINGS:
                heading_start = out.length
            if tag == "pre":
                pre += 1
            out.add(element.text, preformatted=pre > 0)
            continue
        if skipping:
            skipping -= 1
            if skipping:
                continue
        else:
            if tag in _HEADINGS and heading_start is not None:
                heading = _SPACES.sub(" ", out.text()[heading_start:]).strip(" -")
                if heading:
                    headings.append(heading)
                heading_start = None
            if tag == "pre":
                pre -= 1
            if tag in _BLOCKS:
                out.brk("\n" if tag in _LINES else "\n\n")
        if element is not root:
            out.add(element.tail, preformatted=pre > 0)
    title = root.findtext(".//title")
    title = _SPACES.sub(" ", title).strip() if title else None
    language = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if language is None or not _LANGUAGE.fullmatch(language.strip()):
        language = None
    text = out.text().strip("\n ")
    return Page(text + "\n" if text else "", title or None,
                language.strip() if language else None, tuple(headings))
