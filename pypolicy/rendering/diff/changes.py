"""Comparing two versions of a policy: each topic's changes (data, purposes,
recipients, transfers, retention, rights, statements and promises, where the service is
offered (``places``), the document), and ``diff`` putting them in report order.

Statements are matched by content first, then by id, so that renumbering is not a change;
retention rules by id, then by the same data, then by overlapping data.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence

from pypolicy.format.durations import duration_days
from pypolicy.format.model import Policy, RetentionRule, RightEntry, Statement
from pypolicy.format.vocabulary import vocabulary
from pypolicy.rendering import facts
from pypolicy.rendering.diff.kinds import CHANGE_KINDS, Change, PolicyDiff
from pypolicy.rendering.diff.places import market_changes, place_covered, place_name
from pypolicy.rendering.phrases.basics import (
    capitalise,
    data_names,
    join,
    label,
    partial_date,
    party_names,
)
from pypolicy.rendering.phrases.protections import right_sentences
from pypolicy.rendering.phrases.retention import retention_sentences
from pypolicy.rendering.phrases.statements import statement_sentence

# Terms too general to cover anything: a policy that says it collects "personal data"
# and later names call recordings has added something a reader cares about.
_TOO_GENERAL = frozenset({"anyData", "personalData", "anyPurpose"})


def _covered(term: str, others: Iterable[str]) -> bool:
    vocab = vocabulary()
    return any(o == term or (o not in _TOO_GENERAL and vocab.is_within(term, o))
               for o in others)


def _entries_with(policy: Policy, category: str) -> list[str]:
    vocab = vocabulary()
    entries = (policy.data_entry(d) for d in facts.handled_data_ids(policy))
    return [e.name for e in entries
            if e is not None and any(vocab.is_within(c, category) for c in e.categories)]


def _quoted(names: Sequence[str]) -> str:
    return join([f"\u201c{n}\u201d" for n in names])


def _data_changes(old: Policy, new: Policy) -> list[Change]:
    changes = []
    old_categories, new_categories = facts.handled_categories(old), facts.handled_categories(new)
    for category in facts.sort_terms(new_categories, "DataCategory"):
        if not _covered(category, old_categories):
            where = _entries_with(new, category)
            changes.append(Change("data-category-added", capitalise(label(category))
                                  + (f" (in {_quoted(where)})" if where else ""),
                                  new=label(category)))
    for category in facts.sort_terms(old_categories, "DataCategory"):
        if not _covered(category, new_categories):
            changes.append(Change("data-category-removed", capitalise(label(category)),
                                  old=label(category)))
    return changes


def _purpose_changes(old: Policy, new: Policy) -> list[Change]:
    changes = []
    old_purposes, new_purposes = facts.purposes(old), facts.purposes(new)
    for purpose in facts.sort_terms(new_purposes, "Purpose"):
        if not _covered(purpose, old_purposes):
            changes.append(Change("purpose-added", capitalise(label(purpose)),
                                  new=label(purpose)))
    for purpose in facts.sort_terms(old_purposes, "Purpose"):
        if not _covered(purpose, new_purposes):
            changes.append(Change("purpose-removed", capitalise(label(purpose)),
                                  old=label(purpose)))
    return changes


def _parties_with_role(policy: Policy, role: str) -> list[str]:
    return [p.name for p in policy.parties
            if p.id in facts.recipient_ids(policy) and role in p.roles]


def _recipient_changes(old: Policy, new: Policy) -> list[Change]:
    changes = []
    old_roles, new_roles = set(facts.recipient_roles(old)), set(facts.recipient_roles(new))
    for role in facts.sort_terms(new_roles - old_roles, "Party"):
        names = _parties_with_role(new, role)
        changes.append(Change("recipient-added", capitalise(label(role))
                              + (f" ({_quoted(names)})" if names else ""), new=label(role)))
    for role in facts.sort_terms(old_roles - new_roles, "Party"):
        names = _parties_with_role(old, role)
        changes.append(Change("recipient-removed", capitalise(label(role))
                              + (f" ({_quoted(names)})" if names else ""), old=label(role)))
    return changes


def _mechanisms_by_place(policy: Policy) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    for transfer in policy.transfers:
        for destination in transfer.destinations:
            result.setdefault(destination, set()).update(transfer.mechanisms)
    return result


def _transfer_changes(old: Policy, new: Policy) -> list[Change]:
    changes = []
    old_places, new_places = facts.destinations(old), facts.destinations(new)
    for destination in new_places:
        if not place_covered(destination, old_places):
            changes.append(Change("transfer-destination-added",
                                  capitalise(place_name(destination)),
                                  new=place_name(destination)))
    for destination in old_places:
        if not place_covered(destination, new_places):
            changes.append(Change("transfer-destination-removed",
                                  capitalise(place_name(destination)),
                                  old=place_name(destination)))
    old_mechanisms, new_mechanisms = _mechanisms_by_place(old), _mechanisms_by_place(new)
    for destination in sorted(set(old_mechanisms) & set(new_mechanisms)):
        where = place_name(destination)
        for mechanism in sorted(new_mechanisms[destination] - old_mechanisms[destination]):
            changes.append(Change("transfer-safeguard-added",
                                  f"{capitalise(label(mechanism))} for transfers to {where}",
                                  new=label(mechanism)))
        for mechanism in sorted(old_mechanisms[destination] - new_mechanisms[destination]):
            changes.append(Change("transfer-safeguard-removed",
                                  f"{capitalise(label(mechanism))} for transfers to {where}",
                                  old=label(mechanism)))
    return changes


# --- retention

def _match(old_items: Sequence[RetentionRule], new_items: Sequence[RetentionRule],
           old: Policy, new: Policy) -> tuple[list[tuple[RetentionRule, RetentionRule]],
                                              list[RetentionRule], list[RetentionRule]]:
    """Pair retention rules by id, then by the same data, then by overlapping data names:
    each old rule with the first new rule left that matches it, found through an index
    of the new rules (by id, by data names, by each data name), not by searching them all
    for each old rule."""
    pairs: list[tuple[RetentionRule, RetentionRule]] = []
    old_names = [frozenset(data_names(old, rule.data)) for rule in old_items]
    new_names = [frozenset(data_names(new, rule.data)) for rule in new_items]
    old_left = list(range(len(old_items)))
    taken: set[int] = set()  # new rules paired

    def first_left(positions: list[int], start: list[int]) -> int | None:
        """The first position not taken in an ascending list, skipping from ``start``."""
        while start[0] < len(positions) and positions[start[0]] in taken:
            start[0] += 1
        return positions[start[0]] if start[0] < len(positions) else None

    def by_key(keys: Sequence[Iterable[object]]) -> dict[object, tuple[list[int], list[int]]]:
        table: dict[object, tuple[list[int], list[int]]] = {}
        for position, rule_keys in enumerate(keys):
            if position not in taken:
                for key in rule_keys:
                    table.setdefault(key, ([], [0]))[0].append(position)
        return table

    stages: list[tuple[Sequence[Iterable[object]], Callable[[int], Iterable[object]]]] = [
        ([(rule.id,) for rule in new_items], lambda o: (old_items[o].id,)),
        ([(names,) for names in new_names], lambda o: (old_names[o],)),
        (new_names, lambda o: old_names[o]),
    ]
    for new_keys, old_keys in stages:
        table = by_key(new_keys)
        unmatched = []
        for o in old_left:
            found = [first_left(*table[key]) for key in old_keys(o) if key in table]
            candidates = [n for n in found if n is not None]
            if candidates:
                n = min(candidates)
                taken.add(n)
                pairs.append((old_items[o], new_items[n]))
            else:
                unmatched.append(o)
        old_left = unmatched
    return pairs, [old_items[o] for o in old_left], \
        [rule for n, rule in enumerate(new_items) if n not in taken]


def _rule_text(policy: Policy, rule: RetentionRule) -> str:
    return " ".join(retention_sentences(policy, rule))


def _longer_or_shorter(old_duration: str, new_duration: str) -> str:
    """The kind of change between two periods; a period beyond any a policy means
    (refused by the parser) is only "changed", since it cannot be compared."""
    try:
        old_days, new_days = duration_days(old_duration), duration_days(new_duration)
    except ValueError:
        return "retention-changed"
    if new_days > old_days:
        return "retention-longer"
    if new_days < old_days:
        return "retention-shorter"
    return "retention-changed"


def _bounds(rule: RetentionRule) -> tuple[float, float] | None:
    """The shortest and longest time a rule keeps data, in days (a minimum alone has no
    longest: inf); None when the rule gives no period or a period beyond comparison."""
    try:
        if rule.duration:
            days = duration_days(rule.duration)
            return days, days
        if rule.period is not None:
            low = duration_days(rule.period.at_least) if rule.period.at_least else 0.0
            high = duration_days(rule.period.at_most) if rule.period.at_most \
                else float("inf")
            return low, high
    except ValueError:
        return None
    return None


def _period_change(o: RetentionRule, n: RetentionRule) -> str:
    """Longer when either end of the period moves out or a hedge appears ("usually 90
    days" may be more), shorter when both move in; a range or bound (format 1.1)
    compares by its ends."""
    if n.qualifier and not o.qualifier:
        return "retention-longer"
    old_bounds, new_bounds = _bounds(o), _bounds(n)
    if old_bounds is None or new_bounds is None or o.from_ != n.from_:
        return "retention-changed"
    if o.duration and n.duration:
        return _longer_or_shorter(o.duration, n.duration)
    if new_bounds[0] > old_bounds[0] or new_bounds[1] > old_bounds[1]:
        return "retention-longer"
    if new_bounds[0] < old_bounds[0] or new_bounds[1] < old_bounds[1]:
        return "retention-shorter"
    return "retention-changed"


def _retention_changes(old: Policy, new: Policy) -> list[Change]:
    changes = []
    pairs, removed, added = _match(old.retention, new.retention, old, new)
    for o, n in pairs:
        before, after = _rule_text(old, o), _rule_text(new, n)
        if before == after:
            continue
        names = join(data_names(new, n.data))
        kind = _period_change(o, n)
        if n.indefinite and not o.indefinite:
            kind = "retention-longer"
        elif o.indefinite and not n.indefinite and (n.duration or n.criteria):
            kind = "retention-shorter"
        if set(n.exceptions) - set(o.exceptions):
            kind = "retention-longer"
        changes.append(Change(kind, names, before, after, o.pointer, n.pointer))
    for rule in added:
        changes.append(Change("retention-added", join(data_names(new, rule.data)), None,
                              _rule_text(new, rule), None, rule.pointer))
    for rule in removed:
        changes.append(Change("retention-removed", join(data_names(old, rule.data)),
                              _rule_text(old, rule), None, rule.pointer, None))
    return changes


# --- rights

def _right_text(right: RightEntry) -> str:
    return " ".join(right_sentences(right))


def _right_changes(old: Policy, new: Policy) -> list[Change]:
    changes = []
    old_rights = {r.right: r for r in old.rights}
    new_rights = {r.right: r for r in new.rights}
    for term in facts.sort_terms(set(new_rights) - set(old_rights), "Right"):
        changes.append(Change("right-added", capitalise(label(term)), None,
                              _right_text(new_rights[term]), None,
                              new_rights[term].pointer))
    for term in facts.sort_terms(set(old_rights) - set(new_rights), "Right"):
        changes.append(Change("right-removed", capitalise(label(term)),
                              _right_text(old_rights[term]), None, old_rights[term].pointer,
                              None))
    for term in facts.sort_terms(set(old_rights) & set(new_rights), "Right"):
        before, after = _right_text(old_rights[term]), _right_text(new_rights[term])
        if before != after:
            changes.append(Change("right-changed", capitalise(label(term)), before, after,
                                  old_rights[term].pointer, new_rights[term].pointer))
    return changes


# --- statements and promises

def _content(policy: Policy, statement: Statement) -> tuple[object, ...]:
    """What a statement says, with references resolved to names: two statements with
    the same content say the same thing whatever their ids."""
    return (statement.modality, frozenset(statement.actions),
            frozenset(data_names(policy, statement.data)),
            frozenset(party_names(policy, statement.actors)),
            frozenset(statement.purposes), frozenset(statement.legal_bases),
            frozenset(party_names(policy, statement.recipients)),
            frozenset(statement.subjects), frozenset(statement.locations),
            frozenset(statement.outside), frozenset(statement.conditions),
            frozenset(statement.exceptions), frozenset(statement.except_purposes),
            # format 1.1: how firmly, which lists are closed or examples, where, whose duty
            statement.qualifier, frozenset(statement.exhaustive),
            frozenset(statement.illustrative), frozenset(statement.systems),
            statement.duty, frozenset(statement.consequences))


def _pair_statements(old: Policy, new: Policy, old_items: Sequence[Statement],
                     new_items: Sequence[Statement]
                     ) -> tuple[list[tuple[Statement, Statement]], list[Statement],
                                list[Statement]]:
    """Same content (whatever the id) first, then same id; the rest is added or removed.
    Each old statement takes the first new one left with its content, found through an
    index of the new statements by content (not by comparing it with each of them)."""
    pairs: list[tuple[Statement, Statement]] = []
    by_content: dict[tuple[object, ...], deque[int]] = {}
    for position, statement in enumerate(new_items):
        by_content.setdefault(_content(new, statement), deque()).append(position)
    taken: set[int] = set()
    old_left: list[Statement] = []
    for o in old_items:
        same = by_content.get(_content(old, o))
        if same:
            taken.add(same.popleft())
        else:
            old_left.append(o)
    new_left = [n for position, n in enumerate(new_items) if position not in taken]
    by_id = {n.id: n for n in new_left}
    removed: list[Statement] = []
    paired: set[int] = set()  # the new statements paired by id (by identity)
    for o in old_left:
        n = by_id.pop(o.id, None)
        if n is not None:
            pairs.append((o, n))
            paired.add(id(n))
        else:
            removed.append(o)
    return pairs, removed, [n for n in new_left if id(n) not in paired]


def _weakened(old: Policy, new: Policy, before: Statement, after: Statement) -> bool:
    """Whether a promise now covers less or allows more."""
    vocab = vocabulary()
    if set(after.exceptions) - set(before.exceptions):
        return True
    # format 1.1: a hedge added ("we usually do not"), a list no longer closed ("only
    # with A" -> "with A") or opened up ("such as")
    if after.qualifier and after.qualifier != before.qualifier:
        return True
    if set(before.exhaustive) - set(after.exhaustive):
        return True
    if set(after.illustrative) - set(before.illustrative):
        return True
    if after.positive and after.exhaustive:
        # a closed list that grew allows more ("only with A" -> "only with A and B")
        grown = {
            "recipientList": set(party_names(new, after.recipients))
            - set(party_names(old, before.recipients)),
            "dataList": set(data_names(new, after.data)) - set(data_names(old, before.data)),
            "purposeList": set(after.purposes) - set(before.purposes),
            "locationList": set(after.locations) - set(before.locations),
            "systemList": set(after.systems) - set(before.systems),
        }
        if any(grown.get(kind) for kind in after.exhaustive):
            return True
    if set(after.except_purposes) - set(before.except_purposes):
        return True
    if not vocab.all_within(before.actions, after.actions):
        return True
    if before.data and not vocab.all_within(old.categories_of(before.data),
                                            new.categories_of(after.data)):
        return True
    closed_recipients = after.positive and "recipientList" in after.exhaustive
    if set(party_names(old, before.recipients)) - set(party_names(new, after.recipients)) \
            and after.recipients and not closed_recipients:  # fewer allowed is no weakening
        return True
    if after.modality == "onlyIf" and set(before.conditions) - set(after.conditions):
        return True
    if after.modality == "doesNot" and set(after.conditions) - set(before.conditions):
        return True
    return (bool(after.locations) and not before.locations) or \
        set(before.outside) != set(after.outside)


def _statement_changes(old: Policy, new: Policy) -> list[Change]:
    changes: list[Change] = []

    def is_promise(s: Statement) -> bool:
        # a closed list ("only with our carriers", format 1.1) is a restriction too
        return s.modality in ("doesNot", "onlyIf") or bool(s.exhaustive)

    pairs, removed, added = _pair_statements(old, new, old.statements, new.statements)
    for o, n in pairs:
        before, after = statement_sentence(old, o), statement_sentence(new, n)
        if is_promise(o) and not is_promise(n):
            kind = "promise-broken"
        elif is_promise(o):
            kind = "promise-weakened" if _weakened(old, new, o, n) else "promise-changed"
        elif is_promise(n):
            kind = "promise-made"
        else:
            kind = "statement-changed"
        changes.append(Change(kind, o.id if o.id == n.id else f"{o.id} \u2192 {n.id}",
                              before, after, o.pointer, n.pointer))
    for s in removed:
        changes.append(Change("promise-broken" if is_promise(s) else "statement-removed",
                              s.id, statement_sentence(old, s), None, s.pointer, None))
    for s in added:
        changes.append(Change("promise-made" if is_promise(s) else "statement-added",
                              s.id, None, statement_sentence(new, s), None, s.pointer))
    return changes


def _document_changes(old: Policy, new: Policy) -> list[Change]:
    changes = []

    def contact(policy: Policy) -> str:
        p = policy.provider
        parts = [p.name, p.legal_name or "", p.address or "", p.homepage or "",
                 *(f"{c.channel}: {c.value}" for c in p.contacts)]
        return "; ".join(x for x in parts if x)

    if contact(old) != contact(new):
        changes.append(Change("contact-changed", "Provider and contact details",
                              contact(old), contact(new), old.provider.pointer,
                              new.provider.pointer))
    if old.last_updated != new.last_updated:
        changes.append(Change("date-changed", "Last updated",
                              partial_date(old.last_updated) if old.last_updated else None,
                              partial_date(new.last_updated) if new.last_updated else None))
    return changes


def diff(old: Policy, new: Policy) -> PolicyDiff:
    """The changes from ``old`` to ``new``, in report order."""
    changes = [*_data_changes(old, new), *_purpose_changes(old, new),
               *_recipient_changes(old, new), *_transfer_changes(old, new),
               *_retention_changes(old, new), *_right_changes(old, new),
               *_statement_changes(old, new), *market_changes(old, new),
               *_document_changes(old, new)]
    order = {kind: i for i, kind in enumerate(CHANGE_KINDS)}
    changes.sort(key=lambda c: order[c.kind])  # stable: keeps each kind's own order
    return PolicyDiff(old, new, tuple(changes))
