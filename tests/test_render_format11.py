"""Format 1.1 on the page, in the label and in the diff: hedges stay hedges, ranges and
bounds stay ranges and bounds, closed lists read "only", open ones "such as", duties of
others read as duties, and a change to any of them is a change the diff reports."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pypolicy.format.loader import load_path
from pypolicy.format.model import Policy
from pypolicy.format.schema import violations
from pypolicy.rendering import render
from pypolicy.rendering.diff import diff
from pypolicy.rendering.page import Label
from pypolicy.rendering.phrases.basics import duration, duration_range
from pypolicy.rendering.phrases.protections import right_sentences
from pypolicy.rendering.phrases.retention import retention_period, retention_sentences
from pypolicy.rendering.phrases.statements import statement_sentence
from pypolicy.rendering.sections import build_page

SYNTHETIC = Path(__file__).parent.parent / "examples" / "synthetic"


def synthetic(name: str) -> dict[str, Any]:
    data: dict[str, Any] = load_path(SYNTHETIC / f"{name}.policy.json").data
    return data


def edited(name: str, edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(synthetic(name))
    edit(data)
    assert violations(data) == [], violations(data)[:2]
    return data


def by_id(items: list[dict[str, Any]], item_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(i for i in items if i["id"] == item_id)
    return found


def kinds(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [c.kind for c in diff(Policy.from_dict(old), Policy.from_dict(new)).changes]


def test_durations_ranges_and_bounds_in_words() -> None:
    assert duration("P7Y", spelled=True) == "seven years"
    assert duration("P1M", spelled=True) == "one month"
    assert duration("P12M", spelled=True) == "12 months"  # figures from ten on
    assert duration("P7Y") == "7 years"  # the label and the comparison keep figures
    assert duration_range("P12M", "P24M") == "12 to 24 months"
    assert duration_range("P6M", "P2Y", spelled=True) == "six months to two years"
    assert duration_range("P7Y", None, spelled=True) == "at least seven years"
    assert duration_range(None, "P30D") == "up to 30 days"


def test_retention_periods_as_the_policy_gives_them() -> None:
    policy = Policy.from_dict(synthetic("kestrel"))
    sentences = {r.id: " ".join(retention_sentences(policy, r)) for r in policy.retention}
    assert sentences["r-cdr"].startswith("We keep call detail records for 12 to 24 months.")
    assert sentences["r-signalling"] == ("We usually keep SIP signalling logs and packet "
                                         "traces for up to 30 days.")
    assert sentences["r-invoices"] == (
        "We keep invoices for at least six years after the end of the financial year, for "
        "tax and accounting, as tax and accounting law requires.")
    periods = {r.id: retention_period(r) for r in policy.retention}
    assert periods["r-cdr"] == "12 to 24 months"
    assert periods["r-signalling"] == "usually up to 30 days"
    assert periods["r-invoices"].startswith("at least 6 years after the end of the financial")


def test_hedged_rights_and_statements() -> None:
    policy = Policy.from_dict(synthetic("kestrel"))
    access = next(r for r in policy.rights if r.id == "rt-access")
    assert "We usually respond within one month." in right_sentences(access)
    withdraw = next(r for r in policy.rights if r.id == "rt-withdraw")
    assert right_sentences(withdraw)[-1].startswith("If you do, ")
    bayside = Policy.from_dict(synthetic("bayside"))
    hedged = next(s for s in bayside.statements if s.qualifier == "usually")
    assert "usually do not" in statement_sentence(bayside, hedged)


@pytest.mark.parametrize("qualifier, expected", [
    ("inSomeCases", "In some cases, we share"),
    ("usually", "We usually share"),
    ("approximately", "(approximately)"),
])
def test_every_hedge_is_said(qualifier: str, expected: str) -> None:
    data = edited("kestrel", lambda d: by_id(d["statements"], "s-cdr-recipients-closed")
                  .update(qualifier=qualifier))
    policy = Policy.from_dict(data)
    statement = next(s for s in policy.statements if s.id == "s-cdr-recipients-closed")
    assert expected in statement_sentence(policy, statement)


def test_closed_and_open_lists_and_duties() -> None:
    policy = Policy.from_dict(synthetic("kestrel"))
    sentences = {s.id: statement_sentence(policy, s) for s in policy.statements}
    assert "only with the carriers that connect your calls, our billing platform and the " \
           "emergency services" in sentences["s-cdr-recipients-closed"]
    assert "with parties such as" in sentences["s-share-when-law-requires"]
    assert sentences["s-signalling-only"].startswith("We use SIP signalling logs and packet "
                                                      "traces only for troubleshooting")
    assert sentences["s-suppliers-bound"] == ("Our suppliers must use data only on our "
                                              "instructions, under their contract with us.")
    assert "under our terms" in sentences["s-customers-tell-callers"]
    assert "must" not in sentences["s-customers-decide-recording"]  # their own decision
    assert "own decision and responsibility" in sentences["s-customers-decide-recording"]


def test_systems_consequences_and_unstated_data() -> None:
    policy = Policy.from_dict(synthetic("bayside"))
    sentences = {s.id: statement_sentence(policy, s) for s in policy.statements}
    assert "only on your device" in sentences["s-transcript-on-phone"]
    assert "on our servers" in sentences["s-transcript-not-on-servers"]
    assert sentences["s-delete-account"].endswith(". This ends the service.")
    assert sentences["s-share-unstated-data"].startswith("We may share data with ")


def test_changes_cookies_and_officers() -> None:
    text = " ".join(render(Policy.from_dict(synthetic("kestrel")), "text").split())
    assert "In some cases, we also announce them by email." in text
    assert "We set analytics cookies only with your consent." in text
    assert "Our EU representative, Kestrel Trunks Ireland Ltd, can be reached by email" in text
    saptak = " ".join(render(Policy.from_dict(synthetic("saptak")), "text").split())
    assert "Our grievance officer, Ms. Kavita Rao, can be reached by email" in saptak
    bayside = " ".join(render(Policy.from_dict(synthetic("bayside")), "text").split())
    assert "We may use cookies and similar technologies." in bayside


def test_a_policy_that_names_no_provider() -> None:
    page = build_page(Policy.from_dict(synthetic("fieldline")))
    assert page.title == "Privacy policy"
    text = " ".join(render(Policy.from_dict(synthetic("fieldline")), "text").split())
    assert "This policy does not name the company behind it." in text
    assert "We are ," not in text and "policy of ," not in text


def test_label_shows_ranges_bounds_and_hedges() -> None:
    page = build_page(Policy.from_dict(synthetic("kestrel")))
    label = page.sections[0].blocks[0]
    assert isinstance(label, Label)
    kept = next(f for f in label.facts if f.key == "kept")
    assert "12 to 24 months (call detail records)" in kept.answers
    assert "Usually up to 30 days (SIP signalling logs and packet traces)" in kept.answers
    assert any(a.startswith("At least 6 years") and "tax and accounting law requires" in a
               for a in kept.answers)
    tracking = next(f for f in label.facts if f.key == "tracking")
    assert "Analytics cookies (only with your consent)" in tracking.answers
    shared = next(f for f in label.facts if f.key == "shared")
    assert any(a.endswith("(possibly)") for a in shared.answers)  # "may share"


# --- the diff -------------------------------------------------------------------------------

def test_diff_a_hedge_added_to_retention_is_longer() -> None:
    new = edited("kestrel", lambda d: by_id(d["retention"], "r-cdr").update(qualifier="usually"))
    assert kinds(synthetic("kestrel"), new) == ["retention-longer"]


def test_diff_ranges_widen_and_narrow() -> None:
    wider = edited("kestrel", lambda d: by_id(d["retention"], "r-cdr")["period"]
                   .update(atMost="P36M"))
    narrower = edited("kestrel", lambda d: by_id(d["retention"], "r-cdr")["period"]
                      .update(atMost="P18M"))
    unbounded = edited("kestrel", lambda d: by_id(d["retention"], "r-cdr")["period"]
                       .pop("atMost"))
    assert kinds(synthetic("kestrel"), wider) == ["retention-longer"]
    assert kinds(synthetic("kestrel"), narrower) == ["retention-shorter"]
    assert kinds(synthetic("kestrel"), unbounded) == ["retention-longer"]
    change = diff(Policy.from_dict(synthetic("kestrel")), Policy.from_dict(wider)).changes[0]
    assert change.old is not None and "12 to 24 months" in change.old
    assert change.new is not None and "12 to 36 months" in change.new


def test_diff_closed_lists_hedged_promises_and_open_lists() -> None:
    old = synthetic("kestrel")
    opened = edited("kestrel", lambda d: by_id(d["statements"], "s-cdr-recipients-closed")
                    .pop("exhaustive"))
    assert kinds(old, opened) == ["promise-broken"]  # "only with" dropped
    hedged = edited("kestrel", lambda d: by_id(d["statements"], "s-cdr-recipients-closed")
                    .update(qualifier="usually"))
    assert kinds(old, hedged) == ["promise-weakened"]

    def another_recipient(d: dict[str, Any]) -> None:
        statement = by_id(d["statements"], "s-cdr-recipients-closed")
        statement["recipients"].append(by_id(d["statements"],
                                             "s-share-when-law-requires")["recipients"][0])

    assert "promise-weakened" in kinds(old, edited("kestrel", another_recipient))
    examples = edited("kestrel", lambda d: by_id(d["statements"], "s-kyc")
                      .update(illustrative=["dataList"]))
    assert kinds(old, examples) == ["promise-weakened"]  # s-kyc closes its purposes


def test_diff_reports_duties_consequences_and_right_hedges() -> None:
    old = synthetic("kestrel")
    duty = edited("kestrel", lambda d: by_id(d["statements"], "s-suppliers-bound")
                  .update(duty="termsDuty"))
    assert kinds(old, duty) != []
    follows = edited("kestrel", lambda d: by_id(d["statements"], "s-kyc")
                     .update(consequences=["serviceRefused"]))
    assert kinds(old, follows) != []
    right = edited("kestrel", lambda d: by_id(d["rights"], "rt-access").pop("qualifier"))
    assert kinds(old, right) == ["right-changed"]
