"""CCPA/CPRA profile (Cal. Civ. Code 1798.100-1798.199.100 and the CCPA Regulations,
11 CCR 7000 ff.): the privacy policy of a business the CCPA covers describes what it
collects and why, whether it sells or shares personal information, and the consumer's
rights, among them not to be retaliated against for using them and, where the business
uses sensitive personal information beyond what its service needs, to limit that use.
Applied when the document claims the CCPA or says it applies: whether a business
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
    "nonDiscrimination": "the right not to be retaliated against for exercising these rights"
                         " (1798.125)",
}
# Owed where the business sells or shares (1798.120); VP352 judges it, not VP351.
OPT_OUT = "optOutOfSale"


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
        opt_out = any(vocab.is_within(r.right, OPT_OUT) for r in policy.rights)
        if selling and not opt_out:
            verb = "sells or shares" if len(selling) == 1 else "sell or share"
            yield self.finding(
                f"{join(s.id for s in selling)} {verb} personal information (sharing for"
                " cross-context behavioural advertising counts), but the policy offers no"
                " right to opt out of sale or sharing (1798.120)", [*selling, *denials],
                hint="add a rights entry with right: optOutOfSale (and how: the link)")
        elif not selling and not denials:
            yield self.missing(ctx, "the policy does not say whether it sells or shares"
                                    " personal information",
                               hint="record what the text says: a statement that it does not"
                                    " sell (modality doesNot, actions: [sell]) or that it does")


@register
class CcpaRightsMissing(CompletenessRule):
    """The privacy policy must describe the consumer's rights under the CCPA and how to
    exercise them (Cal. Civ. Code 1798.130(a)(5)(A), which names 1798.100, 1798.105,
    1798.106, 1798.110, 1798.115 and 1798.125; 11 CCR 7011(e)): to know, to delete, to
    correct, and not to be retaliated against for exercising these rights (denied the
    service, charged another price or given a worse one: 1798.125). Two rights are owed
    only by some businesses, and each has its own rule, so that one problem is one finding:
    the right to opt out of sale or sharing (1798.120) by a business that sells or shares,
    which VP352 reports with the statements that sell or share; the right to limit the use
    of sensitive personal information (1798.121) by a business that uses it beyond what
    its service needs, which VP354 reports. A suppression can accept one right
    (``targets: [/rights/<right>]``).

    A notice duty of the policy text: one finding names every right missing. An error."""

    code = "VP351"
    name = "ccpa-rights-missing"
    summary = "A consumer right the CCPA requires the policy to describe is not mentioned."
    severity = Severity.ERROR
    kind = "notice"
    groups = ("completeness", "ccpa", "rights")
    profile = "ccpa"
    citations = citing({"ccpa": "Cal. Civ. Code 1798.125 and 1798.130(a)(5)(A); 11 CCR"
                                " 7011(e)"})
    fail_example = CCPA + """\
rights:
  - {id: rt-access, right: access}
  - {id: rt-erasure, right: erasure}
  - {id: rt-rectification, right: rectification}
"""
    pass_example = CCPA + """\
rights:
  - {id: rt-access, right: access}
  - {id: rt-erasure, right: erasure}
  - {id: rt-rectification, right: rectification}
  - {id: rt-no-retaliation, right: nonDiscrimination}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        # the right to opt out is VP352's: it cites the statements that sell or share
        required = CCPA_RIGHTS
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


# Sensitive personal information (Cal. Civ. Code 1798.140(ae)) as the vocabulary has it:
# government identifiers, account log-ins with their credentials, precise geolocation (the
# location sent with emergency calls), the content of mail, email and text messages the
# business is not the intended recipient of, and the special categories (origin, beliefs,
# union membership, genetic, biometric and health data, sex life). A card number alone is
# not sensitive; the content of voice calls is not named by the statute.
SENSITIVE = ("identityDocument", "accountCredentials", "emergencyLocation", "messageContent",
             "emailContent", "specialCategory")

# What sensitive personal information may be used for without offering the right to
# limit (1798.121(a), by reference to 1798.140(e)(2), (4), (5) and (8); 11 CCR 7027(m)):
# providing the service asked for, security and integrity, short-term transient use,
# services on the business's behalf, keeping up or improving the service's quality or
# safety; and complying with the law and defending claims (1798.145).
SENSITIVE_PERMITTED = ("serviceProvision", "security", "serviceImprovement",
                       "emergencyServices", "legalCompliance", "legalProcess",
                       "lawfulIntercept", "protectRights", "disputeResolution",
                       "enforceAgreements", "businessTransfer", "troubleshooting",
                       "customerVerification", "taxAndAccounting", "callTrace",
                       "numberPorting")
