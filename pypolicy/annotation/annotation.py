"""Reading an annotation file and the source text it annotates.

An annotation is a YAML mapping::

    source:
      file: acme.txt            # the source text, relative to the annotation file
      sha256: 3f5a…             # of that file as annotated: a changed text is refused
      url: https://…            # optional, copied into the document
      archiveUrl: https://…     # optional, copied into the document
      retrieved: 2025-01-31     # optional, copied into the document
      extractedFrom:            # optional: the HTML page the text was extracted from
        file: acme.html
        sha256: 91c0…
    sections: [...]             # the headings of the source, verbatim and in order
    boilerplate: [...]          # verbatim passages that state no practice
    worklist: [...]             # sentences still to cover (written by init; not read)
    document: {...}             # the policy document, evidence given by quote only

Every path is resolved against the annotation's own folder, never the working directory.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypolicy.annotation.evidence import HeadingNotFoundError, SourceText
from pypolicy.annotation.mismatch import explain_missing
from pypolicy.core.errors import InputError, NotAPolicyError
from pypolicy.format.loader import DEFAULT_MAX_BYTES, LoadedDocument, load_path

ANNOTATION_KEYS = ("source", "sections", "boilerplate", "worklist", "document")
SOURCE_KEYS = ("file", "sha256", "url", "archiveUrl", "retrieved", "extractedFrom")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class SourceChangedError(InputError):
    """The source text (or the page it was extracted from) is not the one annotated."""


class AnnotationErrors(InputError):
    """Several problems in one annotation, each with its own place, reported together."""

    def __init__(self, problems: Sequence[InputError]) -> None:
        first = problems[0]
        super().__init__(first.message, path=first.path, pointer=first.pointer,
                         line=first.line, column=first.column)
        self.problems = tuple(problems)

    def __str__(self) -> str:
        return "\n".join(InputError.__str__(p) for p in self.problems)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_source(path: Path, *, shown_as: str, annotation: str | None = None,
                pointer: str | None = None, line: int | None = None) -> bytes:
    """The bytes of a source file, or an InputError naming it (and the annotation's place)."""
    try:
        size = path.stat().st_size
        if size > DEFAULT_MAX_BYTES:
            raise InputError(f"{shown_as} is larger than the limit of {DEFAULT_MAX_BYTES} "
                             f"bytes ({size} bytes)", path=annotation or str(path),
                             pointer=pointer, line=line)
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"source file not found: {shown_as}" +
                         (f" (looked for {path})" if annotation else ""),
                         path=annotation or str(path), pointer=pointer, line=line) from None
    except OSError as exc:
        raise InputError(f"cannot read {shown_as}: {exc.strerror or exc}",
                         path=annotation or str(path), pointer=pointer, line=line) from None


