"""Draft -> post: a stable slug, the body rendered and sanitised, the source credited.

A post is refused while its draft holds stigmatising terms, unless the editor
passes them (`allow_terms`); the crisis-line reminder never blocks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlsplit

from curator.config import Config
from curator.desk import actions, markdown, states, wording
from curator.desk.states import Action
from curator.errors import InvalidTransition, ReviewError
from curator.models import Draft, Item, Post
from curator.store import Store

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_LENGTH = 70


@dataclass(frozen=True)
class Published:
    post: Post
    language: wording.LanguageReport


def slugify(title: str) -> str:
    """'Fentanyl: What Families Need to Know' -> 'fentanyl-what-families-need-to-know'."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_title.lower()).strip("-")
    if len(slug) > SLUG_LENGTH:
        slug = slug[:SLUG_LENGTH].rsplit("-", 1)[0]
    return slug


def draft_report(
    store: Store, config: Config, item_id: int
) -> tuple[Draft, wording.LanguageReport]:
    """The latest draft and what the language check says about it."""
    draft = store.desk.latest_draft(item_id)
    if draft is None:
        raise InvalidTransition(item_id, f"has no draft; run `curator annotate {item_id}` first")
    text = f"{draft.title}\n{markdown.strip_comments(draft.body_markdown)}"
    return draft, actions.check_language(config, text)


def publish_item(
    store: Store,
    config: Config,
    item_id: int,
    editor: str,
    now: datetime,
    *,
    allow_terms: bool = False,
    expected_version: int | None = None,
) -> Published:
    """Publish the item's latest draft as a post (the item becomes `published`)."""
    item = actions.read_item(store, item_id, expected_version)
    change = states.decide(item, Action.PUBLISH, editor, now)
    draft, report = draft_report(store, config, item_id)
    if report.findings and not allow_terms:
        raise ReviewError(
            item_id,
            f"the draft has {len(report.findings)} term(s) to reconsider; "
            f"edit it (`curator annotate {item_id}`) or pass --allow-terms",
        )
    body = markdown.strip_comments(draft.body_markdown)
    slug = _unique_slug(store, draft.title, item_id)
    post = Post(
        id=0,
        item_id=item_id,
        slug=slug,
        title=draft.title,
        body_markdown=body,
        body_html=markdown.render_markdown(body),
        source_url=item.url,
        source_name=source_name(item),
        tags=draft.tags,
        editor=editor,
        published_at=now,
        updated_at=now,
        image_url=item.image_url,
    )
    change = replace(change, note=f"as {slug} (draft v{draft.version})")
    return Published(store.posts.publish(change, post), report)


def retract_post(
    store: Store, slug: str, editor: str, now: datetime, reason: str | None = None
) -> Post:
    """Take a post back: it leaves the feeds, the item becomes `retracted`."""
    post = store.posts.get(slug)
    if post.retracted_at is not None:
        raise InvalidTransition(post.item_id, f"post {slug!r} is already retracted")
    change = states.decide(
        store.desk.get_item(post.item_id), Action.RETRACT, editor, now, reason=reason
    )
    return store.posts.retract(slug, change, now)


def source_name(item: Item) -> str:
    """Whom to credit: the site's own name, else the feed's, else the host."""
    if item.site_name:
        return item.site_name
    if item.source_names:
        return item.source_names[0]
    return urlsplit(item.url).hostname or item.url


def _unique_slug(store: Store, title: str, item_id: int) -> str:
    # Stable: the slug depends only on the title and, on a clash, the item id.
    slug = slugify(title) or f"item-{item_id}"
    return slug if not store.posts.slug_taken(slug) else f"{slug}-{item_id}"
