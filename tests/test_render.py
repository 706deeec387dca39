"""Tests of ``pypolicy render``: the page's content, its safety in each format, the CLI."""

from __future__ import annotations

import copy
import io
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree, html

from pypolicy.cli.main import main
from pypolicy.format.loader import load_path
from pypolicy.format.model import Policy
from pypolicy.format.schema import violations
from pypolicy.format.vocabulary import vocabulary
from pypolicy.rendering import FORMATS, render
from pypolicy.rendering.escaping import clean, escape, escape_line_start
from pypolicy.rendering.page import Bullets, Label, Para, Table
from pypolicy.rendering.phrases.basics import duration, join
from pypolicy.rendering.phrases.statements import statement_sentence
from pypolicy.rendering.sections import build_page

EXAMPLES_DIR = Path(__file__).parent.parent / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.policy.json"))
NAMES = [p.name.split(".")[0] for p in EXAMPLES]


def example_data(name: str) -> dict[str, Any]:
    data: dict[str, Any] = load_path(EXAMPLES_DIR / f"{name}.policy.json").data
    return data


def normalise(text: str) -> str:
    """Rendered text with markup escapes, wrapping and entities undone, for searching."""
    text = re.sub(r"\\(.)", r"\1", text)
    return " ".join(text.split())


def visible_text(markup: str) -> str:
    return " ".join(html.fromstring(markup).text_content().split())


def rendered_texts(policy: Policy) -> dict[str, str]:
    """The searchable text of each format."""
    return {
        "markdown": normalise(render(policy, "markdown")),
        "text": " ".join(render(policy, "text").split()),
        "html": visible_text(render(policy, "html")),
    }


# --- the hostile document ---------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
LINK = "[click me](javascript:alert(2))"
IMAGE = "![x](https://tracker.example/pixel.png)"
HTML_IMG = '<img src="https://tracker.example/i.png" onerror="alert(3)">'
CONTROLS = "bell\x07escape\x1b[31mred\x1b[0m\x00nul\u202eevil\u2066"
LONG_WORD = "A" * 3000
ENTITY = "&lt;b&gt;not bold&lt;/b&gt; &#60;i&#62;"
MARKDOWN_START = "1. # heading\n- item\n> quote\n| a | b |"


def hostile_document() -> dict[str, Any]:
    """An example with markup, Markdown, control characters and a 3000-letter word in
    every kind of text a policy carries."""
    data = copy.deepcopy(example_data("inum"))
    data["title"] = SCRIPT + LINK
    data["provider"]["name"] = f"Evil {SCRIPT} Corp {LINK}"
    data["provider"]["homepage"] = "javascript:alert(4)"
    data["provider"]["contacts"] = [{"channel": "email", "value": f"{HTML_IMG}@x"},
                                    {"channel": "webForm", "value": "javascript:alert(5)"}]
    data["parties"][0]["name"] = f"{MARKDOWN_START} {IMAGE}"
    data["parties"][1]["name"] = LONG_WORD
    data["dataCategories"][0]["name"] = f"{HTML_IMG} {ENTITY}"
    data["dataCategories"][1]["examples"] = [CONTROLS, SCRIPT, "`code` **bold** _em_ ~~s~~"]
    data["statements"][0]["note"] = f"{SCRIPT} {CONTROLS} {LINK}"
    first_evidence = data["provider"]["evidence"][0]
    first_evidence["quote"] = f"{SCRIPT} {HTML_IMG} {CONTROLS} {LONG_WORD}"
    first_evidence["section"] = f"</li></ol>{SCRIPT}"
    data["supervisoryAuthority"]["homepage"] = '"><script>alert(6)</script>'
    data["source"]["url"] = "https://example.org/x)(javascript:alert(7))'onclick='"
    assert violations(data) == [], violations(data)[:3]
    return data


