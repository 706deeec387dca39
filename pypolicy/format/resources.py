"""The bundled format files (schema, context, vocabulary, shapes), found offline."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent.parent  # the pypolicy package


@cache
def schema_dir() -> Path:
    """``schema/`` as installed in a wheel, or at the top of a source checkout."""
    for candidate in (_PACKAGE / "_bundled" / "schema", _PACKAGE.parent / "schema"):
        if (candidate / "policy.schema.json").is_file():
            return candidate
    raise FileNotFoundError("pypolicy's schema files are missing from the installation")


def schema_file(name: str) -> Path:
    return schema_dir() / name


@cache
def load_json(name: str) -> Any:
    return json.loads(schema_file(name).read_text(encoding="utf-8"))


def policy_schema() -> dict[str, Any]:
    result: dict[str, Any] = load_json("policy.schema.json")
    return result


def context() -> dict[str, Any]:
    """The JSON-LD context, by value (``{"@context": {...}}``)."""
    result: dict[str, Any] = load_json("context.jsonld")
    return result


def vocabulary_index() -> dict[str, Any]:
    result: dict[str, Any] = load_json("vocabulary.json")
    return result
