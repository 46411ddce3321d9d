"""The subscribers' side: Atom, RSS 2.0, JSON Feed 1.1 and a static site, as bytes.

`build_export` is pure (posts in, outputs out); `atomic.sync_folder` puts the files
on disk. The orchestrator that reads the store and chooses related posts is
`curator.site.run`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from curator.models import Post
from curator.site.atomic import Output
from curator.site.digest import digest_outputs
from curator.site.feeds import FeedInfo, atom_feed, rss_feed
from curator.site.jsonfeed import json_feed
from curator.site.pages import page_outputs
from curator.site.settings import SiteSettings
from curator.site.templates import code_digest, fingerprint
from curator.site.views import SiteView, build_site

__all__ = [
    "ATOM",
    "JSON",
    "RSS",
    "Output",
    "SiteSettings",
    "build_export",
    "render_all",
    "source_key",
]

ATOM, RSS, JSON = "atom.xml", "rss.xml", "feed.json"


ImageLoader = Callable[[int, int], bytes]  # (item id, width) -> the rendition's bytes


def build_export(
    settings: SiteSettings,
    posts: Sequence[Post],
    updated: datetime,
    images: ImageLoader | None = None,
    digests: Sequence[str] = (),
) -> dict[str, Output]:
    """Every file of the export (path -> Output) from the posts, newest first.

    `updated` is the time of the last change to any post (a retraction too): the
    feeds' own `updated`, so that no change means the same bytes. Nothing is rendered
    until an output's `render` is called, and `sync_folder` calls it only for files
    whose key changed. `images` reads the lead images' bytes (from the store); without
    it, posts are shown without their images. `digests`: the weeks whose digest was
    made ("2026-W49"), newest first.
    """
    site = build_site(settings, posts if images else [replace(p, image=None) for p in posts])
    salt = fingerprint(settings, code_digest())
    latest = site.posts[: settings.feed_size]
    main = FeedInfo(
        uid=settings.tag_uri("feed"),
        title=settings.title,
        subtitle=settings.description,
        atom_path=ATOM,
        rss_path=RSS,
        home_path="",
        updated=updated,
    )
    outputs = page_outputs(site, salt)
    key = [p.digest for p in latest]
    outputs[ATOM] = Output(
        fingerprint(salt, ATOM, main, key), functools.partial(atom_feed, settings, main, latest)
    )
    outputs[RSS] = Output(
        fingerprint(salt, RSS, main, key), functools.partial(rss_feed, settings, main, latest)
    )
    outputs[JSON] = Output(
        fingerprint(salt, JSON, key), functools.partial(json_feed, settings, JSON, "", latest)
    )
    outputs.update(_tag_feeds(site, salt))
    if images:
        outputs.update(_image_files(site, salt, images))
    outputs.update(digest_outputs(site, digests, salt))
    return outputs


def source_key(settings: SiteSettings, state: object) -> str:
    """A key of everything an export is made from: the settings, the templates and code,
    and `state`, the store's summary of the posts (see `ExportStore.state`)."""
    return fingerprint(settings, code_digest(), state)


def render_all(outputs: dict[str, Output]) -> dict[str, bytes]:
    """The bytes of every output (for tests and tools; the export renders lazily)."""
    return {path: output.render() for path, output in outputs.items()}


def _image_files(site: SiteView, salt: str, images: ImageLoader) -> dict[str, Output]:
    files = {}
    for post in site.posts:
        if post.image is None:
            continue
        for file in post.image.files:
            load = functools.partial(images, post.source.item_id, file.width)
            files[file.path] = Output(fingerprint(salt, "image", file), load)
    return files


def _tag_feeds(site: SiteView, salt: str) -> dict[str, Output]:
    settings = site.settings
    feeds = {}
    for tag, tagged in site.tags:
        latest = tagged[: settings.feed_size]
        info = FeedInfo(
            uid=settings.tag_uri(f"tag/{tag.name}"),
            title=f"{settings.title}: {tag.label}",
            subtitle=f"Posts on “{tag.label}”. {settings.description}",
            atom_path=tag.feed,
            rss_path=None,
            home_path=tag.page,
            updated=max(p.updated_at for p in latest),
        )
        feeds[tag.feed] = Output(
            fingerprint(salt, "tag-feed", info, [p.digest for p in latest]),
            functools.partial(atom_feed, settings, info, latest),
        )
    return feeds
