"""pypolicy: machine-readable privacy policies of VoIP and telecom providers.

The public API::

    doc = pypolicy.load("examples/inum.policy.json")      # JSON or YAML, strict and safe
    pypolicy.schema_violations(doc.data)                  # [] when schema-valid
    policy = pypolicy.Policy.from_dict(doc.data)          # typed, read-only model
    result = pypolicy.validate("examples/inum.policy.json")   # findings of every rule
    result = pypolicy.validate(doc.data)                  # ... of parsed data, or text=...
    page = pypolicy.render(policy, "html", findings=result)   # a page people read
    changes = pypolicy.diff("old.policy.json", "new.policy.json").changes
    table = pypolicy.compare(["a.policy.json", "b.policy.json"], "csv")
    answer = pypolicy.query(["examples/"], pack="traffic-data-to-third-parties")
    graph = pypolicy.to_graph(doc.data)                   # rdflib Graph, fully offline
    data = pypolicy.from_graph(graph, "inum")             # and back

A document is given as a path, as parsed data or as a ``Policy``. Everything not named
in ``__all__`` may change between releases. Exceptions are documented in one place,
``pypolicy.core.errors``: every one is a ``PypolicyError`` with a message that names the
file and the place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pypolicy._api import compare, diff, query, render, validate
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

if TYPE_CHECKING:
    from pypolicy.format.rdf import from_graph, to_graph
    from pypolicy.validation.engine import Config

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
    "compare",
    "diff",
    "from_graph",
    "load",
    "parse_text",
    "query",
    "render",
    "schema_violations",
    "to_graph",
    "validate",
]


def __getattr__(name: str) -> Any:
    # rdflib and the rules take a while to import; only their users pay for them
    if name in ("to_graph", "from_graph"):
        from pypolicy.format import rdf as _rdf

        return getattr(_rdf, name)
    if name == "Config":
        from pypolicy.validation.engine import Config

        return Config
    raise AttributeError(f"module 'pypolicy' has no attribute {name!r}")
