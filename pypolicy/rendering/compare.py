"""Several providers side by side: what each collects, shares, transfers, keeps how long,
and which rights it grants, as a Markdown table, an HTML page or CSV.

Markdown and HTML put one provider in each column, the way a buyer reads a comparison,
followed by a rights matrix; CSV puts one provider on each row, the way a spreadsheet
wants it. "Not stated" means the policy does not say, never "no". Cells starting with
a character a spreadsheet would take as a formula are neutralised.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pypolicy.format.model import Policy
from pypolicy.format.vocabulary import vocabulary
from pypolicy.rendering import facts
from pypolicy.rendering.escaping import clean, escape, spreadsheet_cell
from pypolicy.rendering.html_page import STYLE, E, html_document, serialise
from pypolicy.rendering.phrases.basics import (
    capitalise,
    join,
    label,
    labels,
    partial_date,
    place,
    places,
)
from pypolicy.rendering.phrases.retention import retention_period
from pypolicy.rendering.phrases.terms import condition

NOT_STATED = "not stated"

ASPECTS: tuple[tuple[str, str], ...] = (
    ("provider", "Provider"),
    ("updated", "Last updated"),
    ("collects", "Collects or uses"),
    ("shares", "Shares with"),
    ("transfers", "Transfers to"),
    ("keeps", "Keeps data"),
    ("rights", "Rights"),
    ("sale", "Promises not to sell data"),
)


@dataclass(frozen=True)
class Column:
    """One provider's answers, each a list of short items (empty: not stated)."""

    name: str
    answers: dict[str, tuple[str, ...]]
    rights: frozenset[str]


def _provider(policy: Policy) -> tuple[str, ...]:
    provider = policy.provider
    items = [provider.name]
    if provider.legal_name and provider.legal_name != provider.name:
        items.append(provider.legal_name)
    if provider.country:
        items.append(place(provider.country))
    return tuple(items)


def _sells(policy: Policy) -> tuple[str, ...]:
    """Whether the policy promises not to sell data, and with which exceptions."""
    vocab = vocabulary()
    promises = [s for s in policy.statements if s.modality == "doesNot" and not s.actors
                and any(vocab.is_within(a, "sell") for a in s.actions)]
    if not promises:
        return ()
    if any(not s.exceptions for s in promises):
        return ("yes",)
    exceptions = list(dict.fromkeys(e for s in promises for e in s.exceptions))
    return ("yes, except " + join([condition(e) for e in exceptions], "or"),)


def column(policy: Policy) -> Column:
    # each period once, in the policy's order (a set, not a search of a list: a policy
    # may have thousands of rules)
    periods = list(dict.fromkeys(retention_period(rule) for rule in policy.retention))
    hedges = facts.right_hedges(policy)  # "access (mostly)": granted for most of the data
    answers = {
        "provider": _provider(policy),
        "updated": (partial_date(policy.last_updated),) if policy.last_updated else (),
        "collects": tuple(labels(facts.summary_categories(facts.handled_categories(policy)))),
        "shares": tuple(labels(facts.recipient_roles(policy))),
        "transfers": tuple(places([d]) for d in facts.destinations(policy)),
        "keeps": tuple(periods),
        "rights": tuple(_hedged(label(r), hedges.get(r)) for r in facts.rights(policy)),
        "sale": _sells(policy),
    }
    return Column(policy.provider.name, answers, frozenset(r.right for r in policy.rights))


def _hedged(text: str, hedge: str | None) -> str:
    return f"{text} ({label(hedge)})" if hedge else text


def columns(policies: Sequence[Policy]) -> list[Column]:
    return [column(p) for p in policies]


def _cell(items: Sequence[str]) -> str:
    return capitalise("; ".join(items)) if items else "Not stated"


def _rights_union(cols: Sequence[Column]) -> list[str]:
    return facts.sort_terms({r for c in cols for r in c.rights}, "Right")


# --- Markdown ---------------------------------------------------------------------------------

