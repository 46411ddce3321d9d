"""Is an article on topic? Topic rules from config.toml -> a score with reasons.

Matching is on whole words, case-insensitive, with simple plurals folded
("overdoses" matches "overdose"); a term may be a phrase ("opioid use
disorder"). A title match weighs TITLE_WEIGHT body matches. A topic's
`excludes` silence it unless its own evidence is strong (STRONG_EVIDENCE points:
a title match and two mentions in the text): "vets" must not silence a story on
veterans' overdoses. Its `context_terms` count only when one of its `context`
words is within `window` words in the same field.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from curator.config.lists import Topic
from curator.models import Relevance

TITLE_WEIGHT = 3.0
TITLE_CAP = 2  # title hits counted per topic
BODY_CAP = 3.0  # most points body hits can give one topic
CONTEXT_WINDOW = 12
STRONG_EVIDENCE = TITLE_WEIGHT + 2.0  # points (before the weight) an exclude cannot silence
ALL_ON_TOPIC = "source: all on topic"
# "non-opioid" and "anti-drug" are one word each: they name what a thing is not
_WORD = re.compile(r"(?:non-|anti-)?[a-z0-9]+")


@dataclass(frozen=True)
class _Field:
    """A text as stemmed words plus an index from word to positions."""

    name: str
    words: tuple[str, ...]
    index: dict[str, list[int]]


def score_article(
    title: str,
    text: str,
    topics: Sequence[Topic],
    threshold: float,
    *,
    window: int = CONTEXT_WINDOW,
) -> Relevance:
    """Score `title` and `text` against `topics`; kept when score >= threshold."""
    fields = (_field("title", title), _field("body", text))
    results = [_score_topic(topic, fields, window) for topic in topics]
    scored = sorted((r for r in results if r[0] > 0), key=lambda r: -r[0])
    score = round(sum(r[0] for r in scored), 2)
    # An editor reads the strongest topic first, and its title matches first.
    ranked = [
        (points + (0.5 if reason.startswith("title") else 0.0), reason)
        for points, _, topic_reasons in results
        for reason in topic_reasons
    ]
    reasons = [reason for _, reason in sorted(ranked, key=lambda pair: -pair[0])]
    return Relevance(
        score=score,
        topics=tuple(r[1] for r in scored),
        reasons=tuple(reasons),
        kept=is_kept(score, threshold),
    )


def is_kept(score: float, threshold: float) -> bool:
    """The rules keep an item at `threshold` and above, and never on no evidence."""
    return score >= threshold and score > 0


@lru_cache(maxsize=16384)
def topic_points(title: str, text: str, topics: tuple[Topic, ...]) -> tuple[float, ...]:
    """Each topic's points, in the order of `topics`: the rules' evidence as numbers
    (a learned model reads them beside the words; training reads each row several
    times, hence the cache)."""
    fields = (_field("title", title), _field("body", text))
    return tuple(_points(topic, fields) for topic in topics)


def _points(topic: Topic, fields: tuple[_Field, ...]) -> float:
    """A topic's points; 0 at once when no term of it can start in the text (most topics,
    for most texts: the full look-up is most of the time training spends on the rules)."""
    starts = _first_words(topic.terms) | _first_words(topic.context_terms)
    if not any(starts.intersection(field.index) for field in fields):
        return 0.0
    return _evidence(topic, fields, CONTEXT_WINDOW)[0]


def on_topic_by_source(relevance: Relevance) -> Relevance:
    """A source marked `filter = "all"` publishes nothing off topic: kept whatever
    the score, and the first reason says why."""
    if ALL_ON_TOPIC in relevance.reasons:
        return relevance
    return replace(relevance, kept=True, reasons=(ALL_ON_TOPIC, *relevance.reasons))


def _score_topic(
    topic: Topic, fields: tuple[_Field, ...], window: int
) -> tuple[float, str, list[str]]:
    """(points, topic name, reasons) for one topic."""
    points, counts, excluded = _evidence(topic, fields, window)
    if excluded is not None and points == 0:
        return 0.0, topic.name, [f"excluded: {excluded} ({topic.name})"]
    reasons = [
        f"{where}: {term}{f' ×{n}' if n > 1 else ''} ({topic.name})"
        for where in ("title", "body")
        for term, n in sorted(counts[where].items(), key=lambda kv: -kv[1])
        if n > 0
    ]
    if excluded is not None:
        reasons.append(f"exclude overruled: {excluded} ({topic.name})")
    return points, topic.name, reasons


def _evidence(
    topic: Topic, fields: tuple[_Field, ...], window: int
) -> tuple[float, dict[str, dict[str, int]], str | None]:
    """(weighted points, term counts per field, the exclude that matched): the points are
    0 when an exclude matched and the evidence is not strong enough to overrule it. A
    topic with no evidence has no exclude to report: an editor would read "excluded:
    police" as the reason a story was dropped."""
    counts = _topic_counts(topic, fields, window)
    title_hits = sum(counts["title"].values())
    body_hits = sum(counts["body"].values())
    points = TITLE_WEIGHT * min(title_hits, TITLE_CAP) + _body_points(body_hits)
    if points == 0:
        return 0.0, counts, None
    matched = {t for f in fields for t in _present(f, topic.excludes) if _positions(f, t)}
    excluded = next((t for t in _distinct(topic.excludes) if t in matched), None)
    if excluded is not None and points < STRONG_EVIDENCE:
        return 0.0, counts, excluded
    return points * topic.weight, counts, excluded


