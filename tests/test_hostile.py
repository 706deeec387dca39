"""Hostile and broken input, through the real CLI and through the library.

Every hostile file goes to ``python -m pypolicy`` in a child process with a time limit, an
address-space limit (``RLIMIT_AS``) and a network guard of its own (a ``sitecustomize``
that makes any connection attempt fail and say so on stderr; the suite's guard in
``conftest.py`` covers the library calls in this process). Each must end with exit code
2, the file and the place named, quickly, and without a traceback.

Then: text from a policy with markup and control characters is made safe in every
output, and output files are written atomically and never over an input.
"""

from __future__ import annotations

import copy
import errno
import json
import os
import re
import resource
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import strategies as gen
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from pypolicy.cli.main import main
from pypolicy.core import files as _io
from pypolicy.core.errors import InputError, InputTooLargeError, UnsafeInputError
from pypolicy.core.findings import FileResult
from pypolicy.format.loader import load_path, parse_text
from pypolicy.format.rdf import to_graph
from pypolicy.validation.engine import rule_catalogue, validate_loaded
from pypolicy.validation.report import REPORTERS, ReportOptions

ROOT = Path(__file__).resolve().parents[1]
GIB = 1024**3

MINIMAL: dict[str, Any] = {
    "formatVersion": "1.0.0", "id": "acme", "title": "Privacy Policy", "language": "en",
    "provider": {"name": "Acme VoIP", "contacts": [{"channel": "email",
                                                     "value": "privacy@acme.example"}]},
    "dataCategories": [{"id": "d-contact", "name": "contact data", "categories": ["contact"]}],
}

NETWORK_GUARD = '''
import socket, sys

def _refuse(*args, **kwargs):
    sys.stderr.write("NETWORK ATTEMPT %r\\n" % (args[:2],))
    sys.stderr.flush()
    raise OSError("the network is off in this test")

_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex

def connect(self, address):
    if self.family == getattr(socket, "AF_UNIX", None):
        return _connect(self, address)
    _refuse(address)

def connect_ex(self, address):
    if self.family == getattr(socket, "AF_UNIX", None):
        return _connect_ex(self, address)
    _refuse(address)

socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
'''


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


@pytest.fixture(scope="module")
def guard_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("guard")
    (folder / "sitecustomize.py").write_text(NETWORK_GUARD, encoding="utf-8")
    return folder


@pytest.fixture
def cli(guard_dir: Path, tmp_path: Path) -> Any:
    """``cli(*args)`` runs ``python -m pypolicy`` in ``tmp_path``, bounded in time and
    memory, with the network guard, and checks that it neither crashed nor reached out."""

    def run(*args: str, timeout: float = 60, memory: int = GIB) -> Run:
        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(guard_dir), str(ROOT)]),
               "NO_COLOR": "1"}
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pypolicy", *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=timeout, env=env,
                              preexec_fn=limit, check=False)
        result = Run(done.returncode, done.stdout, done.stderr,
                     time.perf_counter() - started)
        assert "Traceback" not in result.stderr, result.stderr
        assert "NETWORK ATTEMPT" not in result.stderr, result.stderr
        assert "MemoryError" not in result.stderr + result.stdout
        return result

    return run


