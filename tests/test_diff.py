"""Tests of ``pypolicy diff``: what counts as a change, which changes need notifying users,
and the command's output and exit codes."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pypolicy.cli.main import main
from pypolicy.format.loader import load_path
from pypolicy.format.model import Policy
from pypolicy.format.schema import violations
from pypolicy.rendering.diff import CHANGE_KINDS, DEFAULT_NOTIFY, diff, parse_notify_kinds

EXAMPLES_DIR = Path(__file__).parent.parent / "examples"
NAMES = sorted(p.name.split(".")[0] for p in EXAMPLES_DIR.glob("*.policy.json"))


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = load_path(EXAMPLES_DIR / f"{name}.policy.json").data
    return data


def edited(name: str, edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(example(name))
    edit(data)
    assert violations(data) == [], violations(data)[:2]
    return data


def kinds(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [c.kind for c in diff(Policy.from_dict(old), Policy.from_dict(new)).changes]


def statement(data: dict[str, Any], statement_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in data["statements"] if s["id"] == statement_id)
    return found


def rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in data["retention"] if r["id"] == rule_id)
    return found


@pytest.mark.parametrize("name", NAMES)
def test_a_document_against_itself_is_empty(name: str) -> None:
    policy = Policy.from_dict(example(name))
    assert diff(policy, policy).changes == ()
    assert diff(policy, Policy.from_dict(copy.deepcopy(example(name)))).changes == ()


def test_renumbered_and_reordered_statements_are_no_change() -> None:
    def renumber(data: dict[str, Any]) -> None:
        data["statements"].reverse()
        for i, s in enumerate(data["statements"]):
            s["id"] = f"s-renumbered-{i}"

    assert kinds(example("itnet"), edited("itnet", renumber)) == []


# --- each kind of change ----------------------------------------------------------------------

def add_location_data(data: dict[str, Any]) -> None:
    data["dataCategories"].append({"id": "d-location", "name": "Location Data",
                                   "categories": ["networkLocation"]})
    data["statements"].append({"id": "s-location", "modality": "does",
                               "actions": ["collect"], "data": ["d-location"]})


def test_data_category_added_and_removed() -> None:
    old, new = example("itnet"), edited("itnet", add_location_data)
    assert kinds(old, new) == ["data-category-added", "statement-added"]
    assert kinds(new, old) == ["data-category-removed", "statement-removed"]
    change = diff(Policy.from_dict(old), Policy.from_dict(new)).changes[0]
    assert "network location data" in change.summary.lower()
    assert "Location Data" in change.summary


def test_narrower_data_is_not_a_new_kind() -> None:
    def email_only(data: dict[str, Any]) -> None:
        data["dataCategories"].append({"id": "d-email", "name": "email",
                                       "categories": ["emailAddress"]})
        data["statements"].append({"id": "s-email", "modality": "does",
                                   "actions": ["collect"], "data": ["d-email"]})

    assert kinds(example("itnet"), edited("itnet", email_only)) == ["statement-added"]


def test_purpose_added_and_removed() -> None:
    # itnet's s-use closes its purposes ("only for ...", format 1.1): a purpose added to
    # the closed list loosens the restriction; one taken out narrows it
    new = edited("itnet", lambda d: statement(d, "s-use")["purposes"].append("marketing"))
    assert kinds(example("itnet"), new) == ["purpose-added", "promise-weakened"]
    assert kinds(new, example("itnet")) == ["purpose-removed", "promise-changed"]
    # an open statement of practice is a statement that changed
    open_use = edited("itnet", lambda d: statement(d, "s-use").pop("exhaustive"))
    both = edited("itnet", lambda d: (statement(d, "s-use").pop("exhaustive"),
                                      statement(d, "s-use")["purposes"].append("marketing")))
    assert kinds(open_use, both) == ["purpose-added", "statement-changed"]


def add_advertiser(data: dict[str, Any]) -> None:
    data["parties"].append({"id": "p-ads", "name": "ad networks",
                            "roles": ["advertisingPlatform"], "locations": ["US"]})
    data["statements"].append({"id": "s-ads", "modality": "may", "actions": ["share"],
                               "data": ["d-device"], "recipients": ["p-ads"],
                               "purposes": ["advertising"]})


def test_recipient_added() -> None:
    found = kinds(example("itnet"), edited("itnet", add_advertiser))
    assert "recipient-added" in found and "purpose-added" in found
    found = kinds(edited("itnet", add_advertiser), example("itnet"))
    assert "recipient-removed" in found


def test_transfer_destination_added_removed_and_covered() -> None:
    def to_eea(data: dict[str, Any]) -> None:
        data["transfers"] = [{"id": "t-1", "destinations": ["EEA"],
                              "mechanisms": ["standardContractualClauses"]}]

    def to_germany(data: dict[str, Any]) -> None:
        data["transfers"] = [{"id": "t-1", "destinations": ["DE"],
                              "mechanisms": ["standardContractualClauses"]}]

    def to_china(data: dict[str, Any]) -> None:
        data["transfers"] = [{"id": "t-1", "destinations": ["EEA", "CN"],
                              "mechanisms": ["standardContractualClauses"]}]

    def to_eea_and_germany(data: dict[str, Any]) -> None:
        data["transfers"] = [{"id": "t-1", "destinations": ["EEA", "DE"],
                              "mechanisms": ["standardContractualClauses"]}]

    eea, germany, china, both = (edited("itnet", e) for e in (to_eea, to_germany, to_china,
                                                              to_eea_and_germany))
    assert kinds(eea, germany) == ["transfer-destination-removed"]  # narrower: EEA dropped
    assert kinds(germany, eea) == ["transfer-destination-added"]  # wider: all of the EEA
    assert kinds(eea, both) == []  # Germany is in the EEA: not a new destination
    assert kinds(eea, china) == ["transfer-destination-added"]
    assert kinds(example("itnet"), eea) == ["transfer-destination-added"]


def test_transfer_safeguard_removed() -> None:
    def drop(data: dict[str, Any]) -> None:
        data["transfers"][0]["mechanisms"] = ["agreementByUse"]

    assert kinds(example("anveo"), edited("anveo", drop)) == ["transfer-safeguard-removed"]


@pytest.mark.parametrize(("duration", "kind"), [("P90D", "retention-longer"),
                                                ("P7D", "retention-shorter"),
                                                ("P1M", "retention-longer")])
def test_retention_longer_and_shorter(duration: str, kind: str) -> None:
    # itnet deletes "within 30 days" of termination: at most P30D (format 1.1 period)
    new = edited("itnet", lambda d: rule(d, "r-after-termination").update(
        period={"atMost": duration}))
    assert kinds(example("itnet"), new) == [kind]


def test_retention_indefinite_and_new_exception_are_longer() -> None:
    new = edited("itnet", lambda d: rule(d, "r-account").update(indefinite=True))
    assert kinds(example("itnet"), new) == ["retention-longer"]
    new = edited("itnet", lambda d: rule(d, "r-after-termination")["exceptions"].append(
        "backups"))
    assert kinds(example("itnet"), new) == ["retention-longer"]


def test_retention_rule_matched_by_data_when_renamed() -> None:
    new = edited("itnet", lambda d: rule(d, "r-after-termination").update(
        id="r-renamed", period={"atMost": "P60D"}))
    assert kinds(example("itnet"), new) == ["retention-longer"]


def test_rights_added_removed_changed() -> None:
    without = edited("itnet", lambda d: d["rights"].pop(2))
    assert kinds(example("itnet"), without) == ["right-removed"]
    assert kinds(without, example("itnet")) == ["right-added"]
    changed = edited("itnet", lambda d: d["rights"][0].update(channels=["postal"]))
    assert kinds(example("itnet"), changed) == ["right-changed"]


def test_promises_broken_made_weakened() -> None:
    def drop(data: dict[str, Any]) -> None:
        data["statements"] = [s for s in data["statements"] if s["id"] !=
                              "s-contacts-not-uploaded"]

    assert kinds(example("itnet"), edited("itnet", drop)) == ["promise-broken"]
    assert kinds(edited("itnet", drop), example("itnet")) == ["promise-made"]
    weaker = edited("itnet", lambda d: statement(d, "s-voice-not-recorded")[
        "exceptions"].append("requiredByLaw"))
    assert kinds(example("itnet"), weaker) == ["promise-weakened"]
    narrower = edited("itnet", lambda d: statement(d, "s-contacts-not-uploaded").update(
        actions=["store"]))
    assert kinds(example("itnet"), narrower) == ["promise-weakened"]
    stronger = edited("itnet", lambda d: statement(d, "s-voice-not-recorded").update(
        exceptions=["enabledByAdministrator"]))
    assert kinds(example("itnet"), stronger) == ["promise-changed"]
    turned = edited("itnet", lambda d: statement(d, "s-contacts-not-uploaded").update(
        modality="may"))
    assert kinds(example("itnet"), turned) == ["promise-broken"]


def test_statement_changed_keeps_both_sentences() -> None:
    new = edited("itnet", lambda d: statement(d, "s-voice-may-record").update(
        modality="does"))
    result = diff(Policy.from_dict(example("itnet")), Policy.from_dict(new))
    (change,) = result.changes
    assert change.kind == "statement-changed"
    assert change.old and change.old.startswith("We may record")
    assert change.new and change.new.startswith("We record")


def test_document_changes() -> None:
    new = edited("itnet", lambda d: d.update(lastUpdated="2026-05"))
    assert kinds(example("itnet"), new) == ["date-changed"]
    new = edited("itnet", lambda d: d["provider"]["contacts"][0].update(value="dpo@x.example"))
    assert kinds(example("itnet"), new) == ["contact-changed"]


# --- notifying --------------------------------------------------------------------------------

def test_default_notify_kinds() -> None:
    expected = {"data-category-added", "purpose-added", "recipient-added",
                "transfer-destination-added", "retention-longer", "right-removed",
                "promise-broken", "promise-weakened"}
    assert expected == DEFAULT_NOTIFY
    assert set(CHANGE_KINDS) >= DEFAULT_NOTIFY
    assert parse_notify_kinds("default") == DEFAULT_NOTIFY
    assert parse_notify_kinds("none") == frozenset()
    assert parse_notify_kinds("all") == frozenset(CHANGE_KINDS)
    assert parse_notify_kinds("right-added, purpose-added") == {"right-added", "purpose-added"}
    with pytest.raises(ValueError, match="unknown change kind 'nonsense'"):
        parse_notify_kinds("nonsense")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, data: dict[str, Any]) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return str(path)


def test_cli_exit_codes(tmp_path: Path) -> None:
    old = write(tmp_path, "old.json", example("itnet"))
    new = write(tmp_path, "new.json", edited("itnet", add_location_data))
    fewer = write(tmp_path, "fewer.json", edited(
        "itnet", lambda d: d["rights"].append({"id": "rt-port", "right": "portability"})))

    code, out, err = run("diff", old, old)
    assert (code, err) == (0, "") and "no changes" in out
    code, out, err = run("diff", old, new)
    assert (code, err) == (1, "")
    assert "Network location data" in out and "needs notifying users" in out
    code, _, _ = run("diff", new, old)  # a kind of data removed: nothing to notify
    assert code == 0
    code, _, _ = run("diff", old, fewer)  # a right added
    assert code == 0
    code, _, _ = run("diff", old, new, "--notify-on", "none")
    assert code == 0
    code, _, _ = run("diff", old, fewer, "--notify-on", "right-added")
    assert code == 1
    code, _, err = run("diff", old, new, "--notify-on", "nonsense")
    assert code == 2 and "unknown change kind" in err


def test_cli_json(tmp_path: Path) -> None:
    old = write(tmp_path, "old.json", example("itnet"))
    new = write(tmp_path, "new.json", edited("itnet", add_advertiser))
    code, out, _ = run("diff", old, new, "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert document["needsNotifying"] is True
    assert document["old"]["file"] == old and document["new"]["id"] == "itnet"
    found = {c["kind"]: c for c in document["changes"]}
    assert found["recipient-added"]["notify"] is True
    assert found["statement-added"]["notify"] is False
    assert found["statement-added"]["newPointer"].startswith("/statements/")


def test_cli_invalid_input_exits_2(tmp_path: Path) -> None:
    old = write(tmp_path, "old.json", example("itnet"))
    broken = copy.deepcopy(example("itnet"))
    broken["rights"][0]["right"] = "everything"
    bad = write(tmp_path, "bad.json", broken)
    code, out, err = run("diff", old, bad)
    assert code == 2 and out == ""
    assert "bad.json" in err and "/rights/0/right" in err


def test_cli_output_file_and_never_over_an_input(tmp_path: Path) -> None:
    old = write(tmp_path, "old.json", example("itnet"))
    new = write(tmp_path, "new.json", edited("itnet", add_location_data))
    report = tmp_path / "report.md"
    code, out, _ = run("diff", old, new, "-o", str(report))
    assert code == 1 and out == "" and "Network location data" in report.read_text()
    before = Path(new).read_text()
    code, _, err = run("diff", old, new, "-o", new)
    assert code == 2 and "refusing to overwrite" in err
    assert Path(new).read_text() == before


def test_markdown_escapes_policy_text(tmp_path: Path) -> None:
    def hostile(data: dict[str, Any]) -> None:
        add_location_data(data)
        data["dataCategories"][-1]["name"] = "<script>alert(1)</script> [x](javascript:y)"

    old = write(tmp_path, "old.json", example("itnet"))
    new = write(tmp_path, "new.json", edited("itnet", hostile))
    _, out, _ = run("diff", old, new)
    assert "<script>" not in out and "\\<script\\>" in out
    assert "](javascript" not in out.replace("\\](", "")
