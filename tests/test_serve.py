"""``pypolicy serve``: the SPARQL 1.1 Protocol endpoint, driven by a real HTTP client
(urllib) against servers started as ``pypolicy serve`` processes on 127.0.0.1."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from example_sets import real_examples_dir

from pypolicy.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = real_examples_dir()  # the five real ones: examples/ has synthetic ones too
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RIGHTS = ("SELECT ?doc WHERE { GRAPH ?doc { ?e pp:right pp:portability } } ORDER BY ?doc")


# Captured when this module is imported, before the suite's network guard patches them.
_REAL_CONNECT = socket.socket.connect
_REAL_CREATE_CONNECTION = socket.create_connection
_REAL_GETADDRINFO = socket.getaddrinfo
LOOPBACK = {"127.0.0.1", "localhost"}


@pytest.fixture(autouse=True)
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let these tests connect to 127.0.0.1, and still nowhere else."""
    guarded_connect = socket.socket.connect
    guarded_create = socket.create_connection
    guarded_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        if isinstance(address, tuple) and address[0] in LOOPBACK:
            return _REAL_CONNECT(self, address)
        return guarded_connect(self, address)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        if address[0] in LOOPBACK:
            return _REAL_CREATE_CONNECTION(address, *args, **kwargs)
        return guarded_create(address, *args, **kwargs)

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in LOOPBACK:
            return _REAL_GETADDRINFO(host, port, *args, **kwargs)
        return guarded_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]


