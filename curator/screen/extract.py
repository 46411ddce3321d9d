"""Article pages -> `Article`: main text with trafilatura, metadata from the same tree.

Pure: bytes and a `PendingEntry` in, an `Article` out. A page that gives no
usable text (blocked, paywalled, empty) becomes a FALLBACK article built from
the feed's own content, with a note saying why.
"""

from __future__ import annotations

import contextlib
import copy
import re
from dataclasses import replace
from datetime import UTC, datetime

import trafilatura
from bs4 import BeautifulSoup
from bs4.dammit import EncodingDetector
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from curator import bounds
from curator.models import Article, ExtractStatus, PendingEntry
from curator.parse.text import clean_link
from curator.screen.page_metadata import page_metadata

MIN_TEXT_CHARS = 300  # from this length a page's text is the article, whatever the feed says
# Shorter text is still the article (a news brief) when it says more than the feed does,
# reads as prose of at least this many words, and is no "enable JavaScript" shell.
MIN_BRIEF_WORDS = 30
_SHELL = re.compile(
    r"\b(enable|turn on|requires?) (your )?javascript\b|javascript is (disabled|required)"
    r"|\bcookies? (are|is) (disabled|required)\b|verify(ing)? (that )?you are (a )?human"
    r"|checking (if|your|whether) (the site|browser)|\baccess denied\b|are you a robot",
    re.IGNORECASE,
)
_PAYWALL = re.compile(
    r"subscribe to (continue|keep) reading"
    r"|to continue reading,? (please )?(subscribe|log in|sign in)"
    r"|this (article|content) is (only )?(available|reserved) (to|for) (subscribers|members)"
    r"|already a subscriber\?",
    re.IGNORECASE,
)
# Lines that survive extraction on some sites but are never part of the story.
_BOILERPLATE_LINE = re.compile(
    r"^(by [A-Z][\w.'-]+( [A-Z][\w.'-]+){0,3}( and [A-Z][\w.'-]+( [A-Z][\w.'-]+){0,3})?,?$"
    r"|(photo|image|credit|caption|file photo)s?( by)?\s*:"
    r"|.{0,120}\b(getty images|ap photo|reuters photo|shutterstock)\b.{0,40}$"
    r"|(subscribe|sign up|advertisement|related:|read more|share this|follow us|story source"
    r"|journal reference|cite this page|materials provided by|media contact)\b)",
    re.IGNORECASE,
)
# Widgets that trafilatura sometimes keeps: cookie banners, newsletter boxes, share
# bars, related-story lists, captions and sidebars. A class or id names a widget when one
# of its parts (split at "-", "_" and camelCase) starts with one of these words, so
# "share-bar" and "relatedTopics" do and "subType-unsubscribed" does not.
_WIDGET_WORDS = ("cookie", "newsletter", "subscribe", "related", "share")
_NEVER_WIDGETS = frozenset({"html", "body", "main", "article"})
_VISIBLE_TEXT = etree.XPath(
    "//text()[not(ancestor::script or ancestor::style or ancestor::template)]", smart_strings=False
)
_NAME_PART = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
# A page's own class names say "cookies-not-set" or "no-share" on the wrapper of the
# whole story; a widget never holds half the page's paragraph text.
_WIDGET_MAX_SHARE = 0.5
# The standfirst sits one line above the story's first paragraph, or two with a headline
# that differs from the page's title; further up are bylines, dates and breadcrumbs.
_LEAD_LINES = 2


def extract_article(html: bytes, entry: PendingEntry, url: str) -> Article:
    """The article in `html` (fetched from `url`), or the feed's text when the
    page has too little of its own (the page's metadata is kept either way)."""
    # One lxml parse serves the metadata, then (pruned) the text: a second parse with bs4
    # took longer than trafilatura itself.
    tree = _parse_page(html)
    meta = page_metadata(tree) if tree is not None else {}
    paywalled = tree is not None and _PAYWALL.search(_visible_text(tree)) is not None
    title = bounds.one_line(meta.get("title"), bounds.MAX_TITLE) or entry.title
    text = _main_text(tree, url, title) if tree is not None else ""
    text = bounds.clip(text, bounds.MAX_ARTICLE_TEXT)
    image = clean_link(meta.get("image"), url)
    alt = bounds.one_line(meta.get("image_alt"), bounds.MAX_IMAGE_ALT) if image else ""
    article = Article(
        entry_id=entry.id,
        url=url,
        text=text,
        title=title,
        status=ExtractStatus.DONE,
        canonical_url=clean_link(meta.get("canonical"), url),
        author=bounds.one_line(meta.get("author"), bounds.MAX_AUTHOR) or None,
        published_at=_parse_date(meta.get("published")) or entry.published_at,
        site_name=bounds.one_line(meta.get("site_name"), bounds.MAX_TITLE) or None,
        image_url=image,
        language=meta.get("language", "")[: bounds.MAX_LANGUAGE] or None,
        image_alt=alt or None,
    )
    walled = paywalled and len(text) < 3 * MIN_TEXT_CHARS
    if not walled and len(text) >= MIN_TEXT_CHARS:
        return article  # the common case: the feed's text is not needed
    offered = feed_text(entry)
    if walled:
        return _fall_back(article, offered, "page is paywalled")
    if _is_teaser(text, offered=offered):
        return _fall_back(article, offered, f"page gave {len(text)} characters of text")
    return article


def _parse_page(html: bytes) -> HtmlElement | None:
    """The page as a tree, decoded in the charset its head declares when that fits its
    bytes, else as trafilatura guesses (its guess ignores the declaration: it read an
    ISO-8859-2 page as cp1250)."""
    declared = EncodingDetector.find_declared_encoding(html, is_html=True)
    if declared:
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            return load_html(html.decode(declared))
    return load_html(html)


