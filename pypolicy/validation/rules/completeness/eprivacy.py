"""ePrivacy profile (Directive 2002/58/EC): traffic data erased or anonymised when no
longer needed, traffic and location data marketed only with consent, and consent before
non-essential cookies (Art. 5(3), 6 and 9)."""

from __future__ import annotations

from collections.abc import Iterator

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.model import DataEntry, RetentionRule
from pypolicy.validation.rules._base import RuleContext, citing, eprivacy_family, join, register
from pypolicy.validation.rules.completeness._shared import (
    CDR_DATA,
    EPRIVACY,
    CompletenessRule,
    RetentionIndex,
    any_within,
    has_period,
    labels,
    policy_of,
    practices,
    real_consent,
    use_of,
)

TRAFFIC = ("trafficData",)  # includes call detail records, message logs, network location
TRAFFIC_OR_LOCATION = ("trafficData", "location")



@register
class TrafficDataRetention(CompletenessRule):
    """Traffic data (call detail records, message logs, network location) must be erased
    or made anonymous when it is no longer needed to convey the communication, except as
    needed for billing until the bill can no longer be challenged (ePrivacy Directive
    Art. 6(1)-(2)), and the subscriber must be told how long it is processed (Art. 6(4)).
    A policy that processes traffic data should therefore say for how long: "as long as
    necessary", or "deleted when no longer needed" with no period, restates Art. 6(1)
    without saying it. A rule counts if it names the data or data that includes it ("all
    personal data") and gives a period, a range, the law that imposes one, or criteria a
    reader can apply.

    A notice duty: the types of traffic data and how long they are processed must be
    told (ePrivacy Directive Art. 6(4); PECR reg. 7(4)); erasing the data is a duty to
    act (Art. 6(1); reg. 7(1)). One finding for all the traffic data without a period. A
    warning, since the information may come with the contract."""

    code = "VP321"
    name = "traffic-data-retention"
    summary = "Traffic data is processed, but no rule says when it is deleted or anonymised."
    severity = Severity.WARNING
    kind = "notice"
    groups = ("completeness", "eprivacy", "retention")
    profile = "eprivacy"
    citations = eprivacy_family("Art. 6(1), 6(2) and 6(4)", "reg. 7")
    fail_example = EPRIVACY + CDR_DATA + """\
statements:
  - {id: s-cdr, modality: does, actions: [collect], data: [d-cdr], purposes: [billing]}
retention:
  - {id: r-cdr, data: [d-cdr], criteria: [purposeFulfilled], afterwards: deleted}
"""
    pass_example = EPRIVACY + CDR_DATA + """\
statements:
  - {id: s-cdr, modality: does, actions: [collect], data: [d-cdr], purposes: [billing]}
retention:
  - {id: r-cdr, data: [d-cdr], duration: P6M, from: endOfBillingDisputePeriod, afterwards: deleted}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        processed = {d for s in policy.statements if s.positive for d in s.data}
        unbounded: list[DataEntry] = []
        listed: dict[str, RetentionRule] = {}  # by pointer, in the order first met
        retention = RetentionIndex(policy, vocab)
        for entry in policy.data_categories:
            if entry.id not in processed or not any_within(vocab, entry.categories, TRAFFIC):
                continue
            covering = retention.covering(entry)
            # "erased when no longer needed" restates Art. 6(1); the duration is owed
            if any(not r.indefinite and has_period(r) for r in covering):
                continue
            unbounded.append(entry)
            listed.update((r.pointer, r) for r in covering if r.pointer not in listed)
        rules = list(listed.values())
        if not unbounded:
            return
        # one problem: the traffic data has no period, however many entries record it
        said = f" ({join(r.id for r in rules)} give{'s' if len(rules) == 1 else ''}" \
            " neither)" if rules else ""
        names = join(f"{e.name} ({e.id})" for e in unbounded)
        # one entry's name may be plural ("call records"): "the entry ... is" agrees
        subject = f"the entry {names} is" if len(unbounded) == 1 else f"{names} are"
        yield self.finding(
            f"{subject} traffic data, but no retention"
            f" rule gives a period or says it is deleted or anonymised{said}",
            [*unbounded, *rules],
            hint="give the period for it (duration and from, or a range), or the law that"
                 " imposes one")


@register
class TrafficDataMarketingWithoutConsent(CompletenessRule):
    """Traffic data may be used to market electronic communications services, and
    location data other than traffic data processed only with the subscriber's consent
    (ePrivacy Directive Art. 6(3) and 9(1)); consent must be GDPR consent, so consent the
    policy infers from use, or a CPNI opt-out, does not do. The soft opt-in for existing
    customers (Art. 13(2)) concerns email contact details, not traffic or location data.
    Aggregated or anonymised use is outside the rule. The vocabulary has no term for
    value-added services, so only marketing purposes are checked.

    Not a notice duty: obtaining consent is a duty to act (ePrivacy Directive Art. 6(3)
    and 9(1); PECR reg. 7(3) and 14), and the text shows marketing with traffic or
    location data without it: a likely problem, a warning.

    Call detail records are both traffic data and CPNI: where the US CPNI rules apply as
    well, cpni-marketing-without-approval (VP331) reports the same statement. One problem,
    owned by this rule (consent satisfies both laws, approval only one): VP331's finding
    is merged into this one, which then cites 47 CFR 64.2005(a), 64.2007 and 64.2008
    beside the ePrivacy Directive. A suppression of either code silences it."""

    code = "VP322"
    name = "traffic-data-marketing-without-consent"
    summary = "Traffic or location data is used for marketing without consent."
    severity = Severity.WARNING
    kind = "practice"
    groups = ("completeness", "eprivacy", "consent")
    profile = "eprivacy"
    absorbs = ("VP331",)  # the same marketing statement under the CPNI rules
    citations = eprivacy_family("Art. 6(3) and 9(1)", "reg. 7(3) and 14")
    fail_example = EPRIVACY + CDR_DATA + """\
