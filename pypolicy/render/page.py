"""The page: a small, format-neutral structure of a rendered policy (sections of
paragraphs, lists and tables, plus the evidence notes), made by
``pypolicy.render.sections`` and written by the writers (``markdown``, ``plain``,
``html``).

The page holds policy text as it stands; each writer makes it safe for its format. This
module imports nothing of the renderer, so that every other part can import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Who a page is for: "reader", the people the policy is about (plain words, no internal
# identifiers, character offsets or annotator's remarks), or "reviewer", the annotators
# and auditors who check the annotation against the policy (everything).
Audience = Literal["reader", "reviewer"]
AUDIENCES: tuple[Audience, ...] = ("reader", "reviewer")


@dataclass(frozen=True)
class Text:
    text: str
    strong: bool = False


@dataclass(frozen=True)
class Link:
    text: str
    href: str


Inline = Text | Link
Content = tuple[Inline, ...]


@dataclass(frozen=True)
class Para:
    """A paragraph or list item; ``notes`` are the numbers of its evidence notes."""

    content: Content
    anchor: str | None = None
    notes: tuple[int, ...] = ()
    inferred: bool = False
    remark: str | None = None


@dataclass(frozen=True)
class Bullets:
    items: tuple[Para, ...]


@dataclass(frozen=True)
class Row:
    header: Para
    cells: tuple[Content, ...]


@dataclass(frozen=True)
class Table:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    show_caption: bool = True


@dataclass(frozen=True)
class Subheading:
    text: str


Block = Para | Bullets | Table | Subheading


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Note:
    """One piece of evidence: a quote from the source, or an annotator's inference."""

    number: int
    quote: str | None
    section: str | None
    start: int | None
    end: int | None
    inferred: bool
    rationale: str | None
    cited_by: tuple[str, ...]

    @property
    def anchor(self) -> str:
        return f"note-{self.number}"


@dataclass(frozen=True)
class Page:
    title: str
    language: str
    intro: tuple[Para, ...]
    sections: tuple[Section, ...]
    notes: tuple[Note, ...]
    footer: tuple[Para, ...]


NOTES_ANCHOR = "evidence"
NOTES_TITLE = "Evidence: the words of the policy"
INFERRED_MARK = "inferred by the annotator, not stated in the policy"
REMARK_LABEL = "Annotator's note"


def plain(text: str) -> Content:
    return (Text(text),)
