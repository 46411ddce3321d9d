"""Extractive summaries: the article's own sentences, chosen for what it is about.

Sentences come from pysbd (a rule-based segmenter that knows "Dr.", "U.S.",
"p < .05"). Each candidate is scored by TF-IDF cosine to the document centroid
(centrality), overlap with the title (coverage of the topic) and a light lead
bonus; MMR then picks sentences that are central but not redundant. The chosen
sentences are returned in their article order. See docs/summaries.md.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

import pysbd
from pysbd.utils import TextSpan

MMR_LAMBDA = 0.7  # 1.0 = pure relevance, 0.0 = pure diversity
CENTRALITY, TITLE_COVERAGE, LEAD_BONUS = 0.6, 0.3, 0.05  # weights of a sentence's score
_WORD = re.compile(r"[a-z0-9]+")
_STOPWORD_TEXT = """
a about after all also an and are as at be been but by can could did do does for from
had has have he her his how i if in into is it its more most new not of on or our out
over said says she so some than that the their them then there these they this to up was
we were what when which who will with would you year years
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# Never summary material: captions, credits, bylines, calls to act, site furniture.
_BOILERPLATE = re.compile(
    r"^(photo|image|credit|caption|file photo|video|listen|watch|read more|related|see also"
    r"|advertisement|subscribe|sign up|follow us|share|click|copyright|all rights reserved"
    r"|by [A-Z][\w.'-]+ [A-Z]|updated|published|posted|editor'?s note|contact|email)\b"
    r"|\b(subscribe|newsletter|cookies?|sign up|getty images|ap photo|all rights reserved"
    r"|click here|log in|this story was (originally )?published|terms of (use|service))\b",
    re.IGNORECASE,
)
# A page's own "Summary:" or "Key points:" label is dropped, its sentence kept.
_LABEL = re.compile(
    r"^(summary|abstract|key points|highlights|at a glance|bottom line)\s*:\s*", re.I
)
_MIN_WORDS, _MAX_WORDS = 7, 60
_CLOSING = ".!?:;\"'”’)"
# Openers that point back at what came before, so the sentence cannot open a summary:
# connectives, pronouns and demonstratives standing for something named earlier, and
# times counted from an earlier moment ("Five days later", "The next day").
_LEANS_BACK = re.compile(
    r"^(and|but|so|yet|or|nor|also|still|then|thus|hence|however|meanwhile|moreover"
    r"|furthermore|nevertheless|nonetheless|instead|otherwise|besides|likewise|similarly"
    r"|indeed|afterwards?|later|earlier|again|even so|in addition|as a result|by contrast"
    r"|in (that|this) case|since then|after that|before that|at that (time|point)"
    r"|he|she|they|it|his|her|their|its|him|them|we|both|another|others|such"
    r"|th(is|at|ese|ose)(?! (year|week|month|morning|afternoon|evening|spring|summer"
    r"|fall|autumn|winter|weekend)\b)"
    r"|the (next|following|previous|same|other|former|latter) \w+"
    r"|(\w+ ){1,3}(later|earlier|afterwards?|before|after that)"
    r")\b",
    re.IGNORECASE,
)


def summarize(text: str, title: str, sentences: int = 3, *, elsewhere: str = "") -> str:
    """A summary of `text` in at most `sentences` of its own sentences; it never opens
    with a sentence that leans on an earlier one. `elsewhere` is the text of the
    source's other recent articles (whitespace collapsed): a sentence found there is
    the outlet's stock text, never summary material."""
    candidates = [s for s in candidate_sentences(text) if s not in elsewhere]
    if not candidates:
        return ""
    vectors = _tfidf([_terms(s) for s in candidates])
    centroid = _normalise(_sum(vectors))
    title_terms = set(_terms(title))
    scores = [
        CENTRALITY * _cosine(vector, centroid)
        + TITLE_COVERAGE * _overlap(title_terms, vector)
        + LEAD_BONUS / (1 + index)
        for index, vector in enumerate(vectors)
    ]
    leaning = {i for i, sentence in enumerate(candidates) if leans_on_context(sentence)}
    chosen = _mmr(vectors, scores, sentences, leaning)
    return " ".join(candidates[i] for i in sorted(chosen))


def leans_on_context(sentence: str) -> bool:
    """The sentence opens by pointing back ("But", "She", "Five days later", "This
    program"), so it does not read on its own."""
    return bool(_LEANS_BACK.match(sentence.lstrip("\"“‘'(")))


