"""Turning a hand annotation into a policy document with located evidence.

An annotation (``converters/annotations/<name>.yaml``) is a YAML file with:

``source``
    ``file``: the source text, relative to the annotation's project root; optional
    ``url``, ``archiveUrl``, ``retrieved`` copied into the document.
``sections``
    The section headings of the source, verbatim and in order; each quote's section is
    the last heading before it.
``boilerplate``
    Verbatim passages that state no practice (headings, slogans, links); the coverage
    report counts them apart.
``document``
    The policy document, whose evidence items give only ``quote`` (or ``inferred`` and
    ``rationale``): the converter finds each quote in the source, exact after whitespace
    normalisation, and fills in ``section``, ``start`` and ``end``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypolicy.annotate.evidence import Coverage, SourceText, Span, coverage
from pypolicy.core.errors import InputError, QuoteNotFoundError
from pypolicy.format.loader import iter_pointers, load_path
from pypolicy.format.schema import violations


@dataclass(frozen=True)
class Conversion:
    """The result of converting one annotation."""

    name: str
    document: dict[str, Any]
    source: SourceText
    evidence_spans: tuple[Span, ...]
    boilerplate_spans: tuple[Span, ...]

    def coverage(self) -> Coverage:
        return coverage(self.source, self.evidence_spans, self.boilerplate_spans)


def convert(annotation_path: Path, root: Path, output_dir: Path) -> Conversion:
    """Read an annotation and build its document (without writing it)."""
    loaded = load_path(annotation_path)
    ann = loaded.data
    for key in ("source", "document"):
        if key not in ann:
            raise InputError(f"the annotation has no {key!r} section", path=str(annotation_path))
    source_path = root / ann["source"]["file"]
    raw = source_path.read_bytes()
    source = SourceText(raw.decode("utf-8"), ann.get("sections") or ())
    document = copy.deepcopy(ann["document"])
    meta = dict(document.get("source", {}))
    for key in ("url", "archiveUrl", "retrieved"):
        if key in ann["source"]:
            meta[key] = ann["source"][key]
    meta["sha256"] = hashlib.sha256(raw).hexdigest()
    meta["file"] = os.path.relpath(source_path, output_dir).replace(os.sep, "/")
    document["source"] = meta
    spans: list[Span] = []
    for pointer, value in list(iter_pointers(document)):
        if not pointer.endswith("/evidence") or not isinstance(value, list):
            continue
        for index, item in enumerate(value):
            if not isinstance(item, dict) or "quote" not in item:
                continue
            try:
                span = source.locate(item["quote"])
            except QuoteNotFoundError as exc:
                raise InputError(str(exc), path=str(annotation_path),
                                 pointer=f"/document{pointer}/{index}",
                                 line=loaded.line_of(f"/document{pointer}/{index}")) from None
            located = {"quote": item["quote"]}
            section = source.section_at(span.start)
            if section:
                located["section"] = section
            located["start"] = span.start
            located["end"] = span.end
            for key in ("inferred", "rationale"):
                if key in item:
                    located[key] = item[key]
            value[index] = located
            spans.append(span)
    plate: list[Span] = []
    for passage in ann.get("boilerplate") or ():
        plate.append(source.locate(passage))
    problems = violations(document)
    if problems:
        listing = "\n".join(f"  {p.pointer or '/'}: {p.message}" for p in problems)
        raise InputError(f"the document does not follow the schema:\n{listing}",
                         path=str(annotation_path))
    return Conversion(str(document.get("id")), document, source, tuple(spans), tuple(plate))


def render_json(document: dict[str, Any]) -> str:
    """The canonical text of a document file: stable across runs and platforms."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def coverage_report(conversion: Conversion, *, list_uncovered: bool = True) -> str:
    cov = conversion.coverage()
    text = conversion.source.text
    lines = [f"{conversion.name}: {len(cov.covered)}/{cov.substantive} practice sentences"
             f" covered ({cov.ratio:.0%}); {len(cov.boilerplate)} boilerplate"]
    if list_uncovered:
        for span in cov.uncovered:
            passage = SourceText.normalise(text[span.start:span.end])
            lines.append(f"  uncovered @{span.start}: {passage}")
        for span in cov.boilerplate:
            lines.append(f"  boilerplate @{span.start}: "
                         f"{SourceText.normalise(text[span.start:span.end])[:100]}")
    return "\n".join(lines)
