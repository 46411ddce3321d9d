"""find_story: the same story from several outlets is one item; different stories never merge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from curator.cluster import find_story, title_similarity
from curator.models import StorySignature

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


def test_title_similarity_ignores_case_stopwords_and_plurals():
    assert title_similarity("The Overdoses in Ohio", "ohio overdose") == 1.0
    assert title_similarity("", "anything") == 0.0
