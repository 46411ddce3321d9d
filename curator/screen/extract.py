"""Article pages -> `Article`: main text with trafilatura, metadata with bs4.

Pure: bytes and a `PendingEntry` in, an `Article` out. A page that gives no
usable text (blocked, paywalled, empty) becomes a FALLBACK article built from
the feed's own content, with a note saying why.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import trafilatura
from bs4 import BeautifulSoup, Tag

from curator import bounds
from curator.models import Article, ExtractStatus, PendingEntry
from curator.urls import is_web_url, normalize_url

MIN_TEXT_CHARS = 300  # less than this is a teaser, not an article
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
_PRUNE = [
    "//*[contains(@class,'cookie') or contains(@id,'cookie')]",
    "//*[contains(@class,'newsletter') or contains(@class,'subscribe')]",
    "//*[contains(@class,'related') or contains(@class,'share')]",
    "//figcaption",
    "//aside",
]


def extract_article(html: bytes, entry: PendingEntry, url: str) -> Article:
    """The article in `html` (fetched from `url`), or the feed's text when the
    page has too little of its own (the page's metadata is kept either way)."""
    soup = BeautifulSoup(html, "lxml")
    meta = _metadata(soup)
    title = bounds.one_line(meta.get("title"), bounds.MAX_TITLE) or entry.title
    text = bounds.clip(_main_text(html, url, title), bounds.MAX_ARTICLE_TEXT)
    article = Article(
        entry_id=entry.id,
        url=url,
        text=text,
        title=title,
        status=ExtractStatus.DONE,
        canonical_url=_absolute(meta.get("canonical"), url),
        author=bounds.one_line(meta.get("author"), bounds.MAX_AUTHOR) or None,
        published_at=_parse_date(meta.get("published")) or entry.published_at,
        site_name=bounds.one_line(meta.get("site_name"), bounds.MAX_TITLE) or None,
        image_url=_absolute(meta.get("image"), url),
        language=meta.get("language"),
    )
    if _PAYWALL.search(soup.get_text(" ", strip=True)) and len(text) < 3 * MIN_TEXT_CHARS:
        return _fall_back(article, entry, "page is paywalled")
    if len(text) < MIN_TEXT_CHARS:
        return _fall_back(article, entry, f"page gave {len(text)} characters of text")
    return article


def _fall_back(article: Article, entry: PendingEntry, note: str) -> Article:
    return replace(
        article,
        text=feed_text(entry),
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


def _main_text(html: bytes, url: str, title: str) -> str:
    raw = _trafilatura(html, url, tables=False)
    if len(raw) < MIN_TEXT_CHARS:  # an old layout table (or an unclosed <table>) holds it all
        raw = _trafilatura(html, url, tables=True)
    lines = [line.strip() for line in raw.splitlines()]
    kept = [
        line
        for line in lines
        if line and line != title.strip() and not _BOILERPLATE_LINE.match(line)
    ]
    return "\n\n".join(kept)


def _trafilatura(html: bytes, url: str, *, tables: bool) -> str:
    found = trafilatura.extract(
        html,
        url=url,
        include_comments=False,
        include_tables=tables,
        favor_precision=True,
        prune_xpath=_PRUNE,
    )
    return found or ""


def _metadata(soup: BeautifulSoup) -> dict[str, str]:
    """Title, author, date, site, image, canonical and language from the head."""
    found: dict[str, str] = {}
    for key, value in _json_ld(soup).items():
        found.setdefault(key, value)
    pairs = [
        ("title", ("og:title", "twitter:title")),
        ("author", ("author", "article:author", "citation_author", "dc.creator")),
        ("published", ("article:published_time", "citation_publication_date", "dc.date", "date")),
        ("site_name", ("og:site_name", "application-name")),
        ("image", ("og:image", "twitter:image")),
    ]
    for key, names in pairs:
        for name in names:
            content = _meta(soup, name)
            if content:
                found.setdefault(key, content)
                break
    _structural(soup, found)
    return found


def _structural(soup: BeautifulSoup, found: dict[str, str]) -> None:
    link = soup.find("link", rel="canonical")
    if isinstance(link, Tag) and link.get("href"):
        found.setdefault("canonical", str(link["href"]).strip())
    time = soup.find("time", datetime=True)
    if isinstance(time, Tag):
        found.setdefault("published", str(time["datetime"]))
    html = soup.find("html")
    lang = html.get("lang") if isinstance(html, Tag) else None
    locale = _meta(soup, "og:locale")
    language = str(lang or locale or "").strip().replace("_", "-").split("-")[0].lower()
    if language:
        found["language"] = language
    heading = soup.find("h1")
    title = soup.find("title")
    for node in (heading, title):
        if isinstance(node, Tag) and node.get_text(strip=True):
            found.setdefault("title", node.get_text(" ", strip=True))
            break


def _meta(soup: BeautifulSoup, name: str) -> str | None:
    for attr in ("property", "name"):
        tag = soup.find("meta", attrs={attr: re.compile(f"^{re.escape(name)}$", re.I)})
        if isinstance(tag, Tag) and tag.get("content"):
            return str(tag["content"]).strip()
    return None


def _json_ld(soup: BeautifulSoup) -> dict[str, str]:
    """headline/author/datePublished/publisher from the first Article-like JSON-LD."""
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue
        for node in _ld_nodes(data):
            kind = node.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(
                isinstance(k, str) and k.endswith(("Article", "Posting", "Report")) for k in kinds
            ):
                return _ld_fields(node)
    return {}


def _ld_nodes(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [n for d in data for n in _ld_nodes(d)]
    if isinstance(data, dict):
        return [data, *_ld_nodes(data.get("@graph", []))]
    return []


def _ld_fields(node: dict[str, Any]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for key, source in (("title", "headline"), ("published", "datePublished")):
        if isinstance(node.get(source), str):
            fields[key] = node[source].strip()
    names = [_ld_name(a) for a in _as_list(node.get("author"))]
    if any(names):
        fields["author"] = ", ".join(n for n in names if n)
    publisher = _ld_name(node.get("publisher"))
    if publisher:
        fields["site_name"] = publisher
    image: Any = node.get("image")
    image = image[0] if isinstance(image, list) and image else image
    image = image.get("url") if isinstance(image, dict) else image
    if isinstance(image, str):
        fields["image"] = image
    return fields


def _ld_name(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("name")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _absolute(link: str | None, base: str) -> str | None:
    if not link:
        return None
    try:
        absolute = normalize_url(link, base=base)
    except ValueError:
        return None
    return absolute if is_web_url(absolute) else None


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
