"""The page's English: no doubled phrases on any example's page, verbs and pronouns that
agree with what they refer to."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pypolicy.format.loader import load_path
from pypolicy.format.model import Policy
from pypolicy.rendering import render
from pypolicy.rendering.page import Bullets, Page, Para, Table
from pypolicy.rendering.phrases.basics import data_looks_plural, looks_plural
from pypolicy.rendering.phrases.retention import retention_sentences
from pypolicy.rendering.phrases.statements import statement_sentence
from pypolicy.rendering.sections import build_page

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.policy.json"))

# A phrase said twice in a row, either right after itself ("the the") or across one
# small word ("our instructions on our instructions"): the slip of joining a name that
# already states something with a phrase that states it again.
_SMALL = r"(?:on|of|in|for|to|and|or|by|with|at|as|under|from)"
DOUBLED = re.compile(rf"\b(\w+(?: \w+)*) \1\b|\b(\w+(?: \w+)+) {_SMALL} \2\b",
                     re.IGNORECASE)


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = load_path(Path(__file__).parent.parent / "examples"
                                     / f"{name}.policy.json").data
    return data


def page_sentences(page: Page) -> Iterator[str]:
    """The page's own prose: paragraphs, list items and table cells (the quotes in the
    evidence notes are the policy's words, not the page's)."""
    paras: list[Para] = list(page.intro)
    cells: list[str] = []
    for section in page.sections:
        for block in section.blocks:
            if isinstance(block, Para):
                paras.append(block)
            elif isinstance(block, Bullets):
                paras += block.items
            elif isinstance(block, Table):
                for row in block.rows:
                    paras.append(row.header)
                    cells += ["".join(i.text for i in cell) for cell in row.cells]
    for text in [*("".join(i.text for i in p.content) for p in paras), *cells]:
        yield from re.split(r"(?<=[.;:])\s+", text)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_no_doubled_phrases(path: Path) -> None:
    page = build_page(Policy.from_dict(load_path(path).data))
    doubled = [(m.group(0), sentence) for sentence in page_sentences(page)
               for m in DOUBLED.finditer(sentence)]
    assert not doubled, doubled


def test_the_doubled_phrase_finder_finds() -> None:
    assert DOUBLED.search("who can use it according to our instructions on our instructions")
    assert DOUBLED.search("we keep the the data")
    assert not DOUBLED.search("for fraud protection for fraud prevention")
    assert not DOUBLED.search("FCM tokens with FCM")


def test_a_condition_a_name_already_states_is_said_once() -> None:
    policy = Policy.from_dict(example("inum"))
    by_id = {s.id: statement_sentence(policy, s) for s in policy.statements}
    text = next(t for t in by_id.values() if "employees, contractors" in t)
    assert text.count("our instructions") == 1
    # an "only if" keeps its condition: it carries the "only"
    assert by_id["s-instructions-only"].endswith("only on our instructions.")


@pytest.mark.parametrize(("name", "plural"), [
    ("third parties", True), ("the acquiring entity", False),
    ("employees, contractors, or other third parties, who can use it", True),
    ("US CPNI rules", True), ("UK GDPR and Data Protection Act 2018", True),
    ("ePrivacy Directive", False), ("GDPR", False),
])
def test_names_agree(name: str, plural: bool) -> None:
    assert looks_plural(name) is plural


@pytest.mark.parametrize(("names", "plural"), [
    (["contact lists"], True), (["Call Recording Data"], False),
    (["Microphone and Audio Data"], False), (["personal data or information"], False),
    (["FCM (Firebase Cloud Messaging) tokens"], True), (["Contacts (Address Book)"], True),
    (["Identity Data", "Contact Information"], True), ([], False),
])
def test_data_agrees(names: list[str], plural: bool) -> None:
    assert data_looks_plural(names) is plural


def _inum_with(edit: Any) -> Policy:
    data = copy.deepcopy(example("inum"))
    edit(data)
    return Policy.from_dict(data)


def test_regimes_agree_with_their_names() -> None:
    def regimes(data: dict[str, Any]) -> None:
        data["regimes"] = [{"id": "rg-cpni", "regime": "usCpni", "stance": "applies"},
                           {"id": "rg-uk", "regime": "ukGdpr", "stance": "disclaimed"},
                           {"id": "rg-ep", "regime": "eprivacy", "stance": "applies"}]

    text = " ".join(render(_inum_with(regimes), "text").split())
    assert "US CPNI rules apply to us." in text
    assert "UK GDPR and Data Protection Act 2018 do not apply to us." in text
    assert "ePrivacy Directive applies to us." in text


def test_conditions_and_retention_agree_with_plural_data() -> None:
    def plural_data(data: dict[str, Any]) -> None:
        data["dataCategories"][0]["name"] = "contact lists"
        first = data["dataCategories"][0]["id"]
        data["statements"].append({"id": "s-lists", "modality": "does",
                                   "actions": ["collect"], "data": [first],
                                   "conditions": ["enabledByUser"]})
        data["retention"] = [{"id": "r-lists", "data": [first], "duration": "P1Y",
                              "afterwards": "deleted", "exceptions": ["requiredByLaw"]}]

    policy = _inum_with(plural_data)
    sentence = statement_sentence(policy, policy.statements[-1])
    assert sentence == ("We collect contact lists when you choose to provide them or turn "
                        "on the feature.")
    assert retention_sentences(policy, policy.retention[0]) == [
        "We keep contact lists for one year.", "After that, we delete them.",
        "We may keep them longer as required by law."]