# --- content ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_every_statement_is_on_the_page_once(name: str) -> None:
    policy = Policy.from_dict(example_data(name))
    page = build_page(policy)
    anchors = [item.anchor for section in page.sections for block in section.blocks
               if isinstance(block, Bullets) for item in block.items]
    for statement in policy.statements:
        assert anchors.count(statement.id) == 1, statement.id
    texts = rendered_texts(policy)
    for statement in policy.statements:
        sentence = statement_sentence(policy, statement)
        for fmt, text in texts.items():
            assert sentence in text, (fmt, statement.id, sentence)


@pytest.mark.parametrize("name", NAMES)
def test_sections_in_article_13_order(name: str) -> None:
    page = build_page(Policy.from_dict(example_data(name)))
    titles = [s.title for s in page.sections]
    assert titles == [
        "At a glance", "Who we are and how to reach us",
        "What we collect and where it comes from",
        "How and why we use it, and on what legal basis", "Who receives it",
        "Transfers abroad and where it is stored", "How long we keep it", "Your rights",
        "How we protect it", "Cookies and similar technologies", "Children",
        "Changes to this policy"]
    # the privacy label answers the questions of the old summary table, and more
    summary = page.sections[0].blocks[0]
    assert isinstance(summary, Label)
    assert [f.heading for f in summary.facts] == [
        "Data collected", "Used for marketing or advertising", "Shared with", "Sold",
        "Kept for", "Sent abroad to", "Cookies and tracking", "Your rights"]


@pytest.mark.parametrize("name", NAMES)
def test_every_entry_and_quote_is_on_the_page(name: str) -> None:
    data = example_data(name)
    policy = Policy.from_dict(data)
    text = rendered_texts(policy)["html"]
    for entry in (*policy.data_categories, *policy.parties):  # a name may start a sentence
        assert clean(entry.name).strip().lower() in text.lower(), entry.id
    quotes = {" ".join(e.quote.split()) for group in (policy.statements, policy.rights,
                                                      policy.retention, policy.transfers)
              for item in group for e in item.evidence if e.quote}
    for quote in quotes:
        assert quote in text


def test_negative_promises_and_conditions_read_right() -> None:
    policy = Policy.from_dict(example_data("inaani"))
    statement = next(s for s in policy.statements if s.id == "s-no-trade-sell-disclose")
    assert statement_sentence(policy, statement) == (
        "We do not sell or disclose customer identifiable information to any third party, "
        "except with your consent; under a subpoena, court order or other legal process; or "
        "to prevent imminent harm to you or others.")
    policy = Policy.from_dict(example_data("itnet"))
    by_id = {s.id: statement_sentence(policy, s) for s in policy.statements}
    assert by_id["s-voice-may-record"].startswith("We may record and store Microphone")
    # the customer's administrator, not "your organisation's": the reader may be a caller
    assert "when the customer's administrator enables or requests it" \
        in by_id["s-voice-may-record"]
    assert by_id["s-voice-not-recorded"].startswith("We do not record or store")
    assert ", except when" in by_id["s-voice-not-recorded"]
    assert by_id["s-data-minimisation"].endswith(
        "only to the extent necessary to provide the service.")
    policy = Policy.from_dict(example_data("inum"))
    by_id = {s.id: statement_sentence(policy, s) for s in policy.statements}
    assert by_id["s-no-consent-basis"] == (
        "We usually do not process personal data or information on the basis of consent, "
        "other than for third-party marketing.")
    assert by_id["s-no-own-purposes"] == (
        "Third parties do not use personal data or information for their own purposes.")
    assert by_id["s-instructions-only"] == (
        "Third parties use personal data or information only on our instructions.")


statement_modalities = st.sampled_from(["does", "may", "doesNot", "onlyIf"])


