"""The rendered pages of the five examples and of the synthetic policies (which use every
construct of format 1.1), kept as golden files under tests/golden/.

A change to the renderer or to an example shows up here as a diff to review. To accept
the new output, regenerate the files and look at the diff before committing:

    PYPOLICY_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_render_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pypolicy.format.loader import load_path
from pypolicy.format.model import Policy
from pypolicy.rendering import AUDIENCES, FORMATS, Audience, Format, render

ROOT = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = sorted((ROOT / "examples").glob("*.policy.json")) \
    + sorted((ROOT / "examples" / "synthetic").glob("*.policy.json"))
EXTENSIONS: dict[Format, str] = {"markdown": "md", "html": "html", "text": "txt"}
UPDATE = os.environ.get("PYPOLICY_UPDATE_GOLDEN") == "1"


def golden_path(example: Path, fmt: Format, audience: Audience = "reader") -> Path:
    """``inum.md`` for the reader's page (the default), ``inum.reviewer.md`` for the
    reviewer's."""
    middle = "" if audience == "reader" else f".{audience}"
    return GOLDEN / f"{example.name.split('.')[0]}{middle}.{EXTENSIONS[fmt]}"


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_golden_file_is_current(example: Path, fmt: Format, audience: Audience) -> None:
    rendered = render(Policy.from_dict(load_path(example).data), fmt, audience)
    path = golden_path(example, fmt, audience)
    if UPDATE:
        path.write_text(rendered, encoding="utf-8", newline="\n")
    assert path.is_file(), f"{path} is missing; regenerate with PYPOLICY_UPDATE_GOLDEN=1"
    assert path.read_text(encoding="utf-8") == rendered, (
        f"{path.relative_to(ROOT)} is out of date; review the change and regenerate with "
        "PYPOLICY_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_render_golden.py")


def test_every_golden_file_has_an_example() -> None:
    expected = {golden_path(e, f, a).name for e in EXAMPLES for f in FORMATS for a in AUDIENCES}
    present = {p.name for p in GOLDEN.iterdir()
               if p.suffix in (".md", ".html", ".txt") and p.name != "README.md"}
    assert present == expected, "stale golden files: " + ", ".join(sorted(present - expected))


def test_rendering_is_deterministic() -> None:
    policy = Policy.from_dict(load_path(EXAMPLES[0]).data)
    for fmt in FORMATS:
        assert render(policy, fmt) == render(Policy.from_dict(load_path(EXAMPLES[0]).data),
                                             fmt)