def _topic_counts(
    topic: Topic, fields: tuple[_Field, ...], window: int
) -> dict[str, dict[str, int]]:
    """How often each of the topic's terms occurs in the title and in the body."""
    counts: dict[str, dict[str, int]] = {"title": defaultdict(int), "body": defaultdict(int)}
    for field in fields:
        for term in _present(field, topic.terms):
            counts[field.name][term] += len(_positions(field, term))
        present = _present(field, topic.context_terms)
        found = [(t, ps) for t in present if (ps := _positions(field, t))]
        if not found:
            continue  # the context words are looked up only when a context term is there
        context = [p for c in _present(field, topic.context) for p in _positions(field, c)]
        for term, positions in found:
            near = [p for p in positions if any(abs(p - c) <= window for c in context)]
            counts[field.name][term] += len(near)
    return counts


@lru_cache(maxsize=1024)
def _distinct(terms: tuple[str, ...]) -> tuple[str, ...]:
    """One term per stemmed form: "family" and "families" are one word, counted once."""
    first: dict[tuple[str, ...], str] = {}
    for term in terms:
        first.setdefault(_term_words(term), term)
    return tuple(first.values())


@lru_cache(maxsize=1024)
def _by_first_word(terms: tuple[str, ...]) -> dict[str, tuple[tuple[int, str], ...]]:
    """The distinct terms grouped by their first stemmed word, each with its place."""
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for place, term in enumerate(_distinct(terms)):
        words = _term_words(term)
        if words:
            groups[words[0]].append((place, term))
    return {word: tuple(group) for word, group in groups.items()}


@lru_cache(maxsize=1024)
def _first_words(terms: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_by_first_word(terms))


def _present(field: _Field, terms: tuple[str, ...]) -> list[str]:
    """The distinct `terms` whose first word is in `field`, in their listed order. One
    set intersection, so the many terms a text does not contain cost nothing."""
    groups = _by_first_word(terms)
    hits = sorted(pair for word in groups.keys() & field.index.keys() for pair in groups[word])
    return [term for _, term in hits]


def _body_points(hits: int) -> float:
    """1 for one mention, 2 for two, then slowly up to BODY_CAP."""
    return 0.0 if hits == 0 else min(BODY_CAP, 1 + math.log2(hits))


def _field(name: str, text: str) -> _Field:
    words = tuple(map(stem, _WORD.findall(text.lower())))
    index: dict[str, list[int]] = defaultdict(list)
    for position, word in enumerate(words):
        index[word].append(position)
    return _Field(name, words, dict(index))


def _positions(field: _Field, term: str) -> list[int]:
    """Where the (possibly multi-word) `term` starts in `field`."""
    wanted = _term_words(term)
    if not wanted:
        return []
    starts = field.index.get(wanted[0], [])
    size = len(wanted)
    if size == 1:
        return starts
    return [p for p in starts if field.words[p : p + size] == wanted]


@lru_cache(maxsize=4096)
def _term_words(term: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in _WORD.findall(term.lower()))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Fold simple English plurals: overdoses -> overdose, policies -> policy."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word
