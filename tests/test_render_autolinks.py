"""Bare web and e-mail addresses in policy text never become links in the Markdown.

GitHub-flavoured Markdown links ``www.…``, ``http://…``, ``https://…``, ``ftp://…`` and
anything shaped like an e-mail address even without link syntax, so a name or a quote
could put a clickable link on the page. The Markdown writers show such addresses as code
spans. The check runs the output through cmark-gfm, GitHub's own Markdown engine (the
``cmarkgfm`` binding), with its autolink extension on.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from pypolicy.format.loader import load_path
from pypolicy.format.model import Policy
from pypolicy.format.schema import violations
from pypolicy.rendering import render
from pypolicy.rendering.compare import compare_markdown
from pypolicy.rendering.diff import diff, diff_markdown
from pypolicy.rendering.escaping import escape

cmarkgfm = pytest.importorskip("cmarkgfm")

EXAMPLE = Path(__file__).parent.parent / "examples" / "inum.policy.json"
ADDRESSES = ("www.evil.example", "https://evil.example/a_b?x=1&y=2", "http://evil.example",
             "ftp://evil.example/f", "evil@evil.example", "first.last+tag@evil.example",
             "mailto:evil@evil.example", "xmpp:evil@evil.example")
TEXT = "see " + ", ".join(ADDRESSES) + " (or www.evil.example/p_(q)). Thanks"


def planted() -> dict[str, Any]:
    """inum with addresses in names, examples, a remark, a quote and its section."""
    data: dict[str, Any] = copy.deepcopy(load_path(EXAMPLE).data)
    data["provider"]["name"] = "Inum www.evil.example"
    data["dataCategories"][0]["name"] = TEXT
    data["dataCategories"][1]["examples"] = [TEXT]
    data["parties"][0]["name"] = TEXT
    data["statements"][0]["note"] = TEXT
    data["provider"]["evidence"][0]["quote"] = TEXT
    data["provider"]["evidence"][0]["section"] = "evil@evil.example"
    assert violations(data) == [], violations(data)[:3]
    return data


def github_links(markdown: str) -> list[str]:
    """The link targets of the Markdown as GitHub renders it."""
    rendered = cmarkgfm.github_flavored_markdown_to_html(markdown)
    return [str(a.get("href")) for a in html.fromstring(f"<div>{rendered}</div>").iter("a")]


def test_the_check_sees_github_autolinks() -> None:
    """Without the escaping, cmark-gfm links every one of the addresses."""
    links = github_links(TEXT)
    assert len([h for h in links if "evil" in h]) == len(ADDRESSES) + 1


def test_escaped_addresses_are_not_links() -> None:
    escaped = escape(TEXT)
    assert github_links(escaped) == []
    rendered = cmarkgfm.github_flavored_markdown_to_html(escaped)
    assert "<code>https://evil.example/a_b?x=1&amp;y=2</code>" in rendered
    assert "<code>www.evil.example/p_(q)</code>)." in rendered  # the sentence's ")" stays out


def test_rendered_page_has_no_link_from_policy_text() -> None:
    markdown = render(Policy.from_dict(planted()), "markdown")
    links = github_links(markdown)
    assert links, "the page's own links (footnotes, the source) are still there"
    assert not [h for h in links if "evil" in h]
    visible = " ".join(html.fromstring(cmarkgfm.github_flavored_markdown_to_html(markdown))
                       .text_content().split())
    for address in ADDRESSES:
        assert address in visible  # shown as it is, without backslashes


def test_diff_and_compare_have_no_link_from_policy_text() -> None:
    old = Policy.from_dict(load_path(EXAMPLE).data)
    new = Policy.from_dict(planted())
    for markdown in (diff_markdown(diff(old, new)), compare_markdown([old, new])):
        assert "evil" in markdown
        assert not [h for h in github_links(markdown) if "evil" in h]


def test_a_table_cell_cannot_end_inside_an_address() -> None:
    markdown = compare_markdown([Policy.from_dict(planted())])
    header = next(line for line in markdown.splitlines() if line.startswith("| |"))
    assert re.fullmatch(r"\| \| \*\*Inum `www\.evil\.example`\*\* \|", header)
