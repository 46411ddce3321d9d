"""The item state machine, decided on literal records with an injected clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from curator.desk.states import Action, decide, effective_state, holder
from curator.errors import InvalidTransition, ReviewError
from curator.models import Item, ItemState

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
S = ItemState
ITEM = Item(
    id=42, title="t", url="https://x.org/a", state=S.NEW, version=3, score=4.0,
    topics=("overdose",), reasons=(), summary="", description="", outlets=1,
    first_seen_at=NOW - timedelta(hours=2),
)  # fmt: skip


def item(**fields: object) -> Item:
    return replace(ITEM, **fields)  # type: ignore[arg-type]


def test_claim_moves_new_to_in_review_with_expiry_and_names_read_version() -> None:
    change = decide(ITEM, Action.CLAIM, "ana", NOW, claim_ttl=timedelta(hours=2))
    assert change.to_state is S.IN_REVIEW and change.from_state is S.NEW
    assert change.claimed_by == "ana"
    assert change.claim_expires_at == NOW + timedelta(hours=2)
    assert change.read_version == 3


def test_claim_held_by_another_editor_is_refused_until_it_expires() -> None:
    held = item(state=S.IN_REVIEW, claimed_by="ana", claim_expires_at=NOW + timedelta(minutes=5))
    with pytest.raises(InvalidTransition, match="claimed by ana until 12:05"):
        decide(held, Action.CLAIM, "ben", NOW)
    later = NOW + timedelta(minutes=6)
    assert decide(held, Action.CLAIM, "ben", later).claimed_by == "ben"


def test_release_returns_in_review_to_new_and_keeps_drafted_drafted() -> None:
    mine = {"claimed_by": "ana", "claim_expires_at": NOW + timedelta(hours=1)}
    assert decide(item(state=S.IN_REVIEW, **mine), Action.RELEASE, "ana", NOW).to_state is S.NEW
    released = decide(item(state=S.DRAFTED, **mine), Action.RELEASE, "ana", NOW)
    assert released.to_state is S.DRAFTED and released.claimed_by is None


def test_publish_a_rejected_item_is_an_invalid_transition() -> None:
    with pytest.raises(InvalidTransition, match="cannot publish an item that is rejected"):
        decide(item(state=S.REJECTED), Action.PUBLISH, "ana", NOW)


def test_annotating_a_published_item_is_an_invalid_transition() -> None:
    with pytest.raises(InvalidTransition, match="cannot annotate an item that is published"):
        decide(item(state=S.PUBLISHED), Action.SAVE_DRAFT, "ana", NOW)


def test_only_a_drafted_item_can_be_published() -> None:
    with pytest.raises(InvalidTransition, match="curator annotate 42"):
        decide(ITEM, Action.PUBLISH, "ana", NOW)
    assert decide(item(state=S.DRAFTED), Action.PUBLISH, "ana", NOW).to_state is S.PUBLISHED


def test_reject_needs_a_reason_and_records_it() -> None:
    with pytest.raises(ReviewError, match="needs a reason"):
        decide(ITEM, Action.REJECT, "ana", NOW, reason="  ")
    change = decide(item(state=S.DRAFTED), Action.REJECT, "ana", NOW, reason="duplicate")
    assert (change.to_state, change.reject_reason, change.note) == (
        S.REJECTED,
        "duplicate",
        "duplicate",
    )


def test_snooze_needs_a_future_time_and_the_item_wakes_when_it_passes() -> None:
    with pytest.raises(ReviewError, match="future"):
        decide(ITEM, Action.SNOOZE, "ana", NOW, until=NOW)
    change = decide(ITEM, Action.SNOOZE, "ana", NOW, until=NOW + timedelta(days=2))
    snoozed = item(state=S.SNOOZED, snoozed_until=change.snoozed_until)
    assert effective_state(snoozed, NOW + timedelta(days=1)) is S.SNOOZED
    assert effective_state(snoozed, NOW + timedelta(days=2)) is S.NEW
    with pytest.raises(InvalidTransition):
        decide(snoozed, Action.WAKE, "curator", NOW)
    woken = decide(snoozed, Action.WAKE, "curator", NOW + timedelta(days=3))
    assert (woken.from_state, woken.to_state, woken.snoozed_until) == (S.SNOOZED, S.NEW, None)


def test_a_woken_item_can_be_claimed_directly() -> None:
    snoozed = item(state=S.SNOOZED, snoozed_until=NOW - timedelta(minutes=1))
    assert decide(snoozed, Action.CLAIM, "ana", NOW).to_state is S.IN_REVIEW


def test_reopen_and_promote_bring_items_back_to_new() -> None:
    assert decide(item(state=S.REJECTED), Action.REOPEN, "ana", NOW).to_state is S.NEW
    assert decide(item(state=S.FILTERED), Action.PROMOTE, "ana", NOW).to_state is S.NEW
    with pytest.raises(InvalidTransition, match="only a filtered item"):
        decide(ITEM, Action.PROMOTE, "ana", NOW)


def test_retract_applies_only_to_published() -> None:
    assert decide(item(state=S.PUBLISHED), Action.RETRACT, "ana", NOW).to_state is S.RETRACTED
    with pytest.raises(InvalidTransition):
        decide(item(state=S.DRAFTED), Action.RETRACT, "ana", NOW)


def test_saving_a_draft_claims_the_item_for_the_editor() -> None:
    change = decide(ITEM, Action.SAVE_DRAFT, "ana", NOW, claim_ttl=timedelta(minutes=30))
    assert (change.to_state, change.claimed_by) == (S.DRAFTED, "ana")
    assert change.claim_expires_at == NOW + timedelta(minutes=30)


def test_an_expired_claim_holds_nobody() -> None:
    expired = item(claimed_by="ana", claim_expires_at=NOW)
    assert holder(expired, NOW) is None
    assert holder(expired, NOW - timedelta(seconds=1)) == "ana"
