"""A SPARQL 1.1 Protocol endpoint as an engine: queries by POST, loading by SPARQL Update.

``load`` replaces each document's named graph, and the reference graphs, with ``DROP
SILENT GRAPH`` + ``INSERT DATA`` (a whole graph per request: blank node labels are
scoped to a request). Answers are asked for as SPARQL 1.1 JSON results (SELECT, ASK) or
N-Triples (CONSTRUCT, DESCRIBE).
"""

from __future__ import annotations

import http.client
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from pypolicy.core.errors import ConfigError, QueryError
from pypolicy.format.rdf import document_iri, to_graph
from pypolicy.sparql.answers import read_json_results
from pypolicy.sparql.dataset import reference_graphs
from pypolicy.sparql.engines import bound_text
from pypolicy.sparql.results import QueryResult
from pypolicy.sparql.safety import STANDARD_PREFIXES, CheckedQuery, tokens
from pypolicy.sparql.terminal import one_line

if TYPE_CHECKING:
    from rdflib.term import Identifier

MAX_RESPONSE_BYTES: Final = 64 * 1024 * 1024
"""An answer larger than this is refused: read into Python, JSON results take some
fifteen times their size in memory."""
MAX_DETAIL: Final = 300
READ_CHUNK: Final = 64 * 1024


