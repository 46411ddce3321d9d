"""The learned model's features and its use: TF-IDF word and character n-grams of the
title and text, the topic rules' points, the source and the meaning of the title and lead
(dense word vectors, `embedding`), weighed by one linear model.

`fit_weights` trains (scikit-learn's logistic regression: its probabilities are
calibrated by the log loss it minimises) and returns `ModelWeights`, plain numbers.
`Scorer` scores from those numbers alone (with the same text analyzers), so a stored
model is data and never code; it gives each item a probability and the words that
weighed most.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from curator.config.lists import Topic
from curator.models.learning import Decision, ModelWeights
from curator.screen import embedding
from curator.screen.relevance import topic_points

TEXT_CHARS = 1500  # the lead (some 250 words) says what a story is about; the rest costs time
# The rules' points are read on the title and the first paragraphs: their body points
# stop growing after four mentions, and the look-up costs time in proportion to the text.
TOPIC_CHARS = 500
CHAR_TEXT_CHARS = 0  # character n-grams read the title only (the text costs time, adds little)
MAX_FEATURES = 40000  # per vectorizer: bounds the model's size
REASONS_EACH_WAY = 3
MIN_WEIGHT = 0.05  # a contribution smaller than this explains nothing
# A source column weighs less than a word: with few decisions a source's first rejects
# must not outvote what its next story is about (bench/learn.py chose 0.3 over 1 and 0).
SOURCE_WEIGHT = 0.3
C = 10.0  # inverse regularisation; 3 and 30 did no better on bench/learn.py
# The meaning columns (the mean word vector of the title and of the lead, see
# `meaning_features`): what lets a few decided examples of a kind speak for their
# neighbours. bench/learn.py chose weight 1.5 of 128 dimensions (0.5, 1, 2, 4 of 256 and
# 0.7, 1, 2 of 128 did no better); 0 turns them off.
MEANING_WEIGHT = 1.5
MEANING_DIMENSIONS = 128
MEANING_CHARS = TOPIC_CHARS  # the lead, as the rules' points read it (its words cost time)
TOLERANCE = 1e-3  # lbfgs stops here: a third of the iterations of 1e-4, the same decisions
_WORD = {"ngram_range": (1, 2), "sublinear_tf": True, "strip_accents": "unicode"}
_CHAR = {"analyzer": "char_wb", "ngram_range": (3, 5), "sublinear_tf": True}
_TOKEN = r"(?u)\b\w[\w'-]*\w\b|\b\w\b"  # keeps "al-anon", "12-step" whole


@dataclass(frozen=True)
class Scored:
    """The model's view of one item: P(the editors keep it) and why. `own_margin` is the
    part of the margin the item's own words, characters, meaning and source give (not its
    topics' points, not the intercept): whether anything in the story itself speaks for
    or against it, beside its topics' points."""

    probability: float
    reasons: tuple[str, ...]
    own_margin: float


def word_document(title: str, text: str) -> str:
    """The title twice (it says most in fewest words), then the start of the text."""
    return f"{title}\n{title}\n{text[:TEXT_CHARS]}"


def char_document(title: str, text: str) -> str:
    return f"{title}\n{text[:CHAR_TEXT_CHARS]}" if CHAR_TEXT_CHARS else title


def topic_features(rows: Sequence[Decision], topics: Sequence[Topic]) -> np.ndarray:
    """The rules' points per topic on the title and the lead, squashed (log1p) so one
    topic cannot dominate."""
    chosen = tuple(topics)
    points = [topic_points(row.title, row.text[:TOPIC_CHARS], chosen) for row in rows]
    return np.log1p(np.asarray(points, dtype=np.float64).reshape(len(rows), len(topics)))


def source_features(rows: Sequence[Decision], sources: Sequence[str]) -> sparse.csr_matrix:
    """One column per known source: SOURCE_WEIGHT for the item's own."""
    index = {name: i for i, name in enumerate(sources)}
    cells = [(r, index[row.source]) for r, row in enumerate(rows) if row.source in index]
    data = np.full(len(cells), SOURCE_WEIGHT)
    rows_at = [r for r, _ in cells]
    columns = [c for _, c in cells]
    return sparse.csr_matrix((data, (rows_at, columns)), shape=(len(rows), len(sources)))


