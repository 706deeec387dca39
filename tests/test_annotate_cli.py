"""`pypolicy annotate` as a new user runs it: in their own folder, outside the repository,
through the real command line, on a short invented policy.

init -> fill in -> build -> coverage -> check, and every way it can go wrong: each ends
with a message naming the file and the place, exit code 2, and no file half-written.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pypolicy.core.version import FORMAT_VERSION

REPO = Path(__file__).resolve().parents[1]

# Invented for these tests. It has what trips annotators up: an en dash inside a word,
# curly quotes, a sentence that occurs twice, and a paragraph wrapped at a fixed width.
POLICY = """\
Larkspur Telecom Privacy Notice

Last updated: 12 May 2025

1. Who We Are
Larkspur Telecom Ltd (“Larkspur”, “we”) runs internet phone lines for small offices.
Questions about this notice go to privacy@larkspur.example.

2. What We Collect
When you open an account we collect your name, your business address and a contact e–mail address.
Our exchange logs the numbers you dial, the time of each call and how long
each call lasts.
We never listen to your calls.

3. Who Receives Your Data
Card payments are handled by our payment processor, which is based in Ireland.
We do not sell your data to anyone.
Contact us if anything here is unclear.

4. How Long We Keep It
Call logs are kept for twelve months and then deleted.

5. Your Rights
You may ask for a copy of the data we hold about you.
Contact us if anything here is unclear.
"""

# What an annotator adds to the skeleton's document (indented as its entries are).
FILLED_IN = """\
  dataCategories:
    - id: d-account
      name: account details
      categories: [personName, postalAddress, emailAddress]
      evidence:
        - quote: "When you open an account we collect your name, your business address
            and a contact e–mail address."
    - id: d-call-logs
      name: call logs
      categories: [callDetailRecord]
      evidence:
        - quote: "Our exchange logs the numbers you dial, the time of each call and how
            long each call lasts."
  parties:
    - id: p-payment-processor
      name: our payment processor
      roles: [paymentProcessor]
      locations: [IE]
      evidence:
        - quote: "Card payments are handled by our payment processor, which is based in Ireland."
  statements:
    - id: s-collect-account
      modality: does
      actions: [collect]
      data: [d-account]
      evidence:
        - quote: "When you open an account we collect your name"
    - id: s-no-sale
      modality: doesNot
      actions: [sell]
      data: [d-account, d-call-logs]
      evidence:
        - quote: "We do not sell your data to anyone."
  retention:
    - id: r-call-logs
      data: [d-call-logs]
      duration: P12M
      evidence:
        - quote: "Call logs are kept for twelve months and then deleted."
  rights:
    - id: rt-access
      right: access
      evidence:
        - quote: "You may ask for a copy of the data we hold about you."
"""


def pypolicy(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-m", "pypolicy", *args], cwd=cwd, env=env,
                            capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def fill_in(skeleton: str) -> str:
    """What the annotator does: replace the placeholders, add the practices."""
    replacements = {
        '"FILL IN: the language of the text, e.g. en"': "en",
        '"FILL IN: the provider name the policy uses"': "Larkspur Telecom",
        '"FILL IN: the words of the source that name the provider"':
            '"Larkspur Telecom Ltd (“Larkspur”, “we”) runs internet phone lines for small '
            'offices."',
    }
    for placeholder, value in replacements.items():
        assert placeholder in skeleton
        skeleton = skeleton.replace(placeholder, value)
    anchor = "  # Add what the policy states"
    assert anchor in skeleton
    return skeleton.replace(anchor, FILLED_IN + anchor, 1)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The user's own folder, outside the repository, with their policy text."""
    assert REPO not in tmp_path.parents
    work = tmp_path / "my-policies"
    work.mkdir()
    (work / "larkspur.txt").write_text(POLICY, "utf-8")
    return work


@pytest.fixture
def annotated(folder: Path) -> Path:
    """The folder after init and filling in: larkspur.annotation.yaml ready to build."""
    assert pypolicy("annotate", "init", "larkspur.txt", cwd=folder).returncode == 0
    path = folder / "larkspur.annotation.yaml"
    path.write_text(fill_in(path.read_text("utf-8")), "utf-8")
    return path


