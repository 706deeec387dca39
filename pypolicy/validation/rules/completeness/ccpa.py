"""CCPA/CPRA profile (Cal. Civ. Code 1798.100-1798.199.100 and the CCPA Regulations,
11 CCR 7000 ff.): the privacy policy of a business the CCPA covers describes what it
collects and why, whether it sells or shares personal information, and the consumer's
rights. Applied when the document claims the CCPA or says it applies: whether a business
meets the thresholds of 1798.140(d) cannot be read from a policy."""

from __future__ import annotations

from collections.abc import Iterator

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.model import Policy, Statement
from pypolicy.format.vocabulary import Vocabulary
from pypolicy.validation.rules._base import RuleContext, accepted_parts, citing, join, register
from pypolicy.validation.rules.completeness._shared import (
    CONTACT_DATA,
    CompletenessRule,
    any_within,
    policy_of,
    practices,
)

CCPA = "regimes: [{id: rg-ccpa, regime: ccpa, stance: claimed}]\n"

# The rights the privacy policy must describe (1798.130(a)(5)(A)), in the vocabulary's terms.
CCPA_RIGHTS = {
    "access": "the right to know what personal information is collected (1798.100, 1798.110)",
    "erasure": "the right to delete (1798.105)",
    "rectification": "the right to correct (1798.106)",
}
OPT_OUT = ("optOutOfSale", "the right to opt out of sale or sharing (1798.120)")


def sold(policy: Policy, vocab: Vocabulary) -> list[Statement]:
    """Statements that sell personal information, or share it for cross-context
    behavioural advertising (with advertising platforms, or for targeted advertising)."""
    found = []
    for statement in practices(policy, vocab):
        if any_within(vocab, statement.actions, ["sell"]):
            found.append(statement)
            continue
        if not any_within(vocab, statement.actions, ["disclose"]):
            continue
        recipients = [p for p in (policy.party(r) for r in statement.recipients)
                      if p is not None]
        if any(any_within(vocab, p.roles, ["advertisingPlatform"]) for p in recipients) or \
                any_within(vocab, statement.purposes, ["targetedAdvertising"]):
            found.append(statement)
    return found


@register
class CcpaSaleAndSharing(CompletenessRule):
    """A business must say in its privacy policy whether it sells or shares personal
    information (Cal. Civ. Code 1798.130(a)(5)(C); 11 CCR 7011(e)(1)), "sharing" being
    disclosure for cross-context behavioural advertising (1798.140(ah)); and where it does
    either, it must offer the right to opt out (1798.120) through a "Do Not Sell or Share
    My Personal Information" link or an alternative (1798.135). "We do not sell your data"
    says nothing about sharing with advertising platforms.

    A notice duty of the policy text. An error."""

    code = "VP352"
    name = "ccpa-sale-sharing"
    summary = "The policy does not say whether it sells or shares, or offers no opt-out."
    severity = Severity.ERROR
    kind = "notice"
    groups = ("completeness", "ccpa")
    profile = "ccpa"
    citations = citing({"ccpa": "Cal. Civ. Code 1798.120, 1798.130(a)(5)(C) and 1798.135"})
    fail_example = CCPA + CONTACT_DATA + """\
parties:
  - {id: p-ads, name: advertising partners, roles: [advertisingPlatform]}
statements:
  - {id: s-no-sale, modality: doesNot, actions: [sell], data: [d-contact]}
  - {id: s-ads, modality: may, actions: [share], data: [d-contact], recipients: [p-ads]}
"""
    pass_example = CCPA + CONTACT_DATA + """\
parties:
  - {id: p-ads, name: advertising partners, roles: [advertisingPlatform]}
statements:
  - {id: s-no-sale, modality: doesNot, actions: [sell], data: [d-contact]}
  - {id: s-ads, modality: may, actions: [share], data: [d-contact], recipients: [p-ads]}
rights:
  - {id: rt-opt-out, right: optOutOfSale, channels: [webForm]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        selling = sold(policy, vocab)
        denials = [s for s in policy.statements
                   if s.negative and any_within(vocab, s.actions, ["sell"])]
        opt_out = any(vocab.is_within(r.right, OPT_OUT[0]) for r in policy.rights)
        if selling and not opt_out:
            yield self.finding(
                f"{join(s.id for s in selling)} sell or share personal information (sharing"
                " for cross-context behavioural advertising counts), but the policy offers no"
                " right to opt out", [*selling, *denials],
                hint="add a rights entry with right: optOutOfSale (and how: the link)")
        elif not selling and not denials:
            yield self.missing(ctx, "the policy does not say whether it sells or shares"
                                    " personal information",
                               hint="record what the text says: a statement that it does not"
                                    " sell (modality doesNot, actions: [sell]) or that it does")


@register
class CcpaRightsMissing(CompletenessRule):
    """The privacy policy must describe the consumer's rights under the CCPA and how to
    exercise them (Cal. Civ. Code 1798.130(a)(5)(A); 11 CCR 7011(e)(2)-(3)): to know,
    to delete and to correct, and, where the business sells or shares, to opt out. The
    right not to be discriminated against (1798.125) and to limit the use of sensitive
    personal information (1798.121) have no term in the vocabulary and are left to the
    reviewer. A suppression can accept one right (``targets: [/rights/<right>]``).

    A notice duty of the policy text: one finding names every right missing. An error."""

    code = "VP351"
    name = "ccpa-rights-missing"
    summary = "A consumer right the CCPA requires the policy to describe is not mentioned."
    severity = Severity.ERROR
    kind = "notice"
    groups = ("completeness", "ccpa", "rights")
    profile = "ccpa"
    citations = citing({"ccpa": "Cal. Civ. Code 1798.130(a)(5)(A); 11 CCR 7011(e)"})
    fail_example = CCPA + """\
