"""Growth: how time, memory and report size grow with the size of the input, per command.

Each command runs as a subprocess (as a user runs it) on generated documents of growing
size along one dimension at a time:

- statements: a policy with N statements (a seeded mix of practices, promises, "only
  if" statements and closed lists over the four data entries and three parties of the
  hand-written example, each with its own quote): hostile, since most pairs of
  statements are about the same data, and many contradict each other;
- varied: N such statements over data entries and parties that grow with them (one
  data entry per ten statements, of every kind of the vocabulary; one party per
  twenty-five), with ten sweeping promises: a large policy as a large text would be;
- retention: N retention rules on one data entry, each with its own period;
- references: N data entries and N statements whose data reference is misspelt (the
  "did you mean" search);
- samequote: N statements that share one id and one quote (a bad annotation), for
  render;
- string: a title of N characters (the loader's scan of a long string);
- corpus: N policy files (validate, compare, export, query over a directory);
- query: a query of N lines (VALUES rows) over one policy.

For every run it prints wall time, CPU time (the child and its own children, from
``os.wait4``), peak resident memory of the child and the size of what it wrote, then per
command and dimension the growth exponent: the slope of a least-squares line through
log(CPU time) against log(size), after taking off the time the command needs on the
smallest input (start-up, which would flatten the slope). The target is 1.2 or less on
documents up to 5,000 entries, with reports bounded in size; a series counts as over
the target only when its work at the largest size (CPU time beyond start-up) is at least
a second, since below that the noise of a shared machine decides the slope. A run whose
report says a rule stopped at its limit of pairs compared is marked, and listed at the
end: that rule's time was bounded by the limit rather than by the document.

    .venv/bin/python bench/bench_growth.py                   # everything (long)
    .venv/bin/python bench/bench_growth.py --quick           # small sizes, a few minutes
    .venv/bin/python bench/bench_growth.py --dimension statements --sizes 250,500,1000
    .venv/bin/python bench/bench_growth.py --command validate --timeout 60

A command that times out (``--timeout``, per run) is not run on the larger sizes of that
dimension; its exponent is fitted on what finished and marked as a lower bound.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import math
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypolicy.format.loader import load_path  # noqa: E402

PYPOLICY = str(Path(sys.executable).parent / "pypolicy")
BASE = ROOT / "examples" / "handwritten" / "minimal.yaml"
EXAMPLES = sorted((ROOT / "examples").glob("*.policy.json"))
PROFILES = ("general", "gdpr", "eprivacy", "cpni", "emergency", "ccpa", "caloppa", "dpdp")
TARGET = 1.2
SMALL_WORK = 1.0  # CPU seconds beyond start-up under which an exponent is mostly noise

FULL_SIZES = {
    "statements": (250, 500, 1000, 2000, 5000),
    "varied": (250, 500, 1000, 2000, 5000),
    "retention": (250, 500, 1000, 2000, 5000),
    "references": (250, 500, 1000, 2000, 5000),
    "samequote": (250, 500, 1000, 2000, 5000),
    "string": (1_000_000, 2_000_000, 4_000_000, 8_000_000),
    "corpus": (10, 20, 50, 100, 200),
    "query": (1000, 2000, 5000, 10000, 20000),
}
QUICK_SIZES = {
    "statements": (100, 200, 400),
    "varied": (100, 200, 400),
    "retention": (100, 200, 400),
    "references": (100, 200, 400),
    "samequote": (100, 200, 400),
    "string": (500_000, 1_000_000, 2_000_000),
    "corpus": (5, 10, 20),
    "query": (500, 1000, 2000),
}
# the input a command's start-up is measured on (its time is taken off before fitting)
FLOOR_SIZE = {"statements": 1, "varied": 1, "retention": 1, "references": 1, "samequote": 1,
              "string": 10, "corpus": 1, "query": 1}


# -- documents ---------------------------------------------------------------------------


def base_document() -> dict[str, Any]:
    """The hand-written example, as data (its statements and retention are replaced)."""
    data: dict[str, Any] = load_path(BASE).data
    return data


ACTIONS = ("collect", "store", "use", "share", "disclose", "transfer", "sell", "record")
SHARING = {"share", "disclose", "transfer", "sell"}
PURPOSES = ("billing", "accountManagement", "advertising", "legalCompliance",
            "emergencyServices", "fraudPrevention", "serviceProvision")


def statement(rng: random.Random, index: int, data_ids: Sequence[str],
              party_ids: Sequence[str]) -> dict[str, Any]:
    """One generated statement: a practice, a promise, an "only if" or a closed list."""
    roll = rng.random()
    modality = "does" if roll < 0.45 else "may" if roll < 0.7 else \
        "doesNot" if roll < 0.9 else "onlyIf"
    actions = rng.sample(ACTIONS, rng.randint(1, 2))
    entry: dict[str, Any] = {"id": f"s-gen-{index}", "modality": modality,
                             "actions": actions,
                             "data": rng.sample(list(data_ids), rng.randint(1, 2))}
    if SHARING & set(actions) and rng.random() < 0.7:
        entry["recipients"] = [rng.choice(list(party_ids))]
    if modality != "doesNot" and rng.random() < 0.6:
        entry["purposes"] = rng.sample(PURPOSES, rng.randint(1, 2))
    if modality == "onlyIf":
        entry["conditions"] = [rng.choice(("requiredByLaw", "withConsent"))]
    if modality == "doesNot":
        if rng.random() < 0.5:
            entry["exceptions"] = ["requiredByLaw"]
        if rng.random() < 0.3:
            entry["outside"] = ["EEA"]
    if modality == "does" and "recipients" in entry and rng.random() < 0.1:
        entry["exhaustive"] = ["recipientList"]
    entry["evidence"] = [{"quote": f"Generated sentence number {index}: we"
                                   f" {' and '.join(actions)} some data.",
                          "section": "Generated"}]
    return entry


def with_statements(count: int, seed: int = 20261201) -> dict[str, Any]:
    doc = base_document()
    rng = random.Random(seed)
    data_ids = [d["id"] for d in doc["dataCategories"]]
    party_ids = [p["id"] for p in doc["parties"]]
    doc["statements"] = [statement(rng, i, data_ids, party_ids) for i in range(count)]
    return doc


def leaf_terms(scheme: str) -> list[str]:
    """The vocabulary's terms of a scheme that have none under them."""
    from pypolicy.format.vocabulary import vocabulary

    vocab = vocabulary()
    terms = [t for t in vocab.terms if vocab.scheme_of(t) == scheme]
    return [t for t in terms if vocab.descendants(t) == {t}]


