"""Retention rules in words: the period alone (for a summary or a comparison) and the
full sentences a page shows, with criteria, what happens afterwards and exceptions.

Format 1.1 periods are shown as the policy gives them, never rounded to one number:
ranges and bounds ("12 to 24 months", "at least seven years", "up to 30 days"), hedges
("usually 90 days"), the law that imposes the period ("as tax and accounting law
requires") and the purposes the data is kept for.

Each hedge goes next to what it qualifies: "about" before the number, "usually" and "in
some cases" on the keeping, "most of" on the data, and "where possible", which only says
that the provider tries, on the deletion ("After that, where possible, we delete it") or
on the limit ("..., and where possible no longer")."""

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
    most_of,
    pronoun,
    sentence,
)
from pypolicy.rendering.phrases.terms import condition, hedge, purpose

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


_DONE = {
    "deleted": "deleted",
    "anonymised": "anonymised",
    "deletedOrAnonymised": "deleted or anonymised",
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

# A hedge before a summary of the period ("usually up to 30 days"); "where possible",
# which only says the provider tries, goes after it ("..., where possible").
_HEDGE_AFTER = frozenset({"wherePossible"})

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
    if hedged and rule.qualifier and text and rule.qualifier not in _HEDGE_AFTER:
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
    """The period alone, as a summary or a comparison shows it, with its hedge."""
    fixed = period(rule)
    if fixed:
        if rule.from_:
            fixed += " after " + event(rule.from_)
        text = fixed + imposed_by(rule)
    elif rule.indefinite:
        text = "indefinitely"
    elif rule.criteria:
        text = ", ".join(_criterion_summary(rule, c) for c in rule.criteria)
        if rule.qualifier and rule.qualifier not in _HEDGE_AFTER:
            text = f"{hedge(rule.qualifier)} {text}"
    else:
        return "not stated"
    if rule.qualifier in _HEDGE_AFTER:  # on the deletion, or on the limit
        done = _DONE.get(rule.afterwards or "")
        text += f", then {done} {hedge(rule.qualifier)}" if done \
            else f", and {hedge(rule.qualifier)} no longer"
    return text


def _deleter(rule: RetentionRule) -> str:
    """Who deletes data kept "until the user deletes it": the customer where the customer
    also sets the period (a business account), else the reader."""
    return "the customer" if "customerConfigured" in rule.criteria else "you"


def _criterion_summary(rule: RetentionRule, criterion: str) -> str:
    if criterion == "untilDeletedByUser" and _deleter(rule) != "you":
        return f"until {_deleter(rule)} deletes it"
    return _CRITERION_SUMMARY.get(criterion, label(criterion))


def retention_sentences(policy: Policy, rule: RetentionRule) -> list[str]:
    """The rule as sentences; "it" and "them" agree with the data the rule names, and the
    rule's hedge stands next to what it qualifies (see the module docstring)."""
    named = data_names(policy, rule.data)
    names = join(named) or "this data"
    plural = data_looks_plural(named)
    it = pronoun(plural)
    term = rule.qualifier
    if term == "mostly":  # "most of" the data, not most of the time
        names = most_of(names)
    result: list[str] = []
    needs = [_KEPT_AS_LONG_AS[c].format(it=it) for c in rule.criteria
             if c in _KEPT_AS_LONG_AS]
    others = [c for c in rule.criteria if c not in _KEPT_AS_LONG_AS]
    fixed = period(rule, spelled=True, hedged=False)
    if fixed and term == "approximately":  # "about" belongs to the number
        fixed = f"{hedge(term)} {fixed}"
    keep = f"{hedge(term)} keep" if term == "usually" else "keep"
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
        main = f"we may {hedge(term)} keep {names} indefinitely" if term == "usually" \
            else f"we may keep {names} indefinitely"
    else:
        main = ""
    if not fixed and main and rule.purposes:
        main += ", for " + join([purpose(p) for p in rule.purposes])
    if not fixed and main:
        main += imposed_by(rule)
    if rule.indefinite and fixed:
        main += f", and may keep {it} indefinitely"
    main = _until(rule, main, others, names, keep, it)
    if main and term == "approximately" and not fixed:  # no number to put "about" on
        main += f" ({label(term)})"
    if main and term == "wherePossible" and not rule.afterwards:
        main += ", and where possible no longer"  # the limit is what the provider tries
    if main and term == "inSomeCases":
        main = f"{hedge(term)}, {main}"
    if main:
        result.append(sentence(main))
    result += _depends_on(rule, names, bool(main))
    if not result:
        result.append(sentence(f"this policy gives no retention period for {names}"))
    if rule.afterwards:
        outcome = _OUTCOME.get(rule.afterwards, label(rule.afterwards)).format(it=it)
        if term == "wherePossible":  # "we take reasonable steps to delete it"
            outcome = f"{hedge(term)}, {outcome}"
        result.append(sentence("after that, " + outcome))
    if rule.exceptions:
        result.append(sentence(f"we may keep {it} longer "
                               + join([condition(c, plural) for c in rule.exceptions], "or")))
    return result


def _until(rule: RetentionRule, main: str, others: list[str], names: str, keep: str,
           it: str) -> str:
    """The criteria that end the keeping: for the duration of the contract (as well),
    until you ask us or until the data is deleted in the service (whichever comes first:
    "or until")."""
    also = ["for the duration of your contract" for c in others if c == "contractDuration"]
    until = []
    for criterion in others:
        if criterion == "untilRequest":
            until.append(f"until you ask us to delete {it}")
        elif criterion == "untilDeletedByUser":
            deleter = _deleter(rule)
            until.append(f"until {deleter} {'delete' if deleter == 'you' else 'deletes'} "
                         f"{it}")
    if also:
        main = (main + " and " if main else f"we {keep} {names} ") + join(also)
    if until:
        main = (main + " or " if main else f"we {keep} {names} ") + join(until, "or")
    return main


def _depends_on(rule: RetentionRule, names: str, after_main: bool) -> list[str]:
    """What the period depends on, as sentences of their own; they name the data when no
    sentence before did."""
    subject = "how long" if after_main else f"how long we keep {names}"
    result = [sentence(f"{subject} {_DEPENDS_ON[c][len('how long '):]}")
              for c in rule.criteria if c in _DEPENDS_ON]
    if "riskBased" in rule.criteria:
        result.append(sentence(
            f"{subject} depends on the amount, nature and sensitivity of the data, the risk "
            "of harm from unauthorised use, the purposes and the legal requirements"))
    return result
