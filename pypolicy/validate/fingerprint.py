"""A finding's fingerprint: the same for the same problem in the same document after
the document is edited, reordered or reformatted, so that code scanning (SARIF
``partialFingerprints``) and GitLab code quality recognise an alert they already know
instead of opening a new one on every push.

A fingerprint is made from the rule's code, the finding's pointers and its message,
with every array index in them replaced by what stays put: the ``id`` of the entry at
that index (``/statements/3`` becomes ``/statements/@s-billing``) or, in a list of
terms, the term itself (``/statements/3/purposes/1`` becomes
``/statements/@s-billing/purposes/=marketing``). Line numbers never enter it. Two
findings of one rule at the same entries differ by their messages (each missing right
of VP310 is its own finding at the same regime claim), so the message counts too; a
new wording of a rule's message therefore gives new fingerprints once.
"""

from __future__ import annotations

import hashlib
import re
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


def fingerprint(finding: Finding, data: Any) -> str:
    """32 hexadecimal digits that identify the finding across edits of the document."""
    pointers = {*finding.pointers, *(q.pointer for q in finding.quotes)}
    message = finding.message
    # pointers the message names, longest first so that /a/1 does not eat into /a/10
    for pointer in sorted((p for p in pointers if p), key=len, reverse=True):
        replacement = stable_pointer(data, pointer).replace("\\", "\\\\")
        message = re.sub(re.escape(pointer) + r"(?![\w.~-])", replacement, message)
    parts = [VERSION, finding.code, *(stable_pointer(data, p) for p in finding.pointers),
             message]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]
