"""The "At a glance" section: what is collected, shared with whom, sent where, kept how
long and which rights, in one short table drawn from ``pypolicy.render.facts``."""

from __future__ import annotations

from pypolicy.render import facts
from pypolicy.render.page import Block, Para, Row, Table, plain
from pypolicy.render.phrases.basics import capitalise, data_names, labels, places
from pypolicy.render.phrases.retention import retention_period
from pypolicy.render.phrases.statements import statement_sentence
from pypolicy.render.sections.context import PageContext


def summary(ctx: PageContext) -> list[Block]:
    policy = ctx.policy
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
