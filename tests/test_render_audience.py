"""Two audiences, one page model: the reader's page (the default) has no internal
identifiers, character offsets or annotator's notes, yet every claim still leads to the
policy's words; the reviewer's page keeps everything."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from pypolicy.cli.main import main
from pypolicy.format.loader import load_path
from pypolicy.format.model import Policy
from pypolicy.rendering import FORMATS, Format, render
from pypolicy.rendering.page import Bullets
from pypolicy.rendering.sections import build_page

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.policy.json"))


def entry_ids(node: Any, found: set[str] | None = None) -> set[str]:
    """The ids of every entry in a document (statements, data, parties, rules, ...)."""
    found = set() if found is None else found
    if isinstance(node, dict):
        if isinstance(node.get("id"), str):
            found.add(node["id"])
        for value in node.values():
            entry_ids(value, found)
    elif isinstance(node, list):
        for value in node:
            entry_ids(value, found)
    return found


def visible(output: str, fmt: Format) -> str:
    """The words a person sees (Markdown's escapes and code-span fences undone)."""
    if fmt == "html":
        return " ".join(html.fromstring(output).text_content().split())
    if fmt == "markdown":
        output = re.sub(r"\\(.)", r"\1", output.replace("`", ""))
    return " ".join(output.split())


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_reader_page_has_no_identifiers_or_annotators_notes(path: Path, fmt: Format) -> None:
    data: dict[str, Any] = load_path(path).data
    policy = Policy.from_dict(data)
    text = visible(render(policy, fmt), fmt)
    ids = entry_ids(data) - {data["id"]}  # the document's id is the provider's name too
    shown = [i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
    assert not shown
    assert "Annotator's note" not in text
    assert "Cited at" not in text
    assert not re.search(r"characters \d+\u2013\d+", text)
    assert f"\u201c{data['id']}\u201d" not in text  # "generated from the document "inum""
    # every quote is still there for the claims to lead to
    for note in build_page(policy).notes:
        if note.quote:
            assert " ".join(note.quote.split()) in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_reviewer_page_keeps_everything(fmt: Format) -> None:
    policy = Policy.from_dict(load_path(EXAMPLES[0]).data)
    text = visible(render(policy, fmt, "reviewer"), fmt)
    assert "Annotator's note" in text
    assert re.search(r"characters \d+\u2013\d+", text)
    assert f"\u201c{policy.id}\u201d" in text
    if fmt == "html":
        assert "Cited at" in text


def test_inferred_claims_stay_marked_for_readers() -> None:
    itnet = next(p for p in EXAMPLES if p.name.startswith("itnet"))
    policy = Policy.from_dict(load_path(itnet).data)
    page = build_page(policy)
    items = {item.anchor: item for s in page.sections for b in s.blocks
             if isinstance(b, Bullets) for item in b.items}
    assert items["s-share-push-token"].inferred
    assert items["s-share-push-token"].remark is None
    assert "inferred by the annotator, not stated in the policy" in render(policy, "markdown")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_audience() -> None:
    source = str(EXAMPLES[0])
    policy = Policy.from_dict(load_path(EXAMPLES[0]).data)
    assert run("render", source) == (0, render(policy, "markdown", "reader"), "")
    assert run("render", source, "--audience", "reviewer", "-f", "text") == (
        0, render(policy, "text", "reviewer"), "")
    code, out, err = run("render", source, "--audience", "auditor")
    assert code == 2 and out == "" and "--audience" in err
