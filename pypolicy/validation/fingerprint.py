"""A finding's fingerprint: the same for the same problem in the same document after
the document is edited, reordered or reformatted, so that code scanning (SARIF
``partialFingerprints``) and GitLab code quality recognise an alert they already know
instead of opening a new one on every push.

A fingerprint is made from the rule's code and the set of the finding's pointers, with
every array index replaced by what stays put: the ``id`` of the entry at that index
(``/statements/3`` becomes ``/statements/@s-billing``) or, in a list of terms, the term
itself (``/statements/3/purposes/1`` becomes ``/statements/@s-billing/purposes/=marketing``).
Line numbers and the order of entries never enter it, nor does the message, whose
wording may follow the document's order ("tls and srtp"). Only where one rule makes two
findings at the same entries of one document does the message (with the pointers in it
made stable the same way) tell them apart.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from pypolicy.core.findings import Finding

VERSION = "v1"  # part of every fingerprint, so that a change of recipe is a clean break


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def stable_pointer(data: Any, pointer: str) -> str:
    """``pointer`` with each array index replaced by the id (``@id``) or the term
    (``=term``) at that index; tokens past what the document holds stay as they are."""
    if not pointer:
        return pointer
    tokens = pointer.split("/")[1:]
    node: Any = data
    stable: list[str] = []
    for position, token in enumerate(tokens):
        if isinstance(node, dict):
            key = _unescape(token)
            if key not in node:
                return "/".join(["", *stable, *tokens[position:]])
            stable.append(token)
            node = node[key]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            item = node[int(token)]
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                stable.append("@" + _escape(item["id"]))
            elif isinstance(item, str):
                stable.append("=" + _escape(item))
            else:
                stable.append(token)
            node = item
        else:
            return "/".join(["", *stable, *tokens[position:]])
    return "/".join(["", *stable])


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _where(finding: Finding, data: Any) -> str:
    """The rule and the entries a finding concerns, in no particular order."""
    return "\x1e".join([finding.code,
                        *sorted({stable_pointer(data, p) for p in finding.pointers})])


def _stable_message(finding: Finding, data: Any) -> str:
    message = finding.message
    pointers = {*finding.pointers, *(q.pointer for q in finding.quotes)}
    # pointers the message names, longest first so that /a/1 does not eat into /a/10
    for pointer in sorted((p for p in pointers if p), key=len, reverse=True):
        replacement = stable_pointer(data, pointer).replace("\\", "\\\\")
        message = re.sub(re.escape(pointer) + r"(?![\w.~-])", replacement, message)
    return message


def fingerprints(findings: Sequence[Finding], data: Any) -> list[str]:
    """32 hexadecimal digits for each finding of one document, identifying it across
    edits of the document."""
    places = [_where(f, data) for f in findings]
    shared = Counter(places)
    return [_hash(VERSION, place) if shared[place] == 1 else
            _hash(VERSION, place, _stable_message(finding, data))
            for finding, place in zip(findings, places, strict=True)]
