"""Extractive summaries: the article's own central sentences, never its furniture."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

from curator.models import PendingEntry
from curator.screen.extract import extract_article
from curator.screen.summarize import (
    candidate_sentences,
    first_sentences,
    leans_on_context,
    summarize,
)

PAGES = Path(__file__).resolve().parent.parent / "data" / "samples" / "pages"

TEXT = """Photo: Jane Smith / Getty Images

By Jane Smith and Tom Lee

When Rosa opened the door on a cold morning, she found her brother on the floor.

Overdose deaths in the county fell 20 percent last year, health officials said on Monday.

Officials credited naloxone distribution in libraries and treatment with buprenorphine in the jail.

Subscribe to our newsletter for more stories like this one every single week.

The county handed out 12,000 naloxone kits, twice as many as the year before.

Rosa's brother survived because a neighbour had naloxone in her bag.
"""


def test_a_summary_has_the_configured_number_of_sentences():
    for count in (2, 3, 4):
        summary = summarize(TEXT, "County overdose deaths fall as naloxone spreads", count)
        assert len(candidate_sentences(summary)) == count


def test_a_summary_never_contains_captions_bylines_or_calls_to_subscribe():
    summary = summarize(TEXT, "County overdose deaths fall as naloxone spreads", 4)
    for furniture in ("Photo:", "Getty", "By Jane", "Subscribe", "newsletter"):
        assert furniture not in summary


def test_a_summary_prefers_the_central_facts_over_the_anecdotal_lead():
    summary = summarize(TEXT, "County overdose deaths fall as naloxone spreads", 2)
    assert "fell 20 percent" in summary
    assert "cold morning" not in summary


def test_sentences_keep_their_article_order():
    summary = summarize(TEXT, "County overdose deaths fall as naloxone spreads", 3)
    positions = [TEXT.index(s) for s in candidate_sentences(summary)]
    assert positions == sorted(positions)


def test_abbreviations_do_not_split_sentences():
    text = (
        "Dr. Ana Ruiz of the U.S. Food and Drug Administration said the rule starts in Jan. 2027."
    )
    assert candidate_sentences(text) == [text]


def test_short_texts_are_returned_whole_and_empty_text_gives_an_empty_summary():
    short = "Naloxone reverses an opioid overdose within minutes of a dose."
    assert summarize(short, "Naloxone", 3) == short
    assert summarize("", "Nothing", 3) == ""


def test_on_the_bundled_pages_summaries_keep_more_key_facts_than_the_first_sentences():
    kept = baseline = 0
    for sidecar in PAGES.glob("*.expect.toml"):
        expected = tomllib.loads(sidecar.read_text(encoding="utf-8"))
        if expected["status"] != "done":
            continue
        html = (PAGES / sidecar.name.replace(".expect.toml", ".html")).read_bytes()
        entry = PendingEntry(
            1,
            1,
            "f",
            expected["url"],
            expected["title"],
            "",
            "",
            "",
            None,
            datetime(2026, 12, 1, tzinfo=UTC),
        )
        text = extract_article(html, entry, url=expected["url"]).text
        summary, lead = summarize(text, expected["title"], 3), first_sentences(text, 3)
        kept += sum(fact in summary for fact in expected["key_facts"])
        baseline += sum(fact in lead for fact in expected["key_facts"])
    assert kept >= baseline * 1.2, (kept, baseline)


TRICKY = [
    "",
    "   ",
    "Dr. Ruiz said so. Dr. Ruiz said so. Dr. Ruiz said so.",
    "U.S. deaths fell (p < .05).\u00a0Rates\u2009rose?  Yes!\n\nThe end",
    "One.One.One. One .",
    "He said: “It works.” She said: ‘No.’\tThen\u3000they left…",
    "a. b. c. a. b. c.",
]


def test_our_segmenter_finds_exactly_the_sentences_pysbd_finds():
    """Segmenter only replaces how pysbd finds each sentence back in the text (a
    regex compiled per sentence); the sentences and their spans must not change."""
    import pysbd

    from curator.screen.summarize import Segmenter

    texts = list(TRICKY)
    for page in PAGES.glob("*.html"):
        texts += page.read_text(encoding="utf-8", errors="replace").split("\n\n")
    ours, theirs = (
        Segmenter(language="en", clean=False),
        pysbd.Segmenter(language="en", clean=False),
    )
    spans = lambda found: [(s.sent, s.start, s.end) for s in found]  # noqa: E731
    for text in texts:
        ours.original_text = theirs.original_text = text
        sentences = ours.processor(text).process() if text else []
        assert spans(ours.sentences_with_char_spans(sentences)) == spans(
            theirs.sentences_with_char_spans(sentences)
        ), text[:80]
        assert ours.segment(text) == theirs.segment(text), text[:80]


BROKEN_LINES = """The singer, who has spoken openly about her recovery from alcohol use
disorder, took
to her Instagram page to share some stunning photos of herself.
She marked three years sober with a post thanking the clinic that treated her in 2023.
Her fans and fellow musicians replied with thousands of messages of support and pride.
The clinic said calls to its helpline doubled in the day after the singer's post.
"""


def test_a_sentence_broken_across_lines_is_one_sentence_and_a_fragment_never_stands_alone():
    summary = summarize(BROKEN_LINES, "Singer marks three years sober", 3)

    assert not summary.startswith("to her Instagram")
    assert "recovery from alcohol use disorder, took to her Instagram page" in summary
    assert "\n" not in summary
    assert all(not s[0].islower() for s in candidate_sentences(BROKEN_LINES))


def test_a_lowercase_fragment_after_a_finished_sentence_is_never_a_candidate():
    text = "The county opened two new clinics this spring.\nto her Instagram page to share photos."

    assert candidate_sentences(text) == ["The county opened two new clinics this spring."]


def test_a_standfirst_without_closing_punctuation_can_carry_the_lead_fact():
    text = (
        "Overdose deaths in Ohio fell 18 percent in 2025, the state's health department said\n"
        "Marta Diaz keeps a naloxone kit in her bag wherever she goes these days.\n"
        "She learned to use it at a library class two winters ago in Dayton.\n"
        "Officials said the decline was broad, reaching rural and urban counties alike.\n"
    )

    summary = summarize(text, "Ohio overdose deaths fall 18 percent", 2)

    assert summary.startswith("Overdose deaths in Ohio fell 18 percent in 2025, the state's")
    assert "department said." in summary


LEANING = """Five days later, she knelt beside a stranger on the floor of a bus shelter.
But the program, called Bridge, has struggled to find staff in rural counties this year.
This program trains peer coaches to meet patients in emergency rooms after an overdose.
The state's Bridge program trains peer coaches to meet overdose patients in emergency rooms.
Overdose deaths in the state fell 12 percent after Bridge expanded to forty hospitals.
"""


def test_a_summary_never_opens_with_a_sentence_that_leans_on_an_earlier_one():
    for count in (1, 2, 3):
        summary = summarize(LEANING, "Bridge program peer coaches overdose", count)
        assert summary.startswith(("The state's Bridge", "Overdose deaths")), summary


def test_sentences_that_point_back_are_recognised_and_self_contained_ones_are_not():
    leaning = [
        "Five days later, she knelt beside a stranger.",
        "Then the clinic closed its doors for good.",
        "However, the county kept paying the rent.",
        "Also on the list were two rural hospitals.",
        "That decision cost the county dearly.",
        "This program trains peer coaches.",
        "He said the numbers were encouraging.",
        "They opened a second site in March.",
        "It was the first such clinic in the state.",
        "The next day, officials reversed course.",
        "“But we kept going,” she said.",
    ]
    standing = [
        "This year, overdose deaths fell in the county.",
        "The county opened two clinics in March.",
        "Health officials said overdose deaths fell.",
        "Heroin use has declined since 2015.",
        "Thousands attended the rally on Sunday.",
    ]
    assert [s for s in leaning if not leans_on_context(s)] == []
    assert [s for s in standing if leans_on_context(s)] == []


def test_a_sentence_the_outlet_repeats_elsewhere_never_qualifies():
    stock = "Sessions at the public library teach how to recognise and respond to an overdose."
    text = TEXT + "\n" + stock + "\n"
    elsewhere = f"A different story about housing. {stock} Call the helpline for details."

    assert stock in summarize(text, "naloxone library overdose sessions respond", 5)
    assert stock not in summarize(
        text, "naloxone library overdose sessions respond", 5, elsewhere=elsewhere
    )
