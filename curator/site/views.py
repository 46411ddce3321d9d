"""Posts as subscribers see them: cleaned text, safe links, resolved related posts.

Built once per export from `models.Post` records; every format (Atom, RSS, JSON Feed,
HTML) renders from these views, so all of them say the same thing.
"""

from __future__ import annotations

import hashlib
import html
import operator
import re
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

MAX_OUTLETS = 12  # named under a post; a story in a hundred outlets names twelve

EXCERPT_CHARS = 240
MAX_ALT = 300
UNTITLED = "(untitled)"
# Posts that get the crisis line as a banner (the desk's reminder uses the same words).
_CRISIS_TOPIC = re.compile(r"\b(overdos\w*|suicid\w*|self-harm)", re.IGNORECASE)
_QUOTE_TAG = re.compile(r"<(/?)blockquote>")
_QUOTE_BLOCK = re.compile(r"<blockquote\b.*?</blockquote>", re.DOTALL | re.IGNORECASE)
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|figcaption)>|<br\s*/?>", re.IGNORECASE)
Titles = dict[str, tuple[str, datetime]]  # slug -> title and date of every live post


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
    published_at: datetime


@dataclass(frozen=True)
class ImageFile:
    path: str  # in the export
    width: int
    height: int


@dataclass(frozen=True)
class ImageView:
    """A post's lead image as pages show it: our renditions, narrowest first."""

    files: tuple[ImageFile, ...]
    alt: str
    credit: str

    @property
    def thumb(self) -> ImageFile:
        return self.files[0]

    @property
    def medium(self) -> ImageFile:
        return self.files[min(1, len(self.files) - 1)]

    @property
    def large(self) -> ImageFile:
        return self.files[-1]

    def srcset(self, root: str) -> str:
        return ", ".join(f"{root}{f.path} {f.width}w" for f in self.files)


@dataclass(frozen=True)
class _Context:
    settings: SiteSettings
    titles: Titles
    links: dict[str, RelatedLink] = field(default_factory=dict)  # made once per slug

    def link(self, slug: str) -> RelatedLink:
        found = self.links.get(slug)
        if found is None:
            title, published = self.titles[slug]
            found = RelatedLink(shown_title(title), file_name(slug), published)
            self.links[slug] = found
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

    @property
    def links_to_report(self) -> bool:
        return self.source.links_to_report

    @cached_property
    def source_name(self) -> str:
        shown = self.context.settings.source_name(self.source.source_name)
        return plain_line(shown, MAX_TITLE) or "the source"

    @cached_property
    def also_covered_by(self) -> str:
        """ "A, B and C": the other outlets of the story when it was published, by their
        display names ("" when it had one outlet)."""
        names = [plain_line(self.context.settings.source_name(n), MAX_TITLE)
                 for n in self.source.also_covered_by[:MAX_OUTLETS]]  # fmt: skip
        names = [n for n in names if n]
        return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)

    @cached_property
    def image(self) -> ImageView | None:
        """Our copy of the lead image (made at publish time), or None: a stranger's
        image is never linked."""
        stored = self.source.image
        if stored is None or not stored.sizes:
            return None
        stem = f"images/{self.name}-{stored.digest[:10]}"
        files = tuple(ImageFile(f"{stem}-{w}.jpg", w, h) for w, h in stored.sizes)
        credit = plain_line(stored.credit, MAX_TITLE) or f"Image: {self.source_name}"
        return ImageView(files, plain_line(stored.alt, MAX_ALT), credit)

    @cached_property
    def image_url(self) -> str | None:
        """The absolute URL of the lead image's largest copy, for feeds."""
        return self.context.settings.url(self.image.large.path) if self.image else None

    @cached_property
    def author(self) -> str:
        settings = self.context.settings
        if settings.author_mode != "editor":
            return settings.author
        name = settings.editor_name(self.source.editor)
        return plain_line(name, MAX_AUTHOR) or settings.author

    @cached_property
    def related(self) -> tuple[RelatedLink, ...]:
        titles, slug = self.context.titles, self.source.slug
        wanted = dict.fromkeys(s for s in self.source.related_slugs if s in titles and s != slug)
        return tuple(self.context.link(s) for s in wanted)[:3]

    @cached_property
    def body_html(self) -> str:
        return absolute_links(safe_html(self.raw_html), self.context.settings.url(self.page))

    @cached_property
    def page_html(self) -> str:
        """The body as the post's page shows it: quotes set apart and credited."""
        credit = f"Quoted from {html.escape(self.source_name)}"
        return attributed_quotes(self.body_html, credit)

    @cached_property
    def excerpt(self) -> str:
        """The start of the editor's own words: quotes left out, blocks apart."""
        own = _QUOTE_BLOCK.sub(" ", self.raw_html) if "<blockquote" in self.raw_html else ""
        spaced = _BLOCK_END.sub(" ", own or self.raw_html)
        return _excerpt(text_of(spaced) or text_of(self.raw_html))

    @cached_property
    def about_crisis(self) -> bool:
        """Whether the post is on overdose, suicide or self-harm: it shows the crisis line."""
        labels = " ".join(t.label for t in self.tags)
        return bool(_CRISIS_TOPIC.search(f"{self.source.title} {labels} {self.raw_html}"))


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


def live_titles(posts: Sequence[Post]) -> Titles:
    """slug -> title and date of the posts not retracted: what related links point to."""
    return {p.slug: (p.title, p.published_at) for p in posts if p.retracted_at is None}


def attributed_quotes(body: str, credit: str) -> str:
    """Each outermost <blockquote> of `body` (safe_html's output) in a figure with
    `credit` (HTML) as its caption, so that quoted text never reads as the editor's."""
    parts, depth, last = [], 0, 0
    for tag in _QUOTE_TAG.finditer(body):
        closing = tag.group(1) == "/"
        if not closing and depth == 0:
            parts += [body[last : tag.start()], '<figure class="quote">']
            last = tag.start()
        depth = max(0, depth - 1) if closing else depth + 1
        if closing and depth == 0:
            parts += [body[last : tag.end()], f"<figcaption>{credit}</figcaption></figure>"]
            last = tag.end()
    if depth:  # an unclosed quote (never from nh3): leave the text as it was
        return body
    return "".join([*parts, body[last:]])


Detached = tuple[int, str, tuple[TagRef, ...], datetime, datetime, str, Post]


def detached(view: PostView) -> Detached:
    """`view` as plain data for another process: all but the context it shares."""
    return (view.post_id, view.name, view.tags, view.published_at, view.updated_at,
            view.digest, view.source)  # fmt: skip


def attacher(settings: SiteSettings, titles: Titles) -> Callable[[Detached], PostView]:
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


def _digest(post: Post, tags: tuple[TagRef, ...], titles: Titles) -> str:
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
