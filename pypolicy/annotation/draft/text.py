"""A policy text read for drafting: its sentences, each with its section, line and the
terms of the lexicon it mentions, and the organisations it names."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from pypolicy.annotation.draft.lexicon import Lexicon, Mention, lexicon
from pypolicy.annotation.draft.patterns import PlaceMention, find_places
from pypolicy.annotation.draft.segment import sentences
from pypolicy.annotation.evidence import SourceText, Span, SpanIndex

_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built

# The schemes the extractors look for in every sentence
SCHEMES = ("Modality", "Action", "DataCategory", "Purpose", "LegalBasis", "Condition", "Party",
           "Place", "Regime", "Right", "Channel", "RetentionEvent", "RetentionCriterion",
           "RetentionOutcome", "TransferMechanism", "SecurityMeasure", "SecurityClaim",
           "TrackingTechnology", "CookieKind", "ConsentMechanism", "ChangeNotice", "Hedge",
           "ServiceKind", "DataSubjectType")


@dataclass(frozen=True)
class Organisation:
    """A company that recurs in telecom policies, from ``organisations.yaml``."""

    name: str
    role: str
    country: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class OrganisationMention:
    organisation: Organisation
    start: int
    end: int
    words: str


@dataclass
class Sentence:
    """One sentence of the text and what it mentions (offsets into the whole text)."""

    index: int
    span: Span
    text: str  # as in the source
    section: str | None
    line: int
    mentions: dict[str, list[Mention]] = field(default_factory=dict)
    places: list[PlaceMention] = field(default_factory=list)
    organisations: list[OrganisationMention] = field(default_factory=list)

    def of(self, scheme: str) -> list[Mention]:
        return self.mentions.get(scheme, [])

    def terms(self, scheme: str) -> list[str]:
        """The terms of ``scheme`` mentioned, each once, in the order of the text."""
        return list(dict.fromkeys(m.term for m in self.of(scheme)))

    def lower(self) -> str:
        return self.text.lower()

    def offset(self, absolute: int) -> int:
        """An offset of the whole text as an offset into this sentence."""
        return absolute - self.span.start


@cache
def organisations() -> tuple[Organisation, ...]:
    raw: list[dict[str, Any]] = yaml.load(
        resources.files("pypolicy.annotation.draft").joinpath("organisations.yaml")
        .read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    return tuple(Organisation(o["name"], o["role"], o["country"], tuple(o.get("aliases", ())))
                 for o in raw)


@cache
def _organisation_pattern() -> tuple[re.Pattern[str], dict[str, Organisation]]:
    by_name: dict[str, Organisation] = {}
    for organisation in organisations():
        for name in (organisation.name, *organisation.aliases):
            by_name[name] = organisation
    alternatives = "|".join(re.escape(n) for n in sorted(by_name, key=len, reverse=True))
    # Organisation names are matched as written: "Square" is a company, "square" is not
    return re.compile(r"(?<![\w])(?:" + alternatives + r")(?![\w])"), by_name


def find_organisations(text: str) -> list[OrganisationMention]:
    pattern, by_name = _organisation_pattern()
    return [OrganisationMention(by_name[m.group()], m.start(), m.end(), m.group())
            for m in pattern.finditer(text)]


class PolicyText:
    """The text, its headings and its sentences with their mentions."""

    def __init__(self, text: str, headings: tuple[str, ...], lex: Lexicon | None = None) -> None:
        self.source = SourceText(text, headings)
        self.text = text
        self.headings = headings
        lex = lex or lexicon()
        heading_index = SpanIndex(self.source.heading_spans)
        spans = [s for s in sentences(self.source)
                 if heading_index.overlap(s) < (s.end - s.start) * 0.6]
        starts = [s.start for s in spans]
        self.sentences = [Sentence(i, s, text[s.start:s.end], self.source.section_at(s.start),
                                   self.source.line_of(s.start)) for i, s in enumerate(spans)]

        def owner(start: int, end: int) -> Sentence | None:
            index = bisect.bisect_right(starts, start) - 1
            if index >= 0 and end <= spans[index].end:
                return self.sentences[index]
            return None

        found = lex.scan_all(text)
        for scheme in SCHEMES:
            for mention in found.get(scheme, ()):
                sentence = owner(mention.start, mention.end)
                if sentence is not None:
                    sentence.mentions.setdefault(scheme, []).append(mention)
        for sentence in self.sentences:
            sentence.places = [PlaceMention(p.place, p.outside, p.start + sentence.span.start,
                                            p.end + sentence.span.start)
                               for p in find_places(sentence.text)]
            sentence.organisations = [
                OrganisationMention(o.organisation, o.start + sentence.span.start,
                                    o.end + sentence.span.start, o.words)
                for o in find_organisations(sentence.text)]

    def quote(self, span: Span) -> tuple[str, int | None]:
        """The normalised quote of a span, and which occurrence it is when it recurs."""
        quote = self.source.normalise(self.text[span.start:span.end])
        found = self.source.occurrences(quote)
        if len(found) <= 1:
            return quote, None
        for number, place in enumerate(found, 1):
            if place.start == span.start:
                return quote, number
        return quote, None
