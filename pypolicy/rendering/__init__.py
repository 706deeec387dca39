"""Rendering: a policy as a page people read (Markdown, HTML, plain text), what changed
between two versions (``diff``), and several providers side by side (``compare``).

``render(policy, fmt)`` is the entry point: ``sections`` builds the format-neutral
``page``, and one writer (``markdown``, ``html``, ``plain``) writes it. The writers
import only the page model and ``escaping``; nothing below this module imports it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pypolicy.format.model import Policy
from pypolicy.rendering.html import write_html
from pypolicy.rendering.markdown import write_markdown
from pypolicy.rendering.page import AUDIENCES, Audience
from pypolicy.rendering.plain import write_text
from pypolicy.rendering.sections import build_page
from pypolicy.rendering.sections.findings import Findings

Format = Literal["markdown", "html", "text"]
FORMATS: tuple[Format, ...] = ("markdown", "html", "text")


__all__ = ["AUDIENCES", "FORMATS", "Audience", "Findings", "Format", "render"]


def render(policy: Policy, fmt: Format, audience: Audience = "reader", *,
           findings: Findings | None = None, locale_dir: Path | None = None) -> str:
    """The policy as Markdown, HTML or wrapped plain text, for the people it is about
    (``reader``, the default) or for those who check its annotation (``reviewer``).

    ``findings``: what the validator found for this document (its ``Finding`` objects or
    its ``FileResult``), passed as data, shown near the top as "Things to know"; the
    renderer never runs the validator itself. ``locale_dir``: another folder of message
    catalogues (for tests; the package's own by default)."""
    page = build_page(policy, audience, findings=findings, locale_dir=locale_dir)
    if fmt == "markdown":
        return write_markdown(page)
    if fmt == "html":
        return write_html(page)
    if fmt == "text":
        return write_text(page)
    raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
