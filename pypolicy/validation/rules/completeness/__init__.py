"""Layer 4: completeness, the disclosures a legal regime requires a policy to make.

Each rule belongs to a profile: ``general`` (every document: who the provider is and how
to reach it), ``gdpr`` (GDPR and UK GDPR Art. 13, 14 and 27), ``eprivacy`` (Directive
2002/58/EC, and PECR in the UK), ``cpni`` (47 CFR 64.2001-2011), ``emergency`` (the US
E911 rules for interconnected VoIP), ``ccpa`` and ``caloppa`` (California) and ``dpdp``
(India). A profile applies when a regime of it applies to the document, which
``rules._regimes`` decides from the provider's establishment, the policy's claims and its
service, or when forced with ``--profile``. Findings cite only the law of the regimes
that apply, and a duty that applies only by assumption is at most a warning.

In the format an absent property means "not stated", which is exactly what these rules
look for. A problem is one finding, however many places it involves (the rights missing
are one finding; a suppression can still accept one of them); a finding points at the
entry that needs the disclosure, or else at the regime claim that makes the profile
apply, else the provider whose establishment does (the document root when forced).

One module per profile (``gdpr`` is a package, one module per group of GDPR
disclosures); what they share is in ``_shared``. A new profile is a new module here,
imported below, with its regime in ``REGIMES`` and its name in ``PROFILES``
(``rules/_regimes.py``).
"""

from pypolicy.validation.rules.completeness import (
    caloppa,
    ccpa,
    cpni,
    dpdp,
    emergency,
    eprivacy,
    gdpr,
    general,
)
from pypolicy.validation.rules.completeness._shared import PROFILE_REGIMES, CompletenessRule
from pypolicy.validation.rules.completeness.gdpr.rights import RIGHTS_ARTICLES

__all__ = ["PROFILE_REGIMES", "RIGHTS_ARTICLES", "CompletenessRule", "caloppa", "ccpa", "cpni",
           "dpdp", "emergency", "eprivacy", "gdpr", "general"]
