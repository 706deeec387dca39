"""annotate draft, recipients: each rule with a sentence that yields the proposal and one
that must not."""

from __future__ import annotations

from typing import Any

from pypolicy.annotation.draft.assemble import draft_document
from pypolicy.annotation.draft.text import PolicyText


def drafted(text: str) -> dict[str, Any]:
    return draft_document(PolicyText(text, ()), doc_id="t", title=None, language=None,
                          last_updated=None, fallback_name="t").document


def recipient_roles(text: str) -> set[str]:
    """The roles of every party some statement names as a recipient."""
    document = drafted(text)
    parties = {p["id"]: p for p in document.get("parties", ())}
    return {role for s in document.get("statements", ()) for ref in s.get("recipients", ())
            for role in parties[ref]["roles"]}


def test_the_author_of_a_request_receives_the_answer() -> None:
    assert recipient_roles("We may disclose your personal data in response to legal "
                           "requests from government agencies.") == {"publicAuthority"}
    # a party the data comes from is still no recipient
    assert recipient_roles("We may receive your personal data from government agencies.") \
        == set()


def test_through_a_party_is_to_it() -> None:
    assert recipient_roles("We transmit your call records through other telecom "
                           "operators.") == {"telecomCarrier"}
    assert recipient_roles("We transmit your call records on our own network.") == set()


def test_examples_stand_for_the_generic_party() -> None:
    assert recipient_roles("We may share your personal data with other organisations, such "
                           "as fraud prevention agencies and the police.") == {
        "fraudPreventionService", "lawEnforcement"}
    assert recipient_roles("We may share your personal data with other organisations.") == {
        "thirdParty"}


def test_a_purpose_after_a_generic_party_gives_its_role() -> None:
    assert recipient_roles("We will not disclose your personal data to third parties "
                           "seeking to market products.") == {"marketingPartner"}
    assert recipient_roles("We share your card details with third parties to process "
                           "payments.") == {"paymentProcessor"}
    assert recipient_roles("We will not disclose your personal data to third parties.") == {
        "thirdParty"}


def test_a_sharing_that_leaves_its_data_unstated() -> None:
    [statement] = drafted("We may share information with our cloud hosting provider and "
                          "law enforcement.")["statements"]
    assert "data" not in statement and statement["actions"] == ["share"]
    assert len(statement["recipients"]) == 2
    # no recipient named: nothing to propose
    assert "statements" not in drafted("We may share information when needed.")


def test_a_party_acting_on_our_behalf_receives_the_data() -> None:
    document = drafted("Our speech analytics vendor processes call recordings on our behalf.")
    shared = [s for s in document["statements"] if s["actions"] == ["share"]]
    assert len(shared) == 1 and shared[0]["recipients"]
    alone = drafted("Our speech analytics vendor processes call recordings.")
    assert not [s for s in alone["statements"] if s["actions"] == ["share"]]


def test_on_our_behalf_after_a_named_party_names_no_other() -> None:
    assert recipient_roles("Card payments are handled by Adyen on our behalf.") == {
        "paymentProcessor"}
    assert recipient_roles("Card payments are handled on our behalf.") == set()


def test_them_points_back_at_the_parties_named_before() -> None:
    assert recipient_roles("If the police make a lawful request, we may provide call "
                           "records to them.") == {"lawEnforcement"}
    # without "them" the party before the action asks nothing and receives nothing
    assert recipient_roles("The police are told nothing; we may provide call records to "
                           "our billing platform.") == {"billingVendor"}


def test_them_with_no_party_before_it_points_at_the_sentence_before() -> None:
    document = drafted("We work with payment processors. We share your card details with "
                       "them.")
    parties = {p["id"]: p for p in document["parties"]}
    [statement] = document["statements"]
    assert [parties[r]["roles"] for r in statement["recipients"]] == [["paymentProcessor"]]
    assert len(statement["evidence"]) == 2
    assert recipient_roles("Our office is in Leeds. We share your card details with them.") \
        == set()


def test_a_party_that_asks_for_the_data_receives_it() -> None:
    assert recipient_roles("Enforcement agencies such as the police may require us to "
                           "disclose information.") == {"lawEnforcement"}
    assert recipient_roles("The police may visit our office to disclose information.") \
        == set()


def test_regulators_are_organisations_kept_as_data() -> None:
    document = drafted("If Ofcom makes a lawful request, we may disclose call records to it.")
    [party] = document["parties"]
    assert party["roles"] == ["publicAuthority"] and party["locations"] == ["GB"]


def test_provide_to_is_disclosing() -> None:
    [statement] = drafted("We provide your call records to the police.")["statements"]
    assert statement["actions"] == ["disclose"]
    assert "statements" not in drafted("We provide our services to you.")


def test_the_agent_of_a_passive_processing_verb_receives_the_data() -> None:
    document = drafted("Our switches are housed by a colocation provider in Manchester.")
    [share] = document["statements"]
    assert share["actions"] == ["share"] and "data" not in share
    assert recipient_roles("Our switches are housed by a colocation provider.") == \
        {"hostingProvider"}
    assert recipient_roles("Your card is charged by our payment gateway.") == \
        {"paymentProcessor"}
    # not processing, or no agent named after "by"
    assert "statements" not in drafted("Our switches are housed in a building near the "
                                       "station.")
    assert "statements" not in drafted("We are regulated by a telecoms regulator.")
    assert recipient_roles("Enforcement agencies may require us to disclose "
                           "information.") == {"lawEnforcement"}


def test_a_passive_verb_with_a_subject_of_its_own_takes_no_data_before_it() -> None:
    document = drafted("We may share personal information with a buyer if Acme is sold.")
    assert [s["actions"] for s in document["statements"]] == [["share"]]
    [sale] = drafted("Your personal information is not sold.")["statements"]
    assert sale["actions"] == ["sell"] and sale["modality"] == "doesNot"
