"""A policy document as a page a person reads: sections in the order GDPR Art. 13 and 14
expect, written as sentences, each linked to the words of the policy it rests on.

``build_page`` turns a :class:`~pypolicy.format.model.Policy` into a :class:`Page`, a small
format-neutral structure (sections of paragraphs, lists and tables, plus the evidence
notes); the writers in ``_render_markdown``, ``_render_plain`` and ``_render_html`` turn
a page into Markdown, wrapped plain text or a self-contained HTML page. The page holds
policy text as it stands; each writer makes it safe for its format.

What the page says is what the document says: an absent property is "not stated" and
is said to be so, never read as "no"; an entry whose only evidence is the annotator's
inference is marked as such; the annotator's remarks are shown as remarks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pypolicy.format.model import DataEntry, Evidence, Party, Policy, Statement
from pypolicy.format.vocabulary import vocabulary
from pypolicy.render import facts
from pypolicy.render.phrases import (
    capitalise,
    condition,
    data_names,
    join,
    label,
    labels,
    partial_date,
    party_names,
    places,
    retention_period,
    retention_sentences,
    right_sentences,
    right_title,
    security_sentence,
    sentence,
    statement_sentence,
)

Format = Literal["markdown", "html", "text"]
FORMATS: tuple[Format, ...] = ("markdown", "html", "text")


# --- the page -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Text:
    text: str
    strong: bool = False


@dataclass(frozen=True)
class Link:
    text: str
    href: str


Inline = Text | Link
Content = tuple[Inline, ...]


@dataclass(frozen=True)
class Para:
    """A paragraph or list item; ``notes`` are the numbers of its evidence notes."""

    content: Content
    anchor: str | None = None
    notes: tuple[int, ...] = ()
    inferred: bool = False
    remark: str | None = None


@dataclass(frozen=True)
class Bullets:
    items: tuple[Para, ...]


@dataclass(frozen=True)
class Row:
    header: Para
    cells: tuple[Content, ...]


@dataclass(frozen=True)
class Table:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    show_caption: bool = True


@dataclass(frozen=True)
class Subheading:
    text: str


Block = Para | Bullets | Table | Subheading


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Note:
    """One piece of evidence: a quote from the source, or an annotator's inference."""

    number: int
    quote: str | None
    section: str | None
    start: int | None
    end: int | None
    inferred: bool
    rationale: str | None
    cited_by: tuple[str, ...]

    @property
    def anchor(self) -> str:
        return f"note-{self.number}"


@dataclass(frozen=True)
class Page:
    title: str
    language: str
    intro: tuple[Para, ...]
    sections: tuple[Section, ...]
    notes: tuple[Note, ...]
    footer: tuple[Para, ...]


NOTES_ANCHOR = "evidence"
NOTES_TITLE = "Evidence: the words of the policy"
INFERRED_MARK = "inferred by the annotator, not stated in the policy"
REMARK_LABEL = "Annotator's note"


def plain(text: str) -> Content:
    return (Text(text),)


# --- building -------------------------------------------------------------------------------

_SAFE_ANCHOR = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")

_SECTIONS = (
    ("summary", "At a glance"),
    ("who-we-are", "Who we are and how to reach us"),
    ("what-we-collect", "What we collect and where it comes from"),
    ("why-we-use-it", "How and why we use it, and on what legal basis"),
    ("who-receives-it", "Who receives it"),
    ("transfers", "Transfers abroad and where it is stored"),
    ("retention", "How long we keep it"),
    ("rights", "Your rights"),
    ("security", "How we protect it"),
    ("cookies", "Cookies and similar technologies"),
    ("children", "Children"),
    ("changes", "Changes to this policy"),
)

_ROLE_AS_CAPACITY = {"controller": "the controller", "processor": "a processor",
                     "jointController": "a joint controller"}

_STANCE = {
    "claimed": "We state that we comply with {regime}.",
    "disclaimed": "We state that {regime} does not apply to us.",
    "applies": "{Regime} applies to us.",
}

