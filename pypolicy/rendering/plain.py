"""A rendered page as plain text, wrapped to a width, with numbered evidence at the end.

Tables become labelled blocks (a grid of wrapped cells is unreadable at 78 columns);
control characters in policy text are replaced (see ``escaping.clean``), so the
output cannot drive a terminal; very long words are broken to keep the width.
"""

from __future__ import annotations

import textwrap

from pypolicy.rendering.escaping import clean
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

WIDTH = 78


def _wrap(text: str, first: str = "", rest: str = "", width: int = WIDTH) -> list[str]:
    return textwrap.wrap(clean(text), width=width, initial_indent=first,
                         subsequent_indent=rest, break_long_words=True,
                         break_on_hyphens=False) or [first.rstrip()]


def _inline(content: Content) -> str:
    parts = []
    for item in content:
        if isinstance(item, Link) and item.href.removeprefix("mailto:") != item.text:
            parts.append(f"{item.text} <{item.href}>")
        else:
            parts.append(item.text)
    return clean("".join(parts))


def _para_text(para: Para, words: Words) -> str:
    text = _inline(para.content)
    if para.notes:
        text += " " + "".join(f"[{n}]" for n in para.notes)
    if para.inferred:
        text += f" ({words.inferred_mark})"
    if para.remark:
        text += f" [{words.remark_label}: {clean(para.remark)}]"
    return text


def _heading(text: str, underline: str) -> list[str]:
    lines = _wrap(text)
    return [*lines, underline * min(WIDTH, max(len(line) for line in lines))]


def _table(table: Table, words: Words) -> list[str]:
    lines: list[str] = []
    if not table.show_caption:
        for row in table.rows:
            lines += _wrap(f"{_para_text(row.header, words)}: {_inline(row.cells[0])}", "",
                           "    ")
        return lines
    lines += _wrap(table.caption + ":")
    for row in table.rows:
        lines.append("")
        lines += _wrap(_para_text(row.header, words), "* ", "  ")
        for column, cell in zip(table.columns[1:], row.cells, strict=False):
            lines += _wrap(f"{column}: {_inline(cell)}", "    ", "        ")
    return lines


def _label(label: Label) -> list[str]:
    lines: list[str] = []
    for fact in label.facts:
        lines += _wrap(f"{fact.heading}: {'; '.join(fact.answers)}", "", "    ")
    return lines


def _point(point: Point, words: Words) -> list[str]:
    head = f"{point.severity_word}: {point.headline}"
    if point.rule:
        head += f" [{point.rule}]:"
    if point.detail:
        head += " " + point.detail
    lines = _wrap(head, "* ", "  ")
    for said in point.said:
        lines += _wrap(said.lead, "  ", "  ")
        for quote in said.quotes:
            lines += _wrap(f"\u201c{quote}\u201d", "    ", "    ")
    if point.see:
        lines += _wrap(f"{words.see}: " + ", ".join(link.text for link in point.see),
                       "  ", "  ")
    return lines


def _block(block: Block, words: Words) -> list[str]:
    if isinstance(block, Para):
        return _wrap(_para_text(block, words))
    if isinstance(block, Bullets):
        lines: list[str] = []
        for item in block.items:
            lines += _wrap(_para_text(item, words), "* ", "  ")
        return lines
    if isinstance(block, Table):
        return _table(block, words)
    if isinstance(block, Label):
        return _label(block)
    if isinstance(block, Points):
        lines = []
        for i, point in enumerate(block.items):
            lines += ([""] if i else []) + _point(point, words)
        return lines
    return _wrap(block.text.upper())


def _note(note: Note, words: Words) -> list[str]:
    lines = _wrap(f"\u201c{note.quote}\u201d" if note.quote else words.note_without_quote,
                  f"[{note.number}] ", " " * (len(str(note.number)) + 3))
    details = []
    if note.section:
        details.append(words.note_section.format(section=note.section))
    if note.start is not None and note.end is not None:
        details.append(words.note_characters.format(start=note.start, end=note.end))
    text = ", ".join(details) + "." if details else ""
    if note.inferred:
        text += f" {words.note_inferred}" + (f": {note.rationale}" if note.rationale
                                             else ".")
    indent = " " * (len(str(note.number)) + 3)
    return lines + _wrap(text.strip(), indent, indent)


def write_text(page: Page) -> str:
    words = page.words
    lines: list[str] = [*_heading(page.title, "="), ""]
    for para in page.intro:
        lines += [*_wrap(_para_text(para, words)), ""]
    for section in page.sections:
        lines += [*_heading(section.title, "-"), ""]
        for block in section.blocks:
            lines += [*_block(block, words), ""]
    if page.notes:
        lines += [*_heading(words.notes_title, "-"), ""]
        for note in page.notes:
            lines += [*_note(note, words), ""]
    for para in page.footer:
        lines += [*_wrap(_para_text(para, words)), ""]
    return "\n".join(line.rstrip() for line in lines).rstrip("\n") + "\n"
