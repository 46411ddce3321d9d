"""Writing an item's post (`curator annotate`): claim the item, get the text, keep it
in a recovery file, save it as the next draft version, give the item back.

A draft is never lost. The editor program works on a recovery file beside the
database, removed only once the draft is saved; text given directly (--body-file)
is written to such a file whenever something refuses it; the next annotate of the
item offers the newest one. What needs a person at a terminal comes in as a
`Terminal`, and the clock as `now`, so that tests need neither.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from curator.config import Config
from curator.config.lists import topic_labels
from curator.desk import actions, draftfile, states
from curator.desk.actions import SavedDraft
from curator.desk.draftfile import DraftText
from curator.desk.publish import source_name
from curator.desk.states import Action
from curator.errors import CuratorError
from curator.models import Draft, Item
from curator.store import Store

Clock = Callable[[], datetime]


class EditorFailed(CuratorError):
    """The editor program failed or could not start; the message says how."""


@dataclass(frozen=True)
class Terminal:
    """What only a person at a terminal does: the CLI passes click's, tests pass fakes."""

    edit: Callable[[Path], None]  # run the editor program on the file; EditorFailed if it fails
    use_recovered: Callable[[Path], bool]  # start from this file, kept by an earlier session?
    tell_kept: Callable[[Path], None]  # refused text is kept in this file
    how_to_save: str = ""  # a line for the template: how to save and quit this editor


@dataclass(frozen=True)
class Annotation:
    """What the editor asked for. A `body` (from --body-file) is saved as it is,
    without the editor program; its title and tags default to the draft's, else the item's."""

    item_id: int
    editor: str
    title: str | None = None
    tags: tuple[str, ...] = ()
    body: str | None = None


def annotate_item(
    store: Store, config: Config, asked: Annotation, terminal: Terminal, now: Clock
) -> SavedDraft | None:
    """Save the editor's text as the item's next draft; None if nothing was written.
    Whatever refuses the text (its item, a lock, a change meanwhile), it stays in a
    recovery file and the error goes on to the caller."""
    started = now()
    work = draftfile.recovery_path(config.curator.database, asked.item_id, started)
    session = _Session(store, config, asked, terminal, now, started, work)
    if asked.body is not None:
        return session.save_given(asked.body)
    return session.write_and_save()


@dataclass(frozen=True)
class _Session:
    """One annotate: the request, the terminal, the clock, and the recovery file `work`."""

    store: Store
    config: Config
    asked: Annotation
    terminal: Terminal
    now: Clock
    started: datetime
    work: Path

    def write_and_save(self) -> SavedDraft | None:
        """Claim the item (so others see it taken before typing starts), write, save."""
        item, latest = self._read(self.started)  # refused here, before any typing
        claimed_here = states.holder(item, self.started) != self.asked.editor
        if claimed_here:
            item = self._act(item, Action.CLAIM, self.started, None)
        offered = self._offer_recovery()
        start = offered.read_text(encoding="utf-8") if offered else self._template(item, latest)
        written = self._edit(start)
        if written == start and offered is None:
            self._nothing_written(item, claimed_here)
            return None
        return self._save(item, draftfile.parse(written, item.title, str(self.work)), offered)

    def save_given(self, body: str) -> SavedDraft:
        """Save text given with --body-file; from reading the item on, whatever refuses
        it, it is kept in `work`."""
        given = DraftText(self.asked.title or "", self.asked.tags, body)
        try:
            item, latest = self._read(self.now())
        except CuratorError:
            self._keep(given)
            raise
        return self._save(item, _filled_in(given, item, latest, self.config), None)

    def _read(self, at: datetime) -> tuple[Item, Draft | None]:
        """The item, if this editor may save a draft of it now, and its latest draft."""
        item = self.store.items.get(self.asked.item_id)
        states.decide(item, Action.SAVE_DRAFT, self.asked.editor, at)
        return item, self.store.drafts.latest(item.id)

    def _offer_recovery(self) -> Path | None:
        """The newest recovery file of the item, if the editor chooses to start from it."""
        found = draftfile.latest_recovery(self.config.curator.database, self.asked.item_id)
        return found if found is not None and self.terminal.use_recovered(found) else None

    def _template(self, item: Item, latest: Draft | None) -> str:
        texts = self.store.queue.article_texts(item.id)
        credit = source_name(item)
        tags = self.asked.tags or proposed_tags(self.config, item)
        return draftfile.template(
            item, latest, texts, credit, self.asked.title, tags, self.terminal.how_to_save
        )

    def _edit(self, start: str) -> str:
        """Run the editor program on `work`; on failure the file (and its path) stays,
        unless it holds nothing the editor wrote."""
        draftfile.keep(self.work, start)
        try:
            self.terminal.edit(self.work)
        except EditorFailed as e:
            if self.work.read_text(encoding="utf-8") == start:
                self.work.unlink()
                raise
            raise EditorFailed(f"{e}; your text is kept in {self.work}") from e
        return self.work.read_text(encoding="utf-8")

    def _nothing_written(self, item: Item, claimed_here: bool) -> None:
        """No file to keep; an item claimed for this edit is given back as it was."""
        self.work.unlink()
        if claimed_here:
            with contextlib.suppress(CuratorError):
                self._act(item, Action.RELEASE, self.now(), item.version)

    def _save(self, item: Item, text: DraftText, used: Path | None) -> SavedDraft:
        """Save against the version read before the text was written; on any failure
        the text stays in `work`. Once saved, `work` and the recovery file `used` (its
        text is in the draft) go; other recovery files stay."""
        try:
            saved = self._save_claimed(item, text)
        except CuratorError:
            self._keep(text)
            raise
        self.work.unlink(missing_ok=True)
        if used is not None:
            used.unlink(missing_ok=True)
        return saved

    def _save_claimed(self, item: Item, text: DraftText) -> SavedDraft:
        """Claim again first if the claim ran out while the editor wrote."""
        version = item.version
        if states.holder(item, self.now()) != self.asked.editor:
            version = self._act(item, Action.CLAIM, self.now(), version).version
        return actions.save_draft(
            self.store, self.config, item.id, self.asked.editor, self.now(),
            title=text.title, tags=text.tags, body=text.body, expected_version=version,
            image_alt=text.image_alt,
        )  # fmt: skip

    def _keep(self, text: DraftText) -> None:
        """Keep refused text in `work` (unless the editor's file is there already)."""
        if not self.work.exists():
            draftfile.keep(self.work, draftfile.front_matter(text) + "\n" + text.body)
        self.terminal.tell_kept(self.work)

    def _act(self, item: Item, action: Action, moment: datetime, version: int | None) -> Item:
        return actions.act(
            self.store, self.config, item.id, action, self.asked.editor, moment,
            expected_version=version,
        )  # fmt: skip


def _filled_in(given: DraftText, item: Item, latest: Draft | None, config: Config) -> DraftText:
    """Given text without a title or tags takes the latest draft's, else the item's
    (its title, and the tags proposed for it)."""
    return DraftText(
        given.title or (latest.title if latest else item.title),
        given.tags or (latest.tags if latest else proposed_tags(config, item)),
        given.body,
        given.image_alt or (latest.image_alt if latest else ""),
    )


def proposed_tags(config: Config, item: Item) -> tuple[str, ...]:
    """The short labels of the item's three strongest topics."""
    return topic_labels(config.topics, item.topics)
