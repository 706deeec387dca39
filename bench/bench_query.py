"""Benchmark: the corpus store at scale, and rdflib against Oxigraph for the ratio.

    .venv/bin/python bench/bench_query.py                          # 10,000 and 100,000
    .venv/bin/python bench/bench_query.py --sizes 2000 --rdflib-size 500   # a quick run

Generates schema-valid policy documents (seeded, so every run sees the same corpus) and
measures, in one run:

* for each size in ``--sizes``: the files written to a temporary directory, then
  ``pypolicy load DIR --store-path STORE`` run as a command (its time, and its peak
  resident memory from the kernel's accounting of the child), the store's size on disk,
  the same load again with nothing changed, and every pack query on the store: "cold",
  the store opened and the query run once in a fresh process (as one ``pypolicy query
  --store-path`` does it), and "warm", the best of ``--repeat`` further runs in that
  process;
* at ``--rdflib-size`` policies: for rdflib and for Oxigraph in memory, each in a child
  process of its own (so that memory is its own), the time to build the store from the
  documents, the resident memory the store added, the peak resident memory of the
  process, the time of every pack query (each in a forked process with a time limit),
  and whether both gave the same answers.

Resident memory is measured rather than traced (tracemalloc), because Oxigraph's
memory is allocated by Rust and invisible to tracemalloc, and tracing would slow rdflib
several-fold. The files of a store just loaded are in the operating system's cache, so
"cold" means a fresh process, not a cold disk.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import multiprocessing
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pypolicy.core.errors import QueryError  # noqa: E402
from pypolicy.sparql.dataset import build_dataset, find_inputs, load_documents  # noqa: E402
from pypolicy.sparql.engines import OxigraphEngine, RdflibEngine  # noqa: E402
from pypolicy.sparql.pack import bind_parameters, query_pack  # noqa: E402
from pypolicy.sparql.results import format_result  # noqa: E402
from pypolicy.sparql.safety import check_query  # noqa: E402
from pypolicy.sparql.store import load_into_memory  # noqa: E402
from pypolicy.sparql.worker import call_with_time_limit  # noqa: E402

COUNTRIES = ["US", "GB", "DE", "FR", "NL", "IE", "SE", "CA", "IN", "CH", "JP", "AU", "BR",
             "PL", "ES", "IT", "NO", "SG", "IL", "ZA"]
ROLES = ["paymentProcessor", "advertisingPlatform", "analyticsProvider", "telecomCarrier",
         "hostingProvider", "lawEnforcement", "marketingPartner", "pushService",
         "billingVendor", "affiliate", "fraudPreventionService", "acquirer"]
CATEGORIES = ["callDetailRecord", "messageLog", "trafficData", "personName", "emailAddress",
              "telephoneNumber", "ipAddress", "callRecording", "callContent", "paymentCard",
              "usage", "location", "contactList", "voicemail", "deviceIdentifier",
              "personalData"]
ACTIONS = ["collect", "use", "store", "share", "transfer", "disclose", "sell", "record",
           "analyse", "profile", "consult", "makeAvailable"]
PURPOSES = ["serviceProvision", "billing", "marketing", "advertising", "analytics",
            "fraudPrevention", "legalCompliance", "communicationDelivery",
            "customerSupport", "research"]
BASES = ["contract", "consent", "impliedConsent", "legitimateInterest", "legalObligation"]
DURATIONS = ["P30D", "P90D", "P6M", "P1Y", "P13M", "P2Y", "P5Y", "P7Y", "P10Y"]
CRITERIA = ["purposeFulfilled", "legalRequirement", "disputes", "contractDuration"]
RIGHTS = ["access", "rectification", "erasure", "restriction", "portability", "objection",
          "withdrawConsent", "complaint", "optOutMarketing"]
MEASURES = ["encryption", "tls", "srtp", "endToEndEncryption", "zrtp", "firewall",
            "accessControl", "securityAudit", "encryptionAtRest"]
MECHANISMS = ["standardContractualClauses", "adequacyDecision", "agreementByUse",
              "policySafeguards", "bindingCorporateRules"]


def _pick(rng: random.Random, items: list[str], low: int, high: int) -> list[str]:
    return sorted(rng.sample(items, rng.randint(low, high)))


def synthetic_policy(index: int, rng: random.Random) -> dict[str, Any]:
    """One schema-valid policy document, varied by ``rng``: about 100 triples."""
    parties = []
    for n in range(rng.randint(2, 4)):
        party: dict[str, Any] = {"id": f"p-{n}", "name": f"party {n} of provider {index}",
                                 "roles": _pick(rng, ROLES, 1, 2)}
        if rng.random() < 0.5:
            party["locations"] = _pick(rng, COUNTRIES, 1, 2)
        elif rng.random() < 0.2:
            party["outside"] = [rng.choice(["EEA", "EU"])]
        parties.append(party)
    data = [{"id": f"d-{n}", "name": f"data {n}", "categories": _pick(rng, CATEGORIES, 1, 2)}
            for n in range(rng.randint(3, 5))]
    statements = []
    for n in range(rng.randint(4, 7)):
        modality = rng.choices(["does", "may", "doesNot", "onlyIf"], [4, 3, 2, 1])[0]
        statement: dict[str, Any] = {
            "id": f"s-{n}", "modality": modality, "actions": _pick(rng, ACTIONS, 1, 2),
            "data": sorted(rng.sample([d["id"] for d in data], rng.randint(1, 2)))}
        if modality == "onlyIf":
            statement["conditions"] = ["withConsent"]
        if set(statement["actions"]) & {"share", "transfer", "disclose", "sell",
                                        "makeAvailable"}:
            statement["recipients"] = sorted(rng.sample([p["id"] for p in parties],
                                                        rng.randint(1, 2)))
        if rng.random() < 0.5:
            statement["purposes"] = _pick(rng, PURPOSES, 1, 2)
        if rng.random() < 0.3:
            statement["legalBases"] = _pick(rng, BASES, 1, 1)
        if modality == "doesNot" and rng.random() < 0.4:
            statement["outside"] = [rng.choice(["EEA", "EU"])]
        if rng.random() < 0.15:
            statement["evidence"] = [{"inferred": True, "rationale": f"inferred {index}-{n}"}]
        statements.append(statement)
    retention = []
    for n in range(rng.randint(1, 2)):
        rule: dict[str, Any] = {"id": f"r-{n}", "data": sorted(
            rng.sample([d["id"] for d in data], rng.randint(1, 2)))}
        if rng.random() < 0.6:
            rule["duration"] = rng.choice(DURATIONS)
        else:
            rule["criteria"] = _pick(rng, CRITERIA, 1, 2)
        retention.append(rule)
    document: dict[str, Any] = {
        "formatVersion": "1.0.0", "id": f"synthetic-{index:05d}",
        "title": f"Privacy policy {index}", "language": "en",
        "provider": {"name": f"Provider {index}", "country": rng.choice(COUNTRIES)},
        "parties": parties, "dataCategories": data, "statements": statements,
        "retention": retention,
        "rights": [{"id": f"rt-{r}", "right": r} for r in _pick(rng, RIGHTS, 1, 5)],
        "securityMeasures": [{"id": f"sec-{m}", "measure": m}
                             for m in _pick(rng, MEASURES, 1, 2)],
    }
    if rng.random() < 0.4:
        document["transfers"] = [{"id": "t-0", "destinations": _pick(rng, COUNTRIES, 1, 2),
                                  "mechanisms": _pick(rng, MECHANISMS, 1, 2)}]
    if rng.random() < 0.5:
        document["dataProtectionOfficer"] = {"appointed": rng.random() < 0.8}
    if rng.random() < 0.3:
        document["supervisoryAuthority"] = {"name": f"authority {index}",
                                            "country": rng.choice(COUNTRIES)}
    if rng.random() < 0.5:
        document["tracking"] = {"consentMechanisms": [rng.choice(
            ["optInBanner", "browserControls", "impliedByUse"])],
            "thirdParties": [parties[0]["id"]]}
    if rng.random() < 0.5:
        document["changes"] = {"acceptanceByContinuedUse": rng.random() < 0.5}
    return document


def synthetic_corpus(count: int, seed: int = 2026) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [synthetic_policy(i, rng) for i in range(count)]


# ------------------------------------------------------------------------------ measuring


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # not Linux: fall back to the peak
        return _peak_bytes()


def _cpu_seconds() -> float:
    """Processor time of this process and of its children that have ended (the workers
    that read the files), user and system."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _timed_query(engine: Any, name: str, repeat: int,
                 started: Callable[[], None]) -> dict[str, Any]:
    """A pack query's first run in this process (cold), the fastest of ``repeat`` more
    (warm, None when 0), each in wall and processor seconds, the load average, and its
    answer's digest."""
    pack = query_pack()[name]
    query = check_query(pack.text, pack.path.name)
    parameters = {"on": "2025-06-01"} if any(p.name == "on" for p in pack.parameters) else {}
    bindings = bind_parameters(query, pack.parameters, parameters)
    started()
    times: list[tuple[float, float]] = []
    load_average = os.getloadavg()[0]
    for _ in range(1 + repeat):
        begin, cpu_begin = time.perf_counter(), time.process_time()
        result = engine.run(query, bindings)
        times.append((time.perf_counter() - begin, time.process_time() - cpu_begin))
    text = format_result(result, "tsv")
    warm = min(times[1:]) if repeat else (None, None)
    return {"seconds": times[0][0], "cpu": times[0][1], "warm": warm[0], "warm_cpu": warm[1],
            "load_average": max(load_average, os.getloadavg()[0]),
            "answer": f"{len(result.rows)} {hashlib.sha256(text.encode()).hexdigest()}"}


