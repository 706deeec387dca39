"""Turning an annotation into a policy document with located evidence.

The annotation's ``document`` is the policy document (``docs/format.md``) whose evidence
items give only ``quote`` (or ``inferred`` and ``rationale``, perhaps with a quote). Each
quote is found in the source, exact after whitespace normalisation, and ``section``,
``start`` and ``end`` are filled in. A quote that occurs more than once must say which
occurrence it means: ``occurrence: 2`` (counting from 1), or ``section:`` naming the
section it sits in. The document's ``source`` gets the source's sha256 and its path
relative to the output file.

Every problem is reported with the annotation's file, line and JSON pointer; all quotes
are checked before anything is reported, so one run lists every quote to fix.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypolicy.annotation.annotation import Annotation, AnnotationErrors, read_annotation
from pypolicy.annotation.evidence import Coverage, SourceText, Span, coverage
from pypolicy.annotation.mismatch import explain_missing
from pypolicy.core.errors import InputError
from pypolicy.format.loader import iter_pointers
from pypolicy.format.schema import violations

PLACEHOLDER = "FILL IN:"  # how init marks a value the annotator must fill in
DRAFT_KEY = "draft"  # how `annotate draft` marks an entry a person has not yet confirmed
MAX_PROBLEMS = 20  # reported in one run; more would scroll the first ones away
# Keys of an evidence item in an annotation that are not copied into the document as given
_LOCATING_KEYS = ("quote", "section", "start", "end", "occurrence")


@dataclass(frozen=True)
class Conversion:
    """An annotation with its evidence located: the document and what it covers."""

    annotation: Annotation
    document: dict[str, Any]
    evidence_spans: tuple[Span, ...]
    boilerplate_spans: tuple[Span, ...]

    @property
    def name(self) -> str:
        return str(self.document.get("id"))

    @property
    def source(self) -> SourceText:
        return self.annotation.source

    def coverage(self) -> Coverage:
        return coverage(self.source, self.evidence_spans, self.boilerplate_spans)


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PLACEHOLDER)


def placeholders(annotation: Annotation) -> list[InputError]:
    """Values of the document that init left to fill in."""
    return [annotation.problem(f"fill in this placeholder: {value!r}", f"/document{pointer}")
            for pointer, value in iter_pointers(annotation.data["document"])
            if is_placeholder(value)]


def draft_pointers(document: Any, pointer: str = "") -> list[str]:
    """The entries of a document still marked as unconfirmed drafts (``draft:`` present and
    not false), by JSON pointer."""
    found: list[str] = []
    if isinstance(document, dict):
        if document.get(DRAFT_KEY, False) is not False:
            found.append(pointer)
        for key, value in document.items():
            if key != DRAFT_KEY:
                found += draft_pointers(value, f"{pointer}/{key}")
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += draft_pointers(value, f"{pointer}/{index}")
    return found


def _without_drafts(document: Any) -> None:
    """Remove every draft marker (in place): the format has no such property."""
    if isinstance(document, dict):
        document.pop(DRAFT_KEY, None)
        for value in document.values():
            _without_drafts(value)
    elif isinstance(document, list):
        for value in document:
            _without_drafts(value)


def unconfirmed(annotation: Annotation) -> list[InputError]:
    """An error for each entry `annotate draft` proposed that nobody has confirmed."""
    pointers = draft_pointers(annotation.data["document"])
    return [annotation.problem(
        f"unconfirmed draft proposal ({len(pointers)} in all): check it against its quote, "
        "correct it, then delete its `draft:` line (or build with --accept-drafts)",
        f"/document{pointer}/{DRAFT_KEY}") for pointer in pointers]


def _where(source: SourceText, span: Span) -> str:
    section = source.section_at(span.start)
    return f"line {source.line_of(span.start)}" + (f", section \"{section}\"" if section else "")


def _choose(annotation: Annotation, item: dict[str, Any], pointer: str) -> Span:
    """The one place of the source an evidence item quotes; InputError when there is no
    such place or more than one and the item does not say which."""
    source = annotation.source
    quote = item["quote"]
    found = source.occurrences(quote)
    if not found:
        raise annotation.problem(explain_missing(source, quote), f"{pointer}/quote")
    section = item.get("section")
    if isinstance(section, str):
        inside = [s for s in found if source.section_at(s.start) == source.normalise(section)]
        if not inside:
            sections = sorted({str(source.section_at(s.start)) for s in found})
            raise annotation.problem(f"the quote is not in section {section!r}; it is in "
                                     f"{', '.join(map(repr, sections))}", f"{pointer}/section")
        found = inside
    occurrence = item.get("occurrence")
    if occurrence is not None:
        if not isinstance(occurrence, int) or isinstance(occurrence, bool) or \
                not 1 <= occurrence <= len(found):
            raise annotation.problem(f"occurrence must be a number from 1 to {len(found)}: "
                                     f"the quote occurs {len(found)} time(s)"
                                     + (" in that section" if isinstance(section, str) else ""),
                                     f"{pointer}/occurrence")
        return found[occurrence - 1]
    if len(found) > 1:
        places = "\n".join(f"  {n}: {_where(source, s)}" for n, s in enumerate(found, 1))
        raise annotation.problem(
            f"ambiguous quote: it occurs {len(found)} times in the source: {quote!r}\n{places}\n"
            "  say which one is meant with `occurrence: N` (counting from 1) or `section:`"
            " in this evidence item, or quote more of the passage", f"{pointer}/quote")
    return found[0]


def _located(source: SourceText, item: dict[str, Any], span: Span) -> dict[str, Any]:
    """The evidence item as the document has it: quote, section, offsets, then the rest."""
    located: dict[str, Any] = {"quote": item["quote"]}
    section = source.section_at(span.start)
    if section:
        located["section"] = section
    located["start"] = span.start
    located["end"] = span.end
    for key, value in item.items():
        if key not in _LOCATING_KEYS:
            located[key] = value
    return located


def locate(annotation: Annotation, *, skip_placeholders: bool = False) -> Conversion:
    """Find every quote and boilerplate passage; AnnotationErrors lists every one that is
    missing or ambiguous. With ``skip_placeholders``, quotes init left to fill in are
    passed over (for measuring coverage of an annotation in progress)."""
    document = copy.deepcopy(annotation.data["document"])
    source = annotation.source
    problems: list[InputError] = []
    spans: list[Span] = []
    for pointer, value in list(iter_pointers(document)):
        if not pointer.endswith("/evidence") or not isinstance(value, list):
            continue
        for index, item in enumerate(value):
            if not isinstance(item, dict) or not isinstance(item.get("quote"), str):
                continue  # the schema check names what is wrong with it
            if skip_placeholders and is_placeholder(item["quote"]):
                continue
            try:
                span = _choose(annotation, item, f"/document{pointer}/{index}")
            except InputError as exc:
                problems.append(exc)
                continue
            value[index] = _located(source, item, span)
            spans.append(span)
    plate: list[Span] = []
    for index, passage in enumerate(annotation.data.get("boilerplate") or ()):
        found = source.occurrences(passage)  # every occurrence of a passage is boilerplate
        if not found:
            problems.append(annotation.problem(explain_missing(source, passage,
                                                               kind="passage"),
                                               f"/boilerplate/{index}"))
        plate.extend(found)
    if problems:
        raise AnnotationErrors(problems[:MAX_PROBLEMS])
    return Conversion(annotation, document, tuple(spans), tuple(plate))


def build(annotation_path: Path, output_path: Path, *,
          accept_drafts: bool = False) -> Conversion:
    """Read an annotation and build its document for ``output_path`` (not written): every
    quote located, the source recorded, the result checked against the schema. Entries
    still marked ``draft:`` are refused unless ``accept_drafts``."""
    annotation = read_annotation(annotation_path)
    unfilled = placeholders(annotation)
    if not accept_drafts:
        unfilled += unconfirmed(annotation)
    if unfilled:
        raise AnnotationErrors(unfilled[:MAX_PROBLEMS])
    conversion = locate(annotation)
    document = conversion.document
    _without_drafts(document)
    meta = dict(document.get("source", {}))
    for key in ("url", "archiveUrl", "retrieved"):
        if key in annotation.data["source"]:
            meta[key] = annotation.data["source"][key]
    meta["sha256"] = annotation.sha256
    meta["file"] = relative_path(annotation.source_path, output_path.parent)
    document["source"] = meta
    problems = [annotation.problem(f"the document does not follow the schema: {p.message}",
                                   f"/document{p.pointer}") for p in violations(document)]
    if problems:
        raise AnnotationErrors(problems[:MAX_PROBLEMS])
    return conversion


def relative_path(target: Path, folder: Path) -> str:
    """``target`` as seen from ``folder``, with forward slashes (absolute when no relative
    path exists, as between two Windows drives)."""
    try:
        relative = os.path.relpath(os.path.abspath(target), os.path.abspath(folder))
    except ValueError:
        relative = os.path.abspath(target)
    return relative.replace(os.sep, "/")


def default_output(annotation_path: Path) -> Path:
    """``acme.annotation.yaml`` (or ``acme.yaml``) -> ``acme.policy.json`` beside it."""
    stem = annotation_path.name
    for suffix in (".yaml", ".yml", ".json"):
        stem = stem.removesuffix(suffix)
    stem = stem.removesuffix(".annotation")
    return annotation_path.with_name(f"{stem}.policy.json")


def render_json(document: dict[str, Any]) -> str:
    """The canonical text of a document file: stable across runs and platforms."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
