"""The learned model's features and its use: TF-IDF word and character n-grams of the
title and text, the topic rules' points and the source, weighed by one linear model.

`fit_weights` trains (scikit-learn's logistic regression: its probabilities are
calibrated by the log loss it minimises) and returns `ModelWeights`, plain numbers.
`Scorer` rebuilds the vectorizers from those numbers alone, so a stored model is data
and never code; it gives each item a probability and the words that weighed most.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from curator.config import Topic
from curator.models import Decision, ModelWeights
from curator.screen.relevance import topic_points

TEXT_CHARS = 3000  # the lead says what a story is about; the rest costs time
CHAR_TEXT_CHARS = 300  # character n-grams read the title and the start of the text
MAX_FEATURES = 40000  # per vectorizer: bounds the model's size
REASONS_EACH_WAY = 3
MIN_WEIGHT = 0.05  # a contribution smaller than this explains nothing
# A source column weighs less than a word: with few decisions a source's first rejects
# must not outvote what its next story is about (bench/learn.py chose 0.3 over 1 and 0).
SOURCE_WEIGHT = 0.3
C = 10.0  # inverse regularisation; 3 and 30 did no better on bench/learn.py
_WORD = {"ngram_range": (1, 2), "sublinear_tf": True, "strip_accents": "unicode"}
_CHAR = {"analyzer": "char_wb", "ngram_range": (3, 5), "sublinear_tf": True}
_TOKEN = r"(?u)\b\w[\w'-]*\w\b|\b\w\b"  # keeps "al-anon", "12-step" whole


@dataclass(frozen=True)
class Scored:
    """The model's view of one item: P(the editors keep it) and why."""

    probability: float
    reasons: tuple[str, ...]


def word_document(title: str, text: str) -> str:
    """The title twice (it says most in fewest words), then the start of the text."""
    return f"{title}\n{title}\n{text[:TEXT_CHARS]}"


def char_document(title: str, text: str) -> str:
    return f"{title}\n{text[:CHAR_TEXT_CHARS]}"


def topic_features(rows: Sequence[Decision], topics: Sequence[Topic]) -> np.ndarray:
    """The rules' points per topic, squashed (log1p) so one topic cannot dominate."""
    chosen = tuple(topics)
    points = [topic_points(row.title, row.text, chosen) for row in rows]
    return np.log1p(np.asarray(points, dtype=np.float64).reshape(len(rows), len(topics)))


def source_features(rows: Sequence[Decision], sources: Sequence[str]) -> sparse.csr_matrix:
    """One column per known source: 1 for the item's own."""
    index = {name: i for i, name in enumerate(sources)}
    cells = [(r, index[row.source]) for r, row in enumerate(rows) if row.source in index]
    data = np.full(len(cells), SOURCE_WEIGHT)
    rows_at = [r for r, _ in cells]
    columns = [c for _, c in cells]
    return sparse.csr_matrix((data, (rows_at, columns)), shape=(len(rows), len(sources)))


def fit_weights(rows: Sequence[Decision], topics: Sequence[Topic]) -> ModelWeights:
    """Train on `rows` (both kinds present) and return the model as plain numbers."""
    words = TfidfVectorizer(token_pattern=_TOKEN, min_df=2, max_features=MAX_FEATURES, **_WORD)
    chars = TfidfVectorizer(min_df=2, max_features=MAX_FEATURES, **_CHAR)
    word_matrix = words.fit_transform([word_document(r.title, r.text) for r in rows])
    char_matrix = chars.fit_transform([char_document(r.title, r.text) for r in rows])
    sources = tuple(sorted({r.source for r in rows if r.source}))
    features = sparse.hstack(
        [word_matrix, char_matrix, topic_features(rows, topics), source_features(rows, sources)],
        format="csr",
    )
    labels = np.asarray([r.relevant for r in rows], dtype=int)
    model = LogisticRegression(C=C, max_iter=2000)
    model.fit(features, labels)
    return ModelWeights(
        word_vocabulary={term: int(i) for term, i in words.vocabulary_.items()},
        word_idf=tuple(_rounded(words.idf_)),
        char_vocabulary={term: int(i) for term, i in chars.vocabulary_.items()},
        char_idf=tuple(_rounded(chars.idf_)),
        topics=tuple(t.name for t in topics),
        sources=sources,
        coefficients=tuple(_rounded(model.coef_[0])),
        intercept=float(model.intercept_[0]),
    )


