"""Whether an action word of the lexicon says what the provider does with data, in the
sentence it stands in, and what it says when its sense depends on its object.

- A verb of many senses ("take") acts on data only when data is its object: "we take
  your name" collects it, "we take reasonable steps" does not.
- "Keep" with an object and a state ("to keep the network running", "keep your account
  secure") keeps something going, not data stored.
- A verb in a clause after "unless" ("unless you give us opt-in approval") belongs to the
  exception, not to the practice.
- A participle joined to another right after a noun ("the numbers dialled and received")
  describes the data, as an adjective would.
- A participle right after a noun ("calls sent or received using the service") describes
  the noun.
- "Note", "need", "require" and "register" act on data only with data as their object
  ("our technicians note the serial number", "we need your name"; not "please note that",
  "if you need help", "when you register").
- A verb whose subject is a pronoun standing for someone else, right after the noun it
  describes ("the records it asks for", "the data they collect"), or whose subject is
  someone else's noun right after data ("how much data your connection uses"), is a clause
  about that noun: what the other party does, not a practice of the provider.
- "Record" with data about communications as its object ("our systems record the numbers
  you ring") makes records of them (generate), as "log" does; recording content stays
  "record".
- "Send" with a message as its object ("we send product news by email", "we send you
  reminders") uses the person's contact details; what a person sends "us" is collected;
  sending data somewhere shares it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pypolicy.annotation.draft.lexicon import Mention, bases
from pypolicy.annotation.draft.text import Sentence
from pypolicy.format.vocabulary import vocabulary

_NEEDS_DATA_OBJECT = frozenset({"take", "note", "need", "require", "register"})
# "the records it asks for": a noun, then a pronoun for someone other than the provider
_CONTACT_CLAUSE = re.compile(r"(?i)\b(?:the|any|all|such|those|these|what|whatever)\s+"
                             r"(?:[\w'’-]+\s+){1,3}?(?:it|they|he|she)\s+$")
# "how much data your connection uses": data, then someone else's noun as the subject
_NOUN_SUBJECT_CLAUSE = re.compile(r"(?i)\b(?:data|information|details|records)\s+"
                                  r"(?:your|the|its|their|his|her)\s+[\w'’-]+\s+$")
_RECORD = frozenset({"record"})
_METADATA = ("communicationsMetadata", "usage")
_OBJECT_GAP = re.compile(r"^\s+(?:[\w'’-]+\s+){0,3}$")  # "the account owner's " before "name"
_KEEP = frozenset({"keep", "kept"})
_KEPT_GOING = re.compile(r"(?i)^\s+(?:[\w'’-]+\s+){1,4}?(?:running|working|functioning|secure|"
                         r"safe|operational|online|stable|available|reliable|up\s+to\s+date|"
                         r"up\s+and\s+running|in\s+good\s+order)\b")
_UNLESS_CLAUSE = re.compile(r"(?i)\bunless\s+(?:[\w'’-]+\s+){0,3}$")
_PARTICIPLE_BEFORE = re.compile(r"(?i)(?:^|(?P<before>[\w'’-]+)\s+)[a-z]+(?:ed|en|nt)\s+"
                                r"(?:and|or)\s+$")
_VERB_BEFORE = frozenset({"is", "are", "was", "were", "be", "been", "being", "have", "has",
                          "had", "we", "you", "they", "it", "not", "never", "also", "may",
                          "will", "can"})
_SEND = frozenset({"send", "sent"})
_MESSAGE_OBJECT = re.compile(
    r"(?i)^\s+(?:(?:you|them|customers|users|subscribers)\s+)?(?:[\w'’-]+\s+){0,2}?"
    r"(?:news|newsletters?|messages?|e-?mails?|notifications?|updates|reminders|alerts|offers|"
    r"promotions?|marketing|surveys?|invoices|receipts|bills|statements)\b")
_TO_US = re.compile(r"(?i)^\s+(?:to\s+)?us\b")
_PARTICIPLE = re.compile(r"(?i)^(?:[a-z]+(?:ed|en)|sent|kept|sold|held|made)$")
# Words after which a participle is a verb of its own ("is kept", "we sent", "and stored")
_FUNCTION_WORDS = frozenset({
    "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "get", "gets",
    "got", "we", "you", "they", "it", "he", "she", "i", "not", "never", "also", "may", "will",
    "can", "and", "or", "nor", "to", "then", "who", "which", "that", "only", "always",
    "already", "once", "when", "if", "where", "the", "a", "an", "this", "these", "those",
    "your", "our", "its", "their", "any", "all", "such", "each", "every"})
# An object after the participle makes it a verb with a subject ("the tower handled it")
_OBJECT_AFTER = re.compile(r"(?i)^\s+(?:it|them|your|the|our|this|these|those|a|an|its|"
                           r"their|his|her|us|you)\b")


def _base_of(action: Mention) -> set[str]:
    words = action.words.lower().split()
    return bases(words[0]) if len(words) == 1 else set()


def _verb_forms(action: Mention) -> set[str]:
    """The bases of the verb of an action phrasing: its one word, or the word after the
    subject of a phrasing that has one ("we need", "we also require")."""
    words = action.words.lower().split()
    if words and words[0] == "we":
        words = [w for w in words[1:] if w != "also"]
    return bases(words[0]) if len(words) == 1 else set()


def _data_object(sentence: Sentence, action: Mention) -> Mention | None:
    """The data named as the action's object: a data phrasing within a few words after it."""
    for mention in sentence.of("DataCategory"):
        if mention.start >= action.end and _OBJECT_GAP.match(
                sentence.text[sentence.offset(action.end):sentence.offset(mention.start)] + " "):
            return mention
    return None