statements:
  - id: s-upsell
    modality: may
    actions: [analyse]
    data: [d-cdr]
    purposes: [directMarketing]
    legalBases: [legitimateInterest]
"""
    pass_example = EPRIVACY + CDR_DATA + """\
statements:
  - id: s-upsell
    modality: may
    actions: [analyse]
    data: [d-cdr]
    purposes: [directMarketing]
    legalBases: [consent]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = policy_of(ctx), ctx.vocabulary
        for statement in practices(policy, vocab):
            cats = policy.categories_of(statement.data)
            if not any_within(vocab, cats, TRAFFIC_OR_LOCATION) or \
                    not any_within(vocab, statement.purposes, ["marketing"]):
                continue
            if real_consent(vocab, statement) or \
                    "aggregatedOrAnonymised" in statement.conditions:
                continue
            yield self.finding(
                f"{use_of(policy, vocab, statement, TRAFFIC_OR_LOCATION)}; traffic and location"
                " data may be used for marketing only with consent", [statement],
                hint="if the text asks for consent, add legalBases: [consent] or conditions:"
                     " [withConsent]")


@register
class CookieConsent(CompletenessRule):
    """Storing or reading information on a person's device needs their prior consent
    unless strictly necessary for the service they asked for (ePrivacy Directive
    Art. 5(3)); consent must be given by an active choice, not pre-ticked or inferred
    (CJEU C-673/17 Planet49). Analytics and advertising cookies, web beacons and web
    analytics tools need it; telling people to block cookies in their browser, or taking
    use of the website as consent, is not consent. Functional cookies are left out: some
    are strictly necessary for a feature the person asked for.

    Not a notice duty: the information about cookies is one, met when the text says what
    they do; what the rule checks is consent, a duty to act (ePrivacy Directive Art.
    5(3); PECR reg. 6), which the text shows is not sought: a likely problem, a warning.

    Where the cookies rest on consent inferred from use and consent-inferred-from-use
    (VP209) reports them too (it runs wherever GDPR, UK GDPR, ePrivacy, PECR or the DPDP
    Act applies), that finding owns the problem and this one is merged into it: one
    finding citing GDPR Art. 4(11) and 7 and ePrivacy Art. 5(3). A suppression of either
    code silences it. Without VP209 (browser settings only, no mechanism at all, or VP209
    not run) this rule reports as it always has."""

    code = "VP323"
    name = "cookie-consent"
    summary = "Non-essential cookies or beacons are used without an opt-in."
    severity = Severity.WARNING
    kind = "practice"
    groups = ("completeness", "eprivacy", "consent", "tracking")
    profile = "eprivacy"
    citations = citing({
        "eprivacy": "ePrivacy Directive 2002/58/EC Art. 5(3); CJEU C-673/17 Planet49",
        "pecr": "PECR reg. 6 (ePrivacy Directive Art. 5(3))"})
    fail_example = EPRIVACY + """\
tracking:
  technologies: [cookies]
  cookieKinds: [essentialCookies, analyticsCookies]
  consentMechanisms: [browserControls]
"""
    pass_example = EPRIVACY + """\
tracking:
  technologies: [cookies]
  cookieKinds: [essentialCookies, analyticsCookies]
  consentMechanisms: [optInBanner]
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        tracking = policy_of(ctx).tracking
        if tracking is None or "optInBanner" in tracking.consent_mechanisms:
            return
        vocab = ctx.vocabulary
        needing = [f"{vocab.label(k)} cookies" for k in tracking.cookie_kinds
                   if k in ("analyticsCookies", "advertisingCookies")]
        needing += [vocab.label(t) for t in tracking.technologies
                    if t in ("webBeacons", "webAnalytics")]
        if not needing:
            return
        how = f"only {labels(vocab, tracking.consent_mechanisms)}" \
            if tracking.consent_mechanisms else "no consent mechanism"
        yield self.finding(
            f"{join(needing)} need prior consent, but the policy describes {how}",
            [tracking], hint="if the website asks before setting them, add consentMechanisms:"
                             " [optInBanner]")
