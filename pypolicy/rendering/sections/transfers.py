"""The section "Transfers abroad and where it is stored": transfer entries with their
safeguards, statements that name places, and where data is stored."""

from __future__ import annotations

from pypolicy.format.model import Statement
from pypolicy.rendering.page import Block, Bullets, Para, Subheading, plain
from pypolicy.rendering.phrases.basics import data_names, join, label, party_names, places, sentence
from pypolicy.rendering.phrases.statements import statement_sentence
from pypolicy.rendering.sections.context import PageContext

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


def transfers(ctx: PageContext, statements: list[Statement]) -> list[Block]:
    policy = ctx.policy
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
        items.append(ctx.para(text, transfer))
    items += [ctx.para(statement_sentence(policy, s), s) for s in statements]
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
        stored.append(ctx.para(text, entry))
    if stored:
        blocks.append(Subheading("Where we store it"))
        blocks.append(Bullets(tuple(stored)))
    return blocks
