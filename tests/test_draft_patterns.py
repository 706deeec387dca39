"""Postal addresses and telephone numbers of the common telecom jurisdictions, as the
drafter finds them in a sentence (UK, US, CA, AU, IE, DE, IN)."""

from __future__ import annotations

import pytest

from pypolicy.annotation.draft.patterns import find_phones, find_postal


@pytest.mark.parametrize("sentence, address", [
    ("Write to The Privacy Lead, 27 Mill Lane, Sheffield S3 8GH.",
     "The Privacy Lead, 27 Mill Lane, Sheffield S3 8GH"),
    ("Mail it to Acme Inc., 100 Main Street, Suite 4, Austin, TX 78701, USA.",
     "Acme Inc., 100 Main Street, Suite 4, Austin, TX 78701, USA"),
    ("Send it by mail to 400 Rue Sainte-Catherine Ouest, Suite 900, Montréal, QC H3B 1A1.",
     "400 Rue Sainte-Catherine Ouest, Suite 900, Montréal, QC H3B 1A1"),
    ("Post it to Level 5, 100 George Street, Sydney NSW 2000.",
     "Level 5, 100 George Street, Sydney NSW 2000"),
    ("Write to Acme Teoranta, 4 Dock Road, Galway H91 X2Y3.",
     "Acme Teoranta, 4 Dock Road, Galway H91 X2Y3"),
    ("Write to us at Acme Ltd, 12 Pearse Street, Dublin 2, Ireland.",
     "Acme Ltd, 12 Pearse Street, Dublin 2, Ireland"),
    ("Schreiben Sie an Acme GmbH, Hauptstraße 5, 10115 Berlin.", "Hauptstraße 5, 10115 Berlin"),
    ("Write to Acme Pvt Ltd, No. 12, MG Road, Bengaluru 560001, India.",
     "Acme Pvt Ltd, No. 12, MG Road, Bengaluru 560001, India"),
])
def test_postal_addresses_of_each_jurisdiction(sentence: str, address: str) -> None:
    assert find_postal(sentence) == [address]


@pytest.mark.parametrize("sentence", [
    "We keep 30 days of logs on 2 servers for 12 months.",
    "Call detail records are kept for 14 months and then erased.",
    "We answer within 2023 days of 12 May.",
    "Our 3 offices serve 560001 customers.",
])
def test_numbers_that_are_no_address(sentence: str) -> None:
    assert find_postal(sentence) == []


def test_a_number_given_with_on_is_a_telephone_number() -> None:
    assert find_phones("Contact our privacy team at p@acme.example or on 1300 555 019.") == \
        ["1300 555 019"]
    assert find_phones("We changed it on 12 March 2026, on 300 accounts.") == []
    assert find_phones("The order 1300 555 019 was shipped.") == []
