"""annotate draft: the rules added after the third held-out batch (verbs the lexicon lacked,
simple forms of plural phrasings, negation across an unknown verb, offers of rights in
the third person, North American numbers, police bodies, words that only look like a
practice), each with a sentence that yields the proposal and one that must not."""

from __future__ import annotations

from typing import Any

import pytest

from pypolicy.annotation.draft.assemble import draft_document
from pypolicy.annotation.draft.lexicon import Lexicon, lexicon
from pypolicy.annotation.draft.patterns import find_phones
from pypolicy.annotation.draft.text import PolicyText
from pypolicy.annotation.outline import read_outline


def drafted(text: str) -> dict[str, Any]:
    policy = PolicyText(text, read_outline(text).sections)
    return draft_document(policy, doc_id="t", title=None, language=None,
                          last_updated=None, fallback_name="t").document


def statements(text: str) -> list[dict[str, Any]]:
    return list(drafted(text).get("statements", ()))


def actions(text: str) -> list[list[str]]:
    return [s["actions"] for s in statements(text)]


def roles(text: str) -> dict[str, list[str]]:
    """The roles of each party a statement of the text gives data to."""
    document = drafted(text)
    by_id = {p["id"]: p for p in document.get("parties", ())}
    return {by_id[r]["name"]: by_id[r]["roles"] for s in document.get("statements", ())
            for r in s.get("recipients", ())}


# ------------------------------------------------------------------ the matcher

def test_a_plural_phrasing_matches_the_singular() -> None:
    found = Lexicon({"Party": {"processor": ["contractors"]}}).scan(
        "Tickets go to a contractor.", "Party")
    assert [m.words for m in found] == ["contractor"]
    assert Lexicon({"Party": {"processor": ["contractors"]}}).scan(
        "Tickets go to a contract.", "Party") == []


def test_a_singular_with_a_sense_of_its_own_does_not_match_the_plural() -> None:
    # "contacts" is an address book; "contact" is a word of "contact details"
    assert lexicon().scan("Contact us with any question.", "DataCategory") == []
    assert [m.term for m in lexicon().scan("We read your contacts.", "DataCategory")] == \
        ["contactList"]
    # "courts" are a public body; "court" belongs to "court order"
    assert lexicon().scan("We answer a court order.", "Party") == []


def test_a_third_person_phrasing_matches_the_simple_form() -> None:
    lex = Lexicon({"Action": {"share": ["goes to"]}})
    assert [m.term for m in lex.scan("Your data may go to a carrier.", "Action")] == ["share"]
    assert lex.scan("Your data may go.", "Action") == []


# ------------------------------------------------------------------ verbs

def test_goes_to_and_go_through_share() -> None:
    [located] = statements("Your 911 location goes to the public safety answering point.")
    assert located["actions"] == ["share"]
    assert roles("Our card payments go through a payment processor.") == \
        {"payment processor": ["paymentProcessor"]}
    assert statements("Go through the steps on the website.") == []


def test_answering_a_legal_request_discloses_data_it_does_not_state() -> None:
    [answer] = statements("We answer subpoenas and court orders from law enforcement "
                          "agencies.")
    assert answer["actions"] == ["disclose"] and "data" not in answer
    assert answer["conditions"] == ["underLegalProcess"]
    assert roles("We answer subpoenas and court orders from law enforcement agencies.") == \
        {"law enforcement agencies": ["lawEnforcement"]}
    assert statements("We answer questions from customers.") == []


def test_a_system_run_for_us_by_a_party_gives_it_data() -> None:
    [run] = statements("Our billing software is run for us by a processor in the "
                       "Netherlands.")
    assert run["actions"] == ["share"] and run["locations"] == ["NL"]
    assert statements("Our billing software is run in the Netherlands.") == []


def test_take_collects_only_data() -> None:
    [taken] = statements("When a business signs up we take the account owner's name and "
                         "email address.")
    assert taken["actions"] == ["collect"]
    assert actions("We take reasonable steps to protect your personal data.") == []


def test_logging_generates_records() -> None:
    [logged] = statements("Our network logs the IP address of each handset.")
    assert logged["actions"] == ["generate"]
    # "call logs" is data: a retention period about it states no practice
    assert statements("Call logs are kept for 13 months.") == []


def test_sending_a_message_uses_contact_details_and_what_you_send_us_is_collected() -> None:
    [news] = statements("We send product news by email to our customers.")
    assert news["actions"] == ["use"]
    [feedback] = statements("You can send us feedback and support requests.")
    assert feedback["actions"] == ["collect"]
    [sent] = statements("The service address you register is sent with every 911 call.")
    assert sent["actions"] == ["share"]