_MECHANISMS = {
    "adequacyDecision": "we rely on an adequacy decision of the European Commission",
    "dataPrivacyFramework": "we rely on the EU-US Data Privacy Framework",
    "standardContractualClauses": "we use standard contractual clauses",
    "bindingCorporateRules": "we use binding corporate rules",
    "explicitConsentDerogation": "we rely on your explicit consent",
    "contractDerogation": "we rely on the transfer being necessary for a contract with you",
    "agreementByUse": "we treat your use of the service as agreement to the transfer",
    "policySafeguards": "we say we take steps to protect the data, without naming a "
                        "safeguard",
}

_COOKIE_KINDS = {
    "essentialCookies": "strictly necessary cookies",
    "functionalCookies": "functional and convenience cookies",
    "analyticsCookies": "analytics cookies",
    "advertisingCookies": "advertising cookies",
}

_CONSENT_MECHANISMS = {
    "optInBanner": "We set no cookies other than strictly necessary ones until you agree.",
    "browserControls": "You can refuse cookies in your browser settings.",
    "impliedByUse": "We treat your use of the website or service as consent to cookies.",
}

_DO_NOT_TRACK = {
    "dntHonoured": "We honour Do Not Track signals from browsers.",
    "dntIgnored": "We do not respond to Do Not Track signals from browsers.",
}

_NOTICES = {
    "postedOnline": "by posting the new version on our website",
    "updatedDate": "by changing the \u201clast updated\u201d date",
    "emailNotice": "by email",
    "inServiceNotice": "with a notice in the service",
}

_CHANNEL_NAMES = {"email": "Email", "phone": "Telephone", "postal": "Post",
                  "webForm": "Web form", "accountDashboard": "Account dashboard",
                  "supportTicket": "Support ticket", "unsubscribeLink": "Unsubscribe link",
                  "browserSettings": "Browser settings"}


@dataclass
class _Notes:
    """Evidence notes, numbered in the order the page first cites them; one quote cited
    by several entries is one note."""

    numbers: dict[tuple[Any, ...], int] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    cited_by: list[list[str]] = field(default_factory=list)

    def cite(self, evidence: Iterable[Evidence], anchor: str) -> tuple[int, ...]:
        result: list[int] = []
        for item in evidence:
            key = (item.quote, item.section, item.start, item.end, item.inferred,
                   item.rationale)
            number = self.numbers.get(key)
            if number is None:
                number = len(self.evidence) + 1
                self.numbers[key] = number
                self.evidence.append(item)
                self.cited_by.append([])
            if anchor not in self.cited_by[number - 1]:
                self.cited_by[number - 1].append(anchor)
            if number not in result:
                result.append(number)
        return tuple(result)

    def notes(self) -> tuple[Note, ...]:
        return tuple(Note(i + 1, e.quote, e.section, e.start, e.end, e.inferred, e.rationale,
                          tuple(self.cited_by[i])) for i, e in enumerate(self.evidence))


def _http_link(text: str, url: str | None) -> Inline:
    """A link only to a web address; anything else (javascript:, data:) stays text."""
    if url and re.match(r"^https?://[^\s]+$", url, re.IGNORECASE):
        return Link(text, url)
    return Text(text)


def _contact_inline(channel_term: str, value: str) -> Inline:
    if channel_term == "email" and re.fullmatch(r"[^@\s<>\"()\[\]:;,]+@[^@\s<>\"()\[\]:;,]+",
                                                value):
        return Link(value, "mailto:" + value)
    if channel_term == "webForm":
        return _http_link(value, value)
    return Text(value)