@st.composite
def edited_policies(draw: st.DrawFn) -> dict[str, Any]:
    """An example with random statements removed and random new statements added."""
    data = copy.deepcopy(example_data(draw(st.sampled_from(NAMES))))
    statements = data.get("statements", [])
    keep = draw(st.lists(st.booleans(), min_size=len(statements), max_size=len(statements)))
    data["statements"] = [s for s, k in zip(statements, keep, strict=True) if k]
    vocab = vocabulary()
    data_ids = [d["id"] for d in data["dataCategories"]]
    party_ids = [p["id"] for p in data.get("parties", [])] or None
    for n in range(draw(st.integers(0, 4))):
        terms = {scheme: st.sampled_from(sorted(vocab.schemes[scheme]))
                 for scheme in ("Action", "Purpose", "LegalBasis", "Condition", "Place",
                                "DataSubjectType")}
        statement: dict[str, Any] = {
            "id": f"s-generated-{n}",
            "modality": draw(statement_modalities),
            "actions": draw(st.lists(terms["Action"], min_size=1, max_size=3, unique=True)),
            "data": draw(st.lists(st.sampled_from(data_ids), min_size=1, max_size=3,
                                  unique=True)),
        }
        for key, scheme in (("purposes", "Purpose"), ("legalBases", "LegalBasis"),
                            ("exceptions", "Condition"), ("subjects", "DataSubjectType"),
                            ("locations", "Place")):
            if draw(st.booleans()):
                statement[key] = draw(st.lists(terms[scheme], min_size=1, max_size=2,
                                               unique=True))
        if statement["modality"] == "onlyIf" or draw(st.booleans()):
            statement["conditions"] = draw(st.lists(terms["Condition"], min_size=1,
                                                    max_size=2, unique=True))
        if party_ids and draw(st.booleans()):
            statement["recipients"] = draw(st.lists(st.sampled_from(party_ids), min_size=1,
                                                    max_size=2, unique=True))
        data["statements"].append(statement)
    if not data["statements"]:  # the schema wants at least one
        data["statements"] = statements[:1]
    return data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited_policies())
def test_property_each_statement_appears_with_its_force(data: dict[str, Any]) -> None:
    assert violations(data) == []
    policy = Policy.from_dict(data)
    texts = rendered_texts(policy)
    for statement in policy.statements:
        sentence = statement_sentence(policy, statement)
        if statement.modality == "may":
            assert " may " in sentence
        elif statement.modality == "doesNot":
            assert " not " in sentence
        elif statement.modality == "onlyIf" and statement.actors and statement.conditions and \
                statement.duty in ("contractualDuty", "termsDuty", "legalDuty") and \
                set(statement.conditions) <= {"withConsent", "withNotice"}:
            # a duty of others: consent or notice owed to the people concerned, first
            assert " must " in sentence and " before " in sentence
        elif statement.modality == "onlyIf" and statement.conditions:
            assert " only " in sentence or "unless" in sentence
        for fmt, text in texts.items():
            assert sentence in text, (fmt, statement.id)


def test_not_stated_is_said_not_guessed() -> None:
    data = copy.deepcopy(example_data("itnet"))
    for key in ("retention", "rights", "transfers", "storage", "tracking", "children",
                "changes", "lastUpdated"):
        data.pop(key, None)
    text = render(Policy.from_dict(data), "text")
    flat = " ".join(text.split())
    for sentence in ("This policy does not say how long data is kept.",
                     "This policy does not name any rights.",
                     "This policy does not say whether data is transferred to other "
                     "countries.",
                     "This policy does not mention cookies or similar technologies.",
                     "This policy says nothing about children.",
                     "This policy does not give the date it was last updated."):
        assert sentence in flat
    assert "Kept for: Not stated" in flat


def test_inferred_entries_are_marked() -> None:
    policy = Policy.from_dict(example_data("itnet"))
    page = build_page(policy)
    items = {item.anchor: item for s in page.sections for b in s.blocks
             if isinstance(b, Bullets) for item in b.items}
    assert items["s-share-push-token"].inferred
    assert not items["s-collect-personal-data"].inferred
    assert "inferred by the annotator, not stated in the policy" in render(policy, "markdown")