def check_endpoint(url: str, option: str = "--endpoint") -> str:
    """The URL, if it is an absolute http(s) URL a request can be made to."""
    shown = one_line(url)
    if re.search(r"[\x00-\x20\x7f-\x9f]", url):
        raise ConfigError(f"{option}: {shown!r} holds a space or a control character; an"
                          " endpoint URL has neither (percent-encode them)")
    try:
        parsed = urllib.parse.urlsplit(url)
        port = parsed.port  # reading it checks it: a port must be a number up to 65535
    except ValueError as exc:
        raise ConfigError(f"{option}: {shown!r} is not a usable URL: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ConfigError(f"{option} must be an http:// or https:// URL, not {shown!r}")
    if port == 0:
        raise ConfigError(f"{option}: {shown!r} names port 0")
    return url


def _origin(url: str) -> tuple[str, str, int | None]:
    parsed = urllib.parse.urlsplit(url)
    default = {"http": 80, "https": 443}.get(parsed.scheme)
    return parsed.scheme, (parsed.hostname or "").lower(), parsed.port or default


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Every redirect is refused, with the place it pointed to.

    A query or an update is a POST; urllib would follow a 301, 302 or 303 as a GET
    without the body (so ``load`` would report success while nothing was loaded), follow
    it to another origin (whose answer would be printed as the endpoint's), and to
    ``ftp:``. The user names the right URL instead.
    """

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                         headers: Any, newurl: str) -> urllib.request.Request | None:
        target = one_line(newurl)[:MAX_DETAIL]
        same = urllib.parse.urlsplit(newurl).scheme in ("http", "https") and \
            _origin(newurl) == _origin(req.full_url)
        advice = (f"; if that is the endpoint, give {target} instead" if same else
                  "; a redirect elsewhere than the same http(s) origin is never followed")
        raise QueryError(f"{one_line(req.full_url)}: the endpoint answered HTTP {code}, a"
                         f" redirect to {target}, which pypolicy does not follow{advice}")


_OPENER: Final = urllib.request.build_opener(_NoRedirects)


def declared_prefixes(text: str) -> set[str]:
    """The prefixes a query declares (``PREFIX name:``), read with the lexer (linear)."""
    declared: set[str] = set()
    previous = ""
    for token in tokens(text):
        if previous == "PREFIX" and token.kind == "word" and token.text.endswith(":"):
            declared.add(token.text[:-1])
        previous = token.text.upper() if token.kind == "word" else ""
    return declared


class RemoteEngine:
    """A SPARQL 1.1 Protocol endpoint: queries by POST, loading by SPARQL Update.

    ``timeout`` bounds each request as a whole (connecting, sending, and reading the
    whole answer, however slowly it drips), not only each network wait.
    """

    def __init__(self, endpoint: str, update_endpoint: str | None = None,
                 timeout: float = 60.0) -> None:
        self.endpoint = check_endpoint(endpoint)
        self.update_endpoint = (check_endpoint(update_endpoint, "--update-endpoint")
                                if update_endpoint else None)
        self.timeout = timeout

    def _post(self, url: str, body: str, content_type: str, accept: str) -> bytes:
        shown = one_line(url)
        request = urllib.request.Request(
            url, data=body.encode("utf-8"), method="POST",
            headers={"Content-Type": f"{content_type}; charset=utf-8", "Accept": accept,
                     "User-Agent": "pypolicy"})
        deadline = time.monotonic() + self.timeout
        late = QueryError(f"{shown}: no whole answer within {self.timeout:g} s")
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                if not 200 <= response.status < 300:
                    raise QueryError(f"{shown}: the endpoint answered HTTP {response.status}"
                                     f" {one_line(str(response.reason))}, not success")
                chunks: list[bytes] = []
                size = 0
                while True:
                    if time.monotonic() > deadline:
                        raise late
                    chunk = response.read1(READ_CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > MAX_RESPONSE_BYTES:
                        raise QueryError(f"{shown}: the answer is larger than"
                                         f" {MAX_RESPONSE_BYTES // 1024 // 1024} MiB; narrow"
                                         " the query (LIMIT, fewer columns)")
                    chunks.append(chunk)
        except urllib.error.HTTPError as exc:
            detail = one_line(exc.read(MAX_DETAIL * 4).decode("utf-8", "replace").strip())
            raise QueryError(f"{shown}: HTTP {exc.code} {one_line(str(exc.reason))}:"
                             f" {detail[:MAX_DETAIL]}") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise late from None
            raise QueryError(f"{shown}: cannot reach the endpoint:"
                             f" {one_line(str(exc.reason))}") from None
        except TimeoutError:
            raise late from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise QueryError(f"{shown}: the exchange with the endpoint failed:"
                             f" {one_line(str(exc) or type(exc).__name__)}") from None
        return b"".join(chunks)

    def run(self, query: CheckedQuery, bindings: Mapping[str, Identifier]) -> QueryResult:
        from rdflib import Graph

        text = bound_text(query, bindings)
        declared = declared_prefixes(text)
        prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in STANDARD_PREFIXES.items()
                           if p not in declared)
        text = prologue + text
        shown = one_line(self.endpoint)
        if query.kind in ("CONSTRUCT", "DESCRIBE"):
            data = self._post(self.endpoint, text, "application/sparql-query",
                              "application/n-triples")
            graph = Graph()
            try:
                graph.parse(data=data.decode("utf-8"), format="nt")
            except Exception as exc:
                raise QueryError(f"{shown}: unreadable N-Triples answer:"
                                 f" {one_line(str(exc))[:MAX_DETAIL]}") from None
            return QueryResult(query.kind, triples=tuple(graph.triples((None, None, None))))
        data = self._post(self.endpoint, text, "application/sparql-query",
                          "application/sparql-results+json")
        return read_json_results(data, query.kind, shown)

    def update(self, text: str) -> None:
        if self.update_endpoint is None:
            raise ConfigError("loading into an endpoint needs --update-endpoint URL")
        self._post(self.update_endpoint, text, "application/sparql-update", "*/*")

    def load(self, documents: Iterable[dict[str, Any]], *, batch_bytes: int = 4_000_000,
             reference: bool = True) -> int:
        """Replace each document's named graph (and the reference graphs); return graphs."""
        from rdflib import Graph

        graphs: list[tuple[str, str]] = list(reference_graphs().items()) if reference else []
        for document in documents:
            graphs.append((document_iri(str(document["id"])),
                           str(to_graph(document, Graph()).serialize(format="nt"))))
        batch: list[str] = []
        size = 0
        for iri, ntriples in graphs:
            # A whole graph goes in one request: blank node labels are scoped to a request.
            batch.append(f"DROP SILENT GRAPH <{iri}> ;\n"
                         f"INSERT DATA {{ GRAPH <{iri}> {{\n{ntriples}}} }}")
            size += len(ntriples)
            if size >= batch_bytes:
                self.update(" ;\n".join(batch))
                batch, size = [], 0
        if batch:
            self.update(" ;\n".join(batch))
        return len(graphs)
