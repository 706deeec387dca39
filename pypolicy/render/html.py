"""A rendered page as one self-contained, accessible HTML page, built with lxml.

Every element is made by lxml's element builder, never by joining strings of markup,
so every piece of policy text is escaped by lxml. The page loads nothing: its CSS is
inline, it has no scripts or images, and a Content-Security-Policy forbids fetching
anything, so that even a policy text that slipped through could not load or run.
Accessibility: ``<html lang>``, one ``h1``, sections headed by ``h2``, a table of
contents, tables with captions and ``th scope``, evidence references with labels.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import html
from lxml.builder import ElementMaker

from pypolicy.render.page import (
    INFERRED_MARK,
    NOTES_ANCHOR,
    NOTES_TITLE,
    REMARK_LABEL,
    Block,
    Bullets,
    Content,
    Link,
    Note,
    Page,
    Para,
    Table,
)
from pypolicy.render.phrases import clean

E = ElementMaker(makeelement=html.html_parser.makeelement)

PAGE_LANGUAGE = "en"  # the language of the sentences this module writes

CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                           "form-action 'none'")

STYLE = """
:root { color-scheme: light; --ink: #1b1f23; --muted: #57606a; --rule: #d0d7de;
  --accent: #0b5cad; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 52rem; padding: 1.5rem 1.25rem 3rem;
  font: 1rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; color: var(--ink); background: #fff; overflow-wrap: break-word; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.4rem; margin: 2.5rem 0 0.75rem; padding-bottom: 0.25rem;
  border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
p, li { margin: 0.5rem 0; }
ul, ol { padding-left: 1.5rem; }
a { color: var(--accent); }
a:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.intro { color: var(--muted); }
nav ol { columns: 2; column-gap: 2rem; }
nav li { margin: 0.15rem 0; }
.table-wrap { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { border: 1px solid var(--rule); padding: 0.4rem 0.6rem; text-align: left;
  vertical-align: top; }
thead th { background: var(--soft); }
tbody th { font-weight: 600; }
.summary tbody th { width: 30%; }
.refs { font-size: 0.75em; line-height: 0; white-space: nowrap; }
.refs a { text-decoration: none; margin-left: 0.1em; }
.inferred { color: #8a4600; font-style: italic; }
.remark { display: block; color: var(--muted); font-size: 0.9em; margin-top: 0.2rem; }
.notes li { margin: 0.75rem 0; }
.notes blockquote { margin: 0; padding: 0.1rem 0.75rem; border-left: 3px solid var(--rule);
  background: var(--soft); }
.notes .where { color: var(--muted); font-size: 0.9em; margin: 0.25rem 0 0; }
:target { background: #fff8c5; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
footer { margin-top: 3rem; border-top: 1px solid var(--rule); color: var(--muted);
  font-size: 0.9em; }
@media print { nav { display: none; } a { color: inherit; } }
"""

_SAFE_HREF = re.compile(r"^(?:https?://|mailto:|#)[^\s]*$", re.IGNORECASE)


def _text(value: str) -> str:
    return clean(value)


def _inline(content: Content) -> list[Any]:
    children: list[Any] = []
    for item in content:
        if isinstance(item, Link) and _SAFE_HREF.match(item.href):
            attributes = {"href": _text(item.href)}
            if not item.href.startswith("#"):
                attributes["rel"] = "noreferrer"
            children.append(E.a(attributes, _text(item.text)))
        elif isinstance(item, Link):
            children.append(_text(item.text))
        elif item.strong:
            children.append(E.strong(_text(item.text)))
        else:
            children.append(_text(item.text))
    return _merge_strings(children)


def _merge_strings(children: list[Any]) -> list[Any]:
    merged: list[Any] = []
    for child in children:
        if isinstance(child, str) and merged and isinstance(merged[-1], str):
            merged[-1] += child
        else:
            merged.append(child)
    return merged


def _refs(numbers: tuple[int, ...]) -> list[Any]:
    if not numbers:
        return []
    links = [E.a({"href": f"#note-{n}", "aria-label": f"evidence {n}"}, f"[{n}]")
             for n in numbers]
    return [" ", E.sup({"class": "refs"}, *links)]


def _para_children(para: Para) -> list[Any]:
    children = _inline(para.content) + _refs(para.notes)
    if para.inferred:
        children += [" ", E.span({"class": "inferred"}, f"({INFERRED_MARK})")]
    if para.remark:
        children.append(E.span({"class": "remark"}, f"{REMARK_LABEL}: {_text(para.remark)}"))
    return _merge_strings(children)


def _attributes(para: Para) -> dict[str, str]:
    return {"id": para.anchor} if para.anchor else {}


def _table(table: Table) -> Any:
    caption_attributes = {} if table.show_caption else {"class": "visually-hidden"}
    head = E.thead(E.tr(*(E.th({"scope": "col"}, _text(c)) for c in table.columns)))
    body = E.tbody(*(
        E.tr(E.th({"scope": "row", **_attributes(row.header)}, *_para_children(row.header)),
             *(E.td(*_inline(cell)) for cell in row.cells))
        for row in table.rows))
    element = E.table(E.caption(caption_attributes, _text(table.caption)), head, body)
    if not table.show_caption:
        element.set("class", "summary")
    return E.div({"class": "table-wrap", "role": "region", "tabindex": "0",
                  "aria-label": _text(table.caption)}, element)


def _block(block: Block) -> Any:
    if isinstance(block, Para):
        return E.p(_attributes(block), *_para_children(block))
    if isinstance(block, Bullets):
        return E.ul(*(E.li(_attributes(item), *_para_children(item)) for item in block.items))
    if isinstance(block, Table):
        return _table(block)
    return E.h3(_text(block.text))


def _note(note: Note) -> Any:
    parts: list[Any] = []
    if note.quote:
        parts.append(E.blockquote(E.p(_text(note.quote))))
    where = []
    if note.section:
        where.append(f"Section \u201c{_text(note.section)}\u201d")
    if note.start is not None and note.end is not None:
        where.append(f"characters {note.start}\u2013{note.end}")
    details: list[Any] = [", ".join(where) + ". " if where else ""]
    if note.inferred:
        details.append(E.span({"class": "inferred"}, "Inferred by the annotator"
                              + (f": {_text(note.rationale)}" if note.rationale else ".")))
        details.append(" ")
    details.append("Cited at: ")
    for i, anchor in enumerate(note.cited_by):
        if i:
            details.append(", ")
        details.append(E.a({"href": f"#{anchor}"}, _text(anchor)))
    details.append(".")
    parts.append(E.p({"class": "where"}, *_merge_strings(details)))
    return E.li({"id": note.anchor}, *parts)


def write_html(page: Page) -> str:
    sections = [page_section for page_section in page.sections]
    contents = [E.li(E.a({"href": f"#{s.anchor}"}, _text(s.title))) for s in sections]
    main: list[Any] = []
    for section in sections:
        heading_id = f"{section.anchor}-heading"
        main.append(E.section({"id": section.anchor, "aria-labelledby": heading_id},
                              E.h2({"id": heading_id}, _text(section.title)),
                              *(_block(b) for b in section.blocks)))
    if page.notes:
        contents.append(E.li(E.a({"href": f"#{NOTES_ANCHOR}"}, NOTES_TITLE)))
        main.append(E.section({"id": NOTES_ANCHOR, "aria-labelledby": "evidence-heading"},
                              E.h2({"id": "evidence-heading"}, NOTES_TITLE),
                              E.ol({"class": "notes"}, *(_note(n) for n in page.notes))))
    document = E.html(
        {"lang": PAGE_LANGUAGE},
        E.head(
            E.meta({"charset": "utf-8"}),
            E.meta({"http-equiv": "Content-Security-Policy",
                    "content": CONTENT_SECURITY_POLICY}),
            E.meta({"name": "viewport", "content": "width=device-width, initial-scale=1"}),
            E.meta({"name": "referrer", "content": "no-referrer"}),
            E.meta({"name": "generator", "content": "pypolicy"}),
            E.title(_text(page.title)),
            E.style(STYLE),
        ),
        E.body(
            E.header(E.h1({"id": "top"}, _text(page.title)),
                     *(E.p({"class": "intro"}, *_para_children(p)) for p in page.intro)),
            E.nav({"aria-labelledby": "contents-heading"},
                  E.h2({"id": "contents-heading"}, "Contents"), E.ol(*contents)),
            E.main(*main),
            E.footer(*(E.p(*_para_children(p)) for p in page.footer)),
        ),
    )
    if page.language and page.language.lower().split("-")[0] != PAGE_LANGUAGE:
        for quote in document.iter("blockquote"):
            quote.set("lang", _text(page.language))
    text: str = html.tostring(document, doctype="<!DOCTYPE html>", encoding="unicode",
                              pretty_print=True)
    return text if text.endswith("\n") else text + "\n"
