"""What the validator found, in words for the people the policy is about.

A finding arrives as data (``pypolicy.core.findings.Finding``): its rule's name, its
severity, a message written for annotators and the policy's words it rests on. The
reader's page says what each rule's finding means in plain words (``headline``, by the
rule's name, English in the message catalogue), keeps the message only where it reads
without the document's identifiers (``reader_detail``) and names the severity in words.
The renderer never imports the validator: the rule names here are plain strings, and a
rule it does not know gets a general headline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pypolicy.core.findings import Severity
from pypolicy.format.model import Policy
from pypolicy.rendering.language import N_, Prose
from pypolicy.rendering.phrases.basics import sentence

_STRUCTURE = N_("The machine-readable version of this policy has a technical fault, so "
                "what this page says may be incomplete.")

# rule name -> what its finding means for the reader
_HEADLINES: dict[str, str] = {
    "schema-violation": _STRUCTURE,
    "duplicate-id": _STRUCTURE,
    "unknown-reference": _STRUCTURE,
    "shacl-violation": _STRUCTURE,
    "inverted-retention-period": _STRUCTURE,
    "contradicting-statements": N_("The policy makes a promise, and elsewhere says it does "
                                   "what the promise rules out."),
    "possible-contradiction": N_("Depending on where the data goes, the policy may break "
                                 "one of its own promises."),
    "narrowing-definition": N_("A promise quietly makes an exception to a broader "
                               "statement."),
    "outside-closed-list": N_("The policy says a list is complete, yet describes "
                              "something outside it."),
    "not-stored-but-retained": N_("The policy says some data is not stored, yet says how "
                                  "long or where it is kept."),
    "conflicting-retention-periods": N_("The policy gives two different periods for "
                                        "keeping the same data."),
    "end-to-end-encryption-claim": N_("The policy claims end-to-end encryption, but the "
                                      "provider can decrypt or record calls."),
    "children-contradiction": N_("The policy says the service is not for children, yet "
                                 "says it handles children's data."),
    "disclosure-without-consent": N_("The policy promises not to share data without "
                                     "consent, yet describes sharing it on another "
                                     "basis."),
    "recipient-own-purposes": N_("The policy says others may not use the data for their "
                                 "own purposes, yet some of them do."),
    "processing-without-consent": N_("The policy says it needs your consent, yet relies "
                                     "on other grounds."),
    "contradictory-security-claims": N_("The policy promises your data is safe, yet says "
                                        "no security is complete."),
    "security-claim-beyond-mechanisms": N_("The policy says calls are encrypted, but "
                                           "names encryption only for setting them up."),
    "misleading-definition": N_("The policy calls data anonymous that can still identify "
                                "people."),
    "consent-inferred-from-use": N_("The policy treats simply using the service as your "
                                    "consent."),
    "controller-identity": N_("The policy does not say how to reach the provider."),
    "dpo-contact": N_("The policy names a data protection officer, but not how to contact "
                      "them."),
    "legal-basis-missing": N_("The policy does not give the legal grounds for using your "
                              "data."),
    "purpose-without-basis": N_("For some uses of your data, the policy gives no legal "
                                "grounds."),
    "legitimate-interests-unstated": N_("The policy relies on its “legitimate "
                                        "interests” without saying what they are."),
    "recipients-undisclosed": N_("The policy says data is shared, but not with whom."),
    "transfer-without-mechanism": N_("Data goes abroad, and the policy names no legal "
                                     "safeguard for it."),
    "retention-missing": N_("The policy does not say how long data is kept."),
    "retention-incomplete": N_("For some of the data it keeps, the policy does not say "
                               "how long."),
    "vague-retention": N_("The policy says only that data is kept as long as needed, "
                          "without a period."),
    "right-missing": N_("Some of your rights are not mentioned."),
    "withdraw-consent-missing": N_("The policy relies on consent, but does not say you "
                                   "can withdraw it."),
    "complaint-right-missing": N_("The policy does not mention your right to complain to a "
                                  "data protection authority."),
    "source-undisclosed": N_("The policy gets data from others without saying from "
                             "whom."),
    "automated-decisions-unstated": N_("The policy builds profiles, but does not say "
                                       "whether computers alone make decisions about "
                                       "you."),
    "representative-missing": N_("The provider is outside the EU or the UK and names no "
                                 "representative there."),
    "purpose-undisclosed": N_("Some data is collected with no reason given."),
    "traffic-data-retention": N_("The policy does not say when records of your calls and "
                                 "messages are deleted."),
    "traffic-data-marketing-without-consent": N_("Records of your calls or your location "
                                                 "are used for marketing without asking "
                                                 "you."),
    "cookie-consent": N_("Cookies that need your consent first are used without asking "
                         "for it."),
    "cpni-marketing-without-approval": N_("Your call records are used for marketing "
                                          "without your approval."),
    "cpni-breach-notification": N_("The policy does not say that breaches of your call "
                                   "records are reported to law enforcement."),
    "cpni-restriction-right-missing": N_("The policy does not say that you can restrict "
                                         "the use of your call records."),
    "emergency-location-undisclosed": N_("The policy does not say that your location is "
                                         "given to emergency services."),
    "ccpa-rights-missing": N_("Some rights California law requires the policy to describe "
                              "are missing."),
    "ccpa-sale-sharing": N_("The policy does not say clearly whether it sells or shares "
                            "your data, or how to opt out."),
    "ccpa-notice-items": N_("Some things California law requires the policy to say are "
                            "missing."),
    "ccpa-limit-sensitive": N_("Your most sensitive data is used for more than the "
                               "service needs, and the policy offers no way to limit that."),
    "caloppa-disclosures": N_("Some things California's online privacy law requires the "
                              "policy to say are missing."),
    "dpdp-notice-items": N_("Some things India's data protection law requires the notice "
                            "to say are missing."),
    "dpdp-grievance-officer": N_("The policy names no grievance officer with contact "
                                 "details."),
    "recording-notice": N_("Calls are recorded, and the policy does not say that the "
                           "other people on the call are told."),
}

# Rules whose message only restates the headline for a reader: it is left out.
_SAID_BY_HEADLINE = frozenset({
    "controller-identity", "dpo-contact", "legal-basis-missing", "retention-missing",
    "complaint-right-missing", "withdraw-consent-missing", "recording-notice",
    "legitimate-interests-unstated", "representative-missing", "dpdp-grievance-officer",
})

_GENERAL = {
    Severity.ERROR: N_("The automatic check found a problem with this policy."),
    Severity.WARNING: N_("The automatic check found a possible problem with this policy."),
    Severity.INFO: N_("The automatic check found something this policy could say "
                      "better."),
}

_SEVERITY_WORDS = {
    Severity.ERROR: N_("Serious"),
    Severity.WARNING: N_("Possible problem"),
    Severity.INFO: N_("Minor"),
}


def headline(rule_name: str, severity: Severity, prose: Prose) -> str:
    return prose.gettext(_HEADLINES.get(rule_name, _GENERAL[severity]))


def severity_word(severity: Severity, prose: Prose) -> str:
    return prose.gettext(_SEVERITY_WORDS[severity])


def known_rules() -> frozenset[str]:
    """The rule names this module has a headline for."""
    return frozenset(_HEADLINES)


# --- the message without the document's identifiers ------------------------------------------

# Legal citations a reader need not parse: "(Art. 21(1))", "(s. 5(1)(iii))", "(b)(5)".
_CITATION = re.compile(r"\s*\((?:Art\.|s\.|ss\.|reg\.|§)[^()]*(?:\([^()]*\)[^()]*)*\)"
                       r"|\s*(?:\([a-z0-9]{1,5}\)){2,}")
_INNERMOST = re.compile(r"\s*\(([^()]*)\)")


def _named_ids(policy: Policy) -> tuple[dict[str, str], set[str]]:
    """The document's identifiers: those of entries with a name (data, parties), by
    name, and the rest (statements, rules, transfers, ...)."""
    named = {d.id: d.name for d in policy.data_categories if d.name}
    named.update((p.id, p.name) for p in policy.parties if p.name)
    unnamed: set[str] = set()
    collections: Iterable[Iterable[object]] = (
        policy.statements, policy.retention, policy.storage, policy.transfers,
        policy.rights, policy.security_measures, policy.audiences, policy.regimes)
    for collection in collections:
        unnamed.update(str(getattr(item, "id", "")) for item in collection)
    unnamed.discard("")
    return named, unnamed - set(named)


def _id_pattern(ids: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted(set(ids), key=lambda i: (-len(i), i))
    if not ordered:
        return None
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(i) for i in ordered)
                      + r")(?![\w-])")


def reader_detail(rule_name: str, message: str, policy: Policy) -> str | None:
    """The message as a reader can read it: entries named by their names, parentheses
    holding only identifiers or citations dropped; None when an identifier of an entry
    without a name (a statement, a rule) would remain, since the headline and the quotes
    then say it better, or when the message only restates the headline."""
    if rule_name in _SAID_BY_HEADLINE:
        return None
    named, unnamed = _named_ids(policy)
    text = _CITATION.sub("", message)
    named_pattern = _id_pattern(named)
    if named_pattern is not None:
        text = named_pattern.sub(lambda m: named[m.group(0)], text)
        for name in sorted(set(named.values()), key=len, reverse=True):
            text = text.replace(f"{name} ({name})", name)
    unnamed_pattern = _id_pattern(unnamed)
    if unnamed_pattern is not None:
        pattern = unnamed_pattern
        text = _INNERMOST.sub(lambda m: "" if pattern.search(m.group(1)) else m.group(0),
                              text)
        if pattern.search(text):
            return None
    text = " ".join(text.split())
    if not text or not text[0].isalnum():
        return None
    return sentence(text)
