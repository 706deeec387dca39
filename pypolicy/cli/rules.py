"""``pypolicy rules``: the validator's rules, listed, or one explained (like ``ruff rule``).

``pypolicy rules`` lists every rule (``-f markdown``: the rule reference, docs/rules.md;
``-f json``: every rule's documentation); ``pypolicy rules CODE`` explains one rule, by
code or name: severity, groups, profile, whether it is a notice duty, legal reference,
rationale, a failing and a passing example (``-f json`` for programs). An unknown rule is
a configuration error (exit 2).
"""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

EXIT_OK = 0


def register(subparsers: Any) -> dict[str, Any]:
    r = subparsers.add_parser(
        "rules", help="list the validator's rules, or explain one",
        description="List the validator's rules, or explain one: pypolicy rules VP301"
        " (a code or a rule name).")
    r.add_argument("rule", nargs="?", metavar="CODE",
                   help="a rule code (VP301) or name (controller-identity) to explain")
    r.add_argument("--format", "-f", choices=["text", "markdown", "json"], default="text",
                   dest="rules_format",
                   help="text (default), markdown (the whole rule reference) or json")
    return {"rules": cmd_rules}


def cmd_rules(args: argparse.Namespace, stdout: TextIO) -> int:
    from pypolicy.core.errors import ConfigError
    from pypolicy.validation.ruledocs import (
        find_rule,
        rule_data,
        rule_page,
        rules_markdown,
        rules_text,
    )
    from pypolicy.validation.rules import RULES

    if args.rule is not None:
        rule = find_rule(args.rule)
        if args.rules_format == "markdown":
            raise ConfigError("one rule is explained as text or json; markdown writes the"
                              " whole rule reference (pypolicy rules -f markdown)")
        stdout.write(_json(rule_data(rule)) if args.rules_format == "json"
                     else rule_page(rule))
    elif args.rules_format == "json":
        stdout.write(_json([rule_data(rule) for _, rule in sorted(RULES.items())]))
    else:
        stdout.write(rules_markdown() if args.rules_format == "markdown" else rules_text())
    return EXIT_OK


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