def test_evidence_notes_link_back() -> None:
    policy = Policy.from_dict(example_data("voiceterm"))
    page = build_page(policy)
    def paras(block: object) -> tuple[Para, ...]:
        if isinstance(block, Para):
            return (block,)
        if isinstance(block, Bullets):
            return block.items
        if isinstance(block, Table):
            return tuple(row.header for row in block.rows)
        return ()

    numbers = {n for s in page.sections for b in s.blocks for p in paras(b) for n in p.notes}
    assert numbers == {n.number for n in page.notes}
    document = html.fromstring(render(policy, "html"))
    ids = set(document.xpath("//@id"))
    for href in document.xpath("//a/@href"):
        if href.startswith("#"):
            assert href[1:] in ids, href
    note = document.get_element_by_id("note-1")
    assert note.tag == "li" and note.xpath(".//blockquote")


@pytest.mark.parametrize("name", NAMES)
def test_html_structure(name: str) -> None:
    policy = Policy.from_dict(example_data(name))
    document = etree.fromstring(render(policy, "html").encode(),
                                etree.HTMLParser(recover=False))
    assert document.get("lang") == "en"
    ids = document.xpath("//@id")
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert len(document.xpath("//h1")) == 1
    assert document.xpath("//th[not(@scope)]") == []
    for table in document.xpath("//table"):
        assert table.xpath("./caption") and table.xpath("./thead//th[@scope='col']")
    assert document.xpath("//style") and not document.xpath("//link | //script | //img")
    # each statement links to the notes that quote its evidence
    for statement in policy.statements:
        (item,) = document.xpath(f"//li[@id='{statement.id}']")
        targets = {href[1:] for href in item.xpath(".//sup/a/@href")}
        quotes = {" ".join(e.quote.split()) for e in statement.evidence if e.quote}
        shown = {" ".join(document.xpath(f"string(//li[@id='{t}']//blockquote)").split())
                 for t in targets}
        assert quotes <= shown, statement.id


def test_phrases() -> None:
    assert duration("P7Y") == "7 years"
    assert duration("P1M") == "1 month"
    assert duration("P1Y6M") == "1 year and 6 months"
    assert duration("PT24H") == "24 hours"
    assert join(["a", "b", "c"]) == "a, b and c"
    assert join(["billing and payment", "provisioning", "support"]) == \
        "billing and payment; provisioning; and support"
    assert join(["x (a or b)", "y"], "or") == "x (a or b) or y"


# --- safety -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile() -> dict[str, str]:
    policy = Policy.from_dict(hostile_document())
    return {fmt: render(policy, fmt) for fmt in FORMATS}


def test_hostile_html_is_inert(hostile: dict[str, str]) -> None:
    text = hostile["html"]
    parser = etree.HTMLParser(recover=False)
    document = etree.fromstring(text.encode(), parser)
    assert document.xpath("//script") == []
    assert document.xpath("//img | //iframe | //object | //embed | //link | //base") == []
    assert document.xpath("//@*[starts-with(name(), 'on')]") == []
    for href in document.xpath("//a/@href"):
        assert href.startswith(("#", "https://", "http://", "mailto:")), href
        assert not href.lower().startswith("javascript")
    assert "<script>" not in text and "javascript:alert(4)\"" not in text
    # the hostile text is shown, as text
    visible = " ".join(document.xpath("string(//body)").split())
    assert SCRIPT in visible
    assert "\x07" not in text and "\x1b" not in text and "\x00" not in text
    assert "\u202e" not in text and "\u2066" not in text
    meta = document.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert meta and "default-src 'none'" in meta[0]


