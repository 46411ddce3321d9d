"""Draft -> post: a stable slug, the body rendered and sanitised, the source credited.

A post is refused while its draft holds stigmatising terms, unless the editor
passes them (`allow_terms`); the crisis-line reminder never blocks. Decide, then
apply: `publish_item` reads, `decide_publication` (pure) decides the item's change
and the post, and `store.posts.publish` applies both in one transaction.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlsplit

from curator.config import Config
from curator.desk import actions, images, markdown, states, wording
from curator.desk.states import Action
from curator.errors import InvalidTransition, TermsToReconsider
from curator.models import Draft, Item, ItemChange, LeadImage, Post
from curator.models.stories import Report
from curator.store import Store

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_LENGTH = 70


@dataclass(frozen=True)
class Published:
    """The post as stored, and what the language check said about its draft."""

    post: Post
    language: wording.LanguageReport
    image_problem: str | None = None  # why the lead image was left out


@dataclass(frozen=True)
class ImageChoice:
    """The editor's say on the lead image: another address than the page's, its alt
    text, its credit (empty: the source)."""

    url: str | None = None
    alt: str = ""
    credit: str = ""


def slugify(title: str) -> str:
    """'Fentanyl: What Families Need to Know' -> 'fentanyl-what-families-need-to-know'."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_title.lower()).strip("-")
    if len(slug) > SLUG_LENGTH:
        slug = slug[:SLUG_LENGTH].rsplit("-", 1)[0]
    return slug


@dataclass(frozen=True)
class Publication:
    """What publishing decides, for `store.posts.publish` to apply in one transaction:
    the item's change (noting the slug and draft version) and the post to insert."""

    change: ItemChange
    post: Post
    language: wording.LanguageReport


def draft_report(
    store: Store, config: Config, item_id: int
) -> tuple[Draft, wording.LanguageReport]:
    """The latest draft and what the language check says about it."""
    draft = store.drafts.latest(item_id)
    if draft is None:
        raise _no_draft(item_id)
    return draft, language_report(config, draft)


def preview_post(store: Store, config: Config, item_id: int) -> tuple[Post, wording.LanguageReport]:
    """The post that publishing the item's latest draft would make, as subscribers will
    read it (with the page's lead image, if it has one, still to fetch), and what the
    language check says about the draft."""
    item = store.items.get(item_id)
    draft, report = draft_report(store, config, item_id)
    slug = wanted_slug(draft.title, item_id)
    post = compose_post(item, draft, slug, "", item.first_seen_at, config.review.crisis_line)
    post = replace(post, also_covered_by=other_outlets(store.stories.reports(item_id)))
    if item.image_url:  # fetched only on publishing: no sizes yet, but its alt text and credit
        post = replace(post, image=LeadImage((), draft.image_alt, "", ""))
    return post, report


def publish_item(
    store: Store,
    config: Config,
    item_id: int,
    editor: str,
    now: datetime,
    *,
    allow_terms: bool = False,
    expected_version: int | None = None,
    image: ImageChoice = ImageChoice(),
) -> Published:
    """Publish the item's latest draft as a post (the item becomes `published`), with
    our copy of its lead image (the page's, or the editor's choice) when one can be made."""
    item = actions.read_item(store, item_id, expected_version)
    draft = store.drafts.latest(item_id)
    taken = draft is not None and store.posts.slug_taken(wanted_slug(draft.title, item_id))
    decided = decide_publication(
        item, draft, editor, now, config=config, slug_taken=taken, allow_terms=allow_terms
    )
    url = image.url or item.image_url
    alt = lead_image_alt(image, draft, item)
    prepared = images.prepare_lead_image(config, url, alt, image.credit, now)
    post = replace(
        decided.post,
        image=prepared.image,
        image_url=url,
        also_covered_by=other_outlets(store.stories.reports(item_id)),
    )
    stored = store.posts.publish(decided.change, post, prepared.renditions)
    return Published(stored, decided.language, prepared.problem)


def lead_image_alt(choice: ImageChoice, draft: Draft | None, item: Item) -> str:
    """The editor's alt text: `--image-alt`, else the draft's. The page's description of
    its own image, left as the template offered it, does not describe another image
    chosen with `--image`: then there is none (and publish says so)."""
    alt = choice.alt or (draft.image_alt if draft else "")
    other_image = choice.url is not None and choice.url != item.image_url
    if not choice.alt and other_image and alt == item.image_alt:
        return ""
    return alt


