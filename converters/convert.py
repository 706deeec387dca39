"""Convert the hand annotations in converters/annotations/ into examples/*.policy.json.

    python converters/convert.py                 convert every annotation
    python converters/convert.py inum anveo      convert some
    python converters/convert.py --check         exit 1 if a checked-in example is stale
    python converters/convert.py --coverage      print the coverage report

Each quote is looked up in its source text (exact after whitespace normalisation); a
quote that is not there stops the conversion with the closest passage of the text.
Output is deterministic: converting twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypolicy.annotate.build import convert, coverage_report, render_json  # noqa: E402
from pypolicy.core.errors import PypolicyError  # noqa: E402
from pypolicy.core.files import write_atomic  # noqa: E402

ANNOTATIONS = ROOT / "converters" / "annotations"
EXAMPLES = ROOT / "examples"


def output_path(name: str) -> Path:
    return EXAMPLES / f"{name}.policy.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", help="annotation names (default: all)")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 when an example differs from its annotation")
    parser.add_argument("--coverage", action="store_true", help="print the coverage report")
    parser.add_argument("--brief", action="store_true", help="coverage figures only")
    args = parser.parse_args(argv)
    names = args.names or sorted(p.stem for p in ANNOTATIONS.glob("*.yaml"))
    status = 0
    for name in names:
        path = ANNOTATIONS / f"{name}.yaml"
        try:
            conversion = convert(path, ROOT, EXAMPLES)
        except PypolicyError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 2
            continue
        text = render_json(conversion.document)
        target = output_path(name)
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                print(f"stale: {target.relative_to(ROOT)} (run python converters/convert.py)")
                status = max(status, 1)
        elif not args.coverage:
            write_atomic(target, text)
            print(f"wrote {target.relative_to(ROOT)}")
        if args.coverage:
            print(coverage_report(conversion, list_uncovered=not args.brief))
    return status


if __name__ == "__main__":
    sys.exit(main())
