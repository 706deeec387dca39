"""A SPARQL 1.1 Protocol endpoint as an engine: queries by POST, loading by SPARQL Update.

``load`` replaces each document's named graph, and the reference graphs, with ``DROP
SILENT GRAPH`` + ``INSERT DATA`` (a whole graph per request: blank node labels are
scoped to a request). Answers are asked for as SPARQL 1.1 JSON results (SELECT, ASK) or
N-Triples (CONSTRUCT, DESCRIBE).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from pypolicy.core.errors import ConfigError, QueryError
from pypolicy.format.rdf import document_iri, to_graph
from pypolicy.query.dataset import reference_graphs
from pypolicy.query.engines import bound_text
from pypolicy.query.results import XSD, QueryResult, Row, Term
from pypolicy.query.safety import STANDARD_PREFIXES, CheckedQuery

if TYPE_CHECKING:
    from rdflib.term import Identifier

MAX_RESPONSE_BYTES: Final = 512 * 1024 * 1024


def check_endpoint(url: str, option: str = "--endpoint") -> str:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"{option} must be an http:// or https:// URL, not {url!r}")
    return url


class RemoteEngine:
    """A SPARQL 1.1 Protocol endpoint: queries by POST, loading by SPARQL Update."""

    def __init__(self, endpoint: str, update_endpoint: str | None = None,
                 timeout: float = 60.0) -> None:
        self.endpoint = check_endpoint(endpoint)
        self.update_endpoint = (check_endpoint(update_endpoint, "--update-endpoint")
                                if update_endpoint else None)
        self.timeout = timeout

    def _post(self, url: str, body: str, content_type: str, accept: str) -> bytes:
        request = urllib.request.Request(
            url, data=body.encode("utf-8"), method="POST",
            headers={"Content-Type": f"{content_type}; charset=utf-8", "Accept": accept,
                     "User-Agent": "pypolicy"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                data: bytes = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            detail = exc.read(2000).decode("utf-8", "replace").strip()
            raise QueryError(f"{url}: HTTP {exc.code} {exc.reason}: {detail}") from None
        except urllib.error.URLError as exc:
            raise QueryError(f"{url}: cannot reach the endpoint: {exc.reason}") from None
        except TimeoutError:
            raise QueryError(f"{url}: no answer within {self.timeout:g} s") from None
        if len(data) > MAX_RESPONSE_BYTES:
            raise QueryError(f"{url}: the answer is larger than {MAX_RESPONSE_BYTES} bytes")
        return data

    def run(self, query: CheckedQuery, bindings: Mapping[str, Identifier]) -> QueryResult:
        from rdflib import Graph

        text = bound_text(query, bindings)
        declared = {t.lower() for t in re.findall(r"(?im)^\s*PREFIX\s+([\w\-.]*):", text)}
        prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in STANDARD_PREFIXES.items()
                           if p.lower() not in declared)
        text = prologue + text
        if query.kind in ("CONSTRUCT", "DESCRIBE"):
            data = self._post(self.endpoint, text, "application/sparql-query",
                              "application/n-triples")
            graph = Graph()
            try:
                graph.parse(data=data.decode("utf-8"), format="nt")
            except Exception as exc:
                raise QueryError(f"{self.endpoint}: unreadable N-Triples answer: {exc}") from None
            return QueryResult(query.kind, triples=tuple(graph.triples((None, None, None))))
        data = self._post(self.endpoint, text, "application/sparql-query",
                          "application/sparql-results+json")
        try:
            document = json.loads(data)
        except ValueError as exc:
            raise QueryError(f"{self.endpoint}: the answer is not JSON: {exc}") from None
        if query.kind == "ASK":
            return QueryResult("ASK", boolean=bool(document.get("boolean")))

        variables, rows = _rows_from_json(document, self.endpoint)
        return QueryResult("SELECT", variables, rows)

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




def _rows_from_json(document: Any, source: str) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    """Variables and rows of a SPARQL 1.1 JSON results document."""
    string = XSD + "string"

    def term(value: dict[str, str] | None) -> Term | None:
        if value is None:
            return None
        kind = value.get("type")
        if kind in ("uri", "bnode"):
            return Term(kind, value["value"])
        if kind in ("literal", "typed-literal"):
            if "xml:lang" in value:
                return Term("literal", value["value"], None, value["xml:lang"])
            datatype = value.get("datatype")
            return Term("literal", value["value"], None if datatype == string else datatype)
        raise QueryError(f"{source}: unknown term type {kind!r} in the answer")

    try:
        variables = tuple(document["head"]["vars"])
        rows = tuple(tuple(term(binding.get(v)) for v in variables)
                     for binding in document["results"]["bindings"])
    except (KeyError, TypeError, AttributeError) as exc:
        raise QueryError(f"{source}: not a SPARQL JSON result: {exc}") from None
    return variables, rows
