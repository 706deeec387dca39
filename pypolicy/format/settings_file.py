"""Reading the validator's settings file: with a size limit, strictly, and checked against
a JSON Schema (``data/settings.schema.json``) before anything uses it.

A settings file is small; whatever is named by ``--config`` or found on the way up is
read at most :data:`MAX_SETTINGS_BYTES` (``/dev/zero`` is refused, not read until memory
runs out; a named pipe with no writer reads as empty, it does not hang), must be UTF-8
and TOML, and may nest only as deep as TOML's parser can go. The schema says which keys
the table may hold and of what type, and bounds ``max-bytes`` by what a policy can be.
Every problem is a ConfigError naming the file and the key.

What the schema cannot know (which rules, profiles and severities exist) is checked by
the validator's settings module, which reads the table this module returns.
"""

from __future__ import annotations

import json
import tomllib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pypolicy.core.errors import ConfigError, InputTooLargeError, shown
from pypolicy.core.files import read_bounded

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

SCHEMA_FILE = Path(__file__).parent / "data" / "settings.schema.json"
MAX_SETTINGS_BYTES = 1024 * 1024


@cache
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def _place(path: Any) -> str:
    """``tool.pypolicy.max-bytes`` as the TOML reader would name it."""
    parts = [f"[{p}]" if isinstance(p, int) else str(p) for p in path]
    return ".".join(parts).replace(".[", "[")


def _message(error: Any) -> str:
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = list(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(known))
        return (f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}"
                f" (known: {', '.join(known)})")
    return str(error.message).replace(repr(error.instance), shown(error.instance), 1)


def read_settings_file(path: Path) -> dict[str, Any]:
    """The whole TOML document of a settings file, read safely and checked; ConfigError
    names the file (and the key) when it cannot be used."""
    try:
        raw = read_bounded(path, MAX_SETTINGS_BYTES)
    except InputTooLargeError:
        raise ConfigError(f"{path}: larger than the limit of {MAX_SETTINGS_BYTES} bytes for"
                          " a settings file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} at"
                          f" offset {exc.start})") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: nested too deep to read") from None
    from jsonschema.exceptions import best_match

    try:
        error = best_match(_validator().iter_errors(document))
    except RecursionError:
        raise ConfigError(f"{path}: nested too deep to check") from None
    if error is not None:
        place = _place(error.absolute_path)
        raise ConfigError(f"{path}: {f'{place}: ' if place else ''}{_message(error)}")
    return document


def settings_table(path: Path, *, explicit: bool) -> dict[str, Any] | None:
    """The ``[tool.pypolicy]`` table of a settings file, None when it has none. A file
    named with ``--config`` (``explicit``) may hold the table as ``[pypolicy]`` instead,
    and must hold one of the two: naming a file without settings is a mistake (or a pipe
    nobody writes to)."""
    document = read_settings_file(path)
    tool = document.get("tool", {})
    table = tool.get("pypolicy") if isinstance(tool, dict) else None
    if not table and explicit:  # an empty [tool.pypolicy] gives way to [pypolicy]
        table = document.get("pypolicy", table)
    if table is None and explicit:
        empty = " (the file is empty)" if not document else ""
        raise ConfigError(f"{path}: has no [tool.pypolicy] or [pypolicy] table{empty}")
    return table if isinstance(table, dict) else None
