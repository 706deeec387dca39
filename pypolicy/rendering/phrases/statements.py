"""A statement of practice as one English sentence that keeps its force: "may" stays
"may", a negative promise reads "We do not ... except ...", an "only if" reads
"... only ...", and the verb agrees with the party that acts.

Format 1.1 keeps its force too: a hedge stays, next to what it qualifies ("we usually
share", "in some cases, we share", "most of the call records", "usually on the basis of
a contract"), a closed list reads "only with A, B and C", an open one "purposes such as
A and B", a duty the policy places on others reads as that party's duty ("you must get
the consent of ... before you share ...", see ``duties``), and what follows for the
person is a sentence of its own ("Without it, we cannot provide the service.")."""

from __future__ import annotations

from pypolicy.format.model import Policy, Statement
from pypolicy.format.vocabulary import vocabulary
from pypolicy.rendering.phrases.basics import (
    data_looks_plural,
    data_names,
    join,
    label,
    labels,
    most_of,
    party_names,
    places,
    pronoun,
    sentence,
)
from pypolicy.rendering.phrases.duties import (
    MUST_DUTIES,
    Actors,
    actors_of,
    duty_source,
    is_duty_of_others,
    is_owed_first,
    owed_after,
    owed_first,
)
from pypolicy.rendering.phrases.terms import (
    CLAUSE_HEDGES,
    condition,
    condition_noun,
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
    "transmit": ("transmit", "transmits"),
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


class _Lists:
    """The statement's lists with their prepositions, closed ("only with A and B") or
    open ("with parties such as A and B") as the statement says; a second closed list
    reads "and only ...", so that two "only"s never follow each other bare."""

    def __init__(self, statement: Statement) -> None:
        self.statement = statement
        self.closed = 0

    def only(self) -> str:
        self.closed += 1
        return "only " if self.closed == 1 else "and only "

    def listed(self, kind: str, text: str, before: str = "") -> str:
        statement = self.statement
        if kind in statement.exhaustive:
            return f"{self.only()}{before}{text}"
        if kind in statement.illustrative:
            return f"{before}{_EXAMPLES_OF[kind]} such as {text}" \
                if kind in _EXAMPLES_OF else f"{before}{text}, among others"
        return before + text


def _join_verbs(verbs: list[str], conjunction: str = "and") -> str:
    """Verbs before one object: "collect and share"; a verb of two words joined by "or"
    is set off with commas, "transmit or route, and store,", so that the object follows
    both."""
    if len(verbs) > 1 and any(" or " in v for v in verbs):
        return ", ".join(verbs[:-1]) + f", {conjunction} {verbs[-1]},"
    return join(verbs, conjunction)


def _ordered_actions(statement: Statement) -> list[str]:
    """The actions with those that give data to the recipients last, so that "with" or
    "to" follows them: "collect and share ... with", not "share and collect ... with".
    Lists are sets, so the order is the page's to choose."""
    if not statement.recipients:
        return list(statement.actions)
    return sorted(statement.actions, key=lambda a: is_disclosure(a) or a == "transmit")


def _verb_phrase(statement: Statement, actions: list[str], actors: Actors,
                 lists: _Lists, first: list[str]) -> str:
    """The verbs with their modal and the statement's force: "may share", "do not
    share", "must not share", "must get the consent of ... before they share"."""
    singular = actors.singular
    must = statement.duty in MUST_DUTIES
    only = lists.only() if "actionList" in statement.exhaustive else ""
    # actions given as examples ("such as collecting and sharing") say so
    others = " (among other things)" if "actionList" in statement.illustrative else ""
    if first:  # a duty of others owed to the people concerned, said before the verb
        verbs = _join_verbs([_verb(a, actors.pronoun in ("it",)) for a in actions])
        return f"must {join(first)} before {actors.pronoun} {only}{verbs}{others}"
    if statement.modality == "may":
        return f"may {only}" + _join_verbs([_verb(a, False) for a in actions]) + others
    if statement.modality == "doesNot":
        negation = "must not" if must else ("does not" if singular else "do not")
        return f"{negation} " + _join_verbs([_verb(a, False) for a in actions], "or") + others
    if must:
        return f"must {only}" + _join_verbs([_verb(a, False) for a in actions]) + others
    return only + _join_verbs([_verb(a, singular) for a in actions]) + others


def _on_the_bases(statement: Statement) -> bool:
    """Whether the statement's hedge qualifies its legal bases ("We use your data, usually
    on the basis of a contract"): a positive statement of use that names bases and
    nothing else it could qualify ("mostly" goes on the data, "about" on no number)."""
    return bool(statement.legal_bases) and statement.modality in ("does", "may") \
        and not statement.purposes and not statement.recipients \
        and statement.qualifier not in (None, "approximately", "mostly")


def _clause(statement: Statement, subject: str, verb_phrase: str) -> str:
    """Subject and verb with the statement's hedge: "we usually share", "in some cases,
    we share", "usually, we may share"."""
    term = statement.qualifier
    if term is None or term == "approximately" or _on_the_bases(statement) or \
            (term == "mostly" and statement.data):  # on the data: "most of the ..."
        return f"{subject} {verb_phrase}"
    if term in CLAUSE_HEDGES or statement.modality == "may":
        return f"{hedge(term)}, {subject} {verb_phrase}"
    return f"{subject} {hedge(term)} {verb_phrase}"


def _provided(statement: Statement) -> bool:
    """Whether the practice takes data from the person, so that a choice of theirs is a
    choice to provide it (collecting, not recording or deriving)."""
    return any(vocabulary().is_within(a, "collect") and a != "record"
               for a in statement.actions)


def statement_sentence(policy: Policy, statement: Statement) -> str:
    """One statement as one English sentence (two when it says what follows from it),
    from the provider's point of view; a duty the policy places on others as a duty of
    theirs (see ``duties``)."""
    lists = _Lists(statement)
    names = party_names(policy, statement.actors)
    actors = actors_of(policy, statement, lists.listed("actorList", join(names))
                       if names else None)
    negative = statement.modality == "doesNot"
    first = owed_first(policy, statement)
    actions = _ordered_actions(statement)
    clause = _clause(statement, actors.subject,
                     _verb_phrase(statement, actions, actors, lists, first))

    data = data_names(policy, statement.data)
    plural_data = data_looks_plural(data)
    data_words = lists.listed("dataList", join(data)) if data else "data"
    if statement.qualifier == "mostly" and data:  # "most of" what the statement names
        data_words = most_of(data_words)
    words = [clause, data_words]
    duty_people = is_duty_of_others(statement) and \
        any(c in statement.conditions for c in ("withConsent", "withNotice", "optOut"))
    if statement.subjects and not duty_people:  # else they are named as those owed
        collecting = all(vocabulary().is_within(a, "collect") for a in statement.actions)
        words.append(lists.listed("subjectList", join(labels(statement.subjects)),
                                  "from " if collecting else "about "))
    recipients = [r for r in statement.recipients if r not in statement.actors]
    if recipients:
        names_ = join(party_names(policy, recipients), "or" if negative else "and")
        if any(is_disclosure(a) or a == "transmit" for a in statement.actions):
            words.append(lists.listed("recipientList", names_,
                                      "with " if "share" in statement.actions else "to "))
        else:
            words.append(f"(recipients: {lists.listed('recipientList', names_)})")
    if statement.locations:
        only_moving = all(is_disclosure(a) for a in statement.actions)
        words.append(lists.listed("locationList", places(statement.locations),
                                  "to " if only_moving else "in "))
    if statement.outside:
        words.append("outside " + places(statement.outside))
    if statement.systems:
        words.append(lists.listed("systemList",
                                  join([system(t) for t in statement.systems], "or")))
    if statement.purposes:
        words.append(lists.listed("purposeList",
                                  join([purpose(p) for p in statement.purposes],
                                       "or" if negative else "and"), "for "))
    bases = list(statement.legal_bases)
    if "withConsent" in statement.conditions and statement.modality == "onlyIf":
        bases = [b for b in bases if b != "consent"]  # "only with your consent" says it
    if bases:
        on = "on the basis of "
        if _on_the_bases(statement):
            on = f"{hedge(statement.qualifier or '')} {on}"
            words[-1] += ","
        words.append(lists.listed("legalBasisList",
                                  join([legal_basis(b) for b in bases],
                                       "or" if negative else "and"), on))
    text = " ".join(words)
    if statement.except_purposes:
        text += ", other than for " + join([purpose(p) for p in statement.except_purposes], "or")
    text += _conditions(policy, statement, text, plural_data, lists)
    if statement.exceptions:
        text += ", except " + join([owed_after(policy, statement, c)
                                    or condition(c, plural_data, _provided(statement))
                                    for c in statement.exceptions], "or")
    if statement.duty:
        text += ", " + duty_source(statement.duty, actors)
    if statement.qualifier == "approximately":  # no number here: "(approximately)" last
        text += f" ({label(statement.qualifier)})"
    it = pronoun(plural_data) if data else "it"
    follows = [sentence(_CONSEQUENCES[c].format(it=it) if c in _CONSEQUENCES else label(c))
               for c in statement.consequences]
    return " ".join([sentence(text), *follows])


def _conditions(policy: Policy, statement: Statement, text: str, plural_data: bool,
                lists: _Lists) -> str:
    """The statement's conditions after the rest of it: " only with your consent", " when
    you turn on the feature"; in a duty of others, consent and notice are owed to the
    people concerned (said before the verb when the actors must obtain them)."""
    conditions = [c for c in statement.conditions if not is_owed_first(statement, c)]
    if statement.modality != "onlyIf":
        # A name may already state a condition (recipients "who can use it according to
        # our instructions"); said again it reads "... our instructions on our
        # instructions". An "only if" keeps it: there the condition carries the "only".
        conditions = [c for c in conditions if condition_noun(c).lower() not in text.lower()]
    if not conditions:
        return ""
    phrases = join([owed_after(policy, statement, c)
                    or condition(c, plural_data, _provided(statement)) for c in conditions])
    if statement.modality != "onlyIf" or phrases.startswith("unless "):
        return " " + phrases
    # after a closed list ("only on your device") this is a second "only": "and only"
    return " " + lists.only() + phrases