# Narrower than those but beyond them: developing other products, and training AI models,
# is not improving the service the consumer asked for.
SENSITIVE_BEYOND = ("productDevelopment",)


def _permitted(vocab: Vocabulary, purpose: str) -> bool:
    return any(vocab.is_within(purpose, p) for p in SENSITIVE_PERMITTED) and \
        not any(vocab.is_within(purpose, b) for b in SENSITIVE_BEYOND)


def beyond_the_service(policy: Policy, vocab: Vocabulary) -> list[Statement]:
    """Statements that use or disclose sensitive personal information for more than the
    permitted purposes: for a purpose outside them, or sold, or shared for cross-context
    behavioural advertising. A statement that names no purpose is not judged. The data
    must be sensitive as a whole (an entry every category of which is): "we use your
    personal information for marketing", over an entry that lists passwords among much
    else, is not a use of the passwords for marketing."""
    selling = {s.id for s in sold(policy, vocab)}
    found = []
    for statement in practices(policy, vocab):
        entries = [e for e in (policy.data_entry(d) for d in statement.data) if e is not None]
        if not any(e.categories and all(any(vocab.is_within(kind, sensitive)
                                            for sensitive in SENSITIVE)
                                        for kind in e.categories) for e in entries):
            continue
        if statement.id in selling or not all(_permitted(vocab, p)
                                              for p in statement.purposes):
            found.append(statement)
    return found


@register
class CcpaLimitSensitive(CompletenessRule):
    """A business that uses or discloses sensitive personal information (government
    identifiers, account log-ins, precise geolocation, the content of messages it is not
    the recipient of, health, biometric and the other special data of Cal. Civ. Code
    1798.140(ae)) for more than what 1798.121(a) allows (providing the service, security,
    short-term transient use, services on its behalf, the quality and safety of the
    service) must let consumers limit that use: the privacy policy explains the right
    (11 CCR 7011(e)), and a "Limit the Use of My Sensitive Personal Information" link or
    an alternative offers it (1798.135(a)(2) and (c); 11 CCR 7014). Text messages kept to
    deliver them need no such right; text messages used for targeted advertising do. A
    statement that names no purpose is not judged.

    A notice duty of the policy text: one finding names every statement concerned. An
    error."""

    code = "VP354"
    name = "ccpa-limit-sensitive"
    summary = ("Sensitive personal information is used beyond what the service needs, and"
               " no right to limit it is offered.")
    severity = Severity.ERROR
    kind = "notice"
    groups = ("completeness", "ccpa", "rights")
    profile = "ccpa"
    citations = citing({"ccpa": "Cal. Civ. Code 1798.121 and 1798.135(a)(2); 11 CCR"
                                " 7011(e) and 7014"})
    fail_example = CCPA + """\
dataCategories:
  - {id: d-texts, name: Text messages, categories: [smsContent]}
statements:
  - {id: s-deliver, modality: does, actions: [store], data: [d-texts],
     purposes: [communicationDelivery]}
  - {id: s-ads, modality: may, actions: [analyse], data: [d-texts],
     purposes: [targetedAdvertising]}
"""
    pass_example = CCPA + """\
dataCategories:
  - {id: d-texts, name: Text messages, categories: [smsContent]}
statements:
  - {id: s-deliver, modality: does, actions: [store], data: [d-texts],
     purposes: [communicationDelivery]}
  - {id: s-ads, modality: may, actions: [analyse], data: [d-texts],
     purposes: [targetedAdvertising]}
rights:
  - {id: rt-limit, right: limitSensitiveUse, channels: [webForm]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        if any(vocab.is_within(r.right, "limitSensitiveUse") for r in policy.rights):
            return
        beyond = beyond_the_service(policy, vocab)
        if beyond:
            verb = "uses" if len(beyond) == 1 else "use"
            yield self.finding(
                f"{join(s.id for s in beyond)} {verb} sensitive personal information for"
                " more than the service needs, but the policy offers no right to limit its"
                " use", beyond,
                hint="add a rights entry with right: limitSensitiveUse (and how: the link);"
                     " if the text offers none, the finding stands")