def compare_markdown(policies: Sequence[Policy]) -> str:
    cols = columns(policies)
    lines = ["# Privacy policies side by side", "",
             "\u201cNot stated\u201d means the policy does not say; it does not mean "
             "\u201cno\u201d.", ""]
    lines.append("| | " + " | ".join(f"**{escape(c.name)}**" for c in cols) + " |")
    lines.append("|---|" + "---|" * len(cols))
    for key, title in ASPECTS:
        cells = [escape(_cell(c.answers[key])) for c in cols]
        lines.append(f"| **{escape(title)}** | " + " | ".join(cells) + " |")
    rights = _rights_union(cols)
    if rights:
        lines += ["", "## Rights each policy names", ""]
        lines.append("| Right | " + " | ".join(escape(c.name) for c in cols) + " |")
        lines.append("|---|" + "---|" * len(cols))
        for right in rights:
            marks = ["yes" if right in c.rights else "\u2014" for c in cols]
            lines.append(f"| {escape(capitalise(label(right)))} | " + " | ".join(marks) + " |")
        lines += ["", "\u2014: not named in the policy."]
    return "\n".join(lines) + "\n"


# --- CSV ------------------------------------------------------------------------------------

def compare_csv(policies: Sequence[Policy]) -> str:
    cols = columns(policies)
    rights = _rights_union(cols)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", *(title for _, title in ASPECTS),
                     *(f"Right: {label(r)}" for r in rights)])
    for policy, col in zip(policies, cols, strict=True):
        writer.writerow([spreadsheet_cell(policy.id),
                         *(spreadsheet_cell("; ".join(col.answers[key]))
                           for key, _ in ASPECTS),
                         *("yes" if r in col.rights else "" for r in rights)])
    return buffer.getvalue()


# --- HTML -----------------------------------------------------------------------------------

def compare_html(policies: Sequence[Policy]) -> str:
    cols = columns(policies)

    def cell(column: Column, items: Sequence[str]) -> Any:
        # on a narrow screen each aspect is a card and each cell names its provider
        label = {"data-label": clean(column.name)}
        if not items:
            return E.td({**label, "class": "not-stated"}, "Not stated")
        if len(items) == 1:
            return E.td(label, clean(capitalise(items[0])))
        return E.td(label, E.ul(*(E.li(clean(capitalise(i))) for i in items)))

    header = E.tr(E.td(), *(E.th({"scope": "col"}, clean(c.name)) for c in cols))
    aspect_rows = [E.tr(E.th({"scope": "row"}, title),
                        *(cell(c, c.answers[key]) for c in cols))
                   for key, title in ASPECTS]
    tables = [E.div({"class": "table-wrap", "role": "region", "tabindex": "0",
                     "aria-label": "Providers side by side"},
                    E.table(E.caption("Providers side by side"), E.thead(header),
                            E.tbody(*aspect_rows)))]
    rights = _rights_union(cols)
    if rights:
        rows = [E.tr(E.th({"scope": "row"}, capitalise(label(r))),
                     *(E.td({"data-label": clean(c.name)}, "yes") if r in c.rights else
                       E.td({"data-label": clean(c.name), "class": "not-stated"}, "\u2014")
                       for c in cols))
                for r in rights]
        tables += [E.h2("Rights each policy names"),
                   E.div({"class": "table-wrap", "role": "region", "tabindex": "0",
                          "aria-label": "Rights each policy names"},
                         E.table(E.caption("Rights each policy names"),
                                 E.thead(E.tr(E.th({"scope": "col"}, "Right"),
                                              *(E.th({"scope": "col"}, clean(c.name))
                                                for c in cols))),
                                 E.tbody(*rows))),
                   E.p("\u2014: not named in the policy.")]
    style = STYLE + "\nbody { max-width: 80rem; } td ul { margin: 0; padding-left: 1.1rem; }" \
                    "\n.not-stated { color: var(--muted); font-style: italic; }\n"
    body = E.body(E.main(E.h1("Privacy policies side by side"),
                         E.p("\u201cNot stated\u201d means the policy does not say; it does "
                             "not mean \u201cno\u201d."),
                         *tables))
    return serialise(html_document("Privacy policies side by side", body, style=style))
