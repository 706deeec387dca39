"""What every section of the page is built with: the policy, the page's prose language,
the evidence notes numbered in the order the page cites them, anchors unique on the page
(and which entry each stands for), and paragraphs that cite the evidence of the entry
they are about.

What the page says is what the document says: an entry whose only evidence is the
annotator's inference is marked as such; the annotator's remarks are shown as remarks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pypolicy.format.model import Evidence, Policy, Statement
from pypolicy.rendering.language import ENGLISH, N_, Prose, page_words
from pypolicy.rendering.page import (
    NOTES_ANCHOR,
    Block,
    Bullets,
    Content,
    Inline,
    Link,
    Note,
    Para,
    Text,
    plain,
)
from pypolicy.rendering.phrases.statements import statement_sentence

# The sections of the page, in the order GDPR Art. 13 and 14 expect: (anchor, title),
# the title in English (translated when the page is built). The privacy label comes
# first; what the validator found follows it, on a page given findings.
SECTIONS = (
    ("summary", N_("At a glance")),
    ("things-to-know", N_("Things to know")),
    ("who-we-are", N_("Who we are and how to reach us")),
    ("what-we-collect", N_("What we collect and where it comes from")),
    ("why-we-use-it", N_("How and why we use it, and on what legal basis")),
    ("who-receives-it", N_("Who receives it")),
    ("transfers", N_("Transfers abroad and where it is stored")),
    ("retention", N_("How long we keep it")),
    ("rights", N_("Your rights")),
    ("security", N_("How we protect it")),
    ("cookies", N_("Cookies and similar technologies")),
    ("children", N_("Children")),
    ("changes", N_("Changes to this policy")),
)
FINDINGS_SECTION = "things-to-know"

_SAFE_ANCHOR = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")


@dataclass
class Notes:
    """Evidence notes, numbered in the order the page first cites them; one quote cited
    by several entries is one note."""

    numbers: dict[tuple[Any, ...], int] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    # the anchors citing each note, in order (a dict as an ordered set: thousands of
    # entries citing one quote are not searched one by one)
    cited_by: list[dict[str, None]] = field(default_factory=list)

    def cite(self, evidence: Iterable[Evidence], anchor: str) -> tuple[int, ...]:
        result: list[int] = []
        for item in evidence:
            key = (item.quote, item.section, item.start, item.end, item.inferred,
                   item.rationale)
            number = self.numbers.get(key)
            if number is None:
                number = len(self.evidence) + 1
                self.numbers[key] = number
                self.evidence.append(item)
                self.cited_by.append({})
            self.cited_by[number - 1].setdefault(anchor)
            if number not in result:
                result.append(number)
        return tuple(result)

    def notes(self) -> tuple[Note, ...]:
        return tuple(Note(i + 1, e.quote, e.section, e.start, e.end, e.inferred, e.rationale,
                          tuple(self.cited_by[i])) for i, e in enumerate(self.evidence))


def http_link(text: str, url: str | None) -> Inline:
    """A link only to a web address; anything else (javascript:, data:) stays text."""
    if url and re.match(r"^https?://[^\s]+$", url, re.IGNORECASE):
        return Link(text, url)
    return Text(text)


def contact_inline(channel_term: str, value: str) -> Inline:
    if channel_term == "email" and re.fullmatch(r"[^@\s<>\"()\[\]:;,]+@[^@\s<>\"()\[\]:;,]+",
                                                value):
        return Link(value, "mailto:" + value)
    if channel_term == "webForm":
        return http_link(value, value)
    return Text(value)


class PageContext:
    """The state one page is built in; each section's builder takes it."""

    def __init__(self, policy: Policy, prose: Prose = ENGLISH) -> None:
        self.policy = policy
        self.prose = prose
        self.gettext = prose.gettext
        self.words = page_words(prose)
        self.notes = Notes()
        self.anchors: set[str] = {a for a, _ in SECTIONS} | {NOTES_ANCHOR, "top"}
        # for each anchor base, the last number tried: anchors are never given back, so
        # numbering resumes there (thousands of entries sharing an id number in linear time)
        self._numbered: dict[str, int] = {}
        # the section being built, and where the page first tells of each entry (by the
        # entry's JSON pointer): (anchor, section) - so that a finding about an entry
        # can link to it
        self.section = ""
        self.told: dict[str, tuple[str, str]] = {}

    def anchor(self, entry_id: str | None, pointer: str) -> str:
        base = entry_id if entry_id and _SAFE_ANCHOR.match(entry_id) else \
            "at" + re.sub(r"[^A-Za-z0-9_-]", "-", pointer or "-root")
        n = self._numbered.get(base, 1)
        candidate = base if n == 1 else f"{base}-{n}"
        while candidate in self.anchors:
            n += 1
            candidate = f"{base}-{n}"
        self._numbered[base] = n
        self.anchors.add(candidate)
        return candidate

    def para(self, content: Content | str, entry: Any = None, *,
             remark: str | None = None) -> Para:
        """A paragraph about ``entry`` (anything with ``evidence`` and ``pointer``),
        citing its evidence."""
        if isinstance(content, str):
            content = plain(content)
        if entry is None:
            return Para(content, remark=remark)
        evidence: tuple[Evidence, ...] = getattr(entry, "evidence", ())
        anchor = self.anchor(getattr(entry, "id", None), entry.pointer)
        self.told.setdefault(entry.pointer, (anchor, self.section))
        inferred = bool(evidence) and all(e.inferred for e in evidence)
        note = getattr(entry, "note", None)
        return Para(content, anchor, self.notes.cite(evidence, anchor), inferred,
                    remark if remark is not None else note)

    def merged(self, entries: Sequence[Any], text: Callable[[Any], str]) -> list[Block]:
        """One paragraph per distinct sentence: two entries that read the same (two
        quotes making one claim) are one paragraph citing both."""
        by_text: dict[str, list[Any]] = {}
        for entry in entries:
            by_text.setdefault(text(entry), []).append(entry)
        blocks: list[Block] = []
        for sentence_text, group in by_text.items():
            para = self.para(sentence_text, group[0])
            if len(group) > 1:
                assert para.anchor is not None
                # one ordered set of the notes for the whole group, not a tuple rebuilt
                # per entry: a sentence many entries share stays linear
                notes = dict.fromkeys(para.notes)
                inferred = para.inferred
                for other in group[1:]:
                    notes.update(dict.fromkeys(self.notes.cite(other.evidence, para.anchor)))
                    inferred = inferred and all(e.inferred for e in other.evidence)
                para = Para(para.content, para.anchor, tuple(notes), inferred, para.remark)
            blocks.append(para)
        return blocks

    def statements(self, statements: Sequence[Statement]) -> list[Block]:
        if not statements:
            return []
        return [Bullets(tuple(self.para(statement_sentence(self.policy, s), s)
                              for s in statements))]
