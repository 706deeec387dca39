"""Duties the policy places on others (format 1.1 ``duty``), phrased as duties of that
party: "You must get the consent of people in contact lists before you share contact
lists, under our terms", "Business customers must tell the people concerned before they
record calls, as the law requires".

In a duty of others, consent and notice are owed to the people the data is about, not
to the reader: "only with your consent" would say the customer's upload needs the
reader's consent, when it needs the consent of the people in the customer's contact
list. The actor is "you" when it is the person using the service (the party role
``serviceUser``), since the page speaks to that person.
"""

from __future__ import annotations

from dataclasses import dataclass

from pypolicy.format.model import Policy, Statement
from pypolicy.rendering.phrases.basics import join, labels, looks_plural, party_names

# Conditions that, in a duty of others, are owed to the people the data is about, as a
# phrase after the verb; {people} are those people.
_OWED_TO_PEOPLE = {
    "withConsent": "with the consent of {people}",
    "withNotice": "after telling {people}",
    "optOut": "unless {people} opt out",
}

# Those a "must" duty puts first, as what the actors must do before acting.
_OWED_FIRST = {
    "withConsent": "get the consent of {people}",
    "withNotice": "tell {people}",
}

# Where a duty comes from, after the sentence; {their} agrees with the actors.
_SOURCES = {
    "contractualDuty": "under {their} contract with us",
    "termsDuty": "under our terms",
    "legalDuty": "as the law requires",
    "ownResponsibility": "as {their} own decision and responsibility",
}

# Duties whose actors must act; the others describe what the actors decide.
MUST_DUTIES = frozenset({"contractualDuty", "termsDuty", "legalDuty"})


@dataclass(frozen=True)
class Actors:
    """Who acts in a statement, as the page names them."""

    subject: str  # "we", "you", "business customers"
    singular: bool  # for agreement: "it shares", "they share"
    you: bool = False

    @property
    def pronoun(self) -> str:
        """The actors again, after "before": "you", "it", "they"."""
        if self.subject == "we":
            return "we"
        if self.you:
            return "you"
        return "it" if self.singular else "they"

    @property
    def possessive(self) -> str:
        if self.you:
            return "your"
        if self.subject == "we":
            return "our"
        return "its" if self.singular else "their"


def actors_of(policy: Policy, statement: Statement, subject: str | None = None) -> Actors:
    """The statement's actors: the provider ("we") when it names none, the reader ("you")
    when every actor is the person using the service, else the parties' names
    (``subject``: those names as the statement lists them)."""
    if not statement.actors:
        return Actors("we", False)
    parties = [policy.party(p) for p in statement.actors]
    if all(p is not None and p.roles == ("serviceUser",) for p in parties):
        return Actors("you", False, you=True)
    names = party_names(policy, statement.actors)
    return Actors(subject or join(names),
                  len(names) == 1 and not looks_plural(names[0]))


def is_duty_of_others(statement: Statement) -> bool:
    return statement.duty is not None and bool(statement.actors)


def people_concerned(policy: Policy, statement: Statement) -> str:
    """The people a duty's consent or notice is owed to: those the statement names, else
    those its data is about, else "the people concerned"."""
    subjects = list(statement.subjects)
    if not subjects:
        for data_id in statement.data:
            entry = policy.data_entry(data_id)
            if entry is not None:
                subjects += [s for s in entry.subjects if s not in subjects]
    return join(labels(subjects)) if subjects else "the people concerned"


def owed_first(policy: Policy, statement: Statement) -> list[str]:
    """What the actors of a "must" duty have to do before acting ("get the consent of
    people in contact lists"); [] for any other statement."""
    if not is_duty_of_others(statement) or statement.duty not in MUST_DUTIES \
            or statement.modality == "doesNot":
        return []
    people = people_concerned(policy, statement)
    return [_OWED_FIRST[c].format(people=people) for c in statement.conditions
            if c in _OWED_FIRST]


def owed_after(policy: Policy, statement: Statement, term: str) -> str | None:
    """A condition of a duty of others owed to the people concerned, as a phrase after
    the verb ("after telling the people concerned"); None for any other condition."""
    if not is_duty_of_others(statement) or term not in _OWED_TO_PEOPLE:
        return None
    return _OWED_TO_PEOPLE[term].format(people=people_concerned(policy, statement))


def is_owed_first(statement: Statement, term: str) -> bool:
    """Whether a condition is said before the verb (see ``owed_first``)."""
    return is_duty_of_others(statement) and statement.duty in MUST_DUTIES \
        and statement.modality != "doesNot" and term in _OWED_FIRST


def duty_source(term: str, actors: Actors) -> str:
    """Where the duty comes from: "under our terms", "under your contract with us"."""
    return _SOURCES.get(term, term).format(their=actors.possessive)
