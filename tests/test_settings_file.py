"""Hostile settings files, through ``pypolicy validate`` (issue 18): each is a clear error
with exit code 2 naming the file, quickly, without a traceback and without reading more
than the limit; a pipe with no writer does not hang."""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pypolicy.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
POLICY = str(ROOT / "examples" / "itnet.policy.json")


def validate_with(config: str | Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["validate", POLICY, "--config", str(config)], out, err)
    return code, err.getvalue()


@pytest.mark.parametrize(("content", "words"), [
    ('tool = "x"\n', "tool: 'x' is not of type 'object'"),
    ("[tool]\npypolicy = 5\n", "tool.pypolicy: 5 is not of type 'object'"),
    ("[tool.pypolicy]\nmax-bytes = 1000000000000\n",
     "tool.pypolicy.max-bytes: 1000000000000 is greater than the maximum of 268435456"),
    ("[tool.pypolicy]\nmax-bytes = 9223372036854775807\n", "max-bytes"),
    ("[tool.pypolicy]\nmax-bytes = true\n", "max-bytes: True is not of type 'integer'"),
    ("[tool.pypolicy]\nmax-bytes = 0\n", "max-bytes: 0 is less than the minimum of 1"),
    ("[tool.pypolicy]\nselect = \"VP203\"\n", "select: 'VP203' is not of type 'array'"),
    ("[tool.pypolicy]\nseverity = { VP209 = 3 }\n", "severity.VP209: 3 is not of type"),
    ("[tool.pypolicy]\ncolour = \"red\"\n", "unknown key colour (known: select,"),
    ("[tool.pypolicy]\nexclude = [1979-05-27]\n", "exclude[0]"),
    ("[tool.pypolicy]\nselect = " + "[" * 50_000 + "]" * 50_000 + "\n", "nested too deep"),
    ("[pypolicy]\n" + "x = " + "[" * 50_000 + "\n", "not valid TOML"),
    ("[tool.other]\nx = 1\n", "has no [tool.pypolicy] or [pypolicy] table"),
    ("", "has no [tool.pypolicy] or [pypolicy] table (the file is empty)"),
], ids=["tool-string", "pypolicy-number", "max-bytes-10^12", "max-bytes-2^63-1",
        "max-bytes-true", "max-bytes-0", "select-string", "severity-number", "unknown-key",
        "date-in-list", "50k-deep-arrays", "50k-unclosed", "no-table", "empty"])
def test_a_bad_settings_file_is_a_clear_error(tmp_path: Path, content: str,
                                              words: str) -> None:
    config = tmp_path / "pypolicy.toml"
    config.write_text(content, encoding="utf-8")
    code, err = validate_with(config)
    assert code == 2, err
    assert f"{config}" in err and words in err, err
    assert "Traceback" not in err and len(err) < 2000


def test_invalid_utf8_is_named_with_its_line(tmp_path: Path) -> None:
    config = tmp_path / "pypolicy.toml"
    config.write_bytes(b'[tool.pypolicy]\nselect = ["VP2\xff03"]\n')
    code, err = validate_with(config)
    assert code == 2
    assert f"{config}:2: not valid UTF-8 (byte 0xff" in err


def test_a_settings_file_found_on_the_way_up_is_checked_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.pypolicy]\nmax-bytes = true\n", "utf-8")
    (tmp_path / "policy.json").write_text(Path(POLICY).read_text("utf-8"), "utf-8")
    monkeypatch.chdir(tmp_path)
    err = io.StringIO()
    assert main(["validate", "policy.json"], io.StringIO(), err) == 2
    assert "pyproject.toml: tool.pypolicy.max-bytes" in err.getvalue()


def test_dev_zero_is_refused_after_the_limit_not_read_until_memory_runs_out() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pypolicy", "validate", POLICY,
                           "--config", "/dev/zero"], capture_output=True, text=True,
                          timeout=120, preexec_fn=limit, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2, done.stderr
    assert "/dev/zero: larger than the limit" in done.stderr
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    assert time.monotonic() - started < 60


def test_a_pipe_with_no_writer_is_an_error_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "settings.toml"
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "pypolicy", "validate", POLICY,
                           "--config", str(fifo)], capture_output=True, text=True,
                          timeout=60, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2, done.stderr
    assert "has no [tool.pypolicy] or [pypolicy] table (the file is empty)" in done.stderr


def test_settings_from_a_pipe_with_a_writer_are_read(tmp_path: Path) -> None:
    done = subprocess.run(
        ["bash", "-c", f'{sys.executable} -m pypolicy validate {POLICY} --select VP203'
                       f' --config <(printf "[tool.pypolicy]\\nignore = [\\"VP203\\"]\\n")'],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_policy_input_that_is_a_pipe_with_no_writer_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "policy.json"
    os.mkfifo(fifo)
    for command in (["validate", str(fifo)], ["render", str(fifo)]):
        done = subprocess.run([sys.executable, "-m", "pypolicy", *command],
                              capture_output=True, text=True, timeout=60, check=False,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert str(fifo) in done.stdout + done.stderr
        assert "Traceback" not in done.stderr
