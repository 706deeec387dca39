"""``annotate init``: an annotation skeleton for a policy text in the user's own folder.

The skeleton records the source (its path relative to the annotation, its sha256, URL
and retrieval date), the section headings found in it, guessed boilerplate, the fields
every document needs (placeholders where the text cannot tell), and a worklist of the
sentences to cover. An HTML page is first turned into text, saved beside it, because
evidence offsets count characters of the text that is annotated.

The YAML is written by hand rather than by a YAML dumper so that it can carry comments
that guide the annotator; every value is emitted by PyYAML as a quoted scalar, and the
whole text is read back with the strict loader before it is written.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from pypolicy.annotation.annotation import decode_source, read_source
from pypolicy.annotation.build import PLACEHOLDER, relative_path
from pypolicy.annotation.htmltext import extract, looks_like_html
from pypolicy.annotation.mismatch import visible
from pypolicy.annotation.outline import Reading, read_outline
from pypolicy.core.addresses import documentation_uri
from pypolicy.core.errors import ConfigError, InputError
from pypolicy.core.files import write_atomic
from pypolicy.core.version import FORMAT_VERSION
from pypolicy.format.loader import parse_text

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class InitResult:
    annotation: Path
    extracted: Path | None  # the text saved from an HTML page
    sections: tuple[str, ...]
    boilerplate: tuple[str, ...]
    worklist: tuple[tuple[str | None, str], ...]


def _scalar(value: str) -> str:
    """A YAML double-quoted scalar on one line (escapes chosen by PyYAML)."""
    dumped = yaml.safe_dump(value, default_style='"', allow_unicode=True, width=2 ** 31)
    return dumped.rstrip("\n").removesuffix("\n...").strip()


def document_id(stem: str) -> str:
    """An identifier for the document from the file name (``LocalId`` in the schema)."""
    slug = _ID_UNSAFE.sub("-", stem).strip("-._")[:100]
    if not slug or not slug[0].isalpha():
        slug = f"policy-{slug}".rstrip("-")
    return slug


def _check_options(url: str | None, retrieved: str | None) -> None:
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"--url must be an http(s) URL, not {url!r}")
    if retrieved is not None:
        try:
            if not _DATE.fullmatch(retrieved):
                raise ValueError
            datetime.date.fromisoformat(retrieved)
        except ValueError:
            raise ConfigError(f"--retrieved must be a date as YYYY-MM-DD, not {retrieved!r}")\
                from None


def _refuse_overwrite(path: Path, text: str | None, force: bool) -> None:
    if force or not path.exists():
        return
    if text is not None and path.is_file() and path.read_bytes() == text.encode("utf-8"):
        return
    raise ConfigError(f"{path} exists; pass --force to overwrite it")


def init_annotation(source: Path, annotation: Path | None, *, url: str | None = None,
                    retrieved: str | None = None, force: bool = False) -> InitResult:
    """Write the annotation skeleton for ``source`` (and, for an HTML page, its text)."""
    _check_options(url, retrieved)
    raw = read_source(source, shown_as=str(source))
    stem = source.name.rsplit(".", 1)[0] if "." in source.name[1:] else source.name
    annotation = annotation or source.with_name(f"{stem}.annotation.yaml")
    extracted: Path | None = None
    origin: tuple[str, str] | None = None
    title = language = None
    headings: tuple[str, ...] | None = None
    if looks_like_html(source.name, raw):
        page = extract(raw, str(source))
        if not page.text.strip():
            raise InputError("the page has no text to annotate", path=str(source))
        extracted = source.with_name(f"{stem}.txt")
        if extracted.resolve() == source.resolve():
            extracted = source.with_name(f"{stem}.extracted.txt")
        _refuse_overwrite(extracted, page.text, force)
        text, title, language = page.text, page.title, page.language
        headings = page.headings if len(page.headings) >= 2 else None
        origin = (relative_path(source, annotation.parent), hashlib.sha256(raw).hexdigest())
        raw = page.text.encode("utf-8")
        text_path = extracted
    else:
        text = decode_source(raw, str(source))
        text_path = source
    if not text.strip():
        raise InputError("the source has no text to annotate", path=str(source))
    if annotation.resolve() in (source.resolve(), text_path.resolve()):
        raise ConfigError(f"the annotation cannot be written over its source {annotation}")
    _refuse_overwrite(annotation, None, force)
    reading = read_outline(text, headings)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if title is None and reading.sections and reading.sections[0] in first_line:
        title = reading.sections[0]  # a text that opens with a heading opens with its title
    skeleton = _skeleton(
        source_file=relative_path(text_path, annotation.parent),
        sha256=hashlib.sha256(raw).hexdigest(), url=url, retrieved=retrieved, origin=origin,
        reading=reading, title=title, language=language, doc_id=document_id(stem),
        annotation_name=annotation.name)
    parse_text(skeleton, str(annotation), "yaml")  # what we write must read back
    if extracted is not None:
        _write(extracted, text)
    _write(annotation, skeleton)
    return InitResult(annotation, extracted, reading.sections, reading.boilerplate,
                      reading.worklist)


def _write(path: Path, text: str) -> None:
    try:
        write_atomic(path, text)
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None


def _skeleton(*, source_file: str, sha256: str, url: str | None, retrieved: str | None,
              origin: tuple[str, str] | None, reading: Reading, title: str | None,
              language: str | None, doc_id: str, annotation_name: str) -> str:
    q = _scalar
    lines = [
        f"# Annotation of {visible(source_file)}, written by `pypolicy annotate init`.",
        "#",
        "# 1. Fill in `document` below: what the policy states, each claim with evidence, a",
        "#    quote copied word for word from the source. Values starting with \"FILL IN:\"",
        "#    are placeholders. The guide and the format:",
        f"#    {documentation_uri('annotating.md')}",
        f"#    {documentation_uri('format.md')}",
        f"# 2. pypolicy annotate build {annotation_name}",
        "#    finds every quote in the source and writes the policy document.",
        f"# 3. pypolicy annotate coverage {annotation_name}",
        "#    lists the sentences of the source that no quote covers yet.",
        "",
        "source:",
        f"  file: {q(source_file)}  # relative to this file",
        f"  sha256: {q(sha256)}  # of the text as annotated",
    ]
    if url:
        lines.append(f"  url: {q(url)}")
    if retrieved:
        lines.append(f"  retrieved: {q(retrieved)}")
    if origin:
        lines += ["  extractedFrom:  # the page the text was extracted from",
                  f"    file: {q(origin[0])}", f"    sha256: {q(origin[1])}"]
    lines += ["", "# The headings of the source, verbatim and in order (found by init: check",
              "# them). A quote's section is the last heading before it."]
    lines += ["sections:"] + [f"  - {q(h)}" for h in reading.sections] if reading.sections \
        else ["sections: []"]
    lines += ["", "# Passages that state no practice (dates, notices, slogans, links); coverage",
              "# counts them apart. Guessed by init: check them, and add to them."]
    lines += ["boilerplate:"] + [f"  - {q(b)}" for b in reading.boilerplate] \
        if reading.boilerplate else ["boilerplate: []"]
    lines += ["", "document:", f"  formatVersion: {q(FORMAT_VERSION)}", f"  id: {q(doc_id)}"]
    lines.append(f"  title: {q(title)}  # from the source: check it" if title else
                 f"  title: {q(PLACEHOLDER + ' the title of the policy as published')}")
    lines.append(f"  language: {q(language)}  # from the page" if language else
                 f"  language: {q(PLACEHOLDER + ' the language of the text, e.g. en')}")
    if reading.last_updated:
        date, sentence = reading.last_updated
        lines.append(f"  lastUpdated: {q(date)}  # from: {visible(sentence[:60])}")
    lines += [
        "  provider:",
        f"    name: {q(PLACEHOLDER + ' the provider name the policy uses')}",
        "    evidence:",
        f"      - quote: {q(PLACEHOLDER + ' the words of the source that name the provider')}",
        "  # Add what the policy states, each entry with its evidence; for example:",
        "  # dataCategories:",
        "  #   - id: d-account",
        "  #     name: account details",
        "  #     categories: [personName, emailAddress]",
        "  #     evidence:",
        "  #       - quote: \"We collect your name and e-mail address when you sign up.\"",
        "  # statements:",
        "  #   - id: s-collect-account",
        "  #     modality: does",
        "  #     actions: [collect]",
        "  #     data: [d-account]",
        "  #     purposes: [accountManagement]",
        "  #     evidence:",
        "  #       - quote: \"We use your account details to run your account.\"",
        "",
        "# The sentences of the source that may state a practice: cover each with a quote",
        "# in the document, or move it to boilerplate. Not read by build; `pypolicy",
        "# annotate coverage` shows what is still uncovered.",
    ]
    if not reading.worklist:
        lines.append("worklist: []")
    else:
        lines.append("worklist:")
        current: str | None = None
        for section, sentence in reading.worklist:
            if section != current and section is not None:
                lines.append(f"  # {visible(section)}")
            current = section
            lines.append(f"  - {q(sentence)}")
    return "\n".join(lines) + "\n"
