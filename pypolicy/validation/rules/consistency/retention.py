"""Storage and retention: a promise not to store some data against a retention rule
or storage location for it, and two retention periods for the same data."""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.model import Policy, RetentionRule, duration_days
from pypolicy.validation.rules._base import (
    TRANSPARENCY,
    HasEvidence,
    Rule,
    RuleContext,
    categories,
    citing,
    gdpr_family,
    register,
)
from pypolicy.validation.rules._reasoning import ByCategories

_STORE_BASE = """\
dataCategories:
  - {id: d-contacts, name: Contacts (Address Book), categories: [contactList]}
  - {id: d-card, name: credit card information, categories: [paymentCard]}
  - {id: d-all, name: personal information, categories: [personalData]}
"""


@register
class NotStoredButRetained(Rule):
    """A promise that some data is not stored ("we do not store your contacts on our
    servers") is contradicted by a retention rule or a storage location for that same
    data: either the data is kept, and the promise misleads, or it is not, and the
    retention rule is wrong. A general retention rule for all personal data does not
    contradict a promise about one kind of data; only a rule about data within the
    promise does.

    Not a notice duty: the text contradicts itself about retention (GDPR and UK GDPR
    Art. 5(1)(a) and 13(2)(a)). An error."""

    code = "VP201"
    name = "not-stored-but-retained"
    summary = "Data promised not to be stored has a retention rule or storage location."
    severity = Severity.ERROR
    kind = "contradiction"
    groups = ("consistency", "retention")
    layer = 3
    citations = citing({**TRANSPARENCY, **gdpr_family("Art. 5(1)(a) and 13(2)(a)")})
    fail_example = _STORE_BASE + """\
statements:
  - {id: s-no-store, modality: doesNot, actions: [store], data: [d-contacts]}
retention:
  - {id: r-contacts, data: [d-contacts], duration: P1Y}
"""
    pass_example = _STORE_BASE + """\
statements:
  - {id: s-no-store, modality: doesNot, actions: [store], data: [d-card]}
retention:
  - {id: r-all, data: [d-all], criteria: [purposeFulfilled, legalRequirement]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = ctx.policy, ctx.vocabulary
        assert policy is not None
        # the rules and storage places by the categories of their data: a promise finds
        # those about data within its own without trying each
        rules = ByCategories(vocab, (categories(policy, r.data) for r in policy.retention))
        stored = [entry for entry in policy.storage if entry.data]
        places = ByCategories(vocab, (categories(policy, e.data) for e in stored))
        for promise in policy.statements:
            if not promise.negative or promise.actors or \
                    (not vocab.all_within(promise.actions, ["store"]) and \
                    "store" not in promise.actions):
                continue
            promised = categories(policy, promise.data)
            kept: list[HasEvidence] = []
            for position in rules.all_within(promised):
                self.charge()
                kept.append(policy.retention[position])
            kept += [stored[position] for position in places.all_within(promised)]
            for item in kept:
                yield self.finding(
                    f"{promise.id} says the data is not stored, but {item.pointer} says how"
                    " long or where it is kept", [promise, item],
                    hint="if the data is kept only in some cases, state them as exceptions of"
                         " the promise")


@register
class ConflictingRetentionPeriods(Rule):
    """Two retention periods for the same data leave the reader unable to tell how long it
    is kept. Different periods are fine when they run from different events or cover
    different data; the same data with the same starting event and different periods is
    not.

    Not a notice duty as such: the text contradicts itself on one (GDPR and UK GDPR Art.
    13(2)(a); Cal. Civ. Code 1798.100(a)(3) under the CCPA). An error."""

    code = "VP202"
    name = "conflicting-retention-periods"
    summary = "The same data has two different retention periods."
    severity = Severity.ERROR
    kind = "contradiction"
    groups = ("consistency", "retention")
    layer = 3
    citations = citing({**TRANSPARENCY, **gdpr_family("Art. 13(2)(a)"),
                        "ccpa": "Cal. Civ. Code 1798.100(a)(3) (how long each category is kept)"})
    fail_example = _STORE_BASE + """\
retention:
  - {id: r-one, data: [d-card], duration: P1Y, from: endOfContract}
  - {id: r-two, data: [d-card], duration: P7Y, from: endOfContract}
"""
    pass_example = _STORE_BASE + """\
retention:
  - {id: r-one, data: [d-card], duration: P1Y, from: endOfContract}
  - {id: r-two, data: [d-contacts], duration: P7Y, from: endOfContract}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy = ctx.policy
        assert policy is not None
        rules = [r for r in policy.retention if r.duration]
        days = [duration_days(r.duration) for r in rules if r.duration]
        same_data = _RulesByData(policy, rules)
        for index, first in enumerate(rules):
            for position in same_data.later(index):
                self.charge()
                second = rules[position]
                if first.from_ and second.from_ and first.from_ != second.from_:
                    continue
                assert first.duration and second.duration
                if days[index] != days[position]:
                    yield self.finding(
                        f"{first.id} keeps the data for {first.duration} and {second.id} for"
                        f" {second.duration}", [first, second],
                        hint="say which period applies when, or give them different"
                             " starting events")


class _RulesByData:
    """Retention rules by data entry and by the categories of their data, so that each
    rule is compared with the rules about the same data, not with every rule."""

    def __init__(self, policy: Policy, rules: list[RetentionRule]) -> None:
        self.by_entry: dict[str, list[int]] = {}
        self.by_categories: dict[frozenset[str], list[int]] = {}
        self.categories = [categories(policy, rule.data) for rule in rules]
        self.data = [rule.data for rule in rules]
        for position, rule in enumerate(rules):
            for entry in dict.fromkeys(rule.data):
                self.by_entry.setdefault(entry, []).append(position)
            self.by_categories.setdefault(self.categories[position], []).append(position)

    def later(self, index: int) -> list[int]:
        """The positions after ``index`` of rules about the same data: sharing a data
        entry, or data entries of the same categories."""
        found: set[int] = set()
        for bucket in (*(self.by_entry[entry] for entry in self.data[index]),
                       self.by_categories[self.categories[index]]):
            found.update(bucket[bisect.bisect_right(bucket, index):])  # positions ascend
        return sorted(found)