def candidate_sentences(text: str) -> list[str]:
    """The sentences of `text` that could stand in a summary, in order. A line broken
    mid-sentence is joined to the next; the first paragraph may be a standfirst with
    no closing punctuation, and gets a full stop."""
    result: list[str] = []
    seen: set[str] = set()
    for number, paragraph in enumerate(_paragraphs(text)):
        paragraph = _LABEL.sub("", paragraph)
        if _BOILERPLATE.search(paragraph[:80]) and len(paragraph) < 200:
            continue
        if number == 0 and paragraph[-1] not in _CLOSING and paragraph[0].isupper():
            paragraph += "."  # a standfirst: the lead fact, set as a line of its own
        for sentence in _segment(paragraph):
            key = " ".join(_WORD.findall(sentence.lower()))
            if _is_candidate(sentence) and key not in seen:
                seen.add(key)
                result.append(sentence)
    return result


def _paragraphs(text: str) -> list[str]:
    """Non-empty lines, a line that ends without closing punctuation joined to a next
    line that starts in lower case (one sentence broken by the page's layout)."""
    paragraphs: list[str] = []
    for line in re.split(r"\n\s*\n|\n", text):
        line = line.strip()
        if not line:
            continue
        if paragraphs and paragraphs[-1][-1] not in _CLOSING and line[0].islower():
            paragraphs[-1] += " " + line
        else:
            paragraphs.append(line)
    return paragraphs


def first_sentences(text: str, sentences: int = 3) -> str:
    """The baseline a summary must beat: the first candidate sentences, in order."""
    return " ".join(candidate_sentences(text)[:sentences])


class Segmenter(pysbd.Segmenter):
    """pysbd's segmenter, finding its sentences back in the text with `str.find`.

    pysbd compiles a regular expression per sentence (the escaped sentence, then
    whitespace) to do so: for unique sentences that missed the `re` cache every time
    and was 60% of summarising an article. Same result: for each sentence, the first
    of its leftmost non-overlapping occurrences, with the whitespace after it, that
    ends beyond the previous sentence."""

    def sentences_with_char_spans(self, sentences: list[str]) -> list[TextSpan]:
        text: str = self.original_text
        spans: list[TextSpan] = []
        prior_end = 0
        for sentence in sentences:
            start = text.find(sentence)
            while start != -1:
                end = start + len(sentence)
                while end < len(text) and text[end].isspace():
                    end += 1
                if end > prior_end:
                    spans.append(TextSpan(text[start:end], start, end))
                    prior_end = end
                    break
                start = text.find(sentence, end if end > start else start + 1)
        return spans


@lru_cache(maxsize=1)
def _segmenter() -> Segmenter:
    return Segmenter(language="en", clean=False)


def _segment(paragraph: str) -> list[str]:
    return [s.strip() for s in _segmenter().segment(paragraph) if s.strip()]


def _is_candidate(sentence: str) -> bool:
    words = sentence.split()
    if not _MIN_WORDS <= len(words) <= _MAX_WORDS:
        return False
    if sentence[-1] not in ".!?\"'”’)" or sentence.endswith("?") or sentence[0].islower():
        return False
    return not _BOILERPLATE.search(sentence)


def _terms(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and len(w) > 1]


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _tfidf(documents: list[list[str]]) -> list[dict[str, float]]:
    frequency = Counter(term for doc in documents for term in set(doc))
    total = len(documents)
    vectors = []
    for doc in documents:
        counts = Counter(doc)
        vector = {
            t: (1 + math.log(c)) * math.log(1 + total / frequency[t]) for t, c in counts.items()
        }
        vectors.append(_normalise(vector))
    return vectors


def _sum(vectors: list[dict[str, float]]) -> dict[str, float]:
    total: Counter[str] = Counter()
    for vector in vectors:
        total.update(vector)
    return dict(total)


def _normalise(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {t: v / norm for t, v in vector.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def _overlap(title_terms: set[str], vector: dict[str, float]) -> float:
    return len(title_terms & vector.keys()) / len(title_terms) if title_terms else 0.0


def _mmr(
    vectors: list[dict[str, float]], scores: list[float], count: int, leaning: set[int]
) -> list[int]:
    """Greedy maximal marginal relevance: good sentences that say new things. A
    sentence in `leaning` may not come first in article order among those chosen."""
    chosen: list[int] = []
    remaining = set(range(len(vectors)))
    while remaining and len(chosen) < count:

        def marginal(i: int) -> float:
            redundancy = max((_cosine(vectors[i], vectors[j]) for j in chosen), default=0.0)
            return MMR_LAMBDA * scores[i] - (1 - MMR_LAMBDA) * redundancy

        allowed = [i for i in sorted(remaining) if i not in leaning or i > min(chosen, default=i)]
        if not allowed:
            break
        best = max(allowed, key=marginal)
        chosen.append(best)
        remaining.discard(best)
    return chosen
