"""A rendered page as GitHub-flavoured Markdown, with evidence as footnotes.

Policy text is escaped so that it can only ever be text (``escaping.escape``): every
character that could start markup (emphasis, links, code, tables, HTML, entities) gets a
backslash, and a line that would begin like a list item, heading or quote has its first
character escaped. No raw HTML is ever written, so a renderer that allows HTML in
Markdown still shows ``<script>`` as the characters it is.
"""

from __future__ import annotations

from pypolicy.rendering.escaping import escape, escape_line_start, escape_link_text, link_target
from pypolicy.rendering.page import (
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


def _para(para: Para, words: Words) -> str:
    text = inline(para.content)
    text += "".join(f"[^{n}]" for n in para.notes)
    if para.inferred:
        text += f" *({escape(words.inferred_mark)})*"
    if para.remark:
        text += f" *{escape(words.remark_label)}: {escape(para.remark)}*"
    return escape_line_start(text)


def _table(table: Table, words: Words) -> list[str]:
    lines = []
    if table.show_caption:
        lines += [f"**{escape(table.caption)}**", ""]
    lines.append("| " + " | ".join(escape(c) for c in table.columns) + " |")
    lines.append("|" + "---|" * len(table.columns))
    for row in table.rows:
        cells = [_para(row.header, words), *(inline(c) for c in row.cells)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _label(label: Label) -> list[str]:
    """The privacy label as a two-column table: a question in bold, its answers."""
    lines = [f"| {escape(label.caption)} | |", "|---|---|"]
    for fact in label.facts:
        answers = "; ".join(escape(a) for a in fact.answers)
        lines.append(f"| **{escape(fact.heading)}** | "
                     + (f"*{answers}*" if fact.unstated else answers) + " |")
    return lines


def _point(point: Point, words: Words) -> list[str]:
    """A list item; its further lines are indented to stay inside it."""
    head = f"**{escape(point.severity_word)}:** {escape(point.headline)}"
    if point.rule:
        head += f" `{point.rule}`:"
    if point.detail:
        head += " " + escape(point.detail)
    lines = ["- " + head]
    for said in point.said:
        lines.append("")
        lines.append("  " + escape(said.lead))
        for i, quote in enumerate(said.quotes):  # one quote a paragraph of the quote
            lines += ["  >"] if i else [""]
            lines.append("  > \u201c" + escape(quote) + "\u201d")
    if point.see:
        lines += ["", "  " + escape(f"{words.see}: " + ", ".join(link.text
                                                                for link in point.see))]
    return lines


def _block(block: Block, words: Words) -> list[str]:
    if isinstance(block, Para):
        return [_para(block, words)]
    if isinstance(block, Bullets):
        return ["- " + _para(item, words) for item in block.items]
    if isinstance(block, Table):
        return _table(block, words)
    if isinstance(block, Label):
        return _label(block)
    if isinstance(block, Points):
        lines: list[str] = []
        for i, point in enumerate(block.items):
            lines += ([""] if i else []) + _point(point, words)
        return lines
    return [f"### {escape_line_start(escape(block.text))}"]


def _note(note: Note, words: Words) -> str:
    parts = []
    if note.quote:
        parts.append(f"\u201c{escape(note.quote)}\u201d")
    where = []
    if note.section:
        where.append(escape(words.note_section.format(section=note.section)))
    if note.start is not None and note.end is not None:
        where.append(escape(words.note_characters.format(start=note.start, end=note.end)))
    if where:
        parts.append("(" + ", ".join(where) + ")")
    if note.inferred:
        parts.append(escape(words.note_inferred) + (f": {escape(note.rationale)}"
                                                    if note.rationale else "."))
    return f"[^{note.number}]: " + " ".join(parts)


def write_markdown(page: Page) -> str:
    words = page.words
    lines: list[str] = [f"# {escape_line_start(escape(page.title))}", ""]
    for para in page.intro:
        lines += [_para(para, words), ""]
    for section in page.sections:
        lines += [f"## {escape(section.title)}", ""]
        for block in section.blocks:
            lines += [*_block(block, words), ""]
    if page.notes:
        lines += [f"## {escape(words.notes_title)}", "", escape(words.notes_intro), ""]
        lines += [_note(note, words) for note in page.notes]
        lines.append("")
    lines.append("---")
    lines.append("")
    for para in page.footer:
        lines += [_para(para, words), ""]
    return "\n".join(lines).rstrip("\n") + "\n"
