"""The kinds of change a diff reports, which of them need notifying users, and the
result of a diff (``Change``, ``PolicyDiff``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pypolicy.format.model import Policy

# kind -> (topic, what it means); the order is the order of the report.
CHANGE_KINDS: dict[str, tuple[str, str]] = {
    "data-category-added": ("data", "a kind of data is collected or used that was not before"),
    "data-category-removed": ("data", "a kind of data is no longer said to be collected or "
                                      "used"),
    "purpose-added": ("purposes", "data is used for a purpose it was not used for before"),
    "purpose-removed": ("purposes", "a purpose is no longer stated"),
    "recipient-added": ("recipients", "a new kind of recipient may receive data"),
    "recipient-removed": ("recipients", "a kind of recipient no longer receives data"),
    "transfer-destination-added": ("transfers", "data may go to a new country or region"),
    "transfer-destination-removed": ("transfers", "a destination abroad is no longer named"),
    "transfer-safeguard-added": ("transfers", "a transfer names a new safeguard"),
    "transfer-safeguard-removed": ("transfers", "a transfer no longer names a safeguard"),
    "retention-longer": ("retention", "data is kept longer, or may be kept longer"),
    "retention-shorter": ("retention", "data is kept for a shorter time"),
    "retention-changed": ("retention", "how long data is kept is described differently"),
    "retention-added": ("retention", "a new retention rule"),
    "retention-removed": ("retention", "a retention rule is gone"),
    "right-added": ("rights", "a right is granted that was not before"),
    "right-removed": ("rights", "a right is no longer granted"),
    "right-changed": ("rights", "how a right is exercised or limited changed"),
    "promise-made": ("promises", "a new negative promise or restriction"),
    "promise-broken": ("promises", "a negative promise or restriction was dropped"),
    "promise-weakened": ("promises", "a promise now has more exceptions or covers less"),
    "promise-changed": ("promises", "a promise is worded differently"),
    "statement-added": ("statements", "a new statement of practice"),
    "statement-removed": ("statements", "a statement of practice was dropped"),
    "statement-changed": ("statements", "a statement of practice changed"),
    "market-added": ("markets", "the service is offered in a place it was not before"),
    "market-removed": ("markets", "a place where the service was offered is no longer"
                                  " named"),
    "contact-changed": ("document", "the provider's identity or contact details changed"),
    "date-changed": ("document", "the policy's date changed"),
}

DEFAULT_NOTIFY: frozenset[str] = frozenset({
    "data-category-added", "purpose-added", "recipient-added", "transfer-destination-added",
    "retention-longer", "right-removed", "promise-broken", "promise-weakened",
})

TOPICS: dict[str, str] = {
    "data": "Data collected or used",
    "purposes": "Purposes",
    "recipients": "Recipients",
    "transfers": "Transfers abroad",
    "retention": "How long data is kept",
    "rights": "Your rights",
    "promises": "Promises",
    "statements": "Other statements",
    "markets": "Where the service is offered",
    "document": "The document",
}


@dataclass(frozen=True)
class Change:
    kind: str
    summary: str
    old: str | None = None
    new: str | None = None
    old_pointer: str | None = None
    new_pointer: str | None = None

    @property
    def topic(self) -> str:
        return CHANGE_KINDS[self.kind][0]


@dataclass(frozen=True)
class PolicyDiff:
    old: Policy
    new: Policy
    changes: tuple[Change, ...] = field(default=())

    def notifying(self, kinds: Iterable[str] = DEFAULT_NOTIFY) -> list[Change]:
        wanted = set(kinds)
        return [c for c in self.changes if c.kind in wanted]


def parse_notify_kinds(text: str) -> frozenset[str]:
    """``--notify-on``: comma-separated kinds, or "default", "all", "none"; raises
    ValueError naming an unknown kind."""
    kinds: set[str] = set()
    for word in (w.strip() for w in text.split(",")):
        if not word or word == "none":
            continue
        if word == "default":
            kinds |= DEFAULT_NOTIFY
        elif word == "all":
            kinds |= set(CHANGE_KINDS)
        elif word in CHANGE_KINDS:
            kinds.add(word)
        else:
            raise ValueError(f"unknown change kind {word!r}; known: default, all, none, "
                             + ", ".join(CHANGE_KINDS))
    return frozenset(kinds)
