"""A statement of practice as one English sentence that keeps its force: "may" stays
"may", a negative promise reads "We do not ... except ...", an "only if" reads
"... only ...", and the verb agrees with the party that acts.

Format 1.1 keeps its force too: a hedge stays ("we usually share", "in some cases, we
share"), a closed list reads "only with A, B and C", an open one "purposes such as A and
B", a duty the policy places on others reads "customers must ..., under our terms", and
what follows for the person is a sentence of its own ("Without it, we cannot provide
the service.")."""

from __future__ import annotations

from pypolicy.format.model import Policy, Statement
from pypolicy.format.vocabulary import vocabulary
from pypolicy.rendering.phrases.basics import (
    data_looks_plural,
    data_names,
    join,
    label,
    labels,
    looks_plural,
    party_names,
    places,
    pronoun,
    sentence,
)
from pypolicy.rendering.phrases.terms import (
    CLAUSE_HEDGES,
    MUST_DUTIES,
    condition,
    condition_noun,
    duty,
    hedge,
    legal_basis,
    purpose,
    system,
)

# Action -> (base form, third person singular); the object follows.
_VERBS: dict[str, tuple[str, str]] = {
    "process": ("process", "processes"),
    "collect": ("collect", "collects"),
    "record": ("record", "records"),
    "use": ("use", "uses"),
    "consult": ("read or listen to", "reads or listens to"),
    "analyse": ("analyse", "analyses"),
    "profile": ("build profiles from", "builds profiles from"),
    "monitor": ("monitor", "monitors"),
    "combine": ("combine", "combines"),
    "store": ("store", "stores"),
    "disclose": ("disclose", "discloses"),
    "share": ("share", "shares"),
    "transfer": ("transfer", "transfers"),
    "sell": ("sell", "sells"),
    "makeAvailable": ("make available", "makes available"),
    "anonymise": ("anonymise", "anonymises"),
    "pseudonymise": ("pseudonymise", "pseudonymises"),
    "delete": ("delete", "deletes"),
    "transmit": ("transmit or route", "transmits or routes"),
    "generate": ("generate", "generates"),
    "derive": ("derive", "derives"),
    "accessData": ("access", "accesses"),
}

def _verb(action: str, singular: bool) -> str:
    forms = _VERBS.get(action, (label(action), label(action)))
    return forms[1] if singular else forms[0]


def is_disclosure(action: str) -> bool:
    return vocabulary().is_within(action, "disclose")


# What follows for the person from a practice; {it} is the data.
_CONSEQUENCES = {
    "serviceEnds": "this ends the service",
    "serviceRefused": "without {it}, we cannot provide the service",
    "featuresLimited": "without {it}, some features will not work",
    "pastProcessingUnaffected": "this does not affect what was done before",
}

# The noun an open list ("such as") needs before its examples.
_EXAMPLES_OF = {
    "actorList": "parties", "dataList": "data", "subjectList": "people",
    "recipientList": "parties", "locationList": "places", "purposeList": "purposes",
    "legalBasisList": "legal bases", "systemList": "systems",
}


def _listed(statement: Statement, kind: str, text: str, before: str = "") -> str:
    """A list of the statement with its preposition, closed ("only with A and B") or
    open ("with parties such as A and B") as the statement says."""
    if kind in statement.exhaustive:
        return f"only {before}{text}"
    if kind in statement.illustrative:
        return f"{before}{_EXAMPLES_OF.get(kind, 'such')} such as {text}" \
            if kind in _EXAMPLES_OF else f"{before}{text}, among others"
    return before + text


def _verb_phrase(statement: Statement, singular: bool) -> str:
    verbs = [_verb(a, False) for a in statement.actions]
    must = statement.duty in MUST_DUTIES
    only = "only " if "actionList" in statement.exhaustive else ""
    if statement.modality == "may":
        return f"may {only}" + join(verbs)
    if statement.modality == "doesNot":
        negation = "must not" if must else ("does not" if singular else "do not")
        return f"{negation} " + join(verbs, "or")
    if must:
        return f"must {only}" + join(verbs)
    return only + join([_verb(a, singular) for a in statement.actions])


