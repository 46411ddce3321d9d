"""The draft file an editor writes in: TOML front matter, then Markdown.

    +++
    title = "What a new naloxone study means for families"
    tags = ["overdose", "naloxone"]
    image_alt = "A naloxone kit on a school nurse's desk"
    +++

    > the summary, as a quoted starting point

    Read the full report: [title](link) (Source)

    <!-- the article text, to draw from; removed on save -->

Also where text goes when it cannot be saved yet: a recovery file beside the
database (data/recovery/item-42-<time>.md), offered by the next annotate of the item.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from curator.desk.markdown import strip_comments
from curator.errors import CuratorError
from curator.models import Draft, Item
from curator.store.queue import ArticleText

FENCE = "+++"
GUIDE = "Write three or four short paragraphs on what this means for families."


@dataclass(frozen=True)
class DraftText:
    """What an editor wrote: the post's title, its tags and its Markdown body."""

    title: str
    tags: tuple[str, ...]
    body: str
    image_alt: str = ""  # the lead image described, for readers who cannot see it


def template(
    item: Item, draft: Draft | None, texts: list[ArticleText], credit: str,
    title: str | None = None, tags: tuple[str, ...] = (),
) -> str:  # fmt: skip
    """The file the editor starts from: the latest draft, or the summary as a quote."""
    if draft is not None:
        head = DraftText(
            title or draft.title, tags or draft.tags, draft.body_markdown, draft.image_alt
        )
    else:
        quoted = "\n".join(f"> {line}" if line else ">" for line in item.summary.splitlines())
        link = f"Read the full report: [{item.title}]({item.url}) ({credit})"
        head = DraftText(title or item.title, tags or item.topics, f"{quoted}\n\n{link}\n")
    notes = [GUIDE, "Everything inside this comment is removed when the draft is saved."]
    for text in texts:
        notes += ["", f"--- {text.source_name}: {text.url}", text.text.replace("-->", "- ->")]
    body = head.body.rstrip()
    return f"{front_matter(head)}\n{body}\n\n<!--\n" + "\n".join(notes) + "\n-->\n"


def front_matter(text: DraftText) -> str:
    # JSON strings are valid TOML basic strings.
    tags = ", ".join(json.dumps(tag) for tag in text.tags)
    alt = f"image_alt = {json.dumps(text.image_alt)}  # what the lead image shows\n"
    return f"{FENCE}\ntitle = {json.dumps(text.title)}\ntags = [{tags}]\n{alt}{FENCE}\n"


def parse(text: str, fallback_title: str, where: str) -> DraftText:
    """The editor's file -> title, tags, body (comments removed)."""
    head: dict[str, object] = {}
    body = text
    if text.lstrip().startswith(FENCE):
        lines = text.lstrip().splitlines()
        try:
            end = lines.index(FENCE, 1)
        except ValueError:
            raise CuratorError(f"{where}: the front matter has no closing {FENCE}") from None
        try:
            head = tomllib.loads("\n".join(lines[1:end]))
        except tomllib.TOMLDecodeError as e:
            raise CuratorError(f"{where}: the front matter is not valid TOML ({e})") from e
        body = "\n".join(lines[end + 1 :])
    title, tags = head.get("title", fallback_title), head.get("tags", [])
    alt = head.get("image_alt", "")
    if not isinstance(title, str) or not isinstance(tags, list) or not isinstance(alt, str):
        raise CuratorError(f"{where}: title and image_alt must be text and tags a list of text")
    body = strip_comments(body)
    if not body.strip():
        raise CuratorError(f"{where}: the draft is empty")
    return DraftText(
        title.strip() or fallback_title, tuple(str(t) for t in tags), body, alt.strip()
    )


def recovery_dir(database: Path) -> Path:
    return database.parent / "recovery"


def recovery_path(database: Path, item_id: int, moment: datetime) -> Path:
    """Named to the microsecond: two editors of one item never share a file (and the
    names sort by time)."""
    return recovery_dir(database) / f"item-{item_id}-{moment:%Y%m%dT%H%M%S.%f}.md"


def latest_recovery(database: Path, item_id: int) -> Path | None:
    """The newest recovery file of the item, if an earlier session left one."""
    found = sorted(recovery_dir(database).glob(f"item-{item_id}-*.md"))
    return found[-1] if found else None


def keep(path: Path, text: str) -> Path:
    """Write `text` to `path` (creating the folder); the path is the editor's lifeline."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise CuratorError(f"cannot keep the draft in {path}: {e.strerror}") from e
    return path
