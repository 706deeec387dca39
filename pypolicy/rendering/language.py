"""The language of the page's own words, and the message catalogues that hold them.

The renderer writes its prose in English and looks every fixed word up in a GNU gettext
message catalogue for the document's language (``locale/<lang>/LC_MESSAGES/pypolicy.mo``
next to this module, read by the standard library's ``gettext``): adding a German or
French page is adding a catalogue, not code. Where no catalogue exists the prose stays
English and says so (``Prose.language`` is then ``en``), while the policy's own words
keep the document's language.

Strings are marked for extraction by ``_(...)`` (translated where they are used) and
``N_(...)`` (a constant translated later); ``locale/README.md`` says how to make the
template and a catalogue with the GNU gettext tools.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from pathlib import Path

from pypolicy.rendering.page import Words

DOMAIN = "pypolicy"
LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "en"  # the language the messages are written in


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it yet (a constant that is
    translated where it is shown)."""
    return message


@dataclass(frozen=True)
class Prose:
    """The words of one page: its language (a BCP 47 tag) and the catalogue that
    translates the English messages into it."""

    language: str = SOURCE_LANGUAGE
    catalogue: gettext.NullTranslations = field(default_factory=gettext.NullTranslations,
                                                compare=False)

    def gettext(self, message: str) -> str:
        return self.catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.catalogue.ngettext(singular, plural, count)


ENGLISH = Prose()


def _candidates(tag: str) -> list[str]:
    """Catalogue folder names for a language tag, most specific first: "de-AT" ->
    ["de_AT", "de"] (gettext names folders by POSIX locale, with an underscore)."""
    parts = [p for p in tag.replace("_", "-").split("-") if p]
    if not parts:
        return []
    primary = parts[0].lower()
    if len(parts) > 1 and len(parts[1]) == 2:
        return [f"{primary}_{parts[1].upper()}", primary]
    return [primary]


def prose_for(document_language: str, locale_dir: Path | None = None) -> Prose:
    """The prose for a document in ``document_language``: its catalogue if the project
    has one, else English. Never reads the environment (``LANGUAGE``, ``LANG``), so a
    page does not depend on who renders it."""
    directory = LOCALE_DIR if locale_dir is None else locale_dir
    for name in _candidates(document_language):
        if name.split("_")[0] == SOURCE_LANGUAGE:
            return ENGLISH
        # exactly this folder: gettext.find would also try "de" for "de_AT" and name the
        # prose after the wrong one
        path = directory / name / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if path.is_file():
            with path.open("rb") as catalogue:
                return Prose(name.replace("_", "-"), gettext.GNUTranslations(catalogue))
    return ENGLISH


def page_words(prose: Prose) -> Words:
    """The fixed words the writers add to a page, in ``prose``'s language."""
    _ = prose.gettext
    return Words(
        contents=_("Contents"),
        notes_title=_("Evidence: the words of the policy"),
        notes_intro=_("The quotes each statement rests on are the footnotes of this page."),
        inferred_mark=_("inferred by the annotator, not stated in the policy"),
        remark_label=_("Annotator's note"),
        note_section=_("Section “{section}”"),
        note_characters=_("characters {start}–{end}"),
        note_inferred=_("Inferred by the annotator"),
        note_cited_at=_("Cited at"),
        note_without_quote=_("(no quote)"),
        evidence_reference=_("evidence {number}"),
        see=_("See"),
    )
