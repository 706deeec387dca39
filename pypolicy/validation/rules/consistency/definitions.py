"""Definitions that mislead, in the manner of PoliGraph (Cui et al., USENIX Security
2023): data presented as anonymous, or as not used to identify anyone, although the law
that applies treats it as personal data."""

from __future__ import annotations

from collections.abc import Iterator

from pypolicy.core.findings import Finding, Severity
from pypolicy.format.model import DataEntry, Policy, Statement
from pypolicy.format.vocabulary import Vocabulary
from pypolicy.validation.rules._base import (
    Rule,
    RuleContext,
    citing,
    gdpr_family,
    join,
    register,
)

# Data that identifies a device or a connection, and so a person, whatever the provider
# means to do with it (GDPR recital 30; CJEU C-582/14 Breyer).
IDENTIFIERS = ("ipAddress", "deviceIdentifier")


def identifying_entries(policy: Policy, vocab: Vocabulary,
                        data_ids: tuple[str, ...]) -> list[DataEntry]:
    entries = [policy.data_entry(d) for d in data_ids]
    return [e for e in entries if e is not None and
            any(vocab.is_within(c, i) for c in e.categories for i in IDENTIFIERS)]


@register
class MisleadingDefinition(Rule):
    """IP addresses, device identifiers and push tokens identify a device, and so a
    person, whether or not the provider sets out to identify anyone: they are personal
    data under GDPR and UK GDPR Art. 4(1) and recital 30 (CJEU C-582/14 Breyer), personal
    information under Cal. Civ. Code 1798.140(v)(1)(A), and personal data under DPDP Act
    2023 s. 2(t). A policy that files them as anonymous data, or answers for them only
    that they are "not used to identify individuals", leaves readers to think the duties
    that come with personal data do not apply. Runs only where such a law applies.

    Not a notice duty: the text misleads about what it collects. A warning, since "not
    used to identify" can be an honest restriction on use; an entry that calls identifiers
    anonymous is the stronger case."""

    code = "VP211"
    name = "misleading-definition"
    summary = "Identifiers are presented as anonymous, or as not identifying anyone."
    severity = Severity.WARNING
    kind = "unclear"
    groups = ("consistency", "definitions")
    layer = 3
    references = ("PoliGraph: Cui et al., USENIX Security 2023",)
    needs_regime = True
    citations = citing({
        **gdpr_family("Art. 4(1) and recital 30"),
        "ccpa": "Cal. Civ. Code 1798.140(v)(1)(A) (identifiers such as IP addresses)",
        "dpdp": "DPDP Act 2023 s. 2(t)"})
    fail_example = """\
regimes: [{id: rg-gdpr, regime: gdpr, stance: claimed}]
dataCategories:
  - {id: d-ip, name: IP addresses, categories: [ipAddress]}
statements:
  - {id: s-collect, modality: does, actions: [collect], data: [d-ip], purposes: [security]}
  - {id: s-not-identify, modality: doesNot, actions: [use], data: [d-ip],
     purposes: [identifyingIndividuals]}
"""
    pass_example = """\
regimes: [{id: rg-gdpr, regime: gdpr, stance: claimed}]
dataCategories:
  - {id: d-metrics, name: call quality metrics, categories: [callQualityMetrics]}
statements:
  - {id: s-collect, modality: does, actions: [collect], data: [d-metrics],
     purposes: [networkManagement]}
  - {id: s-not-identify, modality: doesNot, actions: [use], data: [d-metrics],
     purposes: [identifyingIndividuals]}
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        policy, vocab = ctx.policy, ctx.vocabulary
        assert policy is not None
        for entry in policy.data_categories:
            if "anonymousData" in entry.categories and \
                    identifying_entries(policy, vocab, (entry.id,)):
                yield self.finding(
                    f"the entry {entry.name} ({entry.id}) is filed as anonymous data, but it holds"
                    " identifiers, which are personal data", [entry],
                    hint="if the text calls this data anonymous or non-personal, the finding"
                         " stands; otherwise drop anonymousData from its categories")
        for statement in policy.statements:
            if self._not_identifying(statement, vocab):
                entries = identifying_entries(policy, vocab, statement.data)
                if entries:
                    yield self.finding(
                        f"{statement.id} says {join(e.name for e in entries)}"
                        f" {'is' if len(entries) == 1 else 'are'} not used to identify"
                        " anyone, but identifiers are personal data whether used to identify"
                        " anyone or not", [statement, *entries],
                        hint="say that the data is personal data and how it is protected,"
                             " beside the restriction on its use")

    @staticmethod
    def _not_identifying(statement: Statement, vocab: Vocabulary) -> bool:
        return statement.negative and bool(statement.purposes) and \
            vocab.all_within(statement.purposes, ["identifyingIndividuals"])
