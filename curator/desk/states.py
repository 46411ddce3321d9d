"""The editor's item as a state machine: which action applies to which state.

    new ──claim──▶ in_review ──save draft──▶ drafted ──publish──▶ published ──retract──▶ retracted
     │  ▲              │
     │  └──release─────┘
     ├──snooze(until)──▶ snoozed ──(time)──▶ new
     └──reject(reason)─▶ rejected ──reopen──▶ new      (in_review / drafted may be rejected too)
    filtered ──promote──▶ new

`decide` only decides: it takes the item as read and `now`, and returns the
`ItemChange` the store applies against the version that was read. A claim held
by another editor blocks every action but reading until it expires.
"""

from __future__ import annotations

import enum
from dataclasses import replace
from datetime import datetime, timedelta

from curator.errors import InvalidTransition, ReviewError
from curator.models import Item, ItemChange, ItemState

S = ItemState


# The notes of changes that carry no words of their own, so that `curator history`
# can tell a saved draft from a release (both may go from drafted to drafted).
RELEASED = "released"
DRAFT_SAVED = "draft saved"


class Action(enum.StrEnum):
    CLAIM = "claim"
    RELEASE = "release"
    SAVE_DRAFT = "save_draft"
    PUBLISH = "publish"
    RETRACT = "retract"
    SNOOZE = "snooze"
    REJECT = "reject"
    REOPEN = "reopen"
    PROMOTE = "promote"
    WAKE = "wake"


# action -> the (effective) states it applies to
ALLOWED: dict[Action, frozenset[ItemState]] = {
    Action.CLAIM: frozenset({S.NEW, S.IN_REVIEW, S.DRAFTED}),
    Action.RELEASE: frozenset({S.IN_REVIEW, S.DRAFTED}),
    Action.SAVE_DRAFT: frozenset({S.NEW, S.IN_REVIEW, S.DRAFTED}),
    Action.PUBLISH: frozenset({S.DRAFTED}),
    Action.RETRACT: frozenset({S.PUBLISHED}),
    Action.SNOOZE: frozenset({S.NEW, S.IN_REVIEW}),
    Action.REJECT: frozenset({S.NEW, S.IN_REVIEW, S.DRAFTED, S.SNOOZED, S.FILTERED}),
    Action.REOPEN: frozenset({S.REJECTED, S.SNOOZED}),
    Action.PROMOTE: frozenset({S.FILTERED}),
    Action.WAKE: frozenset({S.NEW, S.SNOOZED}),  # a due snooze reads as new
}
_HINTS: dict[Action, str] = {
    Action.PUBLISH: "only a drafted item can be published; run `curator annotate {id}` first",
    Action.SAVE_DRAFT: "only a new, in-review or drafted item can be annotated",
    Action.RETRACT: "only a published item can be retracted",
    Action.REOPEN: "only a rejected or snoozed item can be reopened",
    Action.PROMOTE: "only a filtered item can be promoted",
}
_VERBS = {Action.SAVE_DRAFT: "annotate"}
# Actions that need the claim (or no claim by anyone else).
_NEEDS_CLAIM = frozenset(
    {Action.CLAIM, Action.RELEASE, Action.SAVE_DRAFT, Action.PUBLISH, Action.SNOOZE, Action.REJECT}
)


def effective_state(item: Item, now: datetime) -> ItemState:
    """The state an editor sees: a snooze whose time has passed is new again."""
    if item.state is S.SNOOZED and item.snoozed_until is not None and item.snoozed_until <= now:
        return S.NEW
    return item.state


def holder(item: Item, now: datetime) -> str | None:
    """Who holds the item now; an expired claim holds nobody."""
    if item.claimed_by and item.claim_expires_at and item.claim_expires_at > now:
        return item.claimed_by
    return None


def decide(
    item: Item,
    action: Action,
    editor: str,
    now: datetime,
    *,
    claim_ttl: timedelta = timedelta(hours=2),
    until: datetime | None = None,
    reason: str | None = None,
) -> ItemChange:
    """The change `action` makes to `item`, or InvalidTransition saying why not."""
    state = effective_state(item, now)
    if state not in ALLOWED[action]:
        hint = _HINTS.get(action, "")
        raise InvalidTransition(
            item.id,
            f"cannot {_VERBS.get(action, action.value)} an item that is {state.value}"
            + (f"; {hint.format(id=item.id)}" if hint else ""),
        )
    held_by = holder(item, now)
    if action in _NEEDS_CLAIM and held_by and held_by != editor:
        raise InvalidTransition(
            item.id, f"claimed by {held_by} until {_clock(item.claim_expires_at)}"
        )
    base = ItemChange(
        item_id=item.id,
        read_version=item.version,
        editor=editor,
        at=now,
        from_state=item.state,
        to_state=state,
    )
    return _apply(base, action, item, now, claim_ttl, until, reason)


def _apply(
    base: ItemChange,
    action: Action,
    item: Item,
    now: datetime,
    claim_ttl: timedelta,
    until: datetime | None,
    reason: str | None,
) -> ItemChange:
    claimed = replace(base, claimed_by=base.editor, claim_expires_at=now + claim_ttl)
    if action is Action.CLAIM:
        to = S.IN_REVIEW if base.to_state is S.NEW else base.to_state
        return replace(claimed, to_state=to, note=f"until {_clock(now + claim_ttl)}")
    if action is Action.RELEASE:
        back = S.NEW if base.to_state is S.IN_REVIEW else S.DRAFTED
        return replace(base, to_state=back, note=RELEASED)
    if action is Action.SAVE_DRAFT:
        return replace(claimed, to_state=S.DRAFTED, note=DRAFT_SAVED)
    if action is Action.PUBLISH:
        return replace(base, to_state=S.PUBLISHED)
    if action is Action.RETRACT:
        return replace(base, to_state=S.RETRACTED, note=reason)
    if action is Action.SNOOZE:
        if until is None or until <= now:
            raise ReviewError(item.id, "snooze needs a time in the future (e.g. --until 2d)")
        return replace(
            base, to_state=S.SNOOZED, snoozed_until=until, note=f"until {until:%Y-%m-%d %H:%M}"
        )
    if action is Action.REJECT:
        if not reason or not reason.strip():
            raise ReviewError(item.id, "reject needs a reason (--reason ...)")
        return replace(base, to_state=S.REJECTED, reject_reason=reason.strip(), note=reason.strip())
    if action is Action.WAKE and (item.state is not S.SNOOZED or base.to_state is S.SNOOZED):
        raise InvalidTransition(item.id, "is not snoozed, or its snooze has not ended yet")
    # REOPEN, PROMOTE, WAKE: back to the queue, clean.
    return replace(base, to_state=S.NEW)


def _clock(moment: datetime | None) -> str:
    return f"{moment:%H:%M}" if moment else "?"
