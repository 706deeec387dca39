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


def _actions(text: str) -> list[list[str]]:
    return [s["actions"] for s in drafted(text).get("statements", ())]


def test_an_action_word_after_an_article_is_a_noun() -> None:
    assert _actions("Each call detail record shows the route taken.") == []
    assert _actions("We route call detail records to our billing system.") == [["transmit"]]
    # a participle after an article may still say the practice ("the combined data")
    assert _actions("We keep the combined call detail records.") != []


def test_a_relative_clause_about_a_party_states_no_practice_of_the_provider() -> None:
    assert _actions("We disclose call detail records to the carrier that carries "
                    "your traffic.") == [["disclose"]]
    assert _actions("We disclose call detail records to the carrier and carry "
                    "your traffic.") == [["disclose"], ["transmit"]]
    # unless the party acts for the provider
    assert ["store"] in _actions("We use a vendor that stores call detail records on our "
                                 "behalf.")


def test_a_practice_that_takes_place_when_switched_on_is_only_if() -> None:
    [transcribed] = drafted("Voicemail messages are transcribed when the administrator "
                            "turns on transcription.")["statements"]
    assert transcribed["modality"] == "onlyIf" and transcribed["actions"] == ["derive"]
    assert transcribed["conditions"] == ["enabledByAdministrator"]
    [sent] = drafted("We share voicemail messages with the administrator.")["statements"]
    assert sent["modality"] == "does"
