"""What an editor's reject teaches: a reason that starts with "off-topic" marks the
item as not what the desk wants, and the learned model trains on it. Other rejects
(a duplicate, a paywall, a story already covered) teach nothing."""

from __future__ import annotations

from curator.store.learning import OFF_TOPIC


def off_topic_reason(reason: str | None) -> str:
    """The reason `reject --off-topic` records: "off-topic", then the editor's words."""
    words = (reason or "").strip()
    if not words or words.lower().startswith(OFF_TOPIC):
        return words or OFF_TOPIC
    return f"{OFF_TOPIC}: {words}"
