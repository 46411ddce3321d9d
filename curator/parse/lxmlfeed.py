"""A fast path for well-formed RSS 2.0 and Atom 1.0: lxml reads the tree and this
module gives back what feedparser would have read for the fields Curator keeps,
shaped as feedparser's entries are (so `xmlfeed` maps both the same way).

`fast_path.read_fast` decides which bodies come here (UTF-8, no DOCTYPE, no xml:base);
this module reads the RSS 2.0 / Atom 1.0 elements below, and other namespaces only from
`_IGNORED_NAMESPACES`, and gives up with `NotFast` on anything else (elements feedparser
maps onto kept fields): feedparser then reads the feed.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from feedparser.datetimes import _parse_date as feedparser_date
from feedparser.html import _cp1252 as CP1252  # what feedparser maps C1 controls to
from feedparser.urls import _urljoin as feedparser_urljoin
from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_DC = "{http://purl.org/dc/elements/1.1/}"
# Namespaces whose elements feedparser maps onto no field Curator keeps.
_IGNORED_NAMESPACES = frozenset(
    {
        "http://purl.org/rss/1.0/modules/slash/",
        "http://wellformedweb.org/commentapi/",
        "http://rssnamespace.org/feedburner/ext/1.0",
        "http://purl.org/rss/1.0/modules/syndication/",
        "http://www.georss.org/georss",
    }
)
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = {"text": "text/plain", "html": "text/html", "plain": "text/plain"}


class NotFast(Exception):
    """The feed needs feedparser (said where the fast path gives up)."""


@dataclass(frozen=True)
class RawFeed:
    """What feedparser's result holds for Curator: the feed's title and link, and
    its entries as dicts with feedparser's keys (title, link, id, published_parsed,
    updated_parsed, author, summary, summary_detail, content, enclosures, tags)."""

    title: str
    link: str | None
    entries: tuple[dict[str, Any], ...]


# --- values as feedparser's pop() leaves them -------------------------------------


def _text(element: etree._Element) -> str:
    """An element's text: stripped, with feedparser's repairs of UTF-8 read as Latin-1
    and of C1 controls; an element with children (markup, comments) is not for us."""
    if len(element):
        raise NotFast("markup inside a text element")
    value = (element.text or "").strip()
    if value.isascii():
        return value
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("iso-8859-1").decode("utf-8")
    return value.translate(CP1252)


def _link_text(element: etree._Element, *, in_entry: bool) -> str:
    """An RSS <link>: feedparser resolves it (against nothing) and undoes what it takes
    for unhandled character references."""
    value = feedparser_urljoin("", _text(element))
    if in_entry:
        value = value.replace("&amp;", "&")
    return re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", value)


def _stripped(element: etree._Element) -> str:
    """An element feedparser reads as a plain value (an author's name, email): stripped."""
    if len(element):
        raise NotFast("markup inside a name")
    return (element.text or "").strip()


def _content_type(element: etree._Element, default: str) -> str:
    if default == "text/html" and element.get("type") is not None:
        raise NotFast("a typed RSS text")  # feedparser may guess HTML from the text
    given = element.get("type", default).lower()
    kind = _TEXT_TYPES.get(given, given)
    if element.get("mode") or kind not in ("text/plain", "text/html"):
        raise NotFast("a content type feedparser decodes or serialises")
    return kind


def _detail(element: etree._Element, default: str) -> dict[str, Any]:
    """A text construct as feedparser's *_detail holds it (type, value, base)."""
    return {"type": _content_type(element, default), "value": _text(element), "base": ""}


# --- entries ---------------------------------------------------------------------


class _Entry:
    """One entry's fields, filled in document order as feedparser fills them."""

    def __init__(self) -> None:
        self.raw: dict[str, Any] = {"tags": [], "enclosures": []}
        self.titles = 0
        self.summaries = 0

    def title(self, element: etree._Element) -> None:
        self.titles += 1
        if self.titles > 1:
            raise NotFast("two titles")  # feedparser keeps the first non-empty one
        _content_type(element, "text/plain")
        self.raw["title"] = _text(element)

    def summary(self, element: etree._Element, default: str) -> None:
        self.summaries += 1
        if self.summaries > 1:
            raise NotFast("two summaries")  # feedparser turns the second into content
        detail = _detail(element, default)
        self.raw["summary"], self.raw["summary_detail"] = detail["value"], detail

    def content(self, element: etree._Element, default: str) -> None:
        detail = _detail(element, default)
        self.raw.setdefault("content", []).append(detail)
        self.raw.setdefault("summary", detail["value"])  # feedparser copies it over

    def ident(self, element: etree._Element) -> None:
        is_link = (
            next((v for k, v in element.items() if k.lower() == "ispermalink"), "true") == "true"
        )
        value = _text(element)
        self.raw["id"] = feedparser_urljoin("", value) if is_link else value
        if is_link:
            self.raw.setdefault("link", self.raw["id"])

    def date(self, element: etree._Element, key: str) -> None:
        self.raw[key] = feedparser_date(_text(element))

    def tag(self, term: str | None, scheme: str | None, label: str | None) -> None:
        tag = {"term": term, "scheme": scheme, "label": label}
        if (term or scheme or label) and tag not in self.raw["tags"]:
            self.raw["tags"].append(tag)


_Handler = Callable[[_Entry, etree._Element], None]


def _read_entry(element: etree._Element, handlers: dict[str, _Handler]) -> dict[str, Any]:
    """An <item> or <entry>: each child by its format's handler; one with none must be
    ignorable (else `NotFast`)."""
    entry = _Entry()
    for child in element:
        handle = handlers.get(child.tag)
        if handle is None:
            _ignorable(child)
        else:
            handle(entry, child)
    return entry.raw


def _rss_category(entry: _Entry, element: etree._Element) -> None:
    entry.tag(_text(element) or None, element.get("domain"), None)


def _rss_enclosure(entry: _Entry, element: etree._Element) -> None:
    href = _href(element)
    kind = element.get("type")
    link = {"href": href, "type": kind.lower() if kind else kind, "length": element.get("length")}
    entry.raw["enclosures"].append({k: v for k, v in link.items() if v is not None})


def _author(entry: _Entry, element: etree._Element) -> None:
    entry.raw["author"] = _text(element)  # the last one wins, as in feedparser


def _set_link(entry: _Entry, element: etree._Element) -> None:
    entry.raw["link"] = _link_text(element, in_entry=True)


_RSS_ITEM: dict[str, _Handler] = {
    "title": _Entry.title,
    "link": _set_link,
    "guid": _Entry.ident,
    "pubDate": lambda e, el: e.date(el, "published_parsed"),
    _DC + "date": lambda e, el: e.date(el, "updated_parsed"),
    "description": lambda e, el: e.summary(el, "text/html"),
    _CONTENT + "encoded": lambda e, el: e.content(el, "text/html"),
    "author": _author,
    _DC + "creator": _author,
    "category": _rss_category,
    "enclosure": _rss_enclosure,
    "comments": lambda e, el: None,
}


def _ignorable(element: etree._Element) -> None:
    """An element the fast path does not read: one feedparser would not map onto a
    kept field, or the feed goes to feedparser."""
    tag = element.tag
    if not isinstance(tag, str):  # a comment or processing instruction between elements
        return
    namespace = tag[1:].split("}")[0].lower() if tag.startswith("{") else ""
    if namespace not in _IGNORED_NAMESPACES:
        raise NotFast(f"element {tag}")


def read_rss(root: etree._Element, expected: int) -> RawFeed:
    channels = root.findall("channel")
    if len(channels) != 1 or len(root) != 1:
        raise NotFast("not one channel")
    channel = channels[0]
    items = channel.findall("item")
    if expected != len(items):
        raise NotFast("items outside the channel")  # feedparser reads them too
    title, link = _feed_title(channel, "title"), None
    for child in channel:
        if child.tag == "link":
            link = _link_text(child, in_entry=False)
        elif child.tag == ATOM + "link":
            link = _atom_link(child, link)
        else:
            _other_feed_element(child, "title", "item")
    return RawFeed(title, link, tuple(_read_entry(item, _RSS_ITEM) for item in items))


def _feed_title(parent: etree._Element, tag: str) -> str:
    titles = parent.findall(tag)
    if len(titles) > 1:
        raise NotFast("two feed titles")
    if titles and tag.startswith(ATOM):
        _content_type(titles[0], "text/plain")
    return _text(titles[0]) if titles else ""


_FEED_FIELDS = frozenset({"title", "link", "id", "guid"})  # what feedparser reads as either


def _other_feed_element(element: etree._Element, *known: str) -> None:
    """A feed-level element the fast path does not read must not be one feedparser
    reads as the feed's title or link (dc:title, a guid, a link without a namespace)."""
    tag = element.tag
    if isinstance(tag, str) and tag not in known and tag.split("}")[-1].lower() in _FEED_FIELDS:
        raise NotFast(f"feed-level {tag}")


# --- Atom --------------------------------------------------------------------------


def _href(element: etree._Element) -> str | None:
    """feedparser's choice of address attribute: url, else uri, else href."""
    for name in ("url", "uri", "href"):
        if name in element.attrib:
            return element.get(name)
    return None


def _atom_link(element: etree._Element, current: str | None) -> str | None:
    """The link after this <link>: feedparser takes the last alternate HTML one."""
    href = _href(element)
    if not href:
        raise NotFast("a link without href")  # feedparser would read its text
    rel = element.get("rel", "alternate").lower()
    kind = element.get("type", "application/atom+xml" if rel == "self" else "text/html").lower()
    if rel == "alternate" and _TEXT_TYPES.get(kind, kind) in _HTML_TYPES:
        return feedparser_urljoin("", href)
    return current


def _atom_entry_link(entry: _Entry, element: etree._Element) -> None:
    if not _href(element):
        raise NotFast("a link without href")  # feedparser would read its text
    rel = element.get("rel", "alternate").lower()
    if rel == "enclosure":
        kind = element.get("type", "text/html").lower()
        href = feedparser_urljoin("", _href(element) or "")
        enclosure = {"href": href, "type": kind, "length": element.get("length")}
        entry.raw["enclosures"].append({k: v for k, v in enclosure.items() if v is not None})
        return
    link = _atom_link(element, entry.raw.get("link"))
    if link is not None:
        entry.raw["link"] = link


def _atom_author(entry: _Entry, element: etree._Element) -> None:
    """feedparser's author: "name (email)", the name or the email, of the last author."""
    if (element.text or "").strip():
        raise NotFast("text in an author")
    found: dict[str, str] = {}
    for child in element:
        if child.tag in (ATOM + "name", ATOM + "email"):
            found[child.tag[len(ATOM) :]] = _stripped(child)
        elif child.tag != ATOM + "uri":
            _ignorable(child)
    name, email = found.get("name"), found.get("email")
    entry.raw["author"] = f"{name} ({email})" if name and email else name or email or ""


def _atom_category(entry: _Entry, element: etree._Element) -> None:
    if len(element) or (element.text or "").strip():
        raise NotFast("text in a category")
    entry.tag(element.get("term"), element.get("scheme"), element.get("label"))


def _atom_content(entry: _Entry, element: etree._Element) -> None:
    if element.get("src"):
        raise NotFast("content by reference")
    entry.content(element, "text/plain")


_ATOM_ENTRY: dict[str, _Handler] = {
    ATOM + "title": _Entry.title,
    ATOM + "link": _atom_entry_link,
    ATOM + "id": _Entry.ident,
    ATOM + "published": lambda e, el: e.date(el, "published_parsed"),
    ATOM + "updated": lambda e, el: e.date(el, "updated_parsed"),
    ATOM + "summary": lambda e, el: e.summary(el, "text/plain"),
    ATOM + "content": _atom_content,
    ATOM + "author": _atom_author,
    ATOM + "category": _atom_category,
    ATOM + "rights": lambda e, el: None,
    ATOM + "contributor": lambda e, el: None,
}


def read_atom(root: etree._Element, expected: int) -> RawFeed:
    entries = root.findall(ATOM + "entry")
    if expected != len(entries):
        raise NotFast("entries nested elsewhere")
    title, link = _feed_title(root, ATOM + "title"), None
    for child in root:
        if child.tag == ATOM + "link":
            link = _atom_link(child, link)
        elif child.tag == ATOM + "id" and link is None:
            link = feedparser_urljoin("", _text(child))  # feedparser: an id stands in
        else:
            _other_feed_element(child, ATOM + "title", ATOM + "id", ATOM + "entry")
    return RawFeed(title, link, tuple(_read_entry(entry, _ATOM_ENTRY) for entry in entries))
