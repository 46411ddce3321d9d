"""Same story, one item: decide whether a new entry joins a story the window holds.

Evidence, strongest first: the same address (URL or canonical URL); the same wire
copy (most of the lead's word 3-grams shared, whatever the headline); otherwise the
articles' own words: a TF-IDF cosine of the entry's title and lead against all that
the story's reports said, with term weights learned from the stories in the index (a
word most stories use says little), and the titles' overlap; against joining: time
and the titles' numbers and names that differ (`story_evidence.Evidence`). The best
score at or above the threshold wins when it stands out from the next-best story, and
its evidence is kept as the reason. The stories come from `story_index.StoryIndex`; the
words from `story_terms`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from curator.models import StorySignature
from curator.screen.story_index import LEAD_SIMILARITY, StoryIndex, addresses, lead_shingles

# A join on words must stand out: the best story beats the next-best by CLEAR_MARGIN, or
# clears the threshold by SURE_MARGIN. On real coverage the runner-up this stops is mostly
# another part of the same event (BASIL crowded into 10 days: recall 0.903 -> 0.890, no
# false merge more); on a young desk it stops the articles that only share its vocabulary.
CLEAR_MARGIN = 0.1
SURE_MARGIN = 0.2


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
    score at or above `threshold` wins (wire copy scores 1) when it stands out (see
    `_clear_winner`), the first of equals."""
    query, shingles = stories.query(entry), lead_shingles(entry.lead)
    scored: list[tuple[float, StoryMatch]] = []
    for story, lead_may_match in stories.candidates(entry, query, shingles):
        if not addresses(entry).isdisjoint(addresses(story)):
            return StoryMatch(story.item_id, MatchReason.SAME_ADDRESS, "same address")
        if abs(entry.first_seen_at - story.first_seen_at) > window:
            continue
        shared = _lead_overlap(shingles, lead_shingles(story.lead)) if lead_may_match else 0.0
        if shared >= LEAD_SIMILARITY:
            explanation = f"wire copy: {shared:.0%} of the lead's 3-grams shared"
            scored.append((1.0, StoryMatch(story.item_id, MatchReason.SHARED_LEAD, explanation)))
        else:  # a runner-up counts down to threshold - CLEAR_MARGIN, so scored to there
            evidence = stories.evidence(story.item_id, entry, query, threshold - CLEAR_MARGIN)
            match = StoryMatch(story.item_id, MatchReason.SAME_STORY, evidence.explain())
            scored.append((evidence.score, match))
    return _clear_winner(scored, threshold)


def _clear_winner(scored: list[tuple[float, StoryMatch]], threshold: float) -> StoryMatch | None:
    """The best-scoring story if it reaches `threshold` and either clears it by
    `SURE_MARGIN` or beats the next-best story by `CLEAR_MARGIN`. An article that is
    about as close to two stories is about the desk's common ground ("medication for
    opioid use disorder"), not about either event."""
    ranked = sorted(scored, key=lambda pair: pair[0], reverse=True)  # stable: first of equals
    if not ranked or ranked[0][0] < threshold:
        return None
    best, runner_up = ranked[0][0], (ranked[1][0] if len(ranked) > 1 else -1.0)
    if best >= threshold + SURE_MARGIN or best - runner_up >= CLEAR_MARGIN:
        return ranked[0][1]
    return None


def _lead_overlap(left: frozenset[str], right: frozenset[str]) -> float:
    """Jaccard of two leads' 3-grams; 0 when either is too short to tell."""
    if len(left) < 8 or len(right) < 8:
        return 0.0
    return len(left & right) / len(left | right)