def _clause(statement: Statement, subject: str, verb_phrase: str) -> str:
    """Subject and verb with the statement's hedge: "we usually share", "in some cases,
    we share", "usually, we may share"."""
    term = statement.qualifier
    if term is None:
        return f"{subject} {verb_phrase}"
    if term in CLAUSE_HEDGES or statement.modality == "may":
        return f"{hedge(term)}, {subject} {verb_phrase}"
    return f"{subject} {hedge(term)} {verb_phrase}"


def statement_sentence(policy: Policy, statement: Statement) -> str:
    """One statement as one English sentence (two when it says what follows from it),
    from the provider's point of view."""
    actors = party_names(policy, statement.actors)
    if actors:
        subject = _listed(statement, "actorList", join(actors))
        singular = len(actors) == 1 and not looks_plural(actors[0])
    else:
        subject, singular = "we", False
    negative = statement.modality == "doesNot"
    hedge_after = statement.qualifier == "approximately"  # "(approximately)" at the end
    verb_phrase = _verb_phrase(statement, singular)
    clause = f"{subject} {verb_phrase}" if hedge_after else \
        _clause(statement, subject, verb_phrase)

    data = data_names(policy, statement.data)
    plural_data = data_looks_plural(data)
    words = [clause, _listed(statement, "dataList", join(data)) if data else "data"]
    if statement.subjects:
        collecting = all(vocabulary().is_within(a, "collect") for a in statement.actions)
        words.append(_listed(statement, "subjectList", join(labels(statement.subjects)),
                             "from " if collecting else "about "))
    recipients = [r for r in statement.recipients if r not in statement.actors]
    if recipients:
        names = join(party_names(policy, recipients), "or" if negative else "and")
        if any(is_disclosure(a) for a in statement.actions):
            words.append(_listed(statement, "recipientList", names,
                                 "with " if "share" in statement.actions else "to "))
        else:
            words.append(f"(recipients: {_listed(statement, 'recipientList', names)})")
    if statement.locations:
        only_moving = all(is_disclosure(a) for a in statement.actions)
        words.append(_listed(statement, "locationList", places(statement.locations),
                             "to " if only_moving else "in "))
    if statement.outside:
        words.append("outside " + places(statement.outside))
    if statement.systems:
        words.append(_listed(statement, "systemList",
                             join([system(t) for t in statement.systems], "or")))
    if statement.purposes:
        words.append(_listed(statement, "purposeList",
                             join([purpose(p) for p in statement.purposes],
                                  "or" if negative else "and"), "for "))
    bases = list(statement.legal_bases)
    if "withConsent" in statement.conditions and statement.modality == "onlyIf":
        bases = [b for b in bases if b != "consent"]  # "only with your consent" says it
    if bases:
        words.append(_listed(statement, "legalBasisList",
                             join([legal_basis(b) for b in bases], "or" if negative else "and"),
                             "on the basis of "))
    text = " ".join(words)
    if statement.except_purposes:
        text += ", other than for " + join([purpose(p) for p in statement.except_purposes], "or")
    conditions = list(statement.conditions)
    if statement.modality != "onlyIf":
        # A name may already state a condition (recipients "who can use it according to
        # our instructions"); said again it reads "... our instructions on our
        # instructions". An "only if" keeps it: there the condition carries the "only".
        conditions = [c for c in conditions if condition_noun(c).lower() not in text.lower()]
    if conditions:
        phrases = join([condition(c, plural_data) for c in conditions])
        if statement.modality == "onlyIf":
            text += " " + (phrases if phrases.startswith("unless ") else "only " + phrases)
        else:
            text += " " + phrases
    if statement.exceptions:
        text += ", except " + join([condition(c, plural_data) for c in statement.exceptions],
                                   "or")
    if statement.duty:
        text += ", " + duty(statement.duty)
    if hedge_after:
        text += f" ({label(statement.qualifier or '')})"
    it = pronoun(plural_data) if data else "it"
    follows = [sentence(_CONSEQUENCES[c].format(it=it) if c in _CONSEQUENCES else label(c))
               for c in statement.consequences]
    return " ".join([sentence(text), *follows])
