"""What an entry's words say about one story: the score `cluster.match_story` weighs
and the reason it stores ("same story: score 0.45 (text 0.30, title 0.44, ...)").

The text's TF-IDF cosine, plus a third of the titles' word overlap (the weights a logistic
regression gave on real same-story pairs, in cosine units), minus time and the titles'
numbers and names that differ (docs/clustering.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from curator.models import StorySignature
from curator.screen.story_terms import names

TITLE_WEIGHT = 0.33  # of the titles' word overlap, on top of the text's cosine
GAP_PENALTY = 0.04  # score lost per day between an entry and the story's latest report
FOLLOW_UP_PENALTY = 0.1  # titles giving different numbers
NAMES_PENALTY = 0.1  # titles naming someone or somewhere the other article never mentions
# A feed reports an event once (its updates keep their address); a second report from it
# is a follow-up or another story. (A feed of many outlets, such as a news search, pays it
# too: precision before recall.)
SAME_OUTLET_PENALTY = 0.1
# An entry of fewer words, title and text (a feed's one-line summary where the page is
# gone), has its cosine counted in part: a dozen words of an agency's press line match
# any story of that agency as well as its own.
FULL_TEXT_WORDS = 40


@dataclass(frozen=True)
class Evidence:
    """What an entry's words say about one story."""

    text: float  # TF-IDF cosine of title and lead with the story's reports (0..1)
    title: float  # Dice of the two titles' content words (0..1)
    days_apart: float  # from the story's latest report
    numbers: tuple[str, ...]  # the titles' numbers when each gives one the other lacks
    shared_names: tuple[str, ...]
    unshared_names: tuple[str, ...] = ()  # when each title names one the other never does
    same_outlet: bool = False  # the story has a report from the entry's feed already
    text_words: int = FULL_TEXT_WORDS  # of the entry's title and text

    @property
    def score(self) -> float:
        penalty = (
            GAP_PENALTY * self.days_apart
            + FOLLOW_UP_PENALTY * bool(self.numbers)
            + NAMES_PENALTY * bool(self.unshared_names)
            + SAME_OUTLET_PENALTY * self.same_outlet
        )
        text = self.text * min(1.0, self.text_words / FULL_TEXT_WORDS)
        return text + TITLE_WEIGHT * self.title - penalty

    def explain(self) -> str:
        """e.g. "same story: score 0.31 (text 0.35, title 0.48, 1.0 days apart);
        shared names: SAMHSA, Ohio"."""
        parts = [f"text {self.text:.2f}", f"title {self.title:.2f}"]
        if self.text_words < FULL_TEXT_WORDS:
            parts[0] += f" of {self.text_words} words"
        parts.append(f"{self.days_apart:.1f} days apart")
        if self.numbers:
            parts.append("numbers differ: " + " / ".join(self.numbers))
        if self.unshared_names:
            parts.append("names differ: " + " / ".join(self.unshared_names))
        if self.same_outlet:
            parts.append("its feed told this story already")
        reason = f"same story: score {self.score:.2f} ({', '.join(parts)})"
        if self.shared_names:
            reason += "; shared names: " + ", ".join(self.shared_names)
        return reason


def dice(left: frozenset[str], right: frozenset[str]) -> float:
    if not left or not right:
        return 0.0
    return 2 * len(left & right) / (len(left) + len(right))


def shared_names(entry: StorySignature, story: StorySignature) -> tuple[str, ...]:
    theirs = names(story.title, story.lead)
    ours = names(entry.title, entry.lead)
    return tuple(written for name, written in ours.items() if name in theirs)[:6]
