"""`StoryIndex`: the stories an entry may join, and how they are found and weighed.

Addresses, terms (numbered, with how many stories use each, for the weights) and lead
3-grams point to the stories that have them, so an entry is scored against the few that
share its most telling terms, not all 8,000 of a busy window.
"""

from __future__ import annotations

import heapq
import math
import re
from array import array
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from curator.models import StorySignature
from curator.screen.story_evidence import Evidence, dice, shared_names
from curator.screen.story_terms import story_terms, title_names, title_numbers, title_terms

SHINGLE_WORDS = 40  # a lead's first words, compared as 3-grams for wire copy
LEAD_SIMILARITY = 0.5  # Jaccard of those 3-grams that makes two leads one wire text
LEAD_KEPT = 600  # characters of a story's first lead the index keeps (its 3-grams)
MAX_TERMS = 200  # a story's terms kept, the most used first, as its reports add up
QUERY_TERMS = 60  # an entry's most telling terms look up the stories that share them
SHORTLIST = 30  # the stories sharing most of them are scored in full
LOOKUPS = 6000  # postings followed an entry, at most (8,000 stories: ~2 ms)
_LOG_HALF = math.log(0.5)  # of a term no story uses yet
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.-]*[A-Za-z0-9]|[A-Za-z0-9]")


@dataclass(frozen=True)
class Query:
    """An entry's TF-IDF weights (unit length), by the index's term ids; terms the index
    does not know count in the length only. `text_words`: how many words its title and
    text have."""

    weights: dict[int, float]
    text_words: int


