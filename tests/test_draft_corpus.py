"""annotate draft on every annotated text of the repository: the draft, confirmed as it is
(every `draft:` line deleted), builds without errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pypolicy.annotation.build import build
from pypolicy.annotation.draft.write import draft_annotation

ROOT = Path(__file__).resolve().parent.parent
TEXTS = sorted([*(ROOT / "examples" / "sources").glob("*.txt"),
                *(ROOT / "examples" / "synthetic" / "sources").glob("*.txt"),
                *(ROOT / "examples" / "synthetic" / "heldout").glob("*.txt")])


def test_the_corpus_is_found() -> None:
    assert len(TEXTS) >= 20


@pytest.mark.parametrize("text", TEXTS, ids=lambda path: path.stem)
def test_a_draft_confirmed_as_it_is_builds(text: Path, tmp_path: Path) -> None:
    source = tmp_path / text.name
    shutil.copyfile(text, source)
    annotation = tmp_path / f"{text.stem}.annotation.yaml"
    draft_annotation(source, annotation)
    confirmed = tmp_path / f"{text.stem}.confirmed.annotation.yaml"
    confirmed.write_text("".join(line for line in annotation.read_text("utf-8")
                                 .splitlines(keepends=True)
                                 if not line.lstrip().startswith("draft: ")), "utf-8")
    conversion = build(confirmed, tmp_path / f"{text.stem}.policy.json")
    assert conversion.document["statements"]
