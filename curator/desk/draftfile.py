"""The draft file an editor writes in: a short header, then Markdown.

    Title: What a new naloxone study means for families
    Tags: overdose, naloxone
    Alt: A naloxone kit on a school nurse's desk
    ---

    > the summary, as a quoted starting point

    <!-- how to go on, how to save; the article text, to draw from; removed on save -->

Most posts need only a title and tags, so that is all the header asks, with an
`Alt:` line for the lead image's alt text (empty when the post has no image). The
first draft's `Alt:` line starts as the page's own description of its image
(og:image:alt, when it has one), and the comment asks the editor to check it: saving
the draft is confirming it; an editor who empties the line publishes no alt text;
scripts may write the same, or the TOML front matter between `+++` lines that
drafts used before (there the alt text is `image_alt`).
The credit ("Read the full report from …") is the export's and the crisis line is
added on publishing, so the template writes neither.

Also where text goes when it cannot be saved yet: a recovery file beside the
database (data/recovery/item-42-<time>.md), offered by the next annotate of the item.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from curator.desk.markdown import strip_comments
from curator.errors import CuratorError
from curator.models import Draft, Item
from curator.store.queue import ArticleText

FENCE = "+++"  # TOML front matter, as drafts were first written
RULE = "---"  # the end of the simple header
GUIDE = "Write three or four short paragraphs on what this means for families."
_HEADER_LINE = re.compile(r"^(title|tags|alt)\s*:(.*)$", re.IGNORECASE)
_HEADER_KEYS = {"title": "title", "tags": "tags", "alt": "image_alt"}  # as the TOML names them


@dataclass(frozen=True)
class DraftText:
    """What an editor wrote: the post's title, its tags and its Markdown body."""

    title: str
    tags: tuple[str, ...]
    body: str
    image_alt: str = ""  # the lead image described, for readers who cannot see it


def template(
    item: Item, draft: Draft | None, texts: list[ArticleText], credit: str,
    title: str | None = None, tags: tuple[str, ...] = (), how_to_save: str = "",
) -> str:  # fmt: skip
    """The file the editor starts from: the latest draft, or the summary as a quote."""
    if draft is not None:
        head = DraftText(
            title or draft.title, tags or draft.tags, draft.body_markdown, draft.image_alt
        )
    else:
        quoted = "\n".join(f"> {line}" if line else ">" for line in item.summary.splitlines())
        head = DraftText(title or item.title, tags, f"{quoted}\n", item.image_alt or "")
    notes = [
        GUIDE,
        *_alt_note(item.image_alt, head.image_alt),
        f'Curator adds "Read the full report from {credit}" and, on overdose or suicide,',
        "the crisis line: you need not write them.",
        *([how_to_save] if how_to_save else []),
        "Everything inside this comment is removed when the draft is saved.",
    ]
    for text in texts:
        notes += ["", f"--- {text.source_name}: {text.url}", text.text.replace("-->", "- ->")]
    body = head.body.rstrip()
    return f"{front_matter(head)}\n{body}\n\n<!--\n" + "\n".join(notes) + "\n-->\n"


def _alt_note(suggested: str | None, alt: str) -> list[str]:
    """What to do with the page's description of its image: check it, or use it."""
    if not suggested:
        return []
    if alt == suggested:
        return [
            "The Alt: line is the page's own description of its image: check that it",
            "says what the image shows, for readers who cannot see it, or rewrite it.",
        ]
    if alt:
        return []
    return [
        "The page describes its image as (copy it to the Alt: line if it fits):",
        suggested.replace("-->", "- ->"),
    ]


def front_matter(text: DraftText) -> str:
    """'Title: …', 'Tags: a, b' and 'Alt: …' (one line each), then the rule."""
    title = " ".join(text.title.split())
    tags = ", ".join(" ".join(tag.replace(",", " ").split()) for tag in text.tags)
    alt = " ".join(text.image_alt.split())
    return f"Title: {title}\nTags: {tags}\nAlt: {alt}\n{RULE}\n"


def parse(text: str, fallback_title: str, where: str) -> DraftText:
    """The editor's file -> title, tags, body (comments removed)."""
    if text.lstrip().startswith(FENCE):
        head, body = _toml_header(text.lstrip(), where)
    else:
        head, body = _simple_header(text)
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


def _simple_header(text: str) -> tuple[dict[str, object], str]:
    """'Title:', 'Tags:' (and 'Alt:') lines ended by '---'; without them, the text is
    all body."""
    lines = text.lstrip("\n").splitlines()
    head: dict[str, object] = {}
    for number, line in enumerate(lines):
        if line.strip() == RULE and head:
            return head, "\n".join(lines[number + 1 :])
        found = _HEADER_LINE.match(line.strip())
        if found is None:
            break
        key, value = _HEADER_KEYS[found.group(1).lower()], found.group(2).strip()
        head[key] = [t.strip() for t in value.split(",") if t.strip()] if key == "tags" else value
    return {}, text


def _toml_header(text: str, where: str) -> tuple[dict[str, object], str]:
    lines = text.splitlines()
    try:
        end = lines.index(FENCE, 1)
    except ValueError:
        raise CuratorError(f"{where}: the front matter has no closing {FENCE}") from None
    try:
        head = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as e:
        raise CuratorError(f"{where}: the front matter is not valid TOML ({e})") from e
    return head, "\n".join(lines[end + 1 :])


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