def test_keep_something_running_stores_no_data() -> None:
    assert ["store"] not in actions("Call logs are used to bill the customer and to keep "
                                    "the network running.")
    assert ["store"] in actions("We keep call logs and use them to bill the customer.")


def test_a_verb_after_unless_belongs_to_the_exception() -> None:
    assert actions("We will not use your CPNI for marketing unless you give us opt-in "
                   "approval.") == [["use"]]
    assert actions("You give us your name when you order.") == [["collect"]]


def test_a_participle_after_a_noun_describes_it() -> None:
    assert actions("Our network logs the phone numbers dialled and received.") == [["generate"]]
    assert actions("The log lists calls sent or received using the service.") == []
    # a participle with an object after it is the verb of its noun
    assert actions("The host network received your IP address.") == [["collect"]]


# ------------------------------------------------------------------ modality

def test_negation_holds_across_a_verb_the_lexicon_does_not_know() -> None:
    [never] = statements("We never see or keep full card numbers.")
    assert never["modality"] == "doesNot" and never["actions"] == ["store"]
    [kept] = statements("We charge fees and keep full card numbers.")
    assert kept["modality"] == "does"


@pytest.mark.parametrize(("text", "condition"), [
    ("If a customer switches on call recording, the recordings are saved in the portal.",
     "enabledByAdministrator"),
    ("If you turn on voicemail transcription, your voicemail is transcribed.",
     "enabledByUser"),
])
def test_a_practice_switched_on_in_a_clause_before_it_is_only_if(text: str,
                                                                  condition: str) -> None:
    [switched] = statements(text)
    assert switched["modality"] == "onlyIf" and condition in switched["conditions"]


def test_an_occasion_before_the_practice_is_no_switch() -> None:
    [occasion] = statements("When you activate a SIM, we collect your name.")
    assert occasion["modality"] == "does"


# ------------------------------------------------------------------ rights, contacts, parties

def test_an_offer_in_the_third_person_is_a_right() -> None:
    document = drafted("Under the CCPA, California residents may request to know what "
                       "personal information we hold, to delete it, and to correct it.")
    assert {r["right"] for r in document["rights"]} == {"access", "erasure", "rectification"}
    assert "statements" not in document
    assert "rights" not in drafted("California residents may be charged sales tax.")


def test_a_north_american_number_with_its_trunk_prefix() -> None:
    assert find_phones("You may restrict it at any time by calling 1-888-555-0147.") == \
        ["1-888-555-0147"]
    assert find_phones("Service started on 2026-11-03.") == []


def test_a_national_police_body_receives_data() -> None:
    assert roles("Call logs are disclosed to An Garda Síochána when a court order obliges "
                 "us.") == {"An Garda Síochána": ["lawEnforcement"]}


def test_a_party_in_the_possessive_receives_nothing() -> None:
    assert roles("We keep call detail records and share them as the FCC's rules "
                 "expect.") == {}
    assert roles("We share call detail records with the FCC.") == {"FCC": ["publicAuthority"]}


def test_the_provider_named_with_a_short_name_first() -> None:
    provider = drafted('Quarry Ridge Voice LLC ("Quarry Ridge", "we", "our") offers VoIP '
                       'lines.')["provider"]
    assert provider["legalName"] == "Quarry Ridge Voice LLC"
    assert drafted("Quarry Ridge Voice LLC offers VoIP lines.")["provider"]["name"] == "t"


def test_data_that_stays_until_the_customer_deletes_it() -> None:
    [rule] = drafted("Recordings stay until the customer deletes them.")["retention"]
    assert rule["criteria"] == ["untilDeletedByUser"]
    assert "retention" not in drafted("Recordings stay in the customer's portal.")


def test_a_practice_stated_before_a_right_is_still_a_practice() -> None:
    [news] = statements("We send product news by email only to customers who have not "
                        "opted out, and every message has an unsubscribe link.")
    assert news["actions"] == ["use"]
    assert statements("You can unsubscribe from the product news we send by email.") == []


def test_the_words_of_a_data_phrase_are_no_verb_of_a_retention_sentence() -> None:
    # "records" in "call detail records" is not the verb "record"
    assert statements("We keep call detail records for 18 months.") == []
    assert actions("We keep call detail records for 18 months and record calls.") != []
