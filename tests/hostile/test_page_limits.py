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
