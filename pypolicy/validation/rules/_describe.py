"""Statements in words, for the messages of findings: "may share financial data with
Stripe (US)"."""

from __future__ import annotations

from pypolicy.format.model import Party, Policy, Statement
from pypolicy.format.vocabulary import Vocabulary

# Actions whose recipients follow "to" ("sell data to", "disclose data to"); the others
# take "with" ("share data with").
TO_RECIPIENTS = frozenset({"disclose", "sell", "transfer", "makeAvailable", "transmit"})


def describe(statement: Statement, policy: Policy, vocab: Vocabulary) -> str:
    """A statement as a short sentence: 'may share financial data with Stripe (US)'."""
    actor = "the provider"
    if statement.actors:
        actor = ", ".join(_party_text(policy.party(a), a) for a in statement.actors)
    verb = {"does": "", "may": "may ", "doesNot": "do not " if statement.actors else
            "does not ", "onlyIf": ""}[statement.modality]
    labels = [vocab.label(a) for a in statement.actions]
    if statement.modality in ("does", "onlyIf") and not statement.actors:
        # "the provider shares", not "the provider share"
        labels = [_third_person(label) for label in labels]
    # "collect, use or share", not "collect or use or share"
    actions = " or ".join(labels) if len(labels) <= 2 else \
        ", ".join(labels[:-1]) + " or " + labels[-1]
    names = [policy.data_entry(d).name if policy.data_entry(d) else d  # type: ignore[union-attr]
             for d in statement.data] or ["data"]
    text = f"{actor} {verb}{actions} {', '.join(names)}"
    if statement.recipients:
        shares = "share" in statement.actions or not TO_RECIPIENTS & set(statement.actions)
        text += (" with " if shares else " to ") + ", ".join(_party_text(policy.party(r), r)
                                     for r in statement.recipients)
    if statement.locations:
        text += " in " + ", ".join(vocab.label(p) for p in statement.locations)
    if statement.outside:
        text += " outside " + ", ".join(vocab.label(p) for p in statement.outside)
    if statement.purposes:
        text += " for " + ", ".join(vocab.label(p) for p in statement.purposes)
    if statement.legal_bases:
        text += " on the basis of " + ", ".join(vocab.label(b) for b in statement.legal_bases)
    if statement.conditions:
        text += (" only " if statement.modality == "onlyIf" else " ") + " and ".join(
            vocab.label(c) for c in statement.conditions)
    if statement.except_purposes:
        text += " other than for " + ", ".join(vocab.label(p) for p in statement.except_purposes)
    if statement.exceptions:
        text += " except " + " or ".join(vocab.label(c) for c in statement.exceptions)
    return text


def _third_person(phrase: str) -> str:
    """Conjugate each verb of "share or transfer" / "read or listen to" for "it"."""
    def conjugate(verb: str) -> str:
        if verb.endswith(("s", "sh", "ch", "x", "z", "o")):
            return verb + "es"
        if verb.endswith("y") and verb[-2:-1] not in "aeiou":
            return verb[:-1] + "ies"
        return verb + "s"

    parts = phrase.split(" or ")
    return " or ".join(conjugate(p.split(" ", 1)[0]) + p[len(p.split(" ", 1)[0]):]
                       for p in parts)


def _party_text(party: Party | None, fallback: str) -> str:
    if party is None:
        return fallback
    text = party.name
    if party.examples:
        text += f" ({', '.join(party.examples)})"
    if party.locations:
        text += f" [{', '.join(party.locations)}]"
    elif party.outside:
        text += f" [outside {', '.join(party.outside)}]"
    return text
