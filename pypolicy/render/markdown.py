"""A rendered page as GitHub-flavoured Markdown, with evidence as footnotes.

Policy text is escaped so that it can only ever be text (``escaping.escape``): every
character that could start markup (emphasis, links, code, tables, HTML, entities) gets a
backslash, and a line that would begin like a list item, heading or quote has its first
character escaped. No raw HTML is ever written, so a renderer that allows HTML in
Markdown still shows ``<script>`` as the characters it is.
"""

from __future__ import annotations

from pypolicy.render.escaping import escape, escape_line_start, escape_link_text, link_target
from pypolicy.render.page import (
    INFERRED_MARK,
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


def inline(content: Content) -> str:
    parts = []
    for item in content:
        if isinstance(item, Link):
            parts.append(f"[{escape_link_text(item.text)}]({link_target(item.href)})")
        elif item.strong:
            parts.append(f"**{escape(item.text)}**")
        else:
            parts.append(escape(item.text))
    return "".join(parts)


def _para(para: Para) -> str:
    text = inline(para.content)
    text += "".join(f"[^{n}]" for n in para.notes)
    if para.inferred:
        text += f" *({escape(INFERRED_MARK)})*"
    if para.remark:
        text += f" *{escape(REMARK_LABEL)}: {escape(para.remark)}*"
    return escape_line_start(text)


def _table(table: Table) -> list[str]:
    lines = []
    if table.show_caption:
        lines += [f"**{escape(table.caption)}**", ""]
    lines.append("| " + " | ".join(escape(c) for c in table.columns) + " |")
    lines.append("|" + "---|" * len(table.columns))
    for row in table.rows:
        cells = [_para(row.header), *(inline(c) for c in row.cells)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _block(block: Block) -> list[str]:
    if isinstance(block, Para):
        return [_para(block)]
    if isinstance(block, Bullets):
        return ["- " + _para(item) for item in block.items]
    if isinstance(block, Table):
        return _table(block)
    return [f"### {escape_line_start(escape(block.text))}"]


def _note(note: Note) -> str:
    parts = []
    if note.quote:
        parts.append(f"\u201c{escape(note.quote)}\u201d")
    where = []
    if note.section:
        where.append(f"section \u201c{escape(note.section)}\u201d")
    if note.start is not None and note.end is not None:
        where.append(f"characters {note.start}\u2013{note.end}")
    if where:
        parts.append("(" + ", ".join(where) + ")")
    if note.inferred:
        parts.append("Inferred by the annotator" + (f": {escape(note.rationale)}"
                                                    if note.rationale else "."))
    return f"[^{note.number}]: " + " ".join(parts)


def write_markdown(page: Page) -> str:
    lines: list[str] = [f"# {escape_line_start(escape(page.title))}", ""]
    for para in page.intro:
        lines += [_para(para), ""]
    for section in page.sections:
        lines += [f"## {escape(section.title)}", ""]
        for block in section.blocks:
            lines += [*_block(block), ""]
    if page.notes:
        lines += [f"## {escape(NOTES_TITLE)}", "",
                  "The quotes each statement rests on are the footnotes of this page.", ""]
        lines += [_note(note) for note in page.notes]
        lines.append("")
    lines.append("---")
    lines.append("")
    for para in page.footer:
        lines += [_para(para), ""]
    return "\n".join(lines).rstrip("\n") + "\n"
