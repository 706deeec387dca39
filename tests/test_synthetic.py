"""The synthetic example uses every part of the format, and stays valid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pypolicy.format.loader import iter_pointers, load_path
from pypolicy.format.rdf import canonical, from_graph, shacl_validate, to_graph
from pypolicy.format.resources import policy_schema
from pypolicy.format.schema import violations
from pypolicy.validation.engine import check_document

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "synthetic" / \
    "complete.policy.yaml"


def schema_property_names() -> set[str]:
    names: set[str] = set()
    schema = policy_schema()
    for definition in [schema, *schema["$defs"].values()]:
        names.update(definition.get("properties", {}))
    return names


def used_property_names(document: Any) -> set[str]:
    used: set[str] = set()
    for _pointer, value in iter_pointers(document):
        if isinstance(value, dict):
            used.update(value)
    return used


def test_synthetic_example_uses_every_property_and_is_valid() -> None:
    data = load_path(EXAMPLE).data
    assert violations(data) == []
    missing = schema_property_names() - used_property_names(data)
    assert not missing, f"the synthetic example does not use: {sorted(missing)}"


def test_synthetic_example_round_trips_and_conforms() -> None:
    data = load_path(EXAMPLE).data
    graph = to_graph(data)
    conforms, _, report = shacl_validate(graph)
    assert conforms, report
    assert from_graph(graph, data["id"]) == canonical(data)


def test_synthetic_example_is_clean_except_what_it_suppresses() -> None:
    findings, suppressed = check_document(load_path(EXAMPLE).data)
    assert [f.code for f in findings if f.severity.label == "error"] == []
    assert suppressed == 0 or all(f.code != "VP102" for f in findings)
