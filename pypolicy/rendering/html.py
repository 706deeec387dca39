"""A rendered page as one self-contained, accessible HTML page, built with lxml.

The frame (element maker, style sheet, Content-Security-Policy) is ``html_page``'s, so
that even a policy text that slipped through could not load or run anything.
Accessibility: ``<html lang>`` the language of the page's prose and ``lang`` on the
policy's quoted words where theirs differs, one ``h1``, sections headed by ``h2``, a table
of contents, tables with captions and ``th scope``, the privacy label as a description
list, severities in words, evidence references with labels.
"""

from __future__ import annotations

import re
from typing import Any

from pypolicy.rendering.escaping import clean
from pypolicy.rendering.html_page import E, html_document, serialise
from pypolicy.rendering.page import (
    NOTES_ANCHOR,
    Block,
    Bullets,
    Content,
    Label,
    Link,
    Note,
    Page,
    Para,
    Point,
    Points,
    Table,
    Words,
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


def _refs(numbers: tuple[int, ...], words: Words) -> list[Any]:
    if not numbers:
        return []
    links = [E.a({"href": f"#note-{n}",
                  "aria-label": words.evidence_reference.format(number=n)}, f"[{n}]")
             for n in numbers]
    return [" ", E.sup({"class": "refs"}, *links)]


def _para_children(para: Para, words: Words) -> list[Any]:
    children = _inline(para.content) + _refs(para.notes, words)
    if para.inferred:
        children += [" ", E.span({"class": "inferred"}, f"({words.inferred_mark})")]
    if para.remark:
        children.append(E.span({"class": "remark"},
                               f"{words.remark_label}: {_text(para.remark)}"))
    return _merge_strings(children)


def _attributes(para: Para) -> dict[str, str]:
    return {"id": para.anchor} if para.anchor else {}


def _table(table: Table, words: Words) -> Any:
    caption_attributes = {} if table.show_caption else {"class": "visually-hidden"}
    head = E.thead(E.tr(*(E.th({"scope": "col"}, _text(c)) for c in table.columns)))
    # on a narrow screen a row is a card; each cell then says which column it is in,
    # unless the table has one column of answers (the summary)
    labels = [{"data-label": _text(c)} if len(table.columns) > 2 else {}
              for c in table.columns[1:]]
    body = E.tbody(*(
        E.tr(E.th({"scope": "row", **_attributes(row.header)},
                  *_para_children(row.header, words)),
             *(E.td(label, *_inline(cell)) for label, cell in zip(labels, row.cells,
                                                                    strict=False)))
        for row in table.rows))
    element = E.table(E.caption(caption_attributes, _text(table.caption)), head, body)
    if not table.show_caption:
        element.set("class", "summary")
    return E.div({"class": "table-wrap", "role": "region", "tabindex": "0",
                  "aria-label": _text(table.caption)}, element)


def _label(label: Label) -> Any:
    """The privacy label: one card per question, its answers as a short list."""
    facts = []
    for fact in label.facts:
        if fact.unstated:
            answer = E.dd({"class": "unstated"}, *(_text(a) for a in fact.answers))
        else:
            answer = E.dd(E.ul({"class": "answers"}, *(E.li(_text(a)) for a in fact.answers)))
        facts.append(E.div({"class": f"fact fact-{fact.key}"}, E.dt(_text(fact.heading)),
                           answer))
    return E.dl({"class": "label", "aria-label": _text(label.caption)}, *facts)


def _point(point: Point, words: Words, quote_language: dict[str, str]) -> Any:
    head: list[Any] = [E.strong({"class": "severity"}, _text(point.severity_word) + ":"), " ",
                       _text(point.headline)]
    if point.rule:
        head += [" ", E.code({"class": "rule"}, _text(point.rule) + ":")]
    parts: list[Any] = [E.p({"class": "point-head"}, *head)]
    if point.detail:
        parts.append(E.p(_text(point.detail)))
    for said in point.said:
        parts.append(E.p({"class": "said"}, _text(said.lead)))
        parts += [E.blockquote(quote_language, E.p(_text(q))) for q in said.quotes]
    if point.see:
        links: list[Any] = [f"{words.see}: "]
        for i, link in enumerate(point.see):
            links += ([", "] if i else []) + [E.a({"href": _text(link.href)}, _text(link.text))]
        parts.append(E.p({"class": "see"}, *_merge_strings(links)))
    return E.li({"class": f"point point-{point.severity}"}, *parts)


def _block(block: Block, words: Words, quote_language: dict[str, str]) -> Any:
    if isinstance(block, Para):
        return E.p(_attributes(block), *_para_children(block, words))
    if isinstance(block, Bullets):
        return E.ul(*(E.li(_attributes(item), *_para_children(item, words))
                      for item in block.items))
    if isinstance(block, Table):
        return _table(block, words)
    if isinstance(block, Label):
        return _label(block)
    if isinstance(block, Points):
        return E.ul({"class": "points"},
                    *(_point(p, words, quote_language) for p in block.items))
    return E.h3(_text(block.text))


def _note(note: Note, words: Words, quote_language: dict[str, str]) -> Any:
    parts: list[Any] = []
    if note.quote:
        parts.append(E.blockquote(quote_language, E.p(_text(note.quote))))
    where = []
    if note.section:
        where.append(words.note_section.format(section=_text(note.section)))
    if note.start is not None and note.end is not None:
        where.append(words.note_characters.format(start=note.start, end=note.end))
    details: list[Any] = [", ".join(where) + ". " if where else ""]
    if note.inferred:
        details.append(E.span({"class": "inferred"}, words.note_inferred
                              + (f": {_text(note.rationale)}" if note.rationale else ".")))
        details.append(" ")
    if note.cited_by:
        details.append(f"{words.note_cited_at}: ")
        for i, anchor in enumerate(note.cited_by):
            if i:
                details.append(", ")
            details.append(E.a({"href": f"#{anchor}"}, _text(anchor)))
        details.append(".")
    details = [d for d in _merge_strings(details) if not isinstance(d, str) or d.strip()]
    if details:
        parts.append(E.p({"class": "where"}, *details))
    return E.li({"id": note.anchor}, *parts)


def _primary(tag: str) -> str:
    return tag.lower().replace("_", "-").split("-")[0]


def write_html(page: Page) -> str:
    words = page.words
    # The policy's quoted words keep the document's language; the page's own words are
    # in the prose language (English where the project has no catalogue for it).
    quote_language = {"lang": _text(page.language)} \
        if page.language and _primary(page.language) != _primary(page.prose_language) \
        else {}
    sections = list(page.sections)
    contents = [E.li(E.a({"href": f"#{s.anchor}"}, _text(s.title))) for s in sections]
    main: list[Any] = []
    for section in sections:
        heading_id = f"{section.anchor}-heading"
        main.append(E.section({"id": section.anchor, "aria-labelledby": heading_id},
                              E.h2({"id": heading_id}, _text(section.title)),
                              *(_block(b, words, quote_language) for b in section.blocks)))
    if page.notes:
        contents.append(E.li(E.a({"href": f"#{NOTES_ANCHOR}"}, _text(words.notes_title))))
        main.append(E.section({"id": NOTES_ANCHOR, "aria-labelledby": "evidence-heading"},
                              E.h2({"id": "evidence-heading"}, _text(words.notes_title)),
                              E.ol({"class": "notes"},
                                   *(_note(n, words, quote_language) for n in page.notes))))
    body = E.body(
        E.header(E.h1({"id": "top"}, _text(page.title)),
                 *(E.p({"class": "intro"}, *_para_children(p, words)) for p in page.intro)),
        # folded, so that the privacy label is the first thing under the title, on a
        # phone too; <details> needs no script
        E.nav({"aria-labelledby": "contents-heading"},
              E.details(E.summary(E.h2({"id": "contents-heading"}, _text(words.contents))),
                        E.ol(*contents))),
        E.main(*main),
        E.footer(*(E.p(*_para_children(p, words)) for p in page.footer)),
    )
    document = html_document(_text(page.title), body, language=_text(page.prose_language))
    return serialise(document)
