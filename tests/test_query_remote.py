"""The same pack against a real SPARQL server: an Oxigraph server on 127.0.0.1.

The server comes from the ``oxigraph`` package on PyPI (the ``oxigraph`` command, the
Oxigraph CLI and HTTP server); without it these tests are skipped. The suite's network
guard (tests/conftest.py) refuses every socket connection; the ``loopback`` fixture
below lets these tests, and only them, reach 127.0.0.1.
"""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from example_sets import real_examples_dir

from pypolicy.cli.main import main
from pypolicy.sparql.dataset import build_dataset, load_documents
from pypolicy.sparql.engines import RdflibEngine
from pypolicy.sparql.pack import bind_parameters, query_pack
from pypolicy.sparql.remote import RemoteEngine
from pypolicy.sparql.results import QueryResult
from pypolicy.sparql.safety import check_query

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = str(real_examples_dir())  # the five real ones: examples/ has synthetic ones too
DAY = {"on": "2025-06-01"}

# Captured when this module is imported, before the network guard patches them.
_REAL_CONNECT = socket.socket.connect
_REAL_CONNECT_EX = socket.socket.connect_ex
_REAL_CREATE_CONNECTION = socket.create_connection
_REAL_GETADDRINFO = socket.getaddrinfo
LOOPBACK = {"127.0.0.1", "localhost"}


def _is_loopback(address: Any) -> bool:
    return isinstance(address, tuple) and len(address) >= 2 and address[0] in LOOPBACK


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let this test connect to 127.0.0.1, and still nowhere else."""
    guarded_connect = socket.socket.connect
    guarded_connect_ex = socket.socket.connect_ex
    guarded_create = socket.create_connection
    guarded_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        if _is_loopback(address):
            return _REAL_CONNECT(self, address)
        return guarded_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if _is_loopback(address):
            return _REAL_CONNECT_EX(self, address)
        return guarded_connect_ex(self, address)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        if _is_loopback(address):
            return _REAL_CREATE_CONNECTION(address, *args, **kwargs)
        return guarded_create(address, *args, **kwargs)

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in LOOPBACK:
            return _REAL_GETADDRINFO(host, port, *args, **kwargs)
        return guarded_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _oxigraph_server() -> str | None:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket() as probe:  # binding is not connecting: the guard allows it
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """An empty in-memory Oxigraph server on a free port; its base URL."""
    command = _oxigraph_server()
    if command is None:
        pytest.skip("no Oxigraph server: pip install oxigraph (the PyPI package with the"
                    " oxigraph server command)")
    port = _free_port()
    process = subprocess.Popen([command, "serve", "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            with socket.socket() as probe:
                if _REAL_CONNECT_EX(probe, ("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                detail = process.stderr.read().decode() if process.stderr else ""
                pytest.fail(f"the Oxigraph server did not start: {detail}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def embedded() -> RdflibEngine:
    return RdflibEngine(build_dataset(load_documents([EXAMPLES])))


def _answer(engine: Any, name: str) -> QueryResult:
    pack = query_pack()[name]
    query = check_query(pack.text, pack.path.name)
    given = DAY if any(p.name == "on" for p in pack.parameters) else {}
    result: QueryResult = engine.run(query, bind_parameters(query,
                                                                          pack.parameters,
                                                                          given))
    return result


def test_load_then_every_pack_query_answers_as_embedded(server: str, loopback: None,
                                                        embedded: RdflibEngine) -> None:
    code, out, err = run("load", "--update-endpoint", f"{server}/update", EXAMPLES)
    assert (code, err) == (0, "")
    assert out.startswith("loaded 5 policies (7 named graphs")
    remote = RemoteEngine(f"{server}/query", timeout=30)
    for name in query_pack():
        expected = _answer(embedded, name)
        actual = _answer(remote, name)
        assert actual.variables == expected.variables, name
        assert actual.rows == expected.rows, name


def test_query_command_against_the_server(server: str, loopback: None) -> None:
    code, out, err = run("query", "--endpoint", f"{server}/query", "--update-endpoint",
                         f"{server}/update", "-n", "missing-right", "-p", "right=portability",
                         "-f", "csv", EXAMPLES)
    assert (code, err) == (0, "")
    assert out.splitlines()[1:] == ["anveo,Anveo,portability,", "inaani,Inaani,portability,gdpr"
                                    " claimed", "itnet,iTNet Solutions,portability,gdpr claimed",
                                    "voiceterm,Voiceterm,portability,"]
    code, out, _ = run("query", "--endpoint", f"{server}/query", "-q",
                       "ASK { GRAPH ?g { ?s pp:right pp:complaint } }")
    assert (code, out) == (0, "true\n")
    code, out, _ = run("query", "--endpoint", f"{server}/query", "-q",
                       "CONSTRUCT { ?doc a pp:PolicyDocument } WHERE { GRAPH ?doc"
                       " { ?doc a pp:PolicyDocument } }", "-f", "nt")
    assert out.count("\n") == 5


def test_loading_again_replaces_the_graphs(server: str, loopback: None) -> None:
    count: Callable[[], str] = lambda: run(  # noqa: E731
        "query", "--endpoint", f"{server}/query", "-f", "csv", "-q",
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/pypolicy/doc/itnet>"
        " { ?s ?p ?o } }")[1]
    assert run("load", "--update-endpoint", f"{server}/update", EXAMPLES)[0] == 0
    before = count()
    assert run("load", "--update-endpoint", f"{server}/update",
               str(ROOT / "examples" / "itnet.policy.json"))[0] == 0
    assert count() == before != "n\r\n0\r\n"


def test_refusals_happen_before_the_server_is_asked(server: str, loopback: None) -> None:
    code, _, err = run("query", "--endpoint", f"{server}/query", "-q",
                       "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert code == 2 and "SERVICE <http://example.org/sparql> is refused" in err


def test_an_unreachable_endpoint_is_a_clear_error(loopback: None) -> None:
    code, _, err = run("query", "--endpoint", f"http://127.0.0.1:{_free_port()}/query",
                       "--timeout", "10", "-q", "ASK {}")
    assert code == 2 and "cannot reach the endpoint" in err
