"""Deciding a publication on literal records: the state, the slug, the post, the terms.
No database: `publish_item` reads, `decide_publication` decides, the store applies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from curator.config import Config
from curator.desk.publish import decide_publication, wanted_slug
from curator.errors import InvalidTransition, ReviewError
from curator.models import Draft, Item, ItemState

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
S = ItemState
ITEM = Item(
    id=42, title="A study", url="https://news.example.org/study", state=S.DRAFTED, version=5,
    score=4.0, topics=("overdose",), reasons=(), summary="", description="", outlets=1,
    first_seen_at=NOW - timedelta(hours=2), claimed_by="ana",
    claim_expires_at=NOW + timedelta(hours=1), source_names=("NIDA News",),
    image_url="https://news.example.org/kit.jpg",
)  # fmt: skip
DRAFT = Draft(
    item_id=42, version=3, title="Naloxone in schools", tags=("schools",),
    body_markdown="Schools that stock it save lives.\n\n<!-- a note to self -->\n",
    editor="ana", saved_at=NOW - timedelta(minutes=5),
)  # fmt: skip


@pytest.fixture
def config(make_config: Callable[..., Config]) -> Config:
    terms = [{"term": "addict", "instead": "person with a substance use disorder"}]
    return make_config(language={"terms": terms})


def test_a_drafted_item_becomes_published_with_a_post_of_its_latest_draft(
    config: Config,
) -> None:
    decided = decide_publication(ITEM, DRAFT, "ana", NOW, config=config, slug_taken=False)
    change, post = decided.change, decided.post
    assert (change.from_state, change.to_state, change.read_version) == (S.DRAFTED, S.PUBLISHED, 5)
    assert change.note == "as naloxone-in-schools (draft v3)"
    assert (post.item_id, post.slug, post.title, post.tags) == (
        42, "naloxone-in-schools", "Naloxone in schools", ("schools",),
    )  # fmt: skip
    assert (post.editor, post.published_at, post.updated_at) == ("ana", NOW, NOW)
    assert (post.source_name, post.source_url, post.image_url) == (
        "NIDA News", ITEM.url, ITEM.image_url,
    )  # fmt: skip
    assert "note to self" not in post.body_markdown
    assert post.body_html.startswith("<p>Schools that stock it save lives.</p>")


def test_a_taken_slug_gets_the_item_id(config: Config) -> None:
    decided = decide_publication(ITEM, DRAFT, "ana", NOW, config=config, slug_taken=True)
    assert decided.post.slug == "naloxone-in-schools-42"
    assert decided.change.note == "as naloxone-in-schools-42 (draft v3)"


def test_a_title_without_letters_asks_for_the_items_slug() -> None:
    assert wanted_slug("¿?", 42) == "item-42"
    assert wanted_slug("Naloxone in schools", 42) == "naloxone-in-schools"


def test_terms_hold_the_post_unless_allowed(config: Config) -> None:
    worded = replace(DRAFT, body_markdown="The addict found help.\n")
    with pytest.raises(ReviewError, match=r"1 term\(s\) to reconsider.*--allow-terms"):
        decide_publication(ITEM, worded, "ana", NOW, config=config, slug_taken=False)
    decided = decide_publication(
        ITEM, worded, "ana", NOW, config=config, slug_taken=False, allow_terms=True
    )
    assert [f.found for f in decided.language.findings] == ["addict"]


def test_the_items_state_is_refused_before_a_missing_draft(config: Config) -> None:
    rejected = replace(ITEM, state=S.REJECTED, claimed_by=None)
    with pytest.raises(InvalidTransition, match="cannot publish an item that is rejected"):
        decide_publication(rejected, None, "ana", NOW, config=config, slug_taken=False)
    with pytest.raises(InvalidTransition, match="has no draft; run `curator annotate 42`"):
        decide_publication(ITEM, None, "ana", NOW, config=config, slug_taken=False)


def test_another_editors_claim_refuses_publishing(config: Config) -> None:
    with pytest.raises(InvalidTransition, match="claimed by ana"):
        decide_publication(ITEM, DRAFT, "ben", NOW, config=config, slug_taken=False)
