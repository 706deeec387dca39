"""What the validator reports: findings, with the policy's own words as evidence.

These are plain data, shared by the rules (which make them) and the reporters (which
print them); neither layer knows the other.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    """How serious a finding is; ordered, so ``severity >= fail_level`` works."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or info)")\
                from None


@dataclass(frozen=True)
class Quote:
    """A piece of evidence cited by a finding: the words and where they are."""

    pointer: str  # the JSON pointer of the document item the evidence belongs to
    text: str | None  # the quote; None for an inference without a quote
    section: str | None = None
    start: int | None = None
    end: int | None = None
    inferred: bool = False
    rationale: str | None = None

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"pointer": self.pointer}
        for key in ("text", "section", "start", "end", "rationale"):
            value = getattr(self, key)
            if value is not None:
                result[key] = value
        if self.inferred:
            result["inferred"] = True
        return result


@dataclass(frozen=True)
class RuleInfo:
    """What a reporter needs to know of a rule (SARIF's reportingDescriptor)."""

    code: str
    name: str
    severity: Severity
    groups: tuple[str, ...]
    summary: str
    rationale: str
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One problem found in one document."""

    code: str
    name: str
    severity: Severity
    message: str
    pointers: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()
    legal_reference: str | None = None
    hint: str | None = None
    line: int | None = None  # of the first pointer, when the document's text is known

    def sort_key(self) -> tuple[Any, ...]:
        return (self.line or 0, self.pointers, self.code, self.message)

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "code": self.code, "name": self.name, "severity": self.severity.label,
            "message": self.message, "pointers": list(self.pointers),
            "quotes": [q.as_dict() for q in self.quotes],
        }
        if self.legal_reference:
            result["legalReference"] = self.legal_reference
        if self.hint:
            result["hint"] = self.hint
        if self.line is not None:
            result["line"] = self.line
        return result


@dataclass(frozen=True)
class FileResult:
    """The outcome for one input file: its findings, or why it could not be used."""

    path: str
    findings: tuple[Finding, ...] = ()
    error: str | None = None  # set when the file is unusable (exit code 2)
    error_line: int | None = None
    error_pointer: str | None = None
    suppressed: int = 0
    document_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        return self.error is None

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)


def count_by_severity(results: Sequence[FileResult]) -> dict[Severity, int]:
    counts = dict.fromkeys(Severity, 0)
    for result in results:
        for finding in result.findings:
            counts[finding.severity] += 1
    return counts
