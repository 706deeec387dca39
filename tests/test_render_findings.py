"""What the validator found, on the page ("Things to know"): given as data, shown near
the top, in plain words for the reader (severities in words, both quotes of a
contradiction, the missing disclosures, no rule codes or identifiers), with the codes and
the validator's own message for the reviewer."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from pypolicy.cli.main import main
from pypolicy.core.findings import FileResult, Finding, Quote, Severity
from pypolicy.format.loader import load_path
from pypolicy.format.model import Policy
from pypolicy.rendering import FORMATS, Format, render
from pypolicy.rendering.page import Points
from pypolicy.rendering.phrases.findings import known_rules, reader_detail
from pypolicy.rendering.sections import build_page
from pypolicy.validation.engine import rule_catalogue, validate_path

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.policy.json"))


def entry_ids(node: Any, found: set[str] | None = None) -> set[str]:
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
    if fmt == "html":
        return " ".join(html.fromstring(output).text_content().split())
    if fmt == "markdown":
        output = re.sub(r"\\(.)", r"\1", output.replace("`", ""))
    return " ".join(output.split())


def example(name: str) -> tuple[dict[str, Any], Policy, FileResult]:
    path = ROOT / "examples" / f"{name}.policy.json"
    data: dict[str, Any] = load_path(path).data
    return data, Policy.from_dict(data), validate_path(str(path))


def test_every_rule_has_a_plain_words_headline() -> None:
    assert {info.name for info in rule_catalogue().values()} <= known_rules()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_reader_page_with_findings_has_no_codes_or_identifiers(path: Path, fmt: Format) -> None:
    data: dict[str, Any] = load_path(path).data
    result = validate_path(str(path))
    text = visible(render(Policy.from_dict(data), fmt, findings=result), fmt)
    assert "Things to know" in text
    assert not re.search(r"\bVP\d{3}\b", text)
    assert not any(f.name in text for f in result.findings)  # rule names are identifiers
    ids = entry_ids(data) - {data["id"]}
    shown = [i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
    assert not shown


def test_things_to_know_follows_the_label() -> None:
    _, policy, result = example("inum")
    page = build_page(policy, findings=result)
    assert [s.anchor for s in page.sections][:3] == ["summary", "things-to-know", "who-we-are"]
    assert "things-to-know" not in [s.anchor for s in build_page(policy).sections]


def test_a_contradiction_shows_both_sides() -> None:
    _, policy, result = example("inum")
    page = build_page(policy, findings=result)
    points = next(b for s in page.sections if s.anchor == "things-to-know"
                  for b in s.blocks if isinstance(b, Points)).items
    contradiction = next(p for p in points if p.headline.startswith("The policy makes a "
                                                                    "promise"))
    quotes = [q for said in contradiction.said for q in said.quotes]
    assert any("outside the European Economic Area" in q for q in quotes)  # the promise
    assert any("advertising platforms may also place" in q for q in quotes)  # what breaks it
    assert [s.lead for s in contradiction.said][:2] == ["The policy says:", "It also says:"]
    assert contradiction.severity_word == "Serious"
    assert {link.text for link in contradiction.see} >= {"Transfers abroad and where it is "
                                                         "stored"}
    # the severities in words, the most serious first
    words = [p.severity_word for p in points]
    assert words == sorted(words, key=["Serious", "Possible problem", "Minor"].index)
    assert "Minor" in words


def test_missing_disclosures_are_named() -> None:
    _, policy, result = example("itnet")
    text = visible(render(policy, "text", findings=result), "text")
    assert "Some of your rights are not mentioned. The right to data portability and the " \
           "right to object are not mentioned." in text


def test_links_lead_to_the_entries_on_the_page() -> None:
    _, policy, result = example("inum")
    page = html.fromstring(render(policy, "html", findings=result))
    links = page.xpath("//section[@id='things-to-know']//p[@class='see']/a/@href")
    assert links
    for href in links:
        assert page.xpath(f"//*[@id='{href[1:]}']"), href


def test_reviewer_page_keeps_codes_and_messages() -> None:
    _, policy, result = example("inum")
    text = visible(render(policy, "markdown", "reviewer", findings=result), "markdown")
    for finding in result.findings:
        assert f"{finding.code} {finding.name}" in text
    assert "s-no-transfer-outside-eea says" in text  # the validator's message, verbatim


def test_no_findings_is_said() -> None:
    _, policy, _ = example("inum")
    text = render(policy, "text", findings=[])
    assert "The automatic check of this policy found nothing to point out." in text


def test_findings_made_by_hand_and_an_unknown_rule() -> None:
    """Any program can pass findings: core data types, no validator needed."""
    _, policy, _ = example("inum")
    finding = Finding("VP999", "future-rule", Severity.WARNING, "something about s-children",
                      pointers=("/statements/2",),
                      quotes=(Quote("/statements/2", "We may collect children's data."),))
    text = visible(render(policy, "html", findings=[finding]), "html")
    assert "Possible problem: The automatic check found a possible problem" in text
    assert "We may collect children's data." in text
    assert "s-children" not in text  # an unnamed entry's id: the message is left out


def test_reader_detail_names_entries_and_drops_identifiers() -> None:
    _, policy, _ = example("inum")
    assert reader_detail(
        "transfer-without-mechanism",
        "p-advertising (Advertising platforms) is located in the United States, and "
        "receives personal data (s-ad-cookies-available)", policy) == \
        "Advertising platforms is located in the United States, and receives personal data."
    assert reader_detail("right-missing", "the right of access (Art. 15) and the right to "
                         "object (Art. 21(1)) are not mentioned", policy) == \
        "The right of access and the right to object are not mentioned."
    assert reader_detail("contradicting-statements", "s-no-own-purposes says X, but "
                         "s-share-marketing says Y", policy) is None
    assert reader_detail("caloppa-disclosures", "the policy does not say how (b)(5)",
                         policy) == "The policy does not say how."


def test_the_renderer_does_not_import_the_validator() -> None:
    """Findings arrive as data: no module of the renderer imports the validator or the
    CLI (import-linter's layers say the same for the whole package)."""
    imported = set()
    for module in (ROOT / "pypolicy" / "rendering").rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    assert not [m for m in imported if m.startswith(("pypolicy.validation", "pypolicy.cli"))]
    assert "pypolicy.core.findings" in imported


def test_cli_render_with_findings(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["render", "--with-findings", str(ROOT / "examples/inum.policy.json")],
                stdout=out) == 0
    assert "## Things to know" in out.getvalue()
    assert "**Serious:**" in out.getvalue()
    plain_out = io.StringIO()
    assert main(["render", str(ROOT / "examples/inum.policy.json")], stdout=plain_out) == 0
    assert "Things to know" not in plain_out.getvalue()
