"""Same story, one item: decide whether a new entry joins an existing item.

Precision before recall: two different stories must never merge. An entry
joins an item with the same normalised or canonical URL; otherwise one whose
title is similar (token-set Dice >= `similarity`) or whose lead shares most of
its word 3-grams (wire copy under another headline), within `window`, unless
a veto fires on the titles: they carry different numbers, or each names
someone or somewhere the other does not (shared wire copy overrides the veto).
"""

from __future__ import annotations

import enum
import re
from array import array
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

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
    and 3-grams through the index finds the few that can reach the thresholds.

    The service keeps one index from run to run (see `window.StoryWindow`), so it is
    compact: a story's 3-grams are held as their hashes, and only the few stories an
    entry may join have their words and 3-grams worked out again, in `find_story`."""

    def __init__(self, items: Iterable[StorySignature] = ()) -> None:
        self.items: list[StorySignature] = []
        self.earliest: datetime | None = None  # stories first seen before it are not candidates
        self.newest_id = 0  # the highest item id added
        self._positions: dict[int, int] = {}  # item id -> position
        self._word_counts = array("I")  # per position: distinct title words, lead 3-grams
        self._shingle_counts = array("I")
        self._by_address = _Postings()
        self._by_word = _Postings()
        self._by_shingle = _Postings()
        for item in items:
            self.add(item)

    def __contains__(self, item_id: int) -> bool:
        return item_id in self._positions

    def get(self, item_id: int) -> StorySignature | None:
        position = self._positions.get(item_id)
        return None if position is None else self.items[position]

    def add(self, item: StorySignature) -> None:
        position = len(self.items)
        self.items.append(item)
        self._positions[item.item_id] = position
        self.newest_id = max(self.newest_id, item.item_id)
        for address in _addresses(item):
            self._by_address.add(address, position)
        words, shingles = _content_words(item.title), _hashed(_shingles(item.lead))
        for word in words:
            self._by_word.add(word, position)
        for shingle in shingles:
            self._by_shingle.add(shingle, position)
        self._word_counts.append(len(words))
        self._shingle_counts.append(len(shingles))

    def forget_before(self, earliest: datetime) -> None:
        """Stories first seen before `earliest` are no longer candidates (they stay
        in memory until the index is built again)."""
        self.earliest = earliest

    def candidates(
        self,
        entry: StorySignature,
        words: frozenset[str],
        shingles: frozenset[str],
        similarity: float,
    ) -> list[tuple[StorySignature, bool]]:
        """By item id (a kept index may add another process's older ids late): the
        stories sharing an address with `entry`, those whose titles (`words`) may be
        `similarity` alike, those whose leads (`shingles`) may match, each with whether
        its lead may (the window, the exact scores and the vetoes are `find_story`'s)."""
        if similarity <= 0:  # every story qualifies
            found = dict.fromkeys(range(len(self.items)), True)
        else:
            found = self._matching(entry, words, _hashed(shingles), similarity)
        earliest, items = self.earliest, self.items
        chosen = [(items[p], lead) for p, lead in found.items()]
        if earliest is not None:
            chosen = [pair for pair in chosen if pair[0].first_seen_at >= earliest]
        return sorted(chosen, key=lambda pair: pair[0].item_id)

    def _matching(
        self,
        entry: StorySignature,
        words: frozenset[str],
        shingles: frozenset[int],
        similarity: float,
    ) -> dict[int, bool]:
        """Position -> whether its lead may match: hashes only ever add shared 3-grams."""
        found = {p: False for address in _addresses(entry) for p in self._by_address.get(address)}
        for position, shared in self._by_word.shared(words).items():
            if 2 * shared / (len(words) + self._word_counts[position]) >= similarity:
                found[position] = False
        if len(shingles) >= 8:
            for position, shared in self._by_shingle.shared(shingles).items():
                theirs = self._shingle_counts[position]
                if theirs >= 8 and shared / (len(shingles) + theirs - shared) >= LEAD_SIMILARITY:
                    found[position] = True
        return found


class _Postings:
    """Key -> the positions of the stories that have it. Most lead 3-grams belong to one
    story only, so a lone position is kept bare and becomes a list at the second."""

    def __init__(self) -> None:
        self._by_key: dict[Hashable, int | list[int]] = {}

    def add(self, key: Hashable, position: int) -> None:
        present = self._by_key.get(key)
        if present is None:
            self._by_key[key] = position
        elif isinstance(present, int):
            self._by_key[key] = [present, position]
        else:
            present.append(position)

    def get(self, key: Hashable) -> Iterable[int]:
        present = self._by_key.get(key, ())
        return (present,) if isinstance(present, int) else present

    def shared(self, keys: Iterable[Hashable]) -> Counter[int]:
        """Per story position: how many of `keys` it has too."""
        counts: Counter[int] = Counter()
        for key in keys:
            present = self._by_key.get(key)
            if isinstance(present, int):
                counts[present] += 1
            elif present is not None:
                counts.update(present)
        return counts


def _hashed(shingles: frozenset[str]) -> frozenset[int]:
    """3-grams as their hashes: an int instead of a string in the index. A collision
    between two leads only adds a candidate, which `find_story` checks on the 3-grams
    themselves; one inside a lead (~2^-53 a lead) would shrink its count."""
    return frozenset(hash(shingle) for shingle in shingles)


class MatchReason(enum.StrEnum):
    """Why an entry joins a story."""

    SAME_ADDRESS = "same address"  # its URL or canonical URL
    SHARED_LEAD = "shared lead"  # most of its lead's 3-grams: wire copy
    SIMILAR_TITLE = "similar title"  # and no veto on the titles


@dataclass(frozen=True)
class StoryMatch:
    """The story an entry joins, and why."""

    item_id: int
    reason: MatchReason


def find_story(
    entry: StorySignature,
    items: StoryIndex | Iterable[StorySignature],
    similarity: float,
    window: timedelta,
) -> int | None:
    """The id of the item `entry` belongs to, or None for a new story (see `match_story`)."""
    match = match_story(entry, items, similarity, window)
    return None if match is None else match.item_id


def match_story(
    entry: StorySignature,
    items: StoryIndex | Iterable[StorySignature],
    similarity: float,
    window: timedelta,
) -> StoryMatch | None:
    """The item `entry` belongs to and why, or None for a new story.

    `entry.item_id` is ignored. The best title match wins when several qualify; the
    first of them when they tie. Pass a `StoryIndex` when there are many items.
    """
    index = items if isinstance(items, StoryIndex) else StoryIndex(items)
    words, shingles = _content_words(entry.title), _shingles(entry.lead)
    best: tuple[float, StoryMatch] | None = None
    for item, lead_may_match in index.candidates(entry, words, shingles, similarity):
        if _same_address(entry, item):
            return StoryMatch(item.item_id, MatchReason.SAME_ADDRESS)
        if abs(entry.first_seen_at - item.first_seen_at) > window:
            continue
        # Shared wire copy outweighs headline differences; a title match must pass the vetoes.
        score = _lead_match(shingles, _shingles(item.lead)) if lead_may_match else 0.0
        reason = MatchReason.SHARED_LEAD
        if not score:
            reason, item_words = MatchReason.SIMILAR_TITLE, _content_words(item.title)
            if not _vetoed(entry.title, words, item.title, item_words):
                score = _dice(words, item_words)
        if score >= similarity and (best is None or score > best[0]):
            best = (score, StoryMatch(item.item_id, reason))
    return best[1] if best else None


def _dice(left: frozenset[str], right: frozenset[str]) -> float:
    """Dice coefficient of two titles' content-word sets (0..1)."""
    if not left or not right:
        return 0.0
    return 2 * len(left & right) / (len(left) + len(right))


def _same_address(entry: StorySignature, item: StorySignature) -> bool:
    return not _addresses(entry).isdisjoint(_addresses(item))


def _addresses(story: StorySignature) -> set[str]:
    return {address for address in (story.url, story.canonical_url) if address}


def _lead_match(left: frozenset[str], right: frozenset[str]) -> float:
    """1.0 when two leads' 3-grams mostly match (the same wire text), else 0."""
    if len(left) < 8 or len(right) < 8:
        return 0.0
    jaccard = len(left & right) / len(left | right)
    return 1.0 if jaccard >= LEAD_SIMILARITY else 0.0


def _vetoed(a: str, words_a: frozenset[str], b: str, words_b: frozenset[str]) -> bool:
    """Different numbers, or distinct names on both sides (titles `a` and `b`, with
    their content words): different stories."""
    numbers_a, numbers_b = set(_NUMBER.findall(a)), set(_NUMBER.findall(b))
    if numbers_a and numbers_b and numbers_a != numbers_b:
        return True
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


def _content_words(text: str) -> frozenset[str]:
    words = (w.lower().rstrip(".") for w in _WORD.findall(text))
    return frozenset(_fold(w) for w in words if w not in _STOPWORDS)


def _fold(word: str) -> str:
    word = word.replace("’", "'").removesuffix("'s")
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _shingles(text: str) -> frozenset[str]:
    """The lead's word 3-grams, each one string ("a b c"): half the memory of tuples."""
    words = [w.lower() for w in _WORD.findall(text)][:LEAD_WORDS]
    return frozenset(" ".join(words[i : i + 3]) for i in range(len(words) - 2))
