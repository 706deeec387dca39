"""annotate draft: the general causes of the fourth held-out batch's misses (words the
lexicon lacked, verbs that act on data only with data as their object, clauses about a
noun whose subject is someone else, recording metadata), each with a sentence that yields
the proposal and one that must not. The sentences are written for these tests, not taken
from the batch's texts."""

from __future__ import annotations

import pytest

from pypolicy.annotation.draft.lexicon import lexicon
from pypolicy.annotation.draft.patterns import find_phones
from tests.test_draft_verbs import actions, roles, statements


def terms(text: str, scheme: str) -> list[str]:
    return [m.term for m in lexicon().scan(text, scheme)]


# ------------------------------------------------------------------ data phrasings

@pytest.mark.parametrize(("text", "term"), [
    ("Session records show when each line was online.", "trafficData"),
    ("We keep connection logs for a year.", "trafficData"),
    ("Give us a contact phone number for the engineer.", "telephoneNumber"),
    ("Leave a daytime number with the installer.", "telephoneNumber"),
    ("We check the subscriber details you gave us.", "personalData"),
    ("Clinics upload medical records to the portal.", "specialCategory"),
    ("You may add an avatar to your profile.", "account"),
    ("Recharges made in the app are listed in your history.", "transaction"),
    ("The app lists the numbers you dial.", "callDetailRecord"),
])
def test_a_data_phrasing_names_its_category(text: str, term: str) -> None:
    assert term in terms(text, "DataCategory")


def test_words_near_a_data_phrasing_are_not_it() -> None:
    assert terms("The connection is made within a day.", "DataCategory") == []
    assert terms("A patient may call the clinic.", "DataCategory") == []
    assert terms("Call the number on your bill.", "DataCategory") == []


# ------------------------------------------------------------------ party phrasings

@pytest.mark.parametrize(("text", "role"), [
    ("We may check your history with a credit bureau.", "fraudPreventionService"),
    ("Text alerts go through an SMS provider.", "serviceProvider"),
    ("We answer requests of public prosecutors.", "lawEnforcement"),
    ("The local carrier that owns the copper line installs it.", "telecomCarrier"),
])
def test_a_party_phrasing_names_its_role(text: str, role: str) -> None:
    assert role in terms(text, "Party")


def test_a_word_of_a_party_phrasing_alone_is_no_party() -> None:
    assert terms("Your credit is topped up each month.", "Party") == []
    assert terms("Our line is open on weekdays.", "Party") == []


def test_a_payment_company_of_india_is_known() -> None:
    assert roles("Your card details are shared with PhonePe.") == {
        "PhonePe": ["paymentProcessor"]}
    assert roles("Your card details stay with us.") == {}


# ------------------------------------------------------------------ verbs

def test_handing_data_to_a_party_shares_it() -> None:
    [handed] = statements("Your billing address is handed on to our installers' "
                          "carrier.")
    assert handed["actions"] == ["share"]
    assert actions("We hand out leaflets at trade fairs.") == []


def test_producing_a_record_generates_one() -> None:
    [produced] = statements("Every text message produces a record of the IP address "
                            "used.")
    assert produced["actions"] == ["generate"]
    assert actions("Every text message produces a sound.") == []


@pytest.mark.parametrize(("practice", "no_practice"), [
    ("Engineers note the IMEI of each handset.", "Please note that prices may change."),
    ("We need your IBAN for direct debits.", "If you need help, ring us."),
    ("We also require a proof of identity.", "We require two days to reply."),
    ("The switch registers the IP address of each handset.",
     "When you register, pick a strong plan."),
])
def test_a_verb_that_acts_on_data_only_with_data_as_its_object(practice: str,
                                                               no_practice: str) -> None:
    assert actions(practice), practice
    assert actions(no_practice) == []


def test_a_clause_whose_subject_is_someone_else_is_no_practice_of_ours() -> None:
    # the verb of "the details it asks for" is what the agency does
    assert ["collect"] not in actions("We never keep card numbers. When an agency sends a "
                                      "warrant, we supply the records it asks for.")
    assert ["collect"] in actions("We ask for your email address.")
    # "how much data your router uses": the router uses it
    assert ["use"] not in actions("We log the traffic data your router uses.")
    assert ["use"] in actions("We use your email address for invoices.")


def test_recording_data_about_calls_generates_records_and_recording_calls_records() -> None:
    [logged] = statements("Our platform records the numbers you dial.")
    assert logged["actions"] == ["generate"]
    [recorded] = statements("We record call audio for training.")
    assert recorded["actions"] == ["record"]


def test_making_or_receiving_calls_is_no_collection() -> None:
    assert ["collect"] not in actions("When you make or receive calls, our servers create "
                                      "call records.")
    assert ["collect"] in actions("We receive your IP address from your router.")


def test_an_international_number_with_its_subscriber_part_in_one_block() -> None:
    assert find_phones("Our hotline is +43 1 2345678.") == ["+43 1 2345678"]
    assert find_phones("Ring +41 (0)44 5551234 on weekdays.") == ["+41 (0)44 5551234"]
    # without a country code a long block is a reference, not a number
    assert find_phones("Invoice 2027 4451239 was paid by phone.") == []
