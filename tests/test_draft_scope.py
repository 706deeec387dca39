"""annotate draft, the scope of the policy: service kinds, the public network, audiences;
each with a sentence that yields the proposal and one that must not."""

from __future__ import annotations

from typing import Any

from pypolicy.annotation.draft.assemble import draft_document
from pypolicy.annotation.draft.text import PolicyText


def drafted(text: str) -> dict[str, Any]:
    return draft_document(PolicyText(text, ()), doc_id="t", title=None, language=None,
                          last_updated=None, fallback_name="t").document


def test_service_kinds() -> None:
    service = drafted("We sell SIP trunks and a cloud PBX to small firms.")["service"]
    assert service["serviceKinds"] == ["carrierServices", "hostedPbx"]
    assert "service" not in drafted("We sell coffee to small firms.")


def test_public_network_either_way() -> None:
    connected = drafted("Our phone lines connect to the public telephone network.")["service"]
    assert connected["publicNetwork"] is True
    closed = drafted("Our private PBX is not connected to the public telephone "
                     "network.")["service"]
    assert closed["publicNetwork"] is False and closed["serviceKinds"] == ["privatePbx"]


def test_audiences() -> None:
    subjects = {a["subject"] for a in drafted(
        "This notice covers our customers, website visitors and the people you call.")[
            "audiences"]}
    assert subjects == {"customer", "websiteVisitor", "nonCustomerParty"}


def test_no_audience_from_a_phrase_about_data_or_from_children() -> None:
    assert "audiences" not in drafted("We protect customer data.")
    assert "audiences" not in drafted("Our service is not meant for children.")
