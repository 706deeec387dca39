"""Proposed rights and their channels, contact points, the provider and its officers.

A right is proposed where a sentence offers the person something ("you have the right",
"you can request", "opt out", "unsubscribe") and uses a phrasing of a right; its channels
are the channels the sentence names. Contact points are the e-mail addresses, telephone
numbers (in a sentence that speaks of a telephone) and postal addresses of the text.
"""

from __future__ import annotations

import re
from typing import Any

from pypolicy.annotation.draft.patterns import find_emails, find_phones, find_postal
from pypolicy.annotation.draft.proposals import Proposal
from pypolicy.annotation.draft.text import PolicyText, Sentence

_OFFER = re.compile(r"(?i)\bright(?:s)?\b|\byou\s+(?:can|may|could|are\s+entitled|have)\b|"
                    r"\b(?:you\s+request|ask\s+us|opt[- ]?out|unsubscribe|withdraw|lodge|"
                    r"complain)|\b(?:allows?|enables?|lets?|permits?)\s+you\s+to\b|"
                    # the data "can be accessed / corrected / deleted": an offer in the passive
                    r"\b(?:may|can|could)\s+(?:also\s+)?be\s+(?:accessed|viewed|corrected|updated|"
                    r"amended|deleted|erased|exported|downloaded)\b|"
                    # a list of rights in the imperative: "Request erasure of your data."
                    r"^\W*(?:request|ask|obtain|object|withdraw|restrict)\b")
# A heading over rights: every sentence under it may offer one ("Your choices", "Your rights")
_RIGHTS_HEADING = re.compile(r"(?i)\brights?\b|\bchoices\b")
# A right of restriction over CPNI is the US right to restrict its use (47 CFR 64.2007)
_NARROWED_BY_DATA = {("restriction", "cpni"): "cpniRestriction"}
_FREE = re.compile(r"(?i)\bfree\s+of\s+charge\b|\bno\s+(?:fee|charge|cost)\b|\bat\s+no\s+cost\b")
_FEE = re.compile(r"(?i)\b(?:reasonable\s+)?(?:fee|charge)\b")
_EXCESSIVE = re.compile(r"(?i)\b(?:excessive|unfounded|repetitive|repeated)\b")
_DPO = re.compile(r"(?i)\bdata\s+protection\s+officer\b|\bDPO\b")
_PRIVACY_OFFICER = re.compile(r"(?i)\b(?:chief\s+)?privacy\s+officer\b|\bgrievance\s+officer\b")
_NO_OFFICER = re.compile(r"(?i)\b(?:not|no)\s+(?:\w+\s+){0,3}(?:appointed|designated)\b|"
                         r"\bhave\s+not\s+appointed\b")
_PROVIDER = (
    # "Acme Ltd ("we", "us")", "Acme Voice (the "Company")"
    re.compile(r"(?P<name>[A-Z][\w&.,'’-]*(?:\s+[A-Z0-9][\w&.'’-]*){0,5})\s*\(\s*(?:the\s+)?"
               r"[\"“'‘]*(?:we|us|our|company|provider)\b", re.IGNORECASE),
    re.compile(r"\b(?:Welcome\s+to|This\s+(?:privacy\s+)?(?:policy|notice|statement)\s+"
               r"(?:of|for|applies\s+to|describes\s+how))\s+(?P<name>[A-Z][\w&.'’-]*"
               r"(?:\s+[A-Z0-9][\w&.'’-]*){0,4})"),
    re.compile(r"(?P<name>[A-Z][\w&.'’-]*(?:\s+[A-Z0-9][\w&.'’-]*){0,4})\s+is\s+the\s+"
               r"(?:data\s+)?controller\b"),
)
_LEGAL_FORM = re.compile(r"\b(?:Inc|Ltd|LLC|GmbH|B\.V|BV|S\.A|SA|AG|Limited|Corp|Corporation|"
                         r"PLC|plc|S\.L|SAS|SARL|Pty|LLP|Oy|AB|A/S|N\.V)\b\.?")


