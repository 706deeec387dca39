"""Proposed scope of the policy: the kinds of service it covers and the kinds of people
whose data it speaks of (audiences).

A service kind is proposed where the text uses a phrasing of it ("SIP trunks", "cloud
PBX", "our website"); whether the service reaches the public telephone network where the
text says so either way. An audience is proposed for each kind of person the text names
("customers", "website visitors", "the people you call"), except where the words belong to
a phrase about data or a party ("customer data", "other users"), and except children: a
policy names them to say its service is not for them (the children entry says that).
"""

from __future__ import annotations

import re
from typing import Any

from pypolicy.annotation.draft.proposals import Ids, Proposal
from pypolicy.annotation.draft.text import PolicyText, Sentence

_PUBLIC_NETWORK = re.compile(r"(?i)\bpublic\s+(?:switched\s+)?(?:telephone|phone)\s+network|"
                             r"\bPSTN\b|\bpublic\s+telecommunications?\s+(?:network|provider)")
_NOT_PUBLIC = re.compile(r"(?i)\bnot\s+(?:\w+\s+){0,3}public\s+(?:switched\s+)?"
                         r"(?:telephone|phone|telecommunications?)|\bnot\s+connected\s+to\s+"
                         r"(?:the\s+)?public|\bno\s+connection\s+to\s+(?:the\s+)?public")
_NOT_AUDIENCE = frozenset({"child"})
_EVIDENCE_LIMIT = 4  # sentences quoted for the service entry


def draft_service(text: PolicyText) -> list[Proposal]:
    kinds: list[str] = []
    cited: list[Sentence] = []
    public: bool | None = None
    for sentence in text.sentences:
        found = [k for k in sentence.terms("ServiceKind") if k not in kinds]
        if public is None and _NOT_PUBLIC.search(sentence.text):
            public = False
            found = found or ["-"]
        elif public is None and _PUBLIC_NETWORK.search(sentence.text):
            public = True
            found = found or ["-"]
        kinds += [k for k in found if k != "-"]
        if found and len(cited) < _EVIDENCE_LIMIT:
            cited.append(sentence)
    if not kinds and public is None:
        return []
    entry: dict[str, Any] = {}
    if kinds:
        entry["serviceKinds"] = kinds
    if public is not None:
        entry["publicNetwork"] = public
    reason = "the kinds of service the text names" + (
        "; whether it reaches the public telephone network" if public is not None else "")
    return [Proposal("service", entry, cited, reason)]


def draft_audiences(text: PolicyText, ids: Ids) -> list[Proposal]:
    audiences: dict[str, Proposal] = {}
    for sentence in text.sentences:
        taken = [(m.start, m.end) for scheme in ("DataCategory", "Party")
                 for m in sentence.of(scheme)]
        for mention in sentence.of("DataSubjectType"):
            if mention.term in _NOT_AUDIENCE or any(
                    start <= mention.start and mention.end <= end for start, end in taken):
                continue
            if mention.term in audiences:
                continue
            entry = {"id": ids.new("a", mention.term), "subject": mention.term}
            audiences[mention.term] = Proposal("audiences", entry, [sentence],
                                               f"the words {mention.words!r}")
    return list(audiences.values())
