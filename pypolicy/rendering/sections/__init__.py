"""A policy document as a page a person reads: sections in the order GDPR Art. 13 and 14
expect, written as sentences, each linked to the words of the policy it rests on.

``build_page`` turns a :class:`~pypolicy.format.model.Policy` into a
:class:`~pypolicy.rendering.page.Page`. Each section has its builder in a module of this
package (``about``, ``summary``, ``data``, ``transfers``, ``retention``, ``rights``,
``protection``, and ``findings`` for what the validator found, when the page is given
findings); ``placement`` decides which section each statement of practice goes to;
``audience`` makes the reader's page from the reviewer's. The page's own words are in
the document's language where a message catalogue has them (``language``).

What the page says is what the document says: an absent property is "not stated" and
is said to be so, never read as "no".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pypolicy.format.model import Policy, Statement
from pypolicy.rendering.language import prose_for
from pypolicy.rendering.page import Audience, Block, Page, Section
from pypolicy.rendering.sections import (
    about,
    data,
    protection,
    retention,
    rights,
    summary,
    transfers,
)
from pypolicy.rendering.sections.audience import for_reader
from pypolicy.rendering.sections.context import FINDINGS_SECTION, SECTIONS, PageContext
from pypolicy.rendering.sections.findings import Findings, as_findings, things_to_know
from pypolicy.rendering.sections.placement import place_statements

SectionBuilder = Callable[[PageContext, list[Statement]], list[Block]]

# Each section's builder; the statements placed in the section are passed to all, and
# used by those whose section can hold statements.
_BUILDERS: dict[str, SectionBuilder] = {
    "summary": lambda ctx, _: summary.summary(ctx),
    "who-we-are": lambda ctx, _: about.who_we_are(ctx),
    "what-we-collect": data.what_we_collect,
    "why-we-use-it": data.why_we_use_it,
    "who-receives-it": data.who_receives_it,
    "transfers": transfers.transfers,
    "retention": retention.retention,
    "rights": lambda ctx, _: rights.rights(ctx),
    "security": lambda ctx, _: protection.security(ctx),
    "cookies": lambda ctx, _: protection.cookies(ctx),
    "children": protection.children,
    "changes": lambda ctx, _: about.changes(ctx),
}


def build_page(policy: Policy, audience: Audience = "reader", *,
               findings: Findings | None = None, locale_dir: Path | None = None) -> Page:
    """The page for a policy (see the module docstring), for the people the policy is
    about or for its reviewers (see ``audience``). ``findings``: what the validator found
    (its findings, or its result for the file), shown as "Things to know"; None leaves
    the section out. ``locale_dir``: where the message catalogues are (tests)."""
    ctx = PageContext(policy, prose_for(policy.language, locale_dir))
    placed = place_statements(policy)
    intro = about.intro(ctx, audience)
    built: dict[str, tuple[Block, ...]] = {}
    for anchor, _ in SECTIONS:
        if anchor in _BUILDERS:
            ctx.section = anchor
            built[anchor] = tuple(_BUILDERS[anchor](ctx, placed.get(anchor, [])))
    if findings is not None:
        # last, so that its points can link to where the page tells of their entries
        ctx.section = FINDINGS_SECTION
        built[FINDINGS_SECTION] = tuple(things_to_know(ctx, as_findings(findings), audience))
    sections = tuple(Section(anchor, ctx.gettext(title), built[anchor])
                     for anchor, title in SECTIONS if anchor in built)
    page = Page(about.page_title(ctx), policy.language, intro, sections, ctx.notes.notes(),
                about.footer(ctx), ctx.words, ctx.prose.language)
    return page if audience == "reviewer" else for_reader(page)
