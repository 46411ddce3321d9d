"""Posts as subscribers see them: cleaned text, safe links, resolved related posts.

Built once per export from `models.Post` records; every format (Atom, RSS, JSON Feed,
HTML) renders from these views, so all of them say the same thing.
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import cached_property

from curator.bounds import MAX_AUTHOR, MAX_TAG, MAX_TITLE
from curator.models import Post
from curator.site.clean import (
    absolute_links,
    file_name,
    plain_line,
    safe_html,
    text_of,
    web_url,
)
from curator.site.settings import SiteSettings

EXCERPT_CHARS = 240
UNTITLED = "(untitled)"


def shown_title(raw: str) -> str:
    """A post's title as every page and feed shows it (its own, or in related links)."""
    return plain_line(raw, MAX_TITLE) or UNTITLED


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
class _Context:
    settings: SiteSettings
    titles: dict[str, str]  # slug -> title of every live post
    links: dict[str, RelatedLink] = field(default_factory=dict)  # made once per slug

    def link(self, slug: str) -> RelatedLink:
        found = self.links.get(slug)
        if found is None:
            found = self.links[slug] = RelatedLink(shown_title(self.titles[slug]), file_name(slug))
        return found


@dataclass(frozen=True)
class PostView:
    """What every export needs of a post (its page, tags, times and digest) is set up
    front; the rest is worked out when a file that shows it is rendered, so that an
    export that re-renders a few files does not clean the text of 10,000 posts."""

    post_id: int
    name: str
    tags: tuple[TagRef, ...]
    published_at: datetime
    updated_at: datetime
    digest: str  # changes whenever anything a subscriber sees of this post changes
    source: Post = field(repr=False, compare=False)
    context: _Context = field(repr=False, compare=False)

    @property
    def page(self) -> str:
        return f"posts/{self.name}.html"

    @property
    def raw_html(self) -> str:
        """As stored; `body_html` is what goes out."""
        return self.source.body_html

    @cached_property
    def uid(self) -> str:
        """The tag: URI; never changes."""
        return self.context.settings.tag_uri(f"post/{self.post_id}")

    @cached_property
    def title(self) -> str:
        return shown_title(self.source.title)

    @cached_property
    def source_url(self) -> str | None:
        return web_url(self.source.source_url)

    @cached_property
    def source_name(self) -> str:
        return plain_line(self.source.source_name, MAX_TITLE) or "the source"

    @cached_property
    def image_url(self) -> str | None:
        return web_url(self.source.image_url)

    @cached_property
    def author(self) -> str:
        settings = self.context.settings
        editor = plain_line(self.source.editor, MAX_AUTHOR)
        return editor if settings.author_mode == "editor" and editor else settings.author

    @cached_property
    def related(self) -> tuple[RelatedLink, ...]:
        titles, slug = self.context.titles, self.source.slug
        wanted = dict.fromkeys(s for s in self.source.related_slugs if s in titles and s != slug)
        return tuple(self.context.link(s) for s in wanted)[:3]

    @cached_property
    def body_html(self) -> str:
        return absolute_links(safe_html(self.raw_html), self.context.settings.url(self.page))

    @cached_property
    def excerpt(self) -> str:
        return _excerpt(text_of(self.raw_html))


@dataclass(frozen=True)
class SiteView:
    settings: SiteSettings
    posts: tuple[PostView, ...]  # newest first
    tags: tuple[tuple[TagRef, tuple[PostView, ...]], ...]  # by label


def build_site(settings: SiteSettings, posts: Sequence[Post]) -> SiteView:
    """Views of the live `posts` (given newest first); retracted ones are left out."""
    live = [p for p in posts if p.retracted_at is None]
    context = _Context(settings, live_titles(posts))
    tag_refs: dict[str, TagRef] = {}  # by file name
    by_raw: dict[str, TagRef | None] = {}  # by the tag as stored
    views = tuple(_view(context, p, tag_refs, by_raw) for p in live)
    by_tag: dict[str, list[PostView]] = {}
    for view in views:
        for tag in view.tags:
            by_tag.setdefault(tag.name, []).append(view)
    tags = sorted(tag_refs.values(), key=lambda t: (t.label.casefold(), t.name))
    return SiteView(settings, views, tuple((t, tuple(by_tag[t.name])) for t in tags))


def live_titles(posts: Sequence[Post]) -> dict[str, str]:
    """slug -> title of the posts not retracted: what related links can point to."""
    return {p.slug: p.title for p in posts if p.retracted_at is None}


Detached = tuple[int, str, tuple[TagRef, ...], datetime, datetime, str, Post]


def detached(view: PostView) -> Detached:
    """`view` as plain data for another process: all but the context it shares."""
    return (view.post_id, view.name, view.tags, view.published_at, view.updated_at,
            view.digest, view.source)


def attacher(settings: SiteSettings, titles: dict[str, str]) -> Callable[[Detached], PostView]:
    """Rebuilds views from `detached` data, sharing one context (as `build_site` does)."""
    context = _Context(settings, titles)

    def attach(fields: Detached) -> PostView:
        return PostView(*fields, context=context)

    return attach


def _view(
    context: _Context,
    post: Post,
    tag_refs: dict[str, TagRef],
    by_raw: dict[str, TagRef | None],
) -> PostView:
    tags: dict[str, TagRef] = {}
    for raw in post.tags:
        ref = by_raw[raw] if raw in by_raw else _tag_ref(raw, tag_refs, by_raw)
        if ref:
            tags.setdefault(ref.name, ref)
    shown_tags = tuple(tags.values())
    return PostView(
        post_id=post.id,
        name=file_name(post.slug),
        tags=shown_tags,
        published_at=post.published_at,
        updated_at=max(post.updated_at, post.published_at),
        digest=_digest(post, shown_tags, context.titles),
        source=post,
        context=context,
    )


# The fields of a post that go into its digest through repr: all but the two no file
# shows (item_id; body_markdown, which body_html is made from) and body_html, hashed on
# its own. A field added to Post is in the digest unless it is named here.
_NOT_IN_REPR = frozenset({"item_id", "body_markdown", "body_html"})
_shown = operator.attrgetter(*(f.name for f in fields(Post) if f.name not in _NOT_IN_REPR))


def _digest(post: Post, tags: tuple[TagRef, ...], titles: dict[str, str]) -> str:
    """A hash of everything the view is made from: the post, its tags as shown (a tag's
    label is the first spelling of it among all posts, so it can change when another
    post changes) and the titles of the posts it links to (the settings are in every
    output's key already). The long body is hashed as it is rather than through repr,
    which was half the cost of building views."""
    related = [(slug, titles.get(slug)) for slug in post.related_slugs]
    shown = repr((_shown(post), tags, related))
    made_from = hashlib.sha256(shown.encode("utf-8", "surrogatepass"))
    # A repr ends where it ends, so the two parts cannot run into each other.
    made_from.update(post.body_html.encode("utf-8", "surrogatepass"))
    return made_from.hexdigest()


def _tag_ref(
    raw: str, tag_refs: dict[str, TagRef], by_raw: dict[str, TagRef | None]
) -> TagRef | None:
    """The tag `raw` stands for: tags with the same file name are one tag, under the
    first label seen. Worked out once per stored spelling."""
    label = plain_line(raw, MAX_TAG)
    ref = None
    if label:
        name = file_name(label)
        ref = tag_refs.setdefault(name, TagRef(label, name))
    by_raw[raw] = ref
    return ref


def _excerpt(text: str) -> str:
    if len(text) <= EXCERPT_CHARS:
        return text
    cut = text[:EXCERPT_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