rights:
  - {id: rt-access, right: access}
"""
    pass_example = CCPA + """\
rights:
  - {id: rt-access, right: access}
  - {id: rt-erasure, right: erasure}
  - {id: rt-rectification, right: rectification}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        required = dict(CCPA_RIGHTS)
        if sold(policy, vocab):
            required[OPT_OUT[0]] = OPT_OUT[1]
        absent = [r for r in required
                  if not any(vocab.is_within(e.right, r) for e in policy.rights)]
        accepted = accepted_parts(ctx, self, (f"/rights/{r}" for r in absent))
        missing = [r for r in absent if f"/rights/{r}" not in accepted]
        if missing:
            verb = "is" if len(missing) == 1 else "are"
            yield self.missing(ctx, f"{join(required[r] for r in missing)} {verb} not"
                                    " mentioned",
                               hint=f"add a rights entry for each (right: {', '.join(missing)})"
                                    " with how to exercise it")


@register
class CcpaNoticeItems(CompletenessRule):
    """The privacy policy must list the categories of personal information collected,
    the categories of sources, the business or commercial purposes, and the categories of
    third parties it is disclosed to (Cal. Civ. Code 1798.110(c) and 1798.130(a)(5)(B)-(C)),
    and how long each category is kept or the criteria used to decide it (1798.100(a)(3)).

    A notice duty of the policy text: one finding names every item missing. An error."""

    code = "VP353"
    name = "ccpa-notice-items"
    summary = "The policy leaves out categories, sources, purposes, recipients or retention."
    severity = Severity.ERROR
    kind = "notice"
    groups = ("completeness", "ccpa")
    profile = "ccpa"
    citations = citing({"ccpa": "Cal. Civ. Code 1798.100(a)(3), 1798.110(c) and"
                                " 1798.130(a)(5)(B)-(C)"})
    fail_example = CCPA + """\
dataCategories:
  - {id: d-contact, name: Contact data, categories: [contact]}
statements:
  - {id: s-collect, modality: does, actions: [collect], data: [d-contact]}
"""
    pass_example = CCPA + """\
parties:
  - {id: p-payments, name: payment processors, roles: [paymentProcessor]}
dataCategories:
  - {id: d-contact, name: Contact data, categories: [contact], sources: [fromDataSubject]}
statements:
  - {id: s-bill, modality: does, actions: [use], data: [d-contact], purposes: [billing]}
  - {id: s-pay, modality: does, actions: [share], data: [d-contact], purposes: [billing],
     recipients: [p-payments]}
retention:
  - {id: r-contact, data: [d-contact], criteria: [contractDuration]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        statements = practices(policy, vocab)
        missing = []
        if not policy.data_categories:
            missing.append("the categories of personal information collected")
        elif not any(e.sources for e in policy.data_categories):
            missing.append("the categories of sources")
        if not any(s.purposes for s in statements):
            missing.append("the business or commercial purposes")
        disclosures = [s for s in statements if any_within(vocab, s.actions, ["disclose"])]
        if disclosures and not any(s.recipients for s in disclosures):
            missing.append("the categories of third parties it discloses to")
        if not policy.retention:
            missing.append("how long each category is kept, or the criteria")
        if missing:
            yield self.missing(ctx, f"the policy does not give {join(missing)}",
                               hint="record what the text says; if it says nothing, the"
                                    " finding stands")
