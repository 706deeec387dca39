"""The library's verbs: validate, render, diff, compare and query a policy document.

Each takes a document as a path (JSON or YAML, read strictly), as parsed data (a
mapping), or as a :class:`~pypolicy.format.model.Policy`; each returns data or text and
never prints. The command line is a thin layer over the same functions. Heavy packages
(rdflib, the rules, the engines) are imported on first use, so ``import pypolicy`` stays
quick.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pypolicy.core.errors import InputError
from pypolicy.core.findings import FileResult, Finding
from pypolicy.format.model import Policy

if TYPE_CHECKING:
    from pypolicy.rendering.diff import PolicyDiff
    from pypolicy.sparql.results import QueryResult
    from pypolicy.validation.engine import Config

PageFormat = Literal["markdown", "html", "text"]
CompareFormat = Literal["markdown", "html", "csv"]


def _policy(document: str | os.PathLike[str] | Mapping[str, Any] | Policy) -> Policy:
    """A schema-valid document as the typed model; InputError names what is wrong."""
    if isinstance(document, Policy):
        return document
    if isinstance(document, Mapping):
        from pypolicy.format.schema import violations

        data = dict(document)
        problems = violations(data)
        if problems:
            first = problems[0]
            raise InputError(f"not a valid policy document: {first.message}",
                             path="<data>", pointer=first.pointer)
        return Policy.from_dict(data)
    if isinstance(document, str | os.PathLike):
        from pypolicy.format.documents import load_valid

        return Policy.from_dict(load_valid(os.fspath(document)).data)
    raise TypeError(f"a document is a path, a mapping or a Policy, not {type(document)!r}")


def validate(source: str | os.PathLike[str] | bytes | Mapping[str, Any] | None = None,
             config: Config | None = None, *, text: str | None = None,
             name: str | None = None) -> FileResult:
    """Run every enabled rule on one document and return its findings.

    ``source`` is a path (``str`` or path-like), the document's bytes, or its parsed
    data (a mapping); or give the document's text as ``text=``. ``name`` is how the
    result names a document given as bytes, text or data; its extension (``.yaml``,
    ``.json``) says how to parse bytes and text (JSON by default). An unusable document
    is reported in the result (``FileResult.error``), exactly as the command line does.
    """
    from pypolicy.validation.engine import Config as _Config
    from pypolicy.validation.engine import validate_bytes, validate_path

    settings = config if config is not None else _Config()
    if text is not None:
        if source is not None:
            raise TypeError("give either source or text=, not both")
        return validate_bytes(text.encode("utf-8"), name or "<text>.json", settings)
    if isinstance(source, bytes):
        return validate_bytes(source, name or "<bytes>.json", settings)
    if isinstance(source, Mapping):
        raw = json.dumps(source, ensure_ascii=False, indent=2).encode("utf-8")
        return validate_bytes(raw, name or "<data>.json", settings)
    if isinstance(source, str | os.PathLike):
        return validate_path(os.fspath(source), settings)
    raise TypeError("validate() takes a path, bytes, a mapping, or text=")


def render(document: str | os.PathLike[str] | Mapping[str, Any] | Policy,
           fmt: PageFormat = "markdown", *, audience: Literal["reader", "reviewer"] = "reader",
           findings: FileResult | Sequence[Finding] | None = None) -> str:
    """The document as a page people read: Markdown, HTML or plain text, for the people
    the policy is about (``reader``) or for its reviewers (``reviewer``). ``findings``
    (from :func:`validate`) adds "Things to know"; rendering never runs the validator."""
    from pypolicy.rendering import render as render_page

    return render_page(_policy(document), fmt, audience, findings=findings)


def diff(old: str | os.PathLike[str] | Mapping[str, Any] | Policy,
         new: str | os.PathLike[str] | Mapping[str, Any] | Policy) -> PolicyDiff:
    """What changed from ``old`` to ``new``, as data (``.changes``, each with its kind,
    topic and words); ``pypolicy diff`` writes it as Markdown or JSON."""
    from pypolicy.rendering.diff import diff as diff_policies

    return diff_policies(_policy(old), _policy(new))


def compare(documents: Sequence[str | os.PathLike[str] | Mapping[str, Any] | Policy],
            fmt: CompareFormat = "markdown") -> str:
    """Several providers side by side, as a Markdown or HTML table or as CSV (cells that a
    spreadsheet would run as formulas are neutralised). Two documents with one id are
    refused, as on the command line."""
    from pypolicy.rendering.compare import compare_csv, compare_html, compare_markdown

    policies = [_policy(document) for document in documents]
    seen: dict[str, int] = {}
    for index, policy in enumerate(policies):
        if policy.id in seen:
            raise InputError(f"documents {seen[policy.id] + 1} and {index + 1} share the id"
                             f" {policy.id!r}; compare each policy once")
        seen[policy.id] = index
    writers = {"markdown": compare_markdown, "html": compare_html, "csv": compare_csv}
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(writers)}")
    return writers[fmt](policies)


def query(sources: Sequence[str | os.PathLike[str]], sparql: str | None = None, *,
          pack: str | None = None, parameters: Mapping[str, str] | None = None,
          store: Literal["oxigraph", "rdflib"] = "oxigraph",
          timeout: float | None = 60.0) -> QueryResult:
    """Answer a SPARQL query (or the pack query named ``pack``) over the documents in
    ``sources`` (files or directories). The query is checked before any document is
    read (no SERVICE, no updates) and runs in a worker that can open no connection."""
    from pypolicy.sparql.run import run_query

    return run_query(sources, sparql, pack=pack, parameters=parameters, store=store,
                     timeout=timeout)