PLACES = ("US", "NO", "EU", "IN", "GB", "DE", "FR", "CA", "JP", "BR")


def with_varied_statements(count: int, seed: int = 20261202) -> dict[str, Any]:
    """A larger policy as a larger text would be: one data entry per ten statements and
    one party per twenty-five, of every kind the vocabulary has, and a fixed handful of
    sweeping promises ("we do not sell your personal data") among the specific ones."""
    doc = base_document()
    rng = random.Random(seed)
    kinds, roles = leaf_terms("DataCategory"), leaf_terms("Party")
    doc["dataCategories"] += [{"id": f"d-kind-{i}", "name": f"data of kind {i}",
                               "categories": [kinds[i % len(kinds)]]}
                              for i in range(count // 10)]
    doc["parties"] += [{"id": f"p-party-{i}", "name": f"party {i}",
                        "roles": [roles[i % len(roles)]],
                        "locations": [rng.choice(PLACES)]} for i in range(count // 25)]
    data_ids = [d["id"] for d in doc["dataCategories"]]
    party_ids = [p["id"] for p in doc["parties"]]
    doc["statements"] = [statement(rng, i, data_ids, party_ids) for i in range(count)]
    everything = {"id": "d-everything", "name": "personal data", "categories": ["personalData"]}
    doc["dataCategories"].append(everything)
    for index in range(10):
        doc["statements"].append({
            "id": f"s-sweeping-{index}", "modality": "doesNot",
            "actions": [("sell", "share", "transfer", "disclose", "use")[index % 5]],
            "data": ["d-everything"],
            **({"outside": ["EEA"]} if index % 2 else {"exceptions": ["requiredByLaw"]}),
            "evidence": [{"quote": f"Sweeping promise {index}.", "section": "Generated"}]})
    return doc


def changed(doc: dict[str, Any], seed: int = 7) -> dict[str, Any]:
    """A later version: a tenth of the statements changed, a twentieth removed, as many
    added, a twentieth renamed (same content, new id), and the order shuffled."""
    rng = random.Random(seed)
    new = copy.deepcopy(doc)
    statements = new["statements"]
    count = len(statements)
    for entry in rng.sample(statements, count // 10):
        entry["modality"] = "may" if entry["modality"] == "does" else "does"
        entry.pop("conditions", None)
        entry.pop("exceptions", None)
        entry.pop("outside", None)
    for entry in rng.sample(statements, count // 20):
        entry["id"] += "-renamed"
    for entry in rng.sample(statements, count // 20):
        statements.remove(entry)
    data_ids = [d["id"] for d in new["dataCategories"]]
    party_ids = [p["id"] for p in new["parties"]]
    statements += [statement(rng, count + i, data_ids, party_ids) for i in range(count // 20)]
    rng.shuffle(statements)
    new["lastUpdated"] = "2025-01-01"
    return new


def with_retention(count: int) -> dict[str, Any]:
    doc = base_document()
    doc["retention"] = [
        {"id": f"r-gen-{i}", "data": ["d-call-records"], "duration": f"P{i + 1}D",
         "from": "collection",
         "evidence": [{"quote": f"Call records are kept for {i + 1} days.",
                       "section": "Generated"}]}
        for i in range(count)]
    return doc


def with_references(count: int) -> dict[str, Any]:
    doc = base_document()
    doc["dataCategories"] += [{"id": f"d-item-{i}", "name": f"item {i}",
                               "categories": ["personalData"]} for i in range(count)]
    doc["statements"] += [{"id": f"s-ref-{i}", "modality": "does", "actions": ["collect"],
                           "data": [f"d-itme-{i}"]} for i in range(count)]
    return doc


def with_shared_quote(count: int) -> dict[str, Any]:
    doc = base_document()
    template = doc["statements"][0]
    doc["statements"] = [copy.deepcopy(template) for _ in range(count)]
    return doc


def with_long_title(count: int) -> dict[str, Any]:
    doc = base_document()
    doc["title"] = ("Fjordline Voice privacy notice " * (count // 31 + 1))[:count]
    return doc


def query_text(lines: int) -> str:
    rows = "\n".join(f'    "{i}"' for i in range(lines))
    return ("PREFIX pp: <https://w3id.org/pypolicy/vocab#>\n"
            "SELECT ?x WHERE {\n  VALUES ?x {\n" + rows + "\n  }\n} LIMIT 1\n")


def corpus(count: int, folder: Path) -> list[Path]:
    paths = []
    for index in range(count):
        example = EXAMPLES[index % len(EXAMPLES)]
        doc = json.loads(example.read_text("utf-8"))
        doc["id"] = f"{doc['id']}-{index}"
        doc.pop("source", None)  # the quotes are not checked against a source text here
        path = folder / f"p{index:05d}.policy.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
        paths.append(path)
    return paths


def write(doc: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), "utf-8")
    return path


# -- commands ----------------------------------------------------------------------------


@dataclass
class Inputs:
    """The files of one run: a document, its later version, the corpus, a query file."""

    folder: Path
    doc: Path | None = None
    later: Path | None = None
    files: list[Path] = field(default_factory=list)
    query: Path | None = None


Build = Callable[[Inputs], list[str]]


def _validate(*extra: str) -> Build:
    return lambda i: ["validate", "--isolated", *extra, str(i.doc)]


def _render(fmt: str) -> Build:
    return lambda i: ["render", "-f", fmt, "--audience", "reviewer", str(i.doc)]


COMMANDS: dict[str, Build] = {
    "validate": _validate(),
    "validate-all-profiles": _validate("--profile", ",".join(PROFILES)),
    **{f"validate-{p}": _validate("--profile", p) for p in PROFILES},
    "render-markdown": _render("markdown"),
    "render-html": _render("html"),
    "render-text": _render("text"),
    "diff": lambda i: ["diff", str(i.doc), str(i.later)],
    "compare": lambda i: ["compare", str(i.doc), str(i.later)],
    "export": lambda i: ["export", "--to", "turtle", str(i.doc)],
    "query-pack": lambda i: ["query", "--name", "practices", str(i.doc)],
}
CORPUS_COMMANDS: dict[str, Build] = {
    "validate": lambda i: ["validate", "--isolated", str(i.folder / "corpus")],
    "compare": lambda i: ["compare", *map(str, i.files)],
    "export": lambda i: ["export", "--to", "nquads", *map(str, i.files)],
    "query-pack": lambda i: ["query", "--name", "practices", str(i.folder / "corpus")],
}
QUERY_COMMANDS: dict[str, Build] = {
    "query-long": lambda i: ["query", "--file", str(i.query), str(i.doc)],
}
ENTRY_COMMANDS = ("validate", "validate-all-profiles", "render-markdown", "render-html",
                  "render-text", "diff", "compare", "export", "query-pack")
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "statements": ENTRY_COMMANDS,
    "varied": ENTRY_COMMANDS,
    "retention": ENTRY_COMMANDS,
    "references": ("validate", "validate-all-profiles"),
    "samequote": ("validate", "render-markdown", "render-html", "render-text", "diff"),
    "string": ("validate", "render-markdown", "export"),
    "corpus": tuple(CORPUS_COMMANDS),
    "query": tuple(QUERY_COMMANDS),
}


def prepare(dimension: str, size: int, folder: Path) -> Inputs:
    inputs = Inputs(folder)
    if dimension == "corpus":
        (folder / "corpus").mkdir()
        inputs.files = corpus(size, folder / "corpus")
        return inputs
    if dimension == "query":
        inputs.doc = write(base_document(), folder / "doc.policy.json")
        inputs.query = folder / "long.rq"
        inputs.query.write_text(query_text(size), "utf-8")
        return inputs
    make = {"statements": with_statements, "varied": with_varied_statements,
            "retention": with_retention,
            "references": with_references, "samequote": with_shared_quote,
            "string": with_long_title}[dimension]
    doc = make(size)
    inputs.doc = write(doc, folder / "doc.policy.json")
    later = changed(doc) if dimension in ("statements", "varied") else copy.deepcopy(doc)
    later["id"] = f"{doc['id']}-later"  # compare shows each policy once, by id
    later["lastUpdated"] = "2025-01-01"
    inputs.later = write(later, folder / "later.policy.json")
    return inputs


def build(dimension: str, command: str) -> Build:
    table = CORPUS_COMMANDS if dimension == "corpus" else \
        QUERY_COMMANDS if dimension == "query" else COMMANDS
    return table[command]


# -- measuring ---------------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mib: float
    output_bytes: int
    status: str  # "ok", "timeout" or "exit N: first line of stderr"
    stopped: bool = False  # a rule said it stopped comparing (its pair limit)


def measure(argv: Sequence[str], timeout: float, folder: Path) -> Run:
    """Run ``pypolicy argv`` and measure it through ``os.wait4`` (the child's own figures,
    with its waited-for children's: the query worker counts)."""
    out_path, err_path = folder / "stdout", folder / "stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen([PYPOLICY, *argv], stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    size = out_path.stat().st_size
    errors = err_path.read_text("utf-8", "replace")
    if timed_out.is_set():
        verdict = "timeout"
    elif proc.returncode in (0, 1) and "Traceback" not in errors:
        verdict = "ok"  # 1: findings, or changes to notify
    else:
        last = errors.strip().splitlines()[-1:]
        verdict = f"exit {proc.returncode}: {last[0][:100] if last else ''}"
    # a validation report that says a rule reached its limit of pairs compared: its time
    # is bounded by the limit, not by the document, and its findings may be incomplete
    with open(out_path, "rb") as report:
        stopped = any(b"stopped after comparing" in line for line in report)
    return Run(wall, cpu, usage.ru_maxrss / 1024, size, verdict, stopped)


def exponent(points: Sequence[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(value) against log(size)."""
    usable = [(math.log(s), math.log(v)) for s, v in points if v > 0]
    if len(usable) < 2:
        return None
    mean_x = sum(x for x, _ in usable) / len(usable)
    mean_y = sum(y for _, y in usable) / len(usable)
    spread = sum((x - mean_x) ** 2 for x, _ in usable)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in usable) / spread


def human(size: int) -> str:
    for unit, scale in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f}{unit}"
    return str(size)


@dataclass
class Series:
    dimension: str
    command: str
    floor: Run | None = None
    runs: list[tuple[int, Run]] = field(default_factory=list)

    def fitted(self) -> tuple[float | None, float | None, bool]:
        """(exponent of CPU time net of start-up, exponent of peak memory, lower bound?)"""
        finished = [(s, r) for s, r in self.runs if r.status == "ok"]
        floor_cpu = self.floor.cpu if self.floor and self.floor.status == "ok" else 0.0
        # only sizes where the work itself is measurable above the start-up time
        net = [(s, r.cpu - floor_cpu) for s, r in finished if r.cpu - floor_cpu > 0.05]
        floor_mem = self.floor.peak_mib if self.floor and self.floor.status == "ok" else 0.0
        memory = [(s, r.peak_mib - floor_mem) for s, r in finished
                  if r.peak_mib - floor_mem > 5]
        bounded = any(r.status == "timeout" for _, r in self.runs)
        return exponent(net), exponent(memory), bounded


def run_series(dimension: str, command: str, sizes: Sequence[int], timeout: float,
               out: Callable[[str], None], repeat: int = 1) -> Series:
    """One command along one dimension; each size ``repeat`` times, the least CPU time
    kept (the machine's other work only ever adds to it)."""
    series = Series(dimension, command)
    argv_of = build(dimension, command)
    with tempfile.TemporaryDirectory(prefix="growth-") as tmp:
        folder = Path(tmp) / "floor"
        folder.mkdir()
        floor_argv = argv_of(prepare(dimension, FLOOR_SIZE[dimension], folder))
        series.floor = min((measure(floor_argv, timeout, folder) for _ in range(repeat)),
                           key=lambda r: r.cpu)
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="growth-") as tmp:
            folder = Path(tmp)
            inputs = prepare(dimension, size, folder)
            input_bytes = sum(p.stat().st_size for p in
                              [inputs.doc, inputs.query, *inputs.files] if p is not None)
            run = min((measure(argv_of(inputs), timeout, folder) for _ in range(repeat)),
                      key=lambda r: (r.status != "ok", r.cpu))
        series.runs.append((size, run))
        out(f"  {dimension:<11}{command:<23}{size:>9}{human(input_bytes):>9}"
            f"{run.wall:>9.2f}{run.cpu:>9.2f}{run.peak_mib:>9.0f}{human(run.output_bytes):>9}"
            f"  {run.status}{', a rule stopped comparing' if run.stopped else ''}")
        if run.status != "ok":
            break  # larger sizes would only take longer
    return series


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="small sizes and a shorter timeout (a few minutes)")
    parser.add_argument("--dimension", action="append", choices=sorted(DIMENSIONS),
                        help="only this dimension (repeatable)")
    parser.add_argument("--command", action="append",
                        help="only this command (repeatable): " + ", ".join(
                            sorted({*COMMANDS, *CORPUS_COMMANDS, *QUERY_COMMANDS})))
    parser.add_argument("--each-profile", action="store_true",
                        help="also validate with each profile forced on its own")
    parser.add_argument("--sizes", help="comma-separated sizes, for every dimension chosen")
    parser.add_argument("--timeout", type=float, help="seconds per run (default 120, quick 30)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per size, the least CPU time kept (default 1)")
    args = parser.parse_args(argv)

    table = QUICK_SIZES if args.quick else FULL_SIZES
    timeout = args.timeout or (30.0 if args.quick else 120.0)
    dimensions = args.dimension or list(DIMENSIONS)
    where = os.environ.get("PYTHONPATH") or str(ROOT)  # a snapshot, for a baseline
    print(f"pypolicy from {where}; timeout {timeout:.0f} s per run; CPU time is the child's"
          " and its children's (user + system)")
    print(f"  {'dimension':<11}{'command':<23}{'size':>9}{'input':>9}{'wall s':>9}"
          f"{'cpu s':>9}{'peak MiB':>9}{'output':>9}  status")
    results: list[Series] = []
    for dimension in dimensions:
        sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else table[dimension]
        commands = list(DIMENSIONS[dimension])
        if args.each_profile and "validate-all-profiles" in commands:
            commands += [f"validate-{p}" for p in PROFILES]
        if args.command:
            commands = [c for c in commands if c in args.command]
        for command in commands:
            results.append(run_series(dimension, command, sizes, timeout,
                                      lambda line: print(line, flush=True), args.repeat))

    print(f"\ngrowth exponents (target <= {TARGET}): time is CPU net of start-up; '>=' where"
          " a larger size timed out; 'work' is that net CPU time at the largest size (under"
          f" {SMALL_WORK:.0f} s, noise on a busy machine can move the exponent by tenths)")
    print(f"  {'dimension':<11}{'command':<23}{'time':>8}{'memory':>8}{'largest':>9}"
          f"{'cpu s':>9}{'work s':>9}{'peak MiB':>9}{'output':>9}")
    failing = 0
    for series in results:
        time_exp, mem_exp, bounded = series.fitted()
        done = [(s, r) for s, r in series.runs if r.status == "ok"]
        largest = done[-1] if done else None
        floor = series.floor.cpu if series.floor and series.floor.status == "ok" else 0.0
        work = largest[1].cpu - floor if largest else 0.0
        mark = ">=" if bounded else ""
        over = bounded or (time_exp is not None and time_exp > TARGET and work >= SMALL_WORK)
        failing += over
        text_time = "flat" if time_exp is None else f"{mark}{time_exp:.2f}"
        text_mem = "flat" if mem_exp is None else f"{mem_exp:.2f}"
        tail = (f"{largest[0]:>9}{largest[1].cpu:>9.2f}{work:>9.2f}{largest[1].peak_mib:>9.0f}"
                f"{human(largest[1].output_bytes):>9}") if largest else f"{'-':>9}"
        note = "  over target" if over else "  (small work)" if time_exp is not None and \
            time_exp > TARGET else ""
        print(f"  {series.dimension:<11}{series.command:<23}{text_time:>8}{text_mem:>8}{tail}"
              f"{note}")
    print(f"\n{failing} of {len(results)} series over the target (with at least"
          f" {SMALL_WORK:.0f} s of work at the largest size)")
    stopped = [f"{s.dimension} {s.command} {size}" for s in results for size, r in s.runs
               if r.stopped]
    print(f"runs where a rule stopped at its limit of pairs compared: {len(stopped)}"
          + (f" ({', '.join(stopped)})" if stopped else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