def _start(*args: str) -> Server:
    process = subprocess.Popen(
        [sys.executable, "-m", "pypolicy", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert process.stdout is not None
    line = process.stdout.readline()  # printed once the server listens
    if "SPARQL endpoint at" not in line:
        process.kill()
        raise AssertionError(f"the server did not start: {line}{process.communicate()[1]}")
    return Server(line.split(" at ")[1].split()[0], process)


def _stop(server: Server) -> None:
    server.process.terminate()
    server.process.wait(10)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "examples.oxigraph"
    done = subprocess.run([sys.executable, "-m", "pypolicy", "load", str(EXAMPLES),
                           "--store-path", str(path)], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture(scope="module")
def endpoint(store: Path) -> Iterator[str]:
    """A server over the store on disk, with tight limits to test them."""
    server = _start("--store-path", str(store), "--timeout", "4", "--max-result-size", "1")
    yield server.url
    _stop(server)


@pytest.fixture(scope="module")
def cors_endpoint() -> Iterator[str]:
    """A server over documents in memory, letting one origin read its answers."""
    server = _start(str(EXAMPLES), "--cors-origin", "https://dashboard.example")
    yield server.url
    _stop(server)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def request(url: str, *, query: str | None = None, method: str = "GET",
            data: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
    if query is not None and method == "GET":
        url += "?" + urllib.parse.urlencode({"query": query})
    sent = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(sent, timeout=60) as response:
            return Answer(response.status, {k.lower(): v for k, v in response.headers.items()},
                          response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, {k.lower(): v for k, v in error.headers.items()},
                      error.read())


def test_it_listens_on_127_0_0_1_by_default(endpoint: str) -> None:
    assert endpoint.startswith("http://127.0.0.1:") and endpoint.endswith("/query")


def test_a_pack_query_answers_as_pypolicy_query_does(endpoint: str) -> None:
    out = io.StringIO()
    assert main(["query", "--show", "missing-right"], stdout=out) == 0
    answer = request(endpoint, method="POST", data=out.getvalue().encode(),
                     headers={"Content-Type": "application/sparql-query"})
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/sparql-results+json"
    served = json.loads(answer.body)
    expected = io.StringIO()
    assert main(["query", "-n", "missing-right", "-f", "json", str(EXAMPLES)],
                stdout=expected) == 0
    wanted = json.loads(expected.getvalue())
    assert served["head"]["vars"] == wanted["head"]["vars"]
    assert [{k: v["value"] for k, v in b.items()} for b in served["results"]["bindings"]] == \
        [{k: v["value"] for k, v in b.items()} for b in wanted["results"]["bindings"]]


def test_get_form_and_direct_post(endpoint: str) -> None:
    by_get = request(endpoint, query=RIGHTS)
    by_form = request(endpoint, method="POST",
                      data=urllib.parse.urlencode({"query": RIGHTS}).encode(),
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert by_get.status == by_form.status == 200
    assert json.loads(by_get.body) == json.loads(by_form.body)
    assert [b["doc"]["value"] for b in json.loads(by_get.body)["results"]["bindings"]] == \
        ["https://w3id.org/pypolicy/doc/inum"]


@pytest.mark.parametrize(("accept", "content_type"), [
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
    ("text/csv", "text/csv; charset=utf-8"),
    ("text/html;q=0.9, application/sparql-results+json", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
])
def test_answer_formats_by_accept(endpoint: str, accept: str, content_type: str) -> None:
    answer = request(endpoint, query=RIGHTS, headers={"Accept": accept})
    assert (answer.status, answer.headers["content-type"]) == (200, content_type)
    assert "inum" in answer.text


def test_graphs_and_csv(endpoint: str) -> None:
    construct = ("CONSTRUCT { ?doc pp:grants ?right } WHERE { GRAPH ?doc {"
                 " ?doc pp:rights/pp:right ?right } }")
    answer = request(endpoint, query=construct)
    assert answer.headers["content-type"] == "text/turtle; charset=utf-8"
    from rdflib import Graph

    assert len(Graph().parse(data=answer.text, format="turtle")) > 10
    answer = request(endpoint, query=construct, headers={"Accept": "application/n-triples"})
    assert answer.status == 200 and answer.text.count(" .\n") > 10
    answer = request(endpoint, query=RIGHTS, headers={"Accept": "text/turtle"})
    assert answer.status == 406 and "SELECT" in answer.text
    answer = request(endpoint, query="SELECT ?x WHERE { BIND (\"=1+1\" AS ?x) }",
                     headers={"Accept": "text/csv"})
    assert list(csv.reader(io.StringIO(answer.text))) == [["x"], ["'=1+1"]]


@pytest.mark.parametrize(("query", "said"), [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE <http"),
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM <file:///etc/passwd>"),
    ("DROP ALL", "SPARQL Update"),
    ("SELECT * WHERE { ?s ?p }", "SPARQL syntax error"),
])
def test_refused_queries(endpoint: str, query: str, said: str) -> None:
    answer = request(endpoint, query=query)
    assert answer.status == 400 and said in answer.text
    assert "--allow-remote" not in answer.text


def test_updates_are_refused_unread(endpoint: str) -> None:
    answer = request(endpoint, method="POST", data=b"DROP ALL",
                     headers={"Content-Type": "application/sparql-update"})
    assert answer.status == 403 and "read-only" in answer.text
    answer = request(endpoint, method="POST", data=b"update=DROP+ALL",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 403
    assert request(endpoint, query="ASK { GRAPH ?g { ?s ?p ?o } }").text.count("true") == 1


def test_request_limits(endpoint: str) -> None:
    assert request(endpoint + "/../elsewhere").status == 404
    long_query = "ASK { ?s ?p ?o } #" + "x" * (1024 * 1024)
    answer = request(endpoint, method="POST", data=long_query.encode(),
                     headers={"Content-Type": "application/sparql-query"})
    assert answer.status == 413
    answer = request(endpoint, method="POST", data=b"ASK {}",
                     headers={"Content-Type": "text/plain"})
    assert answer.status == 415
    assert request(endpoint, query="ASK {}", method="DELETE").status == 501


def test_a_foreign_host_name_is_refused(endpoint: str) -> None:
    """DNS rebinding: a page's own name pointed at 127.0.0.1 reaches nothing."""
    answer = request(endpoint, query="ASK {}", headers={"Host": "attacker.example"})
    assert answer.status == 403 and "localhost only" in answer.text
    local = endpoint.replace("127.0.0.1", "localhost")
    assert request(local, query="ASK {}", headers={"Host": "localhost"}).status == 200


def test_a_runaway_query_is_stopped_and_the_server_goes_on(endpoint: str) -> None:
    begin = time.monotonic()
    answer = request(endpoint, query=RUNAWAY)
    assert answer.status == 503 and "did not finish within 4 s" in answer.text
    assert time.monotonic() - begin < 30
    assert request(endpoint, query=RIGHTS).status == 200


def test_an_answer_over_the_size_limit_is_refused(endpoint: str) -> None:
    answer = request(endpoint, query="SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert answer.status == 400 and "larger than this endpoint's limit of 1 MiB" in answer.text
    limited = request(endpoint, query="SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 10")
    assert limited.status == 200


def test_service_description(endpoint: str) -> None:
    answer = request(endpoint)
    assert answer.headers["content-type"] == "text/turtle; charset=utf-8"
    assert f"sd:endpoint <{endpoint}>" in answer.text


def test_cors_is_off_by_default(endpoint: str) -> None:
    answer = request(endpoint, query=RIGHTS, headers={"Origin": "https://dashboard.example"})
    assert answer.status == 200 and "access-control-allow-origin" not in answer.headers
    assert request(endpoint, method="OPTIONS",
                   headers={"Origin": "https://dashboard.example"}).status == 405


def test_cors_for_the_origins_named(cors_endpoint: str) -> None:
    answer = request(cors_endpoint, query=RIGHTS, headers={"Origin": "https://dashboard.example"})
    assert answer.headers["access-control-allow-origin"] == "https://dashboard.example"
    answer = request(cors_endpoint, query=RIGHTS, headers={"Origin": "https://other.example"})
    assert answer.status == 200 and "access-control-allow-origin" not in answer.headers
    preflight = request(cors_endpoint, method="OPTIONS",
                        headers={"Origin": "https://dashboard.example",
                                 "Access-Control-Request-Method": "POST"})
    assert preflight.status == 204
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_option_mistakes(tmp_path: Path) -> None:
    err = io.StringIO()
    assert main(["serve"], stdout=io.StringIO(), stderr=err) == 2
    assert "--store-path" in err.getvalue()
    err = io.StringIO()
    assert main(["serve", "--store-path", str(tmp_path)], stdout=io.StringIO(),
                stderr=err) == 2
    assert "no Oxigraph store there" in err.getvalue()
