"""From a policy text to an evidence-anchored policy document (``pypolicy annotate``).

    annotation   reading an annotation file and verifying its source text (sha256)
    evidence     the source text: quotes located after whitespace normalisation,
                 sections, sentences, coverage
    mismatch     why a quote is not in the source: closest passage, first difference
    build        evidence located, the document assembled and checked against the schema
    outline      a first reading of a text: headings, boilerplate, sentences to cover
    htmltext     the text of an HTML page, extracted with lxml's hardened parser
    skeleton     ``annotate init``: the annotation skeleton

Imports only ``pypolicy.core`` and ``pypolicy.format``; the structure rules, which live
in ``pypolicy.validation``, are applied by the command in ``pypolicy.cli.annotate``.
"""
