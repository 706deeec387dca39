"""Where each value of a document is in its text: start and end, line and column.

The loader knows the line of every pointer; code scanning (SARIF, GitHub annotations,
GitLab code quality) also wants columns and an end. PyYAML's composer gives every node
its start and end marks, for YAML and for JSON alike (a JSON document is YAML in flow
style), so no scanner is written here: the C composer (libyaml) when it is installed,
else the pure-Python one. JSON may indent with tabs, which YAML refuses outside
strings; a JSON string cannot hold a raw tab, so the text is composed with tabs turned
into spaces, which keeps every column.

Positions are a courtesy, computed only when a reporter asks for them: a text the
composer cannot read (a character YAML does not allow, say) gives no regions, and the
findings keep the loader's lines.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

import yaml

from pypolicy.core.findings import Region
from pypolicy.format.loader import LoadedDocument

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class _Text:
    """Offsets, and (line, column) pairs, in one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(match.end() for match in re.finditer("\n", text))]

    def offset(self, line: int, column: int) -> int:
        return min(self.starts[min(line, len(self.starts) - 1)] + column, len(self.text))

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line]

    def trimmed_end(self, start: int, end: int, yaml_syntax: bool) -> int:
        """The end of a value without the blank lines (and, in YAML, the comment lines)
        a block node's end mark takes in before the next token."""
        while True:
            while end > start and self.text[end - 1] in " \t\r\n":
                end -= 1
            line_start = self.text.rfind("\n", start, end) + 1
            if not yaml_syntax or line_start <= start or \
                    not self.text[line_start:end].lstrip().startswith("#"):
                return end
            end = line_start


class Regions:
    """The regions of a composed document, worked out for the pointers asked about."""

    def __init__(self, loaded: LoadedDocument, root: Any) -> None:
        self._root = root
        self._text = _Text(loaded.text)
        self._yaml = loaded.syntax == "yaml"
        self._cache: dict[str, Region | None] = {}

    def _node(self, pointer: str) -> Any:
        node = self._root
        for token in pointer.split("/")[1:] if pointer else ():
            if isinstance(node, yaml.MappingNode):
                node = next((value for key, value in node.value
                             if _escape(str(key.value)) == token), None)
            elif isinstance(node, yaml.SequenceNode) and token.isdigit() and \
                    int(token) < len(node.value):
                node = node.value[int(token)]
            else:
                node = None
            if node is None:
                return None
        return node

    def _region(self, node: Any) -> Region:
        where = self._text
        start = where.offset(node.start_mark.line, node.start_mark.column)
        end = where.offset(node.end_mark.line, node.end_mark.column)
        end = where.trimmed_end(start, max(start, end), self._yaml)
        end_line, end_column = where.position(end)
        return Region(node.start_mark.line + 1, node.start_mark.column + 1, end_line + 1,
                      end_column + 1)

    def exact(self, pointer: str) -> Region | None:
        """The region of the value at ``pointer``; for the root, only where it starts."""
        if pointer not in self._cache:
            node = self._node(pointer)
            if node is None:
                self._cache[pointer] = None
            elif not pointer:
                self._cache[pointer] = Region(node.start_mark.line + 1,
                                              node.start_mark.column + 1)
            else:
                self._cache[pointer] = self._region(node)
        return self._cache[pointer]

    def at(self, pointer: str) -> Region | None:
        """The region of ``pointer``, else of its nearest ancestor that has one."""
        probe = pointer
        while True:
            region = self.exact(probe)
            if region is not None or not probe:
                return region
            probe = probe.rsplit("/", 1)[0]


def document_regions(loaded: LoadedDocument) -> Regions | None:
    """The regions of a loaded document; None if the text will not compose."""
    text = loaded.text.replace("\t", " ") if loaded.syntax == "json" else loaded.text
    try:
        root = yaml.compose(text, Loader=_Loader)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    return Regions(loaded, root) if root is not None else None
