"""The facts a reader looks for first, drawn from a policy: what data, shared with whom,
sent where, kept how long, which rights. The summary of a rendered page, the
side-by-side comparison and the diff all ask the same questions, so they ask them here.

Only what the policy states counts: a practice is "stated" by a positive statement
(does, may, only if); a negative promise is never read as a practice, and a question
the policy does not answer stays unanswered (an empty result), never "no".
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from pypolicy.format.model import Party, Policy, Statement
from pypolicy.format.vocabulary import vocabulary

POSITIVE = ("does", "may", "onlyIf")

# A summary shows a data category as the nearest category above it (or itself) that is
# a child of one of these parents, or one of the extra terms: "contact data" rather
# than "email address", "traffic data" rather than "call detail records", but "call
# recording" rather than just "communications content".
_SUMMARY_PARENTS = ("personalData", "communicationsContent", "location")
_SUMMARY_EXTRA = ("trafficData",)


@cache
def term_order(scheme: str) -> dict[str, int]:
    """The terms of a scheme in depth-first order of their hierarchy (as docs/format.md
    lists them), for sorting sets of terms the way a reader expects."""
    vocab = vocabulary()
    terms = vocab.schemes.get(scheme, ())
    children: dict[str | None, list[str]] = {}
    for term in terms:
        broader = [b for b in vocab.terms[term].broader if b in terms] if term in vocab.terms \
            else []
        children.setdefault(broader[0] if broader else None, []).append(term)
    order: dict[str, int] = {}

    def visit(term: str) -> None:
        if term in order:
            return
        order[term] = len(order)
        for child in children.get(term, ()):
            visit(child)

    for root in children.get(None, ()):
        visit(root)
    return order


def sort_terms(terms: Iterable[str], scheme: str) -> list[str]:
    order = term_order(scheme)
    return sorted(set(terms), key=lambda t: (order.get(t, len(order)), t))


def provider_statements(policy: Policy) -> list[Statement]:
    """Positive statements about what the provider itself does."""
    return [s for s in policy.statements if s.modality in POSITIVE and not s.actors]


def handled_data_ids(policy: Policy) -> list[str]:
    """The data entries the provider says it collects or otherwise handles, in document
    order (entries that appear only in negative promises are left out)."""
    used = {d for s in provider_statements(policy) for d in s.data}
    ordered = [e.id for e in policy.data_categories if e.id in used]
    return ordered + sorted(used - set(ordered))


def handled_categories(policy: Policy) -> frozenset[str]:
    return policy.categories_of(handled_data_ids(policy))


def summary_categories(categories: Iterable[str]) -> list[str]:
    """Categories at the level of a privacy label: "contact data" rather than "email
    address", "traffic data" rather than "call detail records"; "personal data" itself
    only when nothing more specific is named; anonymous data left out.

    A category counts under the most specific summary term above it ("traffic data"
    for call detail records, not the broader "usage data"). When two are equally
    specific, it counts under both: billing records are financial data and customer
    proprietary network information alike, and picking one would hide the other (and
    picking by the order of a set made the page change with Python's hash seed)."""
    vocab = vocabulary()
    roots = {t for t, info in vocab.terms.items()
             if any(p in info.broader for p in _SUMMARY_PARENTS)} | set(_SUMMARY_EXTRA)
    result: set[str] = set()
    for category in categories:
        if not vocab.is_within(category, "personalData") or category == "personalData":
            continue
        ancestors = vocab.ancestors(category)
        candidates = [r for r in roots if r in ancestors]
        if not candidates:
            result.add(category)
            continue
        # the most specific summary terms above the category; all of them on a tie
        depth = max(len(vocab.ancestors(r)) for r in candidates)
        result.update(r for r in candidates if len(vocab.ancestors(r)) == depth)
    if not result and "personalData" in set(categories):
        result.add("personalData")
    return sort_terms(result, "DataCategory")


def purposes(policy: Policy) -> frozenset[str]:
    return frozenset(p for s in provider_statements(policy) for p in s.purposes)


def _discloses(statement: Statement) -> bool:
    vocab = vocabulary()
    return any(vocab.is_within(a, "disclose") for a in statement.actions)


def recipient_ids(policy: Policy) -> list[str]:
    """Parties the policy says may receive data: recipients of positive statements that
    disclose, of transfers, and parties that place cookies."""
    found: list[str] = []
    for statement in policy.statements:
        if statement.modality in POSITIVE and _discloses(statement):
            found += [r for r in statement.recipients if r not in statement.actors]
    for transfer in policy.transfers:
        found += transfer.recipients
    if policy.tracking is not None:
        found += policy.tracking.third_parties
    return list(dict.fromkeys(found))


def specific_roles(party: Party) -> list[str]:
    vocab = vocabulary()
    roles = [r for r in party.roles if vocab.is_within(r, "recipient")]
    return [r for r in roles
            if not any(o != r and vocab.is_within(o, r) for o in roles)]


def recipient_roles(policy: Policy) -> list[str]:
    roles: set[str] = set()
    for party_id in recipient_ids(policy):
        party = policy.party(party_id)
        if party is not None:
            roles.update(specific_roles(party))
    return sort_terms(roles, "Party")


def destinations(policy: Policy) -> list[str]:
    """Places data is transferred to: transfer entries, and positive statements that
    transfer to named places. Order of first mention."""
    vocab = vocabulary()
    found: list[str] = []
    for transfer in policy.transfers:
        found += transfer.destinations
    for statement in policy.statements:
        if statement.modality in POSITIVE and any(vocab.is_within(a, "transfer")
                                                  for a in statement.actions):
            found += statement.locations
    return list(dict.fromkeys(found))


def transfer_promises(policy: Policy) -> list[Statement]:
    """Negative promises about sending data abroad ("not outside the EEA")."""
    vocab = vocabulary()
    return [s for s in policy.statements if s.modality == "doesNot"
            and (s.locations or s.outside)
            and any(vocab.is_within(a, "share") for a in s.actions)]


def rights(policy: Policy) -> list[str]:
    return sort_terms((r.right for r in policy.rights), "Right")


def right_hedges(policy: Policy) -> dict[str, str]:
    """The hedge on each right the policy only grants with one (format 1.1
    rightQualifier: "most of your data may be accessed"); a right also granted without
    a hedge has none."""
    hedges: dict[str, str] = {}
    unhedged = {r.right for r in policy.rights if r.right_qualifier is None}
    for entry in policy.rights:
        if entry.right not in unhedged and entry.right_qualifier is not None:
            hedges.setdefault(entry.right, entry.right_qualifier)
    return hedges


def promises(policy: Policy) -> list[Statement]:
    """Negative promises and "only if" restrictions: what a reader holds the provider to."""
    return [s for s in policy.statements if s.modality in ("doesNot", "onlyIf")]
