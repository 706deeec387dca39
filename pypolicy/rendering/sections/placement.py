"""Which section of the page each statement of practice goes to."""

from __future__ import annotations

from pypolicy.format.model import Policy, Statement
from pypolicy.format.vocabulary import vocabulary


def place_statements(policy: Policy) -> dict[str, list[Statement]]:
    """Each statement goes to exactly one section, the first that fits: children, places
    abroad, disclosure, pure collection, purposes and bases, other collection,
    keeping and deleting, else purposes."""
    vocab = vocabulary()
    placed: dict[str, list[Statement]] = {}

    def within(statement: Statement, broad: str) -> list[bool]:
        return [vocab.is_within(a, broad) for a in statement.actions]

    for statement in policy.statements:
        disclosing = within(statement, "disclose")
        collecting = within(statement, "collect")
        if "child" in statement.subjects:
            section = "children"
        elif statement.locations or statement.outside:
            section = "transfers"
        elif all(disclosing) or (statement.recipients and any(disclosing)):
            section = "who-receives-it"
        elif all(collecting) and not statement.legal_bases:
            section = "what-we-collect"
        elif statement.purposes or statement.legal_bases or statement.except_purposes:
            section = "why-we-use-it"
        elif any(collecting):
            section = "what-we-collect"
        elif all(a in ("store", "delete", "anonymise", "pseudonymise")
                 for a in statement.actions):
            section = "retention"
        else:
            section = "why-we-use-it"
        placed.setdefault(section, []).append(statement)
    return placed
