"""The HTML page frame shared by the rendered policy and the comparison: the element
maker, the style sheet, the Content-Security-Policy and the document around a body.

Every element is made by lxml's element builder, never by joining strings of markup, so
every piece of text is escaped by lxml. The page loads nothing: its CSS is inline, it has
no scripts or images, and the Content-Security-Policy forbids fetching anything.
"""

from __future__ import annotations

from typing import Any

from lxml import html
from lxml.builder import ElementMaker

E = ElementMaker(makeelement=html.html_parser.makeelement)

PAGE_LANGUAGE = "en"  # the language of the renderer's own words where no catalogue says

CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                           "form-action 'none'")

STYLE = """
:root { color-scheme: light; --ink: #1b1f23; --muted: #57606a; --rule: #d0d7de;
  --accent: #0b5cad; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 52rem; padding: 1.5rem 1.25rem 3rem;
  font: 1rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; color: var(--ink); background: #fff; overflow-wrap: break-word; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.4rem; margin: 2.5rem 0 0.75rem; padding-bottom: 0.25rem;
  border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
p, li { margin: 0.5rem 0; }
ul, ol { padding-left: 1.5rem; }
a { color: var(--accent); }
a:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.intro { color: var(--muted); }
nav ol { columns: 2; column-gap: 2rem; }
nav li { margin: 0.15rem 0; }
nav summary { cursor: pointer; }
nav summary h2 { display: inline; border: 0; margin: 0; font-size: 1.1rem; }
nav details { margin: 1rem 0; padding-bottom: 0.5rem; border-bottom: 1px solid var(--rule); }
.table-wrap { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { border: 1px solid var(--rule); padding: 0.4rem 0.6rem; text-align: left;
  vertical-align: top; }
thead th { background: var(--soft); }
tbody th { font-weight: 600; }
.summary tbody th { width: 30%; }
.refs { font-size: 0.75em; line-height: 0; white-space: nowrap; }
.refs a { text-decoration: none; margin-left: 0.1em; }
.inferred { color: #8a4600; font-style: italic; }
.remark { display: block; color: var(--muted); font-size: 0.9em; margin-top: 0.2rem; }
.notes li { margin: 0.75rem 0; }
.notes blockquote { margin: 0; padding: 0.1rem 0.75rem; border-left: 3px solid var(--rule);
  background: var(--soft); }
.notes .where { color: var(--muted); font-size: 0.9em; margin: 0.25rem 0 0; }
:target { background: #fff8c5; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
footer { margin-top: 3rem; border-top: 1px solid var(--rule); color: var(--muted);
  font-size: 0.9em; }
/* The privacy label: one card per question, answers as short tags; the grid makes as
   many columns as fit, one on a phone. */
.label { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr));
  gap: 0.6rem; margin: 1rem 0; padding: 0; align-items: start; }
.fact { border: 1px solid var(--rule); border-radius: 6px; padding: 0.5rem 0.7rem; }
.fact dt { font-weight: 600; margin-bottom: 0.3rem; }
.fact dd { margin: 0; }
.fact .answers { list-style: none; padding: 0; margin: 0; }
.fact .answers li { display: inline-block; margin: 0 0.25rem 0.3rem 0; padding: 0.05rem 0.5rem;
  background: var(--soft); border: 1px solid var(--rule); border-radius: 0.6rem;
  font-size: 0.9rem; line-height: 1.45; }
.fact .unstated { color: var(--muted); font-style: italic; }
/* What the validator found: the severity in words, a coloured edge besides. */
.points { list-style: none; padding: 0; }
.point { border-left: 4px solid var(--rule); padding: 0.1rem 0 0.1rem 0.8rem;
  margin: 1rem 0; }
.point-error { border-left-color: #b42318; }
.point-warning { border-left-color: #9a6700; }
.point .severity { margin-right: 0.2rem; }
.point .rule { font-size: 0.85em; color: var(--muted); }
.point .said { margin-bottom: 0.2rem; color: var(--muted); }
.point blockquote { margin: 0.2rem 0 0.4rem; padding: 0.1rem 0.75rem;
  border-left: 3px solid var(--rule); background: var(--soft); }
.point .see { font-size: 0.9em; }
/* Narrow screens: each table row becomes a card, each cell labelled with its column
   (data-label), so that nothing scrolls sideways or is cut off on a phone. */
@media (max-width: 40rem) {
  body { padding: 1rem 0.75rem 2rem; }
  nav ol { columns: 1; }
  .table-wrap { overflow-x: visible; }
  table, thead, tbody, tr, th, td, caption { display: block; width: auto; }
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); }
  tr { border: 1px solid var(--rule); margin: 0 0 0.75rem; }
  th, td { border: 0; overflow-wrap: anywhere; }
  td { border-top: 1px solid var(--rule); }
  tbody th { background: var(--soft); }
  .summary tbody th { width: auto; }
  td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; }
  td ul { padding-left: 1.1rem; }
}
/* Print: a short document. Smaller type, no table of contents, the label's answers as
   plain lists in three columns, and the evidence as compact endnotes in two columns of
   small type, so that the quotes that make the page long take a fraction of the paper. */
@media print {
  @page { margin: 1.5cm 1.6cm; }
  body { max-width: none; padding: 0; font-size: 9.5pt; line-height: 1.4; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  h1 { font-size: 16pt; margin: 0 0 0.5rem; }
  h2 { font-size: 12pt; margin: 1.1rem 0 0.4rem; break-after: avoid; }
  h3 { font-size: 10.5pt; margin: 0.8rem 0 0.3rem; break-after: avoid; }
  p, li { margin: 0.2rem 0; }
  .table-wrap { overflow: visible; margin: 0.5rem 0; }
  table { font-size: 8.5pt; }
  th, td { padding: 0.15rem 0.35rem; }
  tr, .fact, .point { break-inside: avoid; }
  .label { grid-template-columns: repeat(3, 1fr); gap: 0.3rem; }
  .fact { padding: 0.25rem 0.4rem; border-radius: 0; }
  .fact .answers li { display: inline; border: 0; background: none; padding: 0; margin: 0;
    font-size: 8.5pt; }
  .fact .answers li:not(:last-child)::after { content: "; "; }
  .point { margin: 0.5rem 0; padding-left: 0.5rem; }
  .point blockquote, .notes blockquote { background: none; padding: 0 0 0 0.4rem;
    margin: 0.1rem 0; }
  .notes { columns: 2; column-gap: 1.2rem; font-size: 7.5pt; line-height: 1.3;
    padding-left: 1.4rem; }
  .notes li { margin: 0 0 0.25rem; break-inside: avoid; }
  .notes blockquote p, .notes .where { margin: 0; }
  footer { margin-top: 1rem; }
}
"""


def html_document(title: str, body: Any, *, style: str = STYLE,
                  language: str = PAGE_LANGUAGE) -> Any:
    """The ``<html>`` element of a self-contained page whose own words are in
    ``language``."""
    return E.html(
        {"lang": language},
        E.head(
            E.meta({"charset": "utf-8"}),
            E.meta({"http-equiv": "Content-Security-Policy",
                    "content": CONTENT_SECURITY_POLICY}),
            E.meta({"name": "viewport", "content": "width=device-width, initial-scale=1"}),
            E.meta({"name": "referrer", "content": "no-referrer"}),
            E.meta({"name": "generator", "content": "pypolicy"}),
            E.title(title),
            E.style(style),
        ),
        body,
    )


def serialise(document: Any) -> str:
    """The page as text with its doctype, ending in a newline."""
    text: str = html.tostring(document, doctype="<!DOCTYPE html>", encoding="unicode",
                              pretty_print=True)
    return text if text.endswith("\n") else text + "\n"
