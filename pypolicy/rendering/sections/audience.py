"""The reader's page: the reviewer's page without what only a reviewer needs.

One page model serves both audiences. The reader's page drops the annotator's remarks,
the rationales of inferences, the character offsets of quotes and the list of entries
citing each note (their identifiers); every claim keeps its evidence numbers and every
note its quote, so each sentence still leads to the policy's own words, and an entry the
annotator only inferred is still marked as inferred.
"""

from __future__ import annotations

from dataclasses import replace

from pypolicy.rendering.page import Block, Bullets, Note, Page, Para, Row, Section, Table


def _para(para: Para) -> Para:
    return replace(para, remark=None)


def _block(block: Block) -> Block:
    if isinstance(block, Para):
        return _para(block)
    if isinstance(block, Bullets):
        return Bullets(tuple(_para(item) for item in block.items))
    if isinstance(block, Table):
        return replace(block, rows=tuple(Row(_para(row.header), row.cells)
                                         for row in block.rows))
    return block


def _note(note: Note) -> Note:
    return replace(note, start=None, end=None, rationale=None, cited_by=())


def for_reader(page: Page) -> Page:
    """``page`` as the people the policy is about read it (see the module docstring)."""
    return replace(
        page,
        intro=tuple(_para(p) for p in page.intro),
        sections=tuple(Section(s.anchor, s.title, tuple(_block(b) for b in s.blocks))
                       for s in page.sections),
        notes=tuple(_note(n) for n in page.notes),
        footer=tuple(_para(p) for p in page.footer))
