"""The validator's rules, one class per rule, registered by code in ``RULES``.

Layer 1 (``structure``): schema and references. Layer 2 (``contradictions``): a
positive statement within a negative promise. Layer 3 (``consistency``): specific
inconsistencies. Layer 4 (``completeness``): disclosures a regime requires.
"""

from pypolicy.validation.rules import completeness, consistency, contradictions, structure
from pypolicy.validation.rules._base import BASE_EXAMPLE, RULES, Rule, RuleContext, register

__all__ = ["BASE_EXAMPLE", "RULES", "Rule", "RuleContext", "completeness", "consistency",
           "contradictions", "register", "structure"]
