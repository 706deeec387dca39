"""Quotes and source texts in different Unicode normal forms (issue 18), through
``pypolicy annotate``: a quote typed composed (NFC, as keyboards type "é") is found in a
source saved decomposed (NFD, "e" + U+0301, as macOS file systems and some converters
write it), and the other way round; the offsets point into the source as it is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from pypolicy.annotation.evidence import SourceText

SOURCE = """\
Politique de confidentialité de Téléphonie Hélène

1. Données collectées
Nous collectons votre nom, votre adresse électronique et les numéros que vous appelez.
Nous ne vendons jamais vos données à des tiers.
"""

QUOTES = ["Nous collectons votre nom, votre adresse électronique et les numéros que vous"
          " appelez.", "Nous ne vendons jamais vos données à des tiers."]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "pypolicy", *args], cwd=cwd,
                          capture_output=True, text=True, encoding="utf-8", timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"})
    assert "Traceback" not in done.stderr, done.stderr
    return done


def annotation(skeleton: str, quote_form: str) -> str:
    """The skeleton filled in, with the quotes in ``quote_form``."""
    first, second = (unicodedata.normalize(quote_form, q) for q in QUOTES)
    filled = skeleton.replace('"FILL IN: the language of the text, e.g. en"', "fr")
    filled = filled.replace('"FILL IN: the provider name the policy uses"', "Téléphonie Hélène")
    filled = filled.replace('"FILL IN: the title of the policy as published"',
                            "Politique de confidentialité")
    filled = filled.replace('"FILL IN: the words of the source that name the provider"',
                            json.dumps(unicodedata.normalize(quote_form, "Téléphonie Hélène"),
                                       ensure_ascii=False))
    entries = f"""\
  dataCategories:
    - id: d-contact
      name: données de contact
      categories: [personName, emailAddress]
      evidence:
        - quote: {json.dumps(first, ensure_ascii=False)}
  statements:
    - id: s-no-sale
      modality: doesNot
      actions: [sell]
      data: [d-contact]
      evidence:
        - quote: {json.dumps(second, ensure_ascii=False)}
"""
    anchor = "  # Add what the policy states"
    assert anchor in filled
    return filled.replace(anchor, entries + anchor, 1)


@pytest.mark.parametrize(("source_form", "quote_form"), [("NFD", "NFC"), ("NFC", "NFD"),
                                                         ("NFD", "NFD")])
def test_quotes_are_found_whatever_the_normal_forms(tmp_path: Path, source_form: str,
                                                    quote_form: str) -> None:
    text = unicodedata.normalize(source_form, SOURCE)
    (tmp_path / "helene.txt").write_text(text, "utf-8")
    assert run("annotate", "init", "helene.txt", cwd=tmp_path).returncode == 0
    path = tmp_path / "helene.annotation.yaml"
    path.write_text(annotation(path.read_text("utf-8"), quote_form), "utf-8")
    built = run("annotate", "build", path.name, cwd=tmp_path)
    assert built.returncode == 0, built.stdout + built.stderr
    document = json.loads((tmp_path / "helene.policy.json").read_text("utf-8"))
    evidence = [*document["dataCategories"][0]["evidence"],
                *document["statements"][0]["evidence"]]
    for item, quote in zip(evidence, QUOTES, strict=True):
        passage = text[item["start"]:item["end"]]  # offsets into the source as saved
        assert unicodedata.normalize("NFC", passage) == quote
        assert passage == unicodedata.normalize(source_form, quote)
    checked = run("annotate", "check", path.name, "helene.policy.json", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_composed_character_maps_back_to_its_whole_cluster() -> None:
    text = "Cafe\u0301 \u212b e\u0301te\u0301"  # é decomposed, the Angstrom sign, été
    source = SourceText(text)
    span = source.find("Café Å été")
    assert span is not None and (span.start, span.end) == (0, len(text))
    span = source.find("é")
    assert span is not None and text[span.start:span.end] == "e\u0301"
    assert [text[s.start:s.end] for s in source.occurrences("été")] == ["e\u0301te\u0301"]