def decode_source(raw: bytes, name: str) -> str:
    """UTF-8 text; offsets count code points, so the encoding must be exact."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start});"
                         " save the source text as UTF-8 first", path=name) from None


@dataclass(frozen=True)
class Annotation:
    """An annotation as read, with its verified source text."""

    path: Path
    loaded: LoadedDocument
    source_path: Path
    sha256: str
    source: SourceText

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.loaded.data
        return data

    def problem(self, message: str, pointer: str) -> InputError:
        """An InputError at ``pointer`` of the annotation, with its line."""
        return InputError(message, path=str(self.path), pointer=pointer,
                          line=self.loaded.line_of(pointer))


def _load(path: Path) -> LoadedDocument:
    try:
        return load_path(path)
    except NotAPolicyError as exc:
        kind = exc.message.split(", not ", 1)[-1]
        raise InputError(f"an annotation is a YAML mapping (source, sections, boilerplate, "
                         f"document), not {kind}", path=str(path)) from None


def _strings(loaded: LoadedDocument, key: str, path: Path) -> list[str]:
    value = loaded.data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"{key} is a list of passages of the source", path=str(path),
                         pointer=f"/{key}", line=loaded.line_of(f"/{key}"))
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise InputError(f"each of {key} is a non-empty passage of the source, as text",
                             path=str(path), pointer=f"/{key}/{index}",
                             line=loaded.line_of(f"/{key}/{index}"))
    return value


def read_annotation(path: Path) -> Annotation:
    """Read and check an annotation and its source: the keys it needs, the source file
    next to it, and the source's sha256. The section headings are located in order."""
    loaded = _load(path)
    data = loaded.data
    name = str(path)

    def fail(message: str, pointer: str) -> InputError:
        return InputError(message, path=name, pointer=pointer, line=loaded.line_of(pointer))

    unknown = [key for key in data if key not in ANNOTATION_KEYS]
    if unknown:
        raise fail(f"unknown key {unknown[0]!r}; an annotation has "
                   f"{', '.join(ANNOTATION_KEYS)}", f"/{unknown[0]}")
    for key in ("source", "document"):
        if not isinstance(data.get(key), dict):
            raise fail(f"the annotation needs a {key!r} mapping" if key not in data else
                       f"{key} must be a mapping", f"/{key}" if key in data else "")
    meta = data["source"]
    unknown = [key for key in meta if key not in SOURCE_KEYS]
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} in source; known: {', '.join(SOURCE_KEYS)}",
                   f"/source/{unknown[0]}")
    file = meta.get("file")
    if not isinstance(file, str) or not file.strip():
        raise fail("source.file must name the source text, relative to the annotation",
                   "/source/file" if "file" in meta else "/source")
    source_path = path.parent / file
    raw = read_source(source_path, shown_as=file, annotation=name, pointer="/source/file",
                      line=loaded.line_of("/source/file"))
    digest = hashlib.sha256(raw).hexdigest()
    recorded = meta.get("sha256")
    if recorded is None:
        raise fail(f"source.sha256 is missing: add `sha256: {digest}` (the hash of {file} "
                   "as annotated; build then refuses a text that has changed)", "/source")
    if not isinstance(recorded, str) or not _SHA256.fullmatch(recorded):
        raise fail("source.sha256 must be 64 lowercase hexadecimal digits", "/source/sha256")
    if recorded != digest:
        raise SourceChangedError(
            f"the source text changed since it was annotated: {file} has sha256 {digest},"
            f" the annotation records {recorded}. Check that every quote still says what the"
            " annotation claims (build names any that are gone), then record the new hash",
            path=name, pointer="/source/sha256", line=loaded.line_of("/source/sha256"))
    _check_extracted_from(path, loaded, file)
    text = decode_source(raw, str(source_path))
    sections = _strings(loaded, "sections", path)
    _strings(loaded, "boilerplate", path)
    try:
        source = SourceText(text, sections)
    except HeadingNotFoundError as exc:
        pointer = f"/sections/{exc.index}"
        if SourceText(text).find(exc.quote) is not None:
            raise fail(f"heading {exc.quote!r} is in the source, but not after the heading "
                       "before it: list the sections in the order the source has them",
                       pointer) from None
        raise fail(explain_missing(SourceText(text), exc.quote, kind="heading"),
                   pointer) from None
    return Annotation(path, loaded, source_path, digest, source)


def _check_extracted_from(path: Path, loaded: LoadedDocument, text_file: str) -> None:
    """When the text was extracted from a page that is still there, the page must be the
    one it was extracted from."""
    origin = loaded.data["source"].get("extractedFrom")
    if origin is None:
        return
    pointer = "/source/extractedFrom"
    if not isinstance(origin, dict) or not isinstance(origin.get("file"), str) or \
            not isinstance(origin.get("sha256"), str):
        raise InputError("source.extractedFrom needs file and sha256", path=str(path),
                         pointer=pointer, line=loaded.line_of(pointer))
    page = path.parent / origin["file"]
    if not page.is_file():
        return  # the text is what is annotated; the page need not travel with it
    digest = sha256_of(page)
    if digest != origin["sha256"]:
        raise SourceChangedError(
            f"{origin['file']} changed since {text_file} was extracted from it (sha256 "
            f"{digest}, recorded {origin['sha256']}): extract it again with `pypolicy "
            f"annotate init {origin['file']} -o NEW.annotation.yaml --force` and compare",
            path=str(path), pointer=f"{pointer}/sha256",
            line=loaded.line_of(f"{pointer}/sha256"))
