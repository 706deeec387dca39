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
class Region:
    """Where a value is in a document's text. Lines and columns count from 1; columns
    count characters (Unicode code points); the end column is one past the value's last
    character, as in SARIF."""

    start_line: int
    start_column: int | None = None
    end_line: int | None = None
    end_column: int | None = None

    def as_dict(self) -> dict[str, int]:
        """The region as SARIF names its parts (only the parts that are known)."""
        result = {"startLine": self.start_line}
        for key, value in (("startColumn", self.start_column), ("endLine", self.end_line),
                           ("endColumn", self.end_column)):
            if value is not None:
                result[key] = value
        return result


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
    help_uri: str | None = None  # the rule's entry in the rule reference
    legal_reference: str | None = None
    fail_example: str | None = None  # YAML a finding of the rule is made for
    pass_example: str | None = None


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
    # where each pointer (and each quote's pointer) is in the text, when asked for
    regions: tuple[tuple[str, Region], ...] = ()
    # the same for the same problem after the document is edited or reordered (see
    # pypolicy.validation.fingerprint); None when the document was not at hand
    fingerprint: str | None = None

    def sort_key(self) -> tuple[Any, ...]:
        return (self.line or 0, self.pointers, self.code, self.message)

    def region_of(self, pointer: str) -> Region | None:
        """Where the value at ``pointer`` is, if known."""
        return next((region for p, region in self.regions if p == pointer), None)

    def region(self) -> Region | None:
        """Where the finding is: its first pointer's region, else just its line."""
        region = self.region_of(self.pointers[0]) if self.pointers else None
        if region is None and self.line is not None and self.line >= 1:
            return Region(self.line)
        return region

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
        region = self.region()
        if region is not None and region.start_column is not None:
            result["column"] = region.start_column
            if region.end_line is not None and region.end_column is not None:
                result["endLine"], result["endColumn"] = region.end_line, region.end_column
        if self.fingerprint is not None:
            result["fingerprint"] = self.fingerprint
        return result


@dataclass(frozen=True)
class SuppressedFinding:
    """A finding the document itself accepts (its ``suppressions``), and why."""

    finding: Finding
    reason: str
    pointer: str  # of the suppression entry, such as /suppressions/0
    line: int | None = None


@dataclass(frozen=True)
class RegimeDecision:
    """Whether a legal regime was applied to a document, and on what grounds: "provider
    established in GB", "the policy claims compliance", "forced with --profile gdpr", or
    an assumption the validator states ("a US provider's website is open to California
    residents"). Findings cite only the law of applied regimes."""

    regime: str  # gdpr, ukGdpr, eprivacy, pecr, usCpni, e911, ftc, ccpa, calOppa, dpdp
    label: str  # as a reader knows it: "UK GDPR", "US CPNI rules"
    applied: bool
    grounds: str
    assumed: bool = False  # applied (or not) on an assumption the document cannot confirm
    profile: str | None = None  # the completeness profile the regime switches on

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"regime": self.regime, "label": self.label,
                                  "applied": self.applied, "grounds": self.grounds}
        if self.assumed:
            result["assumed"] = True
        if self.profile:
            result["profile"] = self.profile
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
    error_column: int | None = None
    suppressed_findings: tuple[SuppressedFinding, ...] = ()  # the suppressed ones, with reasons
    # every regime considered for the document, applied or not, with its grounds
    regimes: tuple[RegimeDecision, ...] = ()

    @property
    def usable(self) -> bool:
        return self.error is None

    def applied_regimes(self) -> tuple[RegimeDecision, ...]:
        """The regimes whose law the findings apply, with the grounds for each."""
        return tuple(r for r in self.regimes if r.applied)

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)


def count_by_severity(results: Sequence[FileResult]) -> dict[Severity, int]:
    counts = dict.fromkeys(Severity, 0)
    for result in results:
        for finding in result.findings:
            counts[finding.severity] += 1
    return counts