def meaning_features(table: embedding.Table, rows: Sequence[Decision]) -> np.ndarray:
    """The title's and the lead's mean word vectors, each at length 1, added and brought
    to length 1: the title weighs half however long the lead (a row without text: the
    title alone)."""
    titles = embedding.embed(table, [r.title for r in rows])
    leads = embedding.embed(table, [r.text[:MEANING_CHARS] for r in rows])
    return embedding.normalised(titles + leads)


def meaning_vector(table: embedding.Table, title: str, text: str) -> np.ndarray:
    """One row of `meaning_features`, without the matrices (scoring one item)."""
    title_vector = embedding.vector(table, title)
    return embedding.unit(title_vector + embedding.vector(table, text[:MEANING_CHARS]))


def vectors_current(weights: ModelWeights) -> bool:
    """Whether the word vectors a model was trained on are the ones installed (another
    version or width gives other numbers: such a model must not score, but be retrained)."""
    return embedding_current(weights.embedding)


def embedding_current(name: str) -> bool:
    """`vectors_current` of a model that records `name` ("" for none: always current)."""
    return not name or name == embedding.table_name(embedding.width(name))


@dataclass(frozen=True)
class Fitted:
    """A trained model as plain numbers and, when asked, each row's probability and own
    margin (as `Scored` has them) from a model fitted without that row (the check that
    decides whether the model is used)."""

    weights: ModelWeights
    out_of_fold: np.ndarray  # P(kept) of each checked row, from its left-out fold
    out_of_fold_own: np.ndarray  # and its own margin, from the same fit


def fit_weights(
    rows: Sequence[Decision],
    topics: Sequence[Topic],
    *,
    folds: int = 0,
    checked: int = 0,
    always: int = 0,
) -> Fitted:
    """Train on `rows` (both kinds present); with `folds` (at least 2), also score each
    of the newest `checked` rows (all, if 0; at least `folds` of each kind) with a model
    fitted on the other folds of them and on the first `always` rows (the imported
    labels). The vocabularies are fitted once on every row (a word only the left-out fold
    holds gets no weight from the others), so the text is read once for all the fits."""
    table = embedding.load(MEANING_DIMENSIONS) if MEANING_WEIGHT else None  # fails first
    words = TfidfVectorizer(token_pattern=_TOKEN, min_df=2, max_features=MAX_FEATURES, **_WORD)
    chars = TfidfVectorizer(min_df=2, max_features=MAX_FEATURES, **_CHAR)
    word_matrix = words.fit_transform([word_document(r.title, r.text) for r in rows])
    char_matrix = chars.fit_transform([char_document(r.title, r.text) for r in rows])
    sources = tuple(sorted({r.source for r in rows if r.source}))
    topic_matrix, source_matrix = topic_features(rows, topics), source_features(rows, sources)
    blocks = [word_matrix, char_matrix, topic_matrix, source_matrix]
    if table is not None:
        blocks.append(meaning_features(table, rows) * MEANING_WEIGHT)
    features = sparse.hstack(blocks, format="csr")
    labels = np.asarray([r.relevant for r in rows], dtype=int)
    model = _fit(features, labels)
    weights = ModelWeights(
        word_vocabulary={term: int(i) for term, i in words.vocabulary_.items()},
        word_idf=tuple(_rounded(words.idf_)),
        char_vocabulary={term: int(i) for term, i in chars.vocabulary_.items()},
        char_idf=tuple(_rounded(chars.idf_)),
        topics=tuple(t.name for t in topics),
        sources=sources,
        coefficients=tuple(_rounded(_stored_coefficients(model, table))),
        intercept=float(model.intercept_[0]),
        embedding=table.name if table is not None else "",
    )
    if folds < 2:
        return Fitted(weights, np.zeros(0), np.zeros(0))
    start = len(rows) - checked if checked else 0
    first_topic = word_matrix.shape[1] + char_matrix.shape[1]
    topic_columns = np.arange(first_topic, first_topic + len(topics))
    return Fitted(weights, *_out_of_fold(features, labels, folds, start, always, topic_columns))


