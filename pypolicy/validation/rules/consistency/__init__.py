"""Layer 3: specific inconsistencies a careful reviewer looks for, beyond the generic
contradiction check, one module per subject: storage promises against retention and
competing retention periods (``retention``), end-to-end encryption and security claims
(``security``), children (``children``), consent promises and consent inferred from use
(``consent``), recipients' own purposes (``recipients``), and definitions that mislead
(``definitions``)."""

from pypolicy.validation.rules.consistency import (
    children,
    consent,
    definitions,
    recipients,
    retention,
    security,
)

__all__ = ["children", "consent", "definitions", "recipients", "retention", "security"]
