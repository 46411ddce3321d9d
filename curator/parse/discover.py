"""Feed autodiscovery: which feeds does an HTML page point to?

Reads `<link rel="alternate">` elements (the standard way) and, only when there
are none, ordinary links whose address looks like a feed ("/feed", "rss.xml").
Pure: HTML in, absolute normalised URLs out, best first.
"""

from __future__ import annotations

import re
import warnings

from bs4 import (
    BeautifulSoup,
    MarkupResemblesLocatorWarning,
    SoupStrainer,
    XMLParsedAsHTMLWarning,
)

from curator.urls import normalize_url

# Not plain "application/json": WordPress announces its REST API that way.
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/xml",
        "text/xml",
    }
)
_FEEDLIKE_HREF = re.compile(
    r"(/feed/?|/rss/?|\.rss|\.atom|rss\.xml|atom\.xml|feed\.xml|feed\.json)$", re.I
)
_TAGS = SoupStrainer(["link", "a", "base"])


def find_feed_links(html: bytes | str, base_url: str) -> list[str]:
    """The feed URLs `html` (served at `base_url`) announces, best first, no repeats."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        # `sources add` looks for links in whatever was not a feed, XML included (a
        # refused feed, an XHTML page): the HTML parser is the one wanted for that.
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "lxml", parse_only=_TAGS)
    base_tag = soup.find("base", href=True)
    if base_tag is not None:
        base_url = _absolute(str(base_tag["href"]), base_url) or base_url
    announced = [
        _absolute(str(tag["href"]), base_url)
        for tag in soup.find_all("link", href=True)
        if _is_alternate_feed(tag.get("rel"), tag.get("type"))
    ]
    if not any(announced):
        announced = [
            _absolute(str(tag["href"]), base_url)
            for tag in soup.find_all("a", href=True)
            if _FEEDLIKE_HREF.search(str(tag["href"]).split("?")[0])
        ]
    return list(dict.fromkeys(url for url in announced if url))


def _is_alternate_feed(rel: object, kind: object) -> bool:
    rels = rel if isinstance(rel, list) else str(rel or "").split()
    if "alternate" not in [r.lower() for r in rels]:
        return False
    return str(kind or "").split(";")[0].strip().lower() in FEED_TYPES


def _absolute(href: str, base_url: str) -> str | None:
    try:
        return normalize_url(href, base=base_url)
    except ValueError:
        return None
