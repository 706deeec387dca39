"""``pypolicy serve``: a read-only SPARQL 1.1 Protocol endpoint over a corpus store.

The store is one built by ``pypolicy load --store-path`` (opened read-only for each
query), or documents loaded into memory when the server starts. The endpoint answers
queries (``GET /query?query=…``, ``POST`` with ``application/sparql-query`` or a form)
under the same rules as ``pypolicy query``:

- the query is checked by :func:`pypolicy.sparql.safety.check_query` first: ``SERVICE``,
  ``FROM`` / ``FROM NAMED`` and every update are refused (an update request, by its
  content type or its ``update`` field, is refused before anything is parsed);
- each query runs in a worker process of its own (:mod:`pypolicy.sparql.worker`) with a
  time limit, a memory limit and no network; the answer is written by Oxigraph into a
  buffer that refuses to grow past the result-size limit, so an answer too large is
  stopped while it is being written, not after (:mod:`pypolicy.sparql.serve_worker`);
- requests have limits of their own: the query's length, the time to send the request.

The server binds to 127.0.0.1 unless told otherwise. On a loopback address it answers
only requests whose ``Host`` names a loopback host, so a web page cannot reach it by
pointing a name of its own at 127.0.0.1 (DNS rebinding). No CORS header is sent unless
``--cors-origin`` names the origins a browser may read answers from.

One request is served at a time (queries are short, the corpus is local, and a worker
forked from a single-threaded server inherits no lock held by another thread); a query
that runs long holds the others up to its time limit at most.
"""

from __future__ import annotations

import http.server
import socket
import socketserver
import sys
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any, Final, cast

from pypolicy.core.errors import ConfigError, PypolicyError, QueryError
from pypolicy.sparql.serve_worker import MEMORY_STORE, ServeJob, answer
from pypolicy.sparql.terminal import one_line, sanitize_terminal

DEFAULT_PORT: Final = 7879
MIB: Final = 1024 * 1024
LOOPBACK_NAMES: Final = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


@dataclass(frozen=True)
class ServeSettings:
    """How the endpoint runs; the limits apply to each query."""

    store_path: str | None
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    timeout: float | None = 60.0
    memory_limit: int | None = None
    max_result_bytes: int = 128 * MIB
    max_query_bytes: int = MIB
    cors_origins: tuple[str, ...] = ()
    request_timeout: float = 30.0


# ------------------------------------------------------------------------------ HTTP


