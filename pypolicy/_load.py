"""Reading policy documents from JSON or YAML, strictly and safely.

Strict: invalid UTF-8, duplicate keys, NaN/Infinity, nesting deeper than a limit and
files over a size limit are errors that name the file and the place. Safe: YAML is read
without aliases (no "billion laughs") and without tags, and YAML 1.1's surprises are
switched off (``NO`` stays the country code of Norway; ``2024-07-02`` stays a string).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from pypolicy._errors import InputTooLargeError, NotAPolicyError, ParseError, UnsafeInputError

DEFAULT_MAX_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_DEPTH = 64

Syntax = Literal["json", "yaml"]


class _StrictYamlLoader(yaml.SafeLoader):
    """SafeLoader without aliases, tags, timestamps or yes/no/on/off booleans."""

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class-level table
        first: [(tag, regexp) for tag, regexp in resolvers
                if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise UnsafeInputError(
                "YAML aliases (*name) are not accepted in policy documents",
                line=event.start_mark.line + 1, column=event.start_mark.column + 1)
        event = self.peek_event()  # type: ignore[no-untyped-call]
        tag = getattr(event, "tag", None)
        if tag not in (None, "!") and not str(tag).startswith("tag:yaml.org,2002:"):
            raise UnsafeInputError(f"YAML tag {tag} is not accepted",
                                   line=event.start_mark.line + 1,
                                   column=event.start_mark.column + 1)
        if getattr(event, "anchor", None) is not None:
            raise UnsafeInputError("YAML anchors (&name) are not accepted in policy documents",
                                   line=event.start_mark.line + 1,
                                   column=event.start_mark.column + 1)
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise ParseError(f"duplicate key {key!r}", line=key_node.start_mark.line + 1,
                                 column=key_node.start_mark.column + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))


@dataclass
class LoadedDocument:
    """A document as read: its data, its text, and where it came from."""

    path: str
    data: Any
    text: str
    syntax: Syntax
    _lines: dict[str, int] | None = field(default=None, repr=False)

    def line_of(self, pointer: str) -> int | None:
        """The line where the value at ``pointer`` starts, or its nearest ancestor's."""
        if self._lines is None:
            self._lines = _pointer_lines(self.text)
        probe = pointer
        while True:
            if probe in self._lines:
                return self._lines[probe]
            if not probe:
                return None
            probe = probe.rsplit("/", 1)[0]


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _pointer_lines(text: str) -> dict[str, int]:
    """Map JSON pointers to 1-based lines; JSON is read as YAML for its positions."""
    try:
        root = yaml.compose(text, Loader=_StrictYamlLoader)
    except Exception:  # positions are a courtesy; a document that loaded has its data
        return {}
    lines: dict[str, int] = {}

    def walk(node: Any, pointer: str) -> None:
        lines[pointer] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, f"{pointer}/{_escape(str(key.value))}")
                lines.setdefault(f"{pointer}/{_escape(str(key.value))}", key.start_mark.line + 1)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, f"{pointer}/{index}")

    if root is not None:
        walk(root, "")
    return lines


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _depth_exceeds(data: Any, limit: int) -> str | None:
    """The pointer of the first value nested deeper than ``limit``, if any."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, pointer, depth = stack.pop()
        if depth > limit:
            return pointer
        if isinstance(value, dict):
            stack.extend((v, f"{pointer}/{_escape(k)}", depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, f"{pointer}/{i}", depth + 1) for i, v in enumerate(value))
    return None


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def decode(raw: bytes, path: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _line_col(raw[: exc.start].decode("utf-8", "replace"), exc.start)
        raise ParseError(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                         path=path, line=line, column=column) from None


def guess_syntax(path: str, text: str) -> Syntax:
    suffix = Path(path).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix in (".json", ".jsonld"):
        return "json"
    return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"


def parse_text(text: str, path: str = "<input>", syntax: Syntax | None = None, *,
               max_depth: int = DEFAULT_MAX_DEPTH) -> LoadedDocument:
    syntax = syntax or guess_syntax(path, text)
    if syntax == "json":
        try:
            data = json.loads(text, object_pairs_hook=_no_duplicates,
                              parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
            raise ParseError(f"not valid JSON: {exc.msg}", path=path, line=exc.lineno,
                             column=exc.colno) from None
        except ValueError as exc:
            raise ParseError(f"not valid JSON: {exc}", path=path) from None
        except RecursionError:
            raise ParseError("nesting too deep to read", path=path) from None
    else:
        try:
            data = yaml.load(text, Loader=_StrictYamlLoader)
        except (ParseError, UnsafeInputError) as exc:
            exc.path = path
            raise
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise ParseError(f"not valid YAML: {exc.problem or exc.context}", path=path,
                             line=mark.line + 1 if mark else None,
                             column=mark.column + 1 if mark else None) from None
        except yaml.YAMLError as exc:
            raise ParseError(f"not valid YAML: {exc}", path=path) from None
        except RecursionError:
            raise ParseError("nesting too deep to read", path=path) from None
    deep = _depth_exceeds(data, max_depth)
    if deep is not None:
        raise ParseError(f"nested more than {max_depth} levels deep", path=path, pointer=deep)
    if not isinstance(data, dict):
        raise NotAPolicyError(f"a policy document is a JSON object, not {_kind(data)}",
                              path=path, pointer="")
    return LoadedDocument(path, data, text, syntax)


def _kind(value: Any) -> str:
    if value is None:
        return "null (an empty document?)"
    return {list: "an array", str: "a string", bool: "a boolean", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


def load_path(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
              max_depth: int = DEFAULT_MAX_DEPTH) -> LoadedDocument:
    """Read a JSON or YAML policy document from a file."""
    name = str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ParseError(f"cannot read: {exc.strerror or exc}", path=name) from None
    if len(raw) > max_bytes:
        raise InputTooLargeError(f"larger than the limit of {max_bytes} bytes", path=name)
    return parse_text(decode(raw, name), name, max_depth=max_depth)


def iter_pointers(data: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """Every (pointer, value) pair of a JSON value, depth first."""
    yield pointer, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from iter_pointers(value, f"{pointer}/{_escape(str(key))}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from iter_pointers(value, f"{pointer}/{index}")
