"""The section "Things to know": what the validator found, given to the renderer as data.

The validator runs elsewhere (the CLI's ``render --with-findings``, or a program calling
``render(..., findings=...)``) and hands over its ``Finding`` objects; this section never
runs a rule. Each finding becomes a point: its severity in words, what it means, the
policy's words it rests on (both sides of a contradiction) and links to where the page
tells of the entries concerned. The reader's page names no rule code or identifier; the
reviewer's keeps the code, the rule's name and the validator's own message.
"""

from __future__ import annotations

from collections.abc import Sequence

from pypolicy.core.findings import FileResult, Finding
from pypolicy.rendering.page import Audience, Block, Link, Para, Point, Points, Said, plain
from pypolicy.rendering.phrases.findings import headline, reader_detail, severity_word
from pypolicy.rendering.sections.context import SECTIONS, PageContext

Findings = Sequence[Finding] | FileResult


def as_findings(findings: Findings) -> tuple[Finding, ...]:
    return tuple(findings.findings if isinstance(findings, FileResult) else findings)


def things_to_know(ctx: PageContext, findings: Sequence[Finding],
                   audience: Audience) -> list[Block]:
    """The section's blocks; built after the other sections, so that each point can link
    to where the page tells of its entries."""
    _ = ctx.gettext
    if not findings:
        return [Para(plain(_("The automatic check of this policy found nothing to point "
                             "out.")))]
    # the most serious first; within a severity, in the validator's order (document order)
    ordered = sorted(findings, key=lambda f: -f.severity)
    points = tuple(_point(ctx, f, audience) for f in ordered)
    intro = _("The automatic check of this policy found these points. They are about what "
              "the policy says and leaves out, not about what the provider does in "
              "practice.")
    return [Para(plain(intro)), Points(points)]


def _point(ctx: PageContext, finding: Finding, audience: Audience) -> Point:
    _ = ctx.gettext
    reviewer = audience == "reviewer"
    detail = finding.message if reviewer else reader_detail(finding.name, finding.message,
                                                              ctx.policy)
    return Point(
        severity=finding.severity.label,
        severity_word=severity_word(finding.severity, ctx.prose),
        headline=headline(finding.name, finding.severity, ctx.prose),
        detail=detail,
        said=_said(ctx, finding),
        see=_links(ctx, finding),
        rule=f"{finding.code} {finding.name}" if reviewer else None)


def _said(ctx: PageContext, finding: Finding) -> tuple[Said, ...]:
    """The quotes, grouped by the entry they belong to, in the finding's order; a quote
    given for two entries is shown once."""
    _ = ctx.gettext
    groups: dict[str, list[str]] = {}
    shown: set[str] = set()
    for quote in finding.quotes:
        if quote.text and quote.text not in shown:
            shown.add(quote.text)
            groups.setdefault(quote.pointer, []).append(quote.text)
    return tuple(Said(_("The policy says:") if i == 0 else _("It also says:"), tuple(texts))
                 for i, texts in enumerate(groups.values()))


def _links(ctx: PageContext, finding: Finding) -> tuple[Link, ...]:
    """One link to each section that tells of an entry the finding concerns (to the first
    such entry), in the order of the page."""
    titles = dict(SECTIONS)
    order = {anchor: i for i, (anchor, _) in enumerate(SECTIONS)}
    pointers = list(finding.pointers) + [q.pointer for q in finding.quotes]
    first: dict[str, str] = {}
    for pointer in pointers:
        told = ctx.told.get(pointer)
        if told is not None and told[1] in titles:
            first.setdefault(told[1], told[0])
    return tuple(Link(ctx.gettext(titles[section]), f"#{anchor}")
                 for section, anchor in sorted(first.items(), key=lambda s: order[s[0]]))