def is_practice(sentence: Sentence, action: Mention) -> bool:
    """Whether the action word, where it stands, says something done with data."""
    forms = _base_of(action)
    after = sentence.text[sentence.offset(action.end):]
    if _verb_forms(action) & _NEEDS_DATA_OBJECT and _data_object(sentence, action) is None:
        return False
    if forms & _KEEP and _KEPT_GOING.match(after):
        return False
    before = sentence.text[:sentence.offset(action.start)]
    if _UNLESS_CLAUSE.search(before) or _CONTACT_CLAUSE.search(before) or \
            _NOUN_SUBJECT_CLAUSE.search(before):
        return False
    first = action.words.split()[0]
    previous = re.search(r"([\w'’-]+)\s+$", before)
    if _PARTICIPLE.match(first) and previous and previous.group(1).lower() not in \
            _FUNCTION_WORDS and not previous.group(1).lower().endswith("ly") and \
            not _OBJECT_AFTER.match(after):
        return False  # "calls sent or received": the participle describes the calls
    participle = _PARTICIPLE_BEFORE.search(before)
    if not participle or participle.group("before") is None or \
            participle.group("before").lower() in _VERB_BEFORE or \
            not action.words.lower().endswith(("ed", "en", "nt")):
        return True
    # the participle before is no action of the lexicon ("dialled"): with it, this one
    # describes the noun before them
    joined_start = sentence.span.start + participle.end("before") + 1
    return any(joined_start <= m.start < action.start for m in sentence.of("Action"))


def in_its_sense(sentence: Sentence, action: Mention) -> Mention:
    """The action with the term its object gives it: "send" a message is a use."""
    after = sentence.text[sentence.offset(action.end):]
    if _base_of(action) & _RECORD and action.term == "record":
        data = _data_object(sentence, action)
        terms = vocabulary()
        if data is not None and data.term in terms.terms and \
                any(terms.is_within(data.term, kind) for kind in _METADATA):
            return replace(action, term="generate")
        return action
    if not _base_of(action) & _SEND or action.term != "share":
        return action
    if _TO_US.match(after):
        return replace(action, term="collect")
    if _MESSAGE_OBJECT.match(after):
        return replace(action, term="use")
    return action
