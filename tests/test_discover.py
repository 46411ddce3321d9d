"""find_feed_links: the feeds an HTML page announces, best first."""

from __future__ import annotations

from curator.parse.discover import find_feed_links

PAGE = "https://www.example.org/news/index.html"


def test_alternate_links_in_document_order_absolute_and_normalised():
    html = """<html><head>
      <link rel="alternate" type="application/rss+xml" href="/feed/?utm_source=x">
      <link rel="alternate" type="application/atom+xml" href="comments.atom">
      <link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/1">
      <link rel="stylesheet" href="/style.css">
    </head></html>"""
    assert find_feed_links(html, PAGE) == [
        "https://www.example.org/feed/",
        "https://www.example.org/news/comments.atom",
    ]


def test_base_href_is_honoured():
    html = (
        '<head><base href="https://cdn.example.org/x/">'
        '<link rel="alternate" type="application/rss+xml" href="rss.xml"></head>'
    )
    assert find_feed_links(html, PAGE) == ["https://cdn.example.org/x/rss.xml"]


def test_feed_like_anchors_are_the_fallback():
    html = '<body><a href="/about">About</a><a href="/news/rss.xml">RSS</a></body>'
    assert find_feed_links(html.encode(), PAGE) == ["https://www.example.org/news/rss.xml"]


def test_a_page_without_feeds_gives_nothing():
    assert find_feed_links("<html><body><p>hello</p></body></html>", PAGE) == []
