"""The bounded-time cases of issue 18 through the real command line: documents the size
that took minutes and gigabytes before (5,000 statements, 3,000 retention rules on one
data entry, 10,000 unknown references, 5,000 statements sharing one quote) are checked,
compared and rendered in seconds of CPU with a report of bounded size.

CPU time of the child (not wall time) is what is bounded, so a busy machine does not
decide the outcome; the limits are far above what the commands take now (a few CPU
seconds each, ``bench/growth-results.md``) and far below what they took before (112 to
225 s). The documents come from ``bench/bench_growth.py``, which measures the growth.
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
_SPEC = importlib.util.spec_from_file_location("bench_growth", ROOT / "bench" / "bench_growth.py")
assert _SPEC is not None and _SPEC.loader is not None
bench_growth: Any = importlib.util.module_from_spec(_SPEC)
sys.modules["bench_growth"] = bench_growth  # its dataclasses look their module up
_SPEC.loader.exec_module(bench_growth)

CPU_LIMIT = 40.0  # seconds; before: 112 s to 225 s for the same runs
REPORT_LIMIT = 8 * 1024 * 1024  # bytes; before: 129 MB and 461 MB reports


def run_cpu(*args: str, cwd: Path) -> tuple[int, str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-m", "pypolicy", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=600, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return done.returncode, done.stdout, cpu


CASES: dict[str, tuple[Callable[[int], dict[str, Any]], int, tuple[str, ...]]] = {
    "5000-statements-validate": (bench_growth.with_statements, 5000, ("validate",)),
    "3000-retention-rules-validate": (bench_growth.with_retention, 3000, ("validate",)),
    "10000-unknown-references-validate": (bench_growth.with_references, 10000, ("validate",)),
    "5000-statements-diff": (bench_growth.with_statements, 5000, ("diff",)),
    "5000-shared-quotes-render": (bench_growth.with_shared_quote, 5000,
                                  ("render", "-f", "html")),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_large_documents_take_seconds_and_bounded_reports(tmp_path: Path, case: str) -> None:
    make, size, command = CASES[case]
    document = make(size)
    (tmp_path / "doc.policy.json").write_text(json.dumps(document))
    later = bench_growth.changed(document) if command[0] == "diff" else document
    (tmp_path / "later.policy.json").write_text(json.dumps({**later, "id": "later"}))
    files = ["doc.policy.json", "later.policy.json"] if command[0] == "diff" else \
        ["doc.policy.json"]
    extra = ["--isolated", "-f", "json"] if command[0] == "validate" else []
    code, out, cpu = run_cpu(*command, *extra, *files, cwd=tmp_path)
    assert code in (0, 1), out[-2000:]
    assert cpu < CPU_LIMIT, f"{case}: {cpu:.1f} s of CPU"
    assert len(out.encode()) < REPORT_LIMIT, f"{case}: a report of {len(out.encode()):,} bytes"
