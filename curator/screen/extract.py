"""Article pages -> `Article`: main text with trafilatura, metadata from the same tree.

Pure: bytes and a `PendingEntry` in, an `Article` out. A page that gives no
usable text (blocked, paywalled, empty) becomes a FALLBACK article built from
the feed's own content, with a note saying why. Why it runs as it does, and what
each step costs: docs/extraction-speed.md.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import lxml.html
import trafilatura
from bs4 import BeautifulSoup
from bs4.dammit import EncodingDetector
from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction
from trafilatura.settings import MANUALLY_CLEANED
from trafilatura.utils import decode_file, is_dubious_html, repair_faulty_html

from curator import bounds
from curator.models import Article, ExtractStatus, PendingEntry
from curator.parse.text import clean_link
from curator.screen.page_metadata import page_metadata
from curator.screen.page_widgets import prune_widgets

MIN_TEXT_CHARS = 300  # from this length a page's text is the article, whatever the feed says
# Shorter text is still the article (a news brief) when it says more than the feed does,
# reads as prose of at least this many words, and is no "enable JavaScript" shell.
MIN_BRIEF_WORDS = 30
# A page that says it is paywalled still gives its article from this length of text. (A
# shorter text means the fast pass found under `_COMPARE_BELOW`: the notice was looked for.)
_WALL_BEATEN_AT = 3 * MIN_TEXT_CHARS
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
_VISIBLE_TEXT = etree.XPath(
    "//text()[not(ancestor::script or ancestor::style or ancestor::template)]", smart_strings=False
)
# Below this many characters, trafilatura's fast precise text is checked against
# readability and jusText (its own fallbacks, as costly as the pass): on the 303 real
# pages they changed the text of 13, 11 of them pages where the fast pass found under 410
# characters (the other two long texts swapped for others, no better).
_COMPARE_BELOW = 3 * MIN_TEXT_CHARS
# The description is the standfirst when the page shows it in an element whose text
# starts with its first characters and is the description.
_STARTS_WITH = etree.XPath("//body//*[text()[starts-with(normalize-space(.), $start)]]")
_SPACES = re.compile(r"\s+")
# trafilatura's parser settings, but each element's class picked by lxml in C: lxml.html's
# own parser picks it in Python (for its form classes, which nothing here uses) each time
# an element object is made, a tenth of a page's time with trafilatura's passes, which work
# on copies that keep this parser.
_PARSER = lxml.html.HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)
# trafilatura's repair of a page's opening looks at its first 4,096 characters.
_REPAIRED_HEAD = 4096
# The control characters XML forbids (libxml2 would read them into the text): in UTF-8 each
# is a byte of its own, never part of another character's bytes; and U+FFFE and U+FFFF.
_FORBIDDEN_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_FFFE, _FFFF = "\ufffe".encode(), "\uffff".encode()
# trafilatura deletes these elements (scripts, head, footers, asides, forms' inputs...) when
# it cleans a page, after a first search of the raw tree; deleting them before its first
# pass spares its searches and its copies of the tree half the elements (an eighth of
# its time), for the same text on the 303 real pages. Kept for it: <nav>, whose <h1>
# tells its first search a page's own article apart from an appended one, and the
# elements its cleaning handles apart (<form>; <figure> holding a table; <math>).
_DROPPED_BY_TRAFILATURA = tuple(sorted(set(MANUALLY_CLEANED) - {"nav", "form", "figure", "math"}))
_DROPPED_BY_TRAFILATURA_BUT_SCRIPTS = tuple(t for t in _DROPPED_BY_TRAFILATURA if t != "script")


def extract_article(html: bytes, entry: PendingEntry, url: str) -> Article:
    """The article in `html` (fetched from `url`), or the feed's text when the
    page has too little of its own (the page's metadata is kept either way)."""
    # One lxml parse serves the metadata and the text (bs4 parsed the page again and took
    # longer than trafilatura itself).
    tree = _parse_page(html)
    meta = page_metadata(tree) if tree is not None else {}
    title = bounds.one_line(meta.get("title"), bounds.MAX_TITLE) or entry.title
    description = meta.get("description")
    main = _NO_TEXT if tree is None else _main_text(html, tree, url, title, description)
    text = bounds.clip(main.text, bounds.MAX_ARTICLE_TEXT)
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
    if len(text) >= _WALL_BEATEN_AT:
        return article  # the common case: neither the paywall nor the feed's text matters
    offered = feed_text(entry)
    if main.paywalled:
        return _fall_back(article, offered, "page is paywalled")
    if _is_teaser(text, offered=offered):
        return _fall_back(article, offered, f"page gave {len(text)} characters of text")
    return article


def _parse_page(html: bytes) -> HtmlElement | None:
    """The page as a tree, decoded in the charset its head declares when that fits its
    bytes, else as trafilatura guesses (its guess ignores the declaration: it read an
    ISO-8859-2 page as cp1250); repaired and checked as trafilatura's `load_html` does."""
    text = None
    declared = EncodingDetector.find_declared_encoding(html, is_html=True)
    if declared:
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            text = html.decode(declared)
    text = decode_file(html) if text is None else text
    beginning = text[:50].lower()
    try:
        tree = lxml.html.fromstring(_repaired(text, beginning), parser=_PARSER)
    except etree.ParserError:  # nothing to parse
        return None
    return None if is_dubious_html(beginning) and len(tree) < 2 else tree


def _repaired(text: str, beginning: str) -> bytes:
    """`text` as UTF-8 that libxml2 reads whole, as trafilatura's `repair_faulty_html` makes
    it: that repairs a doctype or an <html/> in the first lines, so it is given those (ending
    at a line's end), and the characters XML forbids are cut from the bytes of the rest,
    which takes a seventh of the time of its regex over the whole page. (Its <html/> repair
    can reach a little further when what it cuts first shortens the opening: an <html/>
    past 4,096 characters, after control characters, stays as it is here.)"""
    cut = text.find("\n", _REPAIRED_HEAD) + 1 or len(text)
    head = repair_faulty_html(text[:cut], beginning)
    data = (head + text[cut:]).encode("utf-8", "surrogatepass")
    return data.translate(None, _FORBIDDEN_BYTES).replace(_FFFE, b"").replace(_FFFF, b"")


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


@dataclass(frozen=True)
class _MainText:
    """The story's text, and whether the page says it is for subscribers (read only when
    the text is short: from `_WALL_BEATEN_AT` characters on it does not matter)."""

    text: str
    paywalled: bool = False


_NO_TEXT = _MainText("")


def _main_text(
    html: bytes, tree: HtmlElement, url: str, title: str, description: str | None
) -> _MainText:
    """The story's text in `html`, whose tree `tree` this prunes."""
    prune_widgets(tree)
    _drop_what_trafilatura_drops(tree)
    lines = _story_lines(_trafilatura(tree, url, precise=True, compare=False), title)
    paywalled = False
    if _length(lines) < _COMPARE_BELOW:
        # trafilatura's fallbacks and balanced settings read the whole page (without what
        # it drops they lost the story of 1 in 300 real pages): parsed again, for the few
        # pages that get here, rather than a copy made for every page. The paywall notice
        # is looked for on it too, widgets and all (it is often in a subscribe box).
        whole = _parse_page(html)
        if whole is not None:
            paywalled = _PAYWALL.search(_visible_text(whole)) is not None
            prune_widgets(whole)
            lines = _fuller_lines(whole, url, title)
    return _MainText("\n\n".join(_with_standfirst(lines, tree, description, title)), paywalled)


def _fuller_lines(whole: HtmlElement, url: str, title: str) -> list[str]:
    """The story's lines from the `whole` page, when the fast pass gave few."""
    lines = _story_lines(_trafilatura(whole, url, precise=True, compare=True), title)
    if _length(lines) < MIN_TEXT_CHARS:
        # Precise settings sometimes drop the whole story; balanced ones keep it (and more
        # of the page around it).
        lines = _story_lines(_trafilatura(whole, url, precise=False, compare=False), title)
    return lines


def _length(lines: list[str]) -> int:
    return sum(map(len, lines))


def _story_lines(text: str, title: str) -> list[str]:
    """The lines of `text` but the title and the boilerplate (`_BOILERPLATE_LINE`)."""
    lines = (line.strip() for line in text.splitlines())
    return [
        line
        for line in lines
        if line and line != title.strip() and not _BOILERPLATE_LINE.match(line)
    ]


def _with_standfirst(
    lines: list[str], tree: HtmlElement, description: str | None, title: str
) -> list[str]:
    """`lines` after the page's `description` when the page shows that as a block of its
    own and `lines` lack it: the standfirst, which trafilatura's precise settings drop
    with the <header> it often sits in (a description the page does not show, such as an
    advert for the site, stays out)."""
    standfirst = _SPACES.sub(" ", description or "").strip()
    if not standfirst or standfirst == title.strip():
        return lines
    told = _SPACES.sub(" ", " ".join(lines))
    if standfirst[:60] in told:  # there already, or it is the first paragraph's opening
        return lines
    for element in _STARTS_WITH(tree, start=standfirst[:40]):
        if _SPACES.sub(" ", element.text_content()).strip() == standfirst:
            return [standfirst, *lines]
    return lines


def _drop_what_trafilatura_drops(tree: HtmlElement) -> None:
    """Remove from `tree` what trafilatura's cleaning removes in each pass (see
    `_DROPPED_BY_TRAFILATURA`), but the JSON-LD by which it tells a forum thread."""
    etree.strip_elements(tree, *_DROPPED_BY_TRAFILATURA_BUT_SCRIPTS, with_tail=False)
    for script in list(tree.iter("script")):
        if script.get("type") != "application/ld+json":
            script.drop_tree()


def _trafilatura(tree: HtmlElement, url: str, *, precise: bool, compare: bool) -> str:
    found = trafilatura.extract(
        tree,  # trafilatura works on a copy of its own
        url=url,
        include_comments=False,
        include_tables=True,  # an old layout table (or an unclosed <table>) may hold it all
        favor_precision=precise,
        fast=not compare,  # compare: with readability and jusText, its fallbacks
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
