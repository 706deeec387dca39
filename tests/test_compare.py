"""Tests of ``pypolicy compare``: one column (Markdown, HTML) or row (CSV) per provider."""

from __future__ import annotations

import copy
import csv
import io
from pathlib import Path
from typing import Any

from lxml import etree

from pypolicy.cli.main import main
from pypolicy.format.loader import load_path
from pypolicy.format.model import Policy
from pypolicy.rendering.compare import ASPECTS, compare_csv, compare_html, compare_markdown

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.policy.json"))


def policies() -> list[Policy]:
    return [Policy.from_dict(load_path(p).data) for p in EXAMPLES]


def test_markdown_has_a_column_per_provider() -> None:
    all_five = policies()
    text = compare_markdown(all_five)
    table = [line for line in text.splitlines() if line.startswith("|")]
    header = [c.strip() for c in table[0].strip("|").split("|")]
    assert header[1:] == [f"**{p.provider.name}**" for p in all_five]
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.strip("|").split("|")][1:]
            for line in table[2:2 + len(ASPECTS)]}
    assert list(rows) == [f"**{title}**" for _, title in ASPECTS]
    assert all(len(cells) == len(all_five) for cells in rows.values())
    by_provider = dict(zip([p.id for p in all_five], zip(*rows.values(), strict=True),
                           strict=True))
    assert by_provider["inaani"][5] == "Not stated"  # keeps data: no retention stated
    assert "30 days after the end of the contract" in by_provider["itnet"][5]
    assert by_provider["anveo"][4] == "The United States; countries that are not named"
    assert "payment processor" in by_provider["voiceterm"][3]
    assert "complaint to a supervisory authority" in by_provider["inum"][6]


def test_rights_matrix() -> None:
    text = compare_markdown(policies())
    access = next(line for line in text.splitlines() if line.startswith("| Access |"))
    assert access.count("yes") == 4  # every policy but Inaani's names the right of access


def test_html_has_a_column_per_provider() -> None:
    all_five = policies()
    document = etree.fromstring(compare_html(all_five).encode(),
                                etree.HTMLParser(recover=False))
    assert document.get("lang") == "en"
    first = document.xpath("//table")[0]
    columns = first.xpath(".//thead//th[@scope='col']/text()")
    assert columns == [p.provider.name for p in all_five]
    row_headers = first.xpath(".//tbody/tr/th[@scope='row']/text()")
    assert row_headers == [title for _, title in ASPECTS]
    for row in first.xpath(".//tbody/tr"):
        assert len(row.xpath("./td")) == len(all_five)
    assert document.xpath("//script") == []


def test_csv_has_a_row_per_provider() -> None:
    all_five = policies()
    rows = list(csv.reader(io.StringIO(compare_csv(all_five))))
    assert rows[0][:len(ASPECTS) + 1] == ["id", *(title for _, title in ASPECTS)]
    assert [r[0] for r in rows[1:]] == [p.id for p in all_five]
    assert all(len(r) == len(rows[0]) for r in rows)


def test_hostile_names_are_neutralised() -> None:
    data: dict[str, Any] = copy.deepcopy(load_path(EXAMPLES[0]).data)
    data["provider"]["name"] = "=HYPERLINK(\"http://x\")<script>alert(1)</script>|"
    hostile = Policy.from_dict(data)
    rows = list(csv.reader(io.StringIO(compare_csv([hostile]))))
    assert rows[1][1].startswith("'=HYPERLINK")
    markup = compare_html([hostile])
    assert "<script>" not in markup
    document = etree.fromstring(markup.encode(), etree.HTMLParser(recover=False))
    assert document.xpath("//script") == []
    markdown = compare_markdown([hostile])
    assert "<script>" not in markdown and "\\|" in markdown


def test_cli_compare(tmp_path: Path) -> None:
    for fmt in ("markdown", "html", "csv"):
        out, err = io.StringIO(), io.StringIO()
        target = tmp_path / f"compare.{fmt}"
        code = main(["compare", *map(str, EXAMPLES), "--format", fmt, "-o", str(target)],
                    stdout=out, stderr=err)
        assert (code, err.getvalue(), out.getvalue()) == (0, "", "")
        assert "Voiceterm" in target.read_text(encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    err = io.StringIO()
    assert main(["compare", str(EXAMPLES[0]), str(bad)], stdout=io.StringIO(),
                stderr=err) == 2
    assert "bad.json" in err.getvalue()


def test_cli_compare_refuses_two_files_with_one_id(tmp_path: Path) -> None:
    copy = tmp_path / "copy.json"
    copy.write_text(EXAMPLES[0].read_text(encoding="utf-8"), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["compare", str(EXAMPLES[0]), str(copy)], stdout=out, stderr=err) == 2
    assert out.getvalue() == ""
    assert f"{copy} (at /id): document id" in err.getvalue()
    assert f"is also the id of {EXAMPLES[0]}" in err.getvalue()
