"""English phrasing of policy entries: the words the page, the diff and the comparison use.

``basics`` joins lists and names terms, places, dates and durations; ``terms`` phrases
purposes, legal bases, conditions and hedges; ``statements``, ``retention`` and
``protections`` (rights and security) turn entries into sentences, and ``duties`` the
duties a policy places on others into duties of theirs. Terms are named by their vocabulary
labels, with a few phrasings where a label reads badly inside a sentence.
"""