def _out_of_fold(
    features: sparse.csr_matrix,
    labels: np.ndarray,
    folds: int,
    start: int,
    always: int,
    topic_columns: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """P(kept) and the own margin of each row from `start` on, from a model fitted on the
    other folds of those rows and on the first `always` rows. Folds keep the time order
    (no shuffle) and the share of each kind, so every fit sees both."""
    checked, base = np.arange(start, len(labels)), np.arange(always)
    found, own = np.zeros(len(checked)), np.zeros(len(checked))
    for train, test in StratifiedKFold(n_splits=folds).split(checked, labels[checked]):
        fit_rows = np.concatenate([base, checked[train]])
        model = _fit(features[fit_rows], labels[fit_rows])
        tested = features[checked[test]]
        found[test] = model.predict_proba(tested)[:, 1]
        topics = tested[:, topic_columns] @ model.coef_[0][topic_columns]
        own[test] = model.decision_function(tested) - model.intercept_[0] - topics
    return found, own


def rules_scores(rows: Sequence[Decision], topics: Sequence[Topic]) -> np.ndarray:
    """The rules' score of each row as `relevance.score_article` gives it, on the title and
    the whole text (the check weighs the model against the rules the desk sees; the model's
    own topic features read only the lead, `TOPIC_CHARS`)."""
    chosen = tuple(topics)
    return np.asarray([round(sum(topic_points(r.title, r.text, chosen)), 2) for r in rows])


def _fit(features: sparse.csr_matrix, labels: np.ndarray) -> LogisticRegression:
    # One BLAS thread: on a busy two-core machine more threads only wait for each other.
    with threadpool_limits(limits=1):
        return LogisticRegression(C=C, tol=TOLERANCE, max_iter=2000).fit(features, labels)


def _stored_coefficients(model: LogisticRegression, table: embedding.Table | None) -> np.ndarray:
    """The weights as stored: the meaning columns' weighed for the plain vectors (the
    model saw them times MEANING_WEIGHT), so scoring needs no setting of the training."""
    found = np.array(model.coef_[0], dtype=np.float64)
    if table is not None:
        found[-table.vectors.shape[1] :] *= MEANING_WEIGHT
    return found


def _rounded(values: np.ndarray) -> list[float]:
    """Six significant digits: the stored JSON stays small, the scores do not move."""
    return [float(f"{v:.6g}") for v in values]


class Scorer:
    """A stored model made usable from its numbers alone. Scoring one item is done here,
    in a few dictionary look-ups per n-gram (the same analyzers, sublinear tf, idf and
    L2 norm as scikit-learn's TfidfVectorizer): its transform costs milliseconds in
    checks for a single text."""

    def __init__(self, weights: ModelWeights, topics: Sequence[Topic]) -> None:
        by_name = {t.name: t for t in topics}
        # a topic renamed or removed since training keeps its column, at zero
        self.topics = tuple(by_name[name] for name in weights.topics if name in by_name)
        self.topic_columns = [i for i, name in enumerate(weights.topics) if name in by_name]
        self.weights = weights
        coefficients = weights.coefficients
        words, chars = len(weights.word_vocabulary), len(weights.char_vocabulary)
        self.words = _Block(
            _analyzer(_WORD, _TOKEN), weights.word_vocabulary, weights.word_idf,
            coefficients[:words],
        )  # fmt: skip
        self.chars = _Block(
            _analyzer(_CHAR, None), weights.char_vocabulary, weights.char_idf,
            coefficients[words : words + chars],
        )  # fmt: skip
        rest = coefficients[words + chars :]
        self.topic_coefficients = np.asarray(rest[: len(weights.topics)])
        rest = rest[len(weights.topics) :]
        self.source_coefficients = dict(
            zip(weights.sources, rest[: len(weights.sources)], strict=True)
        )
        self.meaning_coefficients = np.asarray(rest[len(weights.sources) :])
        self.table = self._vectors(weights)

    @staticmethod
    def _vectors(weights: ModelWeights) -> embedding.Table | None:
        if not weights.embedding:
            return None  # trained without them (before issue 14 was continued)
        dimensions = embedding.width(weights.embedding)
        if not vectors_current(weights):
            raise embedding.VectorsError(
                f"the model was trained on {weights.embedding}, not on the installed "
                f"{embedding.table_name(dimensions) or 'nothing'}: train it again "
                "(curator learn)"
            )
        return embedding.load(dimensions)

    def score(self, row: Decision) -> Scored:
        """The probability for one item, the readable features that weighed most and the
        item's own margin."""
        named = self.words.contributions(word_document(row.title, row.text))
        own = sum(named.values())
        own += sum(self.chars.contributions(char_document(row.title, row.text)).values())
        source = self.source_coefficients.get(row.source, 0.0) * SOURCE_WEIGHT
        own += source
        if self.table is not None:
            meaning = meaning_vector(self.table, row.title, row.text)
            own += float(meaning @ self.meaning_coefficients)
        topics = self._topic_row(row) * self.topic_coefficients
        for name, value in zip(self.weights.topics, topics, strict=True):
            named[f"topic {name}"] = float(value)
        named[f"source {row.source}"] = source
        margin = own + float(topics.sum()) + self.weights.intercept
        return Scored(float(1.0 / (1.0 + math.exp(-margin))), _reasons(named), own)

    def _topic_row(self, row: Decision) -> np.ndarray:
        values = np.zeros(len(self.weights.topics))
        values[self.topic_columns] = topic_features([row], self.topics)[0]
        return values


class _Block:
    """One vectorizer's part of the model: its analyzer, and per n-gram (idf, weight) in
    one dictionary, so that each n-gram of a text costs one look-up."""

    def __init__(
        self,
        analyzer: Callable[[str], list[str]],
        vocabulary: dict[str, int],
        idf: Sequence[float],
        coefficients: Sequence[float],
    ) -> None:
        self.analyzer = analyzer
        self.known = {g: (idf[i], coefficients[i]) for g, i in vocabulary.items()}

    def contributions(self, document: str) -> dict[str, float]:
        """Each known n-gram's share of the margin: (1 + log tf) * idf, L2-normalised,
        times its weight."""
        values: dict[str, tuple[float, float]] = {}  # n-gram: (tf-idf, weight)
        for gram, count in Counter(self.analyzer(document)).items():
            if (entry := self.known.get(gram)) is not None:
                idf, weight = entry
                values[gram] = ((1.0 + math.log(count)) * idf if count > 1 else idf, weight)
        norm = math.sqrt(sum(v * v for v, _ in values.values())) or 1.0
        return {g: v / norm * weight for g, (v, weight) in values.items()}


def _analyzer(params: dict, token: str | None) -> Callable[[str], list[str]]:
    extra = {"token_pattern": token} if token else {}
    analyzer: Callable[[str], list[str]] = TfidfVectorizer(**params, **extra).build_analyzer()
    return analyzer


def _reasons(named: dict[str, float]) -> tuple[str, ...]:
    """The readable features that weighed most each way; stop words and weights under
    MIN_WEIGHT explain nothing to an editor. Only the strongest are looked at."""
    strong = [(value, name) for name, value in named.items() if abs(value) >= MIN_WEIGHT]
    strong.sort(key=lambda pair: -abs(pair[0]))
    kept: list[str] = []
    dropped: list[str] = []
    for value, name in strong:
        side = kept if value > 0 else dropped
        if len(side) < REASONS_EACH_WAY and not _only_stop_words(name):
            side.append(f"{'+' if value > 0 else '−'}{name}")
        if len(kept) == len(dropped) == REASONS_EACH_WAY:
            break
    return (*kept, *dropped)


def _only_stop_words(name: str) -> bool:
    return all(word in ENGLISH_STOP_WORDS for word in name.split())
