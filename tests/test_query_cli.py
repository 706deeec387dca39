"""``pypolicy query`` and ``pypolicy load`` from the command line."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from example_sets import real_examples_dir

from pypolicy.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = str(real_examples_dir())  # the five real ones: examples/ has synthetic ones too
HAS_OXIGRAPH = importlib.util.find_spec("pyoxigraph") is not None
STORES = ["memory", pytest.param("oxigraph", marks=pytest.mark.skipif(
    not HAS_OXIGRAPH, reason="pyoxigraph is not installed (pip install 'pypolicy[oxigraph]')"))]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_list_shows_the_pack_with_parameters() -> None:
    code, out, _ = run("query", "--list")
    assert code == 0
    assert "traffic-data-to-third-parties\n    Traffic data sent to third parties" in out
    assert "--param right=... (term, default erasure)" in out
    assert out.count("\n    ") >= 24


@pytest.mark.parametrize("store", STORES)
def test_a_pack_query_in_one_command(store: str) -> None:
    code, out, err = run("query", "--name", "missing-right", "--store", store, EXAMPLES)
    assert (code, err) == (0, "")
    assert out == (
        "policy     provider   missing  gdpr\n"
        "---------  ---------  -------  ------------\n"
        "inaani     Inaani     erasure  gdpr claimed\n"
        "voiceterm  Voiceterm  erasure\n"
        "(2 rows)\n")


@pytest.mark.parametrize("store", STORES)
def test_formats(store: str) -> None:
    base = ("query", "-n", "end-to-end-encryption", "--store", store, EXAMPLES)
    code, out, _ = run(*base, "--format", "csv")
    assert code == 0
    assert list(csv.reader(io.StringIO(out))) == [
        ["policy", "provider", "entry", "measure", "scope", "decryptedAtProviderBy"],
        ["itnet", "iTNet Solutions", "sec-e2e", "endToEndEncryption", "media", "srtp (sec-srtp)"],
        ["itnet", "iTNet Solutions", "sec-e2e", "endToEndEncryption", "signalling",
         "tls (sec-tls)"]]
    assert "\r\n" in out  # RFC 4180, as the SPARQL CSV format asks
    code, out, _ = run(*base, "--format", "tsv")
    assert out.splitlines()[0] == "?policy\t?provider\t?entry\t?measure\t?scope\t" \
                                  "?decryptedAtProviderBy"
    assert out.splitlines()[1].startswith('"itnet"\t"iTNet Solutions"\t"sec-e2e"')
    code, out, _ = run(*base, "--format", "json")
    document = json.loads(out)
    assert document["head"]["vars"][0] == "policy"
    assert document["results"]["bindings"][0]["scope"] == {"type": "literal", "value": "media"}


@pytest.mark.parametrize("store", STORES)
def test_xml_results(store: str) -> None:
    from lxml import etree

    code, out, err = run("query", "-n", "end-to-end-encryption", "--store", store, "-f", "xml",
                         EXAMPLES)
    assert (code, err) == (0, "")
    root = etree.fromstring(out.encode())
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    assert [v.get("name") for v in root.findall("r:head/r:variable", ns)][:2] == [
        "policy", "provider"]
    assert len(root.findall("r:results/r:result", ns)) == 2
    code, out, _ = run("query", "--store", store, "-f", "xml", "-q", "ASK { ?s ?p ?o }",
                       EXAMPLES)
    assert etree.fromstring(out.encode()).findtext("r:boolean", namespaces=ns) == "true"


@pytest.mark.skipif(not HAS_OXIGRAPH, reason="pyoxigraph is not installed")
@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml", "table"])
def test_every_engine_writes_the_same_bytes(fmt: str) -> None:
    """One serializer for every engine, blank nodes relabelled in order of appearance."""
    query = ("SELECT ?evidence ?start ?quote WHERE { GRAPH <https://w3id.org/pypolicy/doc/itnet>"
             " { ?evidence pp:start ?start ; pp:end ?end ; pp:quote ?quote } }"
             " ORDER BY ?start ?end ?quote LIMIT 40")
    outputs = {run("query", "--store", store, "-f", fmt, "-q", query, EXAMPLES)[1]
               for store in ("memory", "oxigraph")}
    assert len(outputs) == 1 and outputs.pop().count("b3") > 0


@pytest.mark.parametrize("store", STORES)
def test_ask_prints_true_or_false_and_exits_zero(store: str) -> None:
    ask = "ASK {{ GRAPH ?g {{ ?entry pp:right pp:{} }} }}"
    assert run("query", "--store", store, "-q", ask.format("portability"), EXAMPLES)[:2] == \
        (0, "true\n")
    assert run("query", "--store", store, "-q", ask.format("cpniRestriction"), EXAMPLES)[:2] == \
        (0, "false\n")
    _, out, _ = run("query", "--store", store, "-f", "json", "-q", ask.format("access"),
                    EXAMPLES)
    assert json.loads(out) == {"head": {}, "boolean": True}


@pytest.mark.parametrize("store", STORES)
def test_construct_prints_turtle(store: str) -> None:
    from rdflib import Graph, URIRef

    query = ("CONSTRUCT { ?doc pp:hasRight ?right } WHERE { GRAPH ?doc {"
             " ?doc pp:rights/pp:right ?right } }")
    code, out, _ = run("query", "--store", store, "-q", query, EXAMPLES)
    assert code == 0 and out.startswith("@prefix")
    graph = Graph().parse(data=out, format="turtle")
    assert (URIRef("https://w3id.org/pypolicy/doc/itnet"),
            URIRef("https://w3id.org/pypolicy/ns#hasRight"),
            URIRef("https://w3id.org/pypolicy/ns#restriction")) in graph
    code, out, _ = run("query", "--store", store, "-f", "nt", "-q", query, EXAMPLES)
    assert out.splitlines() == sorted(out.splitlines()) and len(out.splitlines()) == len(graph)
    code, _, err = run("query", "-f", "csv", "-q", query, EXAMPLES)
    assert code == 2 and "use --format turtle or nt" in err


def test_parameters_from_the_command_line() -> None:
    code, out, _ = run("query", "-n", "missing-right", "-p", "right=portability", "-f", "csv",
                       EXAMPLES)
    assert code == 0
    assert [r[0] for r in csv.reader(io.StringIO(out))][1:] == [
        "anveo", "inaani", "itnet", "voiceterm"]
    code, _, err = run("query", "-n", "missing-right", "-p", "right=erasre", EXAMPLES)
    assert code == 2 and "'erasre' is not a term" in err and "erasure" in err
    code, _, err = run("query", "-n", "missing-right", "-p", "colour=red", EXAMPLES)
    assert code == 2 and "has no parameter colour" in err
    code, _, err = run("query", "-n", "traffic-data-retention", "-p", "days=a year", EXAMPLES)
    assert code == 2 and "'a year' is not an integer" in err
    code, _, err = run("query", "-n", "missing-right", "-p", "right", EXAMPLES)
    assert code == 2 and "expected name=value" in err


def test_ad_hoc_query_parameters_are_guessed_from_their_form() -> None:
    query = "SELECT ?doc WHERE { GRAPH ?doc { ?e pp:right ?right } } ORDER BY ?doc"
    code, out, _ = run("query", "-q", query, "-p", "right=pp:portability", "-f", "csv",
                       EXAMPLES)
    assert (code, out) == (0, "doc\r\nhttps://w3id.org/pypolicy/doc/inum\r\n")
    code, _, err = run("query", "-q", query, "-p", "wrong=pp:portability", EXAMPLES)
    assert code == 2 and "has no variable ?wrong" in err


def test_a_query_file_with_declared_parameters(tmp_path: Path) -> None:
    query = tmp_path / "rights.rq"
    query.write_text("# title: Who grants a right\n# description: by right\n"
                     "# param: wanted (term) the right\n"
                     "SELECT ?doc WHERE { GRAPH ?doc { ?e pp:right ?wanted } } ORDER BY ?doc\n")
    code, _, err = run("query", "--file", str(query), EXAMPLES)
    assert code == 2 and "needs --param wanted=VALUE" in err
    code, out, _ = run("query", "--file", str(query), "-p", "wanted=complaint", EXAMPLES)
    assert code == 0 and "doc:inum" in out and "(1 row)" in out


def test_errors_name_the_query_file_and_place(tmp_path: Path) -> None:
    query = tmp_path / "broken.rq"
    query.write_text("SELECT ?x\nWHERE {\n  ?x pp:right pp:access\n  FILTER (?x = )\n}\n")
    code, out, err = run("query", "--file", str(query), EXAMPLES)
    assert code == 2 and out == ""
    assert err.startswith(f"pypolicy: {query}:")
    assert "SPARQL syntax error" in err
    unsafe = tmp_path / "unsafe.rq"
    unsafe.write_text("SELECT * WHERE {\n  SERVICE <http://example.org/> { ?s ?p ?o }\n}\n")
    code, _, err = run("query", "--file", str(unsafe), EXAMPLES)
    assert code == 2 and f"{unsafe}:2:3: SERVICE" in err


def test_bad_policy_documents_are_named(tmp_path: Path) -> None:
    broken = tmp_path / "broken.policy.json"
    broken.write_text('{"formatVersion": "1.0.0", "id": "x"}')
    code, _, err = run("query", "-n", "regimes", str(broken))
    assert code == 2 and str(broken) in err and "not a valid policy document" in err
    code, _, err = run("query", "-n", "regimes", str(tmp_path / "missing.json"))
    assert code == 2 and "no such file or directory" in err
    twice = tmp_path / "twice"
    twice.mkdir()
    text = (ROOT / "examples" / "itnet.policy.json").read_text()
    (twice / "a.policy.json").write_text(text)
    (twice / "b.policy.json").write_text(text)
    code, _, err = run("query", "-n", "regimes", str(twice))
    assert code == 2 and "document id 'itnet' is also the id of" in err


def test_output_is_written_atomically_and_never_over_an_input(tmp_path: Path) -> None:
    target = tmp_path / "answer.csv"
    code, out, _ = run("query", "-n", "regimes", "-f", "csv", "-o", str(target), EXAMPLES)
    assert (code, out) == (0, "")
    assert target.read_text().startswith("policy,provider,regime")
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    code, _, err = run("query", "--file", str(query), "-o", str(query), EXAMPLES)
    assert code == 2 and "refusing to overwrite the input" in err
    assert query.read_text() == "SELECT * WHERE { ?s ?p ?o } LIMIT 1"


def test_option_mistakes() -> None:
    assert run("query", "-n", "regimes")[0] == 2  # no documents and no endpoint
    code, _, err = run("query", "-n", "regimez", EXAMPLES)
    assert code == 2 and "did you mean regimes" in err
    code, _, err = run("query", "-n", "regimes", "--endpoint", "file:///etc/passwd")
    assert code == 2 and "http:// or https://" in err
    code, _, err = run("query", "-n", "regimes", "--update-endpoint", "http://127.0.0.1:1/",
                       EXAMPLES)
    assert code == 2 and "--update-endpoint needs --endpoint" in err
    code, _, err = run("query", "-n", "regimes", "--endpoint", "http://127.0.0.1:1/q",
                       EXAMPLES)
    assert code == 2 and "give --update-endpoint" in err


def test_registering_the_commands_imports_nothing_heavy() -> None:
    script = ("import sys, pypolicy.cli.main as c; c.build_parser();"
              " print(sorted(m for m in ('rdflib', 'pyoxigraph', 'pyshacl') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"