def draft_rights(text: PolicyText) -> list[Proposal]:
    rights: dict[str, Proposal] = {}
    for sentence in text.sentences:
        if not offers_right(sentence):
            continue
        channels = sentence.terms("Channel")
        if find_emails(sentence.text) and "email" not in channels:
            channels.append("email")
        data = set(sentence.terms("DataCategory"))
        for mention in sentence.of("Right"):
            term = next((narrow for (right, category), narrow in _NARROWED_BY_DATA.items()
                         if right == mention.term and category in data), mention.term)
            proposal = rights.get(term)
            if proposal is None:
                entry: dict[str, Any] = {"id": f"rt-{_kebab(term)}", "right": term}
                proposal = Proposal("rights", entry, [sentence],
                                    f"the words {mention.words!r} name the right")
                rights[term] = proposal
            else:
                proposal.cite(sentence)
            entry = proposal.entry
            if channels:
                entry["channels"] = list(dict.fromkeys([*entry.get("channels", ()), *channels]))
            if _FREE.search(sentence.text):
                entry["fee"] = "free"
            elif _FEE.search(sentence.text):
                entry["fee"] = "feeIfExcessive" if _EXCESSIVE.search(sentence.text) \
                    else "feeCharged"
    return list(rights.values())


def offers_right(sentence: Sentence) -> bool:
    """Whether the sentence offers the person something: in its words, or by standing
    under a heading about rights or choices."""
    return bool(_OFFER.search(sentence.text)) or bool(
        sentence.section and _RIGHTS_HEADING.search(sentence.section))


def _kebab(term: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", term).lower()


def contact_points(sentence: Sentence) -> list[dict[str, str]]:
    points = [{"channel": "email", "value": e} for e in find_emails(sentence.text)]
    points += [{"channel": "phone", "value": p} for p in find_phones(sentence.text)]
    points += [{"channel": "postal", "value": a} for a in find_postal(sentence.text)]
    return points


def draft_provider(text: PolicyText, fallback_name: str) -> list[Proposal]:
    """The provider (name, legal name, contact points) and its officers."""
    provider: dict[str, Any] = {}
    cited: list[Sentence] = []
    reasons: list[str] = []
    for sentence in text.sentences:
        for pattern in _PROVIDER:
            match = pattern.search(sentence.text)
            if match and "name" not in provider:
                name = match.group("name").strip(" ,.")
                name = re.sub(r"^(?:The|This|Welcome\s+to)\s+", "", name)
                if len(name) >= 2:
                    provider["name"] = _LEGAL_FORM.sub("", name).strip(" ,.") or name
                    if _LEGAL_FORM.search(name):
                        provider["legalName"] = name
                    cited.append(sentence)
                    reasons.append(f"name from {match.group().strip()!r}")
    contacts: list[dict[str, str]] = []
    officers: list[Proposal] = []
    for sentence in text.sentences:
        points = [p for p in contact_points(sentence) if p not in contacts]
        if points:
            contacts.extend(points)
            if sentence not in cited:
                cited.append(sentence)
        officer = _officer(sentence, contact_points(sentence))
        if officer is not None and all(o.entry.get("officerRole") != officer.entry.get(
                "officerRole") for o in officers):
            officers.append(officer)
    if "name" not in provider:
        provider["name"] = fallback_name
        reasons.append("no name found in the text: the file's name, to be corrected")
    if contacts:
        provider["contacts"] = contacts
        reasons.append(f"{len(contacts)} contact point(s)")
    return [Proposal("provider", provider, cited, "; ".join(reasons)), *officers]


def _officer(sentence: Sentence, points: list[dict[str, str]]) -> Proposal | None:
    if _DPO.search(sentence.text):
        entry: dict[str, Any] = {"appointed": not _NO_OFFICER.search(sentence.text),
                                 "title": "Data Protection Officer"}
        if points and entry["appointed"]:
            entry["contacts"] = points
        return Proposal("dataProtectionOfficer", entry, [sentence],
                        "the sentence names a data protection officer")
    match = _PRIVACY_OFFICER.search(sentence.text)
    if match:
        role = "grievanceOfficer" if "grievance" in match.group().lower() else "privacyOfficer"
        entry = {"appointed": True, "officerRole": role, "title": match.group()}
        if points:
            entry["contacts"] = points
        return Proposal("officers", entry, [sentence], f"the words {match.group()!r}")
    return None