class _Builder:
    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.notes = _Notes()
        self.anchors: set[str] = {a for a, _ in _SECTIONS} | {NOTES_ANCHOR, "top"}

    # -- anchors and paragraphs

    def anchor(self, entry_id: str | None, pointer: str) -> str:
        base = entry_id if entry_id and _SAFE_ANCHOR.match(entry_id) else \
            "at" + re.sub(r"[^A-Za-z0-9_-]", "-", pointer or "-root")
        candidate, n = base, 1
        while candidate in self.anchors:
            n += 1
            candidate = f"{base}-{n}"
        self.anchors.add(candidate)
        return candidate

    def para(self, content: Content | str, entry: Any = None, *,
             remark: str | None = None) -> Para:
        """A paragraph about ``entry`` (anything with ``evidence`` and ``pointer``),
        citing its evidence."""
        if isinstance(content, str):
            content = plain(content)
        if entry is None:
            return Para(content, remark=remark)
        evidence: tuple[Evidence, ...] = getattr(entry, "evidence", ())
        anchor = self.anchor(getattr(entry, "id", None), entry.pointer)
        inferred = bool(evidence) and all(e.inferred for e in evidence)
        note = getattr(entry, "note", None)
        return Para(content, anchor, self.notes.cite(evidence, anchor), inferred,
                    remark if remark is not None else note)

    def merged(self, entries: Sequence[Any], text: Callable[[Any], str]) -> list[Block]:
        """One paragraph per distinct sentence: two entries that read the same (two
        quotes making one claim) are one paragraph citing both."""
        by_text: dict[str, list[Any]] = {}
        for entry in entries:
            by_text.setdefault(text(entry), []).append(entry)
        blocks: list[Block] = []
        for sentence_text, group in by_text.items():
            para = self.para(sentence_text, group[0])
            for other in group[1:]:
                assert para.anchor is not None
                extra = self.notes.cite(other.evidence, para.anchor)
                para = Para(para.content, para.anchor,
                            para.notes + tuple(n for n in extra if n not in para.notes),
                            para.inferred and all(e.inferred for e in other.evidence),
                            para.remark)
            blocks.append(para)
        return blocks

    def statements(self, statements: Sequence[Statement]) -> list[Block]:
        if not statements:
            return []
        return [Bullets(tuple(self.para(statement_sentence(self.policy, s), s)
                              for s in statements))]

    # -- the page

    def build(self) -> Page:
        policy = self.policy
        placed = _place_statements(policy)
        builders: dict[str, Callable[[list[Statement]], list[Block]]] = {
            "summary": lambda _: self.summary(),
            "who-we-are": lambda _: self.who_we_are(),
            "what-we-collect": self.what_we_collect,
            "why-we-use-it": self.why_we_use_it,
            "who-receives-it": self.who_receives_it,
            "transfers": self.transfers,
            "retention": self.retention,
            "rights": lambda _: self.rights(),
            "security": lambda _: self.security(),
            "cookies": lambda _: self.cookies(),
            "children": self.children,
            "changes": lambda _: self.changes(),
        }
        intro = self.intro()
        sections = tuple(Section(anchor, title, tuple(builders[anchor](placed.get(anchor, []))))
                         for anchor, title in _SECTIONS)
        return Page(f"Privacy policy of {policy.provider.name}", policy.language, intro,
                    sections, self.notes.notes(), self.footer())

    def intro(self) -> tuple[Para, ...]:
        policy = self.policy
        first = f"This is the privacy policy of {policy.provider.name}"
        if policy.title:
            first += f", published as \u201c{policy.title}\u201d"
        if policy.last_updated:
            first += f", last updated {partial_date(policy.last_updated)}"
        if policy.effective_date:
            first += f", in effect from {partial_date(policy.effective_date)}"
        second = (f"This page is generated from the machine-readable policy document "
                  f"\u201c{policy.id}\u201d (pypolicy format {policy.format_version}). The "
                  f"numbers in brackets link each statement to the words of the published "
                  f"policy it rests on (see \u201c{NOTES_TITLE}\u201d at the end). Where the "
                  f"policy does not say something, this page says so rather than guess; "
                  f"remarks marked \u201c{REMARK_LABEL}\u201d come from the person who "
                  f"annotated the policy, not from the policy itself.")
        return (Para(plain(sentence(first))), Para(plain(second)))

    def footer(self) -> tuple[Para, ...]:
        source = self.policy.source
        if source is None or not (source.url or source.archive_url or source.file):
            return (Para(plain("Generated by pypolicy.")),)
        content: list[Inline] = [Text("Source of the policy text: ")]
        if source.url:
            content.append(_http_link(source.url, source.url))
        elif source.file:
            content.append(Text(source.file))
        if source.retrieved:
            content.append(Text(f", retrieved {partial_date(source.retrieved)}"))
        if source.archive_url:
            content += [Text("; archived copy: "), _http_link(source.archive_url,
                                                              source.archive_url)]
        content.append(Text(". Generated by pypolicy."))
        return (Para(tuple(content)),)

    # -- at a glance

    def summary(self) -> list[Block]:
        policy = self.policy
        collected = labels(facts.summary_categories(facts.handled_categories(policy)))
        roles = labels(facts.recipient_roles(policy))
        kept = [f"{retention_period(r)} ({', '.join(data_names(policy, r.data))})"
                for r in policy.retention]
        destinations = places(facts.destinations(policy))
        if not destinations:
            destinations = "not stated"
            for promise in facts.transfer_promises(policy):
                words = statement_sentence(policy, promise).rstrip(".")
                destinations += "; promise: " + words[:1].lower() + words[1:]
        rights = labels(facts.rights(policy))
        rows = (
            ("Data we collect or use", ", ".join(collected) or "Not stated"),
            ("Shared with", ", ".join(roles) or "Not stated"),
            ("Transferred to", capitalise(destinations)),
            ("Kept for", capitalise("; ".join(kept)) or "Not stated"),
            ("Your rights", capitalise(", ".join(rights)) or "Not stated"),
        )
        table = Table("This policy at a glance", ("Question", "What the policy says"),
                      tuple(Row(Para(plain(name)), (plain(capitalise(value)),))
                            for name, value in rows), show_caption=False)
        return [table, Para(plain("Everything in this summary is explained, with its "
                                  "conditions and exceptions, in the sections below."))]

    # -- who we are

    def who_we_are(self) -> list[Block]:
        policy, provider = self.policy, self.policy.provider
        blocks: list[Block] = []
        text = f"We are {provider.name}"
        if provider.legal_name and provider.legal_name != provider.name:
            text += f" (legal name: {provider.legal_name})"
        if provider.country:
            text += f", established in {places([provider.country])}"
        content: list[Inline] = [Text(sentence(text))]
        if provider.address:
            content.append(Text(f" Our address: {sentence(provider.address)}"))
        if provider.homepage:
            content += [Text(" Website: "), _http_link(provider.homepage, provider.homepage),
                        Text(".")]
        blocks.append(self.para(tuple(content), provider))
        if provider.contacts:
            blocks.append(Para(plain("You can reach us about privacy matters here:")))
            blocks.append(Bullets(tuple(
                Para((Text(_CHANNEL_NAMES.get(c.channel, capitalise(label(c.channel))) + ": "),
                      _contact_inline(c.channel, c.value)))
                for c in provider.contacts)))
        else:
            blocks.append(Para(plain("This policy gives no contact details for privacy "
                                     "matters.")))
        for capacity in provider.capacities:
            role = _ROLE_AS_CAPACITY.get(capacity.role, label(capacity.role))
            scope = join(data_names(policy, capacity.data)) if capacity.data else \
                "the personal data this policy covers"
            blocks.append(self.para(f"We act as {role} for {scope}.", capacity))
        officer = policy.data_protection_officer
        if officer is not None:
            title = officer.title or "data protection officer"
            if officer.appointed:
                content = [Text(f"We have appointed a {title}")]
                for contact in officer.contacts:
                    content += [Text(f"; {label(contact.channel)}: "),
                                _contact_inline(contact.channel, contact.value)]
                content.append(Text("."))
                blocks.append(self.para(tuple(content), officer))
            else:
                blocks.append(self.para("We have not appointed a data protection officer.",
                                        officer))
        if policy.representative is not None:
            rep = policy.representative
            content = [Text(f"Our representative in the EU or the UK is {rep.name}")]
            for contact in rep.contacts:
                content += [Text(f"; {label(contact.channel)}: "),
                            _contact_inline(contact.channel, contact.value)]
            content.append(Text("."))
            blocks.append(self.para(tuple(content), rep))
        blocks += self.scope()
        return blocks

    def scope(self) -> list[Block]:
        policy = self.policy
        blocks: list[Block] = []
        service = policy.service
        if service is not None:
            text = "This policy covers "
            text += join(labels(service.service_kinds)) if service.service_kinds \
                else "our service"
            if service.description:
                text += f": {service.description}"
            text = sentence(text)
            if service.public_network is False:
                text += " The service is not connected to the public telephone network."
            elif service.public_network:
                text += " The service is connected to the public telephone network."
            blocks.append(self.para(text, service))
        if policy.audiences:
            blocks.append(Para(plain("It covers the personal data of:")))
            blocks.append(Bullets(tuple(
                self.para(label(a.subject) + (f" (\u201c{a.description}\u201d)"
                                              if a.description else ""), a)
                for a in policy.audiences)))
        for claim in policy.regimes:
            template = _STANCE.get(claim.stance, "{Regime}: " + label(claim.stance) + ".")
            regime = label(claim.regime)
            blocks.append(self.para(template.format(regime=regime,
                                                    Regime=capitalise(regime)), claim))
        return blocks

    # -- what we collect

    def what_we_collect(self, statements: list[Statement]) -> list[Block]:
        policy = self.policy
        blocks: list[Block] = []
        promised_only = _named_only_in_promises(policy)
        handled = [e for e in policy.data_categories if e.id not in promised_only]
        declined = [e for e in policy.data_categories if e.id in promised_only]
        if handled:
            blocks.append(self.data_table("The data this policy names", handled))
        if declined:
            blocks.append(self.data_table("Data this policy names only to say what it does "
                                          "not do with it", declined))
        if not policy.data_categories:
            blocks.append(Para(plain("This policy does not name the data it collects.")))
        for entry in policy.data_categories:
            if entry.mandatory is True:
                blocks.append(Para(plain(f"Providing {entry.name} is a legal or "
                                         f"contractual requirement.")))
            elif entry.mandatory is False:
                blocks.append(Para(plain(f"Providing {entry.name} is not a legal or "
                                         f"contractual requirement.")))
        blocks += self.statements(statements)
        return blocks

    def data_table(self, caption: str, entries: Sequence[DataEntry]) -> Table:
        policy = self.policy
        rows = []
        for entry in entries:
            sources = labels(entry.sources)
            if entry.source_parties:
                sources.append("from " + join(party_names(policy, entry.source_parties)))
            rows.append(Row(self.para(entry.name, entry), (
                plain("; ".join(entry.examples) or "\u2014"),
                plain(", ".join(labels(entry.categories))),
                plain(capitalise("; ".join(sources)) or "Not stated"),
                plain(capitalise(", ".join(labels(entry.subjects))) or "Not stated"),
            )))
        return Table(caption, ("Data", "Includes", "Kind of data", "Where it comes from",
                               "Whose data"), tuple(rows))

    # -- why

    def why_we_use_it(self, statements: list[Statement]) -> list[Block]:
        if not statements:
            return [Para(plain("This policy does not say why data is used."))]
        return self.statements(statements)

    # -- recipients

    def who_receives_it(self, statements: list[Statement]) -> list[Block]:
        policy = self.policy
        blocks: list[Block] = []
        recipient_ids = facts.recipient_ids(policy)
        recipients = [p for p in policy.parties if p.id in recipient_ids]
        if recipients:
            blocks.append(Table("Recipients this policy names",
                                ("Recipient", "Kind", "Examples named", "Location"),
                                tuple(Row(self.para(p.name, p), (
                                    plain(capitalise(", ".join(labels(p.roles)))),
                                    plain(", ".join(p.examples) or "\u2014"),
                                    plain(capitalise(_party_location(p)))))
                                    for p in recipients)))
        elif not statements:
            blocks.append(Para(plain("This policy does not say that data is shared with "
                                     "anyone.")))
        blocks += self.statements(statements)
        others = [p for p in policy.parties if p.id not in recipient_ids]
        if others:
            blocks.append(Subheading("Other parties this policy names"))
            blocks.append(Bullets(tuple(
                self.para(sentence(f"{p.name} ({', '.join(labels(p.roles))})"
                                   + (f", for example {join(list(p.examples))}"
                                      if p.examples else "")
                                   + (f"; location: {_party_location(p)}"
                                      if p.locations or p.outside else "")), p)
                for p in others)))
        return blocks

    # -- transfers

    def transfers(self, statements: list[Statement]) -> list[Block]:
        policy = self.policy
        blocks: list[Block] = []
        items: list[Para] = []
        for transfer in policy.transfers:
            # A transfer entry has no modality: named, not asserted as "we do" or "we may".
            what = join(data_names(policy, transfer.data)) if transfer.data else "your data"
            text = f"Transfers of {what} to {places(transfer.destinations)}"
            if transfer.recipients:
                text += ", to " + join(party_names(policy, transfer.recipients))
            mechanisms = [_MECHANISMS.get(m, "we rely on " + label(m))
                          for m in transfer.mechanisms]
            text += ": " + (join(mechanisms) + "." if mechanisms else "no safeguard is named.")
            items.append(self.para(text, transfer))
        items += [self.para(statement_sentence(policy, s), s) for s in statements]
        if items:
            blocks.append(Bullets(tuple(items)))
        if not policy.transfers and not statements:
            blocks.append(Para(plain("This policy does not say whether data is transferred "
                                     "to other countries.")))
        stored = []
        for entry in policy.storage:
            what = join(data_names(policy, entry.data)) if entry.data else "your data"
            if set(entry.locations) == {"unknownPlace"}:
                text = f"We store {what} in a place this policy does not name."
            else:
                text = sentence(f"we store {what} in {places(entry.locations)}")
            stored.append(self.para(text, entry))
        if stored:
            blocks.append(Subheading("Where we store it"))
            blocks.append(Bullets(tuple(stored)))
        return blocks

    # -- retention

    def retention(self, statements: list[Statement]) -> list[Block]:
        policy = self.policy
        blocks: list[Block] = []
        items = [self.para(" ".join(retention_sentences(policy, r)), r)
                 for r in policy.retention]
        items += [self.para(statement_sentence(policy, s), s) for s in statements]
        if items:
            blocks.append(Bullets(tuple(items)))
        if not policy.retention:
            blocks.append(Para(plain("This policy does not say how long data is kept.")))
        elif uncovered := _without_retention(policy):
            blocks.append(Para(plain(sentence("this policy gives no retention period for "
                                              + join(data_names(policy, uncovered))))))
        return blocks

    # -- rights

    def rights(self) -> list[Block]:
        policy = self.policy
        authority = policy.supervisory_authority
        authority_text = None
        if authority is not None:
            authority_text = authority.name
            if authority.homepage:
                authority_text += f" ({authority.homepage})"
        blocks: list[Block] = []
        if policy.rights:
            blocks.append(Bullets(tuple(
                self.para((Text(right_title(r.right) + ".", strong=True),
                           Text(" " + " ".join(right_sentences(r, authority_text)))), r)
                for r in policy.rights)))
        else:
            blocks.append(Para(plain("This policy does not name any rights.")))
        if authority is not None:
            text = f"The supervisory authority this policy names is {authority.name}"
            if authority.country:
                text += f", in {places([authority.country])}"
            content: list[Inline] = [Text(text)]
            if authority.homepage:
                content += [Text(" ("), _http_link(authority.homepage, authority.homepage),
                            Text(")")]
            content.append(Text("."))
            blocks.append(self.para(tuple(content), authority))
        decisions = policy.automated_decisions
        if decisions is not None:
            verb = {"does": "We make", "may": "We may make", "doesNot": "We do not make",
                    "onlyIf": "We make"}.get(decisions.modality, "We make")
            text = f"{verb} decisions based solely on automated processing, including profiling"
            if decisions.description:
                text += f": {decisions.description}"
            blocks.append(self.para(sentence(text), decisions))
        return blocks

    # -- security

    def security(self) -> list[Block]:
        policy = self.policy
        blocks: list[Block] = []
        measures = [m for m in policy.security_measures if m.measure]
        claims = [m for m in policy.security_measures if not m.measure]
        if measures:
            blocks.append(Para(plain("We say we use these security measures:")))
            blocks.append(Bullets(tuple(self.para(security_sentence(policy, m), m)
                                        for m in measures)))
        blocks += self.merged(claims, lambda m: security_sentence(policy, m))
        if not policy.security_measures:
            blocks.append(Para(plain("This policy does not describe how data is "
                                     "protected.")))
        breach = policy.breach_notification
        if breach is not None:
            verb = {"does": "we notify", "may": "we may notify",
                    "doesNot": "we do not notify", "onlyIf": "we notify"}.get(
                        breach.modality, "we notify")
            who = join(labels(breach.notifies)) or "anyone"
            text = f"If a data breach affects personal data, {verb} {who}"
            if breach.conditions:
                only = "only " if breach.modality == "onlyIf" else ""
                text += " " + only + join([condition(c) for c in breach.conditions])
            blocks.append(self.para(sentence(text), breach))
        return blocks

    # -- cookies

    def cookies(self) -> list[Block]:
        policy = self.policy
        tracking = policy.tracking
        if tracking is None:
            return [Para(plain("This policy does not mention cookies or similar "
                               "technologies."))]
        sentences = []
        if tracking.technologies:
            sentences.append(sentence("we use " + join(labels(tracking.technologies))))
        if tracking.cookie_kinds:
            sentences.append(sentence("the kinds of cookies we use are " + join(
                [_COOKIE_KINDS.get(k, label(k)) for k in tracking.cookie_kinds])))
        if tracking.third_parties:  # no modality here: named, not asserted as "do" or "may"
            sentences.append(sentence("other parties that place or read cookies: "
                                      + join(party_names(policy, tracking.third_parties))))
        sentences += [_CONSENT_MECHANISMS.get(m, sentence("consent: " + label(m)))
                      for m in tracking.consent_mechanisms]
        if tracking.do_not_track:
            sentences.append(_DO_NOT_TRACK.get(tracking.do_not_track,
                                               sentence(label(tracking.do_not_track))))
        if not sentences:
            sentences.append("This policy mentions tracking but says nothing specific.")
        return [self.para(" ".join(sentences), tracking)]

    # -- children

    def children(self, statements: list[Statement]) -> list[Block]:
        policy = self.policy
        children = policy.children
        blocks: list[Block] = []
        if children is not None:
            sentences = []
            if children.directed_to_children is True:
                sentences.append("Our service is directed to children.")
            elif children.directed_to_children is False:
                sentences.append("Our service is not directed to children.")
            if children.minimum_age is not None:
                sentences.append(f"We consider anyone under {children.minimum_age} a child.")
            if children.knowingly_collects is True:
                sentences.append("We knowingly collect data about children.")
            elif children.knowingly_collects is False:
                sentences.append("We do not knowingly collect data about children.")
            if children.deletes_on_discovery is True:
                sentences.append("If we learn that we hold a child's data, we delete it.")
            elif children.deletes_on_discovery is False:
                sentences.append("We do not delete a child's data when we learn of it.")
            if sentences:
                blocks.append(self.para(" ".join(sentences), children))
        blocks += self.statements(statements)
        if not blocks:
            blocks.append(Para(plain("This policy says nothing about children.")))
        return blocks

    # -- changes

    def changes(self) -> list[Block]:
        policy = self.policy
        blocks: list[Block] = []
        changes = policy.changes
        if changes is not None:
            sentences = []
            if changes.notices:
                sentences.append(sentence("we announce changes to this policy " + join(
                    [_NOTICES.get(n, label(n)) for n in changes.notices])))
            if changes.acceptance_by_continued_use is True:
                sentences.append("If you keep using the service after a change, we treat "
                                 "that as your acceptance of the changed policy.")
            elif changes.acceptance_by_continued_use is False:
                sentences.append("We do not treat your continued use of the service as "
                                 "acceptance of a changed policy.")
            if sentences:
                blocks.append(self.para(" ".join(sentences), changes))
        else:
            blocks.append(Para(plain("This policy does not say how changes to it are made "
                                     "known.")))
        if policy.last_updated:
            blocks.append(Para(plain(f"This version was last updated "
                                     f"{_on(policy.last_updated)}.")))
        else:
            blocks.append(Para(plain("This policy does not give the date it was last "
                                     "updated.")))
        if policy.effective_date:
            blocks.append(Para(plain(f"It is in effect from "
                                     f"{partial_date(policy.effective_date)}.")))
        return blocks


