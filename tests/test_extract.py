"""extract_article on the bundled pages: each states what must and must not appear."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from curator.models import ExtractStatus, PendingEntry
from curator.screen.extract import extract_article, feed_text, html_to_text

PAGES = Path(__file__).resolve().parent.parent / "data" / "samples" / "pages"
CASES = sorted(p.name.removesuffix(".expect.toml") for p in PAGES.glob("*.expect.toml"))


def pending(url: str = "https://example.org/a", **fields: Any) -> PendingEntry:
    base: dict[str, Any] = dict(
        id=7,
        source_id=1,
        source_name="Feed",
        url=url,
        title="Feed title",
        summary_html="",
        summary_text="The feed's summary.",
        content_html="<p>The feed's full text.</p><p>Second.</p>",
        published_at=datetime(2026, 11, 1, tzinfo=UTC),
        first_seen_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    base.update(fields)
    return PendingEntry(**base)


def expectation(case: str) -> dict[str, Any]:
    return tomllib.loads((PAGES / f"{case}.expect.toml").read_text(encoding="utf-8"))


def test_there_are_at_least_fifteen_small_sample_pages():
    assert len([c for c in CASES if expectation(c)["status"] == "done"]) >= 15
    assert all((PAGES / f"{c}.html").stat().st_size < 15_000 for c in CASES)


@pytest.mark.parametrize("case", CASES)
def test_sample_page_extracts_as_its_sidecar_says(case: str):
    expected = expectation(case)
    html = (PAGES / f"{case}.html").read_bytes()

    article = extract_article(html, pending(expected["url"]), url=expected["url"])

    assert article.status == ExtractStatus(expected["status"]), article.note
    for key in ("title", "canonical_url", "site_name", "language"):
        assert getattr(article, key) == expected[key], key
    for text in expected.get("must_contain", []):
        assert text in article.text
    for text in expected.get("must_not_contain", []):
        assert text.lower() not in article.text.lower()
    if article.status == ExtractStatus.DONE:
        assert article.published_at is not None
        assert article.published_at.date().isoformat() == expected["published"]
        assert article.image_url and article.image_url.startswith("https://")


def test_a_paywalled_page_falls_back_to_the_feed_text_and_keeps_the_page_metadata():
    expected = expectation("paywalled-fentanyl-trafficking")
    html = (PAGES / "paywalled-fentanyl-trafficking.html").read_bytes()

    article = extract_article(html, pending(expected["url"]), url=expected["url"])

    assert article.status == ExtractStatus.FALLBACK
    assert article.note is not None and "paywalled" in article.note
    assert article.text == "The feed's full text.\n\nSecond."
    assert article.site_name == "The Financial Courier"


def test_a_paywall_notice_in_a_subscribe_box_still_counts():
    # The box is a widget, pruned before trafilatura reads the page; the notice in it
    # still says the story is for subscribers.
    wall = "<div class='subscribe-box'><p>Subscribe to continue reading this story.</p></div>"

    article = extract_article(page_with("", BRIEF + wall), pending(), url="https://example.org/a")

    assert article.status == ExtractStatus.FALLBACK
    assert article.note is not None and "paywalled" in article.note


@pytest.mark.parametrize(
    "body",
    [b"", b"   \n", ('{"error": "not found", "detail": "' + "no such story " * 40 + '"}').encode()],
)
def test_a_body_that_is_no_html_falls_back_to_the_feed(body: bytes):
    article = extract_article(body, pending(), url="https://example.org/a")

    assert article.status == ExtractStatus.FALLBACK
    assert article.text == "The feed's full text.\n\nSecond."


def test_an_empty_page_falls_back_with_a_note():
    article = extract_article(
        b"<html><body><div id='app'></div></body></html>", pending(), url="https://example.org/a"
    )

    assert article.status == ExtractStatus.FALLBACK
    assert article.note and "0 characters" in article.note


def test_json_ld_author_and_date_win_over_nothing():
    body = "<p>" + "Naloxone is now sold over the counter in most pharmacies. " * 12 + "</p>"
    html = f"""<html lang="en-GB"><head><script type="application/ld+json">
    {{"@context": "https://schema.org", "@graph": [{{"@type": "WebPage"}},
      {{"@type": "NewsArticle", "headline": "Naloxone on the shelf",
        "datePublished": "2026-10-02T08:00:00+02:00",
        "author": {{"@type": "Person", "name": "Ana Ruiz"}}, "image": {{"url": "/img/a.jpg"}}}}]}}
    </script></head><body><article><h1>Naloxone on the shelf</h1>{body}</article></body></html>"""

    article = extract_article(html.encode(), pending(), url="https://news.example/x")

    assert (article.title, article.author, article.language) == (
        "Naloxone on the shelf",
        "Ana Ruiz",
        "en",
    )
    assert article.published_at == datetime(2026, 10, 2, 6, 0, tzinfo=UTC)
    assert article.image_url == "https://news.example/img/a.jpg"


def test_feed_text_prefers_content_and_keeps_paragraphs():
    assert feed_text(pending()) == "The feed's full text.\n\nSecond."
    assert feed_text(pending(content_html="")) == "The feed's summary."
    assert (
        html_to_text("<script>x()</script><p>One <b>two</b></p><li>three</li>")
        == "One two\n\nthree"
    )


STORY = (
    "<p>County health officials said on Tuesday that overdose deaths fell by a fifth last "
    "year, the largest drop since the county began keeping records in 1999.</p>"
    "<p>The decline followed a program that put naloxone in every library, school and fire "
    "station, and trained more than four thousand residents to use it.</p>"
    "<p>Treatment providers said waiting lists for methadone and buprenorphine had also "
    "shortened, after the state paid for two new clinics in the rural north.</p>"
)


def page_with(body_attributes: str, story: str = STORY, head: str = "") -> bytes:
    return (
        f"<html><head><title>Overdose deaths fall</title>{head}</head>"
        f"<body {body_attributes}><nav><a href='/'>Home</a></nav>"
        f"<main><article><h1>Overdose deaths fall</h1>{story}</article></main>"
        "<div class='cookie-banner'><p>We use cookies to improve your experience on this "
        "site; by browsing you accept them.</p></div>"
        "<div class='newsletter-signup'><p>Get the morning briefing in your inbox every "
        "single weekday, free of charge.</p></div>"
        "</body></html>"
    ).encode()


@pytest.mark.parametrize(
    "attributes",
    [
        "class='home cookies-not-set'",  # WordPress Cookie Notice plugin
        "class='article subType-unsubscribed'",  # WSJ, Barron's
        "class='f_share_tools_on'",  # Gizmodo
        "id='related-content' class='newsletter-subscribed'",
    ],
)
def test_a_body_whose_class_names_a_widget_keeps_its_article(attributes: str):
    article = extract_article(page_with(attributes), pending(), url="https://example.org/a")

    assert article.status == ExtractStatus.DONE, article.note
    assert "fell by a fifth" in article.text
    assert "four thousand residents" in article.text
    assert "cookies" not in article.text  # the real widgets still go
    assert "morning briefing" not in article.text


def test_a_story_wrapper_named_no_share_is_kept():
    story = f"<div class='entry-content no-share'>{STORY}</div>"

    article = extract_article(page_with("", story), pending(), url="https://example.org/a")

    assert article.status == ExtractStatus.DONE, article.note
    assert "shortened, after the state paid" in article.text


BRIEF = (  # a whole news brief of 230 characters, shorter than MIN_TEXT_CHARS
    "<p>The city opened its first overnight naloxone vending machine on Friday outside the "
    "central bus station, where outreach workers said three overdoses had been reversed in "
    "the past month alone, officials said.</p>"
)


@pytest.mark.parametrize("feed", [{}, {"summary_text": "Naloxone machine opens."}])
def test_a_short_brief_that_says_more_than_the_feed_is_the_article(feed: dict[str, str]):
    entry = pending(content_html="", **({"summary_text": ""} | feed))

    article = extract_article(page_with("", BRIEF), entry, url="https://example.org/a")

    assert article.status == ExtractStatus.DONE, article.note
    assert "three overdoses had been reversed" in article.text


def test_a_short_page_text_gives_way_to_a_longer_feed_text():
    entry = pending(content_html=f"{BRIEF}<p>The machine is stocked twice a week.</p>")

    article = extract_article(page_with("", BRIEF), entry, url="https://example.org/a")

    assert article.status == ExtractStatus.FALLBACK
    assert article.text.endswith("The machine is stocked twice a week.")


@pytest.mark.parametrize(
    "shell",
    [
        "<p>You need to enable JavaScript to run this app.</p>",
        "<p>Please enable JavaScript and cookies in your browser to continue reading this page. "
        "We check that the people who read our articles are real readers and not automated "
        "programs, and this takes only a moment for most of the visitors of our site.</p>",
    ],
)
def test_an_enable_javascript_shell_is_never_the_article(shell: str):
    entry = pending(content_html="", summary_text="")

    article = extract_article(page_with("", shell), entry, url="https://example.org/a")

    assert article.status == ExtractStatus.FALLBACK
    assert article.text == ""


def test_an_xhtml_page_with_an_xml_declaration_extracts_without_a_warning():
    # bs4 warns "XMLParsedAsHTMLWarning" on any XHTML page over 512 bytes that opens with
    # an XML declaration; tests run with warnings as errors.
    html = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" '
        '"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en-GB">'
        "<head><title>Overdose deaths fall</title>"
        '<meta property="og:site_name" content="County News"/></head>'
        f"<body><article><h1>Overdose deaths fall</h1>{STORY}</article></body></html>"
    ).encode()

    article = extract_article(html, pending(), url="https://example.org/a")

    assert article.status == ExtractStatus.DONE, article.note
    assert (article.site_name, article.language) == ("County News", "en")
    assert "fell by a fifth" in article.text


LEAD = (
    "Naloxone in every library and school helped the county to its largest drop in "
    "deaths since records began, officials say."
)


def test_the_standfirst_in_the_article_header_is_kept_and_the_byline_above_it_is_not():
    # trafilatura's precise settings drop every <header>; the story's lead often sits there,
    # and the page's description says it again.
    story = (
        "<article><header><p><a href='/'>News</a> · <a href='/health'>Health</a></p>"
        f"<p><a href='/staff/ana'>Ana Ruiz</a></p><h1>Overdose deaths fall</h1><p>{LEAD}</p>"
        f"</header><div>{STORY}</div></article>"
    )
    head = f'<meta name="description" content="{LEAD}">'

    article = extract_article(page_with("", story, head), pending(), url="https://example.org/a")

    assert article.text.startswith(f"{LEAD}\n\nCounty health officials"), article.text
    assert "fell by a fifth" in article.text
    assert "Ana Ruiz" not in article.text and "Health" not in article.text


@pytest.mark.parametrize(
    "description",
    [
        "The county's news, free every morning: subscribe today.",  # not on the page
        "County health officials said on Tuesday that overdose deaths fell by a fifth",  # said
    ],
)
def test_a_description_is_no_standfirst_unless_the_page_shows_it_apart(description: str):
    head = f'<meta property="og:description" content="{description}">'

    article = extract_article(page_with("", head=head), pending(), url="https://example.org/a")

    assert article.text.startswith("County health officials said on Tuesday"), article.text
    assert article.text.count("fell by a fifth") == 1
    assert "free every morning" not in article.text


def test_a_page_is_read_in_the_charset_it_declares():
    # Left to itself, trafilatura's guess is led astray by a script's charset="UTF-8" and
    # reads these ISO-8859-2 bytes in another charset ("ą" came out as "Ý").
    story = (
        '<p>Volunteers in the city say "ziemniaki na szóstej, surówka na dziesiątej" when '
        "they show where the food is on the plate.</p>"
        + "<p>The county opened a new clinic on Monday for people in recovery, officials said,"
        " and it will stay open at night.</p>" * 3
    )
    html = (
        '<html lang="pl"><head><script charset="UTF-8" src="/consent.js"></script>'
        '<meta charset="iso-8859-2"><title>Ziemniaki na szóstej</title></head>'
        f"<body><article>{story}</article></body></html>"
    ).encode("iso-8859-2")

    article = extract_article(html, pending(), url="https://example.org/a")

    assert article.title == "Ziemniaki na szóstej"
    assert "surówka na dziesiątej" in article.text, article.text


def test_a_story_that_only_a_page_without_javascript_shows_is_found():
    # Some sites put the whole page in <noscript>: trafilatura's fast pass drops it, and its
    # fallbacks, which must then read the whole page, find the story there.
    html = (
        "<html><head><title>Overdose deaths fall</title>"
        "<script>document.write('<div id=app></div>')</script></head>"
        f"<body><noscript><div id='page'><h1>Overdose deaths fall</h1>{STORY * 2}</div>"
        "</noscript><div id='app'></div></body></html>"
    ).encode()

    article = extract_article(html, pending(), url="https://example.org/a")

    assert article.status == ExtractStatus.DONE, article.note
    assert "fell by a fifth" in article.text


def test_control_characters_in_a_page_are_cut_and_the_story_kept():
    # libxml2 reads the control characters XML forbids into the text (NUL as U+FFFD);
    # trafilatura's repair cuts them, and past a page's first 4,096 characters Curator
    # cuts them from the bytes.
    filler = "<p>" + "Menu " * 1000 + "</p>"
    story = STORY.replace("fell by", "fell\x00 by").replace("shortened", "short\x0bened\ufffe")
    html = (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        "<html><head><title>Overdose deaths fall</title></head>"
        f"<body><div class='sidebar'>{filler}</div>\n<article><h1>Overdose deaths fall</h1>"
        f"{story}</article></body></html>"
    ).encode()

    article = extract_article(html, pending(), url="https://example.org/a")

    assert "fell by a fifth" in article.text, article.text
    assert "had also shortened, after" in article.text


@pytest.mark.parametrize("first_line_chars", [10, 4090, 4200, 9000])
@pytest.mark.parametrize(
    "opening",
    [
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "http://www.w3.org/TR/xhtml1/">',
        "<!doctype html>",
        '<html lang="en"/>',
        "<!DOCTYPE html>\x00\x1f\ufffe",
        "",
    ],
)
def test_a_page_is_repaired_as_trafilatura_repairs_it(opening: str, first_line_chars: int):
    from trafilatura.utils import repair_faulty_html

    from curator.screen.extract import _repaired

    text = (
        opening
        + "x" * first_line_chars
        + "\n<html/>\n<body>\x01a\x0cb\uffffc\ud800\n"
        + "y\x08" * 3000
        + "\n<html/>"
    )
    beginning = text[:50].lower()

    assert _repaired(text, beginning) == repair_faulty_html(text, beginning).encode(
        "utf-8", "surrogatepass"
    )
