"""Related posts: earlier, live, about the same thing; shared tags break ties."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from curator.models import Post
from curator.site.related import choose_related

START = datetime(2026, 10, 1, tzinfo=UTC)


def post(n: int, title: str, body: str = "", tags: tuple[str, ...] = (), **fields) -> Post:
    moment = START + timedelta(days=n)
    defaults = dict(
        id=n,
        item_id=n,
        slug=f"p{n}",
        title=title,
        body_markdown=body,
        body_html="",
        source_url="https://s.example/",
        source_name="S",
        tags=tags,
        editor="ana",
        published_at=moment,
        updated_at=moment,
    )
    defaults.update(fields)
    return Post(**defaults)


CORPUS = [
    post(
        1,
        "Fentanyl test strips prevent overdoses, study finds",
        "Drug checking with fentanyl test strips changed behaviour and prevented overdoses.",
        ("overdose", "harm reduction"),
    ),
    post(
        2,
        "Teen alcohol use falls to a record low",
        "Fewer teenagers report drinking alcohol, a national survey of schools shows.",
        ("alcohol",),
    ),
    post(
        3,
        "Sports betting drives calls to gambling helplines",
        "Helplines for problem gambling report more calls since betting apps spread.",
        ("gambling",),
    ),
    post(
        4,
        "States make fentanyl test strips legal",
        "Legislatures removed test strips from paraphernalia laws so people can check drugs "
        "for fentanyl.",
        ("overdose", "policy"),
    ),
    post(
        5,
        "Parents of teens: talking about alcohol",
        "How parents can talk with teenagers about drinking alcohol and parties.",
        ("alcohol", "families"),
    ),
]


def test_the_posts_about_the_same_thing_come_first():
    latest = post(
        6,
        "Where to get fentanyl test strips",
        "Pharmacies and harm reduction programs hand out fentanyl test strips to check drugs.",
        ("overdose",),
    )
    chosen = choose_related([*CORPUS, latest], {6})
    assert set(chosen[6][:2]) == {"p1", "p4"}
    assert "p3" not in chosen[6]


def test_related_posts_are_earlier_never_itself_nor_later():
    chosen = choose_related(CORPUS, {1, 2, 5})
    assert chosen[1] == ()  # nothing was published before the first post
    assert chosen[2] == ()  # nothing earlier is about alcohol
    assert chosen[5] == ("p2",)


def test_retracted_posts_are_never_chosen():
    twin = post(
        7,
        CORPUS[1].title,
        CORPUS[1].body_markdown,
        ("alcohol",),
        retracted_at=START + timedelta(days=8),
    )
    latest = post(8, "Alcohol and teenagers", "Teenagers drinking alcohol at parties.")
    chosen = choose_related([*CORPUS, twin, latest], {7, 8})
    assert "p7" not in chosen[8] and chosen[8][0] in {"p2", "p5"}
    assert 7 not in chosen


def test_shared_tags_break_a_tie():
    a = post(1, "Naloxone in schools", "Naloxone kits in schools.", ("schools",))
    b = post(2, "Naloxone in schools", "Naloxone kits in schools.", ("overdose",))
    c = post(3, "Naloxone in schools", "Naloxone kits in schools.", ("overdose",))
    assert choose_related([a, b, c], {3})[3] == ("p2", "p1")
    d = post(4, "Naloxone in schools", "Naloxone kits in schools.", ("schools",))
    assert choose_related([a, b, c, d], {4})[4][0] == "p1"


def test_at_most_three_and_none_below_the_threshold():
    many = [
        post(n, f"Methadone clinic news {n}", "Methadone clinics and take-home doses.")
        for n in range(1, 8)
    ]
    unrelated = post(9, "Kratom sales regulated", "Kratom products get labels and age limits.")
    chosen = choose_related([*many, unrelated], {7, 9})
    assert len(chosen[7]) == 3
    assert chosen[9] == ()


def test_choosing_for_one_post_gives_what_choosing_for_all_gives():
    # A new post is chosen for alone (only the posts sharing a telling term are scored);
    # the answer must be the one a full pass would give.
    rng = random.Random(5)
    topics = [rng.sample(TOPIC_WORDS, 4) for _ in range(6)]
    posts = []
    for n in range(1, 61):
        words = rng.sample(topics[n % 6], 3) + rng.sample(FILLER, 6)
        tags = tuple(rng.sample(("opioids", "alcohol", "policy", "youth"), rng.randint(0, 2)))
        posts.append(post(n, " ".join(words[:4]), " ".join(words), tags))
    everything = choose_related(posts, {p.id for p in posts})
    assert sum(1 for slugs in everything.values() if slugs) > 40
    for n in (2, 17, 33, 60):
        assert choose_related(posts, {n}) == {n: everything[n]}


def test_words_with_accents_are_words():
    a = post(1, "Prévention des surdoses à Montréal", "Les sites réduisent les surdoses.")
    b = post(2, "Teen alcohol use falls", "Fewer teenagers report drinking.")
    c = post(3, "Montréal: la prévention des surdoses", "Prévention et réduction des méfaits.")
    assert choose_related([a, b, c], {3})[3] == ("p1",)


TOPIC_WORDS = [
    *("naloxone", "pharmacy", "methadone", "clinic", "fentanyl", "strips", "kratom", "labels"),
    *("casino", "helpline", "vaping", "flavours", "cannabis", "dispensary", "alcohol"),
    *("licence", "treatment", "beds", "recovery", "housing", "sobriety", "court", "overdose"),
    *("prevention", "buprenorphine", "telehealth"),
]
FILLER = ["report", "people", "state", "county", "officials", "said", "week", "program", "data"]