def decide_publication(
    item: Item,
    draft: Draft | None,
    editor: str,
    now: datetime,
    *,
    config: Config,
    slug_taken: bool,
    allow_terms: bool = False,
) -> Publication:
    """The change and the post that publishing `draft` makes, or the error saying why
    not: the item's state, a missing draft, terms to reconsider (unless allowed).
    `slug_taken` says whether `wanted_slug(draft.title, item.id)` names a post already."""
    change = states.decide(item, Action.PUBLISH, editor, now)
    if draft is None:
        raise _no_draft(item.id)
    report = language_report(config, draft)
    if report.findings and not allow_terms:
        raise TermsToReconsider(
            item.id,
            f"the draft has {len(report.findings)} term(s) to reconsider; "
            f"edit it (`curator annotate {item.id}`) or pass --allow-terms",
            tuple(f'"{f.found}" -> consider "{f.instead}"' for f in report.findings),
        )
    slug = wanted_slug(draft.title, item.id)
    slug = f"{slug}-{item.id}" if slug_taken else slug
    post = compose_post(item, draft, slug, editor, now, config.review.crisis_line)
    return Publication(replace(change, note=f"as {slug} (draft v{draft.version})"), post, report)


def compose_post(
    item: Item, draft: Draft, slug: str, editor: str, now: datetime, crisis_line: str = ""
) -> Post:
    """The post as it will be stored: the draft's text rendered and sanitised, the
    source credited (the export adds "Read the full report"), `editor` as its
    publisher; a post on overdose or suicide ends with the crisis line once."""
    body = with_crisis_line(markdown.strip_comments(draft.body_markdown), crisis_line, draft.title)
    return Post(
        id=0,
        item_id=item.id,
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


def with_crisis_line(body: str, crisis_line: str, title: str = "") -> str:
    """The body, ending with the crisis line if the post is on overdose or suicide and
    the editor did not write the line (or its number) already."""
    if not wording.needs_crisis_line(f"{title}\n{body}", crisis_line):
        return body
    return f"{body.rstrip()}\n\n*{crisis_line.strip()}*\n"


def language_report(config: Config, draft: Draft) -> wording.LanguageReport:
    """What the language check says about the draft's title and text."""
    text = f"{draft.title}\n{markdown.strip_comments(draft.body_markdown)}"
    return actions.check_language(config, text)


def retract_post(
    store: Store, slug: str, editor: str, now: datetime, reason: str | None = None
) -> Post:
    """Take a post back: it leaves the feeds, the item becomes `retracted`."""
    post = post_to_retract(store, slug)
    change = states.decide(
        store.items.get(post.item_id), Action.RETRACT, editor, now, reason=reason
    )
    return store.posts.retract(slug, change, now)


def post_to_retract(store: Store, slug_or_item: str) -> Post:
    """The live post named by its slug or its item's id; an error if it is gone."""
    post = store.posts.find(slug_or_item)
    if post.retracted_at is not None:
        raise InvalidTransition(post.item_id, f"post {post.slug!r} is already retracted")
    return post


def other_outlets(reports: Sequence[Report]) -> tuple[str, ...]:
    """The sources that covered the story after the first (the one credited), each
    once, in the order they came: "Also covered by ..." under the post."""
    first = reports[0].source_name if reports else None
    names = (r.source_name for r in reports if r.source_name != first)
    return tuple(dict.fromkeys(names))


def source_name(item: Item) -> str:
    """Whom to credit: the site's own name, else the feed's, else the host."""
    if item.site_name:
        return item.site_name
    if item.source_names:
        return item.source_names[0]
    return urlsplit(item.url).hostname or item.url


def wanted_slug(title: str, item_id: int) -> str:
    """The slug a title asks for; stable, since it depends on the title alone (and,
    for a title with no letters, the item id). A taken one gets the item id appended."""
    return slugify(title) or f"item-{item_id}"


def _no_draft(item_id: int) -> InvalidTransition:
    return InvalidTransition(item_id, f"has no draft; run `curator annotate {item_id}` first")
