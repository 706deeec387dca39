"""Reasoning over statements: whether one falls within another on every axis.

Each axis of a statement (actors, actions, data, recipients, places, purposes, data
subjects) is compared through the vocabulary's hierarchies; places are sets of
countries (``pypolicy.format.geography``), so "in the USA" falls within "outside the EEA" and
"outside the EU" only overlaps it. An axis a statement leaves out is unconstrained on
the negative side ("we do not sell data": to anyone, anywhere) and unknown on the
positive side, where it never proves a conflict.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from pypolicy.format.geography import ALL_COUNTRIES, countries_of
from pypolicy.format.model import Party, Policy, Statement
from pypolicy.format.vocabulary import Vocabulary

# statements in words, for messages; kept here too for the rules that read them from here
from pypolicy.validation.rules._describe import describe as describe

PROVIDER = "provider"
Key = TypeVar("Key", bound=Hashable)


class Relation(enum.Enum):
    WITHIN = "within"  # every possible value of A is a value of B
    OVERLAP = "overlap"  # some, not all
    DISJOINT = "disjoint"
    UNKNOWN = "unknown"  # A does not say, so nothing can be concluded


# What satisfies an exception or condition of a statement, besides naming the same
# condition: purposes and legal bases that amount to it.
COVERED_BY: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "withConsent": ((), ("consent",)),
    "requiredByLaw": (("legalCompliance",), ("legalObligation",)),
    "underLegalProcess": (("legalProcess",), ()),
    "lawfulOperation": (("legalCompliance", "networkManagement", "networkIntegrity"), ()),
    "imminentHarm": (("emergencyServices",), ("vitalInterest",)),
    "emergency": (("emergencyServices",), ("vitalInterest",)),
    "protectRightsCondition": (("protectRights", "fraudPrevention", "abusePrevention"), ()),
    "businessTransferCondition": (("businessTransfer",), ()),
    "necessaryForService": (("serviceProvision",), ("contract",)),
}


# Conditions too broad for any statement to fall outside them: "where the law allows",
# "for a compatible purpose", "where applicable". A promise hedged with one cannot be
# contradicted by other statements, so the rules treat it as always met.
ALWAYS_MET = frozenset({"permittedByLaw", "compatiblePurpose", "whereApplicable"})


@dataclass(frozen=True)
class Comparison:
    """How a positive statement relates to a negative one, axis by axis."""

    actors: bool
    actions: bool
    data: bool
    recipients: bool
    purposes: bool
    bases: bool
    subjects: bool
    conditions: bool
    places: Relation
    covered_by: tuple[str, ...]  # the exceptions of the negative that the positive meets
    complete: bool = False  # every axis compared (not cut short at the first miss)

    @property
    def within_except_places(self) -> bool:
        return all((self.actors, self.actions, self.data, self.recipients, self.purposes,
                    self.bases, self.subjects, self.conditions))

    @property
    def conflict(self) -> bool:
        return self.within_except_places and self.places is Relation.WITHIN and \
            not self.covered_by

    @property
    def possible_conflict(self) -> bool:
        return self.within_except_places and self.places is Relation.OVERLAP and \
            not self.covered_by


NOT_WITHIN = Comparison(False, False, False, False, False, False, False, False,
                        Relation.UNKNOWN, ())


class StatementIndex:
    """The positive statements of a policy by the terms their actions, data categories and
    recipients' roles are or fall under, so that a negative statement is compared only
    with the positives that can fall within it (or that it can fall within), not with
    every statement: a policy of thousands of statements is then checked in time near
    its size, not its square. Both look-ups return a superset of the statements that
    ``Reasoner.compare`` could find on those axes, in the policy's order."""

    def __init__(self, reasoner: Reasoner) -> None:
        self.reasoner = reasoner
        self.positives = [s for s in reasoner.policy.statements if s.positive]
        self._position = {id(s): i for i, s in enumerate(self.positives)}
        vocab = reasoner.vocab
        # by a term of the statement itself, and by every term above one
        self._actions: dict[str, set[int]] = {}
        self._actions_under: dict[str, set[int]] = {}
        self._data: dict[str, set[int]] = {}
        self._data_under: dict[str, set[int]] = {}  # statements that state their data
        self._roles_under: dict[str, set[int]] = {}
        self._unsure_roles: set[int] = set()  # roles compared by equality (PROVIDER)
        # by the places a statement (or, if it names none, its parties) is said to reach:
        # few distinct ones in a policy, however many statements
        self._by_reaches: dict[tuple[frozenset[str], ...], set[int]] = {}
        # what a positive demands of a statement that falls within it (``around``)
        self._recipient_roles: dict[str, set[int]] = {}  # of the recipients it limits to
        self._recipients_open: set[int] = set()  # no recipients, or only "such as"
        # those that name no purposes (or only "such as"), no bases, no data subjects
        self._purposes_open: set[int] = set()
        self._bases_open: set[int] = set()
        self._subjects_open: set[int] = set()
        self._by_conditions: dict[frozenset[str], set[int]] = {}
        self._by_categories: ByCategories | None = None  # built when first asked
        for index, statement in enumerate(self.positives):
            for action in statement.actions:
                self._actions.setdefault(action, set()).add(index)
                for term in vocab.ancestors(action):
                    self._actions_under.setdefault(term, set()).add(index)
            for category in reasoner.data_categories(statement):
                self._data.setdefault(category, set()).add(index)
                if statement.data:
                    for term in vocab.ancestors(category):
                        self._data_under.setdefault(term, set()).add(index)
            for party in reasoner.parties(statement.recipients):
                if PROVIDER in party.roles:
                    self._unsure_roles.add(index)
                for role in party.roles:
                    for term in vocab.ancestors(role):
                        self._roles_under.setdefault(term, set()).add(index)
            reaches = self._reaches_of(statement)
            if reaches:
                self._by_reaches.setdefault(reaches, set()).add(index)
            self._index_limits(index, statement)

    @staticmethod
    def _union(table: Mapping[Key, set[int]], keys: Iterable[Key]) -> set[int]:
        found: set[int] = set()
        for key in keys:
            found |= table.get(key, set())
        return found

    @staticmethod
    def _alternatives(table: Mapping[Key, set[int]], keys: Iterable[Key]) -> list[set[int]]:
        return [table[key] for key in keys if key in table]

    @staticmethod
    def _meet(limits: list[list[set[int]]]) -> set[int]:
        """The statements that meet every limit, a limit being met by a statement in any
        of its sets. Built from the smallest limit and narrowed by the others, each set
        intersected with what is left: the work is that of the few candidates, not of
        the large sets (every statement about personal data, every one without a
        purpose) that a limit may include."""
        limits = sorted(limits, key=lambda sets: sum(map(len, sets)))
        found: set[int] = set().union(*limits[0]) if limits else set()
        for sets in limits[1:]:
            if not found:
                break
            found = set().union(*(found & part for part in sets))
        return found

    def within(self, negative: Statement) -> list[Statement]:
        """The positives that may fall within ``negative`` (``compare(positive,
        negative)``): some action and some data category within the negative's, and a
        recipient within its recipients where it names them as a limit."""
        limits = [self._alternatives(self._actions_under, negative.actions),
                  self._alternatives(self._data_under, self.reasoner.data_categories(negative))]
        if negative.recipients and "recipientList" not in negative.illustrative:
            parties = self.reasoner.parties(negative.recipients)
            if not any(PROVIDER in p.roles for p in parties):
                roles = {role for p in parties for role in p.roles}
                limits.append([*self._alternatives(self._roles_under, roles),
                               self._unsure_roles])
        return [self.positives[i] for i in sorted(self._meet(limits))]

    def _reaches_of(self, statement: Statement) -> tuple[frozenset[str], ...]:
        if statement.locations or statement.outside:
            return (countries_of(statement.locations, statement.outside),)
        parties = self.reasoner.parties((*statement.recipients, *statement.actors))
        return tuple(countries_of(p.locations, p.outside) for p in parties
                     if p.locations or p.outside)

    def partly_within(self, negative: Statement) -> list[Statement]:
        """The positives of ``within`` that may reach places partly inside the places
        ``negative`` speaks of (``Relation.OVERLAP``): only a statement that says where
        it, or one of its parties, is can."""
        scope = self.reasoner.scope(negative)
        placed: set[int] = set()
        for reaches, indices in self._by_reaches.items():
            if any(_relation(reach, scope) is Relation.OVERLAP for reach in reaches):
                placed |= indices
        if not placed:
            return []
        return [s for s in self.within(negative) if self._position[id(s)] in placed]

    def _index_limits(self, index: int, statement: Statement) -> None:
        """What a statement demands of one that falls within it (``around``): the roles
        of the recipients it limits, and the purposes, bases, subjects and conditions it
        names."""
        if statement.recipients and "recipientList" not in statement.illustrative:
            for party in self.reasoner.parties(statement.recipients):
                for role in party.roles:
                    self._recipient_roles.setdefault(role, set()).add(index)
        else:
            self._recipients_open.add(index)
        if not statement.purposes or "purposeList" in statement.illustrative:
            self._purposes_open.add(index)
        if not statement.legal_bases:
            self._bases_open.add(index)
        if not statement.subjects:
            self._subjects_open.add(index)
        self._by_conditions.setdefault(frozenset(statement.conditions), set()).add(index)

    def around(self, negative: Statement) -> list[Statement]:
        """The positives that ``negative`` may fall within (``compare(negative, positive,
        every=True)``, for narrowing): each of its actions, data categories and
        recipients' roles within one of theirs, the purposes, bases and data subjects
        they limit themselves to named, and their conditions among its own."""
        if not negative.data:
            return []
        vocab = self.reasoner.vocab
        limits = [self._alternatives(self._actions, vocab.ancestors(action))
                  for action in negative.actions]
        limits += [self._alternatives(self._data, vocab.ancestors(category))
                   for category in self.reasoner.data_categories(negative)]
        limits.append([found for key, found in self._by_conditions.items()
                       if key <= set(negative.conditions)])
        parties = self.reasoner.parties(negative.recipients)
        limits += [[self._recipients_open, *self._alternatives(self._recipient_roles, (
            {PROVIDER} if PROVIDER in party.roles else
            {term for role in party.roles for term in vocab.ancestors(role)}))]
            for party in parties] or [[self._recipients_open]]
        limits += [[open_] for open_, named in ((self._purposes_open, negative.purposes),
                                                (self._bases_open, negative.legal_bases),
                                                (self._subjects_open, negative.subjects))
                   if not named]
        return [self.positives[i] for i in sorted(self._meet(limits))]

    def related(self, statement: Statement, *, data_within: bool = False
                ) -> list[Statement]:
        """The positives whose actions are on one branch with one of ``statement``'s (one
        within the other, either way); with ``data_within``, only those that state their
        data and have some data category within ``statement``'s."""
        vocab = self.reasoner.vocab
        found = self._union(self._actions_under, statement.actions) | self._union(
            self._actions, {t for a in statement.actions for t in vocab.ancestors(a)})
        if found and data_within:
            found &= self._union(self._data_under, self.reasoner.data_categories(statement))
        return [self.positives[i] for i in sorted(found)]

    def data_all_within(self, broad: Iterable[str]) -> list[Statement]:
        """The positives whose every data category (personal data, where they name no
        data) falls within one of ``broad``, in the policy's order."""
        if self._by_categories is None:
            self._by_categories = ByCategories(
                self.reasoner.vocab, [self.reasoner.data_categories(s) for s in self.positives])
        return [self.positives[i] for i in self._by_categories.all_within(broad)]


