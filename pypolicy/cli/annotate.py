"""The ``annotate`` command: ``init``, ``draft``, ``build``, ``coverage`` and ``check``.

From a policy text in the user's own folder to an evidence-anchored policy document:
``init`` writes an annotation skeleton (``draft`` one pre-filled with proposals to
review), ``build`` locates every quote and writes the
document, ``coverage`` shows which sentences no quote covers yet, ``check`` tells CI
whether a built document is out of date. Paths inside an annotation resolve against the
annotation's folder. Imported on every start of the CLI, so it imports nothing heavy.

Exit codes: 0 done; 1 coverage below ``--min``, or (``check``) a document out of date;
2 unusable input or options.
"""

from __future__ import annotations

import argparse
import difflib
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pypolicy.core.addresses import documentation_uri

if TYPE_CHECKING:
    from pypolicy.annotation.build import Conversion

Handler = Callable[[argparse.Namespace, TextIO], int]

EXIT_OK, EXIT_FAILED = 0, 1
_SHOWN_DIFF_LINES = 40


def cmd_init(args: argparse.Namespace, stdout: TextIO) -> int:
    from pypolicy.annotation.skeleton import init_annotation

    result = init_annotation(Path(args.source), Path(args.output) if args.output else None,
                             url=args.url, retrieved=args.retrieved, force=args.force)
    if result.extracted is not None:
        stdout.write(f"extracted the text of {args.source} to {result.extracted}\n")
    stdout.write(f"wrote {result.annotation}: {len(result.sections)} section(s), "
                 f"{len(result.worklist)} sentence(s) to cover, {len(result.boilerplate)} "
                 "guessed boilerplate\n"
                 f"next: fill in its document, quoting the source for every claim, then\n"
                 f"  pypolicy annotate build {result.annotation}\n"
                 f"  pypolicy annotate coverage {result.annotation}\n")
    return EXIT_OK


def cmd_draft(args: argparse.Namespace, stdout: TextIO) -> int:
    from pypolicy.annotation.draft import draft_annotation

    result = draft_annotation(Path(args.source), Path(args.output) if args.output else None,
                              url=args.url, force=args.force)
    if result.extracted is not None:
        stdout.write(f"extracted the text of {args.source} to {result.extracted}\n")
    stdout.write(f"wrote {result.annotation}: {result.proposals} proposal(s) marked draft, "
                 f"{result.sentences - result.unused} of {result.sentences} sentence(s) quoted\n"
                 "next: review each proposal against its quote, correct it and delete its "
                 "`draft:` line, then\n"
                 f"  pypolicy annotate build {result.annotation}\n")
    return EXIT_OK


def _structure_problems(conversion: Conversion) -> list[Any]:
    """The structure rules (duplicate identifiers, unknown references), reported at the
    annotation's lines. They live in the validate layer, which annotate may not import."""
    from pypolicy.core.findings import Severity
    from pypolicy.validation.engine import Config, check_document

    findings, _suppressed = check_document(conversion.document, Config(select=("structure",)))
    return [conversion.annotation.problem(f"{f.code} {f.name}: {f.message}",
                                          f"/document{f.pointers[0] if f.pointers else ''}")
            for f in findings if f.severity >= Severity.ERROR]


def cmd_build(args: argparse.Namespace, stdout: TextIO) -> int:
    from pypolicy.annotation.annotation import AnnotationErrors
    from pypolicy.annotation.build import build, default_output, render_json
    from pypolicy.cli.main import write_output

    annotation = Path(args.annotation)
    output = Path(args.output) if args.output else default_output(annotation)
    conversion = build(annotation, output, accept_drafts=args.accept_drafts)
    problems = _structure_problems(conversion)
    if problems:
        raise AnnotationErrors(problems)
    write_output(render_json(conversion.document), str(output),
                 [str(annotation), str(conversion.annotation.source_path)], stdout)
    quotes = len(conversion.evidence_spans)
    if args.accept_drafts:
        from pypolicy.annotation.build import draft_pointers

        drafts = len(draft_pointers(conversion.annotation.data["document"]))
        if drafts:
            stdout.write(f"note: {drafts} draft proposal(s) built unconfirmed "
                         "(--accept-drafts)\n")
    cov = conversion.coverage()
    stdout.write(f"wrote {output}: {quotes} quote(s) located in "
                 f"{conversion.annotation.data['source']['file']}; {len(cov.covered)} of "
                 f"{cov.substantive} practice sentences covered ({cov.ratio:.1%})\n")
    return EXIT_OK


