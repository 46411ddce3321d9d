"""desk.annotate without a terminal: a fake editor program, a fixed clock, a real SQLite store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from desk_factory import add_item

from curator.config import Config
from curator.desk import actions
from curator.desk.annotate import Annotation, EditorFailed, Terminal, annotate_item
from curator.desk.states import Action
from curator.errors import InvalidTransition, StaleItem
from curator.store import Store


@dataclass
class FakeTerminal:
    """Writes `words` as the body (None: closes the file unchanged), then `after()`."""

    words: str | None = "What this means for families."
    fails: bool = False
    use_recovered: bool = True
    after: Callable[[], None] = lambda: None
    seen: list[str] = field(default_factory=list)
    offered: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)

    def terminal(self) -> Terminal:
        return Terminal(edit=self._edit, use_recovered=self._offer, tell_kept=self.kept.append)

    def _edit(self, path: Path) -> None:
        given = path.read_text(encoding="utf-8")
        self.seen.append(given)
        if self.words is not None:
            head, _, _ = given.partition("\n---\n")
            path.write_text(f"{head}\n---\n\n{self.words}\n", encoding="utf-8")
        self.after()
        if self.fails:
            raise EditorFailed("Editing failed")

    def _offer(self, path: Path) -> bool:
        self.offered.append(path)
        return self.use_recovered


def recovery_files(config: Config) -> list[Path]:
    return sorted((config.curator.database.parent / "recovery").glob("*.md"))


def test_the_editors_text_becomes_the_first_draft_and_the_item_stays_hers(
    store: Store, config: Config, now: datetime
) -> None:
    item = add_item(store.db, now)
    fake = FakeTerminal()
    saved = annotate_item(store, config, Annotation(item, "ana"), fake.terminal(), lambda: now)
    assert saved is not None and saved.draft.version == 1
    assert saved.draft.body_markdown.strip() == "What this means for families."
    assert (saved.item.state.value, saved.item.claimed_by) == ("drafted", "ana")
    assert "> Naloxone kits in schools reversed overdoses" in fake.seen[0]
    assert recovery_files(config) == [] and fake.kept == []


def test_closing_the_file_unchanged_saves_nothing_and_gives_the_item_back(
    store: Store, config: Config, now: datetime
) -> None:
    item = add_item(store.db, now)
    fake = FakeTerminal(words=None)
    assert (
        annotate_item(store, config, Annotation(item, "ana"), fake.terminal(), lambda: now) is None
    )
    after = store.items.get(item)
    assert (after.state.value, after.claimed_by) == ("new", None)
    assert store.drafts.latest(item) is None and recovery_files(config) == []


def test_a_failed_editor_keeps_the_text_and_the_next_annotate_saves_it(
    store: Store, config: Config, now: datetime
) -> None:
    item = add_item(store.db, now)
    failing = FakeTerminal(words="Half a paragraph.", fails=True)
    with pytest.raises(EditorFailed, match="your text is kept in"):
        annotate_item(store, config, Annotation(item, "ana"), failing.terminal(), lambda: now)
    (kept,) = recovery_files(config)
    later = now + timedelta(minutes=5)
    again = FakeTerminal(words=None)
    saved = annotate_item(store, config, Annotation(item, "ana"), again.terminal(), lambda: later)
    assert again.offered == [kept] and "Half a paragraph." in again.seen[0]
    assert saved is not None and saved.draft.body_markdown.strip() == "Half a paragraph."
    assert recovery_files(config) == []


def test_an_editor_that_fails_before_writing_leaves_no_file(
    store: Store, config: Config, now: datetime
) -> None:
    item = add_item(store.db, now)
    fake = FakeTerminal(words=None, fails=True)
    with pytest.raises(EditorFailed) as failed:
        annotate_item(store, config, Annotation(item, "ana"), fake.terminal(), lambda: now)
    assert "kept" not in str(failed.value) and recovery_files(config) == []


def test_a_declined_recovery_file_stays(store: Store, config: Config, now: datetime) -> None:
    item = add_item(store.db, now)
    with pytest.raises(EditorFailed):
        failing = FakeTerminal(words="Words from before.", fails=True)
        annotate_item(store, config, Annotation(item, "ana"), failing.terminal(), lambda: now)
    (kept,) = recovery_files(config)
    later = now + timedelta(minutes=5)
    fresh = FakeTerminal(words="Fresh words.", use_recovered=False)
    saved = annotate_item(store, config, Annotation(item, "ana"), fresh.terminal(), lambda: later)
    assert saved is not None and saved.draft.body_markdown.strip() == "Fresh words."
    assert recovery_files(config) == [kept]


def test_a_claim_that_ran_out_while_writing_is_taken_again(
    store: Store, config: Config, now: datetime
) -> None:
    item = add_item(store.db, now)
    clock = [now]
    fake = FakeTerminal(after=lambda: clock.append(now + config.review.claim_ttl * 2))
    saved = annotate_item(
        store, config, Annotation(item, "ana"), fake.terminal(), lambda: clock[-1]
    )
    assert saved is not None and saved.item.claimed_by == "ana"
    assert saved.item.claim_expires_at == clock[-1] + config.review.claim_ttl
    assert [e.to_state.value for e in store.items.history(item)] == [
        "in_review", "in_review", "drafted",
    ]  # fmt: skip


def test_a_change_made_while_writing_is_refused_and_the_text_kept(
    store: Store, config: Config, now: datetime
) -> None:
    item = add_item(store.db, now)

    def ben_meanwhile() -> None:
        store.db.execute("UPDATE items SET version = version + 1, changed_by = 'ben' WHERE id = ?",
                         [item])  # fmt: skip
        store.db.conn.commit()

    fake = FakeTerminal(words="Words someone raced.", after=ben_meanwhile)
    with pytest.raises(StaleItem, match="changed by ben"):
        annotate_item(store, config, Annotation(item, "ana"), fake.terminal(), lambda: now)
    (kept,) = recovery_files(config)
    assert fake.kept == [kept] and "Words someone raced." in kept.read_text(encoding="utf-8")
    assert store.drafts.latest(item) is None


def test_another_editors_claim_refuses_before_the_editor_opens(
    store: Store, config: Config, now: datetime
) -> None:
    item = add_item(store.db, now)
    actions.act(store, config, item, Action.CLAIM, "ben", now)
    fake = FakeTerminal()
    with pytest.raises(InvalidTransition, match="claimed by ben"):
        annotate_item(store, config, Annotation(item, "ana"), fake.terminal(), lambda: now)
    assert fake.seen == [] and recovery_files(config) == []


def test_given_text_takes_the_items_title_and_topics(
    store: Store, config: Config, now: datetime
) -> None:
    item = add_item(store.db, now, title="Naloxone in schools")
    fake = FakeTerminal()
    asked = Annotation(item, "ana", body="An overdose can happen anywhere.\n")
    saved = annotate_item(store, config, asked, fake.terminal(), lambda: now)
    assert saved is not None and (saved.draft.title, saved.draft.tags) == (
        "Naloxone in schools", ("overdose",),
    )  # fmt: skip
    assert fake.seen == [] and fake.offered == [] and recovery_files(config) == []


@pytest.mark.parametrize("state", ["published", "rejected"])
def test_given_text_refused_for_the_items_state_is_kept(
    store: Store, config: Config, now: datetime, state: str
) -> None:
    item = add_item(store.db, now, state=state)
    fake = FakeTerminal()
    asked = Annotation(item, "ana", title="Kept title", body="Words for a closed item.\n")
    with pytest.raises(InvalidTransition):
        annotate_item(store, config, asked, fake.terminal(), lambda: now)
    (kept,) = fake.kept
    text = kept.read_text(encoding="utf-8")
    assert text.startswith("Title: Kept title\n") and text.endswith("Words for a closed item.\n")
