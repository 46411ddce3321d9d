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
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from datetime import timedelta
from functools import lru_cache
from typing import Any

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


class StoryIndex:
    """The stories an entry may join, indexed by what a match needs: an address, title
    words, lead 3-grams. With 2,000 sources a 3-day window holds ~8,000 stories, and
    comparing each entry with all of them took 84 ms an entry; counting shared words
    and 3-grams through the index finds the few that can reach the thresholds."""

    def __init__(self, items: Iterable[StorySignature] = ()) -> None:
        self.items: list[StorySignature] = []
        self._by_address: dict[str, list[int]] = defaultdict(list)
        self._by_word: dict[str, list[int]] = defaultdict(list)
        self._by_shingle: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self._words: list[int] = []  # per item: how many title words, lead 3-grams
        self._shingles: list[int] = []
        for item in items:
            self.add(item)

    def add(self, item: StorySignature) -> None:
        position = len(self.items)
        self.items.append(item)
        for address in _addresses(item):
            self._by_address[address].append(position)
        words, shingles = _content_words(item.title), _shingles(item.lead)
        for word in words:
            self._by_word[word].append(position)
        for shingle in shingles:
            self._by_shingle[shingle].append(position)
        self._words.append(len(words))
        self._shingles.append(len(shingles))

    def candidates(self, entry: StorySignature, similarity: float) -> list[StorySignature]:
        """In the order they were added: the stories sharing an address with `entry`,
        those whose titles are `similarity` alike, those whose leads match (the
        window and the vetoes are `find_story`'s to check)."""
        if similarity <= 0:  # every story qualifies
            return self.items
        found = {p for address in _addresses(entry) for p in self._by_address.get(address, ())}
        words = _content_words(entry.title)
        for position, shared in _shared(words, self._by_word).items():
            if 2 * shared / (len(words) + self._words[position]) >= similarity:
                found.add(position)
        shingles = _shingles(entry.lead)
        if len(shingles) >= 8:
            for position, shared in _shared(shingles, self._by_shingle).items():
                union = len(shingles) + self._shingles[position] - shared
                if self._shingles[position] >= 8 and shared / union >= LEAD_SIMILARITY:
                    found.add(position)
        return [self.items[p] for p in sorted(found)]


def _shared(keys: Iterable[Hashable], postings: Mapping[Any, list[int]]) -> Counter[int]:
    """Per story position: how many of `keys` it has too."""
    counts: Counter[int] = Counter()
    for key in keys:
        counts.update(postings.get(key, ()))
    return counts


def find_story(
    entry: StorySignature,
    items: StoryIndex | Iterable[StorySignature],
    similarity: float,
    window: timedelta,
) -> int | None:
    """The id of the item `entry` belongs to, or None for a new story.

    `entry.item_id` is ignored. The best title match wins when several qualify; the
    first of them when they tie. Pass a `StoryIndex` when there are many items.
    """
    index = items if isinstance(items, StoryIndex) else StoryIndex(items)
    best: tuple[float, int] | None = None
    for item in index.candidates(entry, similarity):
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
    return not _addresses(entry).isdisjoint(_addresses(item))


def _addresses(story: StorySignature) -> set[str]:
    return {address for address in (story.url, story.canonical_url) if address}


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


@lru_cache(maxsize=16384)  # every extraction run indexes the window's titles again
def _content_words(text: str) -> frozenset[str]:
    words = (w.lower().rstrip(".") for w in _WORD.findall(text))
    return frozenset(_fold(w) for w in words if w not in _STOPWORDS)


def _fold(word: str) -> str:
    word = word.replace("’", "'").removesuffix("'s")
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


@lru_cache(maxsize=8192)  # ~9 KB each: about the window of 2,000 sources (~75 MB)
def _shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = [w.lower() for w in _WORD.findall(text)][:LEAD_WORDS]
    return frozenset(tuple(words[i : i + 3]) for i in range(len(words) - 2))
