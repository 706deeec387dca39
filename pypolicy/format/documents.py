"""Reading a policy document that commands can rely on: parsed strictly, free of
JSON-LD keywords other than our own context, and schema-valid; and several of them,
each with an id of its own."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pypolicy.core.errors import InputError, shown
from pypolicy.format.loader import DEFAULT_MAX_BYTES, LoadedDocument, load_path
from pypolicy.format.rdf import check_keys
from pypolicy.format.schema import violations


def load_valid(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedDocument:
    """Load ``path``; InputError (exit code 2) names the file, pointer and line of the
    first problem."""
    name = str(path)
    loaded = load_path(path, max_bytes=max_bytes)
    try:
        check_keys(loaded.data)
    except InputError as exc:
        raise type(exc)(exc.message, path=name, pointer=exc.pointer,
                        line=loaded.line_of(exc.pointer or "")) from None
    problems = violations(loaded.data)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(f"not a valid policy document: {first.message}{more}", path=name,
                         pointer=first.pointer, line=loaded.line_of(first.pointer))
    return loaded


def refuse_shared_ids(documents: Iterable[LoadedDocument], why: str) -> None:
    """InputError naming the second of two documents with one ``id``: the id names the
    document's graph and every entry's IRI, so two such documents would merge silently.
    ``why`` ends the message ("each policy needs its own named graph")."""
    seen: dict[str, str] = {}
    for loaded in documents:
        document_id = str(loaded.data.get("id"))
        if document_id in seen:
            raise InputError(f"document id {shown(document_id)} is also the id of"
                             f" {seen[document_id]}; {why}", path=loaded.path, pointer="/id",
                             line=loaded.line_of("/id"))
        seen[document_id] = loaded.path
