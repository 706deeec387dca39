"""The lexicon: the phrasings of each vocabulary term, found in a text.

The phrasings are the terms' SKOS alternative labels (``altLabels`` in the generated
``schema/vocabulary.json``, from ``schema/src/lexicon.yaml``). A phrasing is matched word
by word, case-insensitively and regardless of punctuation, each word of the text also in
the forms its regular inflections come from (collected: collect; parties: party); a
hyphenated word of a phrasing also matches written as one word ("e-mail": "email"). A
word a phrasing has only in its plural or third-person form also matches the simple form
("contractors": a contractor; "goes to": go to), unless that form is a word of another
phrasing: then it has a sense of its own ("contacts" is an address book, "contact" is not;
"courts" are a public body, "court" is part of "court order").
Where phrasings of one scheme start at the same word the longest wins ("payment card"
over "payment"), so that a term is proposed for the words that say the most; where two
overlap, the earlier wins unless the later names a narrower term ("the right to object
to direct marketing": objection to direct marketing, not objection).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from pypolicy.format.resources import schema_file, vocabulary_index
from pypolicy.format.vocabulary import vocabulary

_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})
_END = ""  # the key of a trie node that holds the terms whose phrasing ends there


@dataclass(frozen=True)
class Mention:
    """Words of the text that use a phrasing of a term: ``text[start:end]``."""

    scheme: str
    term: str
    start: int
    end: int
    words: str


def words_of(text: str) -> list[tuple[str, int, int]]:
    """The words of a text, lower case, with their offsets; hyphens and punctuation
    separate words, so "e-mail" is two words."""
    lowered = text.lower().translate(_APOSTROPHES)
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(lowered)]


def bases(word: str) -> set[str]:
    """The forms a word may have in a phrasing: itself, and what its regular inflection
    would come from (parties: party; shared: share, shar; stored: store)."""
    forms = {word}
    if len(word) <= 3:
        return forms
    if word.endswith(("ies", "ied")):
        forms.add(word[:-3] + "y")
    if word.endswith("ying"):
        forms.add(word[:-4] + "y")
    if word.endswith("es"):
        forms.update((word[:-2], word[:-1]))
    if word.endswith("s") and not word.endswith("ss"):
        forms.add(word[:-1])
    if word.endswith("ed"):
        forms.update((word[:-2], word[:-1]))
        if len(word) > 4 and word[-3] == word[-4]:
            forms.add(word[:-3])
    if word.endswith("ing") and len(word) > 5:
        forms.update((word[:-3], word[:-3] + "e"))
        if word[-4] == word[-5]:
            forms.add(word[:-4])
    return forms


def simple_forms(word: str) -> set[str]:
    """The forms a plural or a verb in the third person comes from, by the regular rules
    (contractors: contractor; goes: go; agencies: agency)."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith("ss"):
        return set()
    if word.endswith("ies"):
        return {word[:-3] + "y"}
    forms = {word[:-1]}
    if word.endswith("es"):
        forms.add(word[:-2])
    return forms


def _variants(phrase: str) -> list[list[str]]:
    """The word sequences of a phrasing: as written, and with hyphenated words joined."""
    split = [w for w, _s, _e in words_of(phrase)]
    joined = [w for w, _s, _e in words_of(re.sub(r"(?<=\w)-(?=\w)", "", phrase))]
    return [split] if split == joined else [split, joined]


class Lexicon:
    """The phrasings of every term as a trie of words, so that one pass over the words of
    a text finds every mention (no regular expression to compile per phrasing)."""

    def __init__(self, phrasings: Mapping[str, Mapping[str, Iterable[str]]],
                 narrower: Callable[[str, str], bool] | None = None) -> None:
        self._trie: dict[str, Any] = {}
        # narrower(a, b): whether term a is narrower than term b (the vocabulary's hierarchy)
        self._narrower = narrower or (lambda _a, _b: False)
        self.schemes = tuple(phrasings)
        phrase_words: set[str] = set()
        for scheme, terms in phrasings.items():
            for term, phrases in terms.items():
                for phrase in phrases:
                    for sequence in _variants(phrase):
                        if not sequence:
                            continue
                        phrase_words.update(sequence)
                        node = self._trie
                        for word in sequence:
                            node = node.setdefault(word, {})
                        node.setdefault(_END, {}).setdefault(scheme, term)
        # a simple form -> the plural or third-person words of phrasings it stands for
        self._plural_of: dict[str, set[str]] = {}
        for word in phrase_words:
            for simple in simple_forms(word) - phrase_words:
                self._plural_of.setdefault(simple, set()).add(word)

    def _forms(self, word: str) -> set[str]:
        """What a word of the text may be in a phrasing: its bases, and the plural or
        third-person words of phrasings one of them is the simple form of."""
        forms = bases(word)
        for form in list(forms):
            forms |= self._plural_of.get(form, set())
        return forms

    def scan_all(self, text: str) -> dict[str, list[Mention]]:
        """Every mention of every scheme, by scheme: at each word, the longest phrasing of
        each scheme that starts there; where mentions of a scheme overlap, the earlier
        (then the longer) is kept."""
        words = words_of(text)
        forms = [self._forms(w) for w, _s, _e in words]
        longest: dict[str, list[tuple[int, int, str]]] = {}  # scheme -> (first, last, term)
        for first in range(len(words)):
            nodes = [self._trie]
            for last in range(first, len(words)):
                nodes = [child for node in nodes for form in forms[last]
                         if (child := node.get(form)) is not None]
                if not nodes:
                    break
                for node in nodes:
                    for scheme, term in node.get(_END, {}).items():
                        found = longest.setdefault(scheme, [])
                        if found and found[-1][0] == first:
                            found[-1] = (first, last, term)
                        else:
                            found.append((first, last, term))
        result: dict[str, list[Mention]] = {}
        for scheme, found in longest.items():
            kept: list[Mention] = []
            reach = -1
            for first, last, term in found:
                if first <= reach and not (last > reach and kept and
                                           self._narrower(term, kept[-1].term)):
                    continue
                if first <= reach:
                    kept.pop()  # a narrower term in words that overlap it
                start, end = words[first][1], words[last][2]
                kept.append(Mention(scheme, term, start, end, text[start:end]))
                reach = last
            result[scheme] = kept
        return result

    def scan(self, text: str, scheme: str) -> list[Mention]:
        """Every mention of a term of ``scheme`` in ``text``, in the order of the text."""
        return self.scan_all(text).get(scheme, [])


def _from_index() -> dict[str, dict[str, list[str]]]:
    phrasings: dict[str, dict[str, list[str]]] = {}
    for name, term in vocabulary_index()["terms"].items():
        if term.get("altLabels"):
            phrasings.setdefault(term["scheme"], {})[name] = list(term["altLabels"])
    return phrasings


def _from_source() -> dict[str, dict[str, list[str]]]:
    """The lexicon's source, for a checkout whose generated vocabulary predates it."""
    path = schema_file("src/lexicon.yaml")
    if not path.is_file():
        return {}
    data: dict[str, dict[str, list[str]]] = yaml.load(path.read_text("utf-8"),
                                                      Loader=_YAML_LOADER) or {}
    return data


@cache
def lexicon() -> Lexicon:
    """The lexicon of the installed format."""
    terms = vocabulary()

    def narrower(term: str, other: str) -> bool:
        return term != other and term in terms.terms and other in terms.terms and \
            terms.is_within(term, other)

    return Lexicon(_from_index() or _from_source(), narrower)
