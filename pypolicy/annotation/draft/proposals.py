"""The proposals a draft is made of, before they are written out: entries of the document,
each with the sentences it rests on and why it is proposed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pypolicy.annotation.draft.text import Sentence

_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, limit: int = 40) -> str:
    """An identifier fragment from words or a camel-case term: ``callDetailRecord`` ->
    ``call-detail-record``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", text)
    return _SLUG.sub("-", spaced.lower()).strip("-")[:limit].strip("-") or "x"


@dataclass
class Proposal:
    """One entry of the document (a mapping as the schema has it, without evidence), the
    sentences that are its evidence and a short reason for the reviewer."""

    section: str  # the document property it belongs to: statements, parties, provider, ...
    entry: dict[str, Any]
    sentences: list[Sentence]
    reason: str
    inferred: list[tuple[str, Sentence | None]] = field(default_factory=list)  # rationale

    def cite(self, sentence: Sentence) -> None:
        if all(s.index != sentence.index for s in self.sentences):
            self.sentences.append(sentence)


class Ids:
    """Identifiers unique across the document, with the prefixes of the conventions."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def new(self, prefix: str, name: str) -> str:
        base = f"{prefix}-{slug(name)}"
        candidate, number = base, 2
        while candidate in self._used:
            candidate = f"{base}-{number}"
            number += 1
        self._used.add(candidate)
        return candidate
