"""GDPR profile: what people can do and must be told, their rights, withdrawing
consent, complaining to an authority, where indirectly obtained data comes from, and
automated decisions (Art. 13(2)(b)-(f), 14(2)(c)-(g))."""

from __future__ import annotations

from collections.abc import Iterator

from pypolicy.core.findings import Finding, Severity
from pypolicy.validation.rules._base import (
    RuleContext,
    accepted_parts,
    gdpr_family,
    join,
    register,
)
from pypolicy.validation.rules.completeness._shared import (
    CONTACT_DATA,
    GDPR,
    CompletenessRule,
    any_within,
    bases_of,
    ids,
    labels,
    policy_of,
    practices,
)

# The rights GDPR Art. 13(2)(b) lists: how to name each, and its article.
RIGHTS_ARTICLES = {
    "access": ("the right of access", "15"),
    "rectification": ("the right to rectification", "16"),
    "erasure": ("the right to erasure", "17"),
    "restriction": ("the right to restriction of processing", "18"),
    "portability": ("the right to data portability", "20"),
    "objection": ("the right to object", "21(1)"),
}


@register
class RightMissing(CompletenessRule):
    """GDPR Art. 13(2)(b) requires the policy to tell people of their rights of access,
    rectification, erasure, restriction, objection and data portability. The rights
    missing are one finding that names them all; a reviewer who finds that one of them
    does not apply (portability, where no processing rests on consent or contract)
    suppresses just that one, with ``targets: [/rights/portability]``. A narrower right
    does not stand in for a broader one: a marketing unsubscribe link, or the right to
    object to direct marketing (Art. 21(2)), is not the general right to object to
    processing based on legitimate interests (Art. 21(1)).

    A notice duty of the policy text (GDPR and UK GDPR Art. 13(2)(b), 14(2)(c)). An
    error."""

    code = "VP310"
    name = "right-missing"
    summary = "A data subject right that GDPR Art. 13(2)(b) requires is not mentioned."
    severity = Severity.ERROR
    kind = "notice"
    groups = ("completeness", "gdpr", "rights")
    profile = "gdpr"
    citations = gdpr_family("Art. 13(2)(b) and 14(2)(c)")
    fail_example = GDPR + """\
rights:
  - {id: r-access, right: access}
  - {id: r-rectification, right: rectification}
  - {id: r-erasure, right: erasure}
  - {id: r-restriction, right: restriction}
  - {id: r-unsubscribe, right: optOutMarketing}
"""
    pass_example = GDPR + """\
rights:
  - {id: r-access, right: access}
  - {id: r-rectification, right: rectification}
  - {id: r-erasure, right: erasure}
  - {id: r-restriction, right: restriction}
  - {id: r-portability, right: portability}
  - {id: r-objection, right: objection}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        named = {r.right for r in policy.rights}
        absent = [right for right in RIGHTS_ARTICLES if right not in named]
        accepted = accepted_parts(ctx, self, (f"/rights/{right}" for right in absent))
        missing = [right for right in absent if f"/rights/{right}" not in accepted]
        if not missing:
            return
        narrower = [r for r in policy.rights if r.right not in RIGHTS_ARTICLES and
                    any(vocab.is_within(r.right, right) for right in missing)]
        wording = join(f"{RIGHTS_ARTICLES[r][0]} (Art. {RIGHTS_ARTICLES[r][1]})"
                       for r in missing)
        verb = "is" if len(missing) == 1 else "are"
        message = f"{wording} {verb} not mentioned"
        if narrower:
            message += (f"; only the narrower"
                        f" {labels(vocab, dict.fromkeys(r.right for r in narrower))}"
                        " is, which does not stand in for the general right")
        if accepted:
            message += (f" ({join(t.rsplit('/', 1)[1] for t in accepted)} accepted by the"
                        " document's suppressions)")
        articles = " and ".join(RIGHTS_ARTICLES[r][1] for r in missing)
        yield self.missing(ctx, message, narrower,
                           hint="add a rights entry for each (right: "
                                f"{', '.join(missing)}); to accept one that does not apply,"
                                f" suppress {self.code} with targets: [/rights/<right>]",
                           legal_reference=self.cite(gdpr_family(f"Art. 13(2)(b) and {articles}")))


@register
class WithdrawConsentMissing(CompletenessRule):
    """Where processing rests on consent, GDPR Art. 13(2)(c) requires the policy to say
    that consent can be withdrawn at any time, and Art. 7(3) that withdrawing is as easy
    as giving it. Consent counts whether named as the basis or as the condition of a
    practice ("only with your consent"); consent the policy infers from use counts too,
    since the policy relies on it.

    A notice duty of the policy text (GDPR and UK GDPR Art. 13(2)(c), 14(2)(d)). An
    error."""

    code = "VP311"
    name = "withdraw-consent-missing"
    summary = "Consent is relied on, but the right to withdraw it is not mentioned."
    severity = Severity.ERROR
    kind = "notice"
    groups = ("completeness", "gdpr", "rights", "consent")
    profile = "gdpr"
    citations = gdpr_family("Art. 13(2)(c), 14(2)(d) and 7(3)")
    fail_example = GDPR + CONTACT_DATA + """\
statements:
  - id: s-newsletter
    modality: may
    actions: [use]
    data: [d-contact]
    purposes: [directMarketing]
    legalBases: [consent]
rights:
  - {id: r-unsubscribe, right: optOutMarketing}
