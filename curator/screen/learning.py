"""Deciding with the learned model: when to train, whether the model may be used, and
what it does to an item. Pure functions over records; `learn_run` reads and writes.

A model is used only when it has `min_decisions` of each kind and, scoring each of the
desk's own decisions with a model fitted on the other four fifths of them and on every
imported label (out of fold), it does no worse than the rules alone in both deciding (F1
of new vs filtered) and ordering (average precision), and better in one of them. Imported
labels teach but never vote: a labelled set of other news can make a model that beats the
rules on that set and misjudges the desk's own (docs/learning.md). It then moves an item
between `new` and `filtered` only when its probability is beyond `confidence` either way,
and filters a story the rules keep only when something in the story itself speaks against
it; otherwise the rules decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sklearn.metrics import average_precision_score, precision_score, recall_score

from curator.config.lists import Topic
from curator.models.learning import Decision, HeldBack, LearnedModel
from curator.screen.learned_model import fit_weights, rules_scores, vectors_current
from curator.screen.relevance import is_kept
from curator.settings import LearningSettings

# Every decision is held back once: scored by a model fitted on the other four fifths.
# The check then rests on all the decisions, not on the newest fifth alone (about 40
# when a desk first has enough; one error there could keep a better model unused).
CHECK_FOLDS = 5
CHECK_ROWS = 2000  # the newest decisions checked: enough for steady figures, and fast
CHECK_MIN_EACH = 2 * CHECK_FOLDS  # the desk's own decisions of each kind a check needs


@dataclass(frozen=True)
class DecisionCounts:
    positives: int
    negatives: int

    @property
    def total(self) -> int:
        return self.positives + self.negatives


def count_decisions(decisions: Sequence[Decision]) -> DecisionCounts:
    positives = sum(d.relevant for d in decisions)
    return DecisionCounts(positives, len(decisions) - positives)


def enough_decisions(counts: DecisionCounts, settings: LearningSettings) -> bool:
    return min(counts.positives, counts.negatives) >= settings.min_decisions


def due_for_training(decisions: int, trained_on: int | None, settings: LearningSettings) -> bool:
    """The service trains again after `retrain_every` decisions since the last version
    (`trained_on` decisions; None when there is none yet, and then at once)."""
    if trained_on is None:
        return decisions > 0
    return decisions - trained_on >= settings.retrain_every


def combined_keep(
    rules_kept: bool, probability: float | None, confidence: float, own_margin: float
) -> bool:
    """New (True) or filtered: the model overrules the rules only when it is confident,
    and it filters a story the rules keep only when something in the story itself speaks
    against it (its `own_margin` is below 0), not on its topics' points alone: those say
    how often the desk rejected such stories. On another desk's real headlines the
    topic-only filters were mostly wrong (docs/learning.md)."""
    if probability is None:
        return rules_kept
    if probability >= confidence:
        return True
    if probability <= 1.0 - confidence and (not rules_kept or own_margin < 0):
        return False
    return rules_kept


def train(
    decisions: Sequence[Decision],
    topics: Sequence[Topic],
    threshold: float,
    settings: LearningSettings,
    now: datetime,
    version: int,
) -> LearnedModel | None:
    """A new model version trained on every decision, with the held-back figures that
    say whether it is used (None, and not used, while the desk's own decisions are too few
    to check it); None while there are too few decisions of either kind."""
    counts = count_decisions(decisions)
    if not enough_decisions(counts, settings):
        return None
    imported = sorted((d for d in decisions if d.item_id is None), key=lambda d: d.decided_at)
    own = sorted((d for d in decisions if d.item_id is not None), key=lambda d: d.decided_at)
    checked = checked_decisions(own)
    folds = CHECK_FOLDS if checkable(checked) else 0
    fitted = fit_weights(
        [*imported, *own], topics, folds=folds, checked=len(checked), always=len(imported)
    )
    held = None
    if folds:
        rules = rules_scores(checked, topics)
        held = held_back_figures(
            fitted.out_of_fold, fitted.out_of_fold_own, rules, checked, threshold,
            settings.confidence,
        )  # fmt: skip
    return LearnedModel(
        version=version,
        trained_at=now,
        decisions=counts.total,
        positives=counts.positives,
        negatives=counts.negatives,
        active=held is not None and beats_rules(held),
        held_back=held,
        weights=fitted.weights,
    )


def checked_decisions(own: Sequence[Decision]) -> Sequence[Decision]:
    """The desk's newest CHECK_ROWS decisions, or all of them when those hold too few of a
    kind for every fold to see both."""
    newest = own[-CHECK_ROWS:]
    return newest if checkable(newest) else own


def checkable(rows: Sequence[Decision]) -> bool:
    """Enough of each kind that every fold of the check holds both, twice over."""
    counts = count_decisions(rows)
    return min(counts.positives, counts.negatives) >= CHECK_MIN_EACH


def held_back_figures(
    probabilities: np.ndarray,
    own_margins: np.ndarray,
    rules_score: np.ndarray,
    rows: Sequence[Decision],
    threshold: float,
    confidence: float,
) -> HeldBack:
    """The model (with the rules where it is not confident) and the rules alone on `rows`,
    given the model's probabilities and own margins and the rules' scores for them."""
    truth = np.asarray([r.relevant for r in rows], dtype=int)
    rules_kept = [is_kept(float(score), threshold) for score in rules_score]
    model = [
        combined_keep(kept, float(p), confidence, float(own))
        for kept, p, own in zip(rules_kept, probabilities, own_margins, strict=True)
    ]
    return HeldBack(
        rows=len(rows),
        model_precision=_precision(truth, model),
        model_recall=_recall(truth, model),
        rules_precision=_precision(truth, rules_kept),
        rules_recall=_recall(truth, rules_kept),
        model_ranking=_ranking(truth, probabilities),
        rules_ranking=_ranking(truth, rules_score),
    )


def beats_rules(held: HeldBack) -> bool:
    """No worse than the rules at deciding and at ordering, and better at one of them."""
    model_f1 = f1(held.model_precision, held.model_recall)
    rules_f1 = f1(held.rules_precision, held.rules_recall)
    not_worse = model_f1 >= rules_f1 and held.model_ranking >= held.rules_ranking
    return not_worse and (model_f1 > rules_f1 or held.model_ranking > held.rules_ranking)


def f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _precision(truth: np.ndarray, predicted: Sequence[bool]) -> float:
    return float(precision_score(truth, np.asarray(predicted, dtype=int), zero_division=0))


def _recall(truth: np.ndarray, predicted: Sequence[bool]) -> float:
    return float(recall_score(truth, np.asarray(predicted, dtype=int), zero_division=0))


def _ranking(truth: np.ndarray, scores: np.ndarray) -> float:
    """Average precision of the order; 1.0 when only one kind was held back."""
    if truth.min() == truth.max():
        return 1.0
    return float(average_precision_score(truth, scores))


def status_line(
    counts: DecisionCounts,
    latest: LearnedModel | None,
    active: LearnedModel | None,
    settings: LearningSettings,
) -> str:
    """What `curator learn --status` says first; `active`: the version in use."""
    if not enough_decisions(counts, settings):
        have = min(counts.positives, counts.negatives)
        return (
            f"learning: {have} of {settings.min_decisions} decisions of each kind "
            f"({counts.positives} kept, {counts.negatives} off topic); the rules decide"
        )
    if latest is None:
        return f"learning: {counts.total} decisions, no model trained yet (run `curator learn`)"
    if latest.active:
        state = "used"
    elif latest.held_back is None:
        state = (
            f"not used: imported labels teach it, but only the desk's own decisions can show "
            f"it beats the rules ({CHECK_MIN_EACH} of each kind, kept and off topic, to check "
            f"it); {_in_use(active)}"
        )
    else:
        state = f"not used: it did not beat the rules; {_in_use(active)}"
    return (
        f"model v{latest.version}, trained {latest.trained_at:%Y-%m-%d %H:%M} on "
        f"{latest.decisions} decisions ({latest.positives} kept, {latest.negatives} off topic): "
        f"{state}"
    )


def _in_use(active: LearnedModel | None) -> str:
    if active is None:
        return "the rules decide"
    if not vectors_current(active.weights):
        return unusable_note(active.version)
    return f"v{active.version} stays in use"


def unusable_note(version: int) -> str:
    """Why the model in use scores nothing: another wordllama was installed since."""
    return (
        f"v{version}, the version in use, was trained on other word vectors and scores "
        "nothing: the rules decide until a version on the installed ones beats them"
    )


def held_back_line(held: HeldBack) -> str:
    return (
        f"on {held.rows} decisions, each held back from the fit that scored it: "
        f"model precision {held.model_precision:.2f}, "
        f"recall {held.model_recall:.2f}, ranking {held.model_ranking:.2f}; rules alone "
        f"precision {held.rules_precision:.2f}, recall {held.rules_recall:.2f}, "
        f"ranking {held.rules_ranking:.2f}"
    )
