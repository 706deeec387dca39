"""Places in a diff: whether a place is already covered by those of the other version
(a country inside a region named before is no new place), how to name one, and the
changes to where the service is offered (format 1.1 ``markets``)."""

from __future__ import annotations

from collections.abc import Iterable

from pypolicy.format.geography import UNKNOWN_PLACE, WORLDWIDE, UnknownPlaceError, countries_in
from pypolicy.format.model import Market, Policy
from pypolicy.rendering.diff.kinds import Change
from pypolicy.rendering.phrases.basics import capitalise, place


def place_covered(target: str, others: Iterable[str]) -> bool:
    """Whether ``target`` lies within one of ``others`` (worldwide covers every place; an
    unknown place is covered only by itself or worldwide)."""
    others = set(others)
    if target in others or WORLDWIDE in others:
        return True
    if target in (UNKNOWN_PLACE, WORLDWIDE):
        return False
    try:
        countries = countries_in(target)
        known = [countries_in(o) for o in others if o not in (UNKNOWN_PLACE, WORLDWIDE)]
    except UnknownPlaceError:
        return False
    return any(countries <= k for k in known)


def place_name(term: str) -> str:
    return "countries that are not named" if term == UNKNOWN_PLACE else place(term)


def _first_with(policy: Policy, term: str) -> Market | None:
    return next((m for m in policy.markets if term in m.places), None)


def market_changes(old: Policy, new: Policy) -> list[Change]:
    """Places where the service is now offered and was not, or no longer is: which law
    applies can turn on them (GDPR Art. 3(2), DPDP Act s. 3(b))."""
    changes = []
    old_places, new_places = old.market_places(), new.market_places()
    for term in new_places:
        if not place_covered(term, old_places):
            market = _first_with(new, term)
            changes.append(Change("market-added", capitalise(place_name(term)),
                                  new=place_name(term),
                                  new_pointer=market.pointer if market else None))
    for term in old_places:
        if not place_covered(term, new_places):
            market = _first_with(old, term)
            changes.append(Change("market-removed", capitalise(place_name(term)),
                                  old=place_name(term),
                                  old_pointer=market.pointer if market else None))
    return changes
