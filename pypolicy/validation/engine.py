"""The validation pipeline: layered rules over one document, with configuration.

Layers run in order, each only on input that passed the one before: 1 schema and
references, then (on a document that passed layer 1) 2 contradictions, 3 consistency
and 4 completeness. Configuration selects and ignores rules (by code, code prefix such
as ``VP3``, name, group, or ``ALL``), overrides severities, forces completeness
profiles, and sets the fail level; a document can suppress a reviewed finding, with a
reason, and the suppressed findings are kept (with the reason) for reporters that show
them. Every finding of a loaded document carries its line and a fingerprint that
survives edits; its regions (line and column, start and end) when asked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from pypolicy.core.errors import InputError, InputTooLargeError
from pypolicy.core.findings import (
    FileResult,
    Finding,
    RegimeDecision,
    Region,
    RuleInfo,
    Severity,
    SuppressedFinding,
)
from pypolicy.format.loader import LoadedDocument, decode, load_path, parse_text
from pypolicy.format.model import Policy
from pypolicy.format.schema import violations
from pypolicy.format.vocabulary import vocabulary
from pypolicy.validation.fingerprint import fingerprints
from pypolicy.validation.regions import Regions, document_regions
from pypolicy.validation.rules import RULES, Rule, RuleContext
from pypolicy.validation.rules._base import MAX_FINDINGS_PER_RULE, Merged, merge_across_rules
from pypolicy.validation.rules._regimes import decide, profiles_of

# A code prefix selects every rule whose code starts with it: VP selects all, VP3 the
# completeness rules, VP31 VP310-VP319.
CODE_PREFIX = re.compile(r"VP[0-9]{0,3}")


@dataclass(frozen=True)
class Config:
    """What to check and how strictly."""

    select: tuple[str, ...] = ()  # codes, code prefixes, names, groups or ALL; empty: all
    ignore: tuple[str, ...] = ()
    severities: dict[str, Severity] = field(default_factory=dict)  # code or name -> severity
    profiles: tuple[str, ...] = ()  # forced completeness profiles
    fail_level: Severity = Severity.ERROR
    max_bytes: int = 16 * 1024 * 1024
    enable: tuple[str, ...] = ()  # opt-in rules to run besides the selection
    # findings listed per rule and document, the rest counted in one more (None: all)
    max_findings_per_rule: int | None = MAX_FINDINGS_PER_RULE

    def rule_enabled(self, rule: type[Rule]) -> bool:
        # an opt-in rule runs only when named by its code or name, never by a prefix
        if rule.opt_in and not {rule.code, rule.name} & set(self.select + self.enable):
            return False
        if self.select and not any(selects(key, rule) for key in self.select + self.enable):
            return False
        return not any(selects(key, rule) for key in self.ignore)

    def configured_severity(self, rule: type[Rule]) -> Severity | None:
        """The severity configured for a rule: for its code or name, else for the longest
        code prefix, else for a group or ALL; None when none is."""
        exact = self.severities.get(rule.code) or self.severities.get(rule.name)
        if exact is not None:
            return exact
        broader = sorted((key for key in self.severities if selects(key, rule)),
                         key=lambda key: (key.startswith("VP"), len(key)), reverse=True)
        return self.severities[broader[0]] if broader else None

    def severity_of(self, rule: type[Rule]) -> Severity:
        return self.configured_severity(rule) or rule.severity


def selects(key: str, rule: type[Rule]) -> bool:
    """Whether a selector (code, code prefix, name, group or ALL) names a rule."""
    if key in (rule.code, rule.name, "ALL") or key in rule.groups:
        return True
    return CODE_PREFIX.fullmatch(key) is not None and rule.code.startswith(key)


def known_selector(key: str) -> bool:
    """Whether a selector names at least one rule."""
    return any(selects(key, rule) for rule in RULES.values())


def active_profiles(policy: Policy, forced: Iterable[str]) -> frozenset[str]:
    """The completeness profiles of the regimes that apply to the document (from the
    provider's establishment, its claims and its service: ``rules._regimes.decide``),
    the forced ones, and the general profile."""
    return profiles_of(decide(policy, forced), forced)


def rule_catalogue() -> dict[str, RuleInfo]:
    """What reporters need to know of every rule, with its place in the rule reference."""
    return {code: rule.info() for code, rule in sorted(RULES.items())}


class Suppressions:
    """The document's suppressions, by rule and target, so that the one accepting a
    finding is found from the finding's places (each pointer and the pointers above it)
    rather than by trying every suppression: a document may hold thousands, and a rule
    may make thousands of findings before its limit stops it."""

    def __init__(self, data: dict[str, Any]) -> None:
        raw = data.get("suppressions")
        self.entries = [(i, s) for i, s in enumerate(raw) if isinstance(s, dict)] \
            if isinstance(raw, list) else []
        # the first entry (its position in ``entries``) for a rule, and for a rule and target
        self._everywhere: dict[str, int] = {}
        self._at: dict[tuple[str, str], int] = {}
        for position, (_index, entry) in enumerate(self.entries):
            rule, targets = entry.get("rule"), entry.get("targets")
            if not isinstance(rule, str):
                continue
            if not targets:
                self._everywhere.setdefault(rule, position)
            elif isinstance(targets, list):
                for target in targets:
                    if isinstance(target, str):
                        self._at.setdefault((rule, target), position)

    def accepting(self, finding: Finding) -> tuple[int, dict[str, Any]] | None:
        """The first suppression (index and entry) that accepts a finding: one of its
        rule, with no targets or a target that is one of the finding's pointers or above
        one of them."""
        found = [self._everywhere[rule] for rule in (finding.code, finding.name)
                 if rule in self._everywhere]
        if self._at:
            for pointer in finding.pointers:
                # the pointer itself and each one above it ("/a/b": "/a/b", "/a", "")
                above = [pointer[:i] for i, c in enumerate(pointer) if c == "/"]
                for target in (pointer, *above):
                    for rule in (finding.code, finding.name):
                        position = self._at.get((rule, target))
                        if position is not None:
                            found.append(position)
        return self.entries[min(found)] if found else None

    def accepts(self, finding: Finding) -> bool:
        return self.accepting(finding) is not None


def check_document(data: dict[str, Any], config: Config = Config(),
                   rules: Iterable[type[Rule]] | None = None) -> tuple[list[Finding], int]:
    """Run the rules on a parsed document; returns the findings and how many were
    suppressed by the document itself."""
    findings, suppressed, _regimes = _check(data, config, rules)
    return findings, len(suppressed)


def _check(data: dict[str, Any], config: Config, rules: Iterable[type[Rule]] | None
           ) -> tuple[list[Finding], list[SuppressedFinding], tuple[RegimeDecision, ...]]:
    # by code, so that findings come out in the same order however the rule modules are
    # laid out and imported
    selected = sorted((r for r in (rules if rules is not None else RULES.values())
                       if config.rule_enabled(r)), key=lambda r: r.code)
    vocab = vocabulary()
    # suppressions first, then the limit: a finding the document suppresses takes no
    # place among those a rule lists, and is not counted among the rest
    suppressions = Suppressions(data)
    ctx = RuleContext(data, None, vocab, frozenset(), max_findings=config.max_findings_per_rule,
                      suppressed=suppressions.accepts)
    findings: list[Finding] = []
    # the schema first; references only on schema-valid input; the rest on a clean layer 1
    schema_rules = [r for r in selected if r.layer == 1 and r.code == "VP001"]
    other_structural = [r for r in selected if r.layer == 1 and r.code != "VP001"]
    for rule_cls in schema_rules:
        findings.extend(_run(rule_cls, ctx, config))
    if findings or (not schema_rules and violations(data)):
        return (*_finish([(f, ()) for f in findings], suppressions), ())
    blocked = False
    for rule_cls in other_structural:
        found = _run(rule_cls, ctx, config)
        findings.extend(found)
        blocked = blocked or (bool(found) and rule_cls.holds_back_later_layers)
    if blocked:
        return (*_finish([(f, ()) for f in findings], suppressions), ())
    policy = Policy.from_dict(data)
    # the law that applies, and why: findings cite only the law of applied regimes
    regimes = decide(policy, config.profiles)
    ctx = RuleContext(data, policy, vocab, profiles_of(regimes, config.profiles), regimes,
                      max_findings=config.max_findings_per_rule,
                      suppressed=suppressions.accepts)
    for layer in (2, 3, 4):
        for rule_cls in selected:
            if rule_cls.layer == layer:
                findings.extend(_run(rule_cls, ctx, config))
    # one problem reported under two regimes (rules that ``absorbs``) is one finding
    return (*_finish(merge_across_rules(findings), suppressions), regimes)


def _run(rule_cls: type[Rule], ctx: RuleContext, config: Config) -> list[Finding]:
    rule = rule_cls()
    if ctx.policy is None and rule.layer > 1:
        return []
    if not rule.applies(ctx):
        return []
    found = rule.run(ctx)
    # a rule may judge some of its findings less severe than its default (a duty that
    # applies only by assumption, say); a configured severity overrides them all
    configured = config.configured_severity(rule_cls)
    if configured is None:
        return found
    return [replace(f, severity=configured) if f.severity != configured else f for f in found]


def _finish(findings: list[Merged], suppressions: Suppressions
            ) -> tuple[list[Finding], list[SuppressedFinding]]:
    kept: list[Finding] = []
    suppressed: list[SuppressedFinding] = []
    for finding, merged_in in findings:
        # a finding that stands for other rules' too is silenced by a suppression of any
        accepting = [suppressions.accepting(replace(finding, code=code, name=name))
                     for code, name in merged_in]
        accepted = min((a for a in [suppressions.accepting(finding), *accepting] if a),
                       default=None, key=lambda a: a[0])
        if accepted is None:
            kept.append(finding)
        else:
            index, entry = accepted
            suppressed.append(SuppressedFinding(finding, str(entry.get("reason", "")),
                                                f"/suppressions/{index}"))
    return list(dict.fromkeys(kept)), suppressed


def _locate(finding: Finding, loaded: LoadedDocument, regions: Regions | None,
            fingerprint: str) -> Finding:
    """The finding with its line, fingerprint and regions (each pointer's line at least;
    columns and ends when asked for)."""
    line = loaded.line_of(finding.pointers[0]) if finding.pointers else None
    located: list[tuple[str, Region]] = []
    for pointer in dict.fromkeys([*finding.pointers, *(q.pointer for q in finding.quotes)]):
        pointer_line = loaded.line_of(pointer)
        if pointer_line is None:
            continue
        region = regions.at(pointer) if regions is not None else None
        # the loader's line is the authority: a region that disagrees gives only the line
        located.append((pointer, region if region is not None and
                        region.start_line == pointer_line else Region(pointer_line)))
    return replace(finding, line=line, regions=tuple(located), fingerprint=fingerprint)


def validate_loaded(loaded: LoadedDocument, config: Config = Config(),
                    rules: Iterable[type[Rule]] | None = None, *,
                    regions: bool = False) -> FileResult:
    """Validate a loaded document; ``regions`` adds columns and ends to the findings'
    places (for code scanning), at the cost of composing the text once more."""
    findings, suppressed, regimes = _check(loaded.data, config, rules)
    found = document_regions(loaded) if regions and (findings or suppressed) else None
    prints = fingerprints([*findings, *(s.finding for s in suppressed)], loaded.data)
    located = [_locate(f, loaded, found, p) for f, p in zip(findings, prints, strict=False)]
    located.sort(key=lambda f: (f.line or 0, f.code, f.pointers, f.message))
    accepted = tuple(replace(s, finding=_locate(s.finding, loaded, found, p),
                             line=loaded.line_of(s.pointer))
                     for s, p in zip(suppressed, prints[len(findings):], strict=True))
    doc_id = loaded.data.get("id") if isinstance(loaded.data.get("id"), str) else None
    return FileResult(loaded.path, tuple(located), suppressed=len(suppressed),
                      document_id=doc_id, suppressed_findings=accepted, regimes=regimes)


def _unusable(path: str, exc: InputError, loaded: LoadedDocument | None = None) -> FileResult:
    line = exc.line
    if line is None and loaded is not None:
        line = loaded.line_of(exc.pointer or "")
    return FileResult(path, error=exc.message, error_line=line, error_pointer=exc.pointer,
                      error_column=exc.column)


def _validate(load: Callable[[], LoadedDocument], path: str, config: Config,
              rules: Iterable[type[Rule]] | None, regions: bool) -> FileResult:
    try:
        loaded = load()
    except InputError as exc:
        return _unusable(path, exc)
    try:
        from pypolicy.format.rdf import check_keys

        check_keys(loaded.data)
    except InputError as exc:
        return _unusable(path, exc, loaded)
    return validate_loaded(loaded, config, rules, regions=regions)


def validate_path(path: str, config: Config = Config(),
                  rules: Iterable[type[Rule]] | None = None, *,
                  regions: bool = False) -> FileResult:
    """Validate one file; an unusable file gives a result with ``error`` set."""
    return _validate(lambda: load_path(path, max_bytes=config.max_bytes), path, config,
                     rules, regions)


def validate_bytes(raw: bytes, path: str, config: Config = Config(),
                   rules: Iterable[type[Rule]] | None = None, *,
                   regions: bool = False) -> FileResult:
    """Validate a document given as bytes (standard input), reported under ``path``,
    whose extension also says JSON or YAML when it has one."""

    def load() -> LoadedDocument:
        if len(raw) > config.max_bytes:
            raise InputTooLargeError(f"larger than the limit of {config.max_bytes} bytes",
                                     path=path)
        return parse_text(decode(raw, path), path)

    return _validate(load, path, config, rules, regions)
