"""The page's own words come from message catalogues (GNU gettext, read by the standard
library): a catalogue for the document's language changes them without a code change;
without one the prose is English and says so (``<html lang="en">``) while the policy's
quoted words keep the document's language."""

from __future__ import annotations

import ast
import copy
import struct
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from pypolicy.format.loader import load_path
from pypolicy.format.model import Policy
from pypolicy.rendering import render
from pypolicy.rendering.language import LOCALE_DIR, prose_for
from pypolicy.validation.engine import validate_path

ROOT = Path(__file__).parent.parent
INUM = ROOT / "examples" / "inum.policy.json"

GERMAN = {
    "At a glance": "Auf einen Blick",
    "Things to know": "Gut zu wissen",
    "Contents": "Inhalt",
    "Data collected": "Erhobene Daten",
    "Not stated": "Nicht angegeben",
    "Serious": "Schwerwiegend",
    "Evidence: the words of the policy": "Belege: der Wortlaut der Erklärung",
    "Privacy policy of {provider}": "Datenschutzerklärung von {provider}",
    "Your rights": "Ihre Rechte",
}


def write_mo(path: Path, messages: dict[str, str]) -> None:
    """A GNU .mo catalogue (the format msgfmt writes): header, two tables of (length,
    offset) pairs for the originals and the translations, then the strings."""
    entries = sorted({"": "Content-Type: text/plain; charset=UTF-8\n", **messages}.items())
    originals = [k.encode() for k, _ in entries]
    translations = [v.encode() for _, v in entries]
    count = len(entries)
    start = 28 + 16 * count
    table_o, table_t, blob = [], [], b""
    for text in originals:
        table_o.append((len(text), start + len(blob)))
        blob += text + b"\0"
    for text in translations:
        table_t.append((len(text), start + len(blob)))
        blob += text + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, count, 28, 28 + 8 * count, 0, 0)
    tables = b"".join(struct.pack("<2I", *p) for p in table_o + table_t)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + tables + blob)


def in_language(language: str) -> Policy:
    data: dict[str, Any] = copy.deepcopy(load_path(INUM).data)
    data["language"] = language
    return Policy.from_dict(data)


@pytest.fixture()
def german(tmp_path: Path) -> Path:
    write_mo(tmp_path / "de" / "LC_MESSAGES" / "pypolicy.mo", GERMAN)
    return tmp_path


def test_a_catalogue_changes_the_page_without_code(german: Path) -> None:
    policy = in_language("de")
    page = html.fromstring(render(policy, "html", findings=validate_path(str(INUM)),
                                  locale_dir=german))
    assert page.get("lang") == "de"
    headings = [h.text_content() for h in page.iter("h1", "h2")]
    assert headings[0] == "Datenschutzerklärung von Inum"
    for english, translated in GERMAN.items():
        if english in ("At a glance", "Things to know", "Your rights", "Contents",
                       "Evidence: the words of the policy"):
            assert translated in headings and english not in headings
    assert "Erhobene Daten" in [d.text_content() for d in page.iter("dt")]
    assert "Schwerwiegend:" in page.text_content()
    # the quotes are in the language of the prose now: no lang of their own
    assert all(q.get("lang") is None for q in page.iter("blockquote"))
    for fmt in ("markdown", "text"):
        text = render(policy, fmt, locale_dir=german)
        assert "Auf einen Blick" in text and "At a glance" not in text


def test_without_a_catalogue_the_prose_is_english_and_the_quotes_keep_their_language(
        tmp_path: Path) -> None:
    page = html.fromstring(render(in_language("de"), "html", locale_dir=tmp_path))
    assert page.get("lang") == "en"
    assert "At a glance" in [h.text_content() for h in page.iter("h2")]
    quotes = list(page.iter("blockquote"))
    assert quotes and all(q.get("lang") == "de" for q in quotes)


def test_english_documents_need_no_lang_on_quotes() -> None:
    page = html.fromstring(render(in_language("en-GB"), "html"))
    assert page.get("lang") == "en"
    assert all(q.get("lang") is None for q in page.iter("blockquote"))


def test_country_variants_and_fallbacks(german: Path, tmp_path: Path) -> None:
    assert prose_for("de-AT", german).language == "de"
    write_mo(german / "de_AT" / "LC_MESSAGES" / "pypolicy.mo",
             {"At a glance": "Auf einen Blick (AT)"})
    austrian = prose_for("de-AT", german)
    assert austrian.language == "de-AT"
    assert austrian.gettext("At a glance") == "Auf einen Blick (AT)"
    assert prose_for("fr", german).language == "en"
    assert prose_for("", german).language == "en"


def test_the_environment_does_not_choose_the_language(german: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.setenv(variable, "de")
    page = html.fromstring(render(in_language("en"), "html", locale_dir=german))
    assert page.get("lang") == "en"
    assert "At a glance" in [h.text_content() for h in page.iter("h2")]


def test_the_project_has_no_catalogue_yet() -> None:
    """When one is added, this test changes with it (and the golden files show it)."""
    assert not list(LOCALE_DIR.glob("*/LC_MESSAGES/*.mo"))


def _marked_messages() -> set[str]:
    """Every literal message the renderer marks with ``_(...)``, ``N_(...)`` or
    ``x.gettext(...)`` (what xgettext extracts)."""
    found: set[str] = set()
    for module in (ROOT / "pypolicy" / "rendering").rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else \
                node.func.attr if isinstance(node.func, ast.Attribute) else ""
            if name in ("_", "N_", "gettext") and node.args \
                    and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def _template_messages() -> set[str]:
    found = set()
    for line in (LOCALE_DIR / "pypolicy.pot").read_text(encoding="utf-8").splitlines():
        if line.startswith('msgid "'):
            found.add(ast.literal_eval(line[len("msgid "):]))
    found.discard("")
    return found


def test_the_template_lists_every_message() -> None:
    """Regenerate with the xgettext command in pypolicy/rendering/locale/README.md."""
    marked, template = _marked_messages(), _template_messages()
    assert marked - template == set(), "missing from locale/pypolicy.pot"
    assert template - marked == set(), "stale in locale/pypolicy.pot"
    assert {"At a glance", "Things to know", "Data collected", "Contents", "Serious",
            "Not stated"} <= marked
