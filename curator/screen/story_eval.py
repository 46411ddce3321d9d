"""Same-story clustering measured against the editors' own corrections.

Each labelled pair (from `curator merge` / `split`) is judged as the service would
judge its later entry arriving while the earlier one is a story in the window: the
same address or wire copy first (`match_story` over that one story), then the words'
evidence at `cluster.threshold`. The words are weighed with the term weights of an
index holding every labelled entry as its own story: an index of one story gives
every shared word the same small weight, which no real window does. A pair is judged
on its own score: the rule that a join must stand out from the next-best story
(`cluster._clear_winner`) needs the window the entry met, which a pair does not keep,
so eval can count a pair as joined that the service left apart for being too close to
another story.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from curator.models import StorySignature
from curator.models.stories import LabelledPair
from curator.screen.cluster import MatchReason, match_story
from curator.screen.story_index import StoryIndex


@dataclass(frozen=True)
class PairVerdict:
    """One pair: what editors said, what clustering says, and why."""

    entry_a: int
    entry_b: int
    title_a: str
    title_b: str
    labelled_same: bool
    judged_same: bool
    reason: str

    @property
    def agreed(self) -> bool:
        return self.labelled_same == self.judged_same


@dataclass(frozen=True)
class StoryEvaluation:
    """Agreement with the editors; precision and recall of "same story" (None when
    there is nothing to divide by), and the pairs clustering gets wrong."""

    pairs: int
    agreed: int
    precision: float | None
    recall: float | None
    wrong: tuple[PairVerdict, ...]


def evaluate_pairs(
    pairs: Sequence[LabelledPair], threshold: float, window: timedelta
) -> StoryEvaluation:
    """Judge every labelled pair with today's clustering and count the agreement."""
    entries = {s.item_id: s for pair in pairs for s in (pair.a, pair.b)}
    weights = StoryIndex(entries[i] for i in sorted(entries))
    verdicts = [judge_pair(pair, weights, threshold, window) for pair in pairs]
    true_same = sum(v.labelled_same and v.judged_same for v in verdicts)
    judged_same = sum(v.judged_same for v in verdicts)
    labelled_same = sum(v.labelled_same for v in verdicts)
    return StoryEvaluation(
        len(verdicts),
        sum(v.agreed for v in verdicts),
        true_same / judged_same if judged_same else None,
        true_same / labelled_same if labelled_same else None,
        tuple(v for v in verdicts if not v.agreed),
    )


def judge_pair(
    pair: LabelledPair, weights: StoryIndex, threshold: float, window: timedelta
) -> PairVerdict:
    """Would the later entry of `pair` join the earlier one's story? (`weights`: an
    index holding the earlier entry, whose term weights score the words.)"""
    story, entry = sorted((pair.a, pair.b), key=lambda s: (s.first_seen_at, s.item_id))
    judged, reason = _judged(story, entry, weights, threshold, window)
    return PairVerdict(
        pair.a.item_id, pair.b.item_id, pair.a.title, pair.b.title, pair.same, judged, reason
    )


def _judged(
    story: StorySignature, entry: StorySignature, weights: StoryIndex, threshold: float,
    window: timedelta,
) -> tuple[bool, str]:  # fmt: skip
    alone = match_story(entry, StoryIndex([story]), threshold, window)
    if alone is not None and alone.reason is not MatchReason.SAME_STORY:
        return True, alone.explanation
    if entry.first_seen_at - story.first_seen_at > window:
        return False, f"further apart than cluster.window ({window})"
    evidence = weights.evidence(story.item_id, entry, weights.query(entry))
    same = evidence.score >= threshold
    said = evidence.explain().removeprefix("same story: ")
    return same, f"{'same story' if same else 'another story'}: {said}"
