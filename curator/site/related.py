"""Related posts: for a post, up to three EARLIER live posts about the same thing.

Content similarity is TF-IDF cosine over title (counted twice) and text, taken over
each post's most telling terms only (its "signature", as Lucene's "more like this"
does), which keeps 10,000 posts fast. Shared tags add a bonus. Pure: posts in, slugs out.
"""

from __future__ import annotations

import bisect
import math
import operator
import re
from collections import Counter
from collections.abc import Collection, Sequence

from curator.models import Post

LIMIT = 3
SIGNATURE_TERMS = 12  # the terms of a post that take part in the comparison
TAG_BONUS = 0.08  # per shared tag, on top of the cosine (0..1)
MIN_SCORE = 0.1  # below this a post is not related, however few others there are


class _Damped(dict[int, float]):
    def __missing__(self, count: int) -> float:
        return self[255]  # a word 255 times is as telling as one more often


_WORD = re.compile(r"[^\W\d_]{3,}")
_ASCII_WORD = re.compile(r"[a-z]{3,}")
_TF = _Damped({n: 1 + math.log(n) for n in range(1, 256)})  # damped term frequency
_NONE: tuple[list[int], list[float]] = ([], [])
_WEIGHT = operator.itemgetter(1)
_RANK = operator.itemgetter(1, 0)  # by score, then the later post

_STOP = frozenset(
    {
        "the",
        "and",
        "for",
        "are",
        "but",
        "not",
        "you",
        "all",
        "any",
        "can",
        "had",
        "her",
        "was",
        "one",
        "our",
        "out",
        "has",
        "have",
        "him",
        "his",
        "how",
        "its",
        "may",
        "new",
        "now",
        "old",
        "see",
        "two",
        "who",
        "did",
        "get",
        "let",
        "put",
        "say",
        "she",
        "too",
        "use",
        "with",
        "that",
        "this",
        "from",
        "they",
        "will",
        "would",
        "there",
        "their",
        "what",
        "about",
        "which",
        "when",
        "were",
        "been",
        "into",
        "than",
        "then",
        "them",
        "these",
        "more",
        "some",
        "such",
        "only",
        "also",
        "after",
        "over",
        "most",
        "other",
        "could",
        "should",
        "said",
        "says",
        "per",
        "while",
        "where",
        "many",
        "much",
        "very",
        "just",
        "like",
    }
)


def choose_related(
    posts: Sequence[Post], targets: Collection[int], limit: int = LIMIT
) -> dict[int, tuple[str, ...]]:
    """For each post id in `targets`, the slugs of up to `limit` related posts that were
    published before it, best first. Retracted posts are never chosen (nor returned).

    Every post counts in the term frequencies, but only the posts that share a telling
    term with a target get a signature: a new post alone costs one pass over the words."""
    live = sorted(
        (p for p in posts if p.retracted_at is None), key=lambda p: (p.published_at, p.id)
    )
    bags = [_bag(p) for p in live]
    idf = _idf(bags)
    wanted = {i: _signature(bags[i], idf) for i, p in enumerate(live) if p.id in targets}
    postings = _postings(bags, idf, wanted, max(wanted, default=0))
    tags = [frozenset(t.casefold() for t in p.tags) for p in live]
    chosen = {}
    for index, signature in wanted.items():
        scores = _scores(index, signature, postings, tags, limit)
        best = sorted(scores.items(), key=_RANK, reverse=True)[:limit]
        chosen[live[index].id] = tuple(live[j].slug for j, score in best if score >= MIN_SCORE)
    return chosen


def _bag(post: Post) -> Counter[str]:
    title = _words(post.title)
    bag = Counter(title + title + _words(post.body_markdown))
    for word in _STOP.intersection(bag):
        del bag[word]
    return bag


def _words(text: str) -> list[str]:
    folded = text.casefold()
    # On ASCII text both patterns find the same words; the ASCII one is much faster.
    return (_ASCII_WORD if folded.isascii() else _WORD).findall(folded)


def _idf(bags: list[Counter[str]]) -> dict[str, float]:
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    return {term: math.log(1 + len(bags) / n) for term, n in df.items()}


def _signature(bag: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    """A post's most telling terms with their TF-IDF weight in its unit-length vector."""
    tf = map(_TF.__getitem__, bag.values())
    weights = list(map(operator.mul, tf, map(idf.__getitem__, bag)))
    norm = math.hypot(*weights) or 1.0
    top = sorted(zip(bag, weights, strict=True), key=_WEIGHT, reverse=True)[:SIGNATURE_TERMS]
    return {t: w / norm for t, w in top}


def _postings(
    bags: list[Counter[str]],
    idf: dict[str, float],
    wanted: dict[int, dict[str, float]],
    last: int,
) -> dict[str, tuple[list[int], list[float]]]:
    """For each telling term of a target: the posts up to `last` with it in their own
    signature, in publication order, and its weight there."""
    terms = set().union(*wanted.values())
    postings: dict[str, tuple[list[int], list[float]]] = {}
    for index in range(last + 1):
        bag = bags[index]
        if terms.isdisjoint(bag):
            continue
        signature = wanted.get(index) or _signature(bag, idf)
        for term in terms.intersection(signature):
            ids, weights = postings.setdefault(term, ([], []))
            ids.append(index)
            weights.append(signature[term])
    return postings


def _scores(
    index: int,
    signature: dict[str, float],
    postings: dict[str, tuple[list[int], list[float]]],
    tags: list[frozenset[str]],
    limit: int,
) -> dict[int, float]:
    """Similarity of post `index` to the earlier posts sharing one of its telling terms;
    only those that may be among the `limit` best."""
    scores: dict[int, float] = {}
    get = scores.get
    for term, weight in signature.items():
        ids, weights = postings.get(term, _NONE)
        cut = bisect.bisect_left(ids, index)  # in publication order: from here on, later
        for other, other_weight in zip(ids[:cut], weights[:cut], strict=True):
            scores[other] = get(other, 0.0) + weight * other_weight
    if len(scores) <= limit:
        best = scores
    else:
        # Shared tags add at most `most`: a post that trails the `limit`-th best cosine
        # by more than that cannot make the cut, so it is dropped before its tags are seen.
        floor = sorted(scores.values(), reverse=True)[limit - 1]
        floor -= TAG_BONUS * len(tags[index]) + 1e-9
        best = {other: score for other, score in scores.items() if score >= floor}
    mine = tags[index]
    if mine:
        for other, score in best.items():
            best[other] = score + TAG_BONUS * len(mine & tags[other])
    return best
