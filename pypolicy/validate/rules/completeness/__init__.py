"""Layer 4: completeness, the disclosures a legal regime requires a policy to make.

Each rule belongs to a profile: ``gdpr`` (GDPR Art. 13, 14 and 27, for policies under
the GDPR or the UK GDPR), ``eprivacy`` (Directive 2002/58/EC), ``cpni`` (47 CFR
64.2001-2011) and ``emergency`` (caller location for interconnected VoIP). A profile
applies when the document declares the regime (stance ``claimed`` or ``applies``), when
the service is interconnected VoIP (``emergency``), or when forced with ``--profile``.

In the format an absent property means "not stated", which is exactly what these rules
look for. Each missing disclosure is its own finding, so that a reviewed one can be
suppressed without hiding the others; a finding points at the entry that needs the
disclosure, or else at the regime claim that makes the profile apply (the document root
when the profile was forced).

One module per profile (``gdpr`` is a package, one module per group of GDPR
disclosures); what they share is in ``_shared``. A new profile is a new module here,
imported below, with its name in ``PROFILES`` (``rules/_base.py``).
"""

from pypolicy.validate.rules.completeness import cpni, emergency, eprivacy, gdpr
from pypolicy.validate.rules.completeness._shared import PROFILE_REGIMES, CompletenessRule
from pypolicy.validate.rules.completeness.gdpr.rights import RIGHTS_ARTICLES

__all__ = ["PROFILE_REGIMES", "RIGHTS_ARTICLES", "CompletenessRule", "cpni", "emergency",
           "eprivacy", "gdpr"]
