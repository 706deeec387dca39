"""The section "Your rights": each right with how to exercise it, the supervisory
authority, and automated decisions."""

from __future__ import annotations

from pypolicy.rendering.page import Block, Bullets, Inline, Para, Text, plain
from pypolicy.rendering.phrases.basics import places, sentence
from pypolicy.rendering.phrases.protections import right_sentences, right_title
from pypolicy.rendering.sections.context import PageContext, http_link


def rights(ctx: PageContext) -> list[Block]:
    policy = ctx.policy
    authority = policy.supervisory_authority
    authority_text = None
    if authority is not None:
        authority_text = authority.name
        if authority.homepage:
            authority_text += f" ({authority.homepage})"
    blocks: list[Block] = []
    if policy.rights:
        blocks.append(Bullets(tuple(
            ctx.para((Text(right_title(r.right) + ".", strong=True),
                      Text(" " + " ".join(right_sentences(r, authority_text)))), r)
            for r in policy.rights)))
    else:
        blocks.append(Para(plain("This policy does not name any rights.")))
    if authority is not None:
        text = f"The supervisory authority this policy names is {authority.name}"
        if authority.country:
            text += f", in {places([authority.country])}"
        content: list[Inline] = [Text(text)]
        if authority.homepage:
            content += [Text(" ("), http_link(authority.homepage, authority.homepage),
                        Text(")")]
        content.append(Text("."))
        blocks.append(ctx.para(tuple(content), authority))
    decisions = policy.automated_decisions
    if decisions is not None:
        verb = {"does": "We make", "may": "We may make", "doesNot": "We do not make",
                "onlyIf": "We make"}.get(decisions.modality, "We make")
        text = f"{verb} decisions based solely on automated processing, including profiling"
        if decisions.description:
            text += f": {decisions.description}"
        blocks.append(ctx.para(sentence(text), decisions))
    return blocks