def _visible_text(tree: HtmlElement) -> str:
    return " ".join(" ".join(_VISIBLE_TEXT(tree)).split())


def _is_teaser(text: str, *, offered: str) -> bool:
    """Whether the page's `text` is too thin to replace what the feed `offered`."""
    if len(text) >= MIN_TEXT_CHARS:
        return False
    if len(text) <= len(offered) or len(text.split()) < MIN_BRIEF_WORDS:
        return True
    return _SHELL.search(text) is not None


def _fall_back(article: Article, feed_text: str, note: str) -> Article:
    return replace(
        article,
        text=feed_text,
        status=ExtractStatus.FALLBACK,
        note=f"{note}; using the feed's text",
    )


def fallback_article(
    entry: PendingEntry,
    note: str,
    *,
    url: str | None = None,
    status: ExtractStatus = ExtractStatus.FALLBACK,
) -> Article:
    """An article made of the feed's own content (or summary), saying why."""
    return Article(
        entry_id=entry.id,
        url=url or entry.url or "",
        text=feed_text(entry),
        title=entry.title,
        status=status,
        published_at=entry.published_at,
        note=note,
    )


def feed_text(entry: PendingEntry) -> str:
    """The entry's content as plain paragraphs, else its summary."""
    text = html_to_text(entry.content_html)
    return text if len(text) >= len(entry.summary_text) else entry.summary_text.strip()


def html_to_text(html: str) -> str:
    """Feed HTML -> paragraphs of plain text separated by blank lines."""
    if not html.strip():
        return ""
    soup = BeautifulSoup(html, "lxml")
    for junk in soup(["script", "style", "figcaption", "iframe"]):
        junk.decompose()
    blocks = [
        b.get_text(" ", strip=True) for b in soup.find_all(["p", "li", "h2", "h3", "blockquote"])
    ]
    blocks = [b for b in blocks if b]
    text = "\n\n".join(blocks) if blocks else soup.get_text(" ", strip=True)
    return re.sub(r"[ \t]+", " ", text).strip()


def _main_text(tree: HtmlElement, url: str, title: str) -> str:
    """The story's text; prunes `tree`."""
    _prune_widgets(tree)
    # Precise settings keep sidebars out but sometimes drop the standfirst, or the whole
    # story; balanced settings keep both (and more of the page around them).
    precise = _story_lines(_trafilatura(tree, url, precise=True), title)
    balanced = _story_lines(_trafilatura(tree, url, precise=False), title)
    if sum(map(len, precise)) < MIN_TEXT_CHARS:
        precise = balanced
    return "\n\n".join(_with_lead(precise, balanced))


def _story_lines(text: str, title: str) -> list[str]:
    """The lines of `text` but the title and the boilerplate (`_BOILERPLATE_LINE`)."""
    lines = (line.strip() for line in text.splitlines())
    return [
        line
        for line in lines
        if line and line != title.strip() and not _BOILERPLATE_LINE.match(line)
    ]


def _with_lead(precise: list[str], balanced: list[str]) -> list[str]:
    """`precise` with the lines (at most `_LEAD_LINES`) that come right before its
    first line in `balanced`: the standfirst (and the headline above it) that precise
    settings drop on many news pages."""
    first = balanced.index(precise[0]) if precise and precise[0] in balanced else 0
    return balanced[max(0, first - _LEAD_LINES) : first] + precise


def _prune_widgets(tree: HtmlElement) -> None:
    """Remove the widgets (see `_WIDGET_WORDS`), never the element that holds the story."""
    page_chars = _paragraph_chars(tree)
    for element in _widget_candidates(tree):
        if element.getparent() is None or not _names_a_widget(element):
            continue
        if _paragraph_chars(element) <= _WIDGET_MAX_SHARE * page_chars:
            element.drop_tree()


def _widget_candidates(tree: HtmlElement) -> list[HtmlElement]:
    """Elements whose class or id holds a widget word (case as written), and every
    figcaption and aside, in document order: a loop over the tree's elements is ~5x
    faster than the XPath `contains()` test of each name that did this."""
    found = []
    for element in tree.iter(etree.Element):
        tag = element.tag
        if tag in ("figcaption", "aside"):
            found.append(element)
        elif tag not in _NEVER_WIDGETS:
            names = f"{element.get('class', '')} {element.get('id', '')}"
            if any(word in names for word in _WIDGET_WORDS):
                found.append(element)
    return found


def _paragraph_chars(element: HtmlElement) -> int:
    return sum(len(p.text_content()) for p in element.iter("p"))


def _names_a_widget(element: HtmlElement) -> bool:
    if element.tag in ("figcaption", "aside"):
        return True
    names = f"{element.get('class', '')} {element.get('id', '')}"
    return any(part.lower().startswith(_WIDGET_WORDS) for part in _NAME_PART.findall(names))


def _trafilatura(tree: HtmlElement, url: str, *, precise: bool) -> str:
    found = trafilatura.extract(
        copy.deepcopy(tree),  # trafilatura edits the tree it is given
        url=url,
        include_comments=False,
        include_tables=True,  # an old layout table (or an unclosed <table>) may hold it all
        favor_precision=precise,
        # The balanced pass only gives the standfirst and a fallback: without its
        # comparison with readability and jusText it costs a third less, for the same
        # scores on the 303 real pages (bench/extraction.py).
        fast=not precise,
    )
    return found or ""


def _parse_date(text: str | None) -> datetime | None:
    """ISO 8601 (or its date part) -> aware UTC; anything else -> None."""
    if not text:
        return None
    candidate = text.strip().replace("Z", "+00:00")
    for attempt in (candidate, candidate[:10]):
        try:
            moment = datetime.fromisoformat(attempt)
        except ValueError:
            continue
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None
