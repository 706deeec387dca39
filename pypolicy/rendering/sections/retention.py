"""The section "How long we keep it": the retention rules in sentences, statements about
keeping and deleting, and the data no rule covers."""

from __future__ import annotations

from pypolicy.format.model import Policy, Statement
from pypolicy.format.vocabulary import vocabulary
from pypolicy.rendering import facts
from pypolicy.rendering.page import Block, Bullets, Para, plain
from pypolicy.rendering.phrases.basics import data_names, join, sentence
from pypolicy.rendering.phrases.retention import retention_sentences
from pypolicy.rendering.phrases.statements import statement_sentence
from pypolicy.rendering.sections.context import PageContext


def retention(ctx: PageContext, statements: list[Statement]) -> list[Block]:
    policy = ctx.policy
    blocks: list[Block] = []
    items = [ctx.para(" ".join(retention_sentences(policy, r)), r)
             for r in policy.retention]
    items += [ctx.para(statement_sentence(policy, s), s) for s in statements]
    if items:
        blocks.append(Bullets(tuple(items)))
    if not policy.retention:
        blocks.append(Para(plain("This policy does not say how long data is kept.")))
    elif uncovered := without_retention(policy):
        blocks.append(Para(plain(sentence("this policy gives no retention period for "
                                          + join(data_names(policy, uncovered))))))
    return blocks


def without_retention(policy: Policy) -> list[str]:
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
