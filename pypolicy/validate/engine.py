"""The validation pipeline: layered rules over one document, with configuration.

Layers run in order, each only on input that passed the one before: 1 schema and
references, then (on a document that passed layer 1) 2 contradictions, 3 consistency
and 4 completeness. Configuration selects and ignores rules (by code, name or group),
overrides severities, forces completeness profiles, and sets the fail level; a document
can suppress a reviewed finding, with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pypolicy.core.errors import InputError
from pypolicy.core.findings import FileResult, Finding, RuleInfo, Severity
from pypolicy.format.loader import LoadedDocument, load_path
from pypolicy.format.model import Policy
from pypolicy.format.schema import violations
from pypolicy.format.vocabulary import vocabulary
from pypolicy.validate.rules import RULES, Rule, RuleContext
from pypolicy.validate.rules._base import ACTIVE_STANCES, REGIME_PROFILES

INTERCONNECTED_SERVICES = frozenset({"consumerVoip", "hostedPbx", "carrierServices",
                                     "softphone"})


@dataclass(frozen=True)
class Config:
    """What to check and how strictly."""

    select: tuple[str, ...] = ()  # codes, names or groups; empty means all
    ignore: tuple[str, ...] = ()
    severities: dict[str, Severity] = field(default_factory=dict)  # code or name -> severity
    profiles: tuple[str, ...] = ()  # forced completeness profiles
    fail_level: Severity = Severity.ERROR
    max_bytes: int = 16 * 1024 * 1024
    enable: tuple[str, ...] = ()  # opt-in rules to run besides the selection

    def rule_enabled(self, rule: type[Rule]) -> bool:
        keys = {rule.code, rule.name, *rule.groups}
        if rule.opt_in and not {rule.code, rule.name} & set(self.select + self.enable):
            return False
        if self.select and not keys & set(self.select):
            return False
        return not keys & set(self.ignore)

    def severity_of(self, rule: type[Rule]) -> Severity:
        return self.severities.get(rule.code) or self.severities.get(rule.name) or \
            rule.severity


def active_profiles(policy: Policy, forced: Iterable[str]) -> frozenset[str]:
    """Profiles the document declares (a regime it claims or falls under) plus forced ones."""
    profiles = set(forced)
    for claim in policy.regimes:
        if claim.stance in ACTIVE_STANCES and claim.regime in REGIME_PROFILES:
            profiles.add(REGIME_PROFILES[claim.regime])
    service = policy.service
    if service is not None and service.public_network is not False and \
            INTERCONNECTED_SERVICES & set(service.service_kinds):
        profiles.add("emergency")
    return frozenset(profiles)


def rule_catalogue() -> dict[str, RuleInfo]:
    return {code: rule.info() for code, rule in sorted(RULES.items())}


def _suppressed(finding: Finding, suppressions: Sequence[dict[str, Any]]) -> bool:
    for s in suppressions:
        if s.get("rule") not in (finding.code, finding.name):
            continue
        targets = s.get("targets")
        if not targets or any(p == t or p.startswith(t + "/") for t in targets
                              for p in finding.pointers):
            return True
    return False


def check_document(data: dict[str, Any], config: Config = Config(),
                   rules: Iterable[type[Rule]] | None = None) -> tuple[list[Finding], int]:
    """Run the rules on a parsed document; returns the findings and how many were
    suppressed by the document itself."""
    # by code, so that findings come out in the same order however the rule modules are
    # laid out and imported
    selected = sorted((r for r in (rules if rules is not None else RULES.values())
                       if config.rule_enabled(r)), key=lambda r: r.code)
    vocab = vocabulary()
    ctx = RuleContext(data, None, vocab, frozenset())
    findings: list[Finding] = []
    # the schema first; references only on schema-valid input; the rest on a clean layer 1
    schema_rules = [r for r in selected if r.layer == 1 and r.code == "VP001"]
    other_structural = [r for r in selected if r.layer == 1 and r.code != "VP001"]
    for rule_cls in schema_rules:
        findings.extend(_run(rule_cls, ctx, config))
    if findings or (not schema_rules and violations(data)):
        return _finish(findings, data)
    for rule_cls in other_structural:
        findings.extend(_run(rule_cls, ctx, config))
    if findings:
        return _finish(findings, data)
    policy = Policy.from_dict(data)
    ctx = RuleContext(data, policy, vocab, active_profiles(policy, config.profiles))
    for layer in (2, 3, 4):
        for rule_cls in selected:
            if rule_cls.layer == layer:
                findings.extend(_run(rule_cls, ctx, config))
    return _finish(findings, data)


def _run(rule_cls: type[Rule], ctx: RuleContext, config: Config) -> list[Finding]:
    rule = rule_cls()
    if ctx.policy is None and rule.layer > 1:
        return []
    if not rule.applies(ctx):
        return []
    severity = config.severity_of(rule_cls)
    found = list(rule.check(ctx))
    return [replace(f, severity=severity) if f.severity != severity else f for f in found]


def _finish(findings: list[Finding], data: dict[str, Any]) -> tuple[list[Finding], int]:
    raw = data.get("suppressions")
    suppressions: list[dict[str, Any]] = [s for s in raw if isinstance(s, dict)] \
        if isinstance(raw, list) else []
    kept = [f for f in findings if not _suppressed(f, suppressions)]
    unique = list(dict.fromkeys(kept))
    return unique, len(findings) - len(kept)


def validate_loaded(loaded: LoadedDocument, config: Config = Config(),
                    rules: Iterable[type[Rule]] | None = None) -> FileResult:
    findings, suppressed = check_document(loaded.data, config, rules)
    located = [replace(f, line=loaded.line_of(f.pointers[0]) if f.pointers else None)
               for f in findings]
    located.sort(key=lambda f: (f.line or 0, f.code, f.pointers, f.message))
    doc_id = loaded.data.get("id") if isinstance(loaded.data.get("id"), str) else None
    return FileResult(loaded.path, tuple(located), suppressed=suppressed, document_id=doc_id)


def validate_path(path: str, config: Config = Config(),
                  rules: Iterable[type[Rule]] | None = None) -> FileResult:
    """Validate one file; an unusable file gives a result with ``error`` set."""
    try:
        loaded = load_path(path, max_bytes=config.max_bytes)
    except InputError as exc:
        return FileResult(path, error=exc.message, error_line=exc.line,
                          error_pointer=exc.pointer)
    try:
        from pypolicy.format.rdf import check_keys

        check_keys(loaded.data)
    except InputError as exc:
        return FileResult(path, error=exc.message, error_line=loaded.line_of(exc.pointer or ""),
                          error_pointer=exc.pointer)
    return validate_loaded(loaded, config, rules)
