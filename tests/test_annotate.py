"""The parts of `pypolicy annotate`: quote matching and its explanations, headings, dates,
sentences, the HTML text, the skeleton's YAML, and the annotation checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pypolicy.annotation.annotation import AnnotationErrors, read_annotation
from pypolicy.annotation.build import build, default_output, locate, relative_path
from pypolicy.annotation.evidence import SourceText, Span, SpanIndex, coverage
from pypolicy.annotation.htmltext import extract, looks_like_html
from pypolicy.annotation.mismatch import closest_match, explain_missing
from pypolicy.annotation.outline import detect_headings, parse_date, read_outline
from pypolicy.annotation.skeleton import _scalar, document_id
from pypolicy.core.errors import InputError
from pypolicy.format.loader import parse_text

TEXT = ("Who we are\n"
        "Fernhill Voice (“Fernhill”) sells phone lines – mostly to schools.\n"
        "We don’t sell call records.\n"
        "Your rights\n"
        "You may ask for a copy of your data. You may ask for a copy of your data.\n")


# ------------------------------------------------------------------ quotes that miss


@pytest.mark.parametrize("quote, ours, theirs, hint", [
    ("Fernhill Voice (\"Fernhill\") sells phone lines", "U+0022 QUOTATION MARK",
     "U+201C LEFT DOUBLE QUOTATION MARK", "a curly quote (“) typed straight"),
    ("sells phone lines - mostly to schools", "U+002D HYPHEN-MINUS", "U+2013 EN DASH",
     "an en dash (–) typed as a hyphen"),
    ("We don't sell call records.", "U+0027 APOSTROPHE", "U+2019 RIGHT SINGLE QUOTATION MARK",
     "a curly apostrophe (’) typed straight"),
])
def test_a_lookalike_character_is_named_and_explained(quote: str, ours: str, theirs: str,
                                                      hint: str) -> None:
    message = explain_missing(SourceText(TEXT, ["Who we are", "Your rights"]), quote)
    assert "quote has '" in message or "quote has \"" in message
    assert ours in message and theirs in message and hint in message
    assert 'section "Who we are"' in message


def test_the_caret_stands_under_the_first_difference() -> None:
    message = explain_missing(SourceText(TEXT), "We don't sell call records.")
    lines = message.splitlines()
    quote_line = next(line for line in lines if line.strip().startswith("quote:"))
    source_line = next(line for line in lines if line.strip().startswith("source:"))
    caret = lines[lines.index(source_line) + 1].index("^")
    assert quote_line[caret] == "'" and source_line[caret] == "’"
    assert quote_line[12:caret] == source_line[12:caret] == "We don"
    assert "at character 7 of the quote" in message


def test_a_fragment_finds_its_place_inside_a_longer_sentence() -> None:
    source = SourceText(TEXT)
    match = closest_match(source, "sells phone lines to schools")
    assert match is not None
    assert match.passage.startswith("sells phone lines")
    assert TEXT[match.span.start:match.span.end].startswith("sells phone lines")


def test_invisible_characters_are_shown_as_escapes() -> None:
    source = SourceText("We keep logs\u200b for a year.\n")
    message = explain_missing(source, "We keep logs for a year.")
    assert "\\u200b" in message and "U+200B ZERO WIDTH SPACE" in message
    assert "\u200b" not in message


def test_markdown_markup_in_the_source_gets_a_hint() -> None:
    source = SourceText("We **never** sell your data.\n")
    message = explain_missing(source, "We never sell your data.")
    assert "the source has markup here" in message


def test_a_quote_with_nothing_like_it_still_names_the_nearest_sentence() -> None:
    message = explain_missing(SourceText(TEXT), "Zebras graze quietly at dawn.")
    assert "closest passage" in message and "first difference" not in message


# ------------------------------------------------------------------ the source text


def test_occurrences_are_all_found_and_located_in_order() -> None:
    source = SourceText(TEXT, ["Who we are", "Your rights"])
    found = source.occurrences("You may ask for a copy of your data.")
    assert len(found) == 2 and found[0].start < found[1].start
    assert all(source.section_at(s.start) == "Your rights" for s in found)
    assert source.line_of(found[0].start) == 5
    assert source.occurrences("  You may\n ask ") == [Span(found[0].start,
                                                            found[0].start + 11),
                                                       Span(found[1].start,
                                                            found[1].start + 11)]


def test_wrapped_lines_are_one_sentence_but_headings_and_brands_are_not_joined() -> None:
    text = ("1. Introduction\niTNet runs a private exchange for enterprises.\n"
            "Our exchange keeps a record of the numbers you dial and the time of\n"
            "each call, for billing.\n- We never record calls.\n")
    source = SourceText(text)
    sentences = [text[s.start:s.end] for s in source.sentences()]
    assert sentences == [
        "1. Introduction", "iTNet runs a private exchange for enterprises.",
        "Our exchange keeps a record of the numbers you dial and the time of\n"
        "each call, for billing.", "We never record calls."]


def test_span_index_merges_and_measures() -> None:
    index = SpanIndex([Span(10, 20), Span(15, 30), Span(40, 50)])
    assert index.spans == [Span(10, 30), Span(40, 50)]
    assert index.overlap(Span(0, 100)) == 30
    assert index.overlap(Span(25, 45)) == 10
    assert index.overlap(Span(30, 40)) == 0


def test_coverage_counts_sentences_by_status() -> None:
    source = SourceText(TEXT, ["Who we are", "Your rights"])
    quote = source.occurrences("We don’t sell call records.")
    cov = coverage(source, quote, source.occurrences("Fernhill Voice"))
    statuses = cov.statuses()
    assert list(statuses.values()).count("covered") == 1
    assert len(cov.boilerplate) == 2  # the two headings; "Fernhill Voice" is too little
    assert cov.ratio == pytest.approx(1 / 4)


# ------------------------------------------------------------------ a first reading


MARKDOWN = """\
# Privacy at Brookline

