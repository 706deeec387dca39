"""Reading policy documents from JSON or YAML, strictly and safely.

Strict: invalid UTF-8, duplicate keys, NaN/Infinity (also a number too large for a
float), text that is not valid Unicode (a lone surrogate escape such as ``"\\ud800"``),
nesting deeper than a limit and files over a size limit are errors that name the file
and the place. Whatever the syntax, what loads is plain JSON data: objects with string
keys, arrays, strings, finite numbers, booleans and null. Safe: YAML is read without
aliases (no "billion laughs") and without tags other than JSON's own, and YAML 1.1's
surprises are switched off (``NO`` stays the country code of Norway; ``2024-07-02``
stays a string).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypedDict

import yaml

from pypolicy.core.errors import (
    InputTooLargeError,
    NotAPolicyError,
    ParseError,
    UnsafeInputError,
    shortened,
    shown,
)
from pypolicy.core.files import read_bounded
from pypolicy.format.lines import LineIndex, line_col
from pypolicy.format.pointers import escape

DEFAULT_MAX_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_DEPTH = 64

Syntax = Literal["json", "yaml"]


# Explicit tags that name a JSON type; every other tag (!!binary, !!set, !!timestamp,
# !!omap, !!python/..., local tags) would make a value JSON has no place for.
_JSON_TAGS = frozenset({None, "!"} | {f"tag:yaml.org,2002:{name}" for name in
                                      ("str", "int", "float", "bool", "null", "seq", "map")})


class _Place(TypedDict):
    line: int
    column: int


class _StrictYamlLoader(yaml.SafeLoader):
    """SafeLoader without aliases, non-JSON tags, timestamps or yes/no/on/off booleans;
    keys must be strings and numbers finite."""

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class-level table
        first: [(tag, regexp) for tag, regexp in resolvers
                if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def at(self, mark: Any) -> _Place:
        """``line=``, ``column=`` of a mark, counted as people count lines (PyYAML's own
        count takes U+2028 for a line break)."""
        if not hasattr(self, "_line_index"):
            self._line_index = LineIndex(self.buffer)
        line, column = self._line_index.line_col(mark.index)
        return _Place(line=line, column=column)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise UnsafeInputError(
                "YAML aliases (*name) are not accepted in policy documents",
                **self.at(event.start_mark))
        event = self.peek_event()  # type: ignore[no-untyped-call]
        tag = getattr(event, "tag", None)
        if tag not in _JSON_TAGS:
            raise UnsafeInputError(f"YAML tag {shortened(str(tag), 60)} is not accepted",
                                   **self.at(event.start_mark))
        if getattr(event, "anchor", None) is not None:
            raise UnsafeInputError("YAML anchors (&name) are not accepted in policy documents",
                                   **self.at(event.start_mark))
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                what = "null" if key is None else _kind(key)
                if isinstance(key_node, yaml.ScalarNode):
                    what += f" ({shown(key_node.value)}); quote it"
                raise ParseError(f"a key must be a string, not {what}",
                                 **self.at(key_node.start_mark))
            if key in seen:
                raise ParseError(f"duplicate key {shown(key)}", **self.at(key_node.start_mark))
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))


def _finite_float(loader: _StrictYamlLoader, node: Any) -> float:
    value = loader.construct_yaml_float(node)
    if not math.isfinite(value):
        raise ParseError(f"{shortened(node.value, 60)} is not a number JSON can hold (no NaN"
                         " or infinity)", **loader.at(node.start_mark))
    return value


_StrictYamlLoader.add_constructor("tag:yaml.org,2002:float", _finite_float)


def _readable_int(loader: _StrictYamlLoader, node: Any) -> int:
    try:
        return int(loader.construct_yaml_int(node))
    except ValueError:  # Python refuses to convert more than 4,300 digits
        raise ParseError(f"{shortened(node.value, 60)} is a number too long to read",
                         **loader.at(node.start_mark)) from None


_StrictYamlLoader.add_constructor("tag:yaml.org,2002:int", _readable_int)


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
            self._lines = _pointer_lines(self.text, self.syntax)
        probe = pointer
        while True:
            if probe in self._lines:
                return self._lines[probe]
            if not probe:
                return None
            probe = probe.rsplit("/", 1)[0]


def _pointer_lines(text: str, syntax: Syntax = "yaml") -> dict[str, int]:
    """Map JSON pointers to 1-based lines (of the value, else of its key)."""
    if syntax == "json":
        try:
            return _scan_json(text).lines
        except _Located:
            return {}
    try:
        root = yaml.compose(text, Loader=_StrictYamlLoader)
    except Exception:  # positions are a courtesy; a document that loaded has its data
        return {}
    lines: dict[str, int] = {}
    line_index = LineIndex(text)

    def walk(node: Any, pointer: str) -> None:
        lines[pointer] = line_index.line(node.start_mark.index)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, f"{pointer}/{escape(str(key.value))}")
                lines.setdefault(f"{pointer}/{escape(str(key.value))}",
                                 line_index.line(key.start_mark.index))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, f"{pointer}/{index}")

    if root is not None:
        walk(root, "")
    return lines


class _Located(Exception):
    """A problem found while scanning JSON text, at an offset and a pointer."""

    def __init__(self, message: str, offset: int, pointer: str) -> None:
        super().__init__(message)
        self.message, self.offset, self.pointer = message, offset, pointer


@dataclass
class _Frame:
    pointer: str
    is_object: bool
    index: int = 0
    key: str = ""
    keys: set[str] = field(default_factory=set)


@dataclass
class _Scan:
    lines: dict[str, int]


_WHITESPACE = re.compile(r"[ \t\n\r]*")
# possessive: a long string is one run, not one backtracking step per character (the
# plain (?:[^"\\]|\\.)* kept about 120 bytes per character on re's stack)
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_SCALAR = re.compile(r"[^\s,\]}:]+")


def _scan_json(text: str, *, max_depth: int | None = None,
               duplicates: bool = False) -> _Scan:
    """Where each value of a JSON text starts, without building the values.

    Iterative, so it also finds the place where text nests too deep for ``json`` (with
    ``max_depth``) and the first repeated key of an object (with ``duplicates``); both
    raise ``_Located``. The text is assumed to be JSON; on anything else the scan stops
    where it cannot go on, and what it found so far is the answer.
    """
    lines: dict[str, int] = {}
    stack: list[_Frame] = []
    expecting_key = False
    position = 0
    line_at = LineIndex(text).line

    def value_pointer() -> str:
        if not stack:
            return ""
        top = stack[-1]
        return f"{top.pointer}/{escape(top.key)}" if top.is_object else \
            f"{top.pointer}/{top.index}"

    while True:
        match = _WHITESPACE.match(text, position)
        position = match.end() if match else position
        if position >= len(text):
            break
        char = text[position]
        if char == '"':
            match = _STRING.match(text, position)
            if match is None:
                break
            if stack and stack[-1].is_object and expecting_key:
                try:
                    key = json.loads(match.group())
                except ValueError:
                    break
                top = stack[-1]
                if duplicates and key in top.keys:
                    raise _Located(f"duplicate key {shown(key)}", position,
                                   f"{top.pointer}/{escape(key)}")
                top.keys.add(key)
                top.key = key
                expecting_key = False
            else:
                lines[value_pointer()] = line_at(position)
            position = match.end()
        elif char in "{[":
            pointer = value_pointer()
            lines[pointer] = line_at(position)
            stack.append(_Frame(pointer, char == "{"))
            if max_depth is not None and len(stack) > max_depth + 1:
                raise _Located(f"nested more than {max_depth} levels deep", position, pointer)
            expecting_key = char == "{"
            position += 1
        elif char in "}]":
            if stack:
                stack.pop()
            expecting_key = False
            position += 1
        elif char == ",":
            if stack:
                if stack[-1].is_object:
                    expecting_key = True
                else:
                    stack[-1].index += 1
            position += 1
        elif char == ":":
            position += 1
        else:
            match = _SCALAR.match(text, position)
            lines[value_pointer()] = line_at(position)
            position = match.end() if match else position + 1
    return _Scan(lines)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(f"duplicate key {shown(key)}")
        result[key] = value
    return result


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _first_problem(data: Any, limit: int) -> tuple[str, str] | None:
    """The pointer and description of the first value that is not plain JSON data (a
    non-finite number, text with a lone surrogate, a value of another type) or that is
    nested deeper than ``limit``; None when there is none."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, pointer, depth = stack.pop()
        if depth > limit:
            return pointer, f"nested more than {limit} levels deep"
        if isinstance(value, str):
            if _LONE_SURROGATE.search(value):
                return pointer, "text with a lone surrogate (\\ud800-\\udfff), which is not" \
                                " valid Unicode"
        elif isinstance(value, dict):
            for key, item in value.items():
                here = f"{pointer}/{escape(key)}"
                if _LONE_SURROGATE.search(key):
                    return here, "a key with a lone surrogate, which is not valid Unicode"
                stack.append((item, here, depth + 1))
        elif isinstance(value, list):
            stack.extend((v, f"{pointer}/{i}", depth + 1) for i, v in enumerate(value))
        elif isinstance(value, float):
            if not math.isfinite(value):
                return pointer, "a number too large for JSON to hold (it overflows to infinity)"
        elif value is not None and not isinstance(value, (bool, int)):
            return pointer, f"{type(value).__name__} is not a JSON value"
    return None