def write(folder: Path, name: str, content: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def unusable(run: Run, name: str, line: int | None = None, words: str = "") -> None:
    """The run refused ``name`` with exit code 2, naming the file (and line) and why."""
    assert run.returncode == 2, (run.returncode, run.stdout, run.stderr)
    shown = run.stdout + run.stderr
    where = f"{name}:{line}" if line is not None else name
    assert where in shown, shown
    assert words in shown, shown


# =========================================================================== broken files


@pytest.mark.parametrize(("content", "line", "words"), [
    pytest.param(b'{\n  "id": "acme",\n  "title": "\xff\xfe"\n}', 3, "not valid UTF-8",
                 id="invalid-utf8"),
    pytest.param(b'{\n  "id": "acme",\n  "statements": [\n    {"id": ', 4, "not valid JSON",
                 id="truncated"),
    pytest.param(b'{\n  "id": "a",\n  "title": "t",\n  "id": "b"\n}', 4, "duplicate key 'id'",
                 id="duplicate-keys"),
    pytest.param(b'{"provider": {"name": "a",\n "name": "b"}}', 2, "duplicate key 'name'",
                 id="nested-duplicate-keys"),
    pytest.param(b'{"a":\n' + b"[" * 200_000 + b"]" * 200_000 + b"}", 2, "nested more than",
                 id="deeply-nested"),
    pytest.param(b'{"a":\n' + b"[" * 200_000, 2, "", id="deeply-nested-unclosed"),
    pytest.param(b'{"id": "acme",\n "title": "\\ud800"}', 2, "lone surrogate",
                 id="lone-surrogate-escape"),
    pytest.param(b'{"id": "acme",\n "n": 1e999}', 2, "too large", id="number-overflow"),
    pytest.param(b'{"id": "acme",\n "n": NaN}', None, "NaN", id="nan"),
    pytest.param(b"", None, "not valid JSON", id="empty"),
    pytest.param(b"[1, 2, 3]", None, "JSON object", id="not-an-object"),
])
def test_a_broken_json_file_is_unusable_with_file_and_place(
        cli: Any, tmp_path: Path, content: bytes, line: int | None, words: str) -> None:
    write(tmp_path, "broken.json", content)
    run = cli("validate", "broken.json")
    unusable(run, "broken.json", line, words)
    assert run.seconds < 15


@pytest.mark.parametrize(("content", "line", "words"), [
    pytest.param("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a]\n"
                 "c: &c [*b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c]\n", 1,
                 "anchors", id="billion-laughs"),
    pytest.param("id: acme\nx: *undefined\n", 2, "aliases", id="alias"),
    pytest.param('id: acme\nrun: !!python/object/apply:os.system ["touch PWNED"]\n', 2,
                 "tag", id="python-tag"),
    pytest.param("id: acme\nx: !!binary aGVsbG8=\n", 2, "tag", id="binary-tag"),
    pytest.param("id: acme\ndate: !!timestamp 2024-07-02\n", 2, "tag", id="timestamp-tag"),
    pytest.param("id: acme\nset: !!set {a, b}\n", 2, "tag", id="set-tag"),
    pytest.param("%TAG !e! tag:evil.example,2024:\n---\nid: !e!thing x\n", 3, "tag",
                 id="tag-directive"),
    pytest.param("id: acme\n1: one\n", 2, "key must be a string", id="integer-key"),
    pytest.param("id: acme\n? [a, b]\n: x\n", 2, "key must be a string", id="complex-key"),
    pytest.param("id: acme\nn: .nan\n", 2, "NaN", id="yaml-nan"),
    pytest.param("id: acme\nx: " + "[" * 100_000 + "\n", 2, "nested", id="deep-flow"),
    pytest.param("id: acme\n---\nid: other\n", 2, "not valid YAML", id="two-documents"),
])
def test_a_hostile_yaml_file_is_unusable_with_file_and_place(
        cli: Any, tmp_path: Path, content: str, line: int, words: str) -> None:
    write(tmp_path, "hostile.yaml", content)
    run = cli("validate", "hostile.yaml")
    unusable(run, "hostile.yaml", line, words)
    assert run.seconds < 15
    assert not (tmp_path / "PWNED").exists()


def test_a_100_mb_file_is_refused_by_its_size_unread(cli: Any, tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with open(big, "wb") as handle:  # sparse: 100 MB that cost nothing to make
        handle.write(b'{"id": "')
        handle.truncate(100 * 1024 * 1024)
    run = cli("validate", "big.json", memory=GIB)
    unusable(run, "big.json", words="larger than the limit")
    assert run.seconds < 10


def test_a_file_over_the_limit_is_not_read_at_all(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.json"
    with open(big, "wb") as handle:
        handle.truncate(100 * 1024 * 1024)
    read: list[int] = []
    real_read = os.read

    def counting_read(descriptor: int, size: int) -> bytes:
        data = real_read(descriptor, size)
        read.append(len(data))
        return data

    monkeypatch.setattr(os, "read", counting_read)
    with pytest.raises(InputTooLargeError, match="larger than the limit") as caught:
        load_path(big)
    assert caught.value.path == str(big)
    assert sum(read) == 0


def test_an_endless_device_is_read_only_up_to_the_limit(cli: Any) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero on this system")
    run = cli("validate", "/dev/zero")
    unusable(run, "/dev/zero", words="larger than the limit")
    assert run.seconds < 15


def test_a_directory_given_as_a_file_is_unusable(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "folder.json").mkdir()
    # validate searches a directory for policy documents (issue 15); one named like a
    # file, with none in it, is unusable all the same
    unusable(cli("validate", "folder.json"), "folder.json", words="no policy documents")


# Huge but once schema-valid durations crashed validate, diff, render and compare
# (OverflowError, Python's limit on long digit strings) and made rdflib log a traceback
# in export and SHACL (issue 18). The schema now bounds each number to six digits.
HUGE_DURATIONS = {"400 nines": "P" + "9" * 400 + "Y", "5000 digits": "P" + "1" * 5000 + "D",
                  "330-digit hours": "PT" + "3" * 330 + "H"}


@pytest.mark.parametrize("duration", list(HUGE_DURATIONS.values()), ids=list(HUGE_DURATIONS))
def test_a_huge_duration_is_a_clear_error_in_every_command(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture, duration: str) -> None:
    monkeypatch.chdir(tmp_path)
    document = copy.deepcopy(MINIMAL)
    document["retention"] = [{"id": "r", "data": ["d-contact"], "duration": duration}]
    write(tmp_path, "huge.json", json.dumps(document, indent=1))
    write(tmp_path, "fine.json", json.dumps({**MINIMAL, "id": "fine"}))
    place = re.compile(r"huge\.json:\d+ \(at /retention/0/duration\)")
    for args in (["render", "huge.json"], ["render", "huge.json", "-f", "html"],
                 ["export", "huge.json", "--to", "turtle"],
                 ["export", "huge.json", "--to", "nquads"], ["diff", "fine.json", "huge.json"],
                 ["compare", "fine.json", "huge.json"],
                 ["query", "-q", "SELECT * WHERE { ?s ?p ?o }", "huge.json"]):
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert place.search(err) and "ISO 8601 duration" in err, (args, err)
        assert len(err) < 2000, (args, len(err))  # the value is not echoed in full
    code = main(["validate", "huge.json", "--shacl", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert "/retention/0/duration" in json.dumps(report)
    assert not [r for r in caplog.records if r.exc_info], caplog.text


# =========================================================================== no fetching


REMOTE_CONTEXTS = [
    "https://evil.example/context.jsonld",
    "http://127.0.0.1:9/context.jsonld",
    "file:///etc/passwd",
    "context.jsonld",
    ["https://w3id.org/pypolicy/context/1.0.0/context.jsonld",
     "https://evil.example/extra.jsonld"],
    {"@import": "https://evil.example/context.jsonld"},
]


def _context_case(command: str, context: Any) -> Any:
    return pytest.param(command, context, id=f"{command}-{json.dumps(context)[:40]}")


@pytest.mark.parametrize(("command", "context"), [
    _context_case(command, context) for command in ("validate", "export", "render", "query")
    for context in REMOTE_CONTEXTS])
def test_a_document_naming_another_json_ld_context_is_refused(
        cli: Any, tmp_path: Path, command: str, context: Any) -> None:
    write(tmp_path, "context.jsonld", '{"@context": {"title": "http://evil.example/t"}}')
    doc = {"@context": context, **MINIMAL}
    write(tmp_path, "remote.json", json.dumps(doc, indent=2))
    args = {"validate": ["validate", "remote.json"], "export": ["export", "remote.json"],
            "render": ["render", "remote.json"],
            "query": ["query", "--query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
                      "remote.json"]}[command]
    run = cli(*args, memory=2 * GIB)
    unusable(run, "remote.json", words="@context")


@pytest.mark.parametrize("key", ["@context", "@id", "@graph", "@included", "@reverse"])
def test_json_ld_keywords_inside_a_document_are_refused(cli: Any, tmp_path: Path,
                                                        key: str) -> None:
    doc = copy.deepcopy(MINIMAL)
    doc["provider"][key] = "https://evil.example/x"
    write(tmp_path, "keyword.json", json.dumps(doc, indent=2))
    for args in (["validate", "keyword.json"], ["export", "keyword.json"]):
        run = cli(*args, memory=2 * GIB)
        unusable(run, "keyword.json", words=key)
        assert "/provider" in run.stdout + run.stderr


@pytest.mark.parametrize("context", REMOTE_CONTEXTS, ids=lambda c: json.dumps(c)[:40])
def test_the_library_refuses_remote_contexts_without_fetching(
        context: Any, network_attempts: list[str]) -> None:
    with pytest.raises(UnsafeInputError) as caught:
        to_graph({"@context": context, **MINIMAL})
    assert caught.value.pointer == "/@context"
    assert network_attempts == []


def test_no_command_reads_rdf_input(cli: Any, tmp_path: Path) -> None:
    """RDF is only ever written: a Turtle or RDF/XML file naming remote documents (owl:imports,
    an external entity) is not a policy document to any command, and nothing is fetched."""
    write(tmp_path, "remote.ttl", "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
          "<> owl:imports <https://evil.example/ontology.ttl> .\n")
    write(tmp_path, "remote.rdf", '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM '
          '"https://evil.example/e">]>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
          '22-rdf-syntax-ns#">&e;</rdf:RDF>\n')
    for name in ("remote.ttl", "remote.rdf"):
        for command in ("validate", "export", "render"):
            run = cli(command, name, memory=2 * GIB)
            assert run.returncode == 2, (command, name, run.stdout, run.stderr)
            assert name in run.stdout + run.stderr


def test_nothing_in_pypolicy_parses_xml() -> None:
    """JUnit reports and RDF/XML are generated, never parsed; no XML parser is called,
    so external entities and entity expansion have nothing to reach."""
    parsing = re.compile(r"etree\.(parse|fromstring|XML|iterparse|XMLParser)\b|"
                         r"xml\.(dom|sax|etree)|ElementTree|expat|"
                         r"parse\([^)]*format\s*=\s*[\"'](xml|application/rdf\+xml|trix)")
    offenders = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
                 for path in sorted((ROOT / "pypolicy").rglob("*.py"))
                 for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
                 if parsing.search(line) and not line.lstrip().startswith("#")]
    assert offenders == []


def test_a_sparql_query_with_service_is_refused_without_fetching(cli: Any,
                                                               tmp_path: Path) -> None:
    pytest.importorskip("pypolicy.sparql.safety")
    write(tmp_path, "p.json", json.dumps(MINIMAL))
    queries = {
        "service": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "silent-service": "SELECT * WHERE { SERVICE SILENT <https://evil.example/q> "
                          "{ ?s ?p ?o } }",
        "from": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "from-named": "SELECT * FROM NAMED <https://evil.example/g> WHERE "
                      "{ GRAPH ?g { ?s ?p ?o } }",
        "load": "LOAD <https://evil.example/data.ttl>",
        "lowercase-service": "select * where { service <http://evil.example/> { ?s ?p ?o } }",
    }
    for name, text in queries.items():
        write(tmp_path, f"{name}.rq", text)
        for how in (["--query", text], ["--file", f"{name}.rq"]):
            run = cli("query", *how, "p.json", memory=2 * GIB)
            assert run.returncode == 2, (name, run.stdout, run.stderr)
            assert run.seconds < 30


# =========================================================================== escaping

HOSTILE = ("<script>alert(1)</script>", "\x1b[2J\x1b[31mRED\x1b[0m", "line\nbreak\rreturn",
           "::error file=x.json,line=1::forged", "%0A::warning::forged", "]]><!--",
           "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>&e;", "\u202egnp.exe",
           "[click](javascript:alert(2))", "a\x00b\x07c\x7fd\x85e\u2028f\u2029g",
           "&amp; &lt; \"quoted\" 'single'", "\ufeffbom", "\\u0000 \\n")
hostile_text = st.one_of(st.sampled_from(HOSTILE), st.text(
    st.one_of(st.sampled_from(list("<>&\"'`*_[]()!#|\\:%,;\n\r\t\x1b\x00\x07\x7f\x85"
                                   "\u2028\u2029\u202a\u202e\u2066\u200f\ufeff")),
              st.characters(codec="utf-8")), min_size=1, max_size=30))

# What no output may carry raw: C0 controls but newline and tab, DEL, C1 controls,
# line/paragraph separators, and bidirectional controls (which reorder what is shown).
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                    "\u200e\u200f\u061c]")
JUNIT_ELEMENTS = {"testsuites", "testsuite", "testcase", "failure", "error", "system-out",
                  "system-err", "properties", "property", "skipped"}


def hostile_document(text: str) -> dict[str, Any]:
    """A valid document that makes findings (VP101, VP209, ...) carrying ``text`` in
    names, quotes, sections, notes and examples."""
    doc = copy.deepcopy(MINIMAL)
    doc["title"] = text
    doc["parties"] = [{"id": "p-ads", "name": text, "roles": ["advertisingPlatform"],
                       "examples": [text], "locations": ["US"],
                       "evidence": [{"quote": text, "section": text}]}]
    doc["dataCategories"].append({"id": "d-all", "name": text, "categories": ["personalData"]})
    doc["statements"] = [
        {"id": "s-promise", "modality": "doesNot", "actions": ["share"], "data": ["d-all"],
         "outside": ["EEA"], "note": text, "evidence": [{"quote": text, "section": text}]},
        {"id": "s-ads", "modality": "may", "actions": ["share"], "data": ["d-contact"],
         "recipients": ["p-ads"], "evidence": [{"inferred": True, "rationale": text}]}]
    doc["transfers"] = [{"id": "t-us", "destinations": ["US"], "mechanisms": ["agreementByUse"],
                         "evidence": [{"quote": text}]}]
    # consent by use (VP209) is judged only under a law that asks for an affirmative act
    doc["regimes"] = [{"id": "rg-gdpr", "regime": "gdpr", "stance": "claimed"}]
    return doc


def hostile_results(text: str) -> list[FileResult]:
    path = f"policies/{text}.json"
    loaded = parse_text(json.dumps(hostile_document(text)), path)
    result = validate_loaded(loaded)
    assert {f.code for f in result.findings} >= {"VP101", "VP209"}
    broken = FileResult(path, error=f"not valid JSON: {text}", error_line=3,
                        error_pointer=f"/{text}")
    return [result, broken]


@settings(max_examples=gen.examples(40))
@given(hostile_text)
def test_policy_text_is_made_safe_in_every_report(text: str) -> None:
    results = hostile_results(text)
    outputs = {name: reporter(results, rule_catalogue(), ReportOptions())
               for name, reporter in REPORTERS.items()}
    for name, output in outputs.items():
        assert not UNSAFE.search(output), (name, UNSAFE.findall(output))
    assert "\x1b" not in outputs["text"]
    for name in ("json", "sarif"):
        json.loads(outputs[name])
    report = json.loads(outputs["json"])
    quotes = [q.get("text") for f in report["files"][0]["findings"] for q in f["quotes"]]
    assert text in quotes  # escaped in the file, exact once read
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    tree = etree.fromstring(outputs["junit"].encode("utf-8"), parser)
    assert tree.getroottree().docinfo.doctype == ""
    assert {element.tag for element in tree.iter()} <= JUNIT_ELEMENTS
    github = outputs["github"].splitlines()
    findings_and_errors = sum(len(r.findings) for r in results) + 1
    assert len(github) == findings_and_errors
    assert all(re.match(r"::(error|warning|notice) ", line) for line in github)


@settings(max_examples=gen.examples(25))
@given(hostile_text)
def test_policy_text_is_made_safe_in_every_rendering(text: str) -> None:
    from lxml import html

    from pypolicy.format.model import Policy
    from pypolicy.rendering import render

    policy = Policy.from_dict(hostile_document(text))
    page = html.fromstring(render(policy, "html"))
    assert page.xpath("//script") == []
    for element in page.iter():
        for attribute, value in element.attrib.items():
            assert not attribute.lower().startswith("on"), attribute
            assert not value.strip().lower().startswith("javascript:"), value
    for fmt in ("markdown", "text"):
        output = render(policy, fmt)
        assert not UNSAFE.search(output), (fmt, UNSAFE.findall(output))
        if fmt == "markdown":  # a backslash makes the next character literal text
            assert not re.search(r"(?<!\\)<script", output, re.IGNORECASE), output
            assert not re.search(r"(?<!\\)\]\(javascript:", output), output


def test_hostile_text_through_the_cli_is_escaped_in_every_format(cli: Any,
                                                                 tmp_path: Path) -> None:
    text = "\x1b[31m<script>x</script>\n::error::forged\u202e"
    write(tmp_path, "hostile.json", json.dumps(hostile_document(text)))
    for fmt in REPORTERS:
        run = cli("validate", "--format", fmt, "hostile.json")
        assert run.returncode == 1, (fmt, run.stderr)
        assert not UNSAFE.search(run.stdout), (fmt, UNSAFE.findall(run.stdout))


# =========================================================================== outputs


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


@pytest.mark.parametrize("spelling", ["same", "dot-slash", "symlink", "hardlink"])
def test_output_equal_to_an_input_is_refused_and_the_input_kept(
        cli: Any, tmp_path: Path, spelling: str) -> None:
    original = json.dumps(MINIMAL, indent=2)
    write(tmp_path, "policy.json", original)
    output = {"same": "policy.json", "dot-slash": "./policy.json",
              "symlink": "link.json", "hardlink": "hard.json"}[spelling]
    if spelling == "symlink":
        (tmp_path / "link.json").symlink_to(tmp_path / "policy.json")
    elif spelling == "hardlink":
        os.link(tmp_path / "policy.json", tmp_path / "hard.json")
    before = files_in(tmp_path)
    for args in (["validate", "policy.json", "--output", output],
                 ["export", "policy.json", "--output", output],
                 ["render", "policy.json", "--output", output]):
        run = cli(*args, memory=2 * GIB)
        assert run.returncode == 2, (args, run.stdout, run.stderr)
        assert "overwrite" in run.stderr, run.stderr
        assert (tmp_path / "policy.json").read_text("utf-8") == original
        assert files_in(tmp_path) == before


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "No space left on device"),
                                     KeyboardInterrupt()], ids=["disk-full", "interrupted"])
