"""A page's text and metadata are bounded as they come in, like a feed's fields."""

from __future__ import annotations

from test_extract import pending

from curator import bounds
from curator.screen.extract import extract_article


def test_a_huge_page_is_cut_to_the_article_limit_and_its_metadata_to_one_line() -> None:
    title = "Recovery \u202e" + "naloxone " * 100_000
    paragraphs = "".join(f"<p>Paragraph {i}: {'recovery ' * 200}</p>" for i in range(300))
    html = (
        f"<html><head><title>{title}</title><meta name='author' content='{title}'>"
        f"<meta property='og:site_name' content='{title}'></head>"
        f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    ).encode()
    article = extract_article(html, pending(), url="https://example.org/a")
    assert len(article.text) <= bounds.MAX_ARTICLE_TEXT and len(article.text) > 100_000
    for line in (article.title, article.author, article.site_name):
        assert line and len(line) <= bounds.MAX_TITLE and "\u202e" not in line


def test_a_pages_addresses_over_the_link_limit_are_dropped_and_its_language_cut() -> None:
    long_link = "https://example.org/" + "a" * bounds.MAX_LINK
    html = (
        f"<html lang='{'x' * 10_000}'><head><link rel='canonical' href='{long_link}'>"
        f"<meta property='og:image' content='{long_link}.png'></head>"
        f"<body><article>{'<p>Recovery news, told in full. </p>' * 40}</article></body></html>"
    ).encode()
    article = extract_article(html, pending(), url="https://example.org/a")
    assert article.canonical_url is None and article.image_url is None
    assert article.language == "x" * bounds.MAX_LANGUAGE
    short = html.replace(long_link.encode(), b"https://example.org/story")
    kept = extract_article(short, pending(), url="https://example.org/a")
    assert kept.canonical_url == "https://example.org/story"
