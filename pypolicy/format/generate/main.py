"""Generating every artefact at once, checking that the checked-in ones are current, and
the command line (``python -m pypolicy.format.generate [--check]``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pypolicy.format.generate.context import build_context
from pypolicy.format.generate.docs import build_docs
from pypolicy.format.generate.index import build_index
from pypolicy.format.generate.json_schema import build_schema
from pypolicy.format.generate.shapes import build_shapes_ttl
from pypolicy.format.generate.sources import FormatSourceError, load_sources
from pypolicy.format.generate.vocabulary import build_vocabulary_ttl


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def generate(root: Path | None = None) -> dict[Path, str]:
    """Every generated file and its content."""
    s = load_sources(root)
    schema = build_schema(s)
    out = s.root / "schema"
    return {
        out / "policy.schema.json": _json(schema),
        out / "context.jsonld": _json(build_context(s, schema)),
        out / "vocabulary.json": _json(build_index(s, schema)),
        out / "vocabulary.ttl": build_vocabulary_ttl(s, schema),
        out / "shapes.ttl": build_shapes_ttl(s, schema),
        s.root / "docs" / "format.md": build_docs(s, schema),
    }


def _differs(path: Path, text: str) -> bool:
    return not path.exists() or path.read_text(encoding="utf-8") != text


def stale_files(root: Path | None = None) -> list[Path]:
    """Generated files whose checked-in content differs from a fresh generation."""
    return [p for p, text in generate(root).items() if _differs(p, text)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pypolicy.format.generate",
        description="Generate the format's artefacts (schema/, docs/format.md) from schema/src/.")
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args(argv)
    try:
        files = generate()
    except FormatSourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stale = [p for p, t in files.items() if _differs(p, t)]
    if args.check:
        for p in stale:
            print(f"stale: {p}")
        return 1 if stale else 0
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files ({len(stale)} changed)")
    return 0
