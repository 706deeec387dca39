"""Validating a document against the JSON Schema: fast when valid, helpful when not.

Valid documents are the common case (CI runs on every commit; corpora hold thousands),
so validity is decided by jsonschema-rs, a compiled validator about a hundred times
faster than python-jsonschema. Only for a document it rejects does python-jsonschema
run, for its messages and paths, picked with ``best_match`` where a ``oneOf`` or
``anyOf`` hides the real problem. Both validators check the same formats with the same
rules; a property test shows they agree on what is valid.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from pypolicy.core.addresses import documentation_uri
from pypolicy.core.errors import shown
from pypolicy.format.pointers import join as join_pointer
from pypolicy.format.resources import policy_schema
from pypolicy.format.value_forms import mismatch_message

if TYPE_CHECKING:  # python-jsonschema is imported only when a document is invalid
    import jsonschema
    from jsonschema.exceptions import ValidationError

# RFC 3986, as jsonschema-rs checks it: ASCII only, valid percent escapes, one fragment
_URI_CHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?\[\]]|%[0-9A-Fa-f]{2})"
_URI = re.compile(rf"^[A-Za-z][A-Za-z0-9+.\-]*:{_URI_CHAR}*(?:#{_URI_CHAR}*)?\Z")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or bool(_URI.match(value))


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.match(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class SchemaViolation:
    """One way in which a document breaks the schema."""

    pointer: str
    message: str
    keyword: str
    schema_pointer: str


@cache
def _rust_validator() -> Any:
    return jsonschema_rs.validator_for(policy_schema(), validate_formats=True)


@cache
def _python_validator() -> jsonschema.protocols.Validator:
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    checker.checks("uri")(_is_uri)
    checker.checks("date")(_is_date)
    base = jsonschema.validators.validator_for(policy_schema())
    cls = jsonschema.validators.extend(base, {"pattern": _pattern})  # type: ignore[no-untyped-call]
    validator: jsonschema.protocols.Validator = cls(policy_schema(), format_checker=checker)
    return validator


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    """ECMA-262 patterns as jsonschema-rs reads them: Python's ``$`` also matches before a
    final newline, ECMA's does not, so a trailing ``$`` is read as ``\\Z``."""
    from jsonschema.exceptions import ValidationError

    if not isinstance(instance, str):
        return
    python_pattern = pattern[:-1] + r"\Z" if pattern.endswith("$") and \
        not pattern.endswith(r"\$") else pattern
    if not re.search(python_pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def is_valid(data: Any) -> bool:
    """Whether ``data`` is a valid document (the fast check)."""
    return bool(_rust_validator().is_valid(data))


def is_valid_python(data: Any) -> bool:
    """The same verdict from python-jsonschema (used to show that the two agree)."""
    return bool(_python_validator().is_valid(data))


# Codes people write that ISO 3166-1 spells differently.
_ALIASES = {"UK": "GB", "EL": "GR", "USA": "US"}


def _enum_message(error: ValidationError) -> str:
    name = str(error.schema_path[-2]) if len(error.schema_path) > 1 else "value"
    ref_name = _enum_name(error.schema)
    allowed = [str(v) for v in error.validator_value]  # type: ignore[union-attr]
    alias = _ALIASES.get(str(error.instance))
    hint = [alias] if alias in allowed else difflib.get_close_matches(str(error.instance),
                                                                       allowed, n=3)
    label = ref_name or name
    message = f"{shown(error.instance)} is not a {label} term"
    if hint:
        message += f"; did you mean {' or '.join(repr(h) for h in hint)}?"
    elif len(allowed) <= 12:
        message += f"; expected one of {', '.join(allowed)}"
    else:
        message += f" (the terms: {documentation_uri('format.md', label.lower())})"
    return message


def _enum_name(subschema: Any) -> str | None:
    defs = policy_schema()["$defs"]
    for name, definition in defs.items():
        if definition is subschema or definition == subschema:
            return str(name)
    return None


def _additional_message(error: ValidationError) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    allowed = list(schema.get("properties", {}))
    extras = [k for k in error.instance if k not in allowed] if isinstance(
        error.instance, dict) else []
    parts = []
    for extra in extras:
        hint = difflib.get_close_matches(extra, allowed, n=1)
        parts.append(f"{extra!r}" + (f" (did you mean {hint[0]!r}?)" if hint else ""))
    return f"unknown propert{'y' if len(parts) == 1 else 'ies'} {', '.join(parts)}; " \
           f"allowed here: {', '.join(allowed)}"


def _message(error: ValidationError) -> str:
    if error.validator == "enum":
        return _enum_message(error)
    if error.validator == "additionalProperties":
        return _additional_message(error)
    if error.validator == "required":
        return str(error.message).replace("is a required property", "is required here")
    if error.validator in ("pattern", "format"):
        known = mismatch_message(str(error.validator), error.validator_value, error.instance)
        if known:
            return known
    # jsonschema's own messages start with the value's repr: never echo a huge one whole
    return str(error.message).replace(repr(error.instance), shown(error.instance), 1)


def _required_alternatives(error: ValidationError) -> list[str]:
    """For "give A or B" (oneOf/anyOf of bare ``required``), the names of A and B."""
    if error.validator not in ("oneOf", "anyOf") or not isinstance(error.validator_value, list):
        return []
    names: list[str] = []
    for alternative in error.validator_value:
        if not isinstance(alternative, dict) or set(alternative) != {"required"}:
            return []
        names.extend(alternative["required"])
    return names


def _leaf(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf/if-then, the sub-error that tells a human what to fix."""
    from jsonschema.exceptions import best_match, relevance

    while error.context:
        best = best_match(error.context, key=relevance)
        if best is None:
            break
        error = best
    return error


def violations(data: Any) -> list[SchemaViolation]:
    """Every schema violation of ``data``, in document order; empty when valid."""
    if is_valid(data):
        return []
    found: dict[tuple[str, str], SchemaViolation] = {}
    for error in _python_validator().iter_errors(data):
        alternatives = _required_alternatives(error)
        if alternatives:
            pointer = join_pointer(error.absolute_path)
            how = "exactly one" if error.validator == "oneOf" else "at least one"
            message = f"needs {how} of {', '.join(repr(a) for a in alternatives)}"
            found.setdefault((pointer, message), SchemaViolation(
                pointer, message, str(error.validator), join_pointer(error.absolute_schema_path)))
            continue
        leaf = _leaf(error) if error.validator in ("oneOf", "anyOf") else error
        pointer = join_pointer(leaf.absolute_path)
        message = _message(leaf)
        if error.validator == "oneOf" and leaf is error:
            message = "matches more than one alternative: " + message
        key = (pointer, message)
        found.setdefault(key, SchemaViolation(pointer, message, str(leaf.validator),
                                              join_pointer(leaf.absolute_schema_path)))
    if not found:  # the fast validator saw something the messages did not: still an error
        for rust_error in _rust_validator().iter_errors(data):
            pointer = join_pointer(rust_error.instance_path)
            found.setdefault((pointer, rust_error.message), SchemaViolation(
                pointer, rust_error.message, "schema", join_pointer(rust_error.schema_path)))
    return sorted(found.values(), key=lambda v: (_sort_key(v.pointer), v.message))


def _sort_key(pointer: str) -> list[tuple[int, int | str]]:
    return [(0, int(p)) if p.isdigit() else (1, p) for p in pointer.split("/")[1:]]
