"""What a statement leaves unstated is not stated: a positive statement that names no
purpose, recipient or place claims nothing about why, to whom or where, so a promise
about one of them neither narrows it (VP103) nor is broken by it (VP101)."""

from __future__ import annotations

from pypolicy.validation.engine import Config, check_document
from tests.test_rules import example_document

PARTIES = """\
parties:
  - {id: p-third-parties, name: third parties, roles: [thirdParty]}
  - {id: p-ads, name: advertising platforms, roles: [advertisingPlatform], locations: [US]}
dataCategories:
  - {id: d-personal, name: personal data, categories: [personalData]}
  - {id: d-technical, name: Technical Data, categories: [technical]}
  - {id: d-cdr, name: call records, categories: [callDetailRecord]}
statements:
"""


def contradiction_codes(statements: str) -> list[str]:
    findings, _ = check_document(example_document(PARTIES + statements),
                                 Config(select=("contradictions",)))
    return [f.code for f in findings]


def test_a_promise_about_recipients_narrows_a_statement_that_names_recipients() -> None:
    statements = """\
  - {id: s-share-all, modality: may, actions: [share], data: [d-personal],
     recipients: [p-third-parties]}
  - {id: s-not-ads, modality: doesNot, actions: [share], data: [d-technical],
     recipients: [p-ads]}
"""
    assert contradiction_codes(statements) == ["VP103"]
    limited = statements.replace("recipients: [p-third-parties]}",
                                 "recipients: [p-third-parties], exceptions: [withConsent]}")
    assert contradiction_codes(limited) == [], "the broad statement states its own limit"


def test_a_restriction_on_one_purpose_does_not_narrow_a_statement_naming_none() -> None:
    # inum: "We may collect, use, store, and share different types of data about you"
    # and "[technical data] is not used to identify individuals"
    statements = """\
  - {id: s-data-types, modality: may, actions: [collect, use, store, share],
     data: [d-personal]}
  - {id: s-ip-not-identify, modality: doesNot, actions: [use], data: [d-technical],
     purposes: [identifyingIndividuals]}
"""
    assert contradiction_codes(statements) == []
    named = statements.replace("data: [d-personal]}",
                               "data: [d-personal], purposes: [identifyingIndividuals, billing]}")
    assert contradiction_codes(named) == ["VP103"], "a named purpose is narrowed"


def test_a_promise_about_recipients_does_not_narrow_a_statement_naming_none() -> None:
    statements = """\
  - {id: s-share, modality: may, actions: [share], data: [d-personal]}
  - {id: s-not-ads, modality: doesNot, actions: [share], data: [d-technical],
     recipients: [p-ads]}
"""
    assert contradiction_codes(statements) == []


def test_a_promise_about_places_does_not_narrow_a_statement_placing_nothing() -> None:
    statements = """\
  - {id: s-share, modality: may, actions: [share], data: [d-personal],
     recipients: [p-third-parties]}
  - {id: s-not-abroad, modality: doesNot, actions: [share], data: [d-technical],
     recipients: [p-third-parties], outside: [EEA]}
"""
    assert contradiction_codes(statements) == []
    placed = statements.replace("recipients: [p-third-parties]}",
                                "recipients: [p-third-parties], outside: [EU]}")
    assert contradiction_codes(placed) == ["VP103"], "a stated place is narrowed"


def test_a_use_naming_no_purpose_does_not_break_a_promise_of_no_other_purpose() -> None:
    # "we use call records for nothing but billing" and "we may use call records": the
    # second says nothing about why, so it shows no use beyond billing
    for promise in (
            "{id: s-only-billing, modality: doesNot, actions: [use], data: [d-cdr],"
            " exceptPurposes: [billing]}",
            "{id: s-only-billing, modality: doesNot, actions: [use], data: [d-cdr],"
            " purposes: [anyPurpose], exceptPurposes: [billing]}"):
        statements = f"  - {promise}\n" \
            "  - {id: s-use, modality: may, actions: [use], data: [d-cdr]}\n"
        assert contradiction_codes(statements) == [], promise
        marketing = statements.replace("data: [d-cdr]}\n", "data: [d-cdr],"
                                       " purposes: [marketing]}\n")
        assert contradiction_codes(marketing) == ["VP101"], "a use for marketing breaks it"
