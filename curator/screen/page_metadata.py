"""A page's metadata (title, author, date, site, image and its alt text, canonical
address, language, description) from the lxml tree trafilatura parses anyway: JSON-LD
first, then <meta> tags, then the page's structure. Pure: a tree in, a dict of strings
out (bounded by the caller)."""

from __future__ import annotations

import json
from typing import Any

from lxml.html import HtmlElement


def page_metadata(tree: HtmlElement) -> dict[str, str]:
    """Title, author, date, site, image (and image_alt), canonical, language and
    description from the head."""
    found: dict[str, str] = {}
    for key, value in _json_ld(tree).items():
        found.setdefault(key, value)
    tags = _meta_tags(tree)
    pairs = [
        ("title", ("og:title", "twitter:title")),
        ("author", ("author", "article:author", "citation_author", "dc.creator")),
        ("published", ("article:published_time", "citation_publication_date", "dc.date", "date")),
        ("site_name", ("og:site_name", "application-name")),
        ("image", ("og:image", "twitter:image")),
        ("description", ("description", "og:description", "twitter:description")),
    ]
    for key, names in pairs:
        for name in names:
            content = _meta(tags, name)
            if content:
                found.setdefault(key, content)
                break
    alt = _image_alt(tags, found.get("image"))
    if alt:
        found["image_alt"] = alt
    _structural(tree, found, locale=_meta(tags, "og:locale"))
    return found


def _image_alt(tags: dict[tuple[str, str], str], image: str | None) -> str | None:
    """og:image:alt (or twitter:image:alt), but only when the image chosen is the one
    it describes: a JSON-LD image that differs from og:image has no alt from the page."""
    for image_name, alt_name in (
        ("og:image", "og:image:alt"),
        ("twitter:image", "twitter:image:alt"),
    ):
        alt = _meta(tags, alt_name)
        if alt and image is not None and _meta(tags, image_name) == image:
            return alt
    return None


def _structural(tree: HtmlElement, found: dict[str, str], *, locale: str | None) -> None:
    for link in tree.iter("link"):
        if "canonical" in link.get("rel", "").lower().split() and link.get("href", "").strip():
            found.setdefault("canonical", link.get("href", "").strip())
            break
    for time in tree.iter("time"):
        if time.get("datetime") is not None:
            found.setdefault("published", time.get("datetime", ""))
            break
    root = tree.getroottree().getroot()
    lang = (root.get("lang") or root.get("xml:lang")) if root.tag == "html" else None
    language = (lang or locale or "").strip().replace("_", "-").split("-")[0].lower()
    if language:
        found["language"] = language
    for tag in ("h1", "title"):
        text = next((_joined_text(e) for e in tree.iter(tag)), "")
        if text:
            found.setdefault("title", text)
            break


def _joined_text(element: HtmlElement) -> str:
    return " ".join(s.strip() for s in element.itertext() if s.strip())


def _meta_tags(tree: HtmlElement) -> dict[tuple[str, str], str]:
    """The first non-empty content of each <meta> by (attribute, lower-cased name), in one
    pass: a search of the whole page for each name took longer than trafilatura."""
    tags: dict[tuple[str, str], str] = {}
    for tag in tree.iter("meta"):
        content = tag.get("content", "").strip()
        for attr in ("property", "name"):
            name = tag.get(attr)
            if content and name is not None:
                tags.setdefault((attr, name.strip().lower()), content)
    return tags


def _meta(tags: dict[tuple[str, str], str], name: str) -> str | None:
    return tags.get(("property", name)) or tags.get(("name", name))


def _json_ld(tree: HtmlElement) -> dict[str, str]:
    """headline/author/datePublished/publisher from the first Article-like JSON-LD."""
    for script in tree.iter("script"):
        if script.get("type") != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
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