def measure_store(store: str, directory: str, names: list[str], limit: float,
                  repeat: int) -> dict[str, Any]:
    """Build one store in memory from the corpus files, as ``pypolicy query DIR`` does
    (files read and checked included), and time every query (in this process)."""
    before = _rss_bytes()
    begin, cpu_begin, load_begin = time.perf_counter(), _cpu_seconds(), os.getloadavg()[0]
    if store == "oxigraph":  # the default: streamed, a batch at a time
        engine: Any = OxigraphEngine(load_into_memory(find_inputs([directory])))
    else:
        engine = RdflibEngine(build_dataset(load_documents([directory])))
    load_seconds = time.perf_counter() - begin
    load_cpu = _cpu_seconds() - cpu_begin
    load_average = (load_begin, os.getloadavg()[0])
    size = len(engine.store) if store == "oxigraph" else len(engine.dataset)
    print(f"  {store}: loaded in {load_seconds:.1f} s (processor {load_cpu:.1f} s, load"
          f" average {load_average[0]:.1f} to {load_average[1]:.1f})", file=sys.stderr,
          flush=True)
    gc.collect()
    gc.freeze()  # as the query command does
    added = _rss_bytes() - before
    queries: dict[str, Any] = {}
    for name in names:
        try:
            queries[name] = call_with_time_limit(_timed_query, (engine, name, repeat),
                                                 limit * (1 + repeat))
        except QueryError as exc:
            queries[name] = {"error": str(exc).split(";")[0]}
        shown = f"{queries[name]['seconds']:.3f} s" if "seconds" in queries[name] else "stopped"
        print(f"  {store} {name}: {shown}", file=sys.stderr, flush=True)
    return {"store": store, "quads": size, "load_seconds": load_seconds,
            "load_cpu_seconds": load_cpu, "load_average": load_average, "store_bytes": added,
            "peak_bytes": _peak_bytes(), "queries": queries}


