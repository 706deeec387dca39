"""The controlled vocabularies and their hierarchies, for reasoning without RDF.

Loaded from ``schema/vocabulary.json`` (generated from the same source as the Turtle
vocabulary), so the validator can reason over hierarchies without importing rdflib.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from pypolicy.format.resources import vocabulary_index


@dataclass(frozen=True)
class TermInfo:
    name: str
    scheme: str
    label: str
    definition: str
    broader: tuple[str, ...]


class Vocabulary:
    """Terms by name, with their transitive broader terms."""

    def __init__(self, index: dict[str, object]) -> None:
        terms = index["terms"]
        assert isinstance(terms, dict)
        self.terms: dict[str, TermInfo] = {
            name: TermInfo(name, t["scheme"], t["label"], t["definition"], tuple(t["broader"]))
            for name, t in terms.items()
        }
        schemes = index["schemes"]
        assert isinstance(schemes, dict)
        self.schemes: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in schemes.items()}
        countries = index["countries"]
        assert isinstance(countries, dict)
        self.countries: dict[str, str] = dict(countries)
        self._ancestors: dict[str, frozenset[str]] = {}

    def ancestors(self, term: str) -> frozenset[str]:
        """The term and every term above it (reflexive, transitive ``skos:broader``)."""
        cached = self._ancestors.get(term)
        if cached is not None:
            return cached
        result = {term}
        info = self.terms.get(term)
        if info is not None:
            for broader in info.broader:
                result |= self.ancestors(broader)
        frozen = frozenset(result)
        self._ancestors[term] = frozen
        return frozen

    def is_within(self, narrow: str, broad: str) -> bool:
        """Whether ``narrow`` is ``broad`` or falls under it."""
        return broad in self.ancestors(narrow)

    def all_within(self, narrow: Iterable[str], broad: Iterable[str]) -> bool:
        """Whether every term of ``narrow`` falls under some term of ``broad``."""
        broad_set = set(broad)
        return all(self.ancestors(n) & broad_set for n in narrow)

    def some_within(self, narrow: Iterable[str], broad: Iterable[str]) -> bool:
        """Whether some term of ``narrow`` falls under some term of ``broad``."""
        broad_set = set(broad)
        return any(self.ancestors(n) & broad_set for n in narrow)

    def any_overlap(self, a: Iterable[str], b: Iterable[str]) -> bool:
        """Whether some term of ``a`` and some term of ``b`` are on one branch."""
        a_list, b_list = list(a), list(b)
        return any(self.is_within(x, y) or self.is_within(y, x) for x in a_list for y in b_list)

    def descendants(self, term: str) -> frozenset[str]:
        return frozenset(t for t in self.terms if self.is_within(t, term))

    def label(self, term: str) -> str:
        info = self.terms.get(term)
        if info is not None:
            return info.label
        return self.countries.get(term, term)

    def scheme_of(self, term: str) -> str | None:
        info = self.terms.get(term)
        return info.scheme if info else ("Place" if term in self.countries else None)


@cache
def vocabulary() -> Vocabulary:
    return Vocabulary(vocabulary_index())
