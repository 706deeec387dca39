"""The one parser of ISO 8601 durations, used by the model's comparisons, validation and
the rendered sentences: what it reads, what it refuses, and that nothing crashes on a
period nobody means."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from pypolicy.format.durations import MAX_DIGITS, Duration, duration_days, parse_duration
from pypolicy.format.loader import load_path
from pypolicy.format.model import Policy
from pypolicy.format.model import duration_days as model_duration_days
from pypolicy.rendering import FORMATS, render
from pypolicy.rendering.compare import compare_csv
from pypolicy.rendering.diff import diff, diff_json
from pypolicy.rendering.phrases.basics import duration

EXAMPLE = Path(__file__).parent.parent / "examples" / "inum.policy.json"


@pytest.mark.parametrize(("text", "parts"), [
    ("P7Y", (("years", 7),)),
    ("P1Y6M", (("years", 1), ("months", 6))),
    ("P2W", (("weeks", 2),)),
    ("PT48H", (("hours", 48),)),
    ("P1DT12H30M5S", (("days", 1), ("hours", 12), ("minutes", 30), ("seconds", 5))),
    ("P0D", (("days", 0),)),
    ("P0007Y", (("years", 7),)),
])
def test_reads_the_formats_durations(text: str, parts: tuple[tuple[str, int], ...]) -> None:
    assert parse_duration(text) == Duration(parts)


@pytest.mark.parametrize("text", ["", "P", "PT", "P1YT", "7Y", "P1.5Y", "P-1Y", "p1y",
                                  "P1Y2Y", "P1M1Y", "P1Y ", " P1Y", "P1Y\n", "PT1D"])
def test_refuses_what_the_schema_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="not an ISO 8601 duration"):
        parse_duration(text)


def test_days_compare_periods() -> None:
    assert duration_days("P1Y") == 365.25
    assert duration_days("P2W") == 14
    assert duration_days("PT36H") == 1.5
    assert duration_days("P11M") < duration_days("P1Y") < duration_days("P13M")
    assert model_duration_days is duration_days  # the model's name is the same function


@pytest.mark.parametrize("text", ["P" + "9" * 400 + "Y", "P" + "1" * 5000 + "D",
                                  "PT" + "9" * 330 + "H", "P1" + "0" * MAX_DIGITS + "Y"])
def test_numbers_beyond_any_period_are_refused_not_crashed(text: str) -> None:
    with pytest.raises(ValueError, match="longer than"):
        parse_duration(text)


def test_leading_zeros_do_not_count_as_digits() -> None:
    assert parse_duration("P" + "0" * 5000 + "1Y").days == 365.25


def test_phrases() -> None:
    assert duration("P7Y") == "7 years"
    assert duration("P1Y6M") == "1 year and 6 months"
    assert duration("P2W") == "2 weeks"
    assert duration("P1Y2M3D") == "1 year, 2 months and 3 days"
    assert duration("P1.5Y") == "P1.5Y"  # not a duration of the format: as it stands
    huge = "P" + "9" * 400 + "Y"
    assert duration(huge) == huge


def _with_retention(data: dict[str, Any], period: str) -> Policy:
    changed = copy.deepcopy(data)
    changed["retention"][0]["duration"] = period
    changed["retention"][0].pop("indefinite", None)
    return Policy.from_dict(changed)


def test_render_diff_and_compare_survive_huge_durations() -> None:
    data: dict[str, Any] = load_path(EXAMPLE).data
    huge = "P" + "9" * 400 + "Y"
    old, new = _with_retention(data, "P1Y"), _with_retention(data, huge)
    for fmt in FORMATS:
        assert huge in "".join(render(new, fmt).split())  # the text wraps long words
    kinds = [c.kind for c in diff(old, new).changes if c.topic == "retention"]
    assert kinds == ["retention-changed"]  # cannot be compared, so not "longer"
    assert "retention-changed" in diff_json(diff(old, new))
    assert compare_csv([old, new])
