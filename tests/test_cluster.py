"""find_story: the same story from several outlets is one item; different stories never merge."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from curator.models import StorySignature
from curator.screen.cluster import StoryIndex, _content_words, _dice, find_story

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
WINDOW = timedelta(days=3)
AP_LEAD = (
    "WASHINGTON (AP) — Federal health officials on Tuesday approved a second over-the-counter "
    "naloxone nasal spray, a move expected to lower prices and put the overdose-reversing drug "
    "in more pharmacies, vending machines and schools across the country."
)


def story(
    item_id: int,
    title: str,
    url: str = "",
    *,
    canonical: str | None = None,
    lead: str = "",
    hours: float = 0,
) -> StorySignature:
    return StorySignature(
        item_id,
        title,
        url or f"https://site{item_id}.example/{item_id}",
        canonical,
        lead,
        T0 + timedelta(hours=hours),
    )


def test_the_same_url_or_canonical_url_is_the_same_item():
    known = [story(1, "Something", "https://a.example/x", canonical="https://a.example/canon")]

    assert find_story(story(0, "Other words", "https://a.example/x"), known, 0.6, WINDOW) == 1
    canonical = story(0, "Different", "https://b.example/y", canonical="https://a.example/canon")
    assert find_story(canonical, known, 0.6, WINDOW) == 1


def test_one_ap_story_under_three_headlines_is_one_item():
    known = [story(1, "FDA approves second over-the-counter naloxone spray", lead=AP_LEAD)]
    others = [
        story(0, "Another OTC overdose antidote gets the green light", lead=AP_LEAD, hours=3),
        story(0, "FDA clears second over-the-counter naloxone nasal spray", hours=5),
    ]

    assert [find_story(o, known, 0.6, WINDOW) for o in others] == [1, 1]


def test_two_stories_that_share_many_words_stay_apart():
    known = [story(1, "Ohio overdose deaths fall 18% as naloxone spreads")]

    assert (
        find_story(story(0, "Ohio overdose deaths fall 9% as naloxone spreads"), known, 0.6, WINDOW)
        is None
    )
    assert (
        find_story(
            story(0, "Kentucky overdose deaths fall as naloxone spreads"), known, 0.6, WINDOW
        )
        is None
    )


def test_an_old_story_with_the_same_title_is_not_joined():
    known = [story(1, "Naloxone vending machines arrive in libraries")]
    late = story(0, "Naloxone vending machines arrive in libraries", hours=24 * 4)

    assert find_story(late, known, 0.6, WINDOW) is None


def test_the_best_matching_item_wins():
    known = [
        story(1, "County opens methadone clinic downtown"),
        story(2, "County opens methadone clinic in old bank downtown"),
    ]

    assert (
        find_story(story(0, "County opens methadone clinic in old bank"), known, 0.6, WINDOW) == 2
    )


def test_title_words_ignore_case_stopwords_and_plurals():
    assert _dice(_content_words("The Overdoses in Ohio"), _content_words("ohio overdose")) == 1.0
    assert _dice(_content_words(""), _content_words("anything")) == 0.0


def _every_story(entry, items, similarity, window):  # type: ignore[no-untyped-def]
    """The plain scan StoryIndex replaced: each story checked in turn."""
    from curator.screen.cluster import _lead_match, _same_address, _shingles, _vetoed

    best = None
    for item in items:
        if _same_address(entry, item):
            return item.item_id
        if abs(entry.first_seen_at - item.first_seen_at) > window:
            continue
        score = _lead_match(_shingles(entry.lead), _shingles(item.lead))
        words, item_words = _content_words(entry.title), _content_words(item.title)
        if not score and not _vetoed(entry.title, words, item.title, item_words):
            score = _dice(words, item_words)
        if score >= similarity and (best is None or score > best[0]):
            best = (score, item.item_id)
    return best[1] if best else None


def test_the_index_finds_what_comparing_with_every_story_finds():
    """Titles and leads from a small vocabulary, so that many overlap a little and some
    a lot; shared URLs, copied leads, ties. The index must change no decision."""
    rng = random.Random(11)
    words = ["Ohio", "naloxone", "county", "fentanyl", "clinic", "18", "2026", "deaths"]
    words += ["fall", "rise", "the", "families"]
    leads = [" ".join(rng.choices(words, k=40)) for _ in range(30)]
    known: list[StorySignature] = []
    for n in range(600):
        title = " ".join(rng.sample(words, rng.randint(3, 7)))
        url = f"https://o{n % 7}.example/{rng.randrange(500)}"
        known.append(story(n + 1, title, url, lead=rng.choice(leads + [""] * 30),
                           hours=rng.uniform(-100, 100)))  # fmt: skip
    entries, index = known[500:], StoryIndex(known[:500])
    for similarity in (0.0, 0.3, 0.6, 0.9):
        expected = [_every_story(e, known[:500], similarity, WINDOW) for e in entries]
        assert [find_story(e, index, similarity, WINDOW) for e in entries] == expected
    assert sum(found is not None for found in expected) > 20  # the check saw joins

    # A kept index: stories added out of id order (another process's), the oldest hidden.
    shuffled, earliest = known[:500], T0 - timedelta(hours=50)
    rng.shuffle(shuffled)
    kept = StoryIndex(shuffled)
    kept.forget_before(earliest)
    visible = [s for s in known[:500] if s.first_seen_at >= earliest]
    for similarity in (0.0, 0.6):
        expected = [_every_story(e, visible, similarity, WINDOW) for e in entries]
        assert [find_story(e, kept, similarity, WINDOW) for e in entries] == expected


def test_stories_first_seen_before_the_index_earliest_are_not_candidates():
    """A kept index lets its oldest stories go: not even the same address joins them."""
    old, recent = story(1, "Old story", "https://a.example/x", hours=-80), story(2, "Other")
    index = StoryIndex([old, recent])
    same_address = story(0, "Old story", "https://a.example/x")
    assert find_story(same_address, index, 0.6, WINDOW) == 1

    index.forget_before(T0 - timedelta(hours=72))

    assert find_story(same_address, index, 0.6, WINDOW) is None
    assert find_story(story(0, "Other", "https://b.example/y"), index, 0.6, WINDOW) == 2