class ByCategories:
    """Items (statements, retention rules) by the data categories they are about, so
    that those whose every category falls within some given ones are found by looking at
    the distinct categories (no more than the vocabulary has), not at every item."""

    def __init__(self, vocab: Vocabulary, categories: Iterable[frozenset[str]]) -> None:
        self.vocab = vocab
        self.categories = list(categories)
        self._by_term: dict[str, list[int]] = {}
        for position, terms in enumerate(self.categories):
            for term in terms:
                self._by_term.setdefault(term, []).append(position)

    def all_within(self, broad: Iterable[str]) -> list[int]:
        """The positions, ascending, of the items whose every category falls within one
        of ``broad`` (``Vocabulary.all_within``); an item of no category never does."""
        wanted = set(broad)
        found: set[int] = set()
        for term, positions in self._by_term.items():
            if self.vocab.ancestors(term) & wanted:
                found.update(positions)
        return sorted(p for p in found if self.vocab.all_within(self.categories[p], wanted))


class Reasoner:
    """Compares statements of one policy; results are cached, as several rules ask."""

    def __init__(self, policy: Policy, vocabulary: Vocabulary) -> None:
        self.policy = policy
        self.vocab = vocabulary
        self._compared: dict[tuple[object, ...], Comparison] = {}
        self._categories: dict[tuple[str, ...], frozenset[str]] = {}
        self._index: StatementIndex | None = None

    def index(self) -> StatementIndex:
        """The positive statements indexed for comparison (built once per policy)."""
        if self._index is None:
            self._index = StatementIndex(self)
        return self._index

    # -- axes -------------------------------------------------------------------------

    def data_categories(self, statement: Statement) -> frozenset[str]:
        cached = self._categories.get(statement.data)
        if cached is None:
            cached = self.policy.categories_of(statement.data) or frozenset({"personalData"})
            self._categories[statement.data] = cached
        return cached

    def actor_roles(self, statement: Statement) -> list[frozenset[str]]:
        if not statement.actors:
            return [frozenset({PROVIDER})]
        result = []
        for actor in statement.actors:
            party = self.policy.party(actor)
            result.append(frozenset(party.roles) if party else frozenset())
        return result

    def _roles_within(self, narrow: Iterable[frozenset[str]],
                      broad: Iterable[frozenset[str]]) -> bool:
        broad_list = list(broad)
        return all(any(self._role_set_within(roles, b) for b in broad_list) for roles in narrow)

    def _role_set_within(self, roles: frozenset[str], broad: frozenset[str]) -> bool:
        if PROVIDER in roles or PROVIDER in broad:
            return roles == broad
        return any(self.vocab.is_within(r, b) for r in roles for b in broad)

    def parties(self, ids: Iterable[str]) -> list[Party]:
        return [p for p in (self.policy.party(i) for i in ids) if p is not None]

    def scope(self, statement: Statement) -> frozenset[str]:
        """The countries a negative statement speaks about (everywhere, unless limited)."""
        if statement.locations or statement.outside:
            return countries_of(statement.locations, statement.outside)
        return ALL_COUNTRIES

    # -- comparison -------------------------------------------------------------------

    def covered(self, positive: Statement, exceptions: Iterable[str]) -> tuple[str, ...]:
        """The exceptions (or conditions) of another statement that ``positive`` meets."""
        return tuple(e for e in exceptions if self._meets(positive, e))

    def _meets(self, positive: Statement, exception: str) -> bool:
        if exception in positive.conditions or exception in ALWAYS_MET:
            return True
        purposes, bases = COVERED_BY.get(exception, ((), ()))
        v = self.vocab
        if positive.purposes and purposes and v.all_within(positive.purposes, purposes):
            return True
        if positive.legal_bases and bases and v.all_within(positive.legal_bases, bases):
            return True
        if exception == "aggregatedOrAnonymised":
            return v.all_within(self.data_categories(positive), ["anonymousData"])
        if exception == "onProviderInstructions":
            recipients = self.parties(positive.recipients)
            return bool(recipients) and all(
                any(v.is_within(r, "processor") for r in p.roles) for p in recipients)
        return False

    def compare(self, positive: Statement, negative: Statement, *,
                full: bool = False, every: bool = False) -> Comparison:
        """How ``positive`` relates to ``negative``, axis by axis.

        A statement about several actions, data entries and recipients asserts the
        practice for each of them, so by default an axis holds when *some* of the
        positive's values fall within the negative's (one conflicting combination is a
        conflict); ``every`` asks instead whether *all* of them do (for narrowing).
        Unless ``full``, the comparison stops at the first axis that does not hold.
        """
        key = (positive.pointer, negative.pointer, negative.modality, negative.exceptions,
               negative.conditions, every)
        cached = self._compared.get(key)
        if cached is not None and (cached.complete or not full):
            return cached
        result = self._compare(positive, negative, full, every)
        self._compared[key] = result
        return result

    def _compare(self, positive: Statement, negative: Statement, full: bool,
                 every: bool) -> Comparison:
        v = self.vocab
        within = v.all_within if every else v.some_within
        actions = within(positive.actions, negative.actions)
        if not actions and not full:
            return NOT_WITHIN
        # a positive statement that leaves its data unstated (format 1.1: "we may share
        # data with:") proves nothing about any data
        data = bool(positive.data) and within(self.data_categories(positive),
                                               self.data_categories(negative))
        if not data and not full:
            return NOT_WITHIN
        actors = self._roles_within(self.actor_roles(positive), self.actor_roles(negative))
        pool = self.parties(positive.recipients)
        # recipients given "such as" (illustrative) are examples of whom the promise is
        # about, not its limit
        if negative.recipients and "recipientList" not in negative.illustrative:
            n_roles = [frozenset(p.roles) for p in self.parties(negative.recipients)]
            matching = [p for p in pool if self._roles_within([frozenset(p.roles)], n_roles)]
            recipients = bool(matching) and (len(matching) == len(pool) or not every)
        else:
            matching = pool
            recipients = True
        purposes = self._purposes(positive, negative, within)
        bases = not negative.legal_bases or (
            bool(positive.legal_bases) and within(positive.legal_bases, negative.legal_bases))
        subjects = not negative.subjects or (
            bool(positive.subjects) and within(positive.subjects, negative.subjects))
        conditions = set(negative.conditions) <= set(positive.conditions)
        located = matching or self.parties(positive.actors)
        places = self._places(positive, located, self.scope(negative), every)
        return Comparison(actors, actions, data, recipients, purposes, bases, subjects,
                          conditions, places, self.covered(positive, negative.exceptions),
                          complete=True)

    def _purposes(self, positive: Statement, negative: Statement,
                  within: Callable[[Iterable[str], Iterable[str]], bool]) -> bool:
        stated = list(positive.purposes)
        if negative.except_purposes:
            # the negative does not speak of these purposes ("other than for X")
            stated = [p for p in stated
                      if not self.vocab.some_within([p], negative.except_purposes)]
            # no purpose left, or none named: nothing shows a use beyond the excepted ones
            if not stated:
                return False
            if len(stated) < len(positive.purposes) and not self.vocab.all_within(
                    self.data_categories(positive), self.data_categories(negative)):
                # a summary of uses over more data than the promise ("we use the collected
                # information to provide, bill and notify") that names the promised use
                # does not say the promised data serves the other uses
                return False
        if not negative.purposes or "purposeList" in negative.illustrative:
            return True
        return bool(stated) and within(stated, negative.purposes)

    def _places(self, positive: Statement, parties: list[Party], scope: frozenset[str],
                every: bool) -> Relation:
        if positive.locations or positive.outside:
            # where the statement itself says the data goes beats where the parties are
            return _relation(countries_of(positive.locations, positive.outside), scope)
        reaches = [countries_of(p.locations, p.outside) if p.locations or p.outside else None
                   for p in parties]
        if not reaches or (every and None in reaches):
            return _relation(None, scope)
        if every:
            union: set[str] = set()
            for reach in reaches:
                union |= reach or set()
            return _relation(frozenset(union), scope)
        relations = {_relation(r, scope) for r in reaches}
        for best in (Relation.WITHIN, Relation.OVERLAP, Relation.UNKNOWN):
            if best in relations:
                return best
        return Relation.DISJOINT


def _relation(reach: frozenset[str] | None, scope: frozenset[str]) -> Relation:
    if reach is None:
        return Relation.WITHIN if scope == ALL_COUNTRIES else Relation.UNKNOWN
    if not reach:
        return Relation.DISJOINT
    if reach <= scope:
        return Relation.WITHIN
    return Relation.OVERLAP if reach & scope else Relation.DISJOINT


def reasoner_for(policy: Policy, vocabulary: Vocabulary) -> Reasoner:
    """The one reasoner of a policy, shared by every rule that runs on it."""
    reasoner = _REASONERS.get(id(policy))
    if reasoner is None or reasoner.policy is not policy:
        reasoner = Reasoner(policy, vocabulary)
        _REASONERS.clear()  # one document at a time: keep memory flat over a corpus
        _REASONERS[id(policy)] = reasoner
    return reasoner


_REASONERS: dict[int, Reasoner] = {}
