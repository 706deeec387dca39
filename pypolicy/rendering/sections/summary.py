"""The "At a glance" section: the privacy label, in the manner of the app-store privacy
labels and the GDPR icon proposals - what is collected, used for marketing, shared,
sold, kept how long, sent abroad, tracked, and which rights - one short line each,
drawn from ``pypolicy.rendering.facts``.

A label must not claim more than the policy: a practice the policy says it "may" do, or
hedges ("usually", "in some cases"), keeps that word beside it; a period given as a
range or a bound stays one ("12 to 24 months", "at least 6 years"); a question the
policy does not answer is "Not stated", never "No".
"""

from __future__ import annotations

from collections.abc import Iterable

from pypolicy.format.model import Statement
from pypolicy.format.vocabulary import vocabulary
from pypolicy.rendering import facts
from pypolicy.rendering.language import N_
from pypolicy.rendering.page import Block, Fact, Label, Para, plain
from pypolicy.rendering.phrases.basics import capitalise, data_names, join, label, labels, places
from pypolicy.rendering.phrases.retention import retention_period
from pypolicy.rendering.phrases.statements import statement_sentence
from pypolicy.rendering.phrases.terms import condition
from pypolicy.rendering.sections.context import PageContext

# How firmly a statement holds, weakest last: the label shows the firmest way a thing is
# said, with its word when that is not flat.
_FIRM = ""


def _strength(statement: Statement, ctx: PageContext) -> str:
    _ = ctx.gettext
    if statement.qualifier:
        return label(statement.qualifier)
    return _("possibly") if statement.modality == "may" else _FIRM


def _firmest(strengths: Iterable[str]) -> str:
    found = list(strengths)
    return _FIRM if not found or _FIRM in found else sorted(found)[0]


def _with_strength(text: str, strength: str) -> str:
    return f"{text} ({strength})" if strength else text


def _fact(ctx: PageContext, key: str, heading: str, answers: Iterable[str]) -> Fact:
    answers = tuple(capitalise(a) for a in answers if a)
    if not answers:
        return Fact(key, ctx.gettext(heading), (ctx.gettext("Not stated"),), unstated=True)
    return Fact(key, ctx.gettext(heading), answers)


def _shared(ctx: PageContext) -> list[str]:
    """Kinds of recipient, each with the firmest way the policy says it receives data."""
    policy = ctx.policy
    vocab = vocabulary()
    by_party: dict[str, list[str]] = {}
    for statement in policy.statements:
        if statement.modality in facts.POSITIVE and \
                any(vocab.is_within(a, "disclose") for a in statement.actions):
            for recipient in statement.recipients:
                if recipient not in statement.actors:
                    by_party.setdefault(recipient, []).append(_strength(statement, ctx))
    for transfer in policy.transfers:
        for recipient in transfer.recipients:
            by_party.setdefault(recipient, []).append(_FIRM)
    if policy.tracking is not None:
        cookie_strength = ctx.gettext("possibly") if policy.tracking.modality == "may" \
            else _FIRM
        for party_id in policy.tracking.third_parties:
            by_party.setdefault(party_id, []).append(cookie_strength)
    answers = []
    for role in facts.recipient_roles(policy):
        strengths = [s for party_id, found in by_party.items()
                     if (party := policy.party(party_id)) is not None
                     and role in facts.specific_roles(party) for s in found]
        answers.append(_with_strength(label(role), _firmest(strengths)))
    return answers


def _marketing(ctx: PageContext) -> list[str]:
    """Marketing and advertising purposes the provider pursues, or its promise not to."""
    vocab = vocabulary()
    strengths: dict[str, list[str]] = {}
    for statement in facts.provider_statements(ctx.policy):
        for purpose in statement.purposes:
            if vocab.is_within(purpose, "marketing") or vocab.is_within(purpose,
                                                                          "advertising"):
                strengths.setdefault(purpose, []).append(_strength(statement, ctx))
    if strengths:
        return [_with_strength(label(p), _firmest(strengths[p]))
                for p in facts.sort_terms(strengths, "Purpose")]
    return []


