"""Tests of the strict loader (pypolicy.format.loader): bad input is an error that names the file
and the place, never a traceback; YAML is read safely and without YAML 1.1's surprises."""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pypolicy.core.errors import (
    InputError,
    InputTooLargeError,
    NotAPolicyError,
    ParseError,
    UnsafeInputError,
)
from pypolicy.format.loader import DEFAULT_MAX_DEPTH, decode, load_path, parse_text
from pypolicy.format.rdf import canonical, from_graph, shacl_validate, to_graph
from pypolicy.format.schema import violations
from pypolicy.validation.engine import check_document

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "examples" / "handwritten" / "minimal.yaml"


def write(tmp_path: Path, name: str, content: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


# ------------------------------------------------------------------ JSON


def test_invalid_utf8_is_a_parse_error_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.json", b'{\n  "title": "caf\xe9",\n  "id": "x"\n}')
    with pytest.raises(ParseError) as caught:
        load_path(path)
    assert caught.value.path == str(path)
    assert caught.value.line == 2
    assert str(path) in str(caught.value)


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.json", b'\xef\xbb\xbf{"id": "x"}')
    assert load_path(path).data == {"id": "x"}


def test_a_byte_order_mark_is_accepted_in_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.yaml", b"\xef\xbb\xbfid: x\n")
    assert load_path(path).data == {"id": "x"}


def test_truncated_json_is_a_parse_error_with_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "cut.json", '{\n  "id": "x",\n  "statements": [\n    {"id": ')
    with pytest.raises(ParseError) as caught:
        load_path(path)
    assert (caught.value.line, caught.value.column) == (4, 12)
    assert f"{path}:4:12" in str(caught.value)


def test_duplicate_keys_in_json_are_a_parse_error() -> None:
    with pytest.raises(ParseError, match="'id'"):
        parse_text('{"id": "a", "title": "t", "id": "b"}', "dup.json")


def test_duplicate_keys_in_nested_json_objects_are_a_parse_error() -> None:
    with pytest.raises(ParseError, match="'name'"):
        parse_text('{"provider": {"name": "a", "name": "b"}}', "dup.json")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(constant: str) -> None:
    with pytest.raises(ParseError, match=constant):
        parse_text(f'{{"children": {{"minimumAge": {constant}}}}}', "x.json")


def test_a_number_that_overflows_to_infinity_is_refused() -> None:
    with pytest.raises(ParseError):
        parse_text('{"children": {"minimumAge": 1e999}}', "x.json")


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_very_deep_nesting_is_a_parse_error_not_a_recursion_error(opener: str) -> None:
    text = opener * 100_000
    started = time.perf_counter()
    with pytest.raises(ParseError):
        parse_text(text, "deep.json")
    assert time.perf_counter() - started < 5


def test_very_deep_but_complete_nesting_is_a_parse_error(tmp_path: Path) -> None:
    path = write(tmp_path, "deep.json", '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(ParseError):
        load_path(path)


def test_nesting_deeper_than_the_limit_names_the_pointer() -> None:
    limit = DEFAULT_MAX_DEPTH
    assert parse_text('{"a": ' + "[" * (limit - 1) + "]" * (limit - 1) + "}", "ok.json")
    with pytest.raises(ParseError) as caught:
        parse_text('{"a": ' + "[" * (limit + 1) + "]" * (limit + 1) + "}", "deep.json")
    assert caught.value.pointer is not None
    assert caught.value.pointer.startswith("/a/0/0")


def test_deep_yaml_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        parse_text("a: " + "[" * 100_000, "deep.yaml")


def test_a_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    text = '{"id": "x"}'
    exact = write(tmp_path, "exact.json", text)
    assert load_path(exact, max_bytes=len(text)).data == {"id": "x"}
    over = write(tmp_path, "over.json", text + " ")
    with pytest.raises(InputTooLargeError) as caught:
        load_path(over, max_bytes=len(text))
    assert caught.value.path == str(over)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_file_over_the_limit_is_not_read_to_its_end(tmp_path: Path) -> None:
    """A pipe that never ends: a loader that read it all would wait forever."""
    pipe = tmp_path / "endless.json"
    os.mkfifo(pipe)
    done = threading.Event()

    def feed() -> None:
        with open(pipe, "wb") as writer:
            writer.write(b"{" + b" " * 10_000)  # more than the limit, less than a pipe buffer
            writer.flush()
            done.wait(30)  # keep the pipe open: no end of file until the test is over

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    outcome: list[BaseException | None] = []

    def load() -> None:
        try:
            load_path(pipe, max_bytes=1_000)
            outcome.append(None)
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    loader = threading.Thread(target=load, daemon=True)
    loader.start()
    loader.join(10)
    done.set()
    assert outcome, "the loader kept reading past the limit"
    assert isinstance(outcome[0], InputTooLargeError)


@pytest.mark.parametrize(("text", "kind"), [("[]", "array"), ('"policy"', "string"),
                                            ("42", "number"), ("null", "null")])
def test_a_document_that_is_not_an_object_is_not_a_policy(text: str, kind: str) -> None:
    with pytest.raises(NotAPolicyError, match=kind) as caught:
        parse_text(text, "x.json")
    assert caught.value.pointer == ""


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(InputError) as caught:
        load_path(missing)
    assert str(missing) in str(caught.value)


JSONISH = st.text(alphabet='{}[]:,"\\ \n\t0123456789.eE+-truefalsnNIiy@', max_size=60)
YAMLISH = st.text(alphabet="{}[]:,-?&*!|>'\"#~ \n0123456789.abnoyNIf", max_size=60)


@given(st.binary(max_size=200) | JSONISH.map(str.encode) | YAMLISH.map(str.encode),
       st.sampled_from(["json", "yaml"]))
def test_any_bytes_load_or_fail_with_an_input_error(raw: bytes, syntax: str) -> None:
    """The loader's contract: plain JSON data, or an InputError; never another exception."""
    name = f"fuzz.{syntax}"
    with contextlib.suppress(InputError):
        data = parse_text(decode(raw, name), name, "json" if syntax == "json" else "yaml").data
        assert json.loads(json.dumps(data, allow_nan=False)) == data


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=20))
def test_json_values_load_as_written(value: Any) -> None:
    text = json.dumps({"value": value})
    assert parse_text(text, "x.json").data == {"value": value}


