"""Retention rules in words: the period alone (for a summary or a comparison) and the
full sentences a page shows, with criteria, what happens afterwards and exceptions.

Format 1.1 periods are shown as the policy gives them, never rounded to one number:
ranges and bounds ("12 to 24 months", "at least seven years", "up to 30 days"), hedges
("usually 90 days"), the law that imposes the period ("as tax and accounting law
requires") and the purposes the data is kept for."""

from __future__ import annotations

from pypolicy.format.model import Policy, RetentionRule
from pypolicy.rendering.phrases.basics import (
    data_looks_plural,
    data_names,
    duration,
    duration_range,
    join,
    label,
    labels,
    law_looks_plural,
    pronoun,
    sentence,
)
from pypolicy.rendering.phrases.terms import CLAUSE_HEDGES, condition, hedge, purpose

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
    "endOfFinancialYear": "the end of the financial year",
    "communicationEnd": "the end of the call or message",
}

_CRITERION_SUMMARY = {
    "purposeFulfilled": "as long as needed for the purposes",
    "contractDuration": "for the duration of the contract",
    "legalRequirement": "as long as the law requires",
    "disputes": "to resolve disputes",
    "agreementEnforcement": "to enforce agreements",
    "riskBased": "by sensitivity and risk",
    "untilRequest": "until you ask for deletion",
    "jurisdictionDependent": "depending on the jurisdiction",
    "carrierDependent": "depending on the carrier or partner",
    "customerConfigured": "as the customer sets it",
    "untilDeletedByUser": "until you delete it",
}

# Criteria that say what the period depends on, as a sentence of their own.
_DEPENDS_ON = {
    "jurisdictionDependent": "how long depends on the jurisdiction",
    "carrierDependent": "how long depends on the carrier or partner",
    "customerConfigured": "how long is set by the customer",
}


def event(term: str) -> str:
    return _EVENT_PHRASES.get(term, label(term))


def period(rule: RetentionRule, spelled: bool = False, hedged: bool = True) -> str:
    """The fixed period of a rule ("90 days", "12 to 24 months"), hedged as the policy
    hedges it ("usually 90 days", "about 90 days") unless ``hedged`` is false; "" when
    the rule gives none."""
    if rule.duration:
        text = duration(rule.duration, spelled)
    elif rule.period is not None:
        text = duration_range(rule.period.at_least, rule.period.at_most, spelled)
    else:
        return ""
    if hedged and rule.qualifier and text:
        text = f"{hedge(rule.qualifier)} {text}"
    return text


def imposed_by(rule: RetentionRule) -> str:
    """", as tax and accounting law requires" for a period a law imposes."""
    if not rule.imposed_by:
        return ""
    laws = join(labels(rule.imposed_by))
    # "tax and accounting law requires", "US CPNI rules require"
    plural = len(rule.imposed_by) > 1 or law_looks_plural(laws)
    return f", as {laws} {'require' if plural else 'requires'}"


def retention_period(rule: RetentionRule) -> str:
    """The period alone, as a summary or a comparison shows it."""
    fixed = period(rule)
    if fixed:
        if rule.from_:
            fixed += " after " + event(rule.from_)
        return fixed + imposed_by(rule)
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
    fixed = period(rule, spelled=True, hedged=False)
    # "we keep ... for about 90 days": "about" belongs to the number; the other hedges
    # to the verb ("we usually keep") or to the clause ("in some cases, we keep")
    hedge_of_verb = rule.qualifier if rule.qualifier != "approximately" else None
    if fixed and rule.qualifier == "approximately":
        fixed = f"{hedge(rule.qualifier)} {fixed}"
    keep = "keep"
    if hedge_of_verb and hedge_of_verb not in CLAUSE_HEDGES:
        keep = f"{hedge(hedge_of_verb)} keep"
    if fixed and rule.from_ and "contractDuration" in others:
        # "for the duration of your contract and for one year after the end of the
        # contract": the period that runs from an end comes after what it follows
        others = [c for c in others if c != "contractDuration"]
        fixed = f"the duration of your contract and for {fixed}"
    if fixed:
        main = f"we {keep} {names} for {fixed}"
        if rule.from_:
            main += " after " + event(rule.from_)
        if rule.purposes:
            main += ", for " + join([purpose(p) for p in rule.purposes])
        main += imposed_by(rule)
        if needs:
            main += ", " + join(needs)
    elif needs:
        main = f"we {keep} {names} as long as we need {it} " + join(needs)
    elif rule.indefinite:
        main = f"we may keep {names} indefinitely"
    else:
        main = ""
    if not fixed and main and rule.purposes:
        main += ", for " + join([purpose(p) for p in rule.purposes])
    if not fixed and main:
        main += imposed_by(rule)
    if rule.indefinite and fixed:
        main += f", and may keep {it} indefinitely"
    extra = []
    for criterion in others:
        if criterion == "contractDuration":
            extra.append("for the duration of your contract")
        elif criterion == "untilRequest":
            extra.append(f"until you ask us to delete {it}")
        elif criterion == "untilDeletedByUser":
            extra.append(f"until you delete {it}")
    if extra:
        main = (main + " and " if main else f"we {keep} {names} ") + join(extra)
    if main and hedge_of_verb in CLAUSE_HEDGES:
        main = f"{hedge(hedge_of_verb)}, {main}"
    if main:
        result.append(sentence(main))
    result += [sentence(_DEPENDS_ON[c]) for c in rule.criteria if c in _DEPENDS_ON]
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
