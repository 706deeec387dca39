"""The public API: what ``import pypolicy`` promises, used as a program would use it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import pypolicy

ROOT = Path(__file__).resolve().parents[1]
INUM = ROOT / "examples" / "inum.policy.json"
ITNET = ROOT / "examples" / "itnet.policy.json"


def test_every_public_name_is_there_and_nothing_private_is_promised() -> None:
    for name in pypolicy.__all__:
        assert getattr(pypolicy, name) is not None, name
        assert not name.startswith("_") or name == "__version__"
    assert {"validate", "render", "diff", "compare", "query"} <= set(pypolicy.__all__)


def test_the_verbs_stay_functions_after_their_packages_are_imported() -> None:
    """Importing the packages behind the verbs never replaces a verb, and a dotted import
    of a package's module works (packages are nouns, verbs are functions)."""
    probe = ("import pypolicy, pypolicy.validation.engine, pypolicy.rendering.sections; "
             "import pypolicy.sparql.safety as s; "
             "print(all(callable(f) for f in (pypolicy.validate, pypolicy.render, "
             "pypolicy.query, pypolicy.diff, pypolicy.compare, s.check_query)))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "True"


def test_validate_takes_a_path_bytes_data_or_text_and_agrees() -> None:
    by_path = pypolicy.validate(INUM)
    data = json.loads(INUM.read_text(encoding="utf-8"))
    by_data = pypolicy.validate(data)
    by_bytes = pypolicy.validate(INUM.read_bytes(), name="inum.policy.json")
    by_text = pypolicy.validate(text=INUM.read_text(encoding="utf-8"))
    codes = sorted(f.code for f in by_path.findings)
    assert codes, "the example has findings"
    for other in (by_data, by_bytes, by_text):
        assert sorted(f.code for f in other.findings) == codes
    assert by_data.path == "<data>.json"
    assert by_bytes.path == "inum.policy.json"


def test_validate_reads_yaml_text_when_the_name_says_so() -> None:
    text = ("formatVersion: 1.1.0\nid: x\ntitle: X\nlanguage: en\n"
            "provider: {name: X Ltd}\n")
    as_yaml = pypolicy.validate(text=text, name="x.policy.yaml")
    assert as_yaml.error is None, as_yaml.error
    assert as_yaml.document_id == "x"
    as_json = pypolicy.validate(text=text, name="x.policy.json")
    assert as_json.error is not None and "JSON" in as_json.error


def test_validate_reports_unusable_input_in_the_result() -> None:
    result = pypolicy.validate(b"{not json", name="broken.json")
    assert result.error is not None and "JSON" in result.error
    assert result.path == "broken.json"
    assert (result.error_line, result.error_column) == (1, 2)


def test_validate_refuses_two_sources() -> None:
    with pytest.raises(TypeError):
        pypolicy.validate(INUM, text="{}")


def test_render_takes_a_path_data_or_a_policy_and_shows_findings() -> None:
    policy = pypolicy.Policy.from_dict(pypolicy.load(INUM).data)
    by_path = pypolicy.render(INUM, "markdown")
    assert by_path == pypolicy.render(policy, "markdown")
    assert by_path == pypolicy.render(pypolicy.load(INUM).data, "markdown")
    with_findings = pypolicy.render(INUM, "html", findings=pypolicy.validate(INUM))
    assert "<html" in with_findings
    assert len(with_findings) > len(pypolicy.render(INUM, "html"))


def test_render_refuses_invalid_data_naming_the_place() -> None:
    with pytest.raises(pypolicy.InputError) as caught:
        pypolicy.render({"formatVersion": "1.1.0", "id": "x"}, "text")
    assert "not a valid policy document" in str(caught.value)


def test_diff_returns_changes_as_data() -> None:
    assert pypolicy.diff(INUM, INUM).changes == ()
    changes = pypolicy.diff(ITNET, INUM).changes
    assert changes, "two providers' policies differ"


def test_compare_writes_each_format_and_refuses_one_document_twice() -> None:
    table = pypolicy.compare([INUM, ITNET], "csv")
    assert table.splitlines()[0].startswith("id,")
    assert "<table" in pypolicy.compare([INUM, ITNET], "html")
    with pytest.raises(pypolicy.InputError):
        pypolicy.compare([INUM, INUM])


def test_query_answers_a_pack_query_and_refuses_service() -> None:
    answer = pypolicy.query([ROOT / "examples"], pack="regimes")
    assert answer.rows
    ask = pypolicy.query([INUM], "ASK { ?s ?p ?o }")
    assert ask.boolean is True
    with pytest.raises(pypolicy.UnsafeInputError):
        pypolicy.query([INUM], "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")


def test_query_on_both_engines_agrees() -> None:
    text = "SELECT ?doc WHERE { ?doc a <https://w3id.org/pypolicy/ns#PolicyDocument> }"
    fast = pypolicy.query([ROOT / "examples"], text)
    slow = pypolicy.query([ROOT / "examples"], text, store="rdflib")
    assert sorted(fast.rows) == sorted(slow.rows)
    assert len(fast.rows) >= 5
