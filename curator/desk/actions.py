"""The editors' actions: read the item, let `states.decide`, store the change.

Every change names the version it read: the item version given by the caller
(`expected_version`, e.g. from the card the editor is looking at) or, if none,
the version read here. A stale change raises StaleItem and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from curator.config import Config
from curator.desk import states, wording
from curator.desk.states import Action
from curator.errors import ReviewError, StaleItem
from curator.models import Draft, Item
from curator.store import Store
from curator.store.queue import QueueFilter


@dataclass(frozen=True)
class SavedDraft:
    draft: Draft
    item: Item
    language: wording.LanguageReport


def read_item(store: Store, item_id: int, expected_version: int | None = None) -> Item:
    """The item, refused as stale if it no longer has `expected_version`."""
    item = store.items.get(item_id)
    if expected_version is not None and item.version != expected_version:
        at = f"{item.changed_at:%H:%M}" if item.changed_at else "?"
        raise StaleItem(item_id, item.changed_by or "the pipeline", at)
    return item


def act(
    store: Store,
    config: Config,
    item_id: int,
    action: Action,
    editor: str,
    now: datetime,
    *,
    expected_version: int | None = None,
    until: datetime | None = None,
    reason: str | None = None,
) -> Item:
    """Claim, release, snooze, reject, reopen or promote one item."""
    item = read_item(store, item_id, expected_version)
    change = states.decide(
        item, action, editor, now,
        claim_ttl=config.review.claim_ttl, until=until, reason=reason,
    )  # fmt: skip
    return store.items.apply(change)


def claim_next(
    store: Store, config: Config, wanted: QueueFilter, editor: str, now: datetime,
    passed: set[int],
) -> Item | None:  # fmt: skip
    """The best item in `wanted` that `editor` has not passed and can claim, claimed;
    one that someone else claims first is added to `passed`."""
    for item in store.queue.queue(wanted, now):
        if item.id in passed or states.holder(item, now) not in (None, editor):
            continue
        try:
            return act(store, config, item.id, Action.CLAIM, editor, now,
                       expected_version=item.version)  # fmt: skip
        except ReviewError:
            passed.add(item.id)
    return None


def release_if_held(store: Store, config: Config, item_id: int, editor: str, now: datetime) -> None:
    """Give the item back if `editor` still holds it (moving on to the next card)."""
    item = store.items.get(item_id)
    if states.holder(item, now) == editor:
        act(store, config, item_id, Action.RELEASE, editor, now)


def wake_due(store: Store, now: datetime) -> int:
    """Snoozed items whose time has passed go back to `new` (recorded in history,
    by "curator"); returns how many woke."""
    due = store.queue.due_snoozed(now)
    if not due:
        return 0
    return store.items.apply_all([states.decide(i, Action.WAKE, "curator", now) for i in due])


def save_draft(
    store: Store,
    config: Config,
    item_id: int,
    editor: str,
    now: datetime,
    *,
    title: str,
    tags: tuple[str, ...],
    body: str,
    expected_version: int | None = None,
    image_alt: str = "",
) -> SavedDraft:
    """Keep the editor's text as the item's next draft version; the item becomes
    `drafted` and stays claimed by the editor."""
    item = read_item(store, item_id, expected_version)
    change = states.decide(item, Action.SAVE_DRAFT, editor, now, claim_ttl=config.review.claim_ttl)
    draft = store.drafts.save(change, title.strip() or item.title, tags, body, image_alt.strip())
    report = check_language(config, f"{draft.title}\n{body}")
    return SavedDraft(draft, store.items.get(item_id), report)


def check_language(config: Config, text: str) -> wording.LanguageReport:
    return wording.check(text, config.language_terms, config.review.crisis_line)
