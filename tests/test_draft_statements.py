"""annotate draft, statements and retention: each rule added after the first release
with a sentence that yields the proposal and one that must not."""

from __future__ import annotations

from typing import Any

from pypolicy.annotation.draft.assemble import draft_document
from pypolicy.annotation.draft.text import PolicyText


def drafted(text: str) -> dict[str, Any]:
    return draft_document(PolicyText(text, ()), doc_id="t", title=None, language=None,
                          last_updated=None, fallback_name="t").document


def test_the_sentence_naming_the_provider_states_no_practice() -> None:
    assert "statements" not in drafted(
        'Acme Voice Ltd ("Acme", "we") sells phone numbers to small shops.')
    [sale] = drafted("Acme Voice Ltd sells your phone number to marketers.")["statements"]
    assert sale["actions"] == ["sell"]


def test_as_long_as_your_contract_is_the_contract_duration() -> None:
    [rule] = drafted("Account details are retained for as long as your contract "
                     "lasts.")["retention"]
    assert rule["criteria"] == ["contractDuration"]
    assert "retention" not in drafted("Your contract lasts one year.")


def test_your_calls_are_the_content_of_communications() -> None:
    document = drafted("We never listen to your calls.")
    [statement] = document["statements"]
    categories = {c for d in document["dataCategories"] for c in d["categories"]}
    assert statement["modality"] == "doesNot" and categories == {"communicationsContent"}
    assert "statements" not in drafted("We never listen to music at work.")
