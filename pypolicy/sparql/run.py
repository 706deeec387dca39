"""Running one query over documents from a library call (``pypolicy.query``).

The command line has more to it (endpoints, stores on disk, output formats, progress);
this is the same path for a program: the query is checked by the guard first, the
documents are read strictly and loaded, and the engine answers in a worker process that
can open no connection, within a time and memory limit. The answer comes back as data
(:class:`~pypolicy.sparql.results.QueryResult`).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Mapping, Sequence
from typing import Literal

from pypolicy.sparql.dataset import build_dataset, find_inputs, load_documents
from pypolicy.sparql.engines import Engine, OxigraphEngine, RdflibEngine
from pypolicy.sparql.pack import Parameter, bind_parameters, pack_query
from pypolicy.sparql.results import QueryResult
from pypolicy.sparql.safety import check_query
from pypolicy.sparql.store import load_into_memory
from pypolicy.sparql.worker import (
    Progress,
    call_with_time_limit,
    default_memory_limit,
    offline,
)

Store = Literal["oxigraph", "rdflib"]
DEFAULT_TIMEOUT = 60.0


def _answer(sources: tuple[str, ...], text: str, name: str,
            declared: tuple[Parameter, ...] | None,
            parameters: dict[str, str], store: Store, started: Progress) -> QueryResult:
    query = check_query(text, name)
    bindings = bind_parameters(query, declared, parameters)
    started.loading()  # reading the corpus does not count against the time limit
    engine: Engine
    if store == "oxigraph":
        engine = OxigraphEngine(load_into_memory(find_inputs(sources, ()), notes=[]))
    else:
        engine = RdflibEngine(build_dataset(load_documents(sources, notes=[])))
    engine.run(check_query("ASK { ?s ?p ?o }", "warm-up"), {})  # lazy imports, now
    gc.collect()
    started()
    with offline():
        return engine.run(query, bindings)


def run_query(sources: Sequence[str | os.PathLike[str]], sparql: str | None = None, *,
              pack: str | None = None, parameters: Mapping[str, str] | None = None,
              store: Store = "oxigraph", timeout: float | None = DEFAULT_TIMEOUT,
              memory_limit: int | None = None) -> QueryResult:
    """Answer ``sparql`` (or the pack query named ``pack``) over the policy documents
    in ``sources`` (files or directories).

    Raises :class:`~pypolicy.core.errors.UnsafeInputError` for a query the guard refuses
    (SERVICE, updates, FROM), :class:`~pypolicy.core.errors.InputError` for an unusable
    document, :class:`~pypolicy.core.errors.QueryError` for a query that fails or runs
    past ``timeout`` seconds (None: no limit).
    """
    declared: tuple[Parameter, ...] | None = None
    if pack is not None and sparql is None:
        known = pack_query(pack)
        text, declared, name = known.text, known.parameters, f"pack query {pack}"
    elif sparql is not None and pack is None:
        text, name = sparql, "<query>"
    else:
        raise TypeError("give either sparql or pack, not both or neither")
    check_query(text, name)  # refused here, before any document is read
    if store not in ("oxigraph", "rdflib"):
        raise ValueError(f"unknown store {store!r}: oxigraph or rdflib")
    names = tuple(os.fspath(source) for source in sources)
    limit = default_memory_limit() if memory_limit is None else memory_limit
    result: QueryResult = call_with_time_limit(
        _answer, (names, text, name, declared, dict(parameters or {}), store), timeout,
        memory_limit=limit)
    return result
