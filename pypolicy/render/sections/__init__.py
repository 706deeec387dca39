"""A policy document as a page a person reads: sections in the order GDPR Art. 13 and 14
expect, written as sentences, each linked to the words of the policy it rests on.

``build_page`` turns a :class:`~pypolicy.format.model.Policy` into a
:class:`~pypolicy.render.page.Page`. Each section has its builder in a module of this
package (``about``, ``summary``, ``data``, ``transfers``, ``retention``, ``rights``,
``protection``); ``placement`` decides which section each statement of practice goes to;
``audience`` makes the reader's page from the reviewer's.

What the page says is what the document says: an absent property is "not stated" and
is said to be so, never read as "no".
"""

from __future__ import annotations

from collections.abc import Callable

from pypolicy.format.model import Policy, Statement
from pypolicy.render.page import Audience, Block, Page, Section
from pypolicy.render.sections import about, data, protection, retention, rights, summary, transfers
from pypolicy.render.sections.audience import for_reader
from pypolicy.render.sections.context import SECTIONS, PageContext
from pypolicy.render.sections.placement import place_statements

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


def build_page(policy: Policy, audience: Audience = "reader") -> Page:
    """The page for a policy (see the module docstring), for the people the policy is
    about or for its reviewers (see ``audience``)."""
    ctx = PageContext(policy)
    placed = place_statements(policy)
    intro = about.intro(ctx, audience)
    sections = tuple(Section(anchor, title,
                             tuple(_BUILDERS[anchor](ctx, placed.get(anchor, []))))
                     for anchor, title in SECTIONS)
    page = Page(f"Privacy policy of {policy.provider.name}", policy.language, intro,
                sections, ctx.notes.notes(), about.footer(ctx))
    return page if audience == "reviewer" else for_reader(page)