def test_a_failed_write_leaves_no_partial_file_and_the_old_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        failure: BaseException) -> None:
    write(tmp_path, "policy.json", json.dumps(MINIMAL))
    write(tmp_path, "report.json", "the previous report\n")
    monkeypatch.chdir(tmp_path)

    def fail(descriptor: int) -> None:
        raise failure

    monkeypatch.setattr(os, "fsync", fail)
    code = main(["validate", "policy.json", "--format", "json", "--output", "report.json"])
    assert code == (130 if isinstance(failure, KeyboardInterrupt) else 2)
    assert (tmp_path / "report.json").read_text("utf-8") == "the previous report\n"
    assert files_in(tmp_path) == {"policy.json", "report.json"}
    if isinstance(failure, OSError):
        assert "report.json" in capsys.readouterr().err


def test_a_successful_write_replaces_the_output_whole(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "policy.json", json.dumps(MINIMAL))
    write(tmp_path, "report.json", "x" * 100_000)
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "policy.json", "--format", "json", "--output", "report.json"]) \
        in (0, 1)
    json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert files_in(tmp_path) == {"policy.json", "report.json"}


def test_an_output_that_is_a_directory_is_an_error_without_leftovers(
        cli: Any, tmp_path: Path) -> None:
    write(tmp_path, "policy.json", json.dumps(MINIMAL))
    (tmp_path / "out").mkdir()
    run = cli("validate", "policy.json", "--output", "out")
    assert run.returncode == 2, run.stderr
    assert files_in(tmp_path) == {"policy.json", "out"}
    assert list((tmp_path / "out").iterdir()) == []


