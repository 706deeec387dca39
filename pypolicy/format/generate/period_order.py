"""The SHACL-SPARQL check that a retention period's lower bound is not longer than its
upper bound ("24 to 12 months"), for ``schema/shapes.ttl``.

Why SPARQL and not SHACL Core's ``sh:lessThanOrEquals``: that constraint compares with
SPARQL's ``<=``, which SPARQL 1.1 does not define for ``xsd:duration`` (XPath orders
durations only partially: one month and 30 days cannot be compared), and pySHACL's
comparison of mixed units is wrong both ways (it takes ``P1Y`` for shorter than
``P30D``), so it would refuse "30 days to 6 months" and let "1 year to 30 days" pass.

This query reads the bounds' lexical forms instead and refuses a period only when its
lower bound is longer than its upper bound however long the months and years are: the
lower bound at its shortest (a year of 365 days, a month of 28) against the upper bound
at its longest (366 and 31). Whole years of months count as years, so ``P12M`` is at
least 365 days. "One month to 30 days", which may or may not be inverted, passes.
"""

from __future__ import annotations

from typing import Final

NS: Final = "https://w3id.org/pypolicy/ns#"
INTEGER: Final = "<http://www.w3.org/2001/XMLSchema#integer>"
DAY: Final = 86400
# ISO 8601 durations as the format writes them, split at T; every unit is optional, so
# a group left unmatched gives "" and the number 0.
DATE_PART: Final = "^P(([0-9]+)Y)?(([0-9]+)M)?(([0-9]+)W)?(([0-9]+)D)?$"
TIME_PART: Final = "^(([0-9]+)H)?(([0-9]+)M)?(([0-9]+)S)?$"
MESSAGE: Final = ("The period's atLeast is longer than its atMost, however long its months and"
                  " years are: the bounds are the wrong way round.")


def _number(text: str, pattern: str, group: int) -> str:
    return f'COALESCE({INTEGER}(REPLACE({text}, "{pattern}", "${group}")), 0)'


def _seconds(bound: str, year_days: int, month_days: int) -> list[str]:
    """BINDs giving ``?<bound>Seconds``: the length of ``?<bound>`` in seconds, with years
    and months of the given lengths."""
    v = f"?{bound}"
    units = [(f"{v}Years", f"{v}Date", DATE_PART, 2), (f"{v}Months", f"{v}Date", DATE_PART, 4),
             (f"{v}Weeks", f"{v}Date", DATE_PART, 6), (f"{v}Days", f"{v}Date", DATE_PART, 8),
             (f"{v}Hours", f"{v}Time", TIME_PART, 2), (f"{v}Minutes", f"{v}Time", TIME_PART, 4),
             (f"{v}Secs", f"{v}Time", TIME_PART, 6)]
    return [
        f'BIND (STRBEFORE(CONCAT(STR({v}), "T"), "T") AS {v}Date)',
        f'BIND (STRAFTER(STR({v}), "T") AS {v}Time)',
        *(f"BIND ({_number(text, pattern, group)} AS {name})"
          for name, text, pattern, group in units),
        # whole years of months count as years: P12M is at least 365 days
        f"BIND ({v}Years + FLOOR({v}Months / 12) AS {v}AllYears)",
        f"BIND ({v}Months - FLOOR({v}Months / 12) * 12 AS {v}RestMonths)",
        f"BIND (({v}AllYears * {year_days} + {v}RestMonths * {month_days} + {v}Weeks * 7"
        f" + {v}Days) * {DAY} + {v}Hours * 3600 + {v}Minutes * 60 + {v}Secs AS {v}Seconds)",
    ]


def period_order_select() -> str:
    """The constraint's SELECT: one result, on ``pp:atLeast``, per inverted period."""
    lines = [
        "SELECT $this ?path ?value WHERE {",
        f"  $this <{NS}atLeast> ?least ;",
        f"        <{NS}atMost> ?most .",
        *(f"  {line}" for line in _seconds("least", 365, 28)),
        *(f"  {line}" for line in _seconds("most", 366, 31)),
        "  FILTER (?leastSeconds > ?mostSeconds)",
        f"  BIND (<{NS}atLeast> AS ?path)",
        "  BIND (?least AS ?value)",
        "}",
    ]
    return "\n".join(lines)