def _sold(ctx: PageContext) -> list[str]:
    """Whether the provider says it sells data, or promises not to, and with which
    exceptions."""
    _ = ctx.gettext
    vocab = vocabulary()
    selling = [s for s in ctx.policy.statements if not s.actors
               and any(vocab.is_within(a, "sell") for a in s.actions)]
    sells = [s for s in selling if s.modality in facts.POSITIVE]
    if sells:
        return [_with_strength(_("Yes"), _firmest(_strength(s, ctx) for s in sells))]
    promises = [s for s in selling if s.modality == "doesNot"]
    if not promises:
        return []
    exceptions = list(dict.fromkeys(e for s in promises for e in s.exceptions))
    if any(not s.exceptions for s in promises) or not exceptions:
        return [_("No, the policy promises not to sell data")]
    return [_("No, the policy promises not to sell data, except {exceptions}").format(
        exceptions=join([condition(e) for e in exceptions], "or"))]


def _kept(ctx: PageContext) -> list[str]:
    policy = ctx.policy
    return [f"{retention_period(r)} ({', '.join(data_names(policy, r.data))})"
            if r.data else retention_period(r) for r in policy.retention]


def _abroad(ctx: PageContext) -> list[str]:
    policy = ctx.policy
    destinations = [places([d]) for d in facts.destinations(policy)]
    if destinations:
        return destinations
    promises = []
    for promise in facts.transfer_promises(policy):
        words = statement_sentence(policy, promise).rstrip(".")
        promises.append(ctx.gettext("The policy promises: {promise}").format(
            promise=words[:1].lower() + words[1:]))
    return [ctx.gettext("No destination named"), *promises] if promises else []


_COOKIE_KINDS = {
    "essentialCookies": N_("strictly necessary cookies"),
    "functionalCookies": N_("functional cookies"),
    "analyticsCookies": N_("analytics cookies"),
    "advertisingCookies": N_("advertising cookies"),
}


def _tracking(ctx: PageContext) -> list[str]:
    _ = ctx.gettext
    tracking = ctx.policy.tracking
    if tracking is None:
        return []
    if tracking.modality == "doesNot":
        return [_("None")]
    strength = _("possibly") if tracking.modality == "may" else _FIRM
    answers = []
    for kind in tracking.cookie_kinds:
        text = _(_COOKIE_KINDS[kind]) if kind in _COOKIE_KINDS else label(kind)
        if kind in tracking.consent_required_for:
            consent = _("(only with your consent)")
            # one parenthesis, not two: "(only with your consent; possibly)"
            answers.append(f"{text} {consent[:-1]}; {strength})" if strength and
                           consent.endswith(")") else f"{text} {consent}")
            continue
        answers.append(_with_strength(text, strength))
    if not answers:
        answers = [_with_strength(t, strength) for t in labels(tracking.technologies)]
    if tracking.third_parties:
        answers.append(_("also set by other companies"))
    return answers


def _rights(ctx: PageContext) -> list[str]:
    """The rights, each with the hedge the policy grants it with ("Access (mostly)")."""
    hedges = facts.right_hedges(ctx.policy)
    return [_with_strength(label(r), label(hedges[r]) if r in hedges else _FIRM)
            for r in facts.rights(ctx.policy)]


def summary(ctx: PageContext) -> list[Block]:
    _ = ctx.gettext
    policy = ctx.policy
    collected = labels(facts.summary_categories(facts.handled_categories(policy)))
    label_facts = (
        _fact(ctx, "collected", N_("Data collected"), collected),
        _fact(ctx, "marketing", N_("Used for marketing or advertising"), _marketing(ctx)),
        _fact(ctx, "shared", N_("Shared with"), _shared(ctx)),
        _fact(ctx, "sold", N_("Sold"), _sold(ctx)),
        _fact(ctx, "kept", N_("Kept for"), _kept(ctx)),
        _fact(ctx, "abroad", N_("Sent abroad to"), _abroad(ctx)),
        _fact(ctx, "tracking", N_("Cookies and tracking"), _tracking(ctx)),
        _fact(ctx, "rights", N_("Your rights"), _rights(ctx)),
    )
    return [Label(_("Privacy label"), label_facts),
            Para(plain(_("Everything in this summary is explained, with its conditions and "
                         "exceptions, in the sections below. “Not stated” means the policy "
                         "does not say; “possibly” means it says it may.")))]
