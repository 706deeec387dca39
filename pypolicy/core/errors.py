"""The exceptions pypolicy raises, in one place.

    PypolicyError                 base of everything pypolicy raises on purpose
    ├── InputError                input that cannot be used at all (CLI exit code 2)
    │   ├── ParseError            not JSON/YAML/Turtle, bad encoding, duplicate keys, too deep
    │   ├── InputTooLargeError    over the size limit
    │   ├── UnsafeInputError      names a remote or unknown JSON-LD context, uses YAML aliases
    │   │                         or tags, asks a query engine for SERVICE/LOAD/remote FROM
    │   └── NotAPolicyError       parses, but is not a policy document at all (not an object)
    ├── ConfigError               bad configuration or command-line options (exit code 2)
    ├── QuoteNotFoundError        an evidence quote is not in the source text (converter)
    └── QueryError                a SPARQL query cannot be parsed or run

Each error carries the file it concerns and, where known, the place in it (a JSON
pointer, a line and column), so that messages can name both.
"""

from __future__ import annotations

from typing import Any


class PypolicyError(Exception):
    """Base class of pypolicy's exceptions."""


class InputError(PypolicyError):
    """Input that cannot be used; the message names the file and the place."""

    def __init__(self, message: str, *, path: str | None = None, pointer: str | None = None,
                 line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.pointer = pointer
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.pointer:
            where += f" (at {shortened(self.pointer)})"
        return f"{where}: {self.message}"


def shortened(text: str, limit: int = 120) -> str:
    """``text`` cut to ``limit`` characters for a message, with a mark where it was cut."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def shown(value: Any, limit: int = 60) -> str:
    """``repr(value)``, cut short for a message: a 5,000-digit duration, a 4 MB key or
    title is named by its start and its length, not echoed whole."""
    text = repr(value)
    if len(text) <= limit:
        return text
    size = f"{len(value):,} characters" if isinstance(value, str) else f"{len(text):,} long"
    return f"{text[:limit]}… ({size})"


class ParseError(InputError):
    """The input is not well-formed in its format."""


class InputTooLargeError(InputError):
    """The input exceeds the configured size limit."""


class UnsafeInputError(InputError):
    """The input asks for something pypolicy refuses to do, such as a network fetch."""


class NotAPolicyError(InputError):
    """The input parses but is not a policy document at all."""


class ConfigError(PypolicyError):
    """Bad configuration or options."""


class QuoteNotFoundError(PypolicyError):
    """An evidence quote (or section heading) does not occur in the source text."""

    def __init__(self, quote: str, closest: str, *, kind: str = "quote") -> None:
        self.quote = quote
        self.closest = closest
        self.kind = kind
        super().__init__(f"{kind} not found in the source: {quote!r}\n"
                         f"  closest passage: {closest!r}")


class QueryError(PypolicyError):
    """A SPARQL query cannot be parsed or run."""
