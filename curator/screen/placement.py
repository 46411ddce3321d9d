"""Where one extracted entry goes: decided here, written by `Store.save_screened`.

`place_entry` reads nothing and writes nothing: from the entry, its article, the
stories it may join and the settings, it works out the entry's relevance, the story
it joins and why, or the new item it starts (with its summary and state).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from curator.config import Config
from curator.config.lists import Topic
from curator.models import (
    Article,
    ExtractStatus,
    ItemState,
    PendingEntry,
    Relevance,
    StorySignature,
)
from curator.models.screening import JoinItem, NewItem, ScreenedEntry
from curator.screen.cluster import match_story
from curator.screen.relevance import on_topic_by_source, score_article
from curator.screen.story_index import StoryIndex
from curator.screen.summarize import summarize
from curator.urls import normalize_url

LEAD_CHARS = 2400  # of the article's text: enough for `story_terms.LEAD_WORDS` words
ALREADY_IN_IT = "already in it"  # a change in its feed sent it back for extraction
NEW_STORY = "new story"


@dataclass(frozen=True)
class ScreenRules:
    """The settings screening decides by."""

    topics: tuple[Topic, ...]
    threshold: float  # [relevance]
    same_story: float  # [cluster] threshold
    window: timedelta
    sentences: int  # [summary]

    @classmethod
    def of(cls, config: Config) -> ScreenRules:
        return cls(
            config.topics,
            config.relevance.threshold,
            config.cluster.threshold,
            config.cluster.window,
            config.summary.sentences,
        )


@dataclass(frozen=True)
class Placement:
    """One entry's place, and why (`ALREADY_IN_IT`, a `MatchReason`, or `NEW_STORY`);
    `screened` is what the store writes, and `signature` what the stories index learns
    once it is committed (a new story, or more words for the story it joined)."""

    screened: ScreenedEntry
    why: str
    signature: StorySignature

    @property
    def new_item(self) -> NewItem | None:
        item = self.screened.item
        return item if isinstance(item, NewItem) else None

    @property
    def relevance(self) -> Relevance:
        return self.screened.item.relevance


def place_entry(
    entry: PendingEntry,
    article: Article,
    stories: StoryIndex,
    rules: ScreenRules,
    *,
    on_topic_source: bool,
    source_texts: Mapping[int, str],
) -> Placement:
    """The item `entry` joins (the one it is in, or the story `stories` finds) or starts.

    `on_topic_source`: its source is marked `filter = "all"`. `source_texts` are the
    recent article texts of its source by entry id: sentences found there are the
    outlet's stock text, kept out of a new item's summary."""
    title = entry.title or article.title
    relevance = _relevance(title, article.text, rules, on_topic_source)
    signature = StorySignature(
        0, title, _identity(entry, article), article.canonical_url, article.text[:LEAD_CHARS],
        entry.first_seen_at, entry.source_id,
    )  # fmt: skip
    item: NewItem | JoinItem
    if entry.item_id:
        why, item = ALREADY_IN_IT, JoinItem(entry.item_id, entry.id, relevance)
    elif match := match_story(signature, stories, rules.same_story, rules.window):
        why = match.reason
        item = JoinItem(match.item_id, entry.id, relevance, match.explanation)
    else:
        elsewhere = "\n".join(text for i, text in source_texts.items() if i != entry.id)
        summary = summarize(article.text, title, rules.sentences, elsewhere=elsewhere)
        why, item = NEW_STORY, _new_item(entry, article, signature, relevance, summary)
    attempts = entry.attempts + (article.status != ExtractStatus.SKIPPED)
    return Placement(ScreenedEntry(article, attempts, item), why, signature)


def _relevance(title: str, text: str, rules: ScreenRules, on_topic_source: bool) -> Relevance:
    """Scored on the topics; a source marked `filter = "all"` is on topic whatever the score."""
    relevance = score_article(title, text, rules.topics, rules.threshold)
    return on_topic_by_source(relevance) if on_topic_source else relevance


def _new_item(
    entry: PendingEntry,
    article: Article,
    signature: StorySignature,
    relevance: Relevance,
    summary: str,
) -> NewItem:
    return NewItem(
        entry_id=entry.id,
        title=signature.title,
        url=signature.url,
        canonical_url=article.canonical_url,
        relevance=relevance,
        state=ItemState.NEW if relevance.kept else ItemState.FILTERED,
        summary=summary,
        description=entry.summary_text.strip(),
        image_url=article.image_url,
        site_name=article.site_name or entry.source_name,
        language=article.language,
        first_seen_at=entry.first_seen_at,
        published_at=article.published_at or entry.published_at,
        image_alt=article.image_alt,
    )


def _identity(entry: PendingEntry, article: Article) -> str:
    """The item's URL: the entry's link, normalised (the page's when it has none)."""
    for candidate in (entry.url, article.url):
        if candidate:
            try:
                return normalize_url(candidate)
            except ValueError:
                continue
    return f"urn:curator:entry:{entry.id}"
