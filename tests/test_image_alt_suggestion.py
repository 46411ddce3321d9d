"""Alt text comes from the editor; the page's og:image:alt is kept (cleaned and capped)
only as a suggestion, which the first draft's `Alt:` line offers for the editor to check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from desk_factory import add_item
from export_helpers import photo
from pytest_httpserver import HTTPServer

from curator import bounds
from curator.config import Config
from curator.desk import actions, draftfile
from curator.desk.publish import ImageChoice, publish_item
from curator.models import ParsedEntry
from curator.screen.run import process_pending
from curator.store import Store

TOPICS = {"topics": [{"name": "overdose", "weight": 1.0, "terms": ["naloxone", "overdose"]}]}
STORY = "".join(
    f"<p>School nurses in the county now keep naloxone kits, paragraph {n}. The program "
    "trained staff to recognise an overdose and call for help while giving the spray.</p>"
    for n in range(8)
)


def article_page(head: str) -> str:
    return (
        f"<!doctype html><html lang='en'><head><title>Naloxone in schools</title>{head}"
        f"</head><body><article><h1>Naloxone in schools</h1>{STORY}</article></body></html>"
    )


@pytest.fixture
def screened(
    make_config: Callable[..., Config], store: Store, now: datetime, httpserver: HTTPServer
) -> Callable[[str], tuple[str | None, str | None]]:
    """Serve a page with `head` in its <head>, screen it; its article's image and alt
    (later pages join the first one's story: the same text)."""
    config = make_config(relevance=TOPICS)

    def screen_page(head: str) -> tuple[str | None, str | None]:
        path = f"/story-{store.db['entries'].count}"
        httpserver.expect_request("/robots.txt").respond_with_data("", content_type="text/plain")
        httpserver.expect_request(path).respond_with_data(
            article_page(head), content_type="text/html; charset=utf-8"
        )
        url = httpserver.url_for(path)
        source = store.sources.add(f"https://feed{path}.example/feed", name="Ledger", now=now)
        entry = ParsedEntry(
            key=url, url=url, title="Naloxone in schools", author=None, published_at=now,
            updated_at=None, summary_html="<p>Naloxone.</p>", summary_text="Naloxone.",
            content_html="",
        )  # fmt: skip
        store.entries.upsert(source.id, [entry], now)
        process_pending(config, store, now)
        query = "SELECT image_url, image_alt FROM articles WHERE url = ?"
        image, alt = store.db.execute(query, [url]).fetchone()
        return image, alt

    return screen_page


def test_the_page_s_og_image_alt_is_kept_cleaned_and_capped(screened, store: Store):
    _, alt = screened(
        '<meta property="og:image" content="/img/kit.jpg">'
        '<meta property="og:image:alt" content="A naloxone kit\u202e on a\n  school desk">'
    )
    assert alt == "A naloxone kit on a school desk"
    assert store.items.get(1).image_alt == alt  # the item the page made keeps it
    _, long = screened(
        '<meta name="twitter:image" content="/img/kit.jpg">'
        f'<meta name="twitter:image:alt" content="{"word " * 200}">'
    )
    assert long is not None and len(long) == bounds.MAX_IMAGE_ALT
    assert long.endswith(bounds.ELLIPSIS)


def test_an_alt_for_another_image_or_for_no_image_is_not_kept(screened):
    image, alt = screened(
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Naloxone",'
        ' "image": "https://cdn.example/other.jpg"}</script>'
        '<meta property="og:image" content="/img/kit.jpg">'
        '<meta property="og:image:alt" content="A naloxone kit">'
    )
    assert (image, alt) == ("https://cdn.example/other.jpg", None)
    image, alt = screened(
        '<meta property="og:image" content="/img/kit.jpg">'
        '<meta name="twitter:image:alt" content="A naloxone kit">'  # twitter:image's
    )
    assert image and image.endswith("/img/kit.jpg") and alt is None
    assert screened('<meta property="og:image:alt" content="A naloxone kit">') == (None, None)


def test_the_first_draft_offers_the_suggestion_for_the_editor_to_check(
    config: Config, store: Store, now: datetime
):
    item = add_item(store.db, now, image_url="https://news.example.org/kit.jpg",
                    image_alt="A kit in a locker")  # fmt: skip
    start = draftfile.template(store.items.get(item), None, [], "NIDA News")
    assert "\nAlt: A kit in a locker\n---\n" in start
    assert "check that it" in start  # the comment asks the editor to check it
    text = draftfile.parse(start, "fallback", "draft.md")
    assert text.image_alt == "A kit in a locker"  # saving the draft confirms it
    emptied = draftfile.parse(start.replace("Alt: A kit in a locker", "Alt:"), "x", "draft.md")
    save(store, config, item, now, emptied)
    again = draftfile.template(store.items.get(item), store.drafts.latest(item), [], "NIDA News")
    assert "\nAlt: \n---\n" in again  # the editor's empty line stays empty,
    assert "The page describes its image as" in again and "A kit in a locker" in again  # offered


def test_publish_uses_the_draft_s_alt_and_never_the_page_s_for_another_image(
    config: Config, store: Store, now: datetime, httpserver: HTTPServer
):
    httpserver.expect_request("/kit.jpg").respond_with_data(photo(), content_type="image/jpeg")
    httpserver.expect_request("/other.jpg").respond_with_data(photo(), content_type="image/jpeg")
    page_image = httpserver.url_for("/kit.jpg")
    first, second, third = (
        add_item(store.db, now, title=f"Naloxone story {n}", image_url=page_image,
                 image_alt="A kit in a locker")
        for n in range(3)
    )  # fmt: skip
    for item in (first, second, third):
        start = draftfile.template(store.items.get(item), None, [], "NIDA News")
        save(store, config, item, now, draftfile.parse(start, "x", "draft.md"))
    kept = publish_item(store, config, first, "ana", now)
    assert kept.post.image is not None and kept.post.image.alt == "A kit in a locker"
    other = ImageChoice(httpserver.url_for("/other.jpg"))
    moved = publish_item(store, config, second, "ana", now, image=other)
    assert moved.post.image is not None and moved.post.image.alt == ""
    given = ImageChoice(httpserver.url_for("/other.jpg"), alt="Nurses at a training")
    chosen = publish_item(store, config, third, "ana", now, image=given)
    assert chosen.post.image is not None and chosen.post.image.alt == "Nurses at a training"


def save(store: Store, config: Config, item: int, now: datetime, text: draftfile.DraftText) -> None:
    actions.save_draft(
        store, config, item, "ana", now,
        title=text.title, tags=text.tags, body=text.body, image_alt=text.image_alt,
    )  # fmt: skip
