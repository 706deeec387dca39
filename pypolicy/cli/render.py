"""The ``render``, ``diff`` and ``compare`` commands.

Imported on every start of the CLI, so it imports nothing heavy: the renderers, lxml
and the schema validator are imported by the handlers that need them.

Exit codes: 0 done; 1 (``diff`` only) a change that needs notifying users; 2 unusable
input or options.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from pypolicy.core.findings import FileResult
    from pypolicy.format.model import Policy

Handler = Callable[[argparse.Namespace, TextIO], int]

EXIT_OK, EXIT_NOTIFY = 0, 1


def load_policy(path: str) -> Policy:
    """Read and schema-check a policy document; InputError (exit 2) names the file,
    the JSON pointer and the line of the first problem."""
    from pypolicy.format.documents import load_valid
    from pypolicy.format.model import Policy

    return Policy.from_dict(load_valid(path).data)


def validator_findings(path: str) -> FileResult:
    """What ``pypolicy validate`` finds in one document, with the settings it would use
    (the nearest pyproject.toml or .pypolicy.toml, per-file ignores included): the
    renderer is given these as data and never runs the validator itself."""
    from pypolicy.core.errors import InputError
    from pypolicy.validation.engine import validate_path
    from pypolicy.validation.settings import Overrides, SettingsFinder

    settings = SettingsFinder(Overrides()).for_input(path)
    result = validate_path(path, settings.config_for(path))
    if result.error is not None:
        raise InputError(result.error, path=path, pointer=result.error_pointer,
                         line=result.error_line)
    return result


def cmd_render(args: argparse.Namespace, stdout: TextIO) -> int:
    from pypolicy.cli.main import write_output
    from pypolicy.rendering import render

    policy = load_policy(args.file)
    findings = validator_findings(args.file) if args.with_findings else None
    write_output(render(policy, args.render_format, args.audience, findings=findings),
                 args.output, [args.file], stdout)
    return EXIT_OK


def cmd_diff(args: argparse.Namespace, stdout: TextIO) -> int:
    from pypolicy.cli.main import write_output
    from pypolicy.rendering.diff import diff, diff_json, diff_markdown

    old, new = load_policy(args.old), load_policy(args.new)
    result = diff(old, new)
    writer = diff_json if args.diff_format == "json" else diff_markdown
    text = writer(result, args.notify_on, old_path=args.old, new_path=args.new)
    write_output(text, args.output, [args.old, args.new], stdout)
    return EXIT_NOTIFY if result.notifying(args.notify_on) else EXIT_OK


def cmd_compare(args: argparse.Namespace, stdout: TextIO) -> int:
    from pypolicy.cli.main import write_output
    from pypolicy.core.errors import InputError
    from pypolicy.rendering.compare import compare_csv, compare_html, compare_markdown

    policies = [load_policy(name) for name in args.files]
    # One column per provider: the same document named twice (or two files sharing an id)
    # would show twice, side by side, as if two providers said the same; query refuses it too.
    seen: dict[str, str] = {}
    for name, policy in zip(args.files, policies, strict=True):
        if policy.id in seen:
            raise InputError(f"document id {policy.id!r} is also the id of {seen[policy.id]};"
                             " compare shows each policy once", path=name, pointer="/id")
        seen[policy.id] = name
    writer = {"markdown": compare_markdown, "html": compare_html,
              "csv": compare_csv}[args.compare_format]
    write_output(writer(policies), args.output, args.files, stdout)
    return EXIT_OK


def _notify_kinds(text: str) -> Any:
    from pypolicy.rendering.diff import parse_notify_kinds

    try:
        return parse_notify_kinds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(subparsers: Any) -> dict[str, Handler]:
    """Add the commands to the CLI's subparsers; return their handlers by name."""
    r = subparsers.add_parser("render", help="write a policy document as a readable privacy "
                              "policy (Markdown, HTML or plain text)")
    r.add_argument("file", metavar="FILE", help="a JSON or YAML policy document")
    r.add_argument("--format", "-f", dest="render_format", default="markdown",
                   choices=["markdown", "html", "text"], help="output format (default "
                   "markdown)")
    r.add_argument("--audience", choices=["reader", "reviewer"], default="reader",
                   help="reader (default): the page for the people the policy is about, "
                        "without internal identifiers, character offsets or annotator's "
                        "notes; reviewer: everything, for checking the annotation")
    r.add_argument("--with-findings", action="store_true",
                   help="validate the document first (with the settings validate would "
                        "use) and show what the validator found near the top of the page, "
                        "as \"Things to know\"")
    r.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")

    d = subparsers.add_parser("diff", help="what changed between two versions of a policy; "
                              "exit 1 when a change needs notifying users")
    d.add_argument("old", metavar="OLD", help="the earlier version")
    d.add_argument("new", metavar="NEW", help="the later version")
    d.add_argument("--format", "-f", dest="diff_format", default="markdown",
                   choices=["markdown", "json"], help="output format (default markdown)")
    d.add_argument("--notify-on", type=_notify_kinds, default="default", metavar="KINDS",
                   help="comma-separated change kinds that need notifying users (exit 1); "
                        "'default', 'all' or 'none' (default: new data category, purpose, "
                        "recipient or destination, longer retention, removed right, "
                        "broken or weakened promise)")
    d.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")

    c = subparsers.add_parser("compare", help="several providers' policies side by side")
    c.add_argument("files", nargs="+", metavar="FILE", help="policy documents")
    c.add_argument("--format", "-f", dest="compare_format", default="markdown",
                   choices=["markdown", "html", "csv"], help="output format (default "
                   "markdown)")
    c.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
    return {"render": cmd_render, "diff": cmd_diff, "compare": cmd_compare}
