"""Asking the editors: a small share of the queue's top slots goes to the items the
model is least sure of, filtered ones included, so that its next version learns from
the stories the rules get wrong and not only from what the rules already kept (a queue
that shows only its top teaches only what its top looks like). A pure choice;
`learn_run.ask_questions` reads the candidates and the store applies it.
"""

from __future__ import annotations

from collections.abc import Sequence

from curator.store.learning import AskCandidate

ASK_NOTE = "asking: is this on topic?"
TOP_SLOTS = 20  # the share is of the queue's top 20: what an editor reads in a sitting
# Only items the model is unsure of are asked about: a probability between 0.2 and
# 0.8; a queue with nothing in that band asks nothing.
UNSURE_WITHIN = 0.3


def questions_allowed(share: float) -> int:
    """How many items may be asked about at once: `share` of the top slots."""
    return int(share * TOP_SLOTS + 1e-9)


def choose_questions(
    candidates: Sequence[AskCandidate], asking_now: int, share: float
) -> tuple[int, ...]:
    """The items to ask about next, most uncertain first, so that no more than
    `share` of the top slots ask (`asking_now` already do). With a model: the
    probability closest to 0.5 (within UNSURE_WITHIN), new or filtered. Before one:
    the filtered items the rules came closest to keeping (some topic evidence)."""
    room = questions_allowed(share) - asking_now
    if room <= 0:
        return ()
    if any(c.probability is not None for c in candidates):
        unsure = [c for c in candidates if _doubt(c) < UNSURE_WITHIN]
        ranked = sorted(unsure, key=lambda c: (_doubt(c), -c.rules_score))
    else:
        evident = [c for c in candidates if c.filtered and c.rules_score > 0]
        ranked = sorted(evident, key=lambda c: -c.rules_score)
    return tuple(c.item_id for c in ranked[:room])


def _doubt(candidate: AskCandidate) -> float:
    """How far the model's probability is from a coin toss (1.0 when it has none)."""
    p = candidate.probability
    return 1.0 if p is None else abs(p - 0.5)