_Last revised: June 3rd, 2024_

Setext Heading
==============

**Data We Hold:**
We hold your name.

2.1 Call records
We log calls.
- Short Item
- Another One

How We Share Data
We share data with our bank.
Call us: +44 20 7946 0958
See https://brookline.example/privacy for more.
A line that ends a sentence.
"""


def test_headings_are_found_in_markdown_and_plain_text() -> None:
    assert detect_headings(MARKDOWN) == ["Privacy at Brookline", "Setext Heading",
                                         "Data We Hold:", "2.1 Call records",
                                         "How We Share Data"]


@pytest.mark.parametrize("text, date", [
    ("Last updated: April 2026", "2026-04"),
    ("Last updated: May 24th 2018", "2018-05-24"),
    ("This version was last updated on 2nd July 2024.", "2024-07-02"),
    ("Effective date: 2023-11-30", "2023-11-30"),
    ("Last updated: Sept. 5, 2021", "2021-09-05"),
    ("Last updated: 31 February 2021", None),
    ("Last updated: recently", None),
])
def test_dates_are_read_as_precisely_as_given(text: str, date: str | None) -> None:
    assert parse_date(text) == date


def test_the_reading_separates_headings_boilerplate_and_the_worklist() -> None:
    reading = read_outline(MARKDOWN)
    assert reading.last_updated == ("2024-06-03", "_Last revised: June 3rd, 2024_")
    assert reading.boilerplate == ("_Last revised: June 3rd, 2024_",)
    sentences = [sentence for _section, sentence in reading.worklist]
    assert "We share data with our bank." in sentences
    assert "Short Item" in sentences  # short list items may state a practice
    assert not any(s == "Privacy at Brookline" or "Setext" in s for s in sentences)
    assert ("2.1 Call records", "We log calls.") in reading.worklist


# ------------------------------------------------------------------ HTML


def test_html_text_keeps_blocks_tables_and_preformatted_text() -> None:
    page = extract(
        b"<html><body><div><p>One<br>two</p></div>"
        b"<table><tr><th>Data</th><td>Kept</td></tr></table>"
        b"<pre>a\n  b</pre><p style='display:none'>gone</p><p aria-hidden='true'>gone</p>"
        b"<form><input value='gone'><button>gone</button></form>"
        b"<p>caf\xc3\xa9 &amp; tea</p></body></html>", "p.html")
    assert page.text == "One\ntwo\n\nData | Kept\n\na\n  b\n\ncafé & tea\n"
    assert page.headings == () and page.title is None and page.language is None


def test_html_in_a_legacy_encoding_uses_its_meta_charset() -> None:
    raw = ("<html><head><meta charset='windows-1252'></head><body><p>“Caf\u00e9”</p>"
           "</body></html>").encode("cp1252")
    assert extract(raw, "legacy.html").text == "“Café”\n"


def test_html_is_recognised_by_name_or_by_content() -> None:
    assert looks_like_html("a.HTM", b"")
    assert looks_like_html("page", b"\n <!DOCTYPE html><html>")
    assert not looks_like_html("notes.txt", b"Privacy <b>policy</b>")


# ------------------------------------------------------------------ the skeleton


@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=80))
def test_every_string_is_written_as_yaml_that_reads_back(value: str) -> None:
    assert parse_text(f"value: {_scalar(value)}\n", "x.yaml").data["value"] == value


@pytest.mark.parametrize("stem, identifier", [
    ("acme", "acme"), ("Acme Telecom (2024)", "Acme-Telecom-2024"),
    ("2024-policy", "policy-2024-policy"), ("___", "policy")])
def test_document_ids_follow_the_schema(stem: str, identifier: str) -> None:
    assert document_id(stem) == identifier


def test_default_output_and_relative_paths() -> None:
    assert default_output(Path("a/acme.annotation.yaml")) == Path("a/acme.policy.json")
    assert default_output(Path("a/acme.yaml")) == Path("a/acme.policy.json")
    assert relative_path(Path("/x/sources/a.txt"), Path("/x/out")) == "../sources/a.txt"


# ------------------------------------------------------------------ annotation checks


def write_annotation(folder: Path, body: str) -> Path:
    import hashlib

    source = folder / "p.txt"
    source.write_text(TEXT, "utf-8")
    digest = hashlib.sha256(TEXT.encode()).hexdigest()
    path = folder / "p.annotation.yaml"
    path.write_text(f"source:\n  file: p.txt\n  sha256: {digest}\n{body}", "utf-8")
    return path


DOCUMENT = """\
document:
  formatVersion: 1.0.0
  id: p
  title: Notice
  language: en
  provider:
    name: Fernhill Voice
    evidence:
      - quote: "You may ask for a copy of your data."