def _on(date: str) -> str:
    text = partial_date(date)
    return f"on {text}" if date.count("-") == 2 else f"in {text}"


def _party_location(party: Party) -> str:
    text = places(party.locations) if party.locations else ""
    if party.outside:
        text += ("; " if text else "") + "outside " + places(party.outside)
    return text or "not stated"


def _named_only_in_promises(policy: Policy) -> set[str]:
    """Data entries that only negative promises refer to ("we do not collect X")."""
    referred: set[str] = set()
    for rule in policy.retention:
        referred.update(rule.data)
    for transfer in policy.transfers:
        referred.update(transfer.data)
    for entry in policy.storage:
        referred.update(entry.data)
    for measure in policy.security_measures:
        referred.update(measure.data)
    for capacity in policy.provider.capacities:
        referred.update(capacity.data)
    negative: set[str] = set()
    for statement in policy.statements:
        (negative if statement.modality == "doesNot" else referred).update(statement.data)
    return negative - referred


def _without_retention(policy: Policy) -> list[str]:
    """Data the provider handles that no retention rule covers, by entry or by kind."""
    vocab = vocabulary()
    covered_ids = {d for rule in policy.retention for d in rule.data}
    covered_categories = policy.categories_of(covered_ids)
    result = []
    for data_id in facts.handled_data_ids(policy):
        if data_id in covered_ids:
            continue
        entry = policy.data_entry(data_id)
        if entry is None:
            continue
        if entry.categories and vocab.all_within(entry.categories, covered_categories):
            continue
        if all(vocab.is_within(c, "anonymousData") for c in entry.categories):
            continue
        result.append(data_id)
    return result


