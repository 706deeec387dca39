"""CalOPPA profile (Cal. Bus. & Prof. Code 22575): what the privacy policy of a website
or online service that collects personally identifiable information from California
residents must say. Applied to a US provider's website by assumption (the format names no
service area), so its findings are warnings unless the document claims CalOPPA."""

from __future__ import annotations

from collections.abc import Iterator

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.model import Policy
from pypolicy.format.vocabulary import Vocabulary
from pypolicy.validation.rules._base import RuleContext, citing, join, register
from pypolicy.validation.rules.completeness._shared import (
    CompletenessRule,
    any_within,
    policy_of,
    practices,
)

CALOPPA = "regimes: [{id: rg-caloppa, regime: calOppa, stance: claimed}]\n"

# Parties that collect information about visitors for themselves through a website.
TRACKING_ROLES = ("advertisingPlatform", "analyticsProvider")


def third_party_tracking_answered(policy: Policy, vocab: Vocabulary) -> bool:
    """Whether the policy says if other parties collect information about visitors'
    activities: it names them, says no cookies are used at all, or a statement has such a
    party collect."""
    tracking = policy.tracking
    if tracking is not None and (tracking.third_parties or tracking.modality == "doesNot"):
        return True
    for statement in policy.statements:
        actors = [p for p in (policy.party(a) for a in statement.actors) if p is not None]
        if any(any_within(vocab, p.roles, TRACKING_ROLES) for p in actors) and \
                any_within(vocab, statement.actions, ["collect"]):
            return True
    return False


@register
class CaloppaDisclosures(CompletenessRule):
    """The operator of a commercial website or online service that collects personally
    identifiable information from California residents must post a privacy policy that
    (b)(1) identifies the categories of information collected and of third parties it is
    shared with, (b)(3) describes how users are told of material changes, (b)(4) gives its
    effective date, (b)(5) discloses how it responds to browsers' Do Not Track signals,
    and (b)(6) says whether other parties may collect information about a user's online
    activities over time and across sites (Cal. Bus. & Prof. Code 22575(b)). Answering
    that the site does not respond to Do Not Track is an answer; silence is not.

    A notice duty of the policy text: one finding names every item missing. An error
    where the document claims CalOPPA; a warning where it applies by assumption (a US
    provider's website, whose California visitors the document cannot confirm)."""

    code = "VP361"
    name = "caloppa-disclosures"
    summary = "The policy leaves out something CalOPPA requires it to say."
    severity = Severity.ERROR
    kind = "notice"
    groups = ("completeness", "caloppa", "tracking")
    profile = "caloppa"
    citations = citing({"calOppa": "Cal. Bus. & Prof. Code 22575(b)"})
    fail_example = CALOPPA + """\
lastUpdated: "2025-01-01"
changes: {notices: [updatedDate]}
tracking: {technologies: [cookies], cookieKinds: [analyticsCookies]}
dataCategories:
  - {id: d-contact, name: Contact data, categories: [contact]}
"""
    pass_example = CALOPPA + """\
lastUpdated: "2025-01-01"
changes: {notices: [updatedDate]}
parties:
  - {id: p-analytics, name: analytics provider, roles: [analyticsProvider]}
tracking:
  technologies: [cookies]
  cookieKinds: [analyticsCookies]
  thirdParties: [p-analytics]
  doNotTrack: dntIgnored
dataCategories:
  - {id: d-contact, name: Contact data, categories: [contact]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        missing: list[str] = []
        if not policy.data_categories:
            missing.append("the categories of personal information collected (b)(1)")
        disclosures = [s for s in practices(policy, vocab)
                       if any_within(vocab, s.actions, ["disclose"])]
        if disclosures and not any(s.recipients for s in disclosures):
            missing.append("the categories of third parties it is shared with (b)(1)")
        changes = policy.changes
        if changes is None or not (changes.notices or changes.qualified_notices):
            missing.append("how users are told of material changes (b)(3)")
        if not (policy.last_updated or policy.effective_date):
            missing.append("its effective date (b)(4)")
        if policy.tracking is None or policy.tracking.do_not_track is None:
            missing.append("how it responds to Do Not Track signals (b)(5)")
        if not third_party_tracking_answered(policy, vocab):
            missing.append("whether other parties may collect information about visitors'"
                           " activities over time and across sites (b)(6)")
        if missing:
            anchors = [policy.tracking] if policy.tracking is not None else []
            yield self.missing(ctx, f"the policy does not say {join(missing)}", anchors,
                               hint="add what the text says (lastUpdated, changes.notices,"
                                    " tracking.doNotTrack, tracking.thirdParties); if it says"
                                    " nothing, the finding stands")
