"""pypolicy: machine-readable privacy policies of VoIP and telecom providers.

The public API::

    doc = pypolicy.load("examples/inum.policy.json")      # JSON or YAML, strict and safe
    pypolicy.schema_violations(doc.data)                  # [] when schema-valid
    policy = pypolicy.Policy.from_dict(doc.data)          # typed, read-only model
    result = pypolicy.validate("examples/inum.policy.json")   # findings of every rule
    graph = pypolicy.to_graph(doc.data)                   # rdflib Graph, fully offline
    data = pypolicy.from_graph(graph, "inum")             # and back

Everything else is private (modules starting with ``_``) and may change.
Exceptions are documented in one place: ``pypolicy.core.errors``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pypolicy.core.errors import (
    ConfigError,
    InputError,
    InputTooLargeError,
    NotAPolicyError,
    ParseError,
    PypolicyError,
    QueryError,
    QuoteNotFoundError,
    UnsafeInputError,
)
from pypolicy.core.findings import FileResult, Finding, Quote, RuleInfo, Severity
from pypolicy.core.version import FORMAT_VERSION, __version__
from pypolicy.format.loader import LoadedDocument, parse_text
from pypolicy.format.loader import load_path as load
from pypolicy.format.model import Policy
from pypolicy.format.schema import SchemaViolation
from pypolicy.format.schema import violations as schema_violations
from pypolicy.validate.engine import Config
from pypolicy.validate.engine import validate_path as validate

if TYPE_CHECKING:
    from pypolicy.format.rdf import from_graph, to_graph

__all__ = [
    "FORMAT_VERSION",
    "Config",
    "ConfigError",
    "FileResult",
    "Finding",
    "InputError",
    "InputTooLargeError",
    "LoadedDocument",
    "NotAPolicyError",
    "ParseError",
    "Policy",
    "PypolicyError",
    "QueryError",
    "Quote",
    "QuoteNotFoundError",
    "RuleInfo",
    "SchemaViolation",
    "Severity",
    "UnsafeInputError",
    "__version__",
    "from_graph",
    "load",
    "parse_text",
    "schema_violations",
    "to_graph",
    "validate",
]


def __getattr__(name: str) -> Any:
    # rdflib takes a while to import; only RDF users pay for it
    if name in ("to_graph", "from_graph"):
        from pypolicy.format import rdf as _rdf

        return getattr(_rdf, name)
    raise AttributeError(f"module 'pypolicy' has no attribute {name!r}")