class StoryIndex:
    """The stories an entry may join, indexed by what a match needs: addresses, terms
    (with how many stories use each, for the weights) and lead 3-grams.

    With 2,000 sources a 3-day window holds ~8,000 stories; comparing an entry with
    each of them in full would take ~50 ms, so an entry's most telling terms find the
    stories sharing them, and only those are scored. The service keeps one index from
    run to run (see `window.StoryWindow`), so it is compact: terms are numbered, a
    story's terms and counts are two arrays, and its 3-grams are held as their hashes."""

    def __init__(self, items: Iterable[StorySignature] = ()) -> None:
        self.items: list[StorySignature] = []  # each story's first report, lead cut short
        self.earliest: datetime | None = None  # stories first seen before it are not candidates
        self.newest_id = 0  # the highest item id added
        self._positions: dict[int, int] = {}  # item id -> position
        self._terms: list[array[int]] = []  # per position: its term ids
        self._counts: list[array[float]] = []  # per position: how often each was used
        self._latest = array("d")  # per position: its latest report's time (POSIX)
        self._sources: list[tuple[int, ...]] = []  # per position: its reports' feeds
        self._lengths = array("d")  # per position: its weights' length, as last worked out
        self._length_at = array("I")  # per position: the stories held then (0: not yet)
        self._shingle_counts = array("I")  # per position: its first lead's 3-grams
        self._vocabulary: dict[str, int] = {}
        self._story_counts = array("I")  # per term id: how many stories use it
        self._log_counts = array("d")  # per term id: log(stories using it + 0.5)
        self._by_address = _Postings()
        self._by_term = _Postings()
        self._by_shingle = _Postings()
        for item in items:
            self.add(item)

    def __contains__(self, item_id: int) -> bool:
        return item_id in self._positions

    def get(self, item_id: int) -> StorySignature | None:
        position = self._positions.get(item_id)
        return None if position is None else self.items[position]

    def add(self, report: StorySignature) -> None:
        """A story's first report starts it; a later one (the same item id: an entry
        that joined it, or an editor's merge) adds its words and addresses to it."""
        position = self._positions.get(report.item_id)
        if position is None:
            position = self._start(report)
        for address in addresses(report):
            self._by_address.add(address, position)
        self._learn_terms(position, story_terms(report.title, report.lead))
        self._latest[position] = max(self._latest[position], report.first_seen_at.timestamp())
        if report.source_id not in self._sources[position]:
            self._sources[position] += (report.source_id,)

    def forget_before(self, earliest: datetime) -> None:
        """Stories first seen before `earliest` are no longer candidates (they stay
        in memory until the index is built again)."""
        self.earliest = earliest

    def query(self, entry: StorySignature) -> Query:
        """An entry's terms weighed against the stories held now."""
        terms, known = story_terms(entry.title, entry.lead), self._vocabulary
        weights = {
            term: _damped(count) * self._idf(known.get(term)) for term, count in terms.items()
        }
        length = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        text_words = len(entry.title.split()) + len(entry.lead.split())
        return Query({known[t]: w / length for t, w in weights.items() if t in known}, text_words)

    def candidates(
        self, entry: StorySignature, query: Query, shingles: frozenset[str]
    ) -> list[tuple[StorySignature, bool]]:
        """By item id: the stories sharing an address with `entry`, those sharing most of
        its telling terms, those whose leads may share its wire copy, each with whether
        its lead may (the window and the scores are `match_story`'s)."""
        found = {p: False for address in addresses(entry) for p in self._by_address.get(address)}
        for position in self._sharing_terms(query):
            found.setdefault(position, False)
        hashed = hashed_shingles(shingles)
        if len(hashed) >= 8:
            for position, shared in self._by_shingle.shared(hashed).items():
                theirs = self._shingle_counts[position]
                if theirs >= 8 and shared / (len(hashed) + theirs - shared) >= LEAD_SIMILARITY:
                    found[position] = True
        chosen = [(self.items[p], lead) for p, lead in found.items()]
        if self.earliest is not None:
            chosen = [pair for pair in chosen if pair[0].first_seen_at >= self.earliest]
        return sorted(chosen, key=lambda pair: pair[0].item_id)

    def evidence(
        self, item_id: int, entry: StorySignature, query: Query, threshold: float | None = None
    ) -> Evidence:
        """What `entry` (weighed as `query`) has in common with story `item_id`. Names
        only count against, so below `threshold` without them they are not read."""
        position = self._positions[item_id]
        story = self.items[position]
        days = abs(entry.first_seen_at.timestamp() - self._latest[position]) / 86400
        ours, theirs = title_numbers(entry.title), title_numbers(story.title)
        differ = bool(ours - theirs and theirs - ours)
        evidence = Evidence(
            self._cosine(position, query),
            dice(title_terms(entry.title), title_terms(story.title)),
            days,
            (", ".join(sorted(ours)), ", ".join(sorted(theirs))) if differ else (),
            (),
            same_outlet=bool(entry.source_id) and entry.source_id in self._sources[position],
            text_words=query.text_words,
        )
        if threshold is not None and evidence.score < threshold:
            return evidence
        return replace(
            evidence,
            shared_names=shared_names(entry, story),
            unshared_names=self._unshared_names(position, entry, query),
        )

    def _unshared_names(
        self, position: int, entry: StorySignature, query: Query
    ) -> tuple[str, ...]:
        """The names in each title that the other article never uses, when both have
        some: "Kentucky overdose deaths fall" is not "Ohio overdose deaths fall"."""
        story, known = self.items[position], self._vocabulary
        held = set(self._terms[position])
        ours = [n for n in title_names(entry.title, entry.lead) if known.get(n) not in held]
        theirs = [
            n for n in title_names(story.title, story.lead) if known.get(n) not in query.weights
        ]
        return (", ".join(sorted(ours)), ", ".join(sorted(theirs))) if ours and theirs else ()

    def _start(self, report: StorySignature) -> int:
        position = len(self.items)
        self.items.append(_slim(report))
        self._positions[report.item_id] = position
        self.newest_id = max(self.newest_id, report.item_id)
        self._terms.append(array("I"))
        self._counts.append(array("f"))
        self._latest.append(report.first_seen_at.timestamp())
        self._sources.append(())
        self._lengths.append(1.0)
        self._length_at.append(0)
        shingles = hashed_shingles(lead_shingles(report.lead))
        for shingle in shingles:
            self._by_shingle.add(shingle, position)
        self._shingle_counts.append(len(shingles))
        return position

    def _learn_terms(self, position: int, terms: Counter[str]) -> None:
        """Add a report's terms to a story's, keeping its `MAX_TERMS` most used."""
        held = dict(zip(self._terms[position], self._counts[position], strict=True))
        for term, count in terms.items():
            term_id = self._term_id(term)
            if term_id not in held:
                self._by_term.add(term_id, position)
                self._story_counts[term_id] += 1
                self._log_counts[term_id] = math.log(self._story_counts[term_id] + 0.5)
            held[term_id] = held.get(term_id, 0.0) + count
        kept = heapq.nlargest(MAX_TERMS, held.items(), key=lambda pair: pair[1])
        self._terms[position] = array("I", (term_id for term_id, _ in kept))
        self._counts[position] = array("f", (count for _, count in kept))
        self._length_at[position] = 0  # its length is worked out again, now
        self._length(position)

    def _term_id(self, term: str) -> int:
        term_id = self._vocabulary.get(term)
        if term_id is None:
            term_id = self._vocabulary[term] = len(self._vocabulary)
            self._story_counts.append(0)
            self._log_counts.append(_LOG_HALF)
        return term_id

    def _idf(self, term_id: int | None) -> float:
        used = _LOG_HALF if term_id is None else self._log_counts[term_id]
        return math.log(len(self.items) + 1) - used

    def _sharing_terms(self, query: Query) -> list[int]:
        """The `SHORTLIST` stories sharing the most weight of the entry's most telling
        terms. Most telling first, and no more than `LOOKUPS` postings in all: a term many
        stories use says little and would cost the most to follow."""
        telling = heapq.nlargest(QUERY_TERMS, query.weights.items(), key=lambda pair: pair[1])
        shared: dict[int, float] = {}
        budget = LOOKUPS
        for term_id, weight in telling:
            budget -= self._story_counts[term_id]
            if budget < 0:
                break
            for position in self._by_term.get(term_id):
                shared[position] = shared.get(position, 0.0) + weight
        return heapq.nlargest(SHORTLIST, shared, key=shared.__getitem__)

    def _cosine(self, position: int, query: Query) -> float:
        """The dot product over the terms both have, by the story's length (kept, and
        worked out again once the index has grown a tenth: the weights drift slowly)."""
        everything, logs = math.log(len(self.items) + 1), self._log_counts
        counts = dict(zip(self._terms[position], self._counts[position], strict=True))
        ours = query.weights  # only the shared terms are weighed: the length is kept
        dot = sum(
            ours[term_id] * _damped(counts[term_id]) * (everything - logs[term_id])
            for term_id in counts.keys() & ours.keys()
        )
        return dot / self._length(position) if dot else 0.0

    def _length(self, position: int) -> float:
        if len(self.items) > self._length_at[position] * 1.1:
            weights = self._weights(position).values()
            self._lengths[position] = math.sqrt(sum(w * w for w in weights)) or 1.0
            self._length_at[position] = len(self.items)
        return self._lengths[position]

    def _weights(self, position: int) -> dict[int, float]:
        """A story's TF-IDF weights by term id, as the index weighs terms now."""
        everything, logs = math.log(len(self.items) + 1), self._log_counts
        return {
            term_id: _damped(count) * (everything - logs[term_id])
            for term_id, count in zip(self._terms[position], self._counts[position], strict=True)
        }


