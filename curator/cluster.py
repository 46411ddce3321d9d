"""Same story, one item: decide whether a new entry joins an existing item.

Precision before recall: two different stories must never merge. An entry
joins an item with the same normalised or canonical URL; otherwise one whose
title is similar (token-set Dice >= `similarity`) or whose lead shares most of
its word 3-grams (wire copy under another headline), within `window`, unless
a veto fires on the titles: they carry different numbers, or each names
someone or somewhere the other does not (shared wire copy overrides the veto).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from functools import lru_cache

from curator.models import StorySignature

LEAD_WORDS = 60
LEAD_SIMILARITY = 0.5
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.-]*[A-Za-z0-9]|[A-Za-z0-9]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_STOPWORD_TEXT = """
a an and are as at be by for from has have in into is it its new of on or over says said
than that the their this to up was were what who will with after amid about how why
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def find_story(
    entry: StorySignature,
    items: Iterable[StorySignature],
    similarity: float,
    window: timedelta,
) -> int | None:
    """The id of the item `entry` belongs to, or None for a new story.

    `entry.item_id` is ignored. The best title match wins when several qualify.
    """
    best: tuple[float, int] | None = None
    for item in items:
        if _same_address(entry, item):
            return item.item_id
        if abs(entry.first_seen_at - item.first_seen_at) > window:
            continue
        # Shared wire copy outweighs headline differences; a title match must pass the vetoes.
        score = _lead_match(entry, item)
        if not score and not _vetoed(entry.title, item.title):
            score = title_similarity(entry.title, item.title)
        if score >= similarity and (best is None or score > best[0]):
            best = (score, item.item_id)
    return best[1] if best else None


def title_similarity(a: str, b: str) -> float:
    """Dice coefficient of the content-word sets of two titles (0..1)."""
    left, right = _content_words(a), _content_words(b)
    if not left or not right:
        return 0.0
    return 2 * len(left & right) / (len(left) + len(right))


def _same_address(entry: StorySignature, item: StorySignature) -> bool:
    addresses = {entry.url, entry.canonical_url} - {None, ""}
    return bool(addresses & ({item.url, item.canonical_url} - {None, ""}))


def _lead_match(entry: StorySignature, item: StorySignature) -> float:
    """1.0 when the leads share most 3-grams (the same wire text), else 0."""
    left, right = _shingles(entry.lead), _shingles(item.lead)
    if len(left) < 8 or len(right) < 8:
        return 0.0
    jaccard = len(left & right) / len(left | right)
    return 1.0 if jaccard >= LEAD_SIMILARITY else 0.0


def _vetoed(a: str, b: str) -> bool:
    """Different numbers, or distinct names on both sides: different stories."""
    numbers_a, numbers_b = set(_NUMBER.findall(a)), set(_NUMBER.findall(b))
    if numbers_a and numbers_b and numbers_a != numbers_b:
        return True
    words_a, words_b = _content_words(a), _content_words(b)
    only_a = {n for n in _names(a) if n not in words_b}
    only_b = {n for n in _names(b) if n not in words_a}
    return bool(only_a and only_b)


def _names(title: str) -> set[str]:
    """Capitalised words (names, places, agencies), lower-cased. The first word
    counts too: "Ohio ..." and "Kentucky ..." are different stories."""
    words = _WORD.findall(title)
    if sum(w[0].isupper() for w in words) > 0.6 * len(words):
        # Title Case headlines capitalise everything; only all-caps acronyms stand out.
        return {_fold(w.lower()) for w in words if w.isupper() and len(w) > 1}
    return {_fold(w.lower()) for w in words if w[0].isupper() and w.lower() not in _STOPWORDS}


@lru_cache(maxsize=16384)  # each item is compared with every newcomer in the window
def _content_words(text: str) -> frozenset[str]:
    words = (w.lower().rstrip(".") for w in _WORD.findall(text))
    return frozenset(_fold(w) for w in words if w not in _STOPWORDS)


def _fold(word: str) -> str:
    word = word.replace("’", "'").removesuffix("'s")
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


@lru_cache(maxsize=16384)
def _shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = [w.lower() for w in _WORD.findall(text)][:LEAD_WORDS]
    return frozenset(tuple(words[i : i + 3]) for i in range(len(words) - 2))
