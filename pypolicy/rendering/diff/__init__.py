"""What changed between two versions of a policy, in the terms a reader cares about.

``diff(old, new)`` compares two :class:`~pypolicy.format.model.Policy` objects and lists the
changes: kinds of data collected, purposes, recipients, destinations abroad and their
safeguards, retention periods (longer or shorter), rights, negative promises made,
broken or weakened, statements added, removed or changed (matched by id, then by
content, so that renumbering is not a change), and places where the service is offered
(format 1.1 markets). Each change has a kind; a configurable
set of kinds "needs notifying users" (the CLI exits 1 when one occurs), by default the
kinds that widen what happens to people's data or take away a protection.

Hierarchies are respected where they nest meaning: collecting "email address" when
"contact data" was already stated is not a new kind of data, and a destination inside
a region already named is not a new destination. Recipients are compared by their
exact roles, since "third parties" is too loose to hide a newly named kind of recipient.

``kinds`` names the kinds of change; ``changes`` compares (``places`` for places and
markets); ``report`` writes the result.
"""

from __future__ import annotations

from pypolicy.rendering.diff.changes import diff
from pypolicy.rendering.diff.kinds import (
    CHANGE_KINDS,
    DEFAULT_NOTIFY,
    TOPICS,
    Change,
    PolicyDiff,
    parse_notify_kinds,
)
from pypolicy.rendering.diff.report import diff_json, diff_markdown

__all__ = ["CHANGE_KINDS", "DEFAULT_NOTIFY", "TOPICS", "Change", "PolicyDiff", "diff",
           "diff_json", "diff_markdown", "parse_notify_kinds"]