# ------------------------------------------------------------------ YAML


def test_yaml_aliases_are_refused() -> None:
    with pytest.raises(UnsafeInputError) as caught:
        parse_text("a: &x hello\nb: *x\n", "alias.yaml")
    assert caught.value.line == 1  # the anchor already


def test_a_yaml_anchor_alone_is_refused() -> None:
    with pytest.raises(UnsafeInputError):
        parse_text("provider:\n  name: &n Fjordline\n", "anchor.yaml")


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    path = write(tmp_path, "laughs.yaml", BILLION_LAUGHS)
    started = time.perf_counter()
    with pytest.raises(UnsafeInputError) as caught:
        load_path(path)
    assert time.perf_counter() - started < 2
    assert caught.value.path == str(path)


@pytest.mark.parametrize("text", [
    "a: !!python/object:os.system x\n",
    "a: !!python/object/apply:os.system ['true']\n",
    "a: !!python/name:os.system ''\n",
    "a: !custom x\n",
    "a: !<tag:example.org,2024:thing> x\n",
])
def test_yaml_tags_are_refused(text: str) -> None:
    with pytest.raises(UnsafeInputError) as caught:
        parse_text(text, "tag.yaml")
    assert caught.value.line == 1


@pytest.mark.parametrize("text", ["a: !!binary aGVsbG8=\n", "a: !!set {x, y}\n",
                                  "a: !!timestamp 2024-07-02\n", "a: !!omap [x: 1]\n"])
def test_yaml_tags_that_make_non_json_values_are_refused(text: str) -> None:
    with pytest.raises(UnsafeInputError):
        parse_text(text, "tag.yaml")


def test_yaml_tags_of_json_types_are_accepted() -> None:
    data = parse_text("a: !!str 16\nb: !!int '16'\nc: !!bool true\n", "tag.yaml").data
    assert data == {"a": "16", "b": 16, "c": True}


@pytest.mark.parametrize(("text", "line"), [("1: x\n", 1), ("true: x\n", 1), ("~: x\n", 1),
                                            ("a:\n  2: x\n", 2), ("? [1, 2]\n: x\n", 1)])
def test_yaml_keys_that_are_not_strings_are_a_parse_error(text: str, line: int) -> None:
    with pytest.raises(ParseError) as caught:
        parse_text(text, "keys.yaml")
    assert caught.value.line == line


@pytest.mark.parametrize("text", ["a: .nan\n", "a: .inf\n", "a: -.Inf\n"])
def test_yaml_nan_and_infinity_are_refused(text: str) -> None:
    with pytest.raises(ParseError):
        parse_text(text, "x.yaml")


def test_yaml_keeps_country_codes_dates_and_words_as_strings() -> None:
    data = parse_text("country: NO\ndate: 2024-07-02\nversion: 1.0.0\n"
                      "a: yes\nb: no\nc: on\nd: off\ne: Yes\nf: OFF\ng: y\nh: n\n",
                      "x.yaml").data
    assert data == {"country": "NO", "date": "2024-07-02", "version": "1.0.0",
                    "a": "yes", "b": "no", "c": "on", "d": "off", "e": "Yes", "f": "OFF",
                    "g": "y", "h": "n"}