def test_hostile_markdown_has_no_raw_html_or_links(hostile: dict[str, str]) -> None:
    text = hostile["markdown"]
    assert not re.search(r"(?<!\\)<[A-Za-z/!]", text), "raw HTML in Markdown"
    assert "<script>" not in text
    assert not re.search(r"(?<!\\)\[click me(?<!\\)\]", text)
    assert not re.search(r"(?<!\\)\]\((?:javascript|https://tracker)", text)
    for target in re.findall(r"(?<!\\)\]\(([^)]*)\)", text):
        assert target.startswith(("https://", "http://", "mailto:")), target
    assert not re.search(r"(?<!\\)&(?:[a-z]+|#\d+);", text), "an entity would be decoded"
    for line in text.splitlines():
        assert not re.match(r"^(?:\d+[.)]|[-+=>]|#{1,6} )", line) or line.startswith(
            ("# ", "## ", "### ", "- ", "---")), line
    assert all(unicodedata.category(c) != "Cc" or c == "\n" for c in text)
    assert "\u202e" not in text


def test_markdown_escapes() -> None:
    assert escape("<b>") == "\\<b\\>"
    assert escape("a | b") == "a \\| b"
    assert escape("[x](y)") == "\\[x\\](y)"
    assert escape("&amp;") == "\\&amp;"
    assert escape_line_start("1. item") == "1\\. item"
    assert escape_line_start("- item") == "\\- item"
    assert escape_line_start("plain") == "plain"


def test_hostile_text_is_wrapped_and_clean(hostile: dict[str, str]) -> None:
    text = hostile["text"]
    assert max(len(line) for line in text.splitlines()) <= 78
    assert all(unicodedata.category(c) != "Cc" or c == "\n" for c in text)
    assert "\u202e" not in text


# --- the CLI ----------------------------------------------------------------------------------

def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("fmt", ["markdown", "html", "text"])
def test_cli_render(fmt: str, tmp_path: Path) -> None:
    source = EXAMPLES_DIR / "voiceterm.policy.json"
    code, out, err = run("render", str(source), "--format", fmt)
    assert (code, err) == (0, "")
    assert out == render(Policy.from_dict(example_data("voiceterm")), fmt)  # type: ignore[arg-type]
    target = tmp_path / "page"
    code, out, _ = run("render", str(source), "-f", fmt, "-o", str(target))
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8") == render(
        Policy.from_dict(example_data("voiceterm")), fmt)  # type: ignore[arg-type]


def test_cli_render_invalid_document_exits_2(tmp_path: Path) -> None:
    data = example_data("itnet")
    data["statements"][1]["modality"] = "perhaps"
    bad = tmp_path / "bad.policy.json"
    bad.write_text(json.dumps(data, indent=2), encoding="utf-8")
    code, out, err = run("render", str(bad))
    assert code == 2 and out == ""
    assert str(bad) in err and "/statements/1/modality" in err and "perhaps" in err
    assert re.search(r"bad\.policy\.json:\d+", err), "the message names the line"
    assert "Traceback" not in err


def test_cli_render_unreadable_and_not_json(tmp_path: Path) -> None:
    code, _, err = run("render", str(tmp_path / "missing.json"))
    assert code == 2 and "missing.json" in err
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    code, _, err = run("render", str(broken))
    assert code == 2 and "broken.json" in err


def test_cli_render_never_overwrites_its_input(tmp_path: Path) -> None:
    source = tmp_path / "p.policy.json"
    source.write_text(json.dumps(example_data("itnet")), encoding="utf-8")
    before = source.read_text(encoding="utf-8")
    code, _, err = run("render", str(source), "-o", str(source))
    assert code == 2 and "refusing to overwrite" in err
    assert source.read_text(encoding="utf-8") == before


def test_cli_module_imports_nothing_heavy() -> None:
    import subprocess
    import sys

    probe = ("import sys; import pypolicy.cli.render; "
             "heavy = [m for m in ('lxml', 'rdflib', 'pyshacl', 'jsonschema', "
             "'pypolicy.rendering.page', 'pypolicy.rendering.diff', 'pypolicy.rendering.compare') "
             "if m in sys.modules]; "
             "print(heavy)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
