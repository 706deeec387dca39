"""Benchmark: the query pack over a generated corpus, rdflib against Oxigraph.

    .venv/bin/python bench/bench_query.py                  # 10,000 policies (~1M triples)
    .venv/bin/python bench/bench_query.py --policies 1000  # smaller

Generates schema-valid policy documents (seeded, so every run sees the same corpus),
writes them to a temporary directory, and measures in one run:

* reading and validating the files (``load_documents``, once);
* for each store, in a child process of its own (so that memory is its own): the time
  to build the store from the documents, the resident memory the store added, the
  peak resident memory of the process, and the time of every pack query (each query
  in a forked process of its own, with a time limit);
* whether both stores gave the same answers.

Resident memory is measured rather than traced (tracemalloc), because Oxigraph's
memory is allocated by Rust and invisible to tracemalloc, and tracing would slow rdflib
several-fold.
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
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pypolicy.core.errors import QueryError  # noqa: E402
from pypolicy.query.dataset import build_dataset, build_oxigraph_store, load_documents  # noqa: E402
from pypolicy.query.engines import OxigraphEngine, RdflibEngine  # noqa: E402
from pypolicy.query.pack import bind_parameters, query_pack  # noqa: E402
from pypolicy.query.results import format_result  # noqa: E402
from pypolicy.query.safety import check_query  # noqa: E402
from pypolicy.query.worker import call_with_time_limit  # noqa: E402

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


def _peak_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _timed_query(engine: Any, name: str, repeat: int,
                 started: Callable[[], None]) -> tuple[float, str]:
    """The fastest of ``repeat`` runs of a pack query (in this process) and its answer."""
    pack = query_pack()[name]
    query = check_query(pack.text, pack.path.name)
    parameters = {"on": "2025-06-01"} if any(p.name == "on" for p in pack.parameters) else {}
    bindings = bind_parameters(query, pack.parameters, parameters)
    started()
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        result = engine.run(query, bindings)
        times.append(time.perf_counter() - begin)
    text = format_result(result, "tsv")
    return min(times), f"{len(result.rows)} {hashlib.sha256(text.encode()).hexdigest()}"


def measure_store(store: str, directory: str, names: list[str], limit: float,
                  repeat: int) -> dict[str, Any]:
    """Build one store from the corpus files and time every query (in this process)."""
    documents = load_documents([directory])
    before = _rss_bytes()
    begin = time.perf_counter()
    if store == "oxigraph":
        engine: Any = OxigraphEngine(build_oxigraph_store(documents))
        size = len(engine.store)
    else:
        engine = RdflibEngine(build_dataset(documents))
        size = len(engine.dataset)
    load_seconds = time.perf_counter() - begin
    print(f"  {store}: loaded in {load_seconds:.1f} s", file=sys.stderr, flush=True)
    del documents
    gc.collect()
    gc.freeze()  # as the query command does
    added = _rss_bytes() - before
    queries: dict[str, Any] = {}
    for name in names:
        try:
            elapsed, answer = call_with_time_limit(_timed_query, (engine, name, repeat),
                                                   limit * repeat)
            queries[name] = {"seconds": elapsed, "answer": answer}
        except QueryError as exc:
            queries[name] = {"error": str(exc).split(";")[0]}
        shown = f"{queries[name]['seconds']:.3f} s" if "seconds" in queries[name] else "stopped"
        print(f"  {store} {name}: {shown}", file=sys.stderr, flush=True)
    return {"store": store, "quads": size, "load_seconds": load_seconds,
            "store_bytes": added, "peak_bytes": _peak_bytes(), "queries": queries}


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=10_000)
    parser.add_argument("--stores", default="rdflib,oxigraph")
    parser.add_argument("--queries", default="", help="comma-separated pack names (all)")
    parser.add_argument("--query-timeout", type=float, default=300.0,
                        help="seconds before a query is stopped (default 300)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per query, in one process; the fastest counts (default 1:"
                             " the first run, as one query command makes it)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    names = [n for n in args.queries.split(",") if n] or list(query_pack())
    stores = [s for s in args.stores.split(",") if s]

    with tempfile.TemporaryDirectory(prefix="pypolicy-bench-") as directory:
        begin = time.perf_counter()
        corpus = synthetic_corpus(args.policies)
        for document in corpus:
            Path(directory, f"{document['id']}.json").write_text(json.dumps(document))
        generate = time.perf_counter() - begin
        begin = time.perf_counter()
        load_documents([directory])
        read = time.perf_counter() - begin
        print(f"{args.policies} policies generated in {generate:.1f} s; read and validated"
              f" in {read:.1f} s")
        results = {store: run_store(store, directory, names, args.query_timeout, args.repeat)
                   for store in stores}

    for store, result in results.items():
        if "error" in result:
            print(f"{store}: {result['error']}")
            continue
        print(f"{store}: {result['quads']:,} quads loaded in {result['load_seconds']:.1f} s;"
              f" store {_mb(result['store_bytes'])}, peak process {_mb(result['peak_bytes'])}")
    usable = [s for s in stores if "error" not in results[s]]
    header = f"{'query':<38}" + "".join(f"{s + ' s':>12}" for s in usable)
    if len(usable) == 2:
        header += f"{'ratio':>9}  same answer"
    print(header)
    for name in names:
        line = f"{name:<38}"
        cells = [results[s]["queries"][name] for s in usable]
        for cell in cells:
            line += (f"{cell['seconds']:>12.3f}" if "seconds" in cell else
                     f"{'>' + format(args.query_timeout, 'g'):>12}")
        if len(cells) == 2 and all("seconds" in c for c in cells):
            ratio = cells[0]["seconds"] / max(cells[1]["seconds"], 1e-6)
            same = "yes" if cells[0]["answer"] == cells[1]["answer"] else "NO"
            line += f"{ratio:>9.0f}  {same} ({cells[0]['answer'].split()[0]} rows)"
        print(line)
    if args.json:
        Path(args.json).write_text(json.dumps({"policies": args.policies, "generate": generate,
                                               "read_validate": read, "stores": results},
                                              indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