def _store_process(connection: Any, *args: Any) -> None:
    try:
        connection.send(measure_store(*args))
    except BaseException as exc:  # report instead of dying silently
        connection.send({"error": repr(exc)})
    finally:
        connection.close()


def run_store(store: str, directory: str, names: list[str], limit: float,
              repeat: int) -> dict[str, Any]:
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_store_process,
                              args=(sender, store, directory, names, limit, repeat))
    process.start()
    sender.close()
    try:
        result: dict[str, Any] = receiver.recv()
    except EOFError:
        result = {"error": f"the {store} process died (exit code {process.exitcode})"}
    process.join()
    return result


def _mb(value: int) -> str:
    return f"{value / 1e6:,.0f} MB"


# ------------------------------------------------------------------------------ at scale


def write_corpus(count: int, directory: Path) -> float:
    """Generate ``count`` policies as JSON files; the seconds it took."""
    begin = time.perf_counter()
    directory.mkdir(parents=True)
    rng = random.Random(2026)
    for index in range(count):
        document = synthetic_policy(index, rng)
        (directory / f"{document['id']}.policy.json").write_text(json.dumps(document))
    return time.perf_counter() - begin


def run_load(directory: Path, store: Path) -> dict[str, Any]:
    """``pypolicy load DIR --store-path STORE`` as a command: seconds, processor seconds
    (its own and its workers', from the kernel's accounting), the load average before and
    after, peak memory, output."""
    begin, load_begin = time.perf_counter(), os.getloadavg()[0]
    process = subprocess.Popen(
        [sys.executable, "-m", "pypolicy", "load", str(directory), "--store-path", str(store),
         "--progress", "never"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - begin
    out = process.stdout.read().decode() if process.stdout else ""
    err = process.stderr.read().decode() if process.stderr else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"pypolicy load failed ({process.returncode}): {err[-2000:]}")
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return {"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "load_average": (load_begin, os.getloadavg()[0]), "peak_bytes": peak,
            "output": out.strip()}


def directory_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _store_query(store_path: str, name: str, repeat: int,
                 started: Callable[[], None]) -> dict[str, Any]:
    """A pack query on the store on disk: cold (store opened and the query run once, in
    this fresh process), warm (best of ``repeat`` more runs), each in wall and processor
    seconds, the load average, and the answer's digest."""
    from pypolicy.sparql.store import open_for_reading

    pack = query_pack()[name]
    query = check_query(pack.text, pack.path.name)
    parameters = {"on": "2025-06-01"} if any(p.name == "on" for p in pack.parameters) else {}
    bindings = bind_parameters(query, pack.parameters, parameters)
    started()
    load_average = os.getloadavg()[0]
    begin, cpu_begin = time.perf_counter(), time.process_time()
    engine = OxigraphEngine(open_for_reading(store_path))
    result = engine.run(query, bindings)
    cold = (time.perf_counter() - begin, time.process_time() - cpu_begin)
    warm = []
    for _ in range(repeat):
        begin, cpu_begin = time.perf_counter(), time.process_time()
        result = engine.run(query, bindings)
        warm.append((time.perf_counter() - begin, time.process_time() - cpu_begin))
    text = format_result(result, "tsv")
    best = min(warm or [cold])
    return {"cold": cold[0], "cold_cpu": cold[1], "warm": best[0], "warm_cpu": best[1],
            "load_average": max(load_average, os.getloadavg()[0]),
            "answer": f"{len(result.rows)} {hashlib.sha256(text.encode()).hexdigest()}"}


def _count_quads(store_path: str, started: Callable[[], None]) -> int:
    from pypolicy.sparql.store import open_for_reading

    return len(open_for_reading(store_path))


def measure_size(count: int, work: Path, names: list[str], limit: float,
                 repeat: int, memory_store: bool = True) -> dict[str, Any]:
    corpus, store = work / f"corpus-{count}", work / f"store-{count}"
    print(f"{count:,} policies: generating", file=sys.stderr, flush=True)
    generate = write_corpus(count, corpus)
    print(f"  written in {generate:.1f} s; loading", file=sys.stderr, flush=True)
    load = run_load(corpus, store)
    print(f"  loaded in {load['seconds']:.1f} s; again", file=sys.stderr, flush=True)
    again = run_load(corpus, store)
    size = directory_bytes(store)
    quads = call_with_time_limit(_count_quads, (str(store),), None)
    memory: dict[str, Any] = {"error": "not measured (--no-memory)"}
    if memory_store:
        print("  in memory (pypolicy query DIR)", file=sys.stderr, flush=True)
        memory = run_store("oxigraph", str(corpus), names, limit, repeat)
    queries: dict[str, Any] = {}
    for name in names:
        try:
            queries[name] = call_with_time_limit(_store_query, (str(store), name, repeat),
                                                 limit * (repeat + 1))
            shown = (f"cold {queries[name]['cold']:.3f} s, warm {queries[name]['warm']:.3f} s"
                     f" (processor {queries[name]['cold_cpu']:.3f} s,"
                     f" {queries[name]['warm_cpu']:.3f} s)")
        except QueryError as exc:
            queries[name] = {"error": str(exc).split(";")[0]}
            shown = "stopped"
        print(f"  {name}: {shown}", file=sys.stderr, flush=True)
    shutil.rmtree(corpus)
    shutil.rmtree(store)
    return {"policies": count, "generate_seconds": generate, "load": load, "load_again": again,
            "store_bytes": size, "quads": quads, "queries": queries, "memory": memory}


def _cpu(figures: dict[str, Any], key: str = "cpu_seconds") -> str:
    before, after = figures["load_average"]
    return f" (processor {figures[key]:.1f} s, load average {before:.1f} to {after:.1f})"


def print_size(result: dict[str, Any], names: list[str]) -> None:
    load, again = result["load"], result["load_again"]
    print(f"\n{result['policies']:,} policies, {result['quads']:,} quads"
          f" (files written in {result['generate_seconds']:.1f} s)")
    print(f"  pypolicy load, new store:        {load['seconds']:8.1f} s{_cpu(load)}, peak"
          f" memory {_mb(load['peak_bytes'])}, store on disk {_mb(result['store_bytes'])}")
    print(f"  pypolicy load, nothing changed:  {again['seconds']:8.1f} s{_cpu(again)}, peak"
          f" memory {_mb(again['peak_bytes'])}")
    memory = result["memory"]
    if "error" in memory:
        print(f"  in memory: {memory['error']}")
        memory = {"queries": {}}
    else:
        print(f"  in memory (pypolicy query DIR): {memory['load_seconds']:8.1f} s to read,"
              f" check and load{_cpu(memory, 'load_cpu_seconds')}; store"
              f" {_mb(memory['store_bytes'])}, peak process {_mb(memory['peak_bytes'])}")
    # Each cell: wall seconds / processor seconds of the query process (the machine may
    # be shared: the load average is the highest seen while the query ran).
    print(f"  {'query':<38}{'rows':>8}{'memory cold':>14}{'warm':>14}{'disk cold':>14}"
          f"{'warm':>14}{'load':>6}  same")
    for name in names:
        disk, mem = result["queries"][name], memory["queries"].get(name, {"error": ""})
        row = next((c["answer"].split()[0] for c in (disk, mem) if "answer" in c), "")
        line = f"  {name:<38}{row:>8}"
        line += (f"{_pair(mem['seconds'], mem['cpu']):>14}{_pair(mem['warm'], mem['warm_cpu']):>14}"
                 if "answer" in mem else f"{'stopped' if memory['queries'] else '-':>14}{'':>14}")
        line += (f"{_pair(disk['cold'], disk['cold_cpu']):>14}"
                 f"{_pair(disk['warm'], disk['warm_cpu']):>14}" if "answer" in disk
                 else f"{'stopped':>14}{'':>14}")
        loads = [c["load_average"] for c in (mem, disk) if "load_average" in c]
        line += f"{max(loads):>6.1f}" if loads else f"{'':>6}"
        if "answer" in mem and "answer" in disk:
            line += "  yes" if mem["answer"] == disk["answer"] else "  NO"
        print(line)


def _pair(wall: float | None, cpu: float | None) -> str:
    return "-" if wall is None or cpu is None else f"{wall:.2f}/{cpu:.2f}"


def print_ratio(results: dict[str, dict[str, Any]], names: list[str], count: int,
                limit: float) -> None:
    print(f"\nrdflib against Oxigraph (in memory) at {count:,} policies")
    for store, result in results.items():
        if "error" in result:
            print(f"  {store}: {result['error']}")
            continue
        print(f"  {store}: {result['quads']:,} quads built in {result['load_seconds']:.1f} s;"
              f" store {_mb(result['store_bytes'])}, peak process {_mb(result['peak_bytes'])}")
    usable = [s for s in results if "error" not in results[s]]
    header = f"  {'query':<38}" + "".join(f"{s + ' s':>12}" for s in usable)
    if len(usable) == 2:
        header += f"{'ratio':>9}  same answer"
    print(header)
    for name in names:
        line = f"  {name:<38}"
        cells = [results[s]["queries"][name] for s in usable]
        for cell in cells:
            line += (f"{cell['seconds']:>12.3f}" if "seconds" in cell else
                     f"{'>' + format(limit, 'g'):>12}")
        if len(cells) == 2 and all("seconds" in c for c in cells):
            ratio = cells[0]["seconds"] / max(cells[1]["seconds"], 1e-6)
            same = "yes" if cells[0]["answer"] == cells[1]["answer"] else "NO"
            line += f"{ratio:>9.0f}  {same} ({cells[0]['answer'].split()[0]} rows)"
        print(line)


def _sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_sizes, default=[10_000, 100_000], metavar="N,N",
                        help="corpus sizes for the store on disk (default 10000,100000)")
    parser.add_argument("--rdflib-size", type=int, default=2000, metavar="N",
                        help="corpus size for rdflib against Oxigraph (default 2000; 0: skip)")
    parser.add_argument("--queries", default="", help="comma-separated pack names (all)")
    parser.add_argument("--query-timeout", type=float, default=120.0,
                        help="seconds before a query is stopped (default 120)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="warm runs per query on the store; the fastest counts (default 3)")
    parser.add_argument("--no-memory", action="store_true",
                        help="at --sizes, measure the store on disk only, not the store in"
                             " memory that pypolicy query DIR builds")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    names = [n for n in args.queries.split(",") if n] or list(query_pack())
    figures: dict[str, Any] = {"sizes": [], "ratio": None}

    with tempfile.TemporaryDirectory(prefix="pypolicy-bench-") as temporary:
        work = Path(temporary)
        for count in args.sizes:
            result = measure_size(count, work, names, args.query_timeout, args.repeat,
                                  not args.no_memory)
            figures["sizes"].append(result)
            print_size(result, names)
        if args.rdflib_size:
            directory = work / f"corpus-{args.rdflib_size}"
            write_corpus(args.rdflib_size, directory)
            results = {store: run_store(store, str(directory), names, args.query_timeout, 0)
                       for store in ("rdflib", "oxigraph")}
            figures["ratio"] = {"policies": args.rdflib_size, "stores": results}
            print_ratio(results, names, args.rdflib_size, args.query_timeout)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