def _place_statements(policy: Policy) -> dict[str, list[Statement]]:
    """Each statement goes to exactly one section, the first that fits: children, places
    abroad, disclosure, pure collection, purposes and bases, other collection,
    keeping and deleting, else purposes."""
    vocab = vocabulary()
    placed: dict[str, list[Statement]] = {}

    def within(statement: Statement, broad: str) -> list[bool]:
        return [vocab.is_within(a, broad) for a in statement.actions]

    for statement in policy.statements:
        disclosing = within(statement, "disclose")
        collecting = within(statement, "collect")
        if "child" in statement.subjects:
            section = "children"
        elif statement.locations or statement.outside:
            section = "transfers"
        elif all(disclosing) or (statement.recipients and any(disclosing)):
            section = "who-receives-it"
        elif all(collecting) and not statement.legal_bases:
            section = "what-we-collect"
        elif statement.purposes or statement.legal_bases or statement.except_purposes:
            section = "why-we-use-it"
        elif any(collecting):
            section = "what-we-collect"
        elif all(a in ("store", "delete", "anonymise", "pseudonymise")
                 for a in statement.actions):
            section = "retention"
        else:
            section = "why-we-use-it"
        placed.setdefault(section, []).append(statement)
    return placed


def build_page(policy: Policy) -> Page:
    """The page for a policy (see the module docstring)."""
    return _Builder(policy).build()


def render(policy: Policy, fmt: Format) -> str:
    """The policy as Markdown, HTML or wrapped plain text."""
    page = build_page(policy)
    if fmt == "markdown":
        from pypolicy.render.markdown import write_markdown

        return write_markdown(page)
    if fmt == "html":
        from pypolicy.render.html import write_html

        return write_html(page)
    if fmt == "text":
        from pypolicy.render.plain import write_text

        return write_text(page)
    raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
