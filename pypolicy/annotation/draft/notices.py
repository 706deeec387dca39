"""Proposed regimes named, security measures and claims, cookies and their consent,
children, and how changes to the policy are announced."""

from __future__ import annotations

import re
from typing import Any

from pypolicy.annotation.draft.patterns import find_age
from pypolicy.annotation.draft.proposals import Ids, Proposal
from pypolicy.annotation.draft.text import PolicyText, Sentence

_DISCLAIMS = re.compile(r"(?i)\b(?:do(?:es)?\s+not|don't|doesn't|not)\s+(?:\w+\s+){0,2}"
                        r"(?:apply|subject|covered|govern)|\bnot\s+subject\s+to\b|"
                        r"\bexempt\b")
_SECURITY = re.compile(r"(?i)\bsecur|\bprotect|\bsafeguard|\bencrypt|\bconfidential|"
                       r"\bunauthori[sz]ed\b|\bbreach|\bfirewall|\baccess\s+control")
_TRACKING = re.compile(r"(?i)\bcookie|\bbeacon|\bpixel|\btracking\s+technolog|\banalytics\b|"
                       r"\bsimilar\s+technolog")
_CHILDREN = re.compile(r"(?i)\bchild(?:ren)?(?:'s|’s)?\b|\bminors?\b|"
                       r"\bunder\s+(?:the\s+age\s+of\s+)?"
                       r"[0-9]{1,2}\b|\bkids\b")
_NOT_DIRECTED = re.compile(r"(?i)\bnot\s+(?:\w+\s+){0,2}(?:directed|intended|designed|aimed|"
                           r"targeted|meant|for)\b|\bno(?:t)?\s+one\s+under\b")
_NOT_KNOWINGLY = re.compile(r"(?i)\b(?:not|never)\s+knowingly\b")
_DELETES = re.compile(r"(?i)\b(?:delete|erase|remove|destroy)")
_CHANGES = re.compile(r"(?i)\b(?:change|changes|update|updates|updated|modify|modif(?:y|ied|ies)|"
                      r"revise|revised|amend|amended)\b[^.]{0,60}\b(?:policy|notice|statement)\b|"
                      r"\b(?:policy|notice|statement)\b[^.]{0,40}\b(?:change|update|modif|revis|amend)")
_CONTINUED_USE = re.compile(r"(?i)\bcontinu(?:e|ed|ing)\s+(?:to\s+)?use\b[^.]{0,80}"
                            r"\b(?:accept|agree|consent|constitutes|deemed|means)")


def draft_regimes(text: PolicyText, ids: Ids) -> list[Proposal]:
    regimes: dict[str, Proposal] = {}
    for sentence in text.sentences:
        for mention in sentence.of("Regime"):
            if mention.term in regimes:
                regimes[mention.term].cite(sentence)
                continue
            stance = "disclaimed" if _DISCLAIMS.search(sentence.text) else "claimed"
            entry = {"id": ids.new("rg", mention.term), "regime": mention.term, "stance": stance}
            regimes[mention.term] = Proposal("regimes", entry, [sentence],
                                             f"the words {mention.words!r}; stance {stance}")
    return list(regimes.values())


def draft_security(text: PolicyText, ids: Ids) -> list[Proposal]:
    entries: dict[str, Proposal] = {}
    for sentence in text.sentences:
        if not _SECURITY.search(sentence.text):
            continue
        for scheme, key in (("SecurityMeasure", "measure"), ("SecurityClaim", "claim")):
            for mention in sentence.of(scheme):
                if mention.term in entries:
                    entries[mention.term].cite(sentence)
                    continue
                entry = {"id": ids.new("sec", mention.term), key: mention.term}
                entries[mention.term] = Proposal("securityMeasures", entry, [sentence],
                                                 f"the words {mention.words!r}")
    return list(entries.values())


def draft_tracking(text: PolicyText) -> list[Proposal]:
    entry: dict[str, Any] = {}
    cited: list[Sentence] = []
    for sentence in text.sentences:
        if not _TRACKING.search(sentence.text):
            continue
        found = False
        for scheme, key in (("TrackingTechnology", "technologies"), ("CookieKind", "cookieKinds"),
                            ("ConsentMechanism", "consentMechanisms")):
            terms = sentence.terms(scheme)
            if terms:
                entry[key] = list(dict.fromkeys([*entry.get(key, ()), *terms]))
                found = True
        if found and sentence not in cited:
            cited.append(sentence)
        if found and "modality" not in entry and "technologies" in entry:
            lower = sentence.lower()
            entry["modality"] = "may" if re.search(r"\bmay\b", lower) else \
                "doesNot" if re.search(r"\b(?:do|does)\s+not\s+use\b", lower) else "does"
    if not cited:
        return []
    return [Proposal("tracking", entry, cited[:4], "the cookie sentences of the text")]


def draft_children(text: PolicyText) -> list[Proposal]:
    entry: dict[str, Any] = {}
    cited: list[Sentence] = []
    for sentence in text.sentences:
        if not _CHILDREN.search(sentence.text):
            continue
        before = dict(entry)
        age = find_age(sentence.text)
        if age is not None and "minimumAge" not in entry:
            entry["minimumAge"] = age
        if _NOT_DIRECTED.search(sentence.text):
            entry["directedToChildren"] = False
        if _NOT_KNOWINGLY.search(sentence.text):
            entry["knowinglyCollects"] = False
        if _DELETES.search(sentence.text):
            entry["deletesOnDiscovery"] = True
        if entry != before:
            cited.append(sentence)
    if not cited:
        return []
    return [Proposal("children", entry, cited, "the sentences about children")]


def draft_changes(text: PolicyText) -> list[Proposal]:
    entry: dict[str, Any] = {}
    cited: list[Sentence] = []
    for sentence in text.sentences:
        if not _CHANGES.search(sentence.text) and not (cited and sentence.section ==
                                                       cited[-1].section):
            continue
        notices = sentence.terms("ChangeNotice")
        continued = bool(_CONTINUED_USE.search(sentence.text))
        if not notices and not continued and not _CHANGES.search(sentence.text):
            continue
        if notices:
            entry["notices"] = list(dict.fromkeys([*entry.get("notices", ()), *notices]))
        if continued:
            entry["acceptanceByContinuedUse"] = True
        cited.append(sentence)
    if not cited or len(entry) == 0:
        return []
    return [Proposal("changes", entry, cited[:4], "the sentences about changes to the policy")]


