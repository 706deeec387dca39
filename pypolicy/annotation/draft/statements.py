"""Proposed data entries, parties and statements of practice.

A statement is proposed for each group of actions of a sentence that share a modality
(``modality.groups``) when the sentence says which data: a data category of the lexicon,
or words that refer to the data of the sentence before ("this information"). Its purposes,
legal bases, recipients, conditions, exceptions and places are those the lexicon finds in
the group's stretch of the sentence. Data entries are one per category the text names;
parties one per role it names as a recipient, and one per organisation it names.

Not a practice of the provider: an action word after an article ("the route taken"), the
verb of a relative clause about a party ("the operator that carries our traffic"). A
passive verb whose subject is not data ("if Acme is sold") takes no data named before it;
the agent of a passive processing verb with no data ("our switches are housed by a
colocation provider") receives data the text does not name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pypolicy.annotation.draft.lexicon import Mention
from pypolicy.annotation.draft.modality import Group, groups
from pypolicy.annotation.draft.proposals import Ids, Proposal
from pypolicy.annotation.draft.recipients import (
    acts_on_behalf,
    asked_for,
    is_passive,
    is_possessive,
    narrowed,
    passive_agents,
    passive_subject,
    points_back,
    provide_to,
    receives,
    with_examples,
)
from pypolicy.annotation.draft.rights import THIRD_PERSON_OFFER
from pypolicy.annotation.draft.text import OrganisationMention, PolicyText, Sentence
from pypolicy.annotation.draft.verbs import in_its_sense, is_practice

_SHARING = frozenset({"disclose", "share", "transfer", "sell", "makeAvailable"})
_PLACED = frozenset({"transfer", "store", "process", "disclose", "share"})
_ANAPHORA = re.compile(r"(?i)\b(?:this|such|that|these|the\s+collected|the\s+above|said)\s+"
                       r"(?:information|data|details)\b|\b(?:it|them)\b")
# A legal basis is proposed only where the sentence speaks of one (consent and contract
# words are otherwise conditions and service talk)
_BASIS_CUE = re.compile(r"(?i)\b(?:basis|bases|lawful|legal\s+ground|grounds|rely|relies|"
                        r"based\s+on|necessary\s+for|performance|as\s+our\s+contract|"
                        r"legitimate)\b")
_STRONG_BASES = frozenset({"contract", "legalObligation", "legitimateInterest", "vitalInterest",
                           "publicTask", "explicitConsent"})
# An action word used as a noun: "the use of", "your use of our services", "for internal use"
_NOUN_BEFORE = re.compile(r"(?i)\b(?:the|your|our|its|their|this|any|such|internal|personal|"
                          r"commercial|fair|for|of|a|an|no)\s*$")
# An action word right after an article is a noun whatever follows ("the route taken")
_ARTICLE_BEFORE = re.compile(r"(?i)\b(?:the|a|an|each|every)\s*$")
# A verb right after a relative pronoun that follows a party says what the party does
# ("the operator that carries our traffic"): no practice of the provider, unless the text
# says the party acts for it ("a vendor who stores it for us")
_RELATIVE_BEFORE = re.compile(r"(?i)\b(?:that|which|who)\s+(?:\w+ly\s+)?$")
_PRONOUN_FIRST = re.compile(r"(?i)(?:you|we|they)\b")  # "that you provide": a phrasing
_PARTICIPLE = re.compile(r"(?i)(?:ed|ing)$")
_CONTINUATION = re.compile(r"(?i)\s*(?:these|they|such|this\s+includes?|examples|recipients)\b")
_ABOUT_POLICY = re.compile(r"(?i)\b(?:this|our)\s+(?:privacy\s+)?(?:policy|notice|statement)\s+"
                           r"(?:\w+\s+){0,2}(?:outlines|describes|explains|sets\s+out|tells|"
                           r"informs|applies)\b")
_OFFER = re.compile(r"(?i)\bright(?:s)?\s+(?:to|of)\b|\byou\s+(?:can|may|could|are\s+entitled|"
                    r"have\s+the\s+right)\b|\bopt[- ]?out\b|\bunsubscribe\b|" + THIRD_PERSON_OFFER)
# The sentence that names the provider ("Acme Ltd ("Acme", "we") sells phone numbers")
# says what its business is: "sells numbers" there is no sale of anyone's data
_INTRODUCES_PROVIDER = re.compile(r"(?i)\(\s*(?:[\"“'‘][^\"”'’]{1,40}[\"”'’],?\s*)*"
                                  r"(?:the\s+)?[\"“'‘](?:we|us|our|the\s+company)[\"”'’,]")
# "We send", "We will also use": the provider is the subject of the sentence's first verb
_WE_FIRST = re.compile(r"(?i)^\W*we\s+(?:\w+\s+){0,2}$")
_SUBJECT_WE = re.compile(r"(?i)\b(?:we|us|our\s+company|i)\b")
# A subject that refers to data without naming a category ("it is sold", "which are kept")
_SUBJECT_DATA = re.compile(r"(?i)\b(?:it|they|this|these|those|which|that|such|information|"
                           r"data|details|records)\s*$")
_AUXILIARIES = re.compile(r"(?i)(?:\s+(?:can|could|may|might|will|would|shall|should|must|"
                          r"not|never|also|only|then|always|usually|normally|sometimes))+\s*$")
# Data named by no category: "information", "data", "details", "records"
_UNSTATED = re.compile(r"(?i)\b(?:information|data|details|records)\b")


@dataclass
class Drafted:
    """What this module proposes, with the look-ups the other extractors need."""

    data: dict[str, Proposal] = field(default_factory=dict)  # category term -> entry
    parties: dict[str, Proposal] = field(default_factory=dict)  # role or organisation
    statements: list[Proposal] = field(default_factory=list)
    sentence_data: dict[int, list[str]] = field(default_factory=dict)  # sentence -> data ids


def _actions(sentence: Sentence) -> list[Mention]:
    """Action mentions that are verbs: not inside a phrase of another scheme ("call
    records", "data processor"), not a noun after a determiner."""
    others = [m for scheme in ("DataCategory", "Party", "Purpose", "Right", "SecurityMeasure",
                               "TrackingTechnology", "RetentionCriterion", "Condition")
              for m in sentence.of(scheme)]
    kept = []
    spoken = sentence.of("Action")
    extra = [m for m in provide_to(sentence)
             if not any(a.start <= m.start < a.end for a in spoken)]
    for action in sorted([*spoken, *extra], key=lambda m: m.start):
        if any(o.start <= action.start and action.end <= o.end for o in others):
            continue
        before = sentence.text[:sentence.offset(action.start)]
        after = sentence.text[sentence.offset(action.end):sentence.offset(action.end) + 4]
        if (_NOUN_BEFORE.search(before) and after.lower().startswith(" of")) or \
                (_ARTICLE_BEFORE.search(before) and not _PARTICIPLE.search(action.words)):
            continue  # "the route taken"; but "the combined data" may say they are combined
        if _describes_party(sentence, before, action) and not acts_on_behalf(sentence):
            continue
        if not is_practice(sentence, action):
            continue
        kept.append(in_its_sense(sentence, action))
    return kept


def _describes_party(sentence: Sentence, before: str, action: Mention) -> bool:
    """Whether the action is the verb of a relative clause about a party ("the operator
    that carries our traffic"): it says what the party does, not what the provider does."""
    relative = _RELATIVE_BEFORE.search(before)
    if not relative or _PRONOUN_FIRST.match(action.words):
        return False
    antecedent_end = sentence.span.start + relative.start()
    ends = [m.end for m in sentence.of("Party")] + [o.end for o in sentence.organisations]
    return any(0 <= antecedent_end - end <= 2 for end in ends)


class StatementDrafter:
    def __init__(self, text: PolicyText, ids: Ids,
                 is_retention: Callable[[Sentence], bool]) -> None:
        self.text = text
        self.ids = ids
        self.is_retention = is_retention
        self.out = Drafted()

    # ------------------------------------------------------------- entries

    def data_entry(self, mention: Mention, sentence: Sentence) -> str:
        proposal = self.out.data.get(mention.term)
        if proposal is None:
            entry = {"id": self.ids.new("d", mention.term), "name": mention.words,
                     "categories": [mention.term]}
            proposal = Proposal("dataCategories", entry, [sentence],
                                f"the words {mention.words!r} name {mention.term}")
            self.out.data[mention.term] = proposal
        return str(proposal.entry["id"])

    def generic_data(self, sentence: Sentence) -> str:
        """The entry for personal data in general, for a rule or statement that names none."""
        mention = Mention("DataCategory", "personalData", sentence.span.start,
                          sentence.span.start, "personal data")
        return self.data_entry(mention, sentence)

    def party(self, mention: Mention, sentence: Sentence) -> str:
        proposal = self.out.parties.get(mention.term)
        if proposal is None:
            entry: dict[str, Any] = {"id": self.ids.new("p", mention.words), "name": mention.words,
                                     "roles": [mention.term]}
            proposal = Proposal("parties", entry, [sentence],
                                f"the words {mention.words!r} name a {mention.term}")
            self.out.parties[mention.term] = proposal
        else:
            proposal.cite(sentence)
        self._place_party(proposal, sentence)
        return str(proposal.entry["id"])

    def organisation(self, found: OrganisationMention, sentence: Sentence) -> str:
        organisation = found.organisation
        key = f"org:{organisation.name}"
        proposal = self.out.parties.get(key)
        if proposal is None:
            entry: dict[str, Any] = {"id": self.ids.new("p", organisation.name),
                                     "name": found.words, "roles": [organisation.role],
                                     "examples": [organisation.name]}
            proposal = Proposal("parties", entry, [sentence],
                                f"{found.words!r} is a {organisation.role} (organisations.yaml)")
            self.out.parties[key] = proposal
            if not sentence.places:
                entry["locations"] = [organisation.country]
                proposal.inferred.append(
                    (f"{organisation.name} is established in {organisation.country} "
                     "(pypolicy's list of organisations); the policy does not say where.",
                     None))
        self._place_party(proposal, sentence)
        return str(proposal.entry["id"])

    @staticmethod
    def _place_party(proposal: Proposal, sentence: Sentence) -> None:
        inside = sorted({p.place for p in sentence.places if not p.outside})
        outside = sorted({p.place for p in sentence.places if p.outside})
        if inside and len(sentence.terms("Party")) + len(sentence.organisations) == 1:
            proposal.entry["locations"] = sorted({*proposal.entry.get("locations", ()), *inside})
            proposal.inferred = []
        if outside and len(sentence.terms("Party")) + len(sentence.organisations) == 1:
            proposal.entry["outside"] = outside

    # ------------------------------------------------------------- statements

    def run(self) -> Drafted:
        previous_data: list[str] = []
        previous_section: str | None = None
        for sentence in self.text.sentences:
            if sentence.section != previous_section:
                previous_data, previous_section = [], sentence.section
            data = self._data_of(sentence, sentence.span.start, sentence.span.end)
            if data:
                self.out.sentence_data[sentence.index] = data
            if self._continued_list(sentence) or not self._states_practice(sentence):
                if data:
                    previous_data = data
                continue
            actions = _actions(sentence)
            for group in groups(sentence, actions):
                if self._other_subject(sentence, group):
                    # "if Acme is sold": the data named before the subject is not sold
                    group_data = self._data_of(sentence, group.actions[0].start, group.scope_end)
                else:
                    group_data = self._data_of(sentence, group.scope_start,
                                               group.scope_end) or data
                if not group_data and _ANAPHORA.search(sentence.text):
                    group_data = previous_data
                if not group_data and self._agent_share(sentence, group):
                    continue
                if not group_data and not self._shares_unstated(sentence, group):
                    continue
                self._statement(sentence, group, group_data)
            if data:
                previous_data = data
        return self.out

    def _states_practice(self, sentence: Sentence) -> bool:
        """Whether the sentence may state a practice: not one offering a right, describing
        the policy itself or naming the provider, naming a security measure, or giving a
        retention period (those are proposed as rights, security entries and retention
        rules)."""
        offer = _OFFER.search(sentence.text)
        if sentence.of("Right") and offer and not self._practice_first(sentence, offer.start()):
            return False
        if _ABOUT_POLICY.search(sentence.text) or _INTRODUCES_PROVIDER.search(sentence.text):
            return False
        # action words, not those of a data phrase ("call detail records", "call logs")
        data = sentence.of("DataCategory")
        verbs = {m.term for m in sentence.of("Action")
                 if not any(d.start <= m.start and m.end <= d.end for d in data)}
        if sentence.of("SecurityMeasure") and verbs <= {"use", "process", "store"}:
            return False
        return not (self.is_retention(sentence) and
                    verbs <= {"store", "delete", "anonymise", "process"})

    @staticmethod
    def _practice_first(sentence: Sentence, offer_start: int) -> bool:
        """Whether the sentence opens with a practice of the provider before it offers a
        right ("We send product news by email, and every message has an unsubscribe
        link"): the practice is stated all the same."""
        verbs = [a for a in _actions(sentence) if sentence.offset(a.start) < offer_start]
        return bool(verbs) and bool(_WE_FIRST.match(sentence.text[:sentence.offset(
            verbs[0].start)]))

    def _pointed_at(self, sentence: Sentence, group: Group) -> tuple[
            list[Mention], list[OrganisationMention], Sentence]:
        """Parties named before the action that receive the data: pointed back at ("to
        them") or asking for it ("may require us to disclose"); with "to them" and no party
        before it, the parties of the sentence before. With the sentence that names them."""
        first, last = group.actions[0].start, group.actions[-1].end
        if not set(a.term for a in group.actions) & _SHARING:
            return [], [], sentence
        pointing = points_back(sentence, last)
        if not pointing and not asked_for(sentence, first):
            return [], [], sentence
        parties = [m for m in sentence.of("Party") if group.scope_start <= m.start < first]
        named = [o for o in sentence.organisations if group.scope_start <= o.start < first]
        if parties or named or not pointing or sentence.index == 0:
            return parties, named, sentence
        before = self.text.sentences[sentence.index - 1]
        if before.section != sentence.section:
            return [], [], sentence
        return list(before.of("Party")), list(before.organisations), before

    def _shares_unstated(self, sentence: Sentence, group: Group) -> bool:
        """A sharing that names its recipients but not its data ("We may share information
        with: the carriers ...", "we answer subpoenas from the police"): a statement with
        the data unstated (format 1.1)."""
        if not {a.term for a in group.actions} & _SHARING:
            return False
        # "we answer subpoenas": the action names the request its answer discloses to
        answers_request = any(a.start <= c.start and c.end <= a.end for a in group.actions
                              for c in sentence.of("Condition"))
        if not answers_request and not _UNSTATED.search(
                sentence.text[sentence.offset(group.scope_start):
                              sentence.offset(group.scope_end)]):
            return False
        first = group.actions[0].start
        back, back_named, _cited = self._pointed_at(sentence, group)
        return any(first <= m.start < group.scope_end for m in sentence.of("Party")) or \
            any(first <= o.start < group.scope_end for o in sentence.organisations) or \
            bool(back or back_named)

    def _other_subject(self, sentence: Sentence, group: Group) -> bool:
        """Whether a passive action has a subject of its own that is no data ("if Acme is
        sold", "our servers are hosted by"): the data of the rest of the sentence is not
        what it acts on."""
        action = group.actions[0]
        if not is_passive(sentence, action):
            return False
        subject = _AUXILIARIES.sub("", passive_subject(sentence, action))
        words = subject.split()[-3:]
        if not words or _SUBJECT_DATA.search(" ".join(words)):
            return False
        subject_start = sentence.span.start + len(subject.rstrip()) - len(" ".join(words))
        return not any(m.end > subject_start for m in sentence.of("DataCategory")
                       if m.end <= sentence.span.start + len(subject.rstrip()))

    def _agent_share(self, sentence: Sentence, group: Group) -> bool:
        """A processing verb in the passive with its agent named ("our switches are housed
        by a colocation provider") and no data stated: the provider gives the agent the data
        it works on, not saying which (a share statement, data unstated)."""
        parties, named = passive_agents(sentence, group.actions[0])
        if (not parties and not named) or group.modality == "doesNot":
            return False
        recipients = [self.party(narrowed(sentence, m), sentence) for m in parties]
        recipients += [self.organisation(o, sentence) for o in named]
        entry: dict[str, Any] = {"id": self.ids.new("s", "share"), "modality": group.modality,
                                 "actions": ["share"],
                                 "recipients": list(dict.fromkeys(recipients))}
        inside = list(dict.fromkeys(p.place for p in sentence.places if not p.outside and
                                    group.scope_start <= p.start < group.scope_end))
        if inside:
            entry["locations"] = inside
        self.out.statements.append(Proposal(
            "statements", entry, [sentence],
            f"the party after {group.actions[0].words!r} by does the processing: it receives "
            "the data, which the text does not state"))
        return True

    def _continued_list(self, sentence: Sentence) -> bool:
        """A sentence that lists the recipients of the sharing statement before it ("These
        providers may include carriers, payment processors and billing vendors")."""
        if not self.out.statements or not _CONTINUATION.match(sentence.text):
            return False
        last = self.out.statements[-1]
        if last.sentences[-1].index != sentence.index - 1 or \
                not set(last.entry["actions"]) & _SHARING:
            return False
        parties = [self.party(m, sentence) for m in sentence.of("Party")]
        parties += [self.organisation(o, sentence) for o in sentence.organisations]
        if not parties:
            return False
        last.entry["recipients"] = list(dict.fromkeys([*last.entry.get("recipients", ()),
                                                       *parties]))
        last.cite(sentence)
        return True

    def _data_of(self, sentence: Sentence, start: int, end: int) -> list[str]:
        return list(dict.fromkeys(self.data_entry(m, sentence) for m in sentence.of("DataCategory")
                                  if start <= m.start < end))

    def _statement(self, sentence: Sentence, group: Group, data: list[str]) -> None:
        actions = list(dict.fromkeys(a.term for a in group.actions))
        entry: dict[str, Any] = {"id": self.ids.new("s", "-".join(actions[:2])),
                                 "modality": group.modality, "actions": actions}
        if data:
            entry["data"] = data
        first = group.actions[0].start
        subject = sentence.text[:sentence.offset(first)]
        in_scope = [(scheme, m) for scheme in ("Purpose", "LegalBasis", "Party")
                    for m in sentence.of(scheme) if group.scope_start <= m.start < group.scope_end]
        actors = [m for scheme, m in in_scope if scheme == "Party" and m.end <= first]
        back, back_named, back_sentence = self._pointed_at(sentence, group)
        if actors and not _SUBJECT_WE.search(subject) and not (back or back_named):
            entry["actors"] = [self.party(actors[-1], sentence)]
        purposes = list(dict.fromkeys(m.term for scheme, m in in_scope if scheme == "Purpose"))
        if purposes:
            entry["purposes"] = purposes
            if group.closed_purposes:
                entry["exhaustive"] = ["purposeList"]
        bases = [m.term for scheme, m in in_scope if scheme == "LegalBasis"
                 and (m.term in _STRONG_BASES or _BASIS_CUE.search(sentence.text))]
        if bases and _BASIS_CUE.search(sentence.text):
            entry["legalBases"] = list(dict.fromkeys(bases))
        sharing = bool(set(actions) & _SHARING)
        named = [o for o in sentence.organisations
                 if group.scope_start <= o.start < group.scope_end
                 and receives(sentence, o.start, True) and not is_possessive(sentence, o.end)]
        after = with_examples(sentence, [m for scheme, m in in_scope if scheme == "Party"
                                         and m.start >= first
                                         and receives(sentence, m.start, sharing)
                                         and not is_possessive(sentence, m.end)],
                              [o.start for o in named])
        recipients = [self.party(narrowed(sentence, m), back_sentence) for m in back]
        recipients += [self.organisation(o, back_sentence) for o in back_named]
        recipients += [self.party(narrowed(sentence, m), sentence) for m in after]
        recipients += [self.organisation(o, sentence) for o in named
                       if o not in back_named]
        if recipients:
            entry["recipients"] = list(dict.fromkeys(recipients))
        if set(actions) & _PLACED or "outside" in sentence.lower():
            places = [p for p in sentence.places if group.scope_start <= p.start < group.scope_end]
            inside = list(dict.fromkeys(p.place for p in places if not p.outside))
            outside = list(dict.fromkeys(p.place for p in places if p.outside))
            if inside:
                entry["locations"] = inside
            if outside:
                entry["outside"] = outside
        if group.conditions:
            entry["conditions"] = group.conditions
        if group.exceptions:
            entry["exceptions"] = group.exceptions
        words = ", ".join(repr(a.words) for a in group.actions)
        reason = (f"{group.modality} from {group.cue!r}; " if group.cue else "") + \
            f"actions from {words}"
        if not data:
            reason += "; the data is not stated (a sharing with its recipients)"
        cited = [sentence] if back_sentence is sentence or not recipients else \
            [back_sentence, sentence]
        self.out.statements.append(Proposal("statements", entry, cited, reason))
        if "actors" in entry and group.modality != "doesNot" and data and \
                acts_on_behalf(sentence):
            # the party works on the data for the provider: the provider gives it the data
            shared = {"id": self.ids.new("s", "share"), "modality": "does",
                      "actions": ["share"], "data": data, "recipients": entry["actors"]}
            self.out.statements.append(Proposal(
                "statements", shared, [sentence],
                "a party that acts on our behalf receives the data it works on"))
