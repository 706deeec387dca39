"""The sections on protecting data and people: "How we protect it" (security measures,
claims and breach notification), "Cookies and similar technologies" and "Children"."""

from __future__ import annotations

from pypolicy.format.model import Statement
from pypolicy.rendering.page import Block, Bullets, Para, plain
from pypolicy.rendering.phrases.basics import join, label, labels, party_names, sentence
from pypolicy.rendering.phrases.protections import security_sentence
from pypolicy.rendering.phrases.terms import condition, consequence, hedged_clause
from pypolicy.rendering.sections.context import PageContext

_COOKIE_KINDS = {
    "essentialCookies": "strictly necessary cookies",
    "functionalCookies": "functional and convenience cookies",
    "analyticsCookies": "analytics cookies",
    "advertisingCookies": "advertising cookies",
}


_CONSENT_MECHANISMS = {
    "optInBanner": "We set no cookies other than strictly necessary ones until you agree.",
    "browserControls": "You can refuse cookies in your browser settings.",
    "impliedByUse": "We treat your use of the website or service as consent to cookies.",
    "consentBanner": "We ask for your consent in a cookie banner.",
    "granularChoice": "You can choose which kinds of cookies to allow.",
    "consentWithdrawable": "You can change your choice later.",
    "thirdPartyOptOut": "You can opt out with the tools of the companies that set them.",
    "globalPrivacyControl": "We honour the Global Privacy Control signal of your browser.",
    "deviceAdSettings": "You can limit advertising in your device's settings.",
}


_DO_NOT_TRACK = {
    "dntHonoured": "We honour Do Not Track signals from browsers.",
    "dntIgnored": "We do not respond to Do Not Track signals from browsers.",
}


def security(ctx: PageContext) -> list[Block]:
    policy = ctx.policy
    blocks: list[Block] = []
    measures = [m for m in policy.security_measures if m.measure]
    claims = [m for m in policy.security_measures if not m.measure]
    if measures:
        blocks.append(Para(plain("We say we use these security measures:")))
        blocks.append(Bullets(tuple(ctx.para(security_sentence(policy, m), m)
                                    for m in measures)))
    blocks += ctx.merged(claims, lambda m: security_sentence(policy, m))
    if not policy.security_measures:
        blocks.append(Para(plain("This policy does not describe how data is "
                                 "protected.")))
    breach = policy.breach_notification
    if breach is not None:
        verb = {"does": "notify", "may": "may notify", "doesNot": "do not notify",
                "onlyIf": "notify"}.get(breach.modality, "notify")
        who = join(labels(breach.notifies)) or "anyone"
        if breach.conditions:
            only = "only " if breach.modality == "onlyIf" else ""
            who += " " + only + join([condition(c) for c in breach.conditions])
        text = "If a data breach affects personal data, " + \
            hedged_clause(breach.qualifier, "we", verb, who)
        blocks.append(ctx.para(sentence(text), breach))
    return blocks


def cookies(ctx: PageContext) -> list[Block]:
    policy = ctx.policy
    tracking = policy.tracking
    if tracking is None:
        return [Para(plain("This policy does not mention cookies or similar "
                           "technologies."))]
    sentences = []
    # format 1.1: how firmly the text says it; absent reads as used, as in 1.0
    use = {"may": "may use", "doesNot": "do not use"}.get(tracking.modality or "", "use")
    if tracking.technologies:
        sentences.append(sentence(f"we {use} " + join(labels(tracking.technologies),
                                                     "or" if use == "do not use" else "and")))
    if tracking.cookie_kinds:
        sentences.append(sentence(f"the kinds of cookies we {use} are " + join(
            [_COOKIE_KINDS.get(k, label(k)) for k in tracking.cookie_kinds])))
    if tracking.consent_required_for:
        sentences.append(sentence("we set " + join(
            [_COOKIE_KINDS.get(k, label(k)) for k in tracking.consent_required_for])
            + " only with your consent"))
    if tracking.third_parties:  # no modality here: named, not asserted as "do" or "may"
        sentences.append(sentence("other parties that place or read cookies: "
                                  + join(party_names(policy, tracking.third_parties))))
    sentences += [_CONSENT_MECHANISMS.get(m, sentence("consent: " + label(m)))
                  for m in tracking.consent_mechanisms]
    if tracking.do_not_track:
        sentences.append(_DO_NOT_TRACK.get(tracking.do_not_track,
                                           sentence(label(tracking.do_not_track))))
    sentences += [sentence("if you refuse or delete cookies, " + consequence(c))
                  for c in tracking.consequences]
    if not sentences:
        sentences.append("This policy mentions tracking but says nothing specific.")
    return [ctx.para(" ".join(sentences), tracking)]


def children(ctx: PageContext, statements: list[Statement]) -> list[Block]:
    policy = ctx.policy
    children = policy.children
    blocks: list[Block] = []
    if children is not None:
        sentences = []
        if children.directed_to_children is True:
            sentences.append("Our service is directed to children.")
        elif children.directed_to_children is False:
            sentences.append("Our service is not directed to children.")
        if children.minimum_age is not None:
            sentences.append(f"We consider anyone under {children.minimum_age} a child.")
        if children.knowingly_collects is True:
            sentences.append("We knowingly collect data about children.")
        elif children.knowingly_collects is False:
            sentences.append("We do not knowingly collect data about children.")
        if children.deletes_on_discovery is True:
            sentences.append("If we learn that we hold a child's data, we delete it.")
        elif children.deletes_on_discovery is False:
            sentences.append("We do not delete a child's data when we learn of it.")
        if sentences:
            blocks.append(ctx.para(" ".join(sentences), children))
    blocks += ctx.statements(statements)
    if not blocks:
        blocks.append(Para(plain("This policy says nothing about children.")))
    return blocks
