"""The rule reference, generated from the rules themselves: the whole of it
(docs/rules.md, ``pypolicy rules``) and one rule's page (``pypolicy rules CODE``)."""

from __future__ import annotations

from typing import Any

from pypolicy.core.errors import ConfigError
from pypolicy.validation.rules import BASE_EXAMPLE, RULES, Rule
from pypolicy.validation.rules._base import KINDS, rule_anchor, rule_help_uri
from pypolicy.validation.rules._regimes import BY_KEY, REGIMES

LAYERS = {1: "Structure", 2: "Contradictions", 3: "Consistency", 4: "Completeness"}


def rules_text() -> str:
    lines = []
    for code, rule in sorted(RULES.items()):
        profile = f" [profile {rule.profile}]" if rule.profile else ""
        lines.append(f"{code}  {rule.name:<36} {rule.severity.label:<8}{profile}  {rule.summary}")
    return "\n".join(lines) + "\n"


def find_rule(key: str) -> type[Rule]:
    """The rule with this code (in any case) or name; ConfigError when there is none."""
    wanted = key.strip()
    for code, rule in RULES.items():
        if wanted.upper() == code or wanted == rule.name:
            return rule
    raise ConfigError(f"unknown rule {key!r}: give a rule code such as VP301 or a rule"
                      " name; `pypolicy rules` lists them")


def _legal(rule: type[Rule]) -> str | None:
    if rule.citations:
        return "; ".join(f"{BY_KEY[key].label}: {text}" for key, text in rule.citations.items())
    return rule.legal_reference


def rule_data(rule: type[Rule]) -> dict[str, Any]:
    """One rule's documentation, for programs."""
    return {
        "code": rule.code, "name": rule.name, "summary": rule.summary,
        "severity": rule.severity.label, "groups": list(rule.groups),
        "profile": rule.profile, "layer": rule.layer, "layerName": LAYERS[rule.layer],
        "kind": rule.kind, "judges": KINDS[rule.kind][0],
        "noticeDuty": rule.kind == "notice", "optIn": rule.opt_in,
        "legalReference": rule.legal_reference,
        "citations": {key: text for key, text in rule.citations.items()},
        "references": list(rule.references), "rationale": rule.rationale(),
        "failExample": rule.fail_example, "passExample": rule.pass_example,
        "helpUri": rule_help_uri(rule.code),
    }


def rule_page(rule: type[Rule]) -> str:
    """One rule's documentation, for people (``pypolicy rules CODE``)."""
    notice = "yes: the policy text itself must meet it" if rule.kind == "notice" else \
        f"no: {KINDS[rule.kind][0]}"
    rows = [("severity", rule.severity.label + (" (opt-in: runs only when selected)"
                                                  if rule.opt_in else "")),
            ("groups", ", ".join(rule.groups)),
            ("layer", f"{rule.layer} ({LAYERS[rule.layer].lower()})"),
            ("profile", rule.profile or "none: runs on every document"),
            ("notice duty", notice),
            ("legal", _legal(rule) or "none"),
            *(("see", ref) for ref in rule.references),
            ("reference", rule_help_uri(rule.code))]
    out = [f"{rule.code} {rule.name}", "", rule.summary, ""]
    out += [f"{label + ':':<13}{value}" for label, value in rows]
    out += ["", rule.rationale(), "",
            "Fails (YAML merged onto the base example of the rule reference):", "",
            _indent(rule.fail_example), "", "Passes:", "", _indent(rule.pass_example)]
    return "\n".join(out).rstrip() + "\n"


def _indent(text: str) -> str:
    return "\n".join("    " + line if line else "" for line in text.rstrip().splitlines())


def rules_markdown() -> str:
    out = ["# Validator rules", "",
           "<!-- Generated from pypolicy/validation/rules by"
           " `python -m pypolicy.validation.ruledocs`; do not edit. -->",
           "", "`pypolicy validate` runs these rules in layers; each layer runs only on a"
           " document that passed the one before. Which law applies is decided per document"
           " from the provider's establishment (`provider.country`), what the policy claims"
           " (`regimes` with stance `claimed` or `applies`; `disclaimed` unless establishment"
           " decides) and the service it runs; every report states each regime's decision and"
           " grounds. A finding cites only the law of the regimes that apply. Completeness"
           " rules belong to a profile that an applied regime switches on (the `general`"
           " profile applies to every document), or that `--profile` forces.", "",
           "| regime | profile | applies to |", "|---|---|---|",
           *(f"| {r.label} | {r.profile or '(citations only)'} | {r.jurisdiction} |"
             for r in REGIMES), "",
           "Severities: **error**, the text contradicts itself or a notice duty the policy text"
           " itself must meet is unmet; **warning**, a likely problem (and any duty under a"
           " regime applied only by assumption); **info**, good practice.", "",
           "Every example below is merged onto this base document (its top-level keys replace"
           " the base's):", "", "```yaml", BASE_EXAMPLE.rstrip(), "```", ""]
    for layer, title in LAYERS.items():
        out += [f"## {title}", ""]
        for code, rule in sorted(RULES.items()):
            if rule.layer != layer:
                continue
            # an anchor of its own: links (SARIF helpUri) survive a change of name
            out += [f'<a id="{rule_anchor(code)}"></a>', "", f"### {code} {rule.name}", "",
                    f"*{rule.summary}*", "",
                    f"- severity: **{rule.severity.label}**",
                    f"- judges: {KINDS[rule.kind][0]}",
                    f"- groups: {', '.join(rule.groups)}"]
            if rule.profile:
                out.append(f"- profile: {rule.profile}")
            if rule.citations:
                out.append("- cites, where the regime applies: " + "; ".join(
                    f"{BY_KEY[key].label}: {text}" for key, text in rule.citations.items()))
            elif rule.legal_reference:
                out.append(f"- legal reference: {rule.legal_reference}")
            for ref in rule.references:
                out.append(f"- see: {ref}")
            out += ["", rule.rationale(), "", "Fails:", "", "```yaml",
                    rule.fail_example.rstrip(), "```", "", "Passes:", "", "```yaml",
                    rule.pass_example.rstrip(), "```", ""]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    from pathlib import Path

    target = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
    target.write_text(rules_markdown(), encoding="utf-8")
    print(f"wrote {target}")
