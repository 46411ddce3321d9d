"""The words same-story clustering weighs: an article's content terms, the names it
gives and the numbers in its title.

Different outlets tell one event in their own words, so single headlines share little
(title Dice 0.11-0.57 on real coverage); what they share is the event's particulars —
who, where, which agency, which drug, how many — spread over title and lead. So the
terms are taken from both, the title's counted twice.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

LEAD_WORDS = 300  # of the article's text: about its first four paragraphs
TITLE_WEIGHT = 2
NAME_WORDS = 120  # names are read from the title and the lead's first words
_WORD = re.compile(r"[^\W_](?:[\w'’.-]*[^\W_])?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_COUNTS = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "dozen": "12",
}  # fmt: skip
_ORDINALS = {
    "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6", "seventh": "7",
    "eighth": "8", "ninth": "9", "tenth": "10",
}  # fmt: skip
# "a third year" is a number; "a fifth of deaths" and "a second spray" are not.
_COUNTED = frozenset(
    [
        "year",
        "years",
        "straight",
        "consecutive",
        "time",
        "times",
        "death",
        "deaths",
        "case",
        "cases",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "quarter",
        "round",
        "wave",
        "term",
    ]
)
_SENTENCE_END = re.compile(r"(?<=[.!?:;\"”])\s+|\n+")
_STOPWORD_TEXT = """
a about above after again against all also am amid among an and any are as at be because
been before being below between both but by can could did do does doing down during each
few for from further had has have having he her here hers herself him himself his how i if
in into is it its itself just me more most my myself new no nor not now of off on once only
or other our ours out over own per said same say says she should so some such than that the
their theirs them themselves then there these they this those through to too under until up
us very via was we were what when where which while who whom why will with would year you
your yours mr mrs ms dr according told week day monday tuesday wednesday thursday friday
saturday sunday
"""
_ROLES = frozenset(
    [
        "president",
        "prime",
        "minister",
        "senator",
        "sen",
        "rep",
        "gov",
        "governor",
        "secretary",
        "chairman",
        "chair",
        "house",
        "white",
        "state",
        "county",
        "city",
        "department",
        "federal",
        "national",
        "officials",
    ]
)  # capitalised before a name, but no name themselves
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def story_terms(title: str, lead: str) -> Counter[str]:
    """Content terms of the title (counted `TITLE_WEIGHT` times) and the lead's first
    `LEAD_WORDS` words: lower-cased, plurals and possessives folded, stopwords out."""
    terms = Counter(_terms(lead, LEAD_WORDS))
    for term in _terms(title, 60):
        terms[term] += TITLE_WEIGHT
    return terms


def title_terms(title: str) -> Counter[str]:
    return Counter(_terms(title, 60))


@functools.lru_cache(maxsize=512)  # a story's names, read again for each entry it meets
def names(title: str, lead: str) -> dict[str, str]:
    """Folded name -> as written: the capitalised words of the title and the lead's
    start that are not there because they begin a sentence (people, places, agencies,
    drugs sold under a brand). A Title Case headline only gives its acronyms."""
    found: dict[str, str] = {}
    for sentence in _sentences(title, " ".join(lead.split()[:NAME_WORDS])):
        words = _WORD.findall(sentence)
        title_case = sum(w[0].isupper() for w in words) > 0.6 * len(words)
        for position, word in enumerate(words):
            if _is_name(word, position, title_case):
                found.setdefault(fold(word.lower()), word.rstrip(".’'"))
    return found


@functools.lru_cache(maxsize=512)
def title_names(title: str, lead: str) -> frozenset[str]:
    """The folded names a title gives, its first word included ("Ohio overdose deaths
    fall" names Ohio); a Title Case headline's are the words its lead writes as names."""
    words = _WORD.findall(title)
    if sum(w[0].isupper() for w in words) > 0.6 * len(words):
        in_lead = names("", lead)
        return frozenset(f for f in (fold(w.lower()) for w in words) if f in in_lead)
    return frozenset(fold(w.lower()) for w in words if _is_name(w, 1, title_case=False))


def title_numbers(title: str) -> frozenset[str]:
    """The numbers a title gives, counts written out included ("six overdoses" is 6,
    "a third year" is 3), with thousands separators and percent signs dropped: what
    tells a follow-up ("...for a third year", "count rises to 14") apart."""
    found = {n.replace(",", "") for n in _NUMBER.findall(title)}
    words = [w.lower() for w in _WORD.findall(title)]
    for word, following in zip(words, [*words[1:], ""], strict=False):
        if word in _COUNTS:
            found.add(_COUNTS[word])
        elif word in _ORDINALS and following in _COUNTED:
            found.add(_ORDINALS[word])
    return frozenset(found)


def fold(word: str) -> str:
    """One form for a word's variants: no possessive, no plural -s, no final dot."""
    word = word.replace("’", "'").rstrip(".").removesuffix("'s").rstrip("'")
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _terms(text: str, limit: int) -> list[str]:
    folded = (fold(word.lower()) for word in _WORD.findall(text)[:limit])
    return [term for term in folded if len(term) > 1 and term not in STOPWORDS]


def _sentences(title: str, lead: str) -> list[str]:
    return [title, *(s for s in _SENTENCE_END.split(lead) if s)]


def _is_name(word: str, position: int, title_case: bool) -> bool:
    if len(word) < 2 or not word[0].isupper() or word.lower() in STOPWORDS | _ROLES:
        return False
    if word.isupper():  # an acronym (SAMHSA, FDA), not a dateline (WASHINGTON)
        return len(word) <= 6
    return not title_case and position > 0
