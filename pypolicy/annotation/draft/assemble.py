"""A draft document from a policy text: every extractor's proposals, with identifiers,
evidence quotes (and which occurrence, where a quote recurs) and the draft marker.

Each proposed entry carries ``draft:`` with the reason it was proposed; ``annotate build``
refuses an entry that still has it, so that a person confirms every proposal. Properties
of format 1.1 (retention ranges and bounds, closed lists, officers) are used when the
installed schema has them; otherwise the draft falls back to what 1.0 can say.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from pypolicy.annotation.draft.notices import (
    draft_changes,
    draft_children,
    draft_regimes,
    draft_security,
    draft_tracking,
)
from pypolicy.annotation.draft.proposals import Ids, Proposal
from pypolicy.annotation.draft.retention import draft_places, draft_retention, is_retention
from pypolicy.annotation.draft.rights import draft_provider, draft_rights
from pypolicy.annotation.draft.scope import draft_audiences, draft_service
from pypolicy.annotation.draft.statements import StatementDrafter
from pypolicy.annotation.draft.text import PolicyText
from pypolicy.core.version import FORMAT_VERSION
from pypolicy.format.resources import policy_schema

DRAFT_KEY = "draft"  # the marker annotate build refuses until a person removes it
_LISTS = ("audiences", "dataCategories", "parties", "statements", "retention", "storage",
          "transfers",
          "rights", "securityMeasures", "regimes", "officers")
_SINGLE = ("dataProtectionOfficer", "service", "tracking", "children", "changes")


@dataclass(frozen=True)
class Features:
    """What the installed schema accepts beyond format 1.0."""

    retention_period: bool
    exhaustive: bool
    officers: bool
    tracking_modality: bool
    unstated_data: bool  # a statement may leave its data unstated


@cache
def features() -> Features:
    schema = policy_schema()
    defs = schema.get("$defs", {})

    def has(definition: str, prop: str) -> bool:
        return prop in defs.get(definition, {}).get("properties", {})

    return Features(has("RetentionRule", "period"), has("Statement", "exhaustive"),
                    "officers" in schema.get("properties", {}), has("Tracking", "modality"),
                    "data" not in defs.get("Statement", {}).get("required", ["data"]))


def _fit(proposal: Proposal, can: Features) -> Proposal | None:
    """The proposal as the installed format can say it (None when it cannot)."""
    entry = proposal.entry
    if proposal.section == "retention" and "period" in entry and not can.retention_period:
        bounds = entry.pop("period")
        # 1.0 has one duration: the longest time the text allows, said in a note
        entry["duration"] = bounds.get("atMost") or bounds["atLeast"]
        entry["note"] = "The text gives " + (
            f"{bounds['atLeast']} to {bounds['atMost']}" if len(bounds) == 2 else
            ("at least " if "atLeast" in bounds else "at most ") + entry["duration"]) + \
            "; format 1.0 records one duration."
    if proposal.section == "statements" and not can.exhaustive:
        entry.pop("exhaustive", None)
    if proposal.section == "statements" and "data" not in entry and not can.unstated_data:
        return None
    if proposal.section == "tracking" and not can.tracking_modality:
        entry.pop("modality", None)
    if proposal.section == "officers" and not can.officers:
        if entry.get("officerRole") == "grievanceOfficer":
            return None
        entry.pop("officerRole", None)
        proposal.section = "dataProtectionOfficer"
    return proposal


def _evidence(text: PolicyText, proposal: Proposal) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for sentence in proposal.sentences:
        quote, occurrence = text.quote(sentence.span)
        item: dict[str, Any] = {"quote": quote}
        if occurrence is not None:
            item["occurrence"] = occurrence
        items.append(item)
    for rationale, resting_on in proposal.inferred:
        item = {"inferred": True, "rationale": rationale}
        if resting_on is not None:
            item["quote"] = text.quote(resting_on.span)[0]
        items.append(item)
    return items


def _marked(text: PolicyText, proposal: Proposal) -> dict[str, Any]:
    """The entry with its draft marker (after the identifier) and its evidence."""
    entry = dict(proposal.entry)
    first = proposal.sentences[0] if proposal.sentences else None
    reason = (f"line {first.line}: " if first else "") + proposal.reason
    marked: dict[str, Any] = {}
    # after the first key, so that deleting the marker never leaves a list item empty
    first_key = "id" if "id" in entry else next(iter(entry), None)
    if first_key is not None:
        marked[first_key] = entry.pop(first_key)
    marked[DRAFT_KEY] = reason
    marked.update(entry)
    evidence = _evidence(text, proposal)
    if evidence:
        marked["evidence"] = evidence
    return marked


@dataclass(frozen=True)
class Draft:
    """A drafted document and the sentences no proposal rests on."""

    document: dict[str, Any]
    proposals: int
    unused: tuple[int, ...]  # indexes of sentences no proposal quotes


def draft_document(text: PolicyText, *, doc_id: str, title: str | None,
                   language: str | None, last_updated: str | None,
                   fallback_name: str) -> Draft:
    """Every proposal for the text, as a document with draft markers."""
    ids = Ids()
    statements = StatementDrafter(text, ids, is_retention)
    drafted = statements.run()
    proposals: list[Proposal] = []
    provider, *officers = draft_provider(text, fallback_name)
    proposals += officers
    proposals += draft_service(text)
    proposals += draft_audiences(text, ids)
    proposals += draft_regimes(text, ids)
    proposals += drafted.statements
    proposals += draft_retention(text, drafted, statements.generic_data, ids)
    proposals += draft_places(text, drafted, ids)
    proposals += draft_rights(text)
    proposals += draft_security(text, ids)
    proposals += draft_tracking(text)
    proposals += draft_children(text)
    proposals += draft_changes(text)
    # data entries and parties last: the other extractors add to them
    proposals = [*drafted.data.values(), *drafted.parties.values(), *proposals]
    can = features()
    document: dict[str, Any] = {"formatVersion": FORMAT_VERSION, "id": doc_id,
                                "title": title or fallback_name, "language": language or "en"}
    if last_updated:
        document["lastUpdated"] = last_updated
    document["provider"] = _marked(text, provider)
    used = {s.index for s in provider.sentences}
    count = 1
    for proposal in proposals:
        fitted = _fit(proposal, can)
        if fitted is None:
            continue
        marked = _marked(text, fitted)
        used.update(s.index for s in fitted.sentences)
        count += 1
        if fitted.section in _SINGLE:
            document.setdefault(fitted.section, marked)
        else:
            document.setdefault(fitted.section, []).append(marked)
    ordered: dict[str, Any] = {key: document[key] for key in (
        "formatVersion", "id", "title", "language", "lastUpdated", "provider",
        "dataProtectionOfficer", "officers", "service", "audiences", "regimes", "parties",
        "dataCategories", "statements", "retention", "storage", "transfers", "rights",
        "securityMeasures", "tracking", "children", "changes") if key in document}
    unused = tuple(s.index for s in text.sentences if s.index not in used)
    return Draft(ordered, count, unused)