def test_yaml_keeps_true_false_and_numbers() -> None:
    data = parse_text("a: true\nb: false\nc: 16\nd: null\ne: 'NO'\n", "x.yaml").data
    assert data == {"a": True, "b": False, "c": 16, "d": None, "e": "NO"}
    assert type(data["c"]) is int


def test_duplicate_yaml_keys_are_refused_with_their_line() -> None:
    with pytest.raises(ParseError) as caught:
        parse_text("id: a\ntitle: t\nprovider:\n  name: x\n  name: y\n", "dup.yaml")
    assert caught.value.line == 5
    assert "'name'" in str(caught.value)


def test_invalid_yaml_is_a_parse_error_with_its_line() -> None:
    with pytest.raises(ParseError) as caught:
        parse_text("id: x\nprovider:\n  name: [unclosed\ntitle: t\n", "bad.yaml")
    assert caught.value.line is not None and caught.value.line >= 3


def test_the_syntax_follows_the_file_name(tmp_path: Path) -> None:
    assert load_path(write(tmp_path, "a.yml", "id: x\n")).syntax == "yaml"
    assert load_path(write(tmp_path, "a.json", '{"id": "x"}')).syntax == "json"
    with pytest.raises(ParseError):
        load_path(write(tmp_path, "b.json", "id: x\n"))  # YAML in a .json file


# ------------------------------------------------------------------ line_of

JSON_TEXT = """\
{
  "id": "x",
  "provider": {
    "name": "P",
    "evidence": [
      {"quote": "a"},
      {
        "quote": "b/c~d"
      }
    ]
  },
  "a/b": {"c~d": 1}
}
"""

YAML_TEXT = """\
id: x
provider:
  name: P
  evidence:
    - quote: a
    - section: S
      quote: b
statements:
  - id: s1
    actions: [collect, use]
"""


@pytest.mark.parametrize(("pointer", "line"), [
    ("", 1), ("/id", 2), ("/provider/name", 4), ("/provider/evidence/0", 6),
    ("/provider/evidence/0/quote", 6), ("/provider/evidence/1/quote", 8),
    ("/a~1b/c~0d", 12),
    ("/provider/evidence/1/missing", 7),  # the nearest ancestor that exists
    ("/provider/evidence/9", 5),
])
def test_line_of_in_json(pointer: str, line: int) -> None:
    assert parse_text(JSON_TEXT, "x.json").line_of(pointer) == line


@pytest.mark.parametrize(("pointer", "line"), [
    ("/id", 1), ("/provider/name", 3), ("/provider/evidence/0", 5),
    ("/provider/evidence/0/quote", 5), ("/provider/evidence/1/section", 6),
    ("/provider/evidence/1/quote", 7), ("/statements/0/id", 9),
    ("/statements/0/actions/1", 10),
])
def test_line_of_in_yaml(pointer: str, line: int) -> None:
    assert parse_text(YAML_TEXT, "x.yaml").line_of(pointer) == line


def test_line_of_in_an_example_finds_the_line_of_the_value() -> None:
    path = ROOT / "examples" / "inaani.policy.json"
    loaded = load_path(path)
    lines = loaded.text.splitlines()
    statement_id = loaded.data["statements"][3]["id"]
    line = loaded.line_of("/statements/3/id")
    assert line is not None
    assert f'"{statement_id}"' in lines[line - 1]


def test_line_of_in_tab_indented_json() -> None:
    loaded = parse_text('{\n\t"id": "x",\n\t"provider": {\n\t\t"name": "P"\n\t}\n}', "t.json")
    assert loaded.line_of("/provider/name") == 4


# ------------------------------------------------------------------ the handwritten example


def test_the_handwritten_yaml_policy_loads_validates_and_converts() -> None:
    loaded = load_path(MINIMAL)
    assert loaded.syntax == "yaml"
    data = loaded.data
    assert data["provider"]["country"] == "NO"
    assert data["lastUpdated"] == "2024-07-02"
    assert violations(data) == []
    findings, _suppressed = check_document(data)
    assert [f.code for f in findings if f.code.startswith("VP0")] == []
    graph = to_graph(data)
    assert shacl_validate(graph)[0]
    assert from_graph(graph, data["id"]) == canonical(data)


