"""Which files in a directory are policy documents: one search for every command.

``validate`` and ``export`` find the documents in a directory with it (and the corpus
commands, ``query``, ``load`` and ``serve``, are meant to): recursively, in sorted order,
the files whose names match the include globs (by default ``*.policy.json``,
``*.policy.yaml``, ``*.policy.yml`` and ``policy.json``/``.yaml``/``.yml``), never entering
hidden folders, installed packages or caches, nor following symbolic links to folders (a
link back up would make the search endless). ``validate`` adds what its settings
exclude; ``export`` takes other globs with ``--pattern``.

A file found this way may still be something else (a configuration file named
``policy.yaml``): :func:`is_policy_document` tells, so that the commands that read a
corpus can skip it with a note, while a file named on the command line is always read
as a policy.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from pypolicy.core.errors import InputError

# What a directory is searched for: policy documents by the names the project uses.
DEFAULT_INCLUDE: Final = ("*.policy.json", "*.policy.yaml", "*.policy.yml",
                          "policy.json", "policy.yaml", "policy.yml")

# Folders a search never enters: hidden ones (.git, .venv, .tox, ...) and installed
# packages, which hold JSON and YAML of their own.
SKIPPED_FOLDERS: Final = (".*", "node_modules", "__pycache__", "venv", "site-packages")


# The help of --pattern, for the commands that search directories with this module.
PATTERN_HELP: Final = ("in directories (searched with their subfolders), read only the files"
                       " whose name matches GLOB (repeatable; default: " +
                       ", ".join(DEFAULT_INCLUDE) + "); files found that are not policy"
                       " documents are skipped with a note")


def _nothing(path: str) -> bool:
    return False


def search_directory(top: str, include: Sequence[str] = DEFAULT_INCLUDE,
                     excluded: Callable[[str], bool] = _nothing) -> list[str]:
    """The files under ``top`` whose names match ``include`` and that ``excluded`` does
    not leave out (asked of every folder and file by its path), in sorted order."""
    found: list[str] = []
    for folder, subfolders, files in os.walk(top):
        subfolders[:] = sorted(
            name for name in subfolders
            if not any(fnmatch.fnmatchcase(name, skip) for skip in SKIPPED_FOLDERS)
            and not excluded(os.path.join(folder, name)))
        for name in sorted(files):
            path = os.path.normpath(os.path.join(folder, name))
            if any(fnmatch.fnmatchcase(name, glob) for glob in include) and not excluded(path):
                found.append(path)
    return found


@dataclass(frozen=True)
class FoundFile:
    """A file to read: named on the command line, or found in a directory named there."""

    path: str
    listed: bool = False  # found in a directory: may be something else than a policy


def find_documents(names: Sequence[str], include: Sequence[str] = ()) -> list[FoundFile]:
    """The files named, and the policy documents :func:`search_directory` finds in the
    directories named (``include`` empty: the default globs); each once, in order.

    InputError for a name that does not exist, and for a directory with nothing to read.
    """
    globs = tuple(include) or DEFAULT_INCLUDE
    files: list[FoundFile] = []
    seen: set[str] = set()
    for name in names:
        if os.path.isdir(name):
            found = search_directory(name, globs)
            if not found:
                raise InputError("no policy documents in this directory (searched its"
                                 f" folders for {', '.join(globs)})", path=name)
            entries = [FoundFile(path, listed=True) for path in found]
        elif os.path.exists(name):
            entries = [FoundFile(name)]
        else:
            raise InputError("no such file or directory", path=name)
        for entry in entries:
            key = os.path.abspath(entry.path)
            if key not in seen:
                seen.add(key)
                files.append(entry)
    return files


def is_policy_document(data: object) -> bool:
    """Whether loaded data claims to be a policy document at all (a mapping with a
    ``formatVersion``); a configuration file or an annotation does not."""
    return isinstance(data, dict) and "formatVersion" in data


def not_a_policy(path: str, max_bytes: int | None = None) -> bool:
    """True for a readable JSON or YAML file that is no policy document (to skip, with a
    note); False for a policy document, and for a file that cannot be read at all (its
    error is the one to report)."""
    from pypolicy.format.loader import DEFAULT_MAX_BYTES, load_path

    try:
        data = load_path(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES).data
    except InputError:
        return False
    return not is_policy_document(data)


SKIPPED_NOTE: Final = "skipped: not a policy document (no formatVersion)"
