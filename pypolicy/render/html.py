"""A rendered page as one self-contained, accessible HTML page, built with lxml.

The frame (element maker, style sheet, Content-Security-Policy) is ``html_page``'s, so
that even a policy text that slipped through could not load or run anything.
Accessibility: ``<html lang>``, one ``h1``, sections headed by ``h2``, a table of
contents, tables with captions and ``th scope``, evidence references with labels.
"""

from __future__ import annotations

import re
from typing import Any

from pypolicy.render.escaping import clean
from pypolicy.render.html_page import PAGE_LANGUAGE, E, html_document, serialise
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
    # on a narrow screen a row is a card; each cell then says which column it is in,
    # unless the table has one column of answers (the summary)
    labels = [{"data-label": _text(c)} if len(table.columns) > 2 else {}
              for c in table.columns[1:]]
    body = E.tbody(*(
        E.tr(E.th({"scope": "row", **_attributes(row.header)}, *_para_children(row.header)),
             *(E.td(label, *_inline(cell)) for label, cell in zip(labels, row.cells,
                                                                    strict=False)))
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
    if note.cited_by:
        details.append("Cited at: ")
        for i, anchor in enumerate(note.cited_by):
            if i:
                details.append(", ")
            details.append(E.a({"href": f"#{anchor}"}, _text(anchor)))
        details.append(".")
    details = [d for d in _merge_strings(details) if not isinstance(d, str) or d.strip()]
    if details:
        parts.append(E.p({"class": "where"}, *details))
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
    body = E.body(
        E.header(E.h1({"id": "top"}, _text(page.title)),
                 *(E.p({"class": "intro"}, *_para_children(p)) for p in page.intro)),
        E.nav({"aria-labelledby": "contents-heading"},
              E.h2({"id": "contents-heading"}, "Contents"), E.ol(*contents)),
        E.main(*main),
        E.footer(*(E.p(*_para_children(p)) for p in page.footer)),
    )
    document = html_document(_text(page.title), body)
    if page.language and page.language.lower().split("-")[0] != PAGE_LANGUAGE:
        for quote in document.iter("blockquote"):
            quote.set("lang", _text(page.language))
    return serialise(document)