class _Refusal(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _accept_list(header: str | None) -> tuple[str, ...]:
    """The media types of an Accept header, most wanted first (q=0 left out)."""
    if not header:
        return ()
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate(header.split(",")[:50]):
        media, _, parameters = item.strip().partition(";")
        quality = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranked.append((-quality, index, media.strip().lower()))
    return tuple(media for _, _, media in sorted(ranked))


class EndpointHandler(http.server.BaseHTTPRequestHandler):
    """The SPARQL 1.1 Protocol, read-only."""

    settings: ServeSettings  # set on the subclass made by make_server
    server_version = "pypolicy"
    protocol_version = "HTTP/1.1"

    # ---- entry points

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_HEAD(self) -> None:
        self._send(405, "text/plain; charset=utf-8", b"", allow="GET, POST")

    def do_OPTIONS(self) -> None:
        origin = self._allowed_origin()
        if origin is None:
            self._send(405, "text/plain; charset=utf-8", b"CORS is off on this endpoint\n",
                       allow="GET, POST")
            return
        self._send(204, None, b"", extra={
            "Access-Control-Allow-Methods": "GET, POST",
            "Access-Control-Allow-Headers": "Content-Type, Accept",
            "Access-Control-Max-Age": "600"})

    # ---- the work

    def _serve(self, method: str) -> None:
        started = time.monotonic()
        try:
            self._check_host()
            url = urllib.parse.urlsplit(self.path)
            if url.path == "/":
                self._send(200, "text/plain; charset=utf-8", self._help().encode())
                return
            if url.path not in ("/query", "/sparql"):
                raise _Refusal(404, f"no such resource: {url.path}; queries go to /query")
            fields = self._fields(method, url.query)
            if "update" in fields:
                raise _Refusal(403, "this endpoint is read-only: SPARQL Update is refused")
            texts = fields.get("query", [])
            if not texts:
                if method == "GET":
                    self._send(200, "text/turtle; charset=utf-8", self._description().encode())
                    return
                raise _Refusal(400, "no query: send query=... or an application/sparql-query"
                                    " body")
            if len(texts) > 1:
                raise _Refusal(400, "more than one query in the request")
            if len(texts[0].encode("utf-8")) > self.settings.max_query_bytes:
                raise _Refusal(413, "the query is longer than this endpoint's limit of"
                                    f" {self.settings.max_query_bytes} bytes")
            job = ServeJob(texts[0], tuple(fields.get("default-graph-uri", [])),
                           tuple(fields.get("named-graph-uri", [])),
                           _accept_list(self.headers.get("Accept")),
                           self.settings.store_path, self.settings.max_result_bytes)
            content_type, body = self._run(job)
            self._send(200, content_type, body)
        except _Refusal as refusal:
            self._send(refusal.status, "text/plain; charset=utf-8",
                       (sanitize_terminal(refusal.message, keep="\n") + "\n").encode())
        finally:
            self._log(method, time.monotonic() - started)

    def _run(self, job: ServeJob) -> tuple[str, bytes]:
        from pypolicy.sparql.worker import QueryTimeoutError, call_with_time_limit

        try:
            content_type, body = call_with_time_limit(
                answer, (job,), self.settings.timeout, memory_limit=self.settings.memory_limit)
        except QueryTimeoutError as exc:
            raise _Refusal(503, str(exc).replace("--timeout", "the server's --timeout")
                           ) from None
        except (QueryError, ConfigError) as exc:
            text = str(exc).replace(" (pass --allow-remote to permit it)", "")
            if text.startswith("406: "):
                raise _Refusal(406, text[5:]) from None
            raise _Refusal(400, text) from None
        except PypolicyError as exc:
            raise _Refusal(400, str(exc)) from None
        except Exception as exc:  # a bug: say so, keep serving
            sys.stderr.write(f"pypolicy serve: internal error: {one_line(str(exc))[:2000]}\n")
            raise _Refusal(500, "internal error; see the server's log") from None
        return str(content_type), bytes(body)

    def _fields(self, method: str, query_string: str) -> dict[str, list[str]]:
        try:
            fields = urllib.parse.parse_qs(query_string, keep_blank_values=True,
                                           max_num_fields=100, strict_parsing=False)
        except ValueError as exc:
            raise _Refusal(400, f"cannot read the request's parameters: {exc}") from None
        if method != "POST":
            return fields
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type == "application/sparql-update":
            raise _Refusal(403, "this endpoint is read-only: SPARQL Update is refused")
        body = self._body()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Refusal(400, f"the request body is not UTF-8: {exc.reason}") from None
        if content_type == "application/sparql-query":
            fields["query"] = [*fields.get("query", []), text]
        elif content_type == "application/x-www-form-urlencoded":
            try:
                for name, values in urllib.parse.parse_qs(
                        text, keep_blank_values=True, max_num_fields=100).items():
                    fields.setdefault(name, []).extend(values)
            except ValueError as exc:
                raise _Refusal(400, f"cannot read the form: {exc}") from None
        else:
            raise _Refusal(415, "send the query as application/sparql-query or as an"
                                " application/x-www-form-urlencoded form")
        return fields

    def _body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None or not length.strip().isdigit():
            raise _Refusal(411, "a POST needs a Content-Length")
        size = int(length)
        if size > self.settings.max_query_bytes + 4096:
            raise _Refusal(413, "the request is longer than this endpoint's limit of"
                                f" {self.settings.max_query_bytes} bytes")
        try:
            return self.rfile.read(size)
        except OSError:
            raise _Refusal(400, "the request body did not arrive in time") from None

    # ---- checks and headers

    def _check_host(self) -> None:
        """On a loopback address, answer only requests addressed to a loopback name."""
        if not _is_loopback(self.settings.host):
            return
        host = (self.headers.get("Host") or "").strip().lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if name not in LOOPBACK_NAMES:
            raise _Refusal(403, "this endpoint answers requests to localhost only (the Host"
                                " header names another host)")

    def _allowed_origin(self) -> str | None:
        origin = self.headers.get("Origin")
        allowed = self.settings.cors_origins
        if origin is None or not allowed:
            return None
        if "*" in allowed:
            return "*"
        return origin if origin in allowed else None

    def _send(self, status: int, content_type: str | None, body: bytes, *,
              allow: str | None = None, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        if allow is not None:
            self.send_header("Allow", allow)
        origin = self._allowed_origin()
        if origin is not None:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _help(self) -> str:
        return ("pypolicy SPARQL endpoint (read-only)\n\n"
                f"Queries: {self._endpoint()} (SPARQL 1.1 Protocol: GET ?query=..., or POST"
                " application/sparql-query or a form)\n"
                "Answers: SPARQL JSON (default), XML, CSV, TSV; Turtle, N-Triples, RDF/XML"
                " for CONSTRUCT and DESCRIBE, by the Accept header.\n")

    def _endpoint(self) -> str:
        return endpoint_url(self.server)

    def _description(self) -> str:
        """A SPARQL 1.1 Service Description of the endpoint."""
        formats = "".join(f", <http://www.w3.org/ns/formats/{name}>" for name in (
            "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle",
            "N-Triples", "RDF_XML"))
        return ("@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n"
                f"[] a sd:Service ;\n  sd:endpoint <{self._endpoint()}> ;\n"
                "  sd:supportedLanguage sd:SPARQL11Query ;\n"
                "  sd:feature sd:UnionDefaultGraph ;\n"
                "  sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON>"
                f"{formats} .\n")

    def _log(self, method: str, seconds: float) -> None:
        path = urllib.parse.urlsplit(self.path).path
        sys.stderr.write(f"{self.client_address[0]} {method} {one_line(path)[:100]}"
                         f" {getattr(self, '_status', '-')} {seconds:.3f}s\n")

    def version_string(self) -> str:
        return self.server_version

    def send_response(self, code: int, message: str | None = None) -> None:
        self._status = code
        super().send_response(code, message)
        if code >= 300:
            # A refused request's body may not have been read: the connection ends here.
            self.send_header("Connection", "close")
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """http.server's own log line (a malformed request): one line, escaped."""
        sys.stderr.write(one_line(format % args)[:500] + "\n")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # _log writes one line per request, with its time


def _is_loopback(host: str) -> bool:
    return host.strip("[]") in LOOPBACK_NAMES or host.startswith("127.")


class _Server(http.server.HTTPServer):
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        sys.stderr.write(f"pypolicy serve: {client_address[0]}: the request failed:"
                         f" {one_line(repr(sys.exc_info()[1]))[:500]}\n")


def make_server(settings: ServeSettings, store: Any = None) -> http.server.HTTPServer:
    """The server, bound (``port`` 0: any free port); ``store`` is an in-memory store to
    serve when there is no ``store_path``."""
    if settings.store_path is None:
        if store is None:
            raise ConfigError("give --store-path, or the documents to serve")
        MEMORY_STORE[:] = [store]
    # timeout: a socket time limit on each request, so a slow sender is cut off.
    _warm_up()
    handler = type("Handler", (EndpointHandler,), {"settings": settings,
                                                   "timeout": settings.request_timeout})
    server_class: type[_Server] = _Server
    if ":" in settings.host.strip("[]"):
        server_class = type("Server6", (_Server,), {"address_family": socket.AF_INET6})
    try:
        return server_class((settings.host.strip("[]"), settings.port), handler)
    except OSError as exc:
        raise ConfigError(f"cannot listen on {settings.host}:{settings.port}:"
                          f" {exc.strerror or exc}") from None


def _warm_up() -> None:
    """Import and prime the query parser and Oxigraph once, here: each query's worker is
    forked from this process and starts with them ready (a few hundred ms each)."""
    import pyoxigraph  # noqa: F401

    from pypolicy.sparql.safety import check_query

    check_query("ASK { ?s ?p ?o }", "warm-up")


def endpoint_url(server: socketserver.BaseServer) -> str:
    address = cast("tuple[Any, ...]", server.server_address)
    host, port = str(address[0]), int(address[1])
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/query"
