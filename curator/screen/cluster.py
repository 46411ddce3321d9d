"""Same story, one item: decide whether a new entry joins a story the window holds.

Evidence, strongest first: the same address (URL or canonical URL); the same wire
copy (most of the lead's word 3-grams shared, whatever the headline); otherwise the
articles' own words: a TF-IDF cosine of the entry's title and lead against all that
the story's reports said, with term weights learned from the stories in the index (a
word most stories use says little), and the titles' overlap; against joining: time
and the titles' numbers and names that differ (`story_evidence.Evidence`). The best
score at or above the threshold wins, and its evidence is kept as the reason. The
stories come from `story_index.StoryIndex`; the words from `story_terms`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from curator.models import StorySignature
from curator.screen.story_index import LEAD_SIMILARITY, StoryIndex, addresses, lead_shingles
from curator.screen.story_terms import story_terms


class MatchReason(enum.StrEnum):
    """Why an entry joins a story."""

    SAME_ADDRESS = "same address"  # its URL or canonical URL
    SHARED_LEAD = "shared lead"  # most of its lead's 3-grams: wire copy
    SAME_STORY = "same story"  # its words, weighed (see `Evidence`)


@dataclass(frozen=True)
class StoryMatch:
    """The story an entry joins, and why (`explanation` is stored with the entry)."""

    item_id: int
    reason: MatchReason
    explanation: str


def match_story(
    entry: StorySignature, stories: StoryIndex, threshold: float, window: timedelta
) -> StoryMatch | None:
    """The story `entry` belongs to and why, or None for a new story.

    `entry.item_id` is ignored. A shared address decides at once; otherwise the best
    score at or above `threshold` wins (wire copy scores 1), the first of equals."""
    query, shingles = stories.query(story_terms(entry.title, entry.lead)), lead_shingles(entry.lead)
    best: tuple[float, StoryMatch] | None = None
    for story, lead_may_match in stories.candidates(entry, query, shingles):
        if not addresses(entry).isdisjoint(addresses(story)):
            return StoryMatch(story.item_id, MatchReason.SAME_ADDRESS, "same address")
        if abs(entry.first_seen_at - story.first_seen_at) > window:
            continue
        shared = _lead_overlap(shingles, lead_shingles(story.lead)) if lead_may_match else 0.0
        if shared >= LEAD_SIMILARITY:
            explanation = f"wire copy: {shared:.0%} of the lead's 3-grams shared"
            score, match = 1.0, StoryMatch(story.item_id, MatchReason.SHARED_LEAD, explanation)
        else:
            evidence = stories.evidence(story.item_id, entry, query, threshold)
            score = evidence.score
            match = StoryMatch(story.item_id, MatchReason.SAME_STORY, evidence.explain())
        if score >= threshold and (best is None or score > best[0]):
            best = (score, match)
    return best[1] if best else None


def _lead_overlap(left: frozenset[str], right: frozenset[str]) -> float:
    """Jaccard of two leads' 3-grams; 0 when either is too short to tell."""
    if len(left) < 8 or len(right) < 8:
        return 0.0
    return len(left & right) / len(left | right)
