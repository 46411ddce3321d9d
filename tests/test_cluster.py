"""match_story: one event told by several outlets is one item; different stories never merge."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from curator.models import StorySignature
from curator.screen.cluster import (
    MatchReason,
    StoryMatch,
    _clear_winner,
    _lead_overlap,
    match_story,
)
from curator.screen.story_evidence import Evidence
from curator.screen.story_index import LEAD_SIMILARITY, StoryIndex, addresses, lead_shingles
from curator.screen.story_terms import names, story_terms, title_numbers

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
WINDOW = timedelta(days=3)
THRESHOLD = 0.22
AP_LEAD = (
    "WASHINGTON (AP) — Federal health officials on Tuesday approved a second over-the-counter "
    "naloxone nasal spray, a move expected to lower prices and put the overdose-reversing drug "
    "in more pharmacies, vending machines and schools across the country."
)
# Other stories of the same days: the words every story uses weigh little against them.
BACKGROUND = [
    ("Ohio overdose deaths fall 18% as naloxone spreads",
     "Overdose deaths in Ohio fell 18 percent last year, the state health department said, "
     "crediting wider naloxone distribution and fentanyl test strips in county jails."),
    ("Kentucky expands addiction treatment in county jails",
     "Kentucky will pay for buprenorphine in 40 county jails, Governor Andy Beshear announced, "
     "so people leaving jail are not cut off from treatment on release."),
    ("Xylazine found in most fentanyl samples in Philadelphia",
     "The animal sedative xylazine turned up in 90 percent of fentanyl samples tested by "
     "Philadelphia's health department, causing wounds that treatment programs struggle to heal."),
    ("Study: text messages help people stay on methadone",
     "Patients who got daily text reminders stayed on methadone longer, researchers at Brown "
     "University reported in JAMA Network Open, a finding that clinics could adopt cheaply."),
    ("Parents of teens lost to fentanyl push for school naloxone",
     "A group of parents whose children died of fentanyl poisoning asked the Arizona legislature "
     "to require naloxone in every high school, citing three deaths in Maricopa County."),
    ("Oregon lawmakers vote to recriminalize drug possession",
     "Oregon's legislature voted to make possession of small amounts of drugs a misdemeanor "
     "again, rolling back part of Measure 110 after a rise in public drug use in Portland."),
]  # fmt: skip


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


def background(first_id: int = 100) -> list[StorySignature]:
    return [
        story(first_id + n, title, lead=lead, hours=-n)
        for n, (title, lead) in enumerate(BACKGROUND)
    ]


def test_the_same_url_or_canonical_url_is_the_same_item():
    index = StoryIndex(
        [story(1, "Something", "https://a.example/x", canonical="https://a.example/canon")]
    )

    found = match_story(story(0, "Other words", "https://a.example/x"), index, THRESHOLD, WINDOW)
    assert found is not None and (found.item_id, found.reason) == (1, MatchReason.SAME_ADDRESS)
    canonical = story(0, "Different", "https://b.example/y", canonical="https://a.example/canon")
    assert match_story(canonical, index, THRESHOLD, WINDOW).item_id == 1  # type: ignore[union-attr]


def test_one_wire_story_under_another_headline_is_one_item():
    index = StoryIndex(
        [story(1, "FDA approves second over-the-counter naloxone spray", lead=AP_LEAD)]
    )
    copy = story(0, "Another OTC overdose antidote gets the green light", lead=AP_LEAD, hours=3)

    found = match_story(copy, index, THRESHOLD, WINDOW)

    assert found is not None and (found.item_id, found.reason) == (1, MatchReason.SHARED_LEAD)
    assert found.explanation.startswith("wire copy: 100% of the lead's 3-grams shared")


def test_one_event_told_in_other_words_by_another_outlet_is_one_item():
    first = story(
        1,
        "SAMHSA sends Ohio $40 million to fight overdoses in rural counties",
        lead="The Substance Abuse and Mental Health Services Administration (SAMHSA) awarded "
        "Ohio $40 million on Monday for naloxone, mobile methadone vans and peer recovery "
        "coaches in 28 Appalachian counties, where overdose deaths rose fastest.",
    )
    other = story(
        0,
        "Federal grant to bring methadone vans to Appalachian Ohio",
        lead="Mobile methadone clinics and peer recovery coaches are coming to 28 counties of "
        "Appalachian Ohio, paid for by a $40 million grant from SAMHSA, the federal agency said "
        "Monday. The money also buys naloxone for rural fire departments.",
        hours=5,
    )
    index = StoryIndex([*background(), first])

    found = match_story(other, index, THRESHOLD, WINDOW)

    assert found is not None and (found.item_id, found.reason) == (1, MatchReason.SAME_STORY)
    assert found.explanation.startswith("same story: score ")
    assert "shared names: " in found.explanation and "SAMHSA" in found.explanation


def test_a_follow_up_with_new_findings_and_numbers_is_a_new_story():
    """The lab result two days after an overdose cluster is news of its own."""
    cluster = story(
        1,
        "At least six overdoses near Brackenridge transit center; one dead",
        lead="Paramedics answered six overdose calls within three hours near the Brackenridge "
        "transit center on Sunday, fire chief Ray Delgado said. One man died; naloxone "
        "revived the others, some of whom needed several doses.",
    )
    follow_up = story(
        0,
        "Lab finds medetomidine in drugs tied to Brackenridge overdoses; count rises to 14",
        lead="A state laboratory found medetomidine, a veterinary sedative, mixed with fentanyl "
        "in samples seized after the overdoses, and the county now counts 14 cases over "
        "the week, health officer Mina Okafor said on Tuesday.",
        hours=44,
    )
    index = StoryIndex([*background(), cluster])

    assert match_story(follow_up, index, THRESHOLD, WINDOW) is None
    evidence = index.evidence(1, follow_up, index.query(follow_up))
    assert evidence.numbers == ("14", "6") and "numbers differ: 14 / 6" in evidence.explain()


def test_two_stories_that_share_many_words_stay_apart():
    index = StoryIndex(background())
    kentucky = story(
        0,
        "Kentucky overdose deaths drop 9% with pharmacy naloxone",
        lead="Kentucky recorded 9 percent fewer overdose deaths, the Kentucky Office "
        "of Drug Control Policy said, as pharmacies handed out more naloxone.",
    )

    assert match_story(kentucky, index, THRESHOLD, WINDOW) is None
    evidence = index.evidence(100, kentucky, index.query(kentucky))
    assert evidence.numbers and evidence.unshared_names == ("kentucky", "ohio")


def test_an_old_story_is_not_joined_and_days_apart_weigh_against():
    known = story(1, "Naloxone vending machines arrive in libraries", lead=AP_LEAD)
    late = story(0, "Naloxone vending machines arrive in libraries", hours=24 * 4)
    index = StoryIndex([*background(), known])

    assert match_story(late, index, THRESHOLD, WINDOW) is None
    query = index.query(late)
    soon, later = (index.evidence(1, replace_hours(late, h), query) for h in (1, 48))
    assert soon.text == later.text and soon.score > later.score


def replace_hours(entry: StorySignature, hours: float) -> StorySignature:
    return story(0, entry.title, entry.url, lead=entry.lead, hours=hours)


def test_the_best_matching_item_wins():
    index = StoryIndex(
        [
            *background(),
            story(1, "County opens methadone clinic downtown"),
            story(2, "County opens methadone clinic in old bank downtown"),
        ]
    )
    entry = story(0, "County opens methadone clinic in old bank")

    assert match_story(entry, index, THRESHOLD, WINDOW).item_id == 2  # type: ignore[union-attr]


def test_the_index_learns_the_words_of_each_report_that_joins_a_story():
    """A third outlet that tells the event like the second, not the first, still joins."""
    index = StoryIndex(background())
    index.add(story(1, "Harm reduction group opens in Tacoma", lead="A new group opened."))
    unlike_the_first = story(
        0,
        "Tacoma peer workers hand out fentanyl test strips at Wright Park",
        lead="Peer workers from Tacoma Needle Exchange handed out fentanyl test strips and "
        "naloxone kits at Wright Park on Saturday, the start of weekly outreach.",
        hours=2,
    )
    assert match_story(unlike_the_first, index, THRESHOLD, WINDOW) is None

    index.add(story(1, "Wright Park outreach: Tacoma Needle Exchange brings test strips",
                    lead=unlike_the_first.lead.replace("Saturday", "the weekend"),
                    hours=1))  # fmt: skip

    assert match_story(unlike_the_first, index, THRESHOLD, WINDOW).item_id == 1  # type: ignore[union-attr]


def test_story_terms_count_the_title_twice_and_fold_plurals_and_stopwords():
    terms = story_terms("The Overdoses in Ohio", "Ohio's overdose count was high.")

    assert terms == {"overdose": 3, "ohio": 3, "count": 1, "high": 1}


def test_names_are_capitalised_words_that_do_not_just_begin_a_sentence():
    found = names(
        "Federal grant to bring methadone vans to Appalachian Ohio",
        "WASHINGTON (AP) — Officials said SAMHSA will pay. President Biden agreed in Columbus.",
    )

    assert set(found.values()) == {"Appalachian", "Ohio", "AP", "SAMHSA", "Biden", "Columbus"}
    assert set(names("Ohio Overdose Deaths Fall As FDA Acts", "").values()) == {"FDA"}


def test_title_numbers_read_ordinals_and_drop_separators():
    assert title_numbers("Deaths fall 24% for a third year, to 1,200") == {"24", "3", "1200"}
    assert title_numbers("No numbers here") == frozenset()


def test_evidence_scores_text_and_title_against_time_and_numbers():
    plain = Evidence(0.3, 0.3, 0.0, (), ())
    assert (
        plain.score
        > Evidence(0.3, 0.3, 2.0, (), ()).score
        > Evidence(0.3, 0.3, 2.0, ("1", "2"), ()).score
    )
    assert Evidence(0.3, 0.6, 0.0, (), ()).score > plain.score


def _every_story(entry, stories, threshold, window):  # type: ignore[no-untyped-def]
    """Every story in the index scored in full: what the shortlist must not change."""
    query, scored = stories.query(entry), []
    for item in sorted(stories.items, key=lambda s: s.item_id):
        if stories.earliest is not None and item.first_seen_at < stories.earliest:
            continue
        if not addresses(entry).isdisjoint(addresses(item)):
            return item.item_id
        if abs(entry.first_seen_at - item.first_seen_at) > window:
            continue
        lead = _lead_overlap(lead_shingles(entry.lead), lead_shingles(item.lead))
        score = (
            1.0 if lead >= LEAD_SIMILARITY else stories.evidence(item.item_id, entry, query).score
        )
        scored.append((score, StoryMatch(item.item_id, MatchReason.SAME_STORY, "")))
    best = _clear_winner(scored, threshold)
    return best.item_id if best else None


def test_the_index_finds_what_scoring_every_story_finds():
    """Words drawn as in real text (a few common, most rare), entries that retell a
    known story in part, shared URLs, copied leads: the shortlist changes no decision."""
    rng = random.Random(11)
    vocabulary = [f"w{n}" for n in range(5000)]
    zipf = [1 / (n + 1) for n in range(len(vocabulary))]

    def words(k: int) -> list[str]:
        return rng.choices(vocabulary, zipf, k=k)

    known: list[StorySignature] = []
    for n in range(600):
        title, lead = words(6), words(60)
        if known and rng.random() < 0.5:  # retells a known story, in part
            source = rng.choice(known)
            title = source.title.split()[:3] + title[:3]
            lead = source.lead.split()[: rng.randint(5, 40)] + lead[:30]
        url = f"https://o{n % 7}.example/{rng.randrange(3000)}"
        known.append(story(n + 1, " ".join(title), url, lead=" ".join(lead),
                           hours=rng.uniform(-100, 100)))  # fmt: skip
    entries, index = known[500:], StoryIndex(known[:500])
    for threshold in (0.15, THRESHOLD, 0.5):
        expected = [_every_story(e, index, threshold, WINDOW) for e in entries]
        found = [match_story(e, index, threshold, WINDOW) for e in entries]
        assert [f.item_id if f else None for f in found] == expected
    assert sum(found is not None for found in expected) >= 10  # the check saw joins

    # A kept index: stories added out of id order (another process's), the oldest hidden.
    shuffled = known[:500]
    rng.shuffle(shuffled)
    kept = StoryIndex(shuffled)
    kept.forget_before(T0 - timedelta(hours=50))
    expected = [_every_story(e, kept, THRESHOLD, WINDOW) for e in entries]
    found = [match_story(e, kept, THRESHOLD, WINDOW) for e in entries]
    assert [f.item_id if f else None for f in found] == expected


def test_stories_first_seen_before_the_index_earliest_are_not_candidates():
    """A kept index lets its oldest stories go: not even the same address joins them."""
    old = story(1, "Old story", "https://a.example/x", hours=-80)
    recent = story(2, "Naloxone vending machine")
    index = StoryIndex([old, recent])
    same_address = story(0, "Old story", "https://a.example/x")
    assert match_story(same_address, index, THRESHOLD, WINDOW).item_id == 1  # type: ignore[union-attr]

    index.forget_before(T0 - timedelta(hours=72))

    assert match_story(same_address, index, THRESHOLD, WINDOW) is None
    other = story(0, "Naloxone vending machine", "https://b.example/y")
    assert match_story(other, index, THRESHOLD, WINDOW).item_id == 2  # type: ignore[union-attr]


def test_the_old_title_similarity_setting_says_what_replaced_it(tmp_path):
    from curator import config as config_module
    from curator.errors import ConfigError

    path = tmp_path / "config.toml"
    path.write_text("[cluster]\nsimilarity = 0.6\n", encoding="utf-8")
    try:
        config_module.load(path)
    except ConfigError as e:
        assert "cluster.similarity" in str(e) and "cluster.threshold" in str(e)
    else:
        raise AssertionError("an old cluster.similarity was accepted")


def test_a_second_report_from_the_same_feed_needs_more_to_join():
    """A feed tells an event once; its next article on the subject is another story."""
    first = story(
        1,
        "SAMHSA announces State Opioid Response grant awards",
        lead="SAMHSA announced this year's State Opioid Response grants to every state for "
        "naloxone, treatment and recovery support.",
    )
    index = StoryIndex([*background(), replace(first, source_id=7)])
    later = story(
        0,
        "SAMHSA awards grants for rural recovery support",
        lead="SAMHSA awarded grants for recovery support in rural counties, for peer "
        "coaches and recovery housing.",
        hours=3,
    )
    query = index.query(later)

    same_feed = index.evidence(1, replace(later, source_id=7), query)
    other_feed = index.evidence(1, replace(later, source_id=8), query)

    assert same_feed.same_outlet and not other_feed.same_outlet
    assert same_feed.score == pytest.approx(other_feed.score - 0.1)
    assert "its feed told this story already" in same_feed.explain()


def _scored(*pairs: tuple[float, int]) -> list[tuple[float, StoryMatch]]:
    return [(score, StoryMatch(item, MatchReason.SAME_STORY, "")) for score, item in pairs]


def test_a_join_on_words_must_stand_out_from_the_next_best_story():
    """An article about as close to two stories shares the desk's vocabulary with both
    ("medication for opioid use disorder"), not an event: it starts its own story."""
    clear = _clear_winner(_scored((0.36, 1), (0.25, 2)), THRESHOLD)
    assert clear is not None and clear.item_id == 1
    assert _clear_winner(_scored((0.36, 1), (0.31, 2)), THRESHOLD) is None
    sure = _clear_winner(_scored((0.45, 1), (0.43, 2)), THRESHOLD)  # clears it by 0.2
    assert sure is not None and sure.item_id == 1
    assert _clear_winner(_scored((0.21, 1)), THRESHOLD) is None
    alone = _clear_winner(_scored((0.25, 3)), THRESHOLD)
    assert alone is not None and alone.item_id == 3


def test_a_few_words_of_feed_text_count_in_part():
    """A feed's one-line summary (the page gone) shares an agency's words with any of its
    stories: its cosine counts by its share of 40 words, and the reason says so."""
    page = Evidence(0.34, 0.29, 0.0, (), (), same_outlet=True)
    summary = replace(page, text_words=21)
    assert page.score >= THRESHOLD > summary.score
    assert "text 0.34 of 21 words" in summary.explain()
    assert "words" not in page.explain().split(",")[0]
