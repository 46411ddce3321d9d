"""The fast path's gate: which feed bodies lxml may read instead of feedparser.

It takes only what it reads exactly as feedparser does (its strict parser on a UTF-8
document): UTF-8, no DOCTYPE, no xml:base, RSS 2.0 or Atom 1.0 at the root. Anything
else returns None and feedparser reads the feed; `lxmlfeed` reads the two formats (and
gives up with `NotFast` on elements it does not map as feedparser does).
tests/test_parse_fast_path.py holds the two to the same `ParsedFeed` on every feed in
tests/data.
"""

from __future__ import annotations

import re

from lxml import etree

from curator.parse.lxmlfeed import ATOM, NotFast, RawFeed, read_atom, read_rss

_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([\w.:-]+)", re.I)
_BEFORE_BASE = frozenset({b" ", b"\t", b"\n", b"\r", b":"})
_EQUALS = re.compile(rb"\s*=")
_ENTRY_TAG = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s>/]")


def read_fast(body: bytes, headers: dict[str, str]) -> RawFeed | None:
    """The feed read as feedparser reads it, or None when feedparser must read it."""
    lowered = body.lower()  # feedparser lower-cases element and attribute names
    if not _plain_utf8(body, headers) or b"<!doctype" in lowered or _sets_a_base(lowered):
        return None
    # <item> and <entry> in any namespace and case: feedparser reads each as an entry
    expected = len(_ENTRY_TAG.findall(lowered))
    try:
        root = etree.fromstring(body, _XML_PARSER)
        if root.tag == "rss" and root.get("version") == "2.0":
            return read_rss(root, expected)
        if root.tag == ATOM + "feed":
            return read_atom(root, expected)
    except (etree.XMLSyntaxError, NotFast, ValueError):
        return None
    return None


def _sets_a_base(lowered: bytes) -> bool:
    """An xml:base, or a plain `base` attribute (feedparser reads both on any element)."""
    at = lowered.find(b"base")
    while at != -1:
        if lowered[at - 1 : at] in _BEFORE_BASE and _EQUALS.match(lowered, at + 4):
            return True
        at = lowered.find(b"base", at + 4)
    return False


def _plain_utf8(body: bytes, headers: dict[str, str]) -> bool:
    """UTF-8 by every account (as feedparser reads it without a warning): an XML media
    type, a charset (if any) of UTF-8, and no other encoding declared."""
    content_type = headers.get("content-type", "application/xml").lower()
    media = content_type.split(";")[0].strip()
    charset = _CHARSET.search(content_type)
    named = charset.group(1) if charset else None
    if media.startswith("text/"):
        ok_type = media in ("text/xml", "text/xml-external-parsed-entity") and bool(named)
    else:
        ok_type = media in ("application/xml", "application/rss+xml", "application/atom+xml")
    declared = _XML_DECLARATION.match(body[:512])
    encodings = {named, declared.group(1).decode() if declared else None} - {None}
    return ok_type and all(e.lower() in ("utf-8", "utf8") for e in encodings if e)