class _Postings:
    """Key -> the positions of the stories that have it. Most keys belong to one story
    only, so a lone position is kept bare and becomes a list at the second."""

    def __init__(self) -> None:
        self._by_key: dict[Hashable, int | list[int]] = {}

    def add(self, key: Hashable, position: int) -> None:
        present = self._by_key.get(key)
        if present is None:
            self._by_key[key] = position
        elif isinstance(present, int):
            if present != position:
                self._by_key[key] = [present, position]
        elif present[-1] != position:
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


def _slim(report: StorySignature) -> StorySignature:
    """A story's first report as the index keeps it: the lead only as far as its
    3-grams are read (`lead_shingles` reads `SHINGLE_WORDS` words)."""
    return StorySignature(
        report.item_id, report.title, report.url, report.canonical_url,
        report.lead[:LEAD_KEPT], report.first_seen_at, report.source_id,
    )  # fmt: skip


def _damped(count: float) -> float:
    return 1.0 + math.log(count) if count >= 1 else count


def addresses(story: StorySignature) -> set[str]:
    return {address for address in (story.url, story.canonical_url) if address}


def hashed_shingles(shingles: frozenset[str]) -> frozenset[int]:
    """3-grams as their hashes: an int instead of a string in the index. A collision
    only adds a candidate, whose 3-grams `match_story` compares themselves."""
    return frozenset(hash(shingle) for shingle in shingles)


def lead_shingles(text: str) -> frozenset[str]:
    """The lead's word 3-grams, each one string ("a b c"): half the memory of tuples."""
    words = [w.lower() for w in _WORD.findall(text)][:SHINGLE_WORDS]
    return frozenset(" ".join(words[i : i + 3]) for i in range(len(words) - 2))
