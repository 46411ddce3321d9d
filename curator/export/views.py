"""Posts as subscribers see them: cleaned text, safe links, resolved related posts.

Built once per export from `models.Post` records; every format (Atom, RSS, JSON Feed,
HTML) renders from these views, so all of them say the same thing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from curator.export.clean import file_name, plain, safe_html, text_of, web_url
from curator.export.settings import SiteSettings
from curator.models import Post

EXCERPT_CHARS = 240


@dataclass(frozen=True)
class TagRef:
    label: str
    name: str  # file name under tags/

    @property
    def page(self) -> str:
        return f"tags/{self.name}.html"

    @property
    def feed(self) -> str:
        return f"tags/{self.name}.xml"


@dataclass(frozen=True)
class RelatedLink:
    title: str
    name: str  # file name under posts/


@dataclass(frozen=True)
class PostView:
    post_id: int
    uid: str  # the tag: URI; never changes
    name: str
    title: str
    raw_html: str  # as stored; `body_html` is what goes out
    source_url: str | None
    source_name: str
    image_url: str | None
    tags: tuple[TagRef, ...]
    author: str
    published_at: datetime
    updated_at: datetime
    related: tuple[RelatedLink, ...]

    @property
    def page(self) -> str:
        return f"posts/{self.name}.html"

    @cached_property
    def body_html(self) -> str:
        return safe_html(self.raw_html)

    @cached_property
    def excerpt(self) -> str:
        return _excerpt(text_of(self.raw_html))

    @cached_property
    def digest(self) -> str:
        """Changes whenever anything a subscriber sees of this post changes."""
        return hashlib.sha256(repr(self).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class SiteView:
    settings: SiteSettings
    posts: tuple[PostView, ...]  # newest first
    tags: tuple[tuple[TagRef, tuple[PostView, ...]], ...]  # by label


def build_site(settings: SiteSettings, posts: Sequence[Post]) -> SiteView:
    """Views of the live `posts` (given newest first); retracted ones are left out."""
    live = [p for p in posts if p.retracted_at is None]
    links = {p.slug: RelatedLink(plain(p.title), file_name(p.slug)) for p in live}
    tag_refs: dict[str, TagRef] = {}
    views = tuple(_view(settings, p, links, tag_refs) for p in live)
    by_tag: dict[str, list[PostView]] = {}
    for view in views:
        for tag in view.tags:
            by_tag.setdefault(tag.name, []).append(view)
    tags = sorted(tag_refs.values(), key=lambda t: (t.label.casefold(), t.name))
    return SiteView(settings, views, tuple((t, tuple(by_tag[t.name])) for t in tags))


def _view(
    settings: SiteSettings, post: Post, links: dict[str, RelatedLink], tag_refs: dict[str, TagRef]
) -> PostView:
    tags: dict[str, TagRef] = {}
    for raw in post.tags:
        label = " ".join(plain(raw).split())
        if label:
            ref = tag_refs.setdefault(file_name(label), TagRef(label, file_name(label)))
            tags.setdefault(ref.name, ref)
    wanted = dict.fromkeys(s for s in post.related_slugs if s in links and s != post.slug)
    related = tuple(links[slug] for slug in wanted)[:3]
    editor = plain(post.editor).strip()
    return PostView(
        post_id=post.id,
        uid=settings.tag_uri(f"post/{post.id}"),
        name=file_name(post.slug),
        title=plain(post.title).strip() or "(untitled)",
        raw_html=post.body_html,
        source_url=web_url(post.source_url),
        source_name=plain(post.source_name).strip() or "the source",
        image_url=web_url(post.image_url),
        tags=tuple(tags.values()),
        author=editor if settings.author_mode == "editor" and editor else settings.author,
        published_at=post.published_at,
        updated_at=max(post.updated_at, post.published_at),
        related=related,
    )


def _excerpt(text: str) -> str:
    if len(text) <= EXCERPT_CHARS:
        return text
    cut = text[:EXCERPT_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
