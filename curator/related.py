"""Related posts: for a post, up to three EARLIER live posts about the same thing.

Content similarity is TF-IDF cosine over title (counted twice) and text, taken over
each post's most telling terms only (its "signature", as Lucene's "more like this"
does), which keeps 10,000 posts fast. Shared tags add a bonus. Pure: posts in, slugs out.
"""

from __future__ import annotations

import heapq
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

_WORD = re.compile(r"[^\W\d_]{3,}")
_TF = [0.0] + [1 + math.log(n) for n in range(1, 256)]  # damped term frequency
_WEIGHT = operator.itemgetter(1)
_STOP = frozenset(
    {
        "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was",
        "one", "our", "out", "has", "have", "him", "his", "how", "its", "may", "new", "now", "old",
        "see", "two", "who", "did", "get", "let", "put", "say", "she", "too", "use", "with",
        "that", "this", "from", "they", "will", "would", "there", "their", "what", "about",
        "which", "when", "were", "been", "into", "than", "then", "them", "these", "more", "some",
        "such", "only", "also", "after", "over", "most", "other", "could", "should", "said",
        "says", "per", "while", "where", "many", "much", "very", "just", "like",
    }
)


def choose_related(
    posts: Sequence[Post], targets: Collection[int], limit: int = LIMIT
) -> dict[int, tuple[str, ...]]:
    """For each post id in `targets`, the slugs of up to `limit` related posts that were
    published before it, best first. Retracted posts are never chosen (nor returned)."""
    live = sorted(
        (p for p in posts if p.retracted_at is None), key=lambda p: (p.published_at, p.id)
    )
    signatures = _signatures([_bag(p) for p in live])
    postings: dict[str, list[tuple[int, float]]] = {}
    for index, signature in enumerate(signatures):
        for term, weight in signature.items():
            postings.setdefault(term, []).append((index, weight))
    tags = [frozenset(t.casefold() for t in p.tags) for p in live]
    chosen = {}
    for index, post in enumerate(live):
        if post.id in targets:
            scores = _scores(index, signatures[index], postings, tags)
            best = heapq.nlargest(limit, scores.items(), key=lambda pair: (pair[1], pair[0]))
            chosen[post.id] = tuple(live[j].slug for j, score in best if score >= MIN_SCORE)
    return chosen


def _bag(post: Post) -> Counter[str]:
    title = _WORD.findall(post.title.casefold())
    bag = Counter(title + title + _WORD.findall(post.body_markdown.casefold()))
    for word in _STOP.intersection(bag):
        del bag[word]
    return bag


def _signatures(bags: list[Counter[str]]) -> list[dict[str, float]]:
    """Each post's most telling terms with their TF-IDF weight in its unit-length vector."""
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    idf = {term: math.log(1 + len(bags) / n) for term, n in df.items()}
    signatures = []
    for bag in bags:
        vector = {t: _TF[n if n < 256 else 255] * idf[t] for t, n in bag.items()}
        norm = math.hypot(*vector.values()) or 1.0
        top = sorted(vector.items(), key=_WEIGHT, reverse=True)[:SIGNATURE_TERMS]
        signatures.append({t: w / norm for t, w in top})
    return signatures


def _scores(
    index: int,
    signature: dict[str, float],
    postings: dict[str, list[tuple[int, float]]],
    tags: list[frozenset[str]],
) -> dict[int, float]:
    """Similarity of post `index` to the earlier posts sharing one of its telling terms."""
    scores: dict[int, float] = {}
    for term, weight in signature.items():
        for other, other_weight in postings[term]:
            if other >= index:
                break  # postings are in publication order: the rest are later
            scores[other] = scores.get(other, 0.0) + weight * other_weight
    mine = tags[index]
    if mine:
        for other in scores:
            scores[other] += TAG_BONUS * len(mine & tags[other])
    return scores
