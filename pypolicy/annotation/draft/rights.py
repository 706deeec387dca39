"""Proposed rights and their channels, contact points, the provider and its officers.

A right is proposed where a sentence offers the person something ("you have the right",
"you can request", "opt out", "unsubscribe"; or stands under a heading about rights) and
uses a phrasing of a right. Its channels are the channels the sentence names; when it
names none, those of a sentence of its section that gives where to send requests ("Send
requests to ..."), or, when it says "contact us", those of the section about contacting
the provider. Contact points are the e-mail addresses, telephone numbers (in a sentence
that speaks of a telephone), postal addresses given to write to, and channels without an
address named where the text says how to contact the provider ("by submitting a support
ticket"); a postal address given only to say where the provider is, is its address.
"""

from __future__ import annotations

import re
from typing import Any

from pypolicy.annotation.draft.patterns import find_emails, find_phones, find_postal
from pypolicy.annotation.draft.proposals import Proposal
from pypolicy.annotation.draft.text import PolicyText, Sentence

# The people a policy may offer a right to in the third person ("California residents may
# request to know", "Customers can ask us to delete")
THIRD_PERSON_OFFER = (r"\b(?:residents|consumers|customers|users|subscribers|individuals|"
                      r"people|persons|data\s+subjects|account\s+holders|members|parents|"
                      r"guardians|employees|callers)\s+(?:(?:of|in)\s+[A-Z][\w-]*\s+)?"
                      r"(?:also\s+)?(?:may|can|could|have\s+the\s+right|are\s+entitled)\s+"
                      r"(?:also\s+)?(?:request|ask|obtain|access|know|exercise|object|opt|"
                      r"withdraw|delete|correct|restrict|limit|the\s+right|to)\b")
_OFFER = re.compile(r"(?i)\bright(?:s)?\b|\byou\s+(?:can|may|could|are\s+entitled|have)\b|"
                    + THIRD_PERSON_OFFER + r"|"
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
    # also with a short name first: Acme Voice Ltd ("Acme", "we")
    re.compile(r"(?P<name>[A-Z][\w&.,'’-]*(?:\s+[A-Z0-9][\w&.'’-]*){0,5})\s*\(\s*"
               r"(?:[\"“'‘][^\"”'’]{1,40}[\"”'’],?\s*)?(?:the\s+)?"
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
    _resolve_channels(text, list(rights.values()))
    return list(rights.values())


_CONTACT_US = re.compile(r"(?i)\b(?:contact(?:ing)?\s+us|get\s+in\s+touch|reach\s+us|"
                         r"write\s+to\s+us|details\s+(?:below|above)|(?:see|under)\s+[\"“]?contact)\b")
_CONTACT_HEADING = re.compile(r"(?i)\bcontact|\bget\s+in\s+touch|\breach\s+us|\bquestions\b")
# A sentence that tells where to send something: its contact points are to be used
_CONTACT_CUE = re.compile(r"(?i)\b(?:contact|write|writing|send|sending|direct|address(?:ed)?\s+"
                          r"(?:to|your)|reach|reachable|mail|post|requests?|questions?|"
                          r"complaints?|enquiries|inquiries|call|email|e-mail|attn|attention)\b")
# Channels that have no address of their own: a contact point describes them in words
_DESCRIBED = ("webForm", "supportTicket", "accountDashboard")


def _channels_given(sentence: Sentence) -> list[str]:
    """The channels a sentence names or gives an address for."""
    channels = sentence.terms("Channel")
    channels += [p["channel"] for p in contact_points(sentence)]
    return list(dict.fromkeys(channels))


def _resolve_channels(text: PolicyText, rights: list[Proposal]) -> None:
    """Channels for the rights whose sentences give none."""
    contact_section = [s for s in text.sentences
                       if s.section and _CONTACT_HEADING.search(s.section)]
    everywhere = [s for s in text.sentences if contact_points(s)]
    for proposal in rights:
        if proposal.entry.get("channels"):
            continue
        sections = {s.section for s in proposal.sentences}
        senders = [s for s in text.sentences if s.section in sections and contact_points(s)
                   and _CONTACT_CUE.search(s.text)]
        if not senders and any(_CONTACT_US.search(s.text) for s in proposal.sentences):
            senders = contact_section or everywhere
        channels = list(dict.fromkeys(c for s in senders for c in _channels_given(s)))
        if channels:
            proposal.entry["channels"] = channels
            proposal.reason += "; channels from " + (
                f"line {senders[0].line}" if len(senders) == 1 else
                f"lines {senders[0].line} to {senders[-1].line}")


def offers_right(sentence: Sentence) -> bool:
    """Whether the sentence offers the person something: in its words, or by standing
    under a heading about rights or choices."""
    return bool(_OFFER.search(sentence.text)) or bool(
        sentence.section and _RIGHTS_HEADING.search(sentence.section))


def _kebab(term: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", term).lower()


def contact_points(sentence: Sentence) -> list[dict[str, str]]:
    """The addresses a sentence gives to reach the provider (a postal address only where
    the sentence says to write, send or contact)."""
    points = [{"channel": "email", "value": e} for e in find_emails(sentence.text)]
    points += [{"channel": "phone", "value": p} for p in find_phones(sentence.text)]
    if _CONTACT_CUE.search(_without_addresses(sentence.text)):
        points += [{"channel": "postal", "value": a} for a in find_postal(sentence.text)]
    return points


def _without_addresses(text: str) -> str:
    """The text without the streets and towns of its postal addresses (a street called
    "Post Road" is no cue; the words before the house number may be one: "write to")."""
    for address in find_postal(text):
        number = re.search(r"[0-9]", address)
        text = text.replace(address[number.start() if number else 0:], " ")
    return text


def _described_points(sentence: Sentence) -> list[dict[str, str]]:
    """Channels without an address named where the sentence says how to contact the
    provider: "contact us by submitting a support ticket from your dashboard"."""
    if not _CONTACT_US.search(sentence.text) and not re.search(
            r"(?i)\b(?:contact|reach|write\s+to)\s+(?:us|our)\b", sentence.text):
        return []
    # the first such channel is the means; one named after it says where it is found
    # ("a support ticket from your account dashboard")
    described = [m for m in sentence.of("Channel") if m.term in _DESCRIBED]
    if not described:
        return []
    words = sentence.text[sentence.offset(described[0].start):].rstrip(" .;")
    return [{"channel": described[0].term, "value": words}]


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
        if "address" not in provider and not _CONTACT_CUE.search(
                _without_addresses(sentence.text)):
            located = find_postal(sentence.text)
            if located:
                provider["address"] = located[0]
                cited.append(sentence)
                reasons.append("address from a sentence that says where the provider is")
        described = [p for p in _described_points(sentence)
                     if all(c["channel"] != p["channel"] for c in contacts)]
        points = [p for p in contact_points(sentence) + described if p not in contacts]
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
