"""The page: a small, format-neutral structure of a rendered policy (sections of
paragraphs, lists, tables, the privacy label and the validator's points, plus the
evidence notes), made by ``pypolicy.rendering.sections`` and written by the writers
(``markdown``, ``plain``, ``html``).

The page holds policy text as it stands; each writer makes it safe for its format. It
also holds the fixed words the writers add (``Words``), already in the page's prose
language, so that no writer has English of its own. This module imports nothing of the
renderer, so that every other part can import it.
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


@dataclass(frozen=True)
class Fact:
    """One line of the privacy label: a question and its short answers, such as "Kept
    for": ("usually 90 days (call recordings)", "12 to 24 months (invoices)").
    ``unstated``: the policy does not answer, and the one answer says so."""

    key: str  # what the line is about ("collected", "sold"), for styling; never shown
    heading: str
    answers: tuple[str, ...]
    unstated: bool = False


@dataclass(frozen=True)
class Label:
    """The privacy label: the facts a reader looks for first, readable at a glance."""

    caption: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class Said:
    """Words of the policy a point rests on, with what introduces them ("The policy
    says:", "It also says:")."""

    lead: str
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class Point:
    """One thing the validator found, in words for the page's audience."""

    severity: str  # error, warning or info: for styling; the words are severity_word
    severity_word: str
    headline: str
    detail: str | None = None
    said: tuple[Said, ...] = ()
    see: tuple[Link, ...] = ()  # where the page tells of the entries concerned
    rule: str | None = None  # the reviewer's page only: "VP101 contradicting-statements"


@dataclass(frozen=True)
class Points:
    items: tuple[Point, ...]


Block = Para | Bullets | Table | Subheading | Label | Points


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
class Words:
    """The fixed words a writer adds to a page, in the page's prose language (made by
    ``sections.words``). Templates name their fields in braces."""

    contents: str  # the heading of the table of contents
    notes_title: str
    notes_intro: str  # Markdown, whose notes are footnotes
    inferred_mark: str  # after a claim that only the annotator's inference supports
    remark_label: str
    note_section: str  # {section}
    note_characters: str  # {start}, {end}
    note_inferred: str
    note_cited_at: str
    note_without_quote: str
    evidence_reference: str  # {number}: what a screen reader says for "[3]"
    see: str  # before the links from a point to the sections it concerns


@dataclass(frozen=True)
class Page:
    title: str
    language: str  # of the document: its quotes keep it
    intro: tuple[Para, ...]
    sections: tuple[Section, ...]
    notes: tuple[Note, ...]
    footer: tuple[Para, ...]
    words: Words
    prose_language: str = "en"  # of the words the renderer writes


NOTES_ANCHOR = "evidence"


def plain(text: str) -> Content:
    return (Text(text),)