def test_a_planted_temporary_name_is_never_written_through(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone who can guess the temporary name and plant a link there gets nothing: the
    link is neither followed nor removed, and the write goes through another name."""
    victim = write(tmp_path, "victim.txt", "precious\n")
    target = tmp_path / "report.txt"
    names = iter(["planted", "fresh"])
    monkeypatch.setattr(secrets, "token_hex", lambda n: next(names))
    planted = tmp_path / ".report.txt.planted.tmp"
    planted.symlink_to(victim)
    _io.write_atomic(target, "the report\n")
    assert victim.read_text("utf-8") == "precious\n"
    assert planted.is_symlink()
    assert target.read_text("utf-8") == "the report\n"
    assert files_in(tmp_path) == {"victim.txt", "report.txt", ".report.txt.planted.tmp"}


def test_the_output_gets_ordinary_permissions(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    umask = os.umask(0o022)
    os.umask(umask)
    _io.write_atomic(target, "x\n")
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


# =========================================================================== library


def input_errors() -> Iterator[tuple[str, str]]:
    yield "truncated.json", '{"id": '
    yield "dup.json", '{"id": "a", "id": "b"}'
    yield "tag.yaml", "a: !!python/name:os.system\n"


@pytest.mark.parametrize(("name", "text"), list(input_errors()))
def test_library_errors_are_input_errors_naming_file_and_place(name: str, text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_text(text, name)
    assert caught.value.path == name
    assert caught.value.line is not None
    assert str(caught.value).startswith(f"{name}:{caught.value.line}")
