"""``pypolicy annotate draft``: proposals for an annotation, each resting on a quote.

    segment     sentences: the coverage splitter's lines, sentencex within a line
    lexicon     the phrasings of the vocabulary's terms (skos:altLabel), found in a text
    patterns    periods as ISO 8601 durations, e-mail, telephone, postal addresses, places
    text        the text read for drafting: sentences and what each mentions
    modality    modality and its scope, conditions and exceptions
    proposals   proposals, identifiers
    statements  data entries, parties, statements of practice
    recipients  which parties a sentence names as recipients, and with what role
    scope       the kinds of service and the kinds of people the policy covers
    retention   retention rules, storage places, transfers
    rights      rights and channels, contact points, the provider and its officers
    notices     regimes, security, cookies, children, changes
    assemble    the draft document, its evidence and draft markers, format 1.0 fallbacks
    write       the annotation file

Deterministic and offline: rules, the vocabulary's lexicon and the organisations of
``organisations.yaml``; no model, no network.
"""

from pypolicy.annotation.draft.write import DraftResult, draft_annotation

__all__ = ["DraftResult", "draft_annotation"]