"""


@pytest.mark.parametrize("extra, message, pointer", [
    ("        occurrence: 3\n", "occurrence must be a number from 1 to 2",
     "/document/provider/evidence/0/occurrence"),
    ("        section: Who we are\n", "the quote is not in section 'Who we are'",
     "/document/provider/evidence/0/section"),
    ("        occurrence: 1\nboilerplate: [\"Not in the text\"]\n",
     "passage not found in the source", "/boilerplate/0"),
])
def test_evidence_that_cannot_be_placed_is_refused(tmp_path: Path, extra: str,
                                                    message: str, pointer: str) -> None:
    path = write_annotation(tmp_path, "sections: [Who we are, Your rights]\n" + DOCUMENT +
                            extra)
    with pytest.raises(AnnotationErrors) as caught:
        locate(read_annotation(path))
    assert message in str(caught.value) and caught.value.pointer == pointer
    assert caught.value.line is not None


def test_unknown_keys_and_headings_out_of_order_are_refused(tmp_path: Path) -> None:
    path = write_annotation(tmp_path, "sectons: []\n" + DOCUMENT)
    with pytest.raises(InputError, match="unknown key 'sectons'"):
        read_annotation(path)
    path = write_annotation(tmp_path, "sections: [Your rights, Who we are]\n" + DOCUMENT)
    with pytest.raises(InputError, match="not after the heading before it"):
        read_annotation(path)


def test_an_unknown_evidence_key_reaches_the_schema_check(tmp_path: Path) -> None:
    path = write_annotation(tmp_path, DOCUMENT + "        occurrence: 1\n"
                                                 "        rationle: typo\n")
    with pytest.raises(AnnotationErrors) as caught:
        build(path, tmp_path / "p.policy.json")
    assert "rationle" in str(caught.value)
    assert caught.value.pointer == "/document/provider/evidence/0"