def _percent(value: str) -> float:
    try:
        number = float(value.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a percentage: {value!r}") from None
    if not 0 <= number <= 100:
        raise argparse.ArgumentTypeError(f"a percentage is from 0 to 100, not {value}")
    return number


def cmd_coverage(args: argparse.Namespace, stdout: TextIO) -> int:
    from pypolicy.annotation.annotation import read_annotation
    from pypolicy.annotation.build import locate
    from pypolicy.annotation.mismatch import visible

    annotation = read_annotation(Path(args.annotation))
    conversion = locate(annotation, skip_placeholders=True)
    cov = conversion.coverage()
    source = conversion.source
    percent = cov.ratio * 100
    rows: list[dict[str, Any]] = [
        {"line": source.line_of(s.start), "start": s.start, "end": s.end,
         "section": source.section_at(s.start), "status": status,
         "text": source.normalise(source.text[s.start:s.end])}
        for s, status in cov.statuses().items()]
    if args.coverage_format == "json":
        stdout.write(json.dumps({
            "annotation": args.annotation, "source": str(annotation.data["source"]["file"]),
            "sentences": rows, "covered": len(cov.covered),
            "boilerplate": len(cov.boilerplate), "uncovered": len(cov.uncovered),
            "percent": round(percent, 2)}, indent=2, ensure_ascii=False) + "\n")
    else:
        stdout.write(f"{args.annotation}: {annotation.data['source']['file']}\n")
        for row in rows:
            if args.show == "all" or (args.show == "uncovered" and
                                      row["status"] == "uncovered"):
                mark = "UNCOVERED" if row["status"] == "uncovered" else row["status"]
                stdout.write(f"  line {row['line']:>4}  {mark:<11}  {visible(row['text'])}\n")
        stdout.write(f"{len(cov.covered)} of {cov.substantive} practice sentences covered "
                     f"({percent:.1f}%); {len(cov.boilerplate)} boilerplate, "
                     f"{len(cov.uncovered)} uncovered\n")
    if args.min is not None and percent < args.min:
        if args.coverage_format != "json":
            stdout.write(f"coverage {percent:.1f}% is below the minimum of {args.min:g}%\n")
        return EXIT_FAILED
    return EXIT_OK


def cmd_check(args: argparse.Namespace, stdout: TextIO) -> int:
    from pypolicy.annotation.annotation import SourceChangedError
    from pypolicy.annotation.build import build, render_json
    from pypolicy.annotation.mismatch import visible
    from pypolicy.core.errors import InputError

    policy = Path(args.policy)
    try:
        current = policy.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not valid UTF-8"
        raise InputError(f"cannot read: {reason or exc}", path=str(policy)) from None
    try:
        expected = render_json(build(Path(args.annotation), policy).document)
    except SourceChangedError as exc:
        stdout.write(f"{policy}: out of date with its source: {exc}\n")
        return EXIT_FAILED
    if current == expected:
        stdout.write(f"{policy}: up to date with {args.annotation}\n")
        return EXIT_OK
    stdout.write(f"{policy}: out of date with {args.annotation}; run\n"
                 f"  pypolicy annotate build {args.annotation} -o {policy}\n")
    diff = list(difflib.unified_diff(current.splitlines(), expected.splitlines(),
                                     f"{policy} (as it is)", f"{policy} (as built)",
                                     lineterm="", n=2))
    for line in diff[:_SHOWN_DIFF_LINES]:
        stdout.write(visible(line) + "\n")
    if len(diff) > _SHOWN_DIFF_LINES:
        stdout.write(f"... {len(diff) - _SHOWN_DIFF_LINES} more diff lines\n")
    return EXIT_FAILED


STEPS: dict[str, Handler] = {"init": cmd_init, "draft": cmd_draft, "build": cmd_build,
                             "coverage": cmd_coverage, "check": cmd_check}


def cmd_annotate(args: argparse.Namespace, stdout: TextIO) -> int:
    return STEPS[args.annotate_step](args, stdout)


def register(subparsers: Any) -> dict[str, Handler]:
    """Add the command to the CLI's subparsers; return its handler by name."""
    a = subparsers.add_parser(
        "annotate", help="annotate a policy text: init, draft, build, coverage, check",
        description="Turn a privacy policy text into an evidence-anchored policy document: "
                    "init writes an annotation skeleton, build locates the quotes and "
                    "writes the document, coverage shows what is left, check tells CI "
                    "whether the document is out of date. Guide: "
                    f"{documentation_uri('annotating.md')}")
    steps = a.add_subparsers(dest="annotate_step", required=True, metavar="STEP",
                             parser_class=type(a))

    i = steps.add_parser("init", help="write an annotation skeleton for a source text",
                         description="Read a policy text (plain text, Markdown, or an HTML "
                         "page, whose text is extracted and saved beside it), find its "
                         "section headings and the sentences that state a practice, and "
                         "write an annotation skeleton to fill in.")
    i.add_argument("source", metavar="SOURCE", help="the policy text: .txt, .md or .html")
    i.add_argument("--output", "-o", metavar="ANNOTATION.yaml",
                   help="where to write the annotation (default SOURCE's name with "
                        ".annotation.yaml, beside it)")
    i.add_argument("--url", help="where the policy is published")
    i.add_argument("--retrieved", metavar="DATE", help="when the text was retrieved "
                   "(YYYY-MM-DD)")
    i.add_argument("--force", action="store_true",
                   help="overwrite an existing annotation (and extracted text)")

    d = steps.add_parser("draft", help="write an annotation pre-filled with proposals to review",
                         description="Read a policy text and write an annotation whose "
                         "document is filled with proposals (statements, data, recipients, "
                         "retention, rights, contacts and more), each with the quote it rests "
                         "on and a `draft:` marker that build refuses until a person has "
                         "confirmed the entry. Offline and deterministic.")
    d.add_argument("source", metavar="SOURCE", help="the policy text: .txt, .md or .html")
    d.add_argument("--output", "-o", metavar="ANNOTATION.yaml",
                   help="where to write the annotation (default SOURCE's name with "
                        ".annotation.yaml, beside it)")
    d.add_argument("--url", help="where the policy is published")
    d.add_argument("--force", action="store_true",
                   help="overwrite an existing annotation (and extracted text)")

    b = steps.add_parser("build", help="locate every quote and write the policy document",
                         description="Locate every quote of the annotation in its source, "
                         "fill in sections and offsets, check the document against the "
                         "schema and the structure rules, and write it atomically.")
    b.add_argument("annotation", metavar="ANNOTATION.yaml")
    b.add_argument("--output", "-o", metavar="POLICY.json",
                   help="where to write the document (default: beside the annotation, "
                        "NAME.policy.json)")
    b.add_argument("--accept-drafts", action="store_true",
                   help="build entries still marked `draft:` (proposals of annotate draft "
                        "nobody has confirmed) instead of refusing them")

    c = steps.add_parser("coverage", help="which sentences of the source no quote covers",
                         description="List each sentence of the source as covered, "
                         "boilerplate or uncovered, and the share of practice sentences "
                         "covered.")
    c.add_argument("annotation", metavar="ANNOTATION.yaml")
    c.add_argument("--min", type=_percent, metavar="PERCENT",
                   help="exit 1 when fewer than PERCENT of the practice sentences are "
                        "covered")
    c.add_argument("--show", choices=["all", "uncovered", "summary"], default="all",
                   help="which sentences to list (default all)")
    c.add_argument("--format", "-f", dest="coverage_format", choices=["text", "json"],
                   default="text")

    k = steps.add_parser("check", help="exit 1 when a built document is out of date",
                         description="Build the annotation in memory and compare it with "
                         "the document: exit 1 when the document is out of date with its "
                         "annotation or its source (for CI and pre-commit).")
    k.add_argument("annotation", metavar="ANNOTATION.yaml")
    k.add_argument("policy", metavar="POLICY.json")
    return {"annotate": cmd_annotate}
