"""The sections about the data and who gets it: "What we collect and where it comes
from" (the data tables), "How and why we use it" and "Who receives it"."""

from __future__ import annotations

from collections.abc import Sequence

from pypolicy.format.model import DataEntry, Party, Policy, Statement
from pypolicy.rendering import facts
from pypolicy.rendering.page import Block, Bullets, Para, Row, Subheading, Table, plain
from pypolicy.rendering.phrases.basics import (
    capitalise,
    join,
    labels,
    party_names,
    places,
    sentence,
)
from pypolicy.rendering.sections.context import PageContext


def what_we_collect(ctx: PageContext, statements: list[Statement]) -> list[Block]:
    policy = ctx.policy
    blocks: list[Block] = []
    promised_only = named_only_in_promises(policy)
    handled = [e for e in policy.data_categories if e.id not in promised_only]
    declined = [e for e in policy.data_categories if e.id in promised_only]
    if handled:
        blocks.append(data_table(ctx, "The data this policy names", handled))
    if declined:
        blocks.append(data_table(ctx, "Data this policy names only to say what it does "
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
    blocks += ctx.statements(statements)
    return blocks


def data_table(ctx: PageContext, caption: str, entries: Sequence[DataEntry]) -> Table:
    policy = ctx.policy
    rows = []
    for entry in entries:
        sources = labels(entry.sources)
        if entry.source_parties:
            sources.append("from " + join(party_names(policy, entry.source_parties)))
        rows.append(Row(ctx.para(entry.name, entry), (
            plain("; ".join(entry.examples) or "\u2014"),
            plain(", ".join(labels(entry.categories))),
            plain(capitalise("; ".join(sources)) or "Not stated"),
            plain(capitalise(", ".join(labels(entry.subjects))) or "Not stated"),
        )))
    return Table(caption, ("Data", "Includes", "Kind of data", "Where it comes from",
                           "Whose data"), tuple(rows))


def why_we_use_it(ctx: PageContext, statements: list[Statement]) -> list[Block]:
    if not statements:
        return [Para(plain("This policy does not say why data is used."))]
    return ctx.statements(statements)


def who_receives_it(ctx: PageContext, statements: list[Statement]) -> list[Block]:
    policy = ctx.policy
    blocks: list[Block] = []
    recipient_ids = facts.recipient_ids(policy)
    recipients = [p for p in policy.parties if p.id in recipient_ids]
    if recipients:
        blocks.append(Table("Recipients this policy names",
                            ("Recipient", "Kind", "Examples named", "Location"),
                            tuple(Row(ctx.para(p.name, p), (
                                plain(capitalise(", ".join(labels(p.roles)))),
                                plain(", ".join(p.examples) or "\u2014"),
                                plain(capitalise(party_location(p)))))
                                for p in recipients)))
    elif not statements:
        blocks.append(Para(plain("This policy does not say that data is shared with "
                                 "anyone.")))
    blocks += ctx.statements(statements)
    others = [p for p in policy.parties if p.id not in recipient_ids]
    if others:
        blocks.append(Subheading("Other parties this policy names"))
        blocks.append(Bullets(tuple(
            ctx.para(sentence(f"{p.name} ({', '.join(labels(p.roles))})"
                              + (f", for example {join(list(p.examples))}"
                                 if p.examples else "")
                              + (f"; location: {party_location(p)}"
                                 if p.locations or p.outside else "")), p)
            for p in others)))
    return blocks


def party_location(party: Party) -> str:
    text = places(party.locations) if party.locations else ""
    if party.outside:
        text += ("; " if text else "") + "outside " + places(party.outside)
    return text or "not stated"


def named_only_in_promises(policy: Policy) -> set[str]:
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