def _rounded(values: np.ndarray) -> list[float]:
    """Six significant digits: the stored JSON stays small, the scores do not move."""
    return [float(f"{v:.6g}") for v in values]


class Scorer:
    """A stored model made usable: vectorizers rebuilt from its vocabularies and idf."""

    def __init__(self, weights: ModelWeights, topics: Sequence[Topic]) -> None:
        by_name = {t.name: t for t in topics}
        # a topic renamed or removed since training keeps its column, at zero
        self.topics = tuple(by_name[name] for name in weights.topics if name in by_name)
        self.topic_columns = [i for i, name in enumerate(weights.topics) if name in by_name]
        self.weights = weights
        self.words = _vectorizer(weights.word_vocabulary, weights.word_idf, _WORD, _TOKEN)
        self.chars = _vectorizer(weights.char_vocabulary, weights.char_idf, _CHAR, None)
        self.coefficients = np.asarray(weights.coefficients)
        self.names = _feature_names(weights)

    def features(self, rows: Sequence[Decision]) -> sparse.csr_matrix:
        return sparse.hstack(
            [
                self.words.transform([word_document(r.title, r.text) for r in rows]),
                self.chars.transform([char_document(r.title, r.text) for r in rows]),
                self._topic_matrix(rows),
                source_features(rows, self.weights.sources),
            ],
            format="csr",
        )

    def _topic_matrix(self, rows: Sequence[Decision]) -> np.ndarray:
        matrix = np.zeros((len(rows), len(self.weights.topics)))
        matrix[:, self.topic_columns] = topic_features(rows, self.topics)
        return matrix

    def probabilities(self, rows: Sequence[Decision]) -> np.ndarray:
        if not rows:
            return np.zeros(0)
        margins = self.features(rows) @ self.coefficients + self.weights.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-margins)))

    def score(self, row: Decision) -> Scored:
        """The probability for one item and the readable features that weighed most."""
        features = self.features([row])
        margin = float((features @ self.coefficients)[0] + self.weights.intercept)
        contributions = features.multiply(self.coefficients).tocsr()
        named = [
            (float(value), self.names[column])
            for column, value in zip(contributions.indices, contributions.data, strict=True)
            if self.names[column] and abs(value) >= MIN_WEIGHT
        ]
        named.sort(key=lambda pair: -abs(pair[0]))
        kept = [f"+{name}" for value, name in named if value > 0][:REASONS_EACH_WAY]
        dropped = [f"−{name}" for value, name in named if value < 0][:REASONS_EACH_WAY]
        return Scored(float(1.0 / (1.0 + np.exp(-margin))), (*kept, *dropped))


def _vectorizer(
    vocabulary: dict[str, int], idf: Sequence[float], params: dict, token: str | None
) -> TfidfVectorizer:
    extra = {"token_pattern": token} if token else {}
    vectorizer = TfidfVectorizer(vocabulary=vocabulary, **params, **extra)
    vectorizer.idf_ = np.asarray(idf)
    return vectorizer


def _feature_names(weights: ModelWeights) -> list[str]:
    """A readable name per column: words and topics; "" for character n-grams and for
    words like "a" and "about", which weigh but explain nothing to an editor."""
    words = [""] * len(weights.word_vocabulary)
    for term, column in weights.word_vocabulary.items():
        if not all(word in ENGLISH_STOP_WORDS for word in term.split()):
            words[column] = term
    chars = [""] * len(weights.char_vocabulary)
    topics = [f"topic {name}" for name in weights.topics]
    sources = [f"source {name}" for name in weights.sources]
    return [*words, *chars, *topics, *sources]