def _json_error(exc: ValueError | RecursionError, text: str, path: str,
                max_depth: int) -> ParseError:
    """A ParseError for a JSON text ``json.loads`` refused, with the place where known."""
    try:
        if isinstance(exc, RecursionError):
            _scan_json(text, max_depth=max_depth)
            return ParseError("nesting too deep to read", path=path)
        if isinstance(exc, _DuplicateKey):
            _scan_json(text, duplicates=True)
        digits = re.search(r"[0-9]{4000,}", text)  # int() refuses very long numbers
        if digits and "digits" in str(exc):
            line, column = line_col(text, digits.start())
            return ParseError(f"not valid JSON: {exc}", path=path, line=line, column=column)
    except _Located as found:
        line, column = line_col(text, found.offset)
        message = found.message if isinstance(exc, RecursionError) else \
            f"not valid JSON: {found.message}"
        return ParseError(message, path=path, line=line, column=column, pointer=found.pointer)
    return ParseError(f"not valid JSON: {exc}", path=path)


def decode(raw: bytes, path: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8", "replace")
        line, column = line_col(before, len(before))
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
            line, column = line_col(text, exc.pos)
            raise ParseError(f"not valid JSON: {exc.msg}", path=path, line=line,
                             column=column) from None
        except (ValueError, RecursionError) as exc:
            raise _json_error(exc, text, path, max_depth) from None
    else:
        try:
            data = yaml.load(text, Loader=_StrictYamlLoader)
        except (ParseError, UnsafeInputError) as exc:
            exc.path = path
            raise
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            place = line_col(text, mark.index) if mark else (None, None)
            raise ParseError(f"not valid YAML: {exc.problem or exc.context}", path=path,
                             line=place[0], column=place[1]) from None
        except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL)
            at_line, at_column = line_col(text, exc.position)
            code = exc.character if isinstance(exc.character, int) else ord(exc.character)
            raise ParseError(f"not valid YAML: the character U+{code:04X} is not allowed"
                             " (YAML allows no control characters but tab and line breaks)",
                             path=path, line=at_line, column=at_column) from None
        except yaml.YAMLError as exc:
            raise ParseError(f"not valid YAML: {exc}", path=path) from None
        except RecursionError:
            deepest = _deepest_bracket(text, max_depth)
            raise ParseError(f"nested more than {max_depth} levels deep", path=path,
                             line=deepest[0], column=deepest[1]) from None
    problem = _first_problem(data, max_depth)
    if problem is not None:
        pointer, message = problem
        raise ParseError(message, path=path, pointer=pointer,
                         line=LoadedDocument(path, data, text, syntax).line_of(pointer))
    if not isinstance(data, dict):
        raise NotAPolicyError(f"a policy document is a JSON object, not {_kind(data)}",
                              path=path, pointer="")
    return LoadedDocument(path, data, text, syntax)


def _deepest_bracket(text: str, limit: int) -> tuple[int | None, int | None]:
    """Where flow brackets in YAML text first nest deeper than ``limit`` (quotes ignored:
    this only places an error that the parser has already found)."""
    depth = 0
    for match in re.finditer(r"[\[\]{}]", text):
        depth += 1 if match.group() in "[{" else -1
        if depth > limit:
            return line_col(text, match.start())
    return None, None


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
        # a regular file over the limit is refused unread; a pipe or a device is read
        # only up to the limit; a named pipe with no writer reads as empty, never hangs
        raw = read_bounded(path, max_bytes)
    except InputTooLargeError as exc:
        exc.path = name
        raise
    except OSError as exc:
        raise ParseError(f"cannot read: {exc.strerror or exc}", path=name) from None
    return parse_text(decode(raw, name), name, max_depth=max_depth)


def iter_pointers(data: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """Every (pointer, value) pair of a JSON value, depth first."""
    yield pointer, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from iter_pointers(value, f"{pointer}/{escape(str(key))}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from iter_pointers(value, f"{pointer}/{index}")
