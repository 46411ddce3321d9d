"""parse_feed on literal bytes: formats, quirks, identities, and what it refuses."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from feed_factory import rss

from curator.errors import ParseError
from curator.parse import parse_feed, plain_text, sanitize_html

SAMPLES = Path(__file__).resolve().parent.parent / "data/samples/feeds"
URL = "http://feeds.example.org/news/feed.xml"


def parse(body: bytes, now: datetime, headers: dict[str, str] | None = None):
    return parse_feed(body, url=URL, headers=headers or {}, now=now)


def test_rss_entries_get_guid_identity_clean_links_and_utc_dates(now):
    feed = parse(rss(3), now)
    assert [e.key for e in feed.entries] == ["story-0", "story-1", "story-2"]
    first = feed.entries[0]
    assert first.url == "https://news.example.org/story/0"  # utm_source removed
    assert first.published_at == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert first.summary_text == "Item 0 about recovery."
    assert feed.title == "Recovery News" and feed.warning is None


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.iterdir()))
def test_every_sample_feed_parses_to_the_entries_it_states(name, now):
    body = (SAMPLES / name).read_bytes()
    expected = int(body.split(b"Expect: ")[1].split(b" entries")[0])
    feed = parse(body, now)
    assert len(feed.entries) == expected
    assert all(e.title and "<" not in e.title for e in feed.entries)


def test_relative_links_resolve_against_the_feed_and_xml_base(now):
    samhsa = parse((SAMPLES / "samhsa-newsroom.rss").read_bytes(), now)
    assert samhsa.entries[0].url == "http://feeds.example.org/pages/samhsa-988-second-year.html"
    atom = parse((SAMPLES / "recovery-research.atom").read_bytes(), now)
    assert atom.entries[0].url == "http://samples.invalid/pages/rri-recovery-capital.html"
    assert (
        'src="http://samples.invalid/img/rri-recovery-capital.jpg"' in atom.entries[0].content_html
    )


def test_missing_guid_falls_back_to_the_normalised_link_then_a_hash(now):
    body = (
        b"<rss version='2.0'><channel><title>t</title>"
        b"<item><title>A</title><link>HTTP://News.Example.org/a#top</link></item>"
        b"<item><title>B only</title></item></channel></rss>"
    )
    feed = parse(body, now)
    assert feed.entries[0].key == "http://news.example.org/a"
    assert feed.entries[1].key.startswith("sha256:") and feed.entries[1].url is None


def test_a_repeated_guid_keeps_the_first_entry_and_counts_the_other(now):
    feed = parse((SAMPLES / "family-recovery-blog.rss").read_bytes(), now)
    assert feed.skipped_entries == 1
    assert len({e.key for e in feed.entries}) == len(feed.entries) == 6


def test_html_in_titles_becomes_plain_text(now):
    feed = parse((SAMPLES / "cdc-mmwr.rss").read_bytes(), now)
    assert feed.entries[0].title.startswith("MMWR: Provisional overdose deaths")


def test_scripts_handlers_and_iframes_are_removed_links_made_absolute(now):
    feed = parse((SAMPLES / "peer-support-network.rss").read_bytes(), now)
    html = feed.entries[0].content_html
    assert "<script" not in html and "onclick" not in html and "iframe" not in html
    assert 'href="http://feeds.example.org/contact.html"' in html


def test_sanitizer_drops_javascript_urls_and_keeps_safe_tags():
    cleaned = sanitize_html('<p>a <a href="javascript:x()">b</a> <b>c</b></p>', URL)
    assert cleaned.startswith("<p>a <a") and "javascript" not in cleaned and "<b>c</b>" in cleaned


def test_plain_text_separates_blocks_and_decodes_entities():
    assert plain_text("<p>AT&amp;T</p><p>next</p><script>x()</script>") == "AT&T next"


def test_missing_and_far_future_dates_become_none(now):
    body = (
        b"<rss version='2.0'><channel><title>t</title>"
        b"<item><guid>a</guid><title>no date</title></item>"
        b"<item><guid>b</guid><title>future</title><pubDate>Mon, 01 Jan 2035 00:00:00 GMT</pubDate>"
        b"</item></channel></rss>"
    )
    assert [e.published_at for e in parse(body, now).entries] == [None, None]


def test_windows_1252_utf16_and_header_charsets_decode(now):
    county = parse((SAMPLES / "county-health.rss").read_bytes(), now)
    assert "\u201cEveryone is welcome,\u201d" in county.entries[0].summary_text
    utf16 = rss(2, title="Récupération", encoding="utf-16")
    assert parse(utf16, now).title == "Récupération"
    latin = rss(1, title="Sobriété").replace(b"encoding='utf-8'", b"")
    latin = latin.decode().encode("iso-8859-1")
    feed = parse(latin, now, {"Content-Type": "application/rss+xml; charset=iso-8859-1"})
    assert feed.title == "Sobriété"


def test_json_feed_is_read(now):
    feed = parse((SAMPLES / "health-policy.json").read_bytes(), now)
    assert feed.title == "Health Policy Desk (sample)"
    assert feed.entries[0].author == "Health policy desk" and "policy" in feed.entries[0].tags
    assert feed.entries[-1].published_at is None


def test_an_html_page_names_the_feed_it_announces(now):
    page = (
        b"<!DOCTYPE html><html><head><title>News</title>"
        b'<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head>'
        b"<body><p>Hello</p></body></html>"
    )
    with pytest.raises(
        ParseError, match=r"HTML page; its feed may be at http://feeds\.example\.org/rss\.xml"
    ):
        parse(page, now)


def test_an_html_page_without_a_feed_says_so(now):
    with pytest.raises(ParseError, match="announces no feed"):
        parse(b"<html><body>nothing</body></html>", now)


def test_malformed_xml_without_a_feed_is_fatal(now):
    with pytest.raises(ParseError, match="not a feed"):
        parse(b"<?xml version='1.0'?><nonsense><<>>", now)


def test_malformed_xml_with_entries_survives_with_a_warning(now):
    body = rss(3).replace(b"</channel></rss>", b"<item><title>broken & bad</title>")
    feed = parse(body, now)
    assert len(feed.entries) >= 3 and feed.warning


def test_entity_expansion_bomb_is_refused(now):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(f'<!ENTITY lol{i} "{"&lol;" * 10}">'.encode() for i in range(1, 9))
        + b"]><rss version='2.0'><channel><title>&lol8;</title></channel></rss>"
    )
    with pytest.raises(ParseError, match="refused"):
        parse(bomb, now)


def test_external_entity_is_refused(now):
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<rss version='2.0'><channel><title>&x;</title></channel></rss>"
    )
    with pytest.raises(ParseError, match="refused"):
        parse(xxe, now)


def test_a_body_that_names_a_local_file_is_not_opened(now):
    with pytest.raises(ParseError, match="not a feed"):
        parse(str(SAMPLES / "nida-news.rss").encode(), now)


def test_empty_body_is_a_parse_error(now):
    with pytest.raises(ParseError, match="empty"):
        parse(b"  \n", now)
