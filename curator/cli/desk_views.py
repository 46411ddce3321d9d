"""How the desk looks in a terminal (rich) and to scripts (--json)."""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import click
from rich.console import Console, Group
from rich.markdown import Markdown
from rich.panel import Panel
from rich.text import Text

from curator.cli.context import clean, shown
from curator.cli.listing import Column
from curator.config.lists import Topic, topic_labels
from curator.config.values import parse_duration
from curator.desk import states
from curator.desk.publish import Published
from curator.desk.states import holder
from curator.desk.wording import LanguageReport
from curator.errors import ConfigError
from curator.models import Draft, HistoryEvent, Item, ItemState, Post
from curator.screen.asking import ASK_NOTE
from curator.store.queue import ArticleText


def to_json(records: Any) -> str:
    """Records (dataclasses, lists of them) as indented JSON; times in ISO 8601."""
    return json.dumps(records, default=_plain, indent=2, ensure_ascii=False)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"cannot show {type(value).__name__} as JSON")


def age(moment: datetime, now: datetime) -> str:
    """'45m', '5h', '3d': how long ago, in the largest whole unit."""
    seconds = max(0, int((now - moment).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


ASKING_MARK = "[asking]"  # before the title of an item the queue asks about (ASK_NOTE)
ASKING_LINE = f"{ASK_NOTE} (the model is unsure; your decision teaches it)"
QUEUE_COLUMNS = (
    Column("id", "right"), Column("age", "right"), Column("score", "right"),
    Column("outlets", "right"),
    Column("title", main=True), Column("source(s)", max_width=18, optional=True),
    Column("topics", max_width=20, optional=True), Column("state"),
    Column("held by", max_width=10, optional=True),
)  # fmt: skip


def queue_rows(items: list[Item], now: datetime, topics: Sequence[Topic]) -> list[list[Text]]:
    """One row an item, for `listing.print_rows` under QUEUE_COLUMNS."""
    return [
        [
            shown(str(item.id)),
            shown(age(item.first_seen_at, now)),
            shown(f"{item.score:.1f}"),
            shown(str(item.outlets)),
            shown(f"{ASKING_MARK} {item.title}" if item.asking else item.title),
            shown(_sources(item)),
            shown(", ".join(topic_labels(topics, item.topics))),
            shown(item.state.value),
            shown(holder(item, now) or ""),
        ]
        for item in items
    ]


@dataclass(frozen=True)
class CardView:
    """What the review card shows beside the item: where the editor is in the queue
    ("3 of 60"), how extraction went, the short topic labels, who is looking (their
    own claim goes unsaid) and the screen's height."""

    position: tuple[int, int] | None = None
    notes: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    viewer: str | None = None
    height: int = 24


def card(item: Item, now: datetime, view: CardView = CardView()) -> Panel:
    """The review card: the title and summary first, then who and when, the link and
    why, a line each, so that it fits 80x24 with the keys below it."""
    learned = [] if item.learned is None else [_one_line(learned_line(item), "dim")]
    if item.asking:  # why it is here: the model is unsure, and the decision teaches it
        learned.insert(0, _one_line(ASKING_LINE, "yellow"))
    room = max(3, view.height - 14 - len(learned))  # the summary's lines at ~72 columns
    summary = _cut(clean(item.summary or item.description or "(no summary)"), room * 72)
    lines = Group(
        Text(clean(item.title), style="bold"),
        Text(""),
        Text(summary),
        Text(""),
        _one_line(_byline(item, now, view), "dim"),
        _one_line(item.url, "cyan"),
        _one_line(_why(item, view), "dim"),
        *learned,
    )
    where = f"{view.position[0]} of {view.position[1]} · " if view.position else ""
    title = shown(f"{where}#{item.id} · {item.state.value}")
    return Panel(lines, title=title, title_align="left")


def _one_line(text: str, style: str) -> Text:
    return Text(clean(text), style=style, no_wrap=True, overflow="ellipsis")


def _byline(item: Item, now: datetime, view: CardView) -> str:
    """'NIDA News, STAT (2 outlets) · 2h ago · page gone (HTTP 404) · held by ben'."""
    outlets = f" ({item.outlets} outlets)" if item.outlets > 1 else ""
    parts = [f"{_sources(item)}{outlets}", f"{age(item.first_seen_at, now)} ago", *view.notes]
    held = holder(item, now)
    if held and held != view.viewer:
        parts.append(f"held by {held} until {item.claim_expires_at:%H:%M}")
    return " · ".join(parts)


def _why(item: Item, view: CardView) -> str:
    """The score, topics and strongest reason; `?` shows them all."""
    topics = f" [{', '.join(view.labels)}]" if view.labels else ""
    more = f" (+{len(item.reasons) - 1} more: ?)" if len(item.reasons) > 1 else ""
    return f"score {item.score:.1f}{topics}: {(item.reasons or ('no reasons',))[0]}{more}"


def _cut(text: str, most: int) -> str:
    """At most `most` characters, cut at a word, ending in '…'."""
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most].rsplit(" ", 1)[0] + " …"


def learned_line(item: Item) -> str:
    """The model's view beside the rules': "learned 0.93: +al-anon +families −earnings"."""
    return (
        f"learned {item.learned or 0:.2f}: {' '.join(item.learned_reasons) or 'no word stood out'}"
    )


def reasons_text(item: Item) -> Text:
    """Every reason of the score, one a line, and the learned model's view (the card's `?`)."""
    lines = [f"score {item.score:.1f}", *(f"  {reason}" for reason in item.reasons)]
    if item.learned is not None:
        lines.append(learned_line(item))
    return shown("\n".join(lines))


HISTORY_COLUMNS = (Column("when"), Column("who", max_width=16), Column("what", main=True))


def history_rows(events: list[HistoryEvent]) -> list[list[Text]]:
    """The item's history as a story: when, who, what they did."""
    return [
        [shown(f"{event.at:%Y-%m-%d %H:%M}"), shown(event.editor), shown(story(event))]
        for event in events
    ]


def story(event: HistoryEvent) -> str:
    """'claimed it (held until 14:05)', 'saved a draft', 'rejected it: duplicate'..."""
    old, new, note = event.from_state, event.to_state, event.note or ""
    if old is None:
        return f"found it: {new.value}" + (f" ({note})" if note else "")
    if note == states.DRAFT_SAVED:
        return "saved a draft"
    if note == states.RELEASED or (new is ItemState.NEW and old is ItemState.IN_REVIEW):
        return "gave it back to the queue"
    if note.startswith("until ") and new in (ItemState.IN_REVIEW, ItemState.DRAFTED):
        return f"took it to work on (held {note})"
    told = _STORY.get(new, f"moved it to {new.value}")
    if new is ItemState.NEW:
        told = _BACK.get(old, told)
    return f"{told}: {note}" if note else told


_STORY = {
    ItemState.DRAFTED: "saved a draft",
    ItemState.PUBLISHED: "published it",
    ItemState.REJECTED: "rejected it",
    ItemState.SNOOZED: "snoozed it",
    ItemState.RETRACTED: "retracted the post",
    ItemState.FILTERED: "filtered it out",
}
_BACK = {
    ItemState.FILTERED: "put it in the queue",
    ItemState.REJECTED: "reopened it",
    ItemState.SNOOZED: "brought it back from snooze",
}


def show_item(
    console: Console, item: Item, now: datetime, texts: list[ArticleText], draft: Draft | None,
    events: list[HistoryEvent],
) -> None:  # fmt: skip
    """Everything about one item, in reading order."""
    view = CardView(notes=extract_notes(texts), height=10_000)
    console.print(card(item, now, view))
    console.print(f"first seen {item.first_seen_at:%Y-%m-%d %H:%M} UTC · version {item.version}")
    console.print(reasons_text(item), highlight=False)
    if item.description and item.description != item.summary:
        console.print(Panel(shown(item.description), title="feed description", title_align="left"))
    for text in texts:
        note = f" · {text.note}" if text.note else ""
        body = Group(shown(text.url, "cyan"), Text(""), shown(text.text or "(no text extracted)"))
        console.print(Panel(body, title=shown(f"{text.source_name}{note}"), title_align="left"))
    if draft is not None:
        body = Group(shown(f"{draft.title}  [{', '.join(draft.tags)}]", "bold"),
                     Markdown(clean(draft.body_markdown)))  # fmt: skip
        by = shown(f"draft v{draft.version} by {draft.editor}")
        console.print(Panel(body, title=by, title_align="left"))
    for event in events:
        console.print(shown(f"{event.at:%Y-%m-%d %H:%M}  {event.editor}  {story(event)}"))


def post_preview(post: Post) -> Panel:
    """The post as subscribers will read it: title, text, the credit the export adds,
    and the lead image publishing will fetch, with its alt text and credit."""
    if post.links_to_report:
        credit = Text(f"\nSource: {clean(post.source_name)}.", style="bold")
    else:
        credit = Text(f"\nRead the full report from {clean(post.source_name)}: ", style="bold")
        credit.append(clean(post.source_url), style="cyan")
    heading = Text(clean(post.title) + "\n", style="bold")
    image = [lead_image_text(post)] if post.image_url else []
    body = Group(heading, Markdown(clean(post.body_markdown)), credit, *image)
    tags = shown("tags: " + ", ".join(post.tags)) if post.tags else None
    title = "Preview: the post as subscribers will read it"
    return Panel(body, title=title, title_align="left", subtitle=tags, subtitle_align="left")


def lead_image_text(post: Post) -> Text:
    """The lead image of a post yet to publish: where from, its alt text, its credit
    (the site's default when the editor gave none)."""
    alt = post.image.alt if post.image else ""
    credit = (post.image.credit if post.image else "") or f"Image: {post.source_name}"
    line = Text("\nLead image (fetched on publishing): ", style="bold")
    line.append(clean(post.image_url or ""), style="cyan")
    line.append(f"\nAlt: {clean(alt)}" if alt else "\nAlt: none yet (an Alt: line in the draft)")
    line.append(f"\n{clean(credit)}")
    return line


def image_notes(published: Published) -> list[str]:
    """What the editor should know of the lead image just published: why there is none,
    or that it has no alt text."""
    if published.image_problem:
        return [f"note: no lead image: {published.image_problem}"]
    if published.post.image and not published.post.image.alt:
        return ["note: the lead image has no alt text; pass --image-alt"]
    return []


def extract_notes(texts: Sequence[ArticleText]) -> tuple[str, ...]:
    """How extraction went, each note once ("page gone (HTTP 404)")."""
    return tuple(dict.fromkeys(text.note for text in texts if text.note))


def _sources(item: Item) -> str:
    return ", ".join(item.source_names) or item.site_name or ""


def parse_when(text: str, now: datetime, *, future: bool) -> datetime:
    """'2d' (from now, forward or back) or an ISO date/time ('2026-12-24', UTC)."""
    try:
        step = parse_duration(text)
    except ConfigError:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise click.BadParameter(f"{text!r} is neither a duration like 2d nor a date") from None
        moment = moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)
        try:  # 9999-12-31T23:59-12:00 is past the last date Python can hold in UTC
            return moment.astimezone(UTC)
        except OverflowError:
            raise click.BadParameter(f"{text!r} is out of range") from None
    return now + step if future else now - step


def language_notes(report: LanguageReport) -> list[str]:
    """The language check as lines for the editor (warnings, never rewrites)."""
    notes = term_notes(report)
    if report.missing_crisis_line:
        notes.append("note: the post is on overdose or suicide: publishing adds the crisis line")
    return notes


def term_notes(report: LanguageReport) -> list[str]:
    """A line for each stigmatising term found, with what to say instead."""
    return [f'language: "{f.found}" -> consider "{f.instead}"' for f in report.findings]
