"""Validation speed: a generated corpus, per-document costs against json.loads, throughput
on every core, and the cold start of the CLI beside check-jsonschema.

    .venv/bin/python bench/bench_validate.py                 # 10,000 policies
    .venv/bin/python bench/bench_validate.py --policies 1000 # quicker

Prints figures and ratios measured in the same run. check-jsonschema is not a
dependency; install it in the venv to time it (pip install check-jsonschema).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypolicy.format.schema import _python_validator, is_valid  # noqa: E402
from pypolicy.format.vocabulary import vocabulary  # noqa: E402
from pypolicy.validation.engine import check_document  # noqa: E402

EXAMPLES = sorted((ROOT / "examples").glob("*.policy.json"))


def generate_corpus(count: int, seed: int = 20261123) -> list[str]:
    """Schema-valid variations of the five examples: new ids, parties moved to random
    countries, statements shuffled and thinned, retention periods changed."""
    rng = random.Random(seed)
    bases = [json.loads(p.read_text("utf-8")) for p in EXAMPLES]
    countries = sorted(vocabulary().countries)
    corpus = []
    for index in range(count):
        doc = copy.deepcopy(bases[index % len(bases)])
        doc["id"] = f"{doc['id']}-{index}"
        for party in doc.get("parties", []):
            if rng.random() < 0.5:
                party.pop("outside", None)
                party["locations"] = rng.sample(countries, rng.randint(1, 2))
        statements = doc.get("statements", [])
        rng.shuffle(statements)
        keep = max(1, int(len(statements) * rng.uniform(0.6, 1.0)))
        doc["statements"] = statements[:keep]
        for rule in doc.get("retention", []):
            if rng.random() < 0.5:
                rule["duration"] = f"P{rng.randint(1, 84)}M"
        corpus.append(json.dumps(doc, ensure_ascii=False))
    return corpus


def per_document(texts: Sequence[str], work: Callable[[str], object],
                 limit: int | None = None) -> float:
    sample = texts[:limit] if limit else texts
    start = time.perf_counter()
    for text in sample:
        work(text)
    return (time.perf_counter() - start) / len(sample)


def _full(text: str) -> int:
    findings, _ = check_document(json.loads(text))
    return len(findings)


def _chunk(texts: list[str]) -> int:
    return sum(_full(t) for t in texts)


def throughput(texts: list[str], processes: int) -> float:
    chunks = [texts[i::processes * 8] for i in range(processes * 8)]
    start = time.perf_counter()
    with Pool(processes) as pool:
        pool.map(_chunk, chunks)
    return len(texts) / (time.perf_counter() - start)


def cold_start(command: list[str], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--policies", type=int, default=10_000)
    parser.add_argument("--python-jsonschema-sample", type=int, default=300,
                        help="documents timed with python-jsonschema (it is slow)")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    corpus = generate_corpus(args.policies)
    sizes = [len(t.encode()) for t in corpus]
    print(f"corpus: {len(corpus)} policies, mean {statistics.mean(sizes) / 1024:.1f} KiB, "
          f"generated in {time.perf_counter() - t0:.1f} s")
    parsed = [json.loads(t) for t in corpus[: args.python_jsonschema_sample]]
    py_validator = _python_validator()
    check_document(parsed[0])  # warm the caches once, as a long-running process would

    floor = per_document(corpus, json.loads)
    rust = per_document(corpus, lambda t: is_valid(json.loads(t)))
    python = per_document(corpus, lambda t: py_validator.is_valid(json.loads(t)),
                          limit=args.python_jsonschema_sample)
    full = per_document(corpus, _full)
    rows = [
        ("json.loads (the floor)", floor),
        ("json.loads + jsonschema-rs", rust),
        (f"json.loads + python-jsonschema ({args.python_jsonschema_sample} docs)", python),
        ("full validation (schema and every rule)", full),
    ]
    print(f"\n{'per document':<60}{'time':>12}{'x floor':>10}")
    for label, seconds in rows:
        print(f"{label:<60}{seconds * 1e6:>10.0f}us{seconds / floor:>10.1f}")

    cores = os.cpu_count() or 1
    single = 1 / full
    multi = throughput(corpus, cores)
    print(f"\nthroughput: {single:,.0f} docs/s on 1 core (in process), {multi:,.0f} docs/s on "
          f"{cores} cores (multiprocessing, {multi / single:.2f}x)")

    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "inum.policy.json"
        shutil.copy(ROOT / "examples" / "inum.policy.json", one)
        bindir = Path(sys.executable).parent
        ours = cold_start([str(bindir / "pypolicy"), "validate", str(one)])
        print(f"\ncold start, one file (median of 7): pypolicy validate {ours * 1e3:.0f} ms")
        checker = bindir / "check-jsonschema"
        if checker.exists():
            theirs = cold_start([str(checker), "--schemafile",
                                 str(ROOT / "schema" / "policy.schema.json"), str(one)])
            print(f"                                    check-jsonschema   {theirs * 1e3:.0f} ms"
                  f"  (pypolicy/check-jsonschema = {ours / theirs:.2f})")
        else:
            print("                                    check-jsonschema not installed "
                  "(pip install check-jsonschema to compare)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
