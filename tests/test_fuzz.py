"""Fuzzing the loader and the validator: whatever the bytes, the only exceptions are
pypolicy's own InputError family, and whatever loads, the validator answers.

Hypothesis drives a bounded number of examples in every run (random bytes, JSON junk,
and valid documents in JSON or YAML with bytes changed, cut off or repeated). Atheris,
coverage-guided, runs only where it is installed and PYPOLICY_ATHERIS_SECONDS is set.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import strategies as gen
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pypolicy.core.errors import InputError
from pypolicy.format.loader import decode, load_path, parse_text
from pypolicy.validation.engine import Config, check_document, validate_loaded

ROOT = Path(__file__).resolve().parents[1]
EVERY_PROFILE = Config(profiles=("gdpr", "eprivacy", "cpni", "emergency"))


def load_and_validate(raw: bytes, name: str) -> str:
    """What a fuzzer's input comes to: a kind of InputError, or 'validated'."""
    try:
        loaded = parse_text(decode(raw, name), name)
    except InputError as exc:
        assert exc.path == name
        assert str(exc).startswith(name)
        return type(exc).__name__
    result = validate_loaded(loaded, EVERY_PROFILE)
    assert result.usable
    return "validated"


# Generating a mangled document costs more than checking it; the data is what it is.
@settings(max_examples=gen.examples(300), suppress_health_check=[HealthCheck.too_slow])
@given(gen.junk_bytes(), st.sampled_from(("fuzz.json", "fuzz.yaml", "fuzz")))
def test_any_bytes_load_and_validate_or_raise_an_input_error(raw: bytes, name: str) -> None:
    event(load_and_validate(raw, name))


@settings(max_examples=gen.examples(40), suppress_health_check=[HealthCheck.too_slow])
@given(gen.junk_bytes())
def test_any_file_loads_or_raises_an_input_error(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.json"
        path.write_bytes(raw)
        try:
            loaded = load_path(path)
        except InputError as exc:
            assert exc.path == str(path)
            event(type(exc).__name__)
            return
        assert isinstance(loaded.data, dict)
        event("loaded")


@settings(max_examples=gen.examples(300))
@given(st.one_of(gen.json_objects(),
                 gen.schema_shaped_junk(), gen.broken_documents().map(lambda b: b.document)))
def test_the_validator_answers_any_json_object(document: dict[str, Any]) -> None:
    found, suppressed = check_document(document, EVERY_PROFILE)
    assert suppressed >= 0
    for finding in found:
        assert finding.code.startswith("VP")
        assert all(p == "" or p.startswith("/") for p in finding.pointers)
    event("findings" if found else "no findings")


@settings(max_examples=gen.examples(100))
@given(gen.json_junk())
def test_json_text_loads_to_what_it_says(value: Any) -> None:
    text = json.dumps(value)
    try:
        loaded = parse_text(text, "junk.json")
    except InputError:
        assert not isinstance(value, dict) or "\\ud8" in text or "\\udc" in text
        return
    assert loaded.data == value


ATHERIS_SECONDS = os.environ.get("PYPOLICY_ATHERIS_SECONDS")
HARNESS = '''
import sys
import atheris

with atheris.instrument_imports():
    from pypolicy.core.errors import InputError
    from pypolicy.format.loader import decode, parse_text
    from pypolicy.validation.engine import check_document


def one_input(raw):
    try:
        loaded = parse_text(decode(raw, "fuzz"), "fuzz")
    except InputError:
        return
    check_document(loaded.data)


atheris.Setup(sys.argv, one_input)
atheris.Fuzz()
'''


@pytest.mark.slow
@pytest.mark.skipif(not ATHERIS_SECONDS, reason="set PYPOLICY_ATHERIS_SECONDS to run atheris")
def test_atheris_finds_no_crash(tmp_path: Path) -> None:
    if importlib.util.find_spec("atheris") is None:
        pytest.skip("atheris is not installed (pip install atheris; it has wheels for"
                    " CPython on Linux and macOS only)")
    harness = tmp_path / "harness.py"
    harness.write_text(HARNESS, encoding="utf-8")
    seconds = int(ATHERIS_SECONDS or "60")
    run = subprocess.run([sys.executable, str(harness), f"-max_total_time={seconds}",
                          "-rss_limit_mb=2048"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=seconds + 120, env={**os.environ, "PYTHONPATH": str(ROOT)},
                         check=False)
    assert run.returncode == 0, run.stderr[-4000:]


def values_with_keys(value: Any, pointer: str = "",
                     key: str | None = None) -> Iterator[tuple[str, Any, str | None]]:
    """(pointer, value, the key it is under or None) for every value of a JSON value."""
    yield pointer, value, key
    if isinstance(value, dict):
        for name, item in value.items():
            escaped = name.replace("~", "~0").replace("/", "~1")
            yield from values_with_keys(item, f"{pointer}/{escaped}", name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from values_with_keys(item, f"{pointer}/{index}")


@settings(max_examples=gen.examples(100))
@given(gen.json_objects(),
       st.sampled_from((1, 2, "\t", " \t")))
def test_line_of_finds_the_line_of_each_value(document: dict[str, Any],
                                              indent: int | str) -> None:
    """Pretty-printed JSON (spaces or tabs) puts each value on a line that starts it: the
    line line_of gives holds the value's first character (for a value under a key, the
    key too)."""
    text = json.dumps(document, indent=indent)
    loaded = parse_text(text, "lines.json")
    lines = text.split("\n")
    for pointer, value, key in values_with_keys(document):
        line = loaded.line_of(pointer)
        assert line is not None, pointer
        shown = lines[line - 1].strip()
        start = "{" if isinstance(value, dict) else "[" if isinstance(value, list) else \
            json.dumps(value)[:1]
        if key is not None:
            assert shown.startswith(json.dumps(key) + ": "), (pointer, shown)
            shown = shown[len(json.dumps(key)) + 2:]
        assert shown.startswith(start), (pointer, shown)
