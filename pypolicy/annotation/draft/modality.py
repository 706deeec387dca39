"""Modality and its scope: which actions of a sentence a "not", a "may" or an "only"
governs, and which conditions are exceptions ("unless", "except", "without your consent").

A cue governs the action it stands just before, with only auxiliaries and adverbs between
them ("we do not knowingly collect", "is never sold", "may also share"); "If you do not
want us to use it" puts "not" on "want", not on "use". Actions joined by "and", "or" or
commas share the cue of the first ("we do not sell, rent or trade"); a new cue, or a
clause boundary, starts a new group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pypolicy.annotation.draft.lexicon import Mention
from pypolicy.annotation.draft.text import Sentence

_WORDS = re.compile(r"[a-z']+|[;:]|[.!?](?=\s)|\u2014|--")
# Words that may stand between a cue and the verb it governs
_BETWEEN = frozenset({
    "be", "been", "being", "ever", "also", "even", "do", "does", "did", "will", "shall",
    "would", "can", "could", "may", "might", "must", "is", "are", "was", "were", "we", "you",
    "they", "it", "us", "to", "need", "have", "has", "then", "further", "otherwise", "in",
    "any", "way", "and", "or", "at", "all", "that", "only", "not", "never", "no", "longer",
    "automatically", "lawfully", "freely", "such", "this", "your", "our", "their"})
_NEGATIONS = frozenset({"not", "never", "nor", "neither", "cannot"})
_MODALS = frozenset({"may", "might", "can", "could"})
_JOINING = frozenset({"or", "nor", "and"})
_COORDINATION = frozenset({"and", "or", "and/or", ",", "also", "then", "/"})
_BOUNDARY = re.compile(r"[;:]|\.\s|\bbut\b|\bhowever\b|\bwhereas\b|\bwhile\b|\bexcept\b|"
                       r"\bunless\b|\bwhich\b|\bwho\b|\bso that\b|\bif\b|\bwhen\b")
_EXCEPTION_CUE = re.compile(r"(?i)\b(?:unless|except|excepting|other than|without|save)\b")
_ONLY_CONDITION = re.compile(r"(?i)\b(?:only|solely|exclusively)\s+(?:if|when|where|with|after|"
                             r"once|upon|in\s+accordance|to\s+the\s+extent)\b|\bprovided\s+that\b|"
                             r"\bbefore\s+(?:sharing|using|we|disclosing|selling|processing)")
_ONLY_PURPOSE = re.compile(r"(?i)\b(?:only|solely|exclusively|strictly)\s+(?:for|to|as)\b")


# A practice that takes place when someone switches it on ("transcribed when the
# administrator turns on transcription") does not take place otherwise: only if
_ENABLING = frozenset({"enabledByUser", "enabledByAdministrator"})
_WHEN_BEFORE = re.compile(r"(?i)\b(?:when|if|once|after|where)\s+(?:\w+\s+){0,2}$")


@dataclass
class Group:
    """Actions of a sentence that share one modality, and the stretch of the sentence
    (offsets into the whole text) whose data, purposes and recipients they take."""

    actions: list[Mention]
    modality: str
    cue: str
    scope_start: int
    scope_end: int
    conditions: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    closed_purposes: bool = False


def _cue(gap: str) -> tuple[str | None, str]:
    """The modality cue that governs the verb after ``gap``: the cue word nearest the
    verb, when only auxiliaries and adverbs stand between them."""
    words = _WORDS.findall(gap.lower().replace("n't", " not").replace("cannot", "can not"))
    skipped = False
    for back in range(len(words) - 1, -1, -1):
        word = words[back]
        if not skipped and back == len(words) - 2 and words[-1] in _JOINING and \
                back > 0 and (words[back - 1] in _NEGATIONS or words[back - 1] in _MODALS):
            # "never see or keep": a verb the lexicon does not know, joined to the action,
            # leaves the cue before it in force
            skipped = True
            continue
        if word in _NEGATIONS:
            return "doesNot", word
        if word == "only":
            return "onlyIf", word
        if word in _MODALS:
            # "may not" was met first from the right; "may" alone is a permission
            return "may", word
        if word == "reserve" or word == "right":
            return "may", "reserve the right"
        if word not in _BETWEEN and not word.endswith("ly"):
            return None, ""
    return None, ""


def _coordinated(gap: str) -> bool:
    """Whether only coordination stands between two actions ("sell, rent or trade")."""
    words = _WORDS.findall(gap.lower())
    return len(words) <= 3 and not _BOUNDARY.search(gap.lower()) and all(
        w in _COORDINATION or w.endswith("ly") or w in ("we", "will", "to") for w in words)


def groups(sentence: Sentence, actions: list[Mention]) -> list[Group]:
    """The actions of the sentence grouped by modality, in order."""
    text = sentence.text
    result: list[Group] = []
    previous_end = sentence.span.start
    for action in actions:
        gap = text[sentence.offset(previous_end):sentence.offset(action.start)]
        modality, cue = _cue(gap)
        if result and modality is None and _coordinated(gap):
            result[-1].actions.append(action)
        else:
            start = sentence.span.start if not result else previous_end
            result.append(Group([action], modality or "does", cue, start, sentence.span.end))
        previous_end = action.end
    for index, group in enumerate(result[:-1]):
        group.scope_end = result[index + 1].actions[0].start
    for group in result:
        _conditions(sentence, group)
    return result


# "If a customer switches on call recording, the recordings are saved": the clause before
# the action says who turns the practice on
_ENABLING_CLAUSE = re.compile(
    r"(?i)^\W*(?:if|when|once|where|after)\s+(?P<who>(?:[\w'’-]+\s+){1,3}?)(?:switch(?:es)?\s+on|"
    r"turns?\s+on|enables?|opts?\s+in|chooses?\s+to\s+(?:use|enable|turn|switch))\b")
_BY_PERSON = re.compile(r"(?i)^(?:you|they|the\s+(?:user|caller)|a\s+(?:user|caller))\b")


def _enabled_before(sentence: Sentence, group: Group) -> str | None:
    """The enabling condition of a clause opening the sentence before the group's first
    action: enabledByUser when the person does it, else enabledByAdministrator (a customer
    account, an administrator, an employer)."""
    clause = _ENABLING_CLAUSE.match(sentence.text[:sentence.offset(group.actions[0].start)])
    if clause is None:
        return None
    return "enabledByUser" if _BY_PERSON.match(clause.group("who")) else \
        "enabledByAdministrator"


def _enabled_when(sentence: Sentence, group: Group) -> bool:
    """Whether an enabling condition after the action is introduced by "when", "if" or
    "once" ("transcribed when the administrator turns it on")."""
    for mention in sentence.of("Condition"):
        if mention.term in _ENABLING and group.actions[0].end <= mention.start < group.scope_end:
            before = sentence.text[max(0, sentence.offset(mention.start) - 30):
                                   sentence.offset(mention.start)]
            if _WHEN_BEFORE.search(before):
                return True
    return False


def _conditions(sentence: Sentence, group: Group) -> None:
    """Conditions and exceptions of a group, and "only if" when the text makes the
    practice depend on a condition."""
    text = sentence.text
    scope = text[sentence.offset(group.scope_start):sentence.offset(group.scope_end)]
    first = group.actions[0].start
    for mention in sentence.of("Condition"):
        if not group.scope_start <= mention.start < group.scope_end:
            continue
        before = text[max(0, sentence.offset(mention.start) - 40):sentence.offset(mention.start)]
        excepted = bool(_EXCEPTION_CUE.search(before))
        if group.modality == "doesNot" and (excepted or mention.start > first):
            group.exceptions.append(mention.term)
        elif excepted and group.modality != "doesNot":
            continue  # "except where required by law" on a positive practice: not a condition
        else:
            group.conditions.append(mention.term)
    enabling = _enabled_before(sentence, group) if group.modality != "doesNot" else None
    if enabling and not _ENABLING & set(group.conditions):
        group.conditions.append(enabling)
    group.conditions = list(dict.fromkeys(group.conditions))
    group.exceptions = list(dict.fromkeys(group.exceptions))
    if group.modality == "onlyIf" and not group.conditions:
        group.modality = "does"  # "only" without a condition: a closed list, not "only if"
        group.closed_purposes = bool(_ONLY_PURPOSE.search(scope))
    elif group.modality in ("does", "may") and group.conditions and \
            (_ONLY_CONDITION.search(scope) or _enabled_when(sentence, group) or enabling):
        group.modality = "onlyIf"
    elif group.modality in ("does", "may") and _ONLY_PURPOSE.search(scope):
        group.closed_purposes = True
