"""The validator against the reviewed expectations of every annotated document
(tests/expectations/, scored by bench/score_findings.py): recall never drops below the
recorded figure, no finding the reviewer ruled out appears, and duplicates, findings to
review, known false positives awaiting a fix and citations of law that does not apply
never grow past the recorded figures, and the regimes applied are the reviewer's."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _score_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_findings",
                                                  ROOT / "bench" / "score_findings.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("score_findings", module)
    spec.loader.exec_module(module)
    return module


scoring = _score_module()
EXPECTATIONS = scoring.all_expectations()


def test_every_annotated_document_has_reviewed_expectations() -> None:
    documents = {*ROOT.glob("examples/*.policy.json"), *ROOT.glob("examples/synthetic/*.yaml"),
                 *ROOT.glob("examples/synthetic/*.policy.json"),
                 *ROOT.glob("examples/handwritten/*.yaml")}
    covered = {e.document for e in EXPECTATIONS}
    assert documents <= covered, f"no expectations for {sorted(documents - covered)}"


@pytest.mark.parametrize("expectations", EXPECTATIONS, ids=lambda e: e.name)
def test_expectations_are_reviewed(expectations: Any) -> None:
    for item in expectations.items:
        assert item.why.strip(), f"{item.label()}: say why"
        if item.kind == "expected":
            assert item.law, f"{item.label()}: cite the provision"
    assert {"recall", "duplicates", "toReview", "pending", "foreignLaw"} <= \
        set(expectations.guard), "record the guarded figures"


@pytest.mark.parametrize("expectations", EXPECTATIONS, ids=lambda e: e.name)
def test_findings_meet_the_reviewed_expectations(expectations: Any) -> None:
    score = scoring.score(expectations)
    guard = expectations.guard
    assert score.must_not == [], "findings the reviewer ruled out"
    assert score.regimes == [], "the law applied differs from the reviewer's"
    assert score.recall >= guard["recall"] - 1e-9, \
        f"recall {score.recall:.3f} below {guard['recall']}; missed: " + \
        "; ".join(i.label() for i in score.missed)
    for name, found in (("duplicates", score.duplicates), ("toReview", score.to_review),
                        ("pending", score.pending), ("foreignLaw", score.foreign_law)):
        assert len(found) <= guard[name], f"{name} grew past {guard[name]}: {found}"