"""
    pass_example = GDPR + CONTACT_DATA + """\
statements:
  - id: s-newsletter
    modality: may
    actions: [use]
    data: [d-contact]
    purposes: [directMarketing]
    legalBases: [consent]
rights:
  - {id: r-withdraw, right: withdrawConsent}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        relying = [s for s in practices(policy, vocab)
                   if any_within(vocab, bases_of(s), ["consent"])]
        if relying and not any(vocab.is_within(r.right, "withdrawConsent")
                               for r in policy.rights):
            yield self.finding(
                f"{ids(relying, 'relies', 'rely')} on consent, but the right to withdraw"
                " consent at any time is not mentioned",
                relying, hint="add a rights entry with right: withdrawConsent")


@register
class ComplaintRightMissing(CompletenessRule):
    """GDPR Art. 13(2)(d) requires the policy to tell people that they may lodge a
    complaint with a supervisory authority (Art. 77). Offering to resolve concerns first is
    fine; leaving out the authority is not.

    A notice duty of the policy text (GDPR and UK GDPR Art. 13(2)(d), 14(2)(e)). An
    error."""

    code = "VP312"
    name = "complaint-right-missing"
    summary = "The right to complain to a supervisory authority is not mentioned."
    severity = Severity.ERROR
    kind = "notice"
    groups = ("completeness", "gdpr", "rights")
    profile = "gdpr"
    citations = gdpr_family("Art. 13(2)(d), 14(2)(e) and 77")
    fail_example = GDPR + """\
rights:
  - {id: r-access, right: access}
"""
    pass_example = GDPR + """\
rights:
  - {id: r-complaint, right: complaint}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not any(r.right == "complaint" for r in policy_of(ctx).rights):
            yield self.missing(ctx, "the right to lodge a complaint with a supervisory"
                                    " authority is not mentioned",
                               hint="add a rights entry with right: complaint (and name the"
                                    " authority in supervisoryAuthority)")


@register
class SourceUndisclosed(CompletenessRule):
    """Where data is not obtained from the person, GDPR Art. 14(2)(f) requires the source
    it comes from. "From third parties" or "from public sources" alone does not say
    which; the EDPB's transparency guidelines (WP260 rev.01, para. 60) expect the named
    sources, or at least their nature (the kind of organisation, the register), wherever
    they can be given.

    A notice duty (GDPR and UK GDPR Art. 14(2)(f)). A warning, since the nature of the
    sources may be enough where names cannot be given."""

    code = "VP313"
    name = "source-undisclosed"
    summary = "Data is obtained from third parties or public sources that are not named."
    severity = Severity.WARNING
    kind = "notice"
    groups = ("completeness", "gdpr")
    profile = "gdpr"
    citations = gdpr_family("Art. 14(2)(f)")
    fail_example = GDPR + """\
dataCategories:
  - {id: d-credit, name: Credit reference data, categories: [financial], sources: [fromThirdParty]}
"""
    pass_example = GDPR + """\
parties:
  - {id: p-credit-agency, name: credit reference agencies, roles: [independentThirdParty]}
dataCategories:
  - id: d-credit
    name: Credit reference data
    categories: [financial]
    sources: [fromThirdParty]
    sourceParties: [p-credit-agency]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        vocab = ctx.vocabulary
        for entry in policy_of(ctx).data_categories:
            indirect = [s for s in entry.sources if s in ("fromThirdParty", "publicSource")]
            if indirect and not entry.source_parties:
                yield self.finding(
                    f"the entry {entry.name} ({entry.id}) holds data {labels(vocab, indirect)},"
                    " but the"
                    " sources are not named", [entry],
                    hint="name the sources as parties (sourceParties), by kind if not by name")


@register
class AutomatedDecisionsUnstated(CompletenessRule):
    """GDPR Art. 13(2)(f) requires the policy to say whether decisions based solely on
    automated processing, including profiling, are made, and if so the logic and its
    consequences. A policy that profiles people (their interests, for marketing) and is
    silent on automated decisions leaves them unable to tell whether Art. 22 applies.

    Not a notice duty unless decisions under Art. 22(1) are made (GDPR and UK GDPR Art.
    13(2)(f), 14(2)(g)); saying that none are is good practice. Info."""

    code = "VP314"
    name = "automated-decisions-unstated"
    summary = "The provider profiles people, but says nothing about automated decisions."
    severity = Severity.INFO
    kind = "goodPractice"
    groups = ("completeness", "gdpr")
    profile = "gdpr"
    citations = gdpr_family("Art. 13(2)(f), 14(2)(g) and 22")
    fail_example = GDPR + CONTACT_DATA + """\
statements:
  - id: s-interests
    modality: may
    actions: [profile]
    data: [d-contact]
    purposes: [marketing]
    legalBases: [consent]
"""
    pass_example = GDPR + CONTACT_DATA + """\
statements:
  - id: s-interests
    modality: may
    actions: [profile]
    data: [d-contact]
    purposes: [marketing]
    legalBases: [consent]
automatedDecisions: {modality: doesNot}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        profiling = [s for s in practices(policy, vocab)
                     if any_within(vocab, s.actions, ["profile"])]
        if profiling and policy.automated_decisions is None:
            yield self.finding(
                f"{ids(profiling, 'profiles', 'profile')} people, but the policy does not say"
                " whether decisions are made solely by automated means", profiling,
                hint="record what the policy says in automatedDecisions (modality doesNot if"
                     " it says none are made)")
