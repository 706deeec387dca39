"""The five annotated real policies in a folder of their own, for tests that query a
folder: ``examples/`` also holds the team's synthetic policies in subfolders, which a
directory search (as ``validate`` and ``query`` do it) finds too."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL_EXAMPLES = ("anveo", "inaani", "inum", "itnet", "voiceterm")


@cache
def real_examples_dir() -> Path:
    """A temporary folder with a link to each of the five real examples (made once)."""
    folder = Path(tempfile.mkdtemp(prefix="pypolicy-examples-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    for name in REAL_EXAMPLES:
        (folder / f"{name}.policy.json").symlink_to(ROOT / "examples" / f"{name}.policy.json")
    return folder
