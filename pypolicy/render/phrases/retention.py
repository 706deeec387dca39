"""Retention rules in words: the period alone (for a summary or a comparison) and the
full sentences a page shows, with criteria, what happens afterwards and exceptions."""

from __future__ import annotations

from pypolicy.format.model import Policy, RetentionRule
from pypolicy.render.phrases.basics import (
    data_looks_plural,
    data_names,
    duration,
    join,
    label,
    pronoun,
    sentence,
)
from pypolicy.render.phrases.terms import condition

_KEPT_AS_LONG_AS = {
    "purposeFulfilled": "for the purposes for which we collected {it}",
    "legalRequirement": "to meet legal or regulatory requirements",
    "disputes": "to resolve disputes",
    "agreementEnforcement": "to enforce our agreements",
}

_OUTCOME = {
    "deleted": "we delete {it}",
    "anonymised": "we anonymise {it}",
    "deletedOrAnonymised": "we delete or anonymise {it}",
}


_EVENT_PHRASES = {
    "endOfContract": "the end of the contract",
    "endOfRelationship": "the end of the customer relationship",
    "endOfBillingDisputePeriod": "the end of the billing dispute period",
    "lastActivity": "your last activity",
}

_CRITERION_SUMMARY = {
    "purposeFulfilled": "as long as needed for the purposes",
    "contractDuration": "for the duration of the contract",
    "legalRequirement": "as long as the law requires",
    "disputes": "to resolve disputes",
    "agreementEnforcement": "to enforce agreements",
    "riskBased": "by sensitivity and risk",
    "untilRequest": "until you ask for deletion",
}


def event(term: str) -> str:
    return _EVENT_PHRASES.get(term, label(term))


def retention_period(rule: RetentionRule) -> str:
    """The period alone, as a summary or a comparison shows it."""
    if rule.duration:
        text = duration(rule.duration)
        if rule.from_:
            text += " after " + event(rule.from_)
        return text
    if rule.indefinite:
        return "indefinitely"
    if rule.criteria:
        return ", ".join(_CRITERION_SUMMARY.get(c, label(c)) for c in rule.criteria)
    return "not stated"


def retention_sentences(policy: Policy, rule: RetentionRule) -> list[str]:
    """The rule as sentences; "it" and "them" agree with the data the rule names."""
    named = data_names(policy, rule.data)
    names = join(named) or "this data"
    plural = data_looks_plural(named)
    it = pronoun(plural)
    result: list[str] = []
    needs = [_KEPT_AS_LONG_AS[c].format(it=it) for c in rule.criteria
             if c in _KEPT_AS_LONG_AS]
    others = [c for c in rule.criteria if c not in _KEPT_AS_LONG_AS]
    if rule.duration:
        main = f"we keep {names} for {duration(rule.duration)}"
        if rule.from_:
            main += " after " + event(rule.from_)
        if needs:
            main += ", " + join(needs)
    elif needs:
        main = f"we keep {names} as long as we need {it} " + join(needs)
    elif rule.indefinite:
        main = f"we may keep {names} indefinitely"
    else:
        main = ""
    if rule.indefinite and rule.duration:
        main += f", and may keep {it} indefinitely"
    extra = []
    for criterion in others:
        if criterion == "contractDuration":
            extra.append("for the duration of your contract")
        elif criterion == "untilRequest":
            extra.append(f"until you ask us to delete {it}")
    if extra:
        main = (main + " and " if main else f"we keep {names} ") + join(extra)
    if main:
        result.append(sentence(main))
    if "riskBased" in rule.criteria:
        result.append(sentence(
            (f"how long we keep {names} depends" if not main else "how long depends")
            + " on the amount, nature and sensitivity of the data, the risk of harm from "
              "unauthorised use, the purposes and the legal requirements"))
    if not result:
        result.append(sentence(f"this policy gives no retention period for {names}"))
    if rule.afterwards:
        outcome = _OUTCOME.get(rule.afterwards, label(rule.afterwards))
        result.append(sentence("after that, " + outcome.format(it=it)))
    if rule.exceptions:
        result.append(sentence(f"we may keep {it} longer "
                               + join([condition(c, plural) for c in rule.exceptions], "or")))
    return result
