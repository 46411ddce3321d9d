"""OPML 2.0 subscription lists: read them into `SourceConfig`s, write `Source`s out.

Outlines nest as folders; a feed's folders (and its `category` attribute) become
its tags. Entity declarations are refused, as in feeds.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime
from email.utils import format_datetime

from curator.config.lists import SourceConfig
from curator.errors import CuratorError
from curator.models import Source


class OpmlError(CuratorError):
    """The file is not OPML we can read; the message names it."""


def read_opml(data: bytes, where: str) -> list[SourceConfig]:
    """Every feed outline (one with xmlUrl) in `data`; `where` names the file in errors."""
    if b"<!ENTITY" in data or b"<!DOCTYPE" in data:
        raise OpmlError(f"{where}: refused: OPML with a DOCTYPE or entity declarations")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        raise OpmlError(f"{where}: not valid XML ({e})") from e
    body = root.find("body")
    if root.tag != "opml" or body is None:
        raise OpmlError(f"{where}: not an OPML file (no <opml><body>)")
    found: dict[str, SourceConfig] = {}
    _walk(body, (), found)
    return list(found.values())


def _walk(node: ET.Element, folders: tuple[str, ...], found: dict[str, SourceConfig]) -> None:
    for outline in node.findall("outline"):
        label = (outline.get("text") or outline.get("title") or "").strip()
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url.startswith(("http://", "https://")) and url not in found:
            categories = [c.strip().strip("/") for c in (outline.get("category") or "").split(",")]
            tags = tuple(dict.fromkeys(t for t in (*folders, *categories) if t))
            found[url] = SourceConfig(url=url, name=label or url, tags=tags)
        elif not url:
            _walk(outline, (*folders, label) if label else folders, found)


def write_opml(sources: Sequence[Source], *, now: datetime, title: str) -> str:
    """An OPML 2.0 document listing `sources` (tags as the category attribute)."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(now, usegmt=True)
    body = ET.SubElement(root, "body")
    for source in sources:
        attributes = {
            "type": "rss",
            "text": source.name,
            "title": source.name,
            "xmlUrl": source.url,
        }
        if source.tags:
            attributes["category"] = ",".join(source.tags)
        ET.SubElement(body, "outline", attributes)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
