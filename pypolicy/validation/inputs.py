"""The documents a validation run reads: files named on the command line, standard
input (``-``), and directories searched for policy documents.

A directory is searched recursively, in sorted order, for the file names of its
settings' ``include`` (by default ``*.policy.json``, ``*.policy.yaml``,
``*.policy.yml`` and ``policy.json``/``.yaml``/``.yml``), leaving out hidden folders,
installed packages and whatever ``exclude`` names; symbolic links to folders are not
followed. A file named on the command line is read even if ``exclude`` names it (so
that a typo does not pass silently), unless ``--force-exclude`` is given, which is what
a pre-commit hook, handed every changed file, wants. A directory with no policy
document in it is an unusable input of its own, like a file that does not exist.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pypolicy.core.errors import ConfigError
from pypolicy.format.discovery import search_directory
from pypolicy.validation.settings import Settings, SettingsFinder

STDIN = "-"


@dataclass(frozen=True)
class Input:
    """One document to read: where from, under which settings, or why it cannot be."""

    path: str  # as reported (for standard input, the --stdin-filename or "-")
    settings: Settings
    stdin: bool = False
    error: str | None = None  # set for a directory with no policy document


def _search(top: str, settings: Settings) -> list[str]:
    return search_directory(top, settings.include, settings.excluded)


def collect(names: list[str], finder: SettingsFinder, *, stdin_filename: str | None = None,
            force_exclude: bool = False) -> list[Input]:
    """The documents named by ``names``, each with its settings, in the order given."""
    if names.count(STDIN) > 1:
        raise ConfigError("standard input (-) can be read only once")
    if stdin_filename is not None and STDIN not in names:
        raise ConfigError("--stdin-filename names standard input, but - is not an input")
    inputs: list[Input] = []
    seen: set[str] = set()

    def add(entry: Input) -> None:
        key = entry.path if entry.stdin else os.path.abspath(entry.path)
        if key not in seen:
            seen.add(key)
            inputs.append(entry)

    for name in names:
        if name == STDIN:
            shown = stdin_filename or STDIN
            folder = Path(stdin_filename).parent if stdin_filename else Path.cwd()
            settings = finder.for_directory(folder)
            if not (force_exclude and stdin_filename and settings.excluded(shown)):
                add(Input(shown, settings, stdin=True))
        elif os.path.isdir(name):
            settings = finder.for_input(name)
            found = _search(name, settings)
            if not found:
                add(Input(name, settings, error="no policy documents in this directory"
                          f" (searched for {', '.join(settings.include)})"))
            for path in found:
                add(Input(path, settings))
        else:
            settings = finder.for_input(name)
            if not (force_exclude and settings.excluded(name)):
                add(Input(name, settings))
    return inputs