# ------------------------------------------------------------------ the whole workflow


def test_init_writes_a_skeleton_with_source_sections_fields_and_worklist(folder: Path) -> None:
    result = pypolicy("annotate", "init", "larkspur.txt", "--url",
                      "https://larkspur.example/privacy", "--retrieved", "2025-06-01",
                      cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "larkspur.annotation.yaml" in result.stdout
    text = (folder / "larkspur.annotation.yaml").read_text("utf-8")
    import yaml

    skeleton = yaml.safe_load(text)
    assert skeleton["source"] == {
        "file": "larkspur.txt", "url": "https://larkspur.example/privacy",
        "retrieved": "2025-06-01",
        "sha256": hashlib.sha256(POLICY.encode()).hexdigest()}
    assert skeleton["sections"] == [
        "Larkspur Telecom Privacy Notice", "1. Who We Are", "2. What We Collect",
        "3. Who Receives Your Data", "4. How Long We Keep It", "5. Your Rights"]
    assert skeleton["boilerplate"] == ["Last updated: 12 May 2025"]
    document = skeleton["document"]
    assert document["formatVersion"] == FORMAT_VERSION and document["id"] == "larkspur"
    assert document["title"] == "Larkspur Telecom Privacy Notice"
    assert document["lastUpdated"] == "2025-05-12"
    assert document["provider"]["name"].startswith("FILL IN:")
    worklist = skeleton["worklist"]
    assert "We never listen to your calls." in worklist
    # the wrapped line is one sentence; headings and the date are not on the worklist
    assert "Our exchange logs the numbers you dial, the time of each call and how long " \
           "each call lasts." in worklist
    assert not {"1. Who We Are", "Last updated: 12 May 2025"} & set(worklist)
    assert len(worklist) == 11
    assert "# 2. What We Collect" in text  # the worklist is grouped by section


def test_build_coverage_and_check_on_the_filled_in_annotation(annotated: Path) -> None:
    folder = annotated.parent
    result = pypolicy("annotate", "build", annotated.name, cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "8 quote(s) located" in result.stdout
    policy = folder / "larkspur.policy.json"
    document = json.loads(policy.read_text("utf-8"))
    assert document["source"] == {"sha256": hashlib.sha256(POLICY.encode()).hexdigest(),
                                  "file": "larkspur.txt"}
    quoted = 0
    for entry in document["dataCategories"] + document["statements"] + document["rights"]:
        for item in entry["evidence"]:
            assert " ".join(POLICY[item["start"]:item["end"]].split()) == item["quote"]
            quoted += 1
    assert quoted == 5
    (collect,) = document["statements"][0]["evidence"]
    assert collect["section"] == "2. What We Collect"
    assert collect["start"] == POLICY.index("When you open an account")
    assert pypolicy("validate", policy.name, "--select", "structure",
                    cwd=folder).returncode == 0

    coverage = pypolicy("annotate", "coverage", annotated.name, cwd=folder)
    assert coverage.returncode == 0
    lines = coverage.stdout.splitlines()
    assert any("UNCOVERED" in line and "We never listen to your calls." in line
               for line in lines)
    assert any("covered" in line and "We do not sell your data" in line for line in lines)
    assert any("boilerplate" in line and "Last updated" in line for line in lines)
    assert lines[-1] == "7 of 11 practice sentences covered (63.6%); 7 boilerplate, " \
                        "4 uncovered"
    below = pypolicy("annotate", "coverage", annotated.name, "--min", "80", cwd=folder)
    assert below.returncode == 1 and "below the minimum of 80%" in below.stdout
    assert pypolicy("annotate", "coverage", annotated.name, "--min", "60",
                    cwd=folder).returncode == 0
    report = json.loads(pypolicy("annotate", "coverage", annotated.name, "-f", "json",
                                 cwd=folder).stdout)
    assert report["percent"] == 63.64 and report["uncovered"] == 4
    assert {row["status"] for row in report["sentences"]} == {"covered", "boilerplate",
                                                              "uncovered"}

    check = pypolicy("annotate", "check", annotated.name, policy.name, cwd=folder)
    assert check.returncode == 0 and "up to date" in check.stdout


def test_check_fails_when_the_annotation_or_the_source_changed(annotated: Path) -> None:
    folder = annotated.parent
    assert pypolicy("annotate", "build", annotated.name, cwd=folder).returncode == 0
    text = annotated.read_text("utf-8")
    annotated.write_text(text.replace("name: our payment processor",
                                      "name: the payment processor"), "utf-8")
    stale = pypolicy("annotate", "check", annotated.name, "larkspur.policy.json", cwd=folder)
    assert stale.returncode == 1
    assert "out of date" in stale.stdout and "+" in stale.stdout  # with a diff
    assert '"name": "the payment processor"' in stale.stdout
    assert pypolicy("annotate", "build", annotated.name, cwd=folder).returncode == 0
    assert pypolicy("annotate", "check", annotated.name, "larkspur.policy.json",
                    cwd=folder).returncode == 0
    (folder / "larkspur.txt").write_text(POLICY.replace("twelve", "24"), "utf-8")
    changed = pypolicy("annotate", "check", annotated.name, "larkspur.policy.json",
                       cwd=folder)
    assert changed.returncode == 1 and "out of date with its source" in changed.stdout


def test_paths_resolve_against_the_annotation_not_the_working_directory(
        annotated: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    annotation = os.path.relpath(annotated, elsewhere)
    output = elsewhere / "out" / "larkspur.json"
    output.parent.mkdir()
    result = pypolicy("annotate", "build", annotation, "-o", str(output), cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    document = json.loads(output.read_text("utf-8"))
    assert document["source"]["file"] == "../../my-policies/larkspur.txt"
    assert (output.parent / document["source"]["file"]).read_text("utf-8") == POLICY
    assert pypolicy("annotate", "check", annotation, str(output),
                    cwd=elsewhere).returncode == 0
    assert not (elsewhere / "larkspur.policy.json").exists()


def test_an_html_page_is_read_as_text_saved_beside_it(tmp_path: Path) -> None:
    page = tmp_path / "notice.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>Notice</title>'
        "<script>document.write('We sell everything.')</script></head><body>"
        "<nav><a href='/'>Home</a></nav><h1>Privacy Notice</h1>"
        "<p>We keep call\n   records for <b>six</b>&nbsp;months.</p>"
        "<h2>Your rights</h2><ul><li>You may ask for a copy&shy; of your data.</li></ul>"
        "</body></html>", "utf-8")
    result = pypolicy("annotate", "init", page.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "notice.txt").read_text("utf-8")
    assert text == ("Privacy Notice\n\nWe keep call records for six months.\n\n"
                    "Your rights\n\n- You may ask for a copy of your data.\n")
    import yaml

    skeleton = yaml.safe_load((tmp_path / "notice.annotation.yaml").read_text("utf-8"))
    assert skeleton["source"]["file"] == "notice.txt"
    assert skeleton["source"]["extractedFrom"] == {
        "file": "notice.html", "sha256": hashlib.sha256(page.read_bytes()).hexdigest()}
    assert skeleton["sections"] == ["Privacy Notice", "Your rights"]
    assert skeleton["document"]["language"] == "en"
    assert skeleton["worklist"] == ["We keep call records for six months.",
                                    "You may ask for a copy of your data."]
    again = pypolicy("annotate", "init", page.name, cwd=tmp_path)
    assert again.returncode == 2 and "exists; pass --force" in again.stderr


def test_html_entities_and_doctype_subsets_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", "utf-8")
    page = tmp_path / "hostile.html"
    page.write_text(f'<!DOCTYPE html [<!ENTITY leak SYSTEM "file://{secret}">]>'
                    '<html><body><p>Before &leak; after.</p>'
                    f'<p><img src="file://{secret}"><iframe src="http://192.0.2.1/"></iframe>'
                    "We collect names.</p></body></html>", "utf-8")
    result = pypolicy("annotate", "init", page.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "hostile.txt").read_text("utf-8")
    assert "TOP-SECRET" not in text and "We collect names." in text


# ------------------------------------------------------------------ what goes wrong


def built_nothing(folder: Path) -> bool:
    return not (folder / "larkspur.policy.json").exists() and \
        not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_missing_source(annotated: Path) -> None:
    (annotated.parent / "larkspur.txt").rename(annotated.parent / "moved.txt")
    result = pypolicy("annotate", "build", annotated.name, cwd=annotated.parent)
    assert result.returncode == 2
    assert "larkspur.annotation.yaml:" in result.stderr
    assert "source file not found: larkspur.txt" in result.stderr
    assert "(at /source/file)" in result.stderr
    assert built_nothing(annotated.parent)
    missing = pypolicy("annotate", "init", "nothing.txt", cwd=annotated.parent)
    assert missing.returncode == 2 and "nothing.txt" in missing.stderr


def test_changed_source_hash(annotated: Path) -> None:
    (annotated.parent / "larkspur.txt").write_text(POLICY.replace("Ireland", "Iceland"),
                                                   "utf-8")
    result = pypolicy("annotate", "build", annotated.name, cwd=annotated.parent)
    assert result.returncode == 2
    assert "(at /source/sha256)" in result.stderr
    assert "the source text changed since it was annotated" in result.stderr
    assert hashlib.sha256(POLICY.replace("Ireland", "Iceland").encode()).hexdigest() in \
        result.stderr
    assert built_nothing(annotated.parent)


def test_quote_not_found_shows_the_closest_passage_and_the_first_difference(
        annotated: Path) -> None:
    text = annotated.read_text("utf-8")
    typed = text.replace("a contact e–mail address.", "a contact e-mail address.", 1)
    assert typed != text
    typed = typed.replace("We do not sell your data to anyone.",
                          "We don't sell your data to anyone.")
    annotated.write_text(typed, "utf-8")
    result = pypolicy("annotate", "build", annotated.name, cwd=annotated.parent)
    assert result.returncode == 2
    err = result.stderr
    line = typed[:typed.index("When you open an account")].count("\n") + 1
    assert f"larkspur.annotation.yaml:{line} (at /document/dataCategories/0/evidence/0/quote)" \
        in err
    assert "quote not found in the source: \"When you open an account" in err
    assert "closest passage (line 10, section \"2. What We Collect\")" in err
    assert "U+002D HYPHEN-MINUS" in err and "U+2013 EN DASH" in err
    assert "an en dash (–) typed as a hyphen (-)?" in err
    lines = err.splitlines()
    at = next(i for i, s in enumerate(lines) if s.strip().startswith("source:"))
    source_line, caret = lines[at], lines[at + 1]
    assert source_line[caret.index("^")] == "–"
    # both quotes are reported in one run
    assert "We don't sell your data" in err and "We do not sell your data to anyone." in err
    assert built_nothing(annotated.parent)


def test_ambiguous_quote_and_how_to_say_which(annotated: Path) -> None:
    text = annotated.read_text("utf-8")
    extra = ("        - quote: \"Contact us if anything here is unclear.\"\n")
    anchor = '        - quote: "You may ask for a copy of the data we hold about you."\n'
    annotated.write_text(text.replace(anchor, anchor + extra), "utf-8")
    result = pypolicy("annotate", "build", annotated.name, cwd=annotated.parent)
    assert result.returncode == 2
    assert "ambiguous quote: it occurs 2 times" in result.stderr
    assert "1: line 18, section \"3. Who Receives Your Data\"" in result.stderr
    assert "2: line 25, section \"5. Your Rights\"" in result.stderr
    assert "occurrence: N" in result.stderr
    assert built_nothing(annotated.parent)

    chosen = extra + "          occurrence: 2\n"
    annotated.write_text(text.replace(anchor, anchor + chosen), "utf-8")
    assert pypolicy("annotate", "build", annotated.name, cwd=annotated.parent).returncode == 0
    document = json.loads((annotated.parent / "larkspur.policy.json").read_text("utf-8"))
    second = document["rights"][0]["evidence"][1]
    assert second == {"quote": "Contact us if anything here is unclear.",
                      "section": "5. Your Rights", "start": POLICY.rindex("Contact us"),
                      "end": POLICY.rindex("Contact us") + 39}

    by_section = extra + "          section: \"3. Who Receives Your Data\"\n"
    annotated.write_text(text.replace(anchor, anchor + by_section), "utf-8")
    assert pypolicy("annotate", "build", annotated.name, cwd=annotated.parent).returncode == 0
    document = json.loads((annotated.parent / "larkspur.policy.json").read_text("utf-8"))
    assert document["rights"][0]["evidence"][1]["start"] == POLICY.index("Contact us")


def test_annotation_not_valid_yaml(annotated: Path) -> None:
    text = annotated.read_text("utf-8")
    broken = text.replace("      roles: [paymentProcessor]", "      roles: [paymentProcessor",
                          1)
    annotated.write_text(broken, "utf-8")
    result = pypolicy("annotate", "build", annotated.name, cwd=annotated.parent)
    assert result.returncode == 2
    assert "larkspur.annotation.yaml:" in result.stderr and "not valid YAML" in result.stderr
    assert built_nothing(annotated.parent)
    annotated.write_text("- just\n- a list\n", "utf-8")
    result = pypolicy("annotate", "coverage", annotated.name, cwd=annotated.parent)
    assert result.returncode == 2 and "an annotation is a YAML mapping" in result.stderr


@pytest.mark.parametrize("change, message, pointer", [
    (("  language: en\n", "  language: english!\n"), "does not follow the schema",
     "/document/language"),
    (("      data: [d-account]\n", "      data: [d-acount]\n"), "VP003",
     "/document/statements/0/data/0"),
    (("  sha256:", "  sha265:"), "unknown key 'sha265' in source", "/source/sha265"),
    (("        - quote: \"We do not sell", "        - quote: \"FILL IN: We do not sell"),
     "fill in this placeholder", "/document/statements/1/evidence/0/quote"),
    (("sections:\n", "sections:\n  - \"Missing Heading\"\n"), "heading not found",
     "/sections/0"),
])
def test_a_bad_annotation_is_refused_at_its_line(annotated: Path, change: tuple[str, str],
                                                 message: str, pointer: str) -> None:
    text = annotated.read_text("utf-8")
    assert change[0] in text
    changed = text.replace(change[0], change[1], 1)
    annotated.write_text(changed, "utf-8")
    result = pypolicy("annotate", "build", annotated.name, cwd=annotated.parent)
    assert result.returncode == 2
    assert message in result.stderr and f"(at {pointer})" in result.stderr
    assert result.stderr.startswith("pypolicy: larkspur.annotation.yaml:")
    assert built_nothing(annotated.parent)


@pytest.mark.parametrize("args, message", [
    (["--retrieved", "yesterday"], "--retrieved must be a date as YYYY-MM-DD"),
    (["--url", "larkspur.example"], "--url must be an http(s) URL"),
])
def test_init_options_are_checked(folder: Path, args: list[str], message: str) -> None:
    result = pypolicy("annotate", "init", "larkspur.txt", *args, cwd=folder)
    assert result.returncode == 2 and message in result.stderr
    assert not (folder / "larkspur.annotation.yaml").exists()


def test_coverage_min_must_be_a_percentage(annotated: Path) -> None:
    result = pypolicy("annotate", "coverage", annotated.name, "--min", "150",
                      cwd=annotated.parent)
    assert result.returncode == 2 and "from 0 to 100" in result.stderr


def test_a_source_that_is_not_utf8_is_refused(folder: Path) -> None:
    (folder / "latin.txt").write_bytes("Données collectées".encode("latin-1"))
    result = pypolicy("annotate", "init", "latin.txt", cwd=folder)
    assert result.returncode == 2 and "not valid UTF-8" in result.stderr


def test_the_repository_examples_are_built_by_the_same_command() -> None:
    result = subprocess.run([sys.executable, str(REPO / "converters" / "convert.py"),
                             "--check"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("up to date") == 5
