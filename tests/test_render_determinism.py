"""Every output of render, compare and diff is byte-identical across runs and hash seeds.

Python randomises the order of sets of strings per process (``PYTHONHASHSEED``), so an
output that depends on set order changes from run to run while every test inside one
process passes. Here child processes with different seeds render every example in
every format for both audiences, compare them all, and diff neighbouring examples, and
their outputs must agree. A document with categories that tie in the hierarchy (billing
records are both financial data and CPNI) is among them, since the "At a glance" summary
once broke such ties by set order.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from pypolicy.format.loader import load_path
from pypolicy.rendering import facts

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.policy.json"))
SEEDS = ("0", "1", "2", "3", "4", "5")

# Run in each child: every output, by name, as its SHA-256 (the outputs are long; a
# difference is then looked at with the CLI).
CHILD = """
import hashlib, json, sys
from pypolicy.format.loader import load_path
from pypolicy.format.model import Policy
from pypolicy.rendering import AUDIENCES, FORMATS, render
from pypolicy.rendering.compare import compare_csv, compare_html, compare_markdown
from pypolicy.rendering.diff import diff, diff_json, diff_markdown

paths = sys.argv[1:]
policies = [Policy.from_dict(load_path(p).data) for p in paths]
outputs = {}
for path, policy in zip(paths, policies):
    for fmt in FORMATS:
        for audience in AUDIENCES:
            outputs[f"render {path} {fmt} {audience}"] = render(policy, fmt, audience)
for name, writer in (("markdown", compare_markdown), ("html", compare_html),
                     ("csv", compare_csv)):
    outputs[f"compare {name}"] = writer(policies)
for (old_path, old), (new_path, new) in zip(zip(paths, policies), zip(paths[1:], policies[1:])):
    result = diff(old, new)
    outputs[f"diff {old_path} {new_path} markdown"] = diff_markdown(result)
    outputs[f"diff {old_path} {new_path} json"] = diff_json(result)
print(json.dumps({k: hashlib.sha256(v.encode()).hexdigest() for k, v in outputs.items()}))
"""


def tie_document(tmp_path: Path) -> Path:
    """The first example with billing records and a username among its data: each falls
    under two summary categories that are equally specific."""
    data: dict[str, Any] = copy.deepcopy(load_path(EXAMPLES[0]).data)
    data["dataCategories"][0]["categories"] = ["billingRecords", "username"]
    path = tmp_path / "ties.policy.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_ties_in_the_hierarchy_name_every_equally_specific_category() -> None:
    assert facts.summary_categories(["billingRecords"]) == ["financial", "cpni"]
    assert facts.summary_categories(["username"]) == ["identity", "accountCredentials"]


def test_outputs_are_identical_under_every_hash_seed(tmp_path: Path) -> None:
    paths = [str(p) for p in EXAMPLES] + [str(tie_document(tmp_path))]
    children = {}
    for seed in SEEDS:  # started together: the machine has more than one core
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        children[seed] = subprocess.Popen(
            [sys.executable, "-c", CHILD, *paths], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=environment, cwd=ROOT)
    digests = {}
    for seed, child in children.items():
        stdout, stderr = child.communicate(timeout=300)
        assert child.returncode == 0, stderr
        digests[seed] = json.loads(stdout)
    reference = digests[SEEDS[0]]
    assert len(reference) == 3 * 2 * len(paths) + 3 + 2 * (len(paths) - 1)
    for seed, outputs in digests.items():
        differing = sorted(name for name in reference if outputs[name] != reference[name])
        assert not differing, f"PYTHONHASHSEED={seed} changes: {', '.join(differing)}"
    # and a run in this process (whatever its seed) agrees with the children
    from pypolicy.format.model import Policy
    from pypolicy.rendering import render

    policy = Policy.from_dict(load_path(paths[-1]).data)
    text = render(policy, "markdown")
    assert hashlib.sha256(text.encode()).hexdigest() == reference[
        f"render {paths[-1]} markdown reader"]
    assert "Financial data" in text or "financial data" in text
    assert "customer proprietary network information" in text
