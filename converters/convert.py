"""Build the repository's examples from their annotations with `pypolicy annotate`.

    python converters/convert.py                 build every example
    python converters/convert.py inum anveo      build some
    python converters/convert.py --check         exit 1 if a checked-in example is stale
    python converters/convert.py --coverage      print the coverage report (--brief: totals)

This is a loop over `pypolicy annotate build|check|coverage
converters/annotations/NAME.yaml` with the output `examples/NAME.policy.json`: the
examples are made by the same command a user runs on their own policy (docs/annotating.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypolicy.cli.main import main as pypolicy  # noqa: E402

ANNOTATIONS = ROOT / "converters" / "annotations"
EXAMPLES = ROOT / "examples"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", help="annotation names (default: all)")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 when an example differs from its annotation")
    parser.add_argument("--coverage", action="store_true", help="print the coverage report")
    parser.add_argument("--brief", action="store_true", help="coverage totals only")
    args = parser.parse_args(argv)
    names = args.names or sorted(p.stem for p in ANNOTATIONS.glob("*.yaml"))
    status = 0
    for name in names:
        annotation = str(ANNOTATIONS / f"{name}.yaml")
        output = str(EXAMPLES / f"{name}.policy.json")
        if args.coverage:
            show = "summary" if args.brief else "all"
            status = max(status, pypolicy(["annotate", "coverage", annotation, "--show", show]))
        elif args.check:
            status = max(status, pypolicy(["annotate", "check", annotation, output]))
        else:
            status = max(status, pypolicy(["annotate", "build", annotation, "-o", output]))
    return status


if __name__ == "__main__":
    sys.exit(main())