def test_the_handwritten_yaml_policy_uses_what_it_promises_to_show() -> None:
    data = load_path(MINIMAL).data
    assert any(s["modality"] == "doesNot" and s.get("exceptions") for s in data["statements"])
    assert any(r.get("duration") == "P90D" for r in data["retention"])
    assert all(p.get("locations") for p in data["parties"])
    assert data["rights"]
    evidence = [e for key in ("statements", "retention", "rights", "parties")
                for entry in data[key] for e in entry.get("evidence", [])]
    assert any(e.get("inferred") and e.get("rationale") for e in evidence)
    assert sum(1 for e in evidence if e.get("quote")) >= 10


# --------------------------------------------------------------------------- issue 18
# Through the command line: each message names the file and the line as an editor shows it.


def cli_error(tmp_path: Path, name: str, content: bytes | str,
              monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    from pypolicy.cli.main import main

    write(tmp_path, name, content)
    monkeypatch.chdir(tmp_path)
    assert main(["render", name]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(("name", "content", "place"), [
    # lone CRs end lines (json counted one line)
    ("cr.json", '{\r"id": "a",\r"title": x\r}', "cr.json:3:10:"),
    ("cr.yaml", "id: a\r\rtitle: [\r", "cr.yaml:4:1:"),
    ("crlf.json", '{\r\n"id": "a",\r\n"title": x\r\n}', "crlf.json:3:10:"),
    # U+2028 is no line break (PyYAML counted one)
    ("ls.yaml", 'id: "a\u2028b"\ntitle: [\n', "ls.yaml:3:1:"),
    ("ls.json", '{"id": "a\u2028b",\n"title": x}', "ls.json:2:10:"),
    ("ls-key.yaml", 'id: "a\u2028b"\nid: c\n', "ls-key.yaml:2:1:"),
    # NUL in YAML: named with its line and column
    ("nul.yaml", "id: a\ntitle: b\x00\n", "nul.yaml:2:9: not valid YAML: the character U+0000"),
])
def test_errors_name_the_line_an_editor_shows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        name: str, content: str, place: str) -> None:
    assert place in cli_error(tmp_path, name, content, monkeypatch, capsys)


def test_pointer_lines_in_cr_only_and_u2028_text() -> None:
    cr = parse_text('{\r"id": "a",\r"title": "t"\r}', "x.json")
    assert cr.line_of("/title") == 3
    yaml_text = parse_text('id: "a\u2028b"\ntitle: t\n', "x.yaml")
    assert yaml_text.line_of("/title") == 2


def test_invalid_utf8_after_wide_characters_names_the_right_column(tmp_path: Path) -> None:
    path = write(tmp_path, "x.json", b'{"id": "\xc3\xa9\xc3\xa9\xff"}')
    with pytest.raises(ParseError) as caught:
        load_path(path)
    assert (caught.value.line, caught.value.column) == (1, 11)


BIG = "x" * (4 * 1024 * 1024)


@pytest.mark.parametrize(("name", "content"), [
    ("dup.json", '{"' + BIG + '": 1, "' + BIG + '": 2}'),
    ("dup.yaml", '"' + BIG + '": 1\n"' + BIG + '": 2\n'),
    ("tag.yaml", "id: !" + BIG + " a\n"),
    ("key.yaml", "? " + "1" * 100_000 + "\n: x\n"),
    ("line.json", '{"id": "a", "title": "' + BIG + '" "oops"}'),
    ("line.yaml", 'id: a\ntitle: "' + BIG + '" oops\n'),
])
def test_a_syntax_error_does_not_echo_a_huge_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        name: str, content: str) -> None:
    err = cli_error(tmp_path, name, content, monkeypatch, capsys)
    assert name in err and len(err) < 1000, len(err)


def test_a_long_json_string_is_scanned_in_constant_memory() -> None:
    """Line look-ups scan the JSON text; a string used to cost ~120 bytes of re's
    backtracking stack per character (a 15 MB title, 1.8 GB). Run in a child with a
    memory limit well under what the old scan needed."""
    import subprocess
    import sys

    program = (
        "import json, resource\n"
        "resource.setrlimit(resource.RLIMIT_AS, (600 * 2**20, 600 * 2**20))\n"
        "from pypolicy.format.loader import parse_text\n"
        "text = json.dumps({'formatVersion': '1.0.0', 'id': 'a', 'title': 't' * 15_000_000,"
        " 'language': 'en', 'provider': {'name': 'P'}})\n"
        "document = parse_text(text, 'x.json')\n"
        "print(document.line_of('/provider/name'))\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          timeout=300, check=False, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "1"


@pytest.mark.parametrize("text", ["a: " + "1" * 5000 + "\n", "? " + "1" * 5000 + "\n: x\n"])
def test_a_yaml_number_too_long_to_read_is_a_parse_error_with_its_line(text: str) -> None:
    with pytest.raises(ParseError, match="too long to read") as caught:
        parse_text(text, "x.yaml")
    assert caught.value.line == 1
