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


def document_regions(loaded: LoadedDocument) -> dict[str, Region]:
    """The region of every pointer in a loaded document; empty if the text will not
    compose."""
    text = loaded.text.replace("\t", " ") if loaded.syntax == "json" else loaded.text
    try:
        root = yaml.compose(text, Loader=_Loader)
    except (yaml.YAMLError, RecursionError, ValueError):
        return {}
    if root is None:
        return {}
    where = _Text(loaded.text)
    yaml_syntax = loaded.syntax == "yaml"
    regions: dict[str, Region] = {
        "": Region(root.start_mark.line + 1, root.start_mark.column + 1)}

    def region(node: Any) -> Region:
        start = where.offset(node.start_mark.line, node.start_mark.column)
        end = where.offset(node.end_mark.line, node.end_mark.column)
        end = where.trimmed_end(start, max(start, end), yaml_syntax)
        end_line, end_column = where.position(end)
        return Region(node.start_mark.line + 1, node.start_mark.column + 1, end_line + 1,
                      end_column + 1)

    def walk(node: Any, pointer: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = f"{pointer}/{_escape(str(key.value))}"
                regions[child] = region(value)
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = f"{pointer}/{index}"
                regions[child] = region(item)
                walk(item, child)

    walk(root, "")
    return regions


def region_at(regions: dict[str, Region], pointer: str) -> Region | None:
    """The region of ``pointer``, else of its nearest ancestor that has one."""
    probe = pointer
    while True:
        if probe in regions:
            return regions[probe]
        if not probe:
            return None
        probe = probe.rsplit("/", 1)[0]
