"""JSON pointers (RFC 6901), the one place that spells their escaping.

Every place in a document is named by a JSON pointer: findings, parse errors, the model's
entries and the line map of the loader all build them. A key holding ``/`` or ``~`` must
be escaped (``~1``, ``~0``; tilde first, so that ``~1`` in a key is not read back as a
slash). Two string replacements do not justify a dependency (python-json-pointer); what
matters is that there is exactly one copy of them.
"""

from __future__ import annotations

from collections.abc import Iterable


def escape(token: str) -> str:
    """A key as a pointer token: ``a/b`` -> ``a~1b``, ``a~b`` -> ``a~0b``."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """The key a pointer token stands for (the inverse of :func:`escape`)."""
    return token.replace("~1", "/").replace("~0", "~")


def child(pointer: str, key: str | int) -> str:
    """The pointer to ``key`` (an object key or an array index) under ``pointer``."""
    return f"{pointer}/{key}" if isinstance(key, int) else f"{pointer}/{escape(key)}"


def join(tokens: Iterable[str | int]) -> str:
    """The pointer of a path of keys and indices (such as a validator error's path)."""
    return "".join("/" + escape(str(token)) for token in tokens)
