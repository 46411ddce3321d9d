"""Atom 1.0 (RFC 4287) and RSS 2.0 feeds, built with feedgen.

Nothing here reads the clock: the feed's `updated` is the last change to the posts,
so an export with no change gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from curator.site.settings import SiteSettings
from curator.site.templates import entry_html
from curator.site.views import PostView


@dataclass(frozen=True)
class FeedInfo:
    """One feed: the whole site's, or one tag's."""

    uid: str
    title: str
    subtitle: str
    atom_path: str  # where the Atom file lives, relative to the export folder
    rss_path: str | None
    home_path: str  # the HTML page the feed stands for
    updated: datetime


class _EntryLinks(BaseEntryExtension):
    """An Atom entry's links with all their attributes: feedgen 1.0 drops `rel`, `type`
    and `title` of entry links (a shadowed variable), which would make the link to the
    source a second `alternate`."""

    def __init__(self) -> None:
        self.links: list[dict[str, str]] = []

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        for attributes in self.links:
            # Unqualified, like feedgen's own elements: the feed's xmlns makes them Atom.
            etree.SubElement(entry, "link", attributes)
        return entry


def atom_feed(settings: SiteSettings, info: FeedInfo, posts: Sequence[PostView]) -> bytes:
    self_link = {"href": settings.url(info.atom_path), "type": "application/atom+xml"}
    generator = _generator(settings, info, posts, self_link, rss=False)
    return bytes(generator.atom_str(pretty=True))


def rss_feed(settings: SiteSettings, info: FeedInfo, posts: Sequence[PostView]) -> bytes:
    assert info.rss_path is not None
    self_link = {"href": settings.url(info.rss_path), "type": "application/rss+xml"}
    generator = _generator(settings, info, posts, self_link, rss=True)
    return bytes(generator.rss_str(pretty=True))


def _generator(
    settings: SiteSettings,
    info: FeedInfo,
    posts: Sequence[PostView],
    self_link: dict[str, str],
    rss: bool,
) -> FeedGenerator:
    generator = FeedGenerator()
    generator.register_extension("links", BaseExtension, _EntryLinks, atom=True, rss=False)
    generator.load_extension("dc", atom=False, rss=True)
    generator.load_extension("media", atom=True, rss=True)
    generator.id(info.uid)
    generator.title(info.title)
    generator.subtitle(info.subtitle)
    generator.description(info.subtitle)
    generator.link(rel="self", **self_link)
    # RSS's <link> is the last link given: the page the feed stands for.
    generator.link(href=settings.url(info.home_path), rel="alternate", type="text/html")
    generator.author({"name": settings.author})
    generator.language(settings.language)
    generator.updated(info.updated)
    generator.lastBuildDate(info.updated)
    generator.generator("Curator", uri="https://example.org/curator")
    for post in posts:
        _add_entry(generator, settings, post, rss)
    return generator


def _add_entry(generator: FeedGenerator, settings: SiteSettings, post: PostView, rss: bool) -> None:
    entry = generator.add_entry(order="append")
    entry.id(post.uid)
    entry.guid(post.uid, permalink=False)
    entry.title(post.title)
    if rss:
        entry.link(href=settings.url(post.page))
    else:
        entry.links.links.append(
            {"rel": "alternate", "type": "text/html", "href": settings.url(post.page)}
        )
        if post.source_url:
            entry.links.links.append(
                {"rel": "related", "href": post.source_url, "title": post.source_name}
            )
    entry.content(entry_html(post, settings.base_url), type="html")
    entry.author({"name": post.author})
    entry.dc.dc_creator(post.author)
    entry.published(post.published_at)
    entry.updated(post.updated_at)
    for tag in post.tags:
        entry.category(term=tag.label, label=tag.label, scheme=settings.url("tags/"))
    if post.image_url:
        # Outside any media:group: a group is for alternatives of one thing, and a group
        # of one is an error to the W3C Feed Validator.
        entry.media.content(url=post.image_url, medium="image", group=None)
