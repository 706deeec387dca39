"""A statement of practice as one English sentence that keeps its force: "may" stays
"may", a negative promise reads "We do not ... except ...", an "only if" reads
"... only ...", and the verb agrees with the party that acts."""

from __future__ import annotations

from pypolicy.format.model import Policy, Statement
from pypolicy.format.vocabulary import vocabulary
from pypolicy.render.phrases.basics import (
    data_looks_plural,
    data_names,
    join,
    label,
    labels,
    looks_plural,
    party_names,
    places,
    sentence,
)
from pypolicy.render.phrases.terms import condition, condition_noun, legal_basis, purpose

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
}

def _verb(action: str, singular: bool) -> str:
    forms = _VERBS.get(action, (label(action), label(action)))
    return forms[1] if singular else forms[0]


def is_disclosure(action: str) -> bool:
    return vocabulary().is_within(action, "disclose")


def statement_sentence(policy: Policy, statement: Statement) -> str:
    """One statement as one English sentence, from the provider's point of view."""
    actors = party_names(policy, statement.actors)
    if actors:
        subject = join(actors)
        singular = len(actors) == 1 and not looks_plural(actors[0])
    else:
        subject, singular = "we", False
    negative = statement.modality == "doesNot"
    if statement.modality == "may":
        verb_phrase = "may " + join([_verb(a, False) for a in statement.actions])
    elif negative:
        negation = "does not" if singular else "do not"
        verb_phrase = f"{negation} " + join([_verb(a, False) for a in statement.actions], "or")
    else:
        verb_phrase = join([_verb(a, singular) for a in statement.actions])

    data = data_names(policy, statement.data)
    plural_data = data_looks_plural(data)
    words = [subject, verb_phrase, join(data)]
    if statement.subjects:
        collecting = all(vocabulary().is_within(a, "collect") for a in statement.actions)
        words.append(("from " if collecting else "about ") + join(labels(statement.subjects)))
    recipients = [r for r in statement.recipients if r not in statement.actors]
    if recipients:
        names = join(party_names(policy, recipients), "or" if negative else "and")
        if any(is_disclosure(a) for a in statement.actions):
            words.append(("with " if "share" in statement.actions else "to ") + names)
        else:
            words.append(f"(recipients: {names})")
    if statement.locations:
        only_moving = all(is_disclosure(a) for a in statement.actions)
        words.append(("to " if only_moving else "in ") + places(statement.locations))
    if statement.outside:
        words.append("outside " + places(statement.outside))
    if statement.purposes:
        words.append("for " + join([purpose(p) for p in statement.purposes],
                                   "or" if negative else "and"))
    bases = list(statement.legal_bases)
    if "withConsent" in statement.conditions and statement.modality == "onlyIf":
        bases = [b for b in bases if b != "consent"]  # "only with your consent" says it
    if bases:
        words.append("on the basis of " + join([legal_basis(b) for b in bases],
                                               "or" if negative else "and"))
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
    return sentence(text)
