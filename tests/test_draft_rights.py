"""annotate draft, rights and contact points: each rule with a sentence that yields the
proposal and one that must not."""

from __future__ import annotations

from typing import Any

import pytest

from pypolicy.annotation.draft.assemble import draft_document
from pypolicy.annotation.draft.lexicon import Lexicon
from pypolicy.annotation.draft.text import PolicyText
from pypolicy.annotation.outline import read_outline


def drafted(text: str) -> dict[str, Any]:
    policy = PolicyText(text, read_outline(text).sections)
    return draft_document(policy, doc_id="t", title=None, language=None,
                          last_updated=None, fallback_name="t").document


def rights(text: str) -> dict[str, dict[str, Any]]:
    return {r["right"]: r for r in drafted(text).get("rights", ())}


def test_correcting_is_rectification_not_access() -> None:
    assert set(rights("You can have your personal data corrected.")) == {"rectification"}
    assert set(rights("You can ask for a copy of your data.")) == {"access"}


@pytest.mark.parametrize(("text", "expected"), [
    ("You can ask for your data to be deleted.", {"erasure"}),
    ("You may object to our use of your data.", {"objection"}),
    ("You may ask for a summary of your personal data.", {"access"}),
    ("Californians have the right to know what we collect.", {"access"}),
    ("You can restrict how long we keep your data.", {"restriction"}),
    ("You can reply STOP to any text message.", {"optOutMarketing"}),
])
def test_general_phrasings_of_rights(text: str, expected: set[str]) -> None:
    assert set(rights(text)) == expected


def test_a_heading_about_rights_makes_its_sentences_offers() -> None:
    under = "Your rights\n\nRequest erasure of your personal data.\n"
    assert set(rights(under)) == {"erasure"}
    assert not rights("Erasure of old backups happens every month.\n")


def test_an_offer_in_the_passive_or_with_allows_you() -> None:
    assert set(rights("Your data can be corrected from the account page.")) == {"rectification"}
    assert set(rights("This allows you to correct your data.")) == {"rectification"}
    assert not rights("Your data is corrected every night by our systems.")


def test_a_narrower_right_wins_over_the_broader_it_overlaps() -> None:
    assert set(rights("You have the right to object to direct marketing.")) == {
        "objectionDirectMarketing"}
    assert set(rights("You have the right to object to profiling.")) == {"objection"}


def test_narrower_overlap_in_the_lexicon_itself() -> None:
    phrasings = {"Right": {"broad": ["right to object"], "narrow": ["object to marketing"]}}
    with_hierarchy = Lexicon(phrasings, lambda a, b: (a, b) == ("narrow", "broad"))
    without = Lexicon(phrasings)
    text = "the right to object to marketing"
    assert [m.term for m in with_hierarchy.scan(text, "Right")] == ["narrow"]
    assert [m.term for m in without.scan(text, "Right")] == ["broad"]


def test_restricting_cpni_is_the_cpni_right() -> None:
    assert set(rights("You may restrict our use of your CPNI at any time.")) == {
        "cpniRestriction"}
    assert set(rights("You may restrict our use of your personal data.")) == {"restriction"}


CONTACT_BELOW = """Your rights

You can ask for a copy of your data; contact us as described below.

Contact us

Write to privacy@acme.example or call +44 20 7946 0001.
"""


def test_contact_us_below_takes_the_contact_sections_channels() -> None:
    assert rights(CONTACT_BELOW)["access"]["channels"] == ["email", "phone"]
    alone = CONTACT_BELOW.replace("; contact us as described below", "")
    assert "channels" not in rights(alone)["access"]


def test_send_requests_in_the_same_section_gives_the_channels() -> None:
    text = ("Your choices\n\nYou can ask us to erase your account details.\n"
            "Send requests to privacy@acme.example.\n\nCookies\n\n"
            "Our site sets essential cookies. Questions go to web@acme.example.\n")
    assert rights(text)["erasure"]["channels"] == ["email"]
    other = text.replace("Send requests to privacy@acme.example.\n", "")
    assert "channels" not in rights(other)["erasure"]


def test_a_postal_address_to_write_to_is_a_contact_point_else_the_address() -> None:
    located = drafted("Acme Voice Ltd, 4 Quay Road, Leeds LS1 4AB, provides phone lines.")
    assert located["provider"]["address"].startswith("Acme Voice Ltd, 4 Quay Road")
    assert "contacts" not in located["provider"]
    written = drafted("Please write to Acme Voice Ltd, 4 Quay Road, Leeds LS1 4AB.")
    assert [c["channel"] for c in written["provider"]["contacts"]] == ["postal"]
    assert "address" not in written["provider"]


def test_a_channel_without_an_address_where_the_text_says_how_to_contact() -> None:
    document = drafted("Customers may contact us by submitting a support ticket from "
                       "their account dashboard.")
    assert document["provider"]["contacts"] == [
        {"channel": "supportTicket", "value": "support ticket from their account dashboard"}]
    assert "contacts" not in drafted("We answer every support ticket within a day.")["provider"]


@pytest.mark.parametrize("sentence, right", [
    ("You can ask us to fix anything that is inaccurate.", "rectification"),
    ("You may ask us to put right any details we hold about you.", "rectification"),
    ("You can ask to see the personal information we hold about you.", "access"),
    ("You may obtain a copy of the records we keep about you.", "access"),
    ("You have the right to limit the use of your sensitive personal information.",
     "limitSensitiveUse"),
    ("We will not discriminate against you for exercising these rights.",
     "nonDiscrimination"),
])
def test_phrasings_of_rectification_access_and_ccpa_rights(sentence: str, right: str) -> None:
    assert right in rights(sentence)


@pytest.mark.parametrize("sentence", [
    "Inaccurate call quality readings are discarded by our monitoring system.",
    "Our engineers see a copy of the routing table.",
    "We limit the number of calls per line.",
])
def test_the_same_words_offering_nothing_are_no_right(sentence: str) -> None:
    assert rights(sentence) == {}
