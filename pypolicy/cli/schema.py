"""The ``schema`` command: where the bundled JSON Schema is, or the schema itself.

Editors validate and complete a policy document against a JSON Schema file (docs/editors.md
in the repository); the one this package reads is bundled with it, and ``pypolicy schema
--path`` says where it is installed, so that an editor's settings can name that file and
stay offline. ``--print`` writes its text (to standard output or ``-o FILE``).

Exit codes: 0 done; 2 the schema files are missing from the installation, or ``-o`` cannot
be written.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, TextIO

Handler = Callable[[argparse.Namespace, TextIO], int]

EXIT_OK = 0
SCHEMA_FILE = "policy.schema.json"


def cmd_schema(args: argparse.Namespace, stdout: TextIO) -> int:
    from pypolicy.cli.output import write_output
    from pypolicy.core.errors import InputError
    from pypolicy.format.resources import schema_file

    try:
        path = schema_file(SCHEMA_FILE)
        text = path.read_text(encoding="utf-8") if args.print_schema else f"{path}\n"
    except (OSError, UnicodeDecodeError) as exc:  # FileNotFoundError: not installed
        raise InputError(f"the bundled JSON Schema cannot be read: {exc}") from None
    write_output(text, args.output, [], stdout)
    return EXIT_OK


def register(subparsers: Any) -> dict[str, Handler]:
    """Add the command to the CLI's subparsers; return its handler by name."""
    s = subparsers.add_parser(
        "schema", help="where the bundled JSON Schema is (--path), or its text (--print)",
        description="The JSON Schema of policy documents, as bundled with this package: "
                    "name its file in an editor's settings (VS Code json.schemas or "
                    "yaml.schemas) to validate and complete documents offline.")
    what = s.add_mutually_exclusive_group(required=True)
    what.add_argument("--path", dest="print_schema", action="store_false",
                      help="print the path of the bundled schema file")
    what.add_argument("--print", dest="print_schema", action="store_true",
                      help="print the schema itself")
    s.add_argument("--output", "-o", metavar="FILE",
                   help="write to FILE instead of standard output")
    return {"schema": cmd_schema}
