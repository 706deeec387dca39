"""A diff as a report: Markdown for people, JSON for programs."""

from __future__ import annotations

import json
from collections.abc import Iterable

from pypolicy.format.model import Policy
from pypolicy.rendering.diff.kinds import CHANGE_KINDS, DEFAULT_NOTIFY, TOPICS, PolicyDiff
from pypolicy.rendering.escaping import clean, escape
from pypolicy.rendering.phrases.basics import capitalise, partial_date


def _describe(policy: Policy, path: str | None) -> str:
    text = f"\u201c{policy.id}\u201d"
    if policy.last_updated:
        text += f", last updated {partial_date(policy.last_updated)}"
    if path:
        text += f" ({path})"
    return text


def diff_markdown(result: PolicyDiff, notify_on: Iterable[str] = DEFAULT_NOTIFY,
                  old_path: str | None = None, new_path: str | None = None) -> str:
    notify = set(notify_on)
    lines = [f"# What changed in the privacy policy of {escape(result.new.provider.name)}", "",
             escape(f"From {_describe(result.old, old_path)} to "
                    f"{_describe(result.new, new_path)}."), ""]
    notifying = result.notifying(notify)
    if not result.changes:
        lines += ["The two versions say the same things: no changes.", ""]
        return "\n".join(lines)
    if notifying:
        kinds = [k for k in CHANGE_KINDS if any(c.kind == k for c in notifying)]
        lines += [f"**Users need to be told:** yes, {len(notifying)} change"
                  f"{'s' if len(notifying) != 1 else ''} need notifying ("
                  + escape(", ".join(CHANGE_KINDS[k][1] for k in kinds)) + ").", ""]
    else:
        lines += ["**Users need to be told:** no change of a kind that needs notifying.", ""]
    for topic, title in TOPICS.items():
        in_topic = [c for c in result.changes if c.topic == topic]
        if not in_topic:
            continue
        lines += [f"## {escape(title)}", ""]
        for change in in_topic:
            verb = change.kind.rsplit("-", 1)[-1] if change.kind.count("-") else change.kind
            line = f"- **{escape(capitalise(verb))}:** {escape(change.summary)}"
            if change.old and change.new:
                line += f". Was: {escape(change.old)} Now: {escape(change.new)}"
            elif change.old and change.old != change.summary and change.topic not in (
                    "data", "purposes", "recipients", "transfers", "markets"):
                line += f". Was: {escape(change.old)}"
            elif change.new and change.new != change.summary and change.topic not in (
                    "data", "purposes", "recipients", "transfers", "markets"):
                line += f". Now: {escape(change.new)}"
            if change.kind in notify:
                line += " *(needs notifying users)*"
            lines.append(line)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def diff_json(result: PolicyDiff, notify_on: Iterable[str] = DEFAULT_NOTIFY,
              old_path: str | None = None, new_path: str | None = None) -> str:
    notify = set(notify_on)

    def side(policy: Policy, path: str | None) -> dict[str, object]:
        return {"id": policy.id, "lastUpdated": policy.last_updated, "file": path}

    document = {
        "old": side(result.old, old_path),
        "new": side(result.new, new_path),
        "needsNotifying": bool(result.notifying(notify)),
        "notifyOn": sorted(notify),
        "changes": [{"kind": c.kind, "topic": c.topic, "summary": clean(c.summary),
                     "notify": c.kind in notify, "old": c.old, "new": c.new,
                     "oldPointer": c.old_pointer, "newPointer": c.new_pointer}
                    for c in result.changes],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
