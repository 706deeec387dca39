"""The public addresses of the project's documentation.

The installed package holds no ``docs/`` folder, so a message, a report or the README as
shown on a package index page that points at ``docs/format.md`` leads nowhere. They point
here instead: ``DOCUMENTATION_BASE`` + a file name of ``docs/``. The address sits in the
project's namespace (https://w3id.org/pypolicy), and must redirect to the repository's
``docs/`` folder (docs/ci.md says so); tests/test_editors.py holds the README to it.
"""

from __future__ import annotations

from typing import Final

DOCUMENTATION_BASE: Final = "https://w3id.org/pypolicy/docs/"


def documentation_uri(file: str, anchor: str | None = None) -> str:
    """The public address of ``docs/<file>`` (``format.md``, ``rules.md``, ...), and of
    a heading or anchor in it."""
    return f"{DOCUMENTATION_BASE}{file}" + (f"#{anchor}" if anchor else "")
