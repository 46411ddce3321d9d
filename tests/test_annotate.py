"""`curator annotate`: the editor round trip, drafts with versions, and never losing text.

The "editor" is a small real program (tests/fake_editor.py) run by $EDITOR.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from desk_factory import add_item, write_config

from curator.cli.main import cli
from curator.errors import DatabaseLocked, InvalidTransition, StaleItem
from curator.store import Store

FAKE_EDITOR = Path(__file__).with_name("fake_editor.py")
Run = Callable[..., Result]


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[Store, Run, Path]]:
    config = write_config(tmp_path)
    store = Store.open(tmp_path / "curator.db")

    def run(*args: str, mode: str = "write", text: str = "", input: str | None = None) -> Result:
        env = {
            "CURATOR_EDITOR": "ana",
            "EDITOR": f"{sys.executable} {FAKE_EDITOR}",
            "VISUAL": "",
            "FAKE_EDITOR_MODE": mode,
            "FAKE_EDITOR_TEXT": text,
            "FAKE_EDITOR_SEEN": str(tmp_path / "seen.md"),
            "FAKE_EDITOR_DB": str(tmp_path / "curator.db"),
        }
        return CliRunner(env=env).invoke(cli, ["--config", str(config), *args], input=input)

    yield store, run, tmp_path
    store.close()


def clock() -> datetime:
    return datetime.now(UTC)


def recovery_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "recovery").glob("*.md"))


def test_the_editor_starts_from_the_summary_link_and_article_text(
    desk: tuple[Store, Run, Path],
) -> None:
    store, run, tmp_path = desk
    item = add_item(store.db, clock(), text="Kits were placed in 40 schools.")
    result = run("annotate", str(item), "--no-preview", text="What this means for families.")
    assert result.exit_code == 0, result.output
    seen = (tmp_path / "seen.md").read_text()
    assert seen.startswith(
        "Title: New study: naloxone in schools saves lives\nTags: overdose\nAlt: \n---\n"
    )
    assert "> Naloxone kits in schools reversed overdoses, a study says." in seen
    # the credit is the export's and the crisis line is added on publishing: said, not written
    assert "Read the full report from NIDA News" in seen and "](https://" not in seen
    assert "<!--" in seen and "Kits were placed in 40 schools." in seen
    draft = store.drafts.latest(item)
    assert draft is not None and draft.version == 1 and draft.editor == "ana"
    assert draft.body_markdown.strip() == "What this means for families."
    assert store.items.get(item).state.value == "drafted"
    assert recovery_files(tmp_path) == []


def test_each_save_is_a_new_version_started_from_the_last(desk: tuple[Store, Run, Path]) -> None:
    store, run, tmp_path = desk
    item = add_item(store.db, clock())
    run("annotate", str(item), "--no-preview", text="First words.")
    result = run("annotate", str(item), "--no-preview", "--tag", "families", text="Second words.")
    assert result.exit_code == 0, result.output
    assert "First words." in (tmp_path / "seen.md").read_text()
    draft = store.drafts.latest(item)
    assert draft is not None and (draft.version, draft.tags) == (2, ("families",))
    assert store.drafts.versions(item) == 2


def test_body_file_from_stdin_saves_without_an_editor(desk: tuple[Store, Run, Path]) -> None:
    store, run, _ = desk
    item = add_item(store.db, clock())
    args = ["annotate", str(item), "--title", "Naloxone belongs in schools", "--tag", "schools"]
    result = run(*args, "--body-file", "-", input="An overdose can happen anywhere.\n")
    assert result.exit_code == 0, result.output
    assert "saved draft v1" in result.output
    assert "crisis line" in result.output  # overdose post without the crisis line
    draft = store.drafts.latest(item)
    assert draft is not None and draft.title == "Naloxone belongs in schools"


def test_saving_points_out_stigmatising_terms_but_keeps_the_text(
    desk: tuple[Store, Run, Path],
) -> None:
    store, run, _ = desk
    item = add_item(store.db, clock())
    body = 'Her son, an addict, said "I was an addict".\n\n> addict, quoted\n'
    result = run("annotate", str(item), "--body-file", "-", input=body)
    assert result.exit_code == 0
    assert result.output.count('"addict" -> consider "person with a substance use disorder"') == 1
    draft = store.drafts.latest(item)
    assert draft is not None and "an addict" in draft.body_markdown


def test_annotating_a_published_item_is_refused_and_changes_nothing(
    desk: tuple[Store, Run, Path],
) -> None:
    store, run, tmp_path = desk
    item = add_item(store.db, clock(), state="published")
    result = run("annotate", str(item), text="Never saved.")
    assert isinstance(result.exception, InvalidTransition)
    assert "cannot annotate an item that is published" in str(result.exception)
    assert store.drafts.latest(item) is None and store.items.history(item) == []
    assert not (tmp_path / "seen.md").exists()


def test_a_failing_editor_keeps_the_text_and_the_next_annotate_offers_it(
    desk: tuple[Store, Run, Path],
) -> None:
    store, run, tmp_path = desk
    item = add_item(store.db, clock())
    result = run("annotate", str(item), mode="fail", text="Half a paragraph.")
    assert result.exit_code == 1
    (kept,) = recovery_files(tmp_path)
    assert str(kept) in str(result.exception) and kept.name.startswith(f"item-{item}-")
    assert "Half a paragraph." in kept.read_text()
    assert store.drafts.latest(item) is None
    again = run("annotate", str(item), "--no-preview", mode="keep", input="y\n")
    assert again.exit_code == 0, again.output
    assert "was kept in" in again.output
    draft = store.drafts.latest(item)
    assert draft is not None and draft.body_markdown.strip() == "Half a paragraph."
    assert recovery_files(tmp_path) == []


def test_a_declined_recovery_file_stays_after_the_next_save(
    desk: tuple[Store, Run, Path],
) -> None:
    store, run, tmp_path = desk
    item = add_item(store.db, clock())
    run("annotate", str(item), mode="fail", text="Words from before.")
    (kept,) = recovery_files(tmp_path)
    again = run("annotate", str(item), "--no-preview", text="Fresh words.", input="n\n")
    assert again.exit_code == 0, again.output
    assert recovery_files(tmp_path) == [kept] and "Words from before." in kept.read_text()


def test_a_stale_save_keeps_the_text_and_names_who_changed_the_item(
    desk: tuple[Store, Run, Path],
) -> None:
    store, run, tmp_path = desk
    item = add_item(store.db, clock())
    result = run("annotate", str(item), mode="race", text="Words someone else raced.")
    assert isinstance(result.exception, StaleItem)
    assert f"item {item} was changed by ben at " in str(result.exception)
    (kept,) = recovery_files(tmp_path)
    assert "Words someone else raced." in kept.read_text()
    assert f"your text is kept in {kept}" in result.output
    assert store.drafts.latest(item) is None


def test_a_locked_database_keeps_the_text(desk: tuple[Store, Run, Path]) -> None:
    store, run, tmp_path = desk
    item = add_item(store.db, clock())
    store.db.execute("BEGIN IMMEDIATE")
    try:
        result = run("annotate", str(item), "--body-file", "-", input="Locked out words.\n")
    finally:
        store.db.execute("ROLLBACK")
    assert isinstance(result.exception, DatabaseLocked)
    (kept,) = recovery_files(tmp_path)
    assert "Locked out words." in kept.read_text()


def _kept_in(stderr: str) -> Path:
    """The recovery file an error message names."""
    (line,) = [line for line in stderr.splitlines() if "your text is kept in " in line]
    return Path(line.split("your text is kept in ", 1)[1].split(";", 1)[0])


def test_text_from_stdin_refused_while_another_editor_holds_the_item_is_kept(
    desk: tuple[Store, Run, Path],
) -> None:
    store, run, tmp_path = desk
    item = add_item(store.db, clock())
    env = {
        **os.environ,
        "CURATOR_EDITOR": "ana",
        "EDITOR": f"{sys.executable} {FAKE_EDITOR}",
        "VISUAL": "",
        "FAKE_EDITOR_MODE": "hold",
        "FAKE_EDITOR_TEXT": "Ana's words.",
        "FAKE_EDITOR_SEEN": str(tmp_path / "seen.md"),
        "FAKE_EDITOR_RELEASE": str(tmp_path / "release"),
    }
    config = str(tmp_path / "config.toml")
    command = [sys.executable, "-m", "curator", "--config", config, "annotate", str(item)]
    first = subprocess.Popen([*command, "--no-preview"], env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "seen.md").exists() and time.monotonic() < deadline:
            time.sleep(0.02)  # ana's editor is open: she holds the claim
        words = "Ben's words, typed once\n\nand never again.\n"
        second = run("annotate", str(item), "--editor", "ben", "--body-file", "-", input=words)
    finally:
        (tmp_path / "release").touch()
        _, err = first.communicate(timeout=60)
    assert second.exit_code != 0
    assert "ana" in str(second.exception)
    kept = _kept_in(second.stderr)
    assert kept.read_text(encoding="utf-8").endswith(words)
    assert first.returncode == 0, err
    draft = store.drafts.latest(item)
    assert draft is not None and (draft.editor, draft.body_markdown.strip()) == (
        "ana",
        "Ana's words.",
    )


@pytest.mark.parametrize("state", ["published", "rejected"])
def test_text_from_stdin_refused_for_the_item_state_is_kept(
    desk: tuple[Store, Run, Path], state: str
) -> None:
    store, run, _ = desk
    item = add_item(store.db, clock(), state=state)
    result = run("annotate", str(item), "--body-file", "-", input="Words for a closed item.\n")
    assert isinstance(result.exception, InvalidTransition)
    assert _kept_in(result.stderr).read_text().endswith("Words for a closed item.\n")
    assert store.drafts.latest(item) is None


def test_text_from_stdin_for_an_item_that_does_not_exist_is_kept(
    desk: tuple[Store, Run, Path],
) -> None:
    _, run, _ = desk
    result = run("annotate", "999", "--body-file", "-", input="Words for a mistyped id.\n")
    assert result.exit_code == 1
    assert _kept_in(result.stderr).read_text().endswith("Words for a mistyped id.\n")


def test_closing_the_editor_without_changes_saves_nothing_and_releases(
    desk: tuple[Store, Run, Path],
) -> None:
    store, run, tmp_path = desk
    item = add_item(store.db, clock())
    result = run("annotate", str(item), mode="keep")
    assert result.exit_code == 0 and "nothing changed" in result.output
    assert store.drafts.latest(item) is None and recovery_files(tmp_path) == []
    after = store.items.get(item)
    assert (after.state.value, after.claimed_by) == ("new", None)
