"""The law that applies to a document, and why.

Each regime carries its jurisdiction condition, judged from what the document says: where
the provider is established (``provider.country``), where its service is offered or its
users are (``markets``, since format 1.1), what it claims (``regimes`` with a stance), and
what service it runs (``service``). The GDPR applies to an establishment in the EEA, to a
provider that claims it, and to one that offers services to people in the EEA (Art. 3(2)),
which the document shows by its markets or by naming its representative there (Art. 27
asks one of such a provider alone); the UK GDPR likewise to the United Kingdom; the
ePrivacy Directive to public electronic communications offered in the EEA, from an
establishment there or to users there (and PECR to the United Kingdom); the CPNI rules and
the E911 rules to interconnected VoIP in the United States, the FTC Act to a business
there or one that serves users there; CalOPPA to the website of a provider established in
the United States or serving users there, assumed to reach Californians; the CCPA when
claimed, and assumed for a service offered in the United States (California among it),
since its thresholds cannot be read from a policy; the DPDP Act to a provider established
in India or offering services to people there (s. 3(b)). A market of the document counts
where its places meet the regime's territory: a country, a region (EEA, EU) or
"worldwide"; "unknownPlace" counts nowhere. A regime the document disclaims is not applied
unless its establishment or markets make it apply anyway (an assumption yields to it). A
profile forced on the command line applies its first regime, "forced". Rules cite only the
law of applied regimes; every report states each regime's decision and grounds
(``FileResult.regimes``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from pypolicy.core.findings import RegimeDecision
from pypolicy.format.geography import UNKNOWN_PLACE, WORLDWIDE, countries_in, place_label
from pypolicy.format.model import Policy

ACTIVE_STANCES = ("claimed", "applies")

# Services that carry calls to and from the public telephone network (interconnected
# VoIP, 47 CFR 9.3), unless the document says the network is private.
INTERCONNECTED_SERVICES = frozenset({"consumerVoip", "hostedPbx", "carrierServices",
                                     "softphone"})
# Publicly available electronic communications services (ePrivacy Directive Art. 3).
PUBLIC_SERVICES = INTERCONNECTED_SERVICES | {"messaging", "wholesaleTermination"}
PUBLIC_OFFERED = "public electronic communications service offered"


@dataclass(frozen=True)
class Regime:
    """A body of law the validator can apply, with the condition under which it does."""

    key: str
    label: str
    profile: str | None  # the completeness profile it switches on (None: citations only)
    jurisdiction: str  # the condition, in words, for the rule reference
    claims: tuple[str, ...]  # the vocabulary's regime terms whose claim counts


REGIMES: tuple[Regime, ...] = (
    Regime("gdpr", "GDPR", "gdpr", "established in the EEA, or offering services to or"
           " monitoring people there (GDPR Art. 3), which the policy shows by its markets"
           " or by naming its representative there (Art. 27); taken as applying when the"
           " policy claims it", ("gdpr",)),
    Regime("ukGdpr", "UK GDPR", "gdpr", "established in the United Kingdom, or offering"
           " services to or monitoring people there (UK GDPR Art. 3), which the policy shows"
           " by its markets or by naming its representative there (Art. 27)", ("ukGdpr",)),
    Regime("eprivacy", "ePrivacy Directive", "eprivacy", "a public electronic"
           " communications service, or cookies, in the EEA (Directive 2002/58/EC Art. 3"
           " and 5(3)): a provider established there, or one whose markets include it",
           ("eprivacy",)),
    Regime("pecr", "PECR", "eprivacy", "a public electronic communications service, or"
           " cookies, in the United Kingdom (Privacy and Electronic Communications"
           " Regulations 2003): a provider established there, or one whose markets include"
           " it", ("ukPecr",)),
    Regime("usCpni", "US CPNI rules", "cpni", "a telecommunications carrier or"
           " interconnected VoIP provider serving users in the United States (47 U.S.C."
           " 222; 47 CFR 64.2003): established there, or its markets include it",
           ("usCpni",)),
    Regime("e911", "US E911 rules", "emergency", "interconnected VoIP serving users in the"
           " United States (47 CFR 9.11; Kari's Law and RAY BAUM'S Act, 47 CFR 9.16):"
           " established there, or its markets include it", ()),
    Regime("ftc", "FTC Act s. 5", None, "a business in the United States, or one whose"
           " markets include it (15 U.S.C. 45(a): deceptive practices, which a policy"
           " contradicting itself is; 45(a)(4) reaches foreign commerce with US consumers)",
           ()),
    Regime("ccpa", "CCPA/CPRA", "ccpa", "a business that does business in California above"
           " the thresholds of Cal. Civ. Code 1798.140(d), which a policy cannot show;"
           " applied when claimed, and assumed when the policy's markets include the United"
           " States", ("ccpa",)),
    Regime("calOppa", "CalOPPA", "caloppa", "an operator of a website collecting personal"
           " information from California residents (Cal. Bus. & Prof. Code 22575); assumed"
           " for the website of a provider established in the United States or whose"
           " markets include it", ("calOppa",)),
    Regime("dpdp", "DPDP Act 2023 and IT Rules 2011", "dpdp", "digital personal data"
           " processed in India, or outside India to offer goods or services to people in"
           " India (DPDP Act 2023 s. 3), which the policy shows by its markets; and the IT"
           " Act's rules on sensitive personal data until it is in force",
           ("indiaDpdp", "indiaItRules")),
)
BY_KEY: Mapping[str, Regime] = {r.key: r for r in REGIMES}

# The completeness profiles, in the order the rule reference lists them.
PROFILES = ("general", "gdpr", "eprivacy", "cpni", "emergency", "ccpa", "caloppa", "dpdp")
# "general" is not a regime's: it applies to every document.
ALWAYS = "general"


def _claims(policy: Policy, regime: Regime) -> set[str]:
    return {c.stance for c in policy.regimes if c.regime in regime.claims}


def _claimed(stances: set[str]) -> str | None:
    if "claimed" in stances:
        return "claimed by the policy"
    if "applies" in stances:
        return "the document says it applies"
    return None


def _service(policy: Policy, kinds: frozenset[str]) -> bool:
    service = policy.service
    return service is not None and service.public_network is not False and \
        bool(kinds & set(service.service_kinds))


def _website(policy: Policy) -> bool:
    service = policy.service
    return policy.tracking is not None or (
        service is not None and "websiteService" in service.service_kinds)


def _markets_in(policy: Policy, home: frozenset[str]) -> tuple[str, ...]:
    """The places of the document's markets that lie (at least partly) in ``home``: a
    country of it, a region that meets it, or "worldwide"; an unknown place is nowhere."""
    return tuple(place for place in policy.market_places()
                 if place != UNKNOWN_PLACE and countries_in(place) & home)


def _served(policy: Policy, home: frozenset[str], where: str) -> tuple[str, str] | None:
    """Where the document's markets meet ``home`` (named ``where``), in the words of a
    ground and with the markets it rests on: ("to users in Ireland", "markets: IE"), or
    ("worldwide, the EEA included", "markets: worldwide"); None when they do not meet."""
    places = _markets_in(policy, home)
    if not places:
        return None
    named = [place_label(p) for p in places if p != WORLDWIDE]
    if named:
        users = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
        text = f"to users in {users}"
    else:
        text = f"worldwide, {where} included"
    return text, f"markets: {', '.join(places)}"


def _offers(served: tuple[str, str] | None, what: str = "offers services", *,
            among: str = "", law: str = "") -> list[str]:
    """The ground a market gives, as a list of one ("offers services to users in Ireland
    (markets: IE)"), or none when the markets do not meet the territory. ``among`` follows
    the places ("California among them"), ``law`` the markets note ("DPDP Act s. 3(b)")."""
    if served is None:
        return []
    text, note = served
    return [f"{what} {text}{', ' + among if among else ''}"
            f" ({note}{'; ' + law if law else ''})"]


def _targeting(policy: Policy, home: frozenset[str], other: frozenset[str], where: str,
               role: str, law: str) -> str | None:
    """Why the document shows a provider established outside ``home`` offering services
    to people there (GDPR and UK GDPR Art. 3(2)), in words; None when it does not.
    ``other`` is the home of the other regime (the United Kingdom for the EEA, and the
    other way round), ``role`` the officer role of a representative in ``home``, ``law``
    the regime's name."""
    country = policy.provider.country
    if country is not None and country in home:
        return None  # established there: the establishment decides
    because = f"offers services to users in {where}: it names its representative there," \
        f" which {law} Art. 27 asks only of a provider that does"
    if any(o.appointed and o.officer_role == role for o in policy.officers):
        return because
    # the representative field holds the EU or the UK one: for a provider established in
    # the one, it can only be its representative in the other
    if policy.representative is not None and country is not None and country in other:
        return because
    return None


def decide(policy: Policy, forced: Iterable[str] = ()) -> tuple[RegimeDecision, ...]:
    """Every regime, applied or not, with its grounds."""
    country = policy.provider.country
    where = place_label(country) if country else None
    in_eea = country is not None and country in countries_in("EEA")
    decisions: list[RegimeDecision] = []

    def add(key: str, grounds: list[str], otherwise: str, *, assumed: bool = False) -> None:
        regime = BY_KEY[key]
        stances = _claims(policy, regime)
        claim = _claimed(stances)
        # a claim replaces an assumption: the regime applies on the document's word; and
        # an assumption yields to the document's word that the regime does not apply
        disclaimed = "disclaimed" in stances
        reasons = [claim] if claim and assumed else [] if assumed and disclaimed else \
            [g for g in (*grounds, claim) if g]
        if reasons:
            decisions.append(RegimeDecision(key, regime.label, True, "; ".join(reasons),
                                            assumed and not claim, regime.profile))
        elif disclaimed:
            decisions.append(RegimeDecision(key, regime.label, False,
                                            "disclaimed by the policy",
                                            profile=regime.profile))
        else:
            decisions.append(RegimeDecision(key, regime.label, False, otherwise,
                                            profile=regime.profile))

    nowhere = "the provider's country is not stated" if country is None else \
        f"the provider is established in {where}"
    eea, uk, us = countries_in("EEA"), frozenset({"GB"}), frozenset({"US"})
    # the grounds of targeting: the markets first (what the text says), then the sign a
    # named representative gives; an establishment there decides alone
    eea_rep = _targeting(policy, eea, uk, "the EEA", "euRepresentative", "GDPR")
    eea_users = _offers(_served(policy, eea, "the EEA")) + ([eea_rep] if eea_rep else [])
    add("gdpr", [f"provider established in {where}, in the EEA"] if in_eea else eea_users,
        f"{nowhere}, and the policy neither claims the GDPR nor says it offers services to"
        f" people in the EEA ({_no_market(policy)}, names no representative"
        " there)")
    uk_rep = _targeting(policy, uk, eea, "the United Kingdom", "ukRepresentative",
                        "UK GDPR")
    uk_users = _offers(_served(policy, uk, "the United Kingdom")) + ([uk_rep] if uk_rep
                                                                      else [])
    add("ukGdpr", [f"provider established in {where}"] if country == "GB" else uk_users,
        f"{nowhere}, and the policy neither claims the UK GDPR nor says it offers services to"
        f" people in the United Kingdom ({_no_market(policy)})")
    public = _service(policy, PUBLIC_SERVICES)
    eprivacy_claimed = bool(_claims(policy, BY_KEY["eprivacy"]) & set(ACTIVE_STANCES))
    eea_grounds = [f"public electronic communications service, provider established in"
                   f" {where}"] if in_eea and public else \
        _offers(_served(policy, eea, "the EEA"), PUBLIC_OFFERED) if public else []
    if country == "GB" and eprivacy_claimed and not eea_grounds:
        # the document's ePrivacy claim, for a UK provider, is PECR (the UK's implementation)
        decisions.append(RegimeDecision("eprivacy", BY_KEY["eprivacy"].label, False,
                                        "the provider is in the United Kingdom, where PECR"
                                        " implements it", profile="eprivacy"))
    else:
        add("eprivacy", eea_grounds, f"{nowhere}, and no public electronic communications"
            " service or claim in the EEA is stated")
    pecr_grounds = []
    if country == "GB" and (public or eprivacy_claimed):
        pecr_grounds.append(f"{'public electronic communications service, ' if public else ''}"
                            "provider established in the United Kingdom"
                            + ("; the document says the ePrivacy rules apply"
                               if eprivacy_claimed else ""))
    elif public:
        pecr_grounds = _offers(_served(policy, uk, "the United Kingdom"), PUBLIC_OFFERED)
    add("pecr", pecr_grounds, f"{nowhere}, and no UK public electronic communications"
        " service is stated")
    us_market = _served(policy, us, "the United States")  # California is in every US market
    _decide_us(policy, add, country, us_market, nowhere)
    add("dpdp", [f"provider established in {where}"] if country == "IN" else
        _offers(_served(policy, frozenset({"IN"}), "India"), law="DPDP Act s. 3(b)"),
        f"{nowhere}, and the policy does not say it serves people in India"
        f" ({_no_market(policy)})")
    return _force(decisions, forced)


def _no_market(policy: Policy) -> str:
    """Why the markets give no ground, in words: none stated, or all of them elsewhere."""
    places = [p for p in policy.market_places() if p != UNKNOWN_PLACE]
    if not places:
        return "states no market"
    return f"its markets, {', '.join(places)}, lie elsewhere"


Add = Callable[..., None]


def _decide_us(policy: Policy, add: Add, country: str | None,
               us_market: tuple[str, str] | None, nowhere: str) -> None:
    """The regimes of the United States: the CPNI and E911 rules for interconnected VoIP
    serving users there, the FTC Act for a business there or serving users there, the
    CCPA (claimed, or assumed from the markets) and CalOPPA (assumed for a website)."""
    where = place_label(country) if country else None
    voip = _service(policy, INTERCONNECTED_SERVICES)
    us_voip = [f"interconnected VoIP provider established in {where}"] \
        if country == "US" and voip else \
        _offers(us_market, "interconnected VoIP service offered") if voip else []
    add("usCpni", us_voip, f"{nowhere}, and no US interconnected VoIP service is stated")
    add("e911", us_voip, f"{nowhere}, and no US interconnected VoIP service is stated")
    add("ftc", [f"provider established in {where}"] if country == "US" else
        _offers(us_market), nowhere)
    add("ccpa", [f"assumed: {ground}; the CCPA's thresholds (Cal. Civ. Code 1798.140(d))"
                 " cannot be judged from the policy"
                 for ground in _offers(us_market, among="California among them")],
        "not claimed, and the CCPA's thresholds (Cal. Civ. Code 1798.140(d)) cannot be"
        f" judged from the policy ({_no_market(policy)})",
        assumed=True)
    website = _website(policy)
    add("calOppa", ["assumed: the website of a provider established in the United States is"
                    " open to California residents"] if country == "US" and website else
        [f"assumed: the website of a service {ground} is open to California residents"
         for ground in _offers(us_market, "offered")] if website else [],
        f"{nowhere}, and no US website is stated", assumed=True)


def _force(decisions: list[RegimeDecision], forced: Iterable[str]) -> tuple[RegimeDecision, ...]:
    """A forced profile applies its first regime unless one of its regimes applies."""
    result = list(decisions)
    for profile in forced:
        if any(d.applied and d.profile == profile for d in result):
            continue
        for index, decision in enumerate(result):
            if decision.profile == profile:
                result[index] = RegimeDecision(decision.regime, decision.label, True,
                                               f"forced with --profile {profile}",
                                               profile=profile)
                break
    return tuple(result)


def profiles_of(decisions: Iterable[RegimeDecision],
                forced: Iterable[str] = ()) -> frozenset[str]:
    """The completeness profiles the applied regimes switch on, the forced ones, and the
    general profile, which applies to every document."""
    return frozenset({ALWAYS, *forced, *(d.profile for d in decisions
                                         if d.applied and d.profile)})


def applied(decisions: Iterable[RegimeDecision]) -> tuple[str, ...]:
    """The keys of the applied regimes, in the order of ``REGIMES``."""
    keys = {d.regime for d in decisions if d.applied}
    return tuple(r.key for r in REGIMES if r.key in keys)
