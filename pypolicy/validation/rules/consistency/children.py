"""Children: a service said not to be for children that processes children's data."""

from __future__ import annotations

from collections.abc import Iterator

from pypolicy.core.findings import Finding, Severity
from pypolicy.validation.rules._base import (
    TRANSPARENCY,
    Rule,
    RuleContext,
    citing,
    gdpr_family,
    register,
)
from pypolicy.validation.rules._reasoning import describe


@register
class ChildrenContradiction(Rule):
    """A policy that says its service is not directed to children, or that it does not
    knowingly collect children's data, and elsewhere says that it processes children's
    data, leaves parents unable to tell what happens; children's data needs particular
    protection (GDPR recital 38, Art. 8; COPPA in the US).

    Not a notice duty: an error where a promise not to collect children's data knowingly
    is broken (the text contradicts itself); a warning where the service is only said
    not to be meant for children, which it may still reach, and the policy says nothing
    of safeguards (GDPR and UK GDPR Art. 8; DPDP Act 2023 s. 9)."""

    code = "VP204"
    name = "children-contradiction"
    summary = "Not directed to children, yet children's data is processed."
    severity = Severity.ERROR
    kind = "contradiction"
    groups = ("consistency", "children")
    layer = 3
    citations = citing({**TRANSPARENCY, **gdpr_family("Art. 8 and recital 38"),
                        "dpdp": "DPDP Act 2023 s. 9 (children's personal data)"})
    fail_example = """\
children: {directedToChildren: false}
dataCategories:
  - {id: d-usage, name: information about children, categories: [personalData],
     subjects: [child]}
statements:
  - {id: s-children, modality: does, actions: [collect], data: [d-usage], subjects: [child]}
"""
    pass_example = """\
children: {directedToChildren: false, minimumAge: 18, deletesOnDiscovery: true}
dataCategories:
  - {id: d-usage, name: usage data, categories: [usage]}
statements:
  - {id: s-usage, modality: does, actions: [collect], data: [d-usage]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = ctx.policy, ctx.vocabulary
        assert policy is not None
        children = policy.children
        if children is None or not (children.directed_to_children is False or
                                    children.knowingly_collects is False):
            return
        for statement in policy.statements:
            if not statement.positive or statement.actions == ("delete",):
                continue
            subjects = set(statement.subjects)
            for data_id in statement.data:
                entry = policy.data_entry(data_id)
                if entry:
                    subjects |= set(entry.subjects)
            if any(vocab.is_within(s, "child") for s in subjects):
                # "we do not knowingly collect" broken is a contradiction; "not directed
                # to children" beside children's data is a gap in safeguards, likely but
                # not a contradiction (a service may reach those it is not meant for)
                severity = Severity.ERROR if children.knowingly_collects is False \
                    else Severity.WARNING
                yield self.with_severity(self.finding(
                    f"the policy says the service is not for children, but {statement.id}"
                    f" says {describe(statement, policy, vocab)} about children",
                    [children, statement],
                    hint="say what happens to children's data: age checks, parental consent,"
                         " deletion"), severity)
