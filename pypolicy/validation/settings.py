"""The validator's settings: where they are found, what they may say, and how the
command line overrides them.

Settings live in a ``[tool.pypolicy]`` table of a ``pyproject.toml``. Without
``--config``, the file is found the way ruff finds its own: from the directory of the
input (a file's folder, a directory named, the current directory for standard input)
upwards, the first ``pyproject.toml`` that has a ``[tool.pypolicy]`` table wins; the
search stops at the project root, a directory holding ``.git``, so that a repository
never picks up a file from outside it. ``--isolated`` reads no file at all. Patterns in
a file (``exclude``, ``per-file-ignores``) are relative to the file's directory; those
on the command line to the current directory.

Keys::

    select = ["VP3", "vague-retention"]   # codes, code prefixes, names, groups, ALL
    extend-select = ["VP004"]             # added to select (opt-in rules by code)
    ignore = ["consistency"]
    severity = { VP209 = "error" }
    profiles = ["gdpr"]
    fail-level = "warning"
    max-bytes = 16777216
    max-findings-per-rule = 100           # the rest counted in one finding; 0: all
    include = ["*.policy.json"]           # file names a directory is searched for
    exclude = ["drafts", "old/*.yaml"]    # files and folders left out of a search
    per-file-ignores = { "examples/*" = ["VP3"] }
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from pypolicy.core.errors import ConfigError
from pypolicy.core.findings import Severity
from pypolicy.format.discovery import DEFAULT_INCLUDE as DEFAULT_INCLUDE  # one search for all
from pypolicy.format.settings_file import settings_table
from pypolicy.validation.engine import Config, known_selector
from pypolicy.validation.rules._base import MAX_FINDINGS_PER_RULE, PROFILES

KNOWN_KEYS = ("select", "extend-select", "ignore", "severity", "profiles", "fail-level",
              "max-bytes", "max-findings-per-rule", "include", "exclude", "per-file-ignores")


@dataclass(frozen=True)
class Pattern:
    """A glob pattern and the directory it is relative to."""

    glob: str
    base: Path

    def matches(self, path: str | Path) -> bool:
        """Whether the pattern names ``path`` or a folder it is in: by name
        (``drafts``, ``*.draft.yaml``), or by the path relative to the base
        (``policies/old/*``, where ``*`` may also cross folders)."""
        glob = self.glob.removeprefix("./").rstrip("/")
        absolute = Path(os.path.abspath(path))
        try:
            relative: PurePosixPath | None = PurePosixPath(absolute.relative_to(self.base))
        except ValueError:
            relative = None  # outside the base: only names can match
        candidates = [absolute, *absolute.parents]
        if relative is not None:
            candidates = candidates[:len(relative.parts)]
        for candidate in candidates:
            if fnmatch.fnmatchcase(candidate.name, glob):
                return True
            if relative is not None:
                inside = PurePosixPath(candidate.relative_to(self.base).as_posix())
                if inside.match(glob) or fnmatch.fnmatchcase(str(inside), glob):
                    return True
        return False


@dataclass(frozen=True)
class Overrides:
    """What the command line says; None (or empty) leaves the file's value."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] | None = None
    profiles: tuple[str, ...] | None = None
    fail_level: str | None = None
    exclude: tuple[str, ...] = ()  # added to the file's
    enable: tuple[str, ...] = ()  # opt-in rules (--shacl)
    max_findings_per_rule: int | None = None  # 0: list every finding


@dataclass(frozen=True)
class Settings:
    """Settings for the files of one input, from one file (or none) and the command line."""

    config: Config
    source: Path | None = None  # the file read, if any
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[Pattern, ...] = ()
    per_file_ignores: tuple[tuple[Pattern, tuple[str, ...]], ...] = field(default=())

    def excluded(self, path: str | Path) -> bool:
        return any(pattern.matches(path) for pattern in self.exclude)

    def included(self, path: str | Path) -> bool:
        name = Path(path).name
        return any(fnmatch.fnmatchcase(name, glob) for glob in self.include)

    def config_for(self, path: str) -> Config:
        """The configuration for one file, with the per-file ignores that name it."""
        extra = [code for pattern, codes in self.per_file_ignores if pattern.matches(path)
                 for code in codes]
        return replace(self.config, ignore=(*self.config.ignore, *extra)) if extra \
            else self.config


def find_config_file(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` with a ``[tool.pypolicy]`` table, from ``start``
    up to the project root (a directory holding ``.git``)."""
    directory = Path(os.path.abspath(start))
    while True:
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and settings_table(candidate, explicit=False) is not None:
            return candidate
        if (directory / ".git").exists() or directory.parent == directory:
            return None
        directory = directory.parent


def _table(path: Path, explicit: bool) -> dict[str, Any]:
    # read with a size limit and checked against a JSON Schema (format/settings_file.py)
    return settings_table(path, explicit=explicit) or {}


def _strings(value: Any, key: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    return tuple(value)


def _check_selectors(keys: Sequence[str], where: str) -> None:
    for key in keys:
        if not known_selector(key):
            raise ConfigError(f"{where}unknown rule, code prefix, name or group {key!r}"
                              " (see pypolicy rules)")


def read_settings(path: Path | None, overrides: Overrides = Overrides(), *,
                  explicit: bool = False) -> Settings:
    """Settings from a file (None: defaults) with the command line's overrides."""
    table = _table(path, explicit) if path is not None else {}
    where = str(path) if path is not None else "command line"
    unknown = set(table) - set(KNOWN_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown [tool.pypolicy] keys: "
                          f"{', '.join(sorted(unknown))} (known: {', '.join(KNOWN_KEYS)})")
    base = path.parent.resolve() if path is not None else Path.cwd()
    file_prefix = f"{where}: " if path is not None else ""
    severity_table = table.get("severity", {})
    if not isinstance(severity_table, dict):
        raise ConfigError(f"{where}: severity must be a table such as {{ VP209 = \"error\" }}")
    try:
        severities = {str(k): Severity.parse(str(v)) for k, v in severity_table.items()}
        fail_level = Severity.parse(overrides.fail_level or
                                    str(table.get("fail-level", "error")))
    except ValueError as exc:
        raise ConfigError(f"{file_prefix}{exc}") from None

    from_file = {"select": overrides.select is None, "ignore": overrides.ignore is None}
    select = overrides.select if overrides.select is not None else \
        _strings(table.get("select"), "select", where)
    file_extend = _strings(table.get("extend-select"), "extend-select", where)
    ignore = overrides.ignore if overrides.ignore is not None else \
        _strings(table.get("ignore"), "ignore", where)
    _check_selectors([*(select if from_file["select"] else ()), *file_extend,
                      *(ignore if from_file["ignore"] else ()), *severities], file_prefix)
    _check_selectors([*(() if from_file["select"] else select), *overrides.extend_select,
                      *(() if from_file["ignore"] else ignore)], "")
    extend = (*file_extend, *overrides.extend_select)
    profiles = overrides.profiles if overrides.profiles is not None else \
        _strings(table.get("profiles"), "profiles", where)
    bad = set(profiles) - set(PROFILES)
    if bad:
        raise ConfigError(f"unknown profile(s) {', '.join(sorted(bad))}; known: "
                          f"{', '.join(PROFILES)}")
    max_bytes = table.get("max-bytes", 16 * 1024 * 1024)
    if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes <= 0:
        raise ConfigError(f"{where}: max-bytes must be a positive integer")
    max_findings = overrides.max_findings_per_rule
    if max_findings is None:
        max_findings = table.get("max-findings-per-rule", MAX_FINDINGS_PER_RULE)
    elif max_findings < 0:
        raise ConfigError("--max-findings-per-rule must be a whole number, 0 for all")
    if not isinstance(max_findings, int) or isinstance(max_findings, bool) or max_findings < 0:
        raise ConfigError(f"{where}: max-findings-per-rule must be a whole number, 0 for all")
    # extend-select adds to a selection; with no selection (every rule) it can only
    # switch on opt-in rules, which is what enable does
    config = Config(tuple(select) + extend if select else (), tuple(ignore), severities,
                    tuple(profiles), fail_level, max_bytes,
                    enable=(*overrides.enable, *(() if select else extend)),
                    max_findings_per_rule=max_findings or None)

    include = _strings(table.get("include"), "include", where) or DEFAULT_INCLUDE
    exclude = tuple(Pattern(glob, base) for glob in
                    _strings(table.get("exclude"), "exclude", where)) + \
        tuple(Pattern(glob, Path.cwd()) for glob in overrides.exclude)
    raw_ignores = table.get("per-file-ignores", {})
    if not isinstance(raw_ignores, dict):
        raise ConfigError(f"{where}: per-file-ignores must be a table of pattern = [rules]")
    per_file: list[tuple[Pattern, tuple[str, ...]]] = []
    for glob, codes in raw_ignores.items():
        listed = _strings(codes, f"per-file-ignores {glob!r}", where)
        _check_selectors(listed, file_prefix)
        per_file.append((Pattern(str(glob), base), listed))
    return Settings(config, path, include, exclude, tuple(per_file))


class SettingsFinder:
    """Settings for each input: one file for all (``--config``), none (``--isolated``),
    or the nearest file above each input, read once per file."""

    def __init__(self, overrides: Overrides, *, config: str | None = None,
                 isolated: bool = False) -> None:
        if config is not None and isolated:
            raise ConfigError("--config and --isolated cannot be used together")
        self.overrides = overrides
        self.fixed: Settings | None = None
        if config is not None:
            self.fixed = read_settings(Path(config), overrides, explicit=True)
        elif isolated:
            self.fixed = read_settings(None, overrides)
        self._by_file: dict[Path | None, Settings] = {}

    def for_directory(self, directory: str | Path) -> Settings:
        if self.fixed is not None:
            return self.fixed
        found = find_config_file(Path(directory))
        if found not in self._by_file:
            self._by_file[found] = read_settings(found, self.overrides)
        return self._by_file[found]

    def for_input(self, name: str) -> Settings:
        """Settings for a file or directory named on the command line."""
        path = Path(name)
        return self.for_directory(path if path.is_dir() else path.parent)
