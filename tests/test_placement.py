"""place_entry: where one extracted entry goes (the story it joins and why, or the new
item it starts, filtered or in the queue), decided from literal records, no database;
and Store.save_screened, which writes that decision in one transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from curator.config.lists import Topic
from curator.models import (
    Article,
    ExtractStatus,
    ItemState,
    ParsedEntry,
    PendingEntry,
    Relevance,
    StorySignature,
)
from curator.models.screening import JoinItem, NewItem, SavedEntry, ScreenedEntry
from curator.screen.cluster import MatchReason
from curator.screen.placement import (
    ALREADY_IN_IT,
    NEW_STORY,
    Placement,
    ScreenRules,
    place_entry,
)
from curator.screen.relevance import ALL_ON_TOPIC
from curator.screen.run import ProcessReport
from curator.screen.story_index import StoryIndex
from curator.store import Store

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
RULES = ScreenRules(
    topics=(Topic("overdose", 2.0, terms=("overdose", "naloxone", "fentanyl")),),
    threshold=2.0,
    same_story=0.22,
    window=timedelta(days=3),
    sentences=2,
)
ON_TOPIC = "Naloxone kits reach every county library after overdose deaths rise"
OFF_TOPIC = "City council approves new bicycle lanes on Main Street"
TEXT = (
    "The county health department placed naloxone kits in all 14 libraries on Monday. "
    "Librarians were trained to use the overdose-reversal spray during a two-hour session. "
    "Officials said the program cost $40,000 and was paid for by a state grant. "
    "Subscribe to our newsletter for more local news."
)
LEAD = (
    "WASHINGTON (AP) — Federal health officials on Tuesday approved a second over-the-counter "
    "naloxone nasal spray, a move expected to lower prices and put the overdose-reversing drug "
    "in more pharmacies, vending machines and schools across the country."
)


def entry(
    title: str = ON_TOPIC,
    url: str | None = "https://news.example/libraries?utm_source=rss",
    *,
    entry_id: int = 5,
    attempts: int = 0,
    item_id: int | None = None,
) -> PendingEntry:
    return PendingEntry(
        entry_id, 2, "County News", url, title, "", " The feed's summary. ", "", None, T0,
        attempts=attempts, item_id=item_id,
    )  # fmt: skip


def article(
    text: str = TEXT,
    status: ExtractStatus = ExtractStatus.DONE,
    *,
    entry_id: int = 5,
    canonical: str | None = None,
) -> Article:
    return Article(
        entry_id, "https://news.example/libraries", text, "Page title", status,
        canonical_url=canonical, site_name=None, language="en",
    )  # fmt: skip


def story(item_id: int, title: str, url: str = "", lead: str = "") -> StorySignature:
    return StorySignature(item_id, title, url or f"https://other.example/{item_id}", None, lead, T0)


def place(
    the_entry: PendingEntry | None = None,
    the_article: Article | None = None,
    stories: list[StorySignature] | None = None,
    *,
    on_topic_source: bool = False,
    source_texts: dict[int, str] | None = None,
    sentences: int = RULES.sentences,
) -> Placement:
    return place_entry(
        the_entry or entry(),
        the_article or article(),
        StoryIndex(stories or []),
        replace(RULES, sentences=sentences),
        on_topic_source=on_topic_source,
        source_texts=source_texts or {},
    )


def test_an_on_topic_entry_with_no_story_starts_an_item_in_the_queue():
    placed = place()

    new = placed.new_item
    assert placed.why == NEW_STORY
    assert new is not None and new.state == ItemState.NEW and new.relevance.kept
    assert new.title == ON_TOPIC  # the feed's title before the page's
    assert new.url == "https://news.example/libraries"  # normalised
    assert new.description == "The feed's summary."
    assert new.site_name == "County News"  # the page named none
    assert new.summary.startswith("The county health department placed naloxone kits")
    assert placed.screened.attempts == 1
    assert placed.signature == StorySignature(
        0, ON_TOPIC, "https://news.example/libraries", None, TEXT[:600], T0, 2
    )  # the entry's feed: a story learns which feeds told it


def test_an_off_topic_entry_starts_a_filtered_item():
    placed = place(entry(OFF_TOPIC), article("The council voted 5 to 2 for bike lanes."))

    new = placed.new_item
    assert new is not None and new.state == ItemState.FILTERED and not new.relevance.kept


def test_a_source_marked_all_on_topic_keeps_an_off_topic_entry():
    text = "The council voted 5 to 2 for bike lanes."
    placed = place(entry(OFF_TOPIC), article(text), on_topic_source=True)

    new = placed.new_item
    assert new is not None and new.state == ItemState.NEW
    assert new.relevance.reasons[0] == ALL_ON_TOPIC


def test_an_entry_at_a_known_address_joins_that_story():
    known = [story(8, "Something else entirely", "https://news.example/libraries")]

    placed = place(stories=known)

    assert placed.screened.item == JoinItem(8, 5, placed.relevance, "same address")
    assert placed.why == MatchReason.SAME_ADDRESS
    assert placed.new_item is None


def test_an_entry_joins_a_story_by_its_words_or_a_shared_lead_and_says_why():
    similar = [story(3, "Naloxone kits reach every county library as overdose deaths rise")]
    wire = [story(4, "FDA approves second over-the-counter naloxone spray", lead=LEAD)]
    headline = "Another overdose antidote gets the green light"

    by_title = place(stories=similar)
    by_lead = place(entry(headline), article(LEAD), stories=wire)

    assert (by_title.screened.item.item_id, by_title.why) == (3, MatchReason.SAME_STORY)
    assert (by_lead.screened.item.item_id, by_lead.why) == (4, MatchReason.SHARED_LEAD)
    assert by_title.screened.item.reason.startswith("same story: score ")  # type: ignore[union-attr]
    assert by_lead.screened.item.reason.startswith("wire copy: ")  # type: ignore[union-attr]


def test_an_entry_already_in_an_item_stays_in_it_whatever_the_index_holds():
    known = [story(8, "Something else entirely", "https://news.example/libraries")]

    placed = place(entry(item_id=2), stories=known)

    assert placed.screened.item == JoinItem(2, 5, placed.relevance)
    assert placed.why == ALREADY_IN_IT


def test_an_on_topic_entry_that_joins_says_so_for_a_filtered_item_to_be_promoted():
    known = [story(8, "Something else entirely", "https://news.example/libraries")]

    placed = place(stories=known)

    assert isinstance(placed.screened.item, JoinItem) and placed.screened.item.relevance.kept


def test_the_outlets_stock_sentences_stay_out_of_the_summary_but_its_own_text_does_not():
    stock = "The Ledger has reported on Ashford County and its health services since 1902."
    text = TEXT.replace("Subscribe to our newsletter for more local news.", stock)
    own = {5: " ".join(text.split())}
    others = {**own, 9: f"Another story. {stock}"}

    def summary(source_texts: dict[int, str]) -> str:
        placed = place(None, article(text), source_texts=source_texts, sentences=4)
        assert placed.new_item is not None
        return placed.new_item.summary

    assert stock in summary(own)
    assert stock not in summary(others)
    assert summary(others).startswith("The county health department placed naloxone kits")


def test_a_skipped_page_is_not_counted_as_an_attempt():
    placed = place(entry(attempts=2), article(status=ExtractStatus.SKIPPED))

    assert placed.screened.attempts == 2


def test_the_items_address_falls_back_to_the_page_then_to_the_entry():
    from_page = place(entry(url=None))
    neither = place(entry(url=None), replace(article(), url=""))

    assert from_page.signature.url == "https://news.example/libraries"
    assert neither.signature.url == "urn:curator:entry:5"


def test_the_report_counts_a_new_item_and_a_promoting_join():
    report = ProcessReport()
    new = place()
    joined = place(stories=[story(8, "x", "https://news.example/libraries")])

    report.add(new, SavedEntry(11))
    report.add(joined, SavedEntry(8, promoted=True))
    report.count("failed")

    assert (report.examined, report.created, report.kept) == (3, 1, 1)
    assert (report.joined, report.promoted) == (1, 1)
    assert report.statuses == {"done": 2, "failed": 1}


def test_save_screened_writes_a_filtered_item_and_an_on_topic_join_promotes_it(store: Store):
    source = store.sources.add("https://a.example/feed", name="A", now=T0)
    parsed = [
        ParsedEntry(key, f"https://a.example/{key}", key, None, T0, None, "", "", "")
        for key in ("one", "two")
    ]
    store.entries.upsert(source.id, parsed, T0)
    first, second = (e.id for e in store.articles.pending(T0, 10))
    off = Relevance(0.0, (), (), kept=False)
    on = Relevance(4.0, ("overdose",), ("title: overdose",), kept=True)
    new = NewItem(
        first, "One", "https://a.example/one", None, off, ItemState.FILTERED, "", "",
        None, None, None, T0, None,
    )  # fmt: skip
    page = replace(article(entry_id=first), url="https://a.example/one")

    made = store.save_screened(ScreenedEntry(page, 1, new), T0)
    again = replace(page, entry_id=second, url="https://a.example/two")
    joined = store.save_screened(ScreenedEntry(again, 1, JoinItem(made.item_id, second, on)), T0)

    assert joined == SavedEntry(made.item_id, promoted=True)
    assert [i.id for i in store.items.ranked((ItemState.NEW,), 10)] == [made.item_id]
