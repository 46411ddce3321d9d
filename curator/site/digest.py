"""The weekly digest, as bytes: its page, the Atom feed of digests, and the email.

A week is an ISO week in UTC ("2026-W49": Monday 00:00 to the next Monday). The digest
of a week is the live posts published in it, newest first, at most `digest.posts`.
The email is HTML with inline styles in a single-column table (what mail clients
render) and the same words as plain text; it is kept under Gmail's 102 KB clipping
limit by leaving the last posts to the page.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from feedgen.feed import FeedGenerator

from curator.errors import CuratorError
from curator.settings import WEEKDAYS
from curator.site.atomic import Output
from curator.site.pages import chrome
from curator.site.settings import SiteSettings
from curator.site.templates import environment, fingerprint
from curator.site.views import PostView, SiteView

DIGEST_FEED = "digest.xml"
MAX_EMAIL_BYTES = 102_000  # Gmail clips a message whose HTML passes ~102 KB
FEED_DIGESTS = 20
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Week:
    label: str  # "2026-W49"
    start: datetime  # Monday 00:00 UTC

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=7)

    @property
    def page(self) -> str:
        return f"digest/{self.label}.html"

    @property
    def span(self) -> str:
        """'November 30 – December 6, 2026', as a reader says it."""
        last = self.end - timedelta(days=1)
        first = f"{self.start:%B} {self.start.day}"
        first += f", {self.start.year}" if self.start.year != last.year else ""
        return f"{first} – {last:%B} {last.day}, {last.year}"


@dataclass(frozen=True)
class Digest:
    week: Week
    posts: tuple[PostView, ...]  # newest first
    more: int = 0  # posts of the week left to the page (the email's size)


@dataclass(frozen=True)
class Email:
    subject: str
    html: str
    text: str


def parse_week(text: str) -> Week:
    """'2026-W49' -> that week; anything else is a one-line error naming --week."""
    match = _WEEK.match(text.strip())
    try:
        if not match:
            raise ValueError
        start = datetime.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise CuratorError(f"--week: {text!r} is not an ISO week like 2026-W49") from None
    return Week(text.strip(), start.replace(tzinfo=UTC))


def week_before(now: datetime) -> Week:
    """The last whole week before `now`: the one a Monday-morning digest is about."""
    year, week, _ = (now.astimezone(UTC) - timedelta(days=7)).isocalendar()
    return parse_week(f"{year}-W{week:02d}")


def digest_due(now: datetime, weekday: str, time: str) -> Week | None:
    """The week whose digest is due at `now`: last week's, once this week's `weekday`
    and `time` (UTC, "HH:MM") have come; before then, None. Asked again later that
    week, the answer is the same: the store's bookkeeping keeps it sent once."""
    now = now.astimezone(UTC)
    monday = _monday(now)
    hours, minutes = map(int, time.split(":"))
    moment = monday + timedelta(days=WEEKDAYS.index(weekday), hours=hours, minutes=minutes)
    return week_before(now) if now >= moment else None


def _monday(now: datetime) -> datetime:
    start = now - timedelta(days=now.weekday())
    return start.replace(hour=0, minute=0, second=0, microsecond=0)


def digest_of(site: SiteView, week: Week) -> Digest:
    """The week's live posts, newest first, at most `digest.posts` of them."""
    posts = tuple(p for p in site.posts if week.start <= p.published_at < week.end)
    limit = site.settings.digest_posts
    return Digest(week, posts[:limit], max(0, len(posts) - limit))


def digest_outputs(site: SiteView, weeks: Sequence[str], salt: str) -> dict[str, Output]:
    """The page of each digest made (`weeks`, newest first) and digest.xml."""
    settings, outputs = site.settings, {}
    digests = [d for d in (digest_of(site, parse_week(w)) for w in weeks) if d.posts]
    context = {"site": settings, "root": "../", "chrome": chrome(settings, "../")}
    for digest in digests:
        key = fingerprint(salt, "digest", digest.week, [p.digest for p in digest.posts])
        render = functools.partial(_render, "digest.html", context, digest=digest)
        outputs[digest.week.page] = Output(key, render)
    if not digests:
        return outputs
    latest = digests[:FEED_DIGESTS]
    key = fingerprint(salt, DIGEST_FEED, [(d.week, [p.digest for p in d.posts]) for d in latest])
    outputs[DIGEST_FEED] = Output(key, functools.partial(digest_feed, settings, latest))
    return outputs


def render_email(settings: SiteSettings, digest: Digest, unsubscribe: str) -> Email:
    """The email of `digest` for one recipient; posts are left to the page (and said
    to be) until its HTML is under MAX_EMAIL_BYTES."""
    subject = f"{settings.organisation}: the week of {digest.week.span}"
    while True:
        context = {"site": settings, "digest": digest, "unsubscribe": unsubscribe}
        html = _render("digest_email.html", context).decode()
        if len(html.encode()) <= MAX_EMAIL_BYTES or len(digest.posts) <= 1:
            break
        digest = Digest(digest.week, digest.posts[:-1], digest.more + 1)
    return Email(subject, html, _render("digest_email.txt", context).decode())


def digest_feed(settings: SiteSettings, digests: Sequence[Digest]) -> bytes:
    """An Atom feed of the digests, one entry each: what an email service's
    "RSS-to-email" sends."""
    feed = FeedGenerator()
    feed.id(settings.tag_uri("digest"))
    feed.title(f"{settings.organisation}: the weekly digest")
    feed.subtitle(settings.description or settings.title)
    feed.link(href=settings.url(DIGEST_FEED), rel="self", type="application/atom+xml")
    feed.link(href=settings.url("index.html"), rel="alternate", type="text/html")
    feed.language(settings.language)
    feed.author({"name": settings.organisation})
    newest = [max(p.updated_at for p in d.posts) for d in digests]
    feed.updated(max(newest))
    for digest, updated in zip(reversed(digests), reversed(newest), strict=True):
        entry = feed.add_entry()  # feedgen puts each new entry first
        entry.id(settings.tag_uri(f"digest/{digest.week.label}"))
        entry.title(f"The week of {digest.week.span}")
        entry.link(href=settings.url(digest.week.page), rel="alternate", type="text/html")
        entry.published(digest.week.end)
        entry.updated(updated)
        context = {"site": settings, "digest": digest}
        entry.content(_render("digest_entry.html", context).decode(), type="html")
    return bytes(feed.atom_str(pretty=True))


def _render(name: str, context: dict[str, object], **more: object) -> bytes:
    return environment().get_template(name).render({**context, **more}).encode("utf-8")
