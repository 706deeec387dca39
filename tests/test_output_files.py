"""``-o``: what a command writes its output to, through the real command line (issue 18).

An output never replaces anything that is not a regular file (a device or a pipe is
written to, a directory refused), keeps the permissions of a file it replaces, never
overwrites an input (files inside input directories included), means standard output
when it is ``-``, and leaves no temporary file behind when the run is stopped.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from pypolicy.cli.main import main

ROOT = Path(__file__).resolve().parents[1]

MINIMAL: dict[str, Any] = {
    "formatVersion": "1.0.0", "id": "acme", "title": "Privacy Policy", "language": "en",
    "provider": {"name": "Acme VoIP"},
}


@pytest.fixture
def policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``policy.json`` in the current directory (a fresh temporary one)."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(MINIMAL, indent=2), encoding="utf-8")
    return path


def names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def export(output: str, capsys: pytest.CaptureFixture[str], *inputs: str) -> tuple[int, str]:
    code = main(["export", *(inputs or ("policy.json",)), "--to", "nt", "-o", output])
    return code, capsys.readouterr().err


# ------------------------------------------------------------------ inputs are protected


def test_a_file_inside_an_input_directory_is_never_overwritten(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    corpus = tmp_path / "corpus"
    (corpus / "deeper").mkdir(parents=True)
    original = json.dumps(MINIMAL)
    for name in ("corpus/a.json", "corpus/deeper/b.json"):
        (tmp_path / name).write_text(original, encoding="utf-8")
    for args in (["query", "-q", "SELECT * WHERE { ?s ?p ?o }", "corpus", "-o", "corpus/a.json"],
                 ["validate", "corpus", "-o", "corpus/deeper/b.json"],
                 ["validate", "corpus", "-o", "./corpus/../corpus/a.json"]):
        assert main(args) == 2, args
        assert "refusing to overwrite" in capsys.readouterr().err
    assert (corpus / "a.json").read_text("utf-8") == original
    assert (corpus / "deeper" / "b.json").read_text("utf-8") == original
    assert names(corpus) == {"a.json", "deeper"}


def test_a_hard_link_to_a_file_inside_an_input_directory_is_protected(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.json").write_text(json.dumps(MINIMAL), encoding="utf-8")
    os.link(tmp_path / "corpus" / "a.json", tmp_path / "elsewhere.json")
    assert main(["validate", "corpus", "-o", "elsewhere.json"]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert json.loads((tmp_path / "corpus" / "a.json").read_text("utf-8")) == MINIMAL


def test_a_new_file_in_an_input_directory_may_be_written(
        policy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path), "-o", "report.txt"]) in (0, 1)
    assert (tmp_path / "report.txt").is_file()


# ------------------------------------------------------------------ what the name names


def test_dash_means_standard_output(policy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "policy.json", "--to", "nt", "-o", "-"]) == 0
    assert "<https://w3id.org/pypolicy/doc/acme>" in capsys.readouterr().out
    assert names(policy.parent) == {"policy.json"}


def test_an_empty_output_name_is_a_clear_error(policy: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, err = export("", capsys)
    assert code == 2
    assert "output file name is empty" in err and "Traceback" not in err


def test_a_long_valid_output_name_works_although_the_temporary_name_is_longer(
        policy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = "r" * 236 + ".txt"  # 240 bytes: valid, but ".{name}.{12 hex}.tmp" is 258
    code, err = export(name, capsys)
    assert code == 0, err
    assert "<https://w3id.org/pypolicy/doc/acme>" in (policy.parent / name).read_text("utf-8")
    assert names(policy.parent) == {"policy.json", name}


def test_replacing_a_file_keeps_its_permissions(policy: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    secret = policy.parent / "secret.nt"
    secret.write_text("old\n", encoding="utf-8")
    secret.chmod(0o600)
    assert export("secret.nt", capsys)[0] == 0
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert secret.read_text("utf-8") != "old\n"


def test_a_symbolic_link_to_a_file_is_kept_and_its_target_replaced(
        policy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (policy.parent / "real.nt").write_text("old\n", encoding="utf-8")
    (policy.parent / "link.nt").symlink_to("real.nt")
    assert export("link.nt", capsys)[0] == 0
    assert (policy.parent / "link.nt").is_symlink()
    assert "<https://w3id.org/pypolicy/doc/acme>" in (policy.parent / "real.nt").read_text("utf-8")


def test_a_dangling_symbolic_link_is_refused(policy: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    (policy.parent / "dangling.nt").symlink_to("nowhere/at/all.nt")
    code, err = export("dangling.nt", capsys)
    assert code == 2 and "dangling.nt" in err
    assert (policy.parent / "dangling.nt").is_symlink()
    assert not (policy.parent / "nowhere").exists()


# ------------------------------------------------------------------ devices and pipes


def test_dev_null_is_written_to_not_replaced(policy: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert export("/dev/null", capsys)[0] == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not [n for n in os.listdir("/dev") if n.startswith(".null.")]


def test_a_full_device_is_a_clear_error_and_stays_a_device(
        policy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    code, err = export("/dev/full", capsys)
    assert code == 2
    assert "/dev/full" in err and "No space left" in err
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_device_node_in_a_writable_folder_is_not_replaced(
        policy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    node = policy.parent / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs privileges")
    assert export(str(node), capsys)[0] == 0
    assert stat.S_ISCHR(node.lstat().st_mode)


def test_a_pipe_is_written_to_not_replaced(policy: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    fifo = policy.parent / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    time.sleep(0.2)  # let the reader open its end first
    assert export(str(fifo), capsys)[0] == 0
    reader.join(timeout=30)
    assert received and b"<https://w3id.org/pypolicy/doc/acme>" in b"".join(received)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_pipe_nobody_reads_is_an_error_not_a_hang(policy: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    fifo = policy.parent / "pipe"
    os.mkfifo(fifo)
    started = time.monotonic()
    code, err = export(str(fifo), capsys)
    assert code == 2 and "nothing is reading" in err
    assert time.monotonic() - started < 10
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def hangup_as_by_default() -> None:
    """In the child: SIGHUP as a terminal delivers it. A test run under ``nohup``
    passes SIGHUP on ignored, and the command rightly keeps what it inherits."""
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def run_cli(*args: str, cwd: Path, stdout: Any = subprocess.PIPE,
            env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "pypolicy", *args], cwd=cwd,
                            stdout=stdout, stderr=subprocess.PIPE, env=environment,
                            preexec_fn=hangup_as_by_default)


def test_dev_stdout_is_the_process_standard_output(policy: Path) -> None:
    child = run_cli("export", "policy.json", "--to", "nt", "-o", "/dev/stdout",
                    cwd=policy.parent)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    assert b"<https://w3id.org/pypolicy/doc/acme>" in out


def test_dev_stdout_redirected_to_a_file_is_appended_to_not_replaced(policy: Path) -> None:
    log = policy.parent / "log.txt"
    log.write_text("earlier lines\n", encoding="utf-8")
    with open(log, "ab") as appending:
        child = run_cli("export", "policy.json", "--to", "nt", "-o", "/dev/stdout",
                        cwd=policy.parent, stdout=appending)
        _, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    text = log.read_text("utf-8")
    assert text.startswith("earlier lines\n")
    assert "<https://w3id.org/pypolicy/doc/acme>" in text


# ------------------------------------------------------------------ stopped while writing

# Makes fsync slow and says when it starts, so a signal can arrive mid-write.
SLOW_FSYNC = '''
import os, time
_fsync = os.fsync
def fsync(descriptor):
    open(os.environ["PYPOLICY_TEST_MARKER"], "w").close()
    time.sleep(30)
    _fsync(descriptor)
os.fsync = fsync
'''


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_while_writing_leaves_no_temporary_file_and_the_old_output(
        policy: Path, tmp_path: Path, signum: int) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SLOW_FSYNC, encoding="utf-8")
    (tmp_path / "out.nt").write_text("the previous output\n", encoding="utf-8")
    marker = tmp_path / "writing"
    child = run_cli("export", "policy.json", "--to", "nt", "-o", "out.nt", cwd=tmp_path,
                    env={"PYTHONPATH": f"{hooks}{os.pathsep}{ROOT}",
                         "PYPOLICY_TEST_MARKER": str(marker)})
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the write never started"
            time.sleep(0.05)
        assert any(n.endswith(".tmp") for n in names(tmp_path))  # mid-write indeed
        child.send_signal(signum)
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signum, err
    assert b"Traceback" not in err
    assert names(tmp_path) == {"policy.json", "out.nt", "hooks", "writing"}
    assert (tmp_path / "out.nt").read_text("utf-8") == "the previous output\n"
