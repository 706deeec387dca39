"""``annotate draft``: an annotation file pre-filled with proposals for a person to review.

The file is the one ``annotate init`` writes (source, sections, boilerplate, document,
worklist) with the document filled in by the drafters. Every proposed entry carries a
``draft:`` line saying why it was proposed; the reviewer checks each against its quote,
corrects it, and deletes the line. ``annotate build`` refuses entries that still have it
(unless given ``--accept-drafts``). The worklist lists the sentences no proposal quotes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pypolicy.annotation.annotation import decode_source, read_source
from pypolicy.annotation.build import relative_path
from pypolicy.annotation.draft.assemble import Draft, draft_document
from pypolicy.annotation.draft.text import PolicyText
from pypolicy.annotation.htmltext import extract, looks_like_html
from pypolicy.annotation.mismatch import visible
from pypolicy.annotation.outline import read_outline
from pypolicy.annotation.skeleton import document_id
from pypolicy.core.addresses import documentation_uri
from pypolicy.core.errors import ConfigError, InputError
from pypolicy.core.files import write_atomic


@dataclass(frozen=True)
class DraftResult:
    annotation: Path
    extracted: Path | None
    proposals: int
    sentences: int
    unused: int


_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when built
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Dumper(_BaseDumper):  # type: ignore[misc]
    """Block style, with short lists of terms on one line (``actions: [collect, use]``);
    no anchors, which the strict loader refuses, where entries share a list."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_list(dumper: Any, data: list[Any]) -> yaml.Node:
    flow = bool(data) and len(data) <= 12 and all(
        isinstance(item, str) and len(item) <= 40 and item.isascii() and " " not in item
        for item in data)
    node: yaml.Node = dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)
    return node


_Dumper.add_representer(list, _represent_list)


def _yaml(data: Any) -> str:
    # one line per value: a `draft:` marker is deleted as one line, a quote is found whole
    text: str = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                          width=1_000_000, default_flow_style=False)
    return text


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise ConfigError(f"{path} exists; pass --force to overwrite it")


def draft_annotation(source: Path, annotation: Path | None, *, url: str | None = None,
                     force: bool = False) -> DraftResult:
    """Draft the annotation of ``source`` (plain text, Markdown or an HTML page)."""
    raw = read_source(source, shown_as=str(source))
    stem = source.name.rsplit(".", 1)[0] if "." in source.name[1:] else source.name
    annotation = annotation or source.with_name(f"{stem}.annotation.yaml")
    extracted: Path | None = None
    headings: tuple[str, ...] | None = None
    title = language = None
    origin: dict[str, str] | None = None
    if looks_like_html(source.name, raw):
        page = extract(raw, str(source))
        extracted = source.with_name(f"{stem}.txt")
        if extracted.resolve() == source.resolve():
            extracted = source.with_name(f"{stem}.extracted.txt")
        if extracted.exists() and extracted.read_text("utf-8", "replace") != page.text:
            _refuse_overwrite(extracted, force)
        text, title, language = page.text, page.title, page.language
        headings = page.headings if len(page.headings) >= 2 else None
        origin = {"file": relative_path(source, annotation.parent),
                  "sha256": hashlib.sha256(raw).hexdigest()}
        raw = text.encode("utf-8")
        text_path = extracted
    else:
        text = decode_source(raw, str(source))
        text_path = source
    if not text.strip():
        raise InputError("the source has no text to draft from", path=str(source))
    if annotation.resolve() in (source.resolve(), text_path.resolve()):
        raise ConfigError(f"the annotation cannot be written over its source {annotation}")
    _refuse_overwrite(annotation, force)
    reading = read_outline(text, headings)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if title is None and reading.sections and reading.sections[0] in first_line:
        title = reading.sections[0]
    policy = PolicyText(text, reading.sections)
    doc_id = document_id(stem)
    draft = draft_document(policy, doc_id=doc_id, title=title, language=language,
                           last_updated=reading.last_updated[0] if reading.last_updated
                           else None, fallback_name=doc_id)
    meta: dict[str, Any] = {"file": relative_path(text_path, annotation.parent),
                            "sha256": hashlib.sha256(raw).hexdigest()}
    if url:
        meta["url"] = url
    if origin:
        meta["extractedFrom"] = origin
    content = _annotation_text(meta, reading.sections, reading.boilerplate, draft, policy,
                               annotation.name)
    # What we write must read back as what we meant. libyaml reads it in a fraction of the
    # strict loader's time; anchors, the one thing the strict loader adds, are never written.
    if yaml.load(content, Loader=_Loader)["document"] != draft.document:
        raise AssertionError("the drafted annotation does not read back as written")
    if extracted is not None:
        _write(extracted, text)
    _write(annotation, content)
    return DraftResult(annotation, extracted, draft.proposals, len(policy.sentences),
                       len(draft.unused))


def _write(path: Path, text: str) -> None:
    try:
        write_atomic(path, text)
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None


def _annotation_text(meta: dict[str, Any], sections: tuple[str, ...],
                     boilerplate: tuple[str, ...], draft: Draft, policy: PolicyText,
                     name: str) -> str:
    header = [
        f"# A DRAFT annotation of {visible(str(meta['file']))}, written by `pypolicy annotate "
        "draft`.",
        "#",
        "# Every entry marked `draft:` is a proposal a program made from the words of its",
        "# quote: it can be wrong, incomplete or miss what the text implies. For each one:",
        "# read the quote, correct the entry (guide and format below), then delete its",
        "# `draft:` line. Add what the drafter missed: the worklist at the end",
        "# lists the sentences no proposal quotes. Check title, language and the sections.",
        f"#   pypolicy annotate build {name}     refuses entries still marked draft",
        f"#   pypolicy annotate coverage {name}  shows what no quote covers yet",
        f"# The guide: {documentation_uri('annotating.md')}",
        f"# The format: {documentation_uri('format.md')}",
        "",
    ]
    body = _yaml({"source": meta}) + "\n"
    body += "# The headings of the source, verbatim and in order (found by init: check them).\n"
    body += _yaml({"sections": list(sections)}) + "\n"
    body += "# Passages that state no practice; coverage counts them apart.\n"
    body += _yaml({"boilerplate": list(boilerplate)}) + "\n"
    body += _yaml({"document": draft.document}) + "\n"
    body += "# Sentences no proposal quotes: cover each with a quote, or move it to\n"
    body += "# boilerplate. Not read by build.\n"
    worklist = [policy.source.normalise(policy.sentences[i].text) for i in draft.unused]
    body += _yaml({"worklist": worklist})
    return "\n".join(header) + body
