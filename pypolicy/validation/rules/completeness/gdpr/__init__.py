"""The GDPR profile (GDPR and UK GDPR, Art. 13, 14 and 27), one module per group of
disclosures: the controller, the grounds of processing, recipients and transfers,
retention, and people's rights."""

from pypolicy.validation.rules.completeness.gdpr import (
    controller,
    grounds,
    recipients,
    retention,
    rights,
)

__all__ = ["controller", "grounds", "recipients", "retention", "rights"]
