"""Strangers' text on the editors' terminals: feed titles, summaries, page text and
source names (a new source is named after its feed's title) holding rich markup
('[/]', '[link=...]') or terminal escape sequences are printed as plain text by every
desk command: no crash, no escape reaches the terminal, the brackets shown as they are."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from desk_factory import add_item, write_config

from curator.store import Store

from .harness import run_main

MARKUP = "[/] [link=https://evil.example]click[/link] [red]"
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31m\x9b31m\x08\x0d"
HOSTILE = f"Naloxone {MARKUP} {ESCAPES} study"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-desk")
    store = Store.open(folder / "curator.db")
    add_item(
        store.db, datetime.now(UTC), title=HOSTILE, summary=f"Summary {MARKUP}{ESCAPES}",
        description=f"Description {MARKUP}{ESCAPES}", text=f"Page text {MARKUP}{ESCAPES}",
        sources=(f"Source {MARKUP}{ESCAPES}",), reasons=f'["title: {MARKUP}"]',
    )  # fmt: skip
    store.close()
    return folder / "curator.db"


@pytest.fixture
def config(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = write_config(tmp_path)
    shutil.copy(template, tmp_path / "curator.db")
    monkeypatch.chdir(tmp_path)
    return path


COMMANDS = {
    "queue": (["queue"], None),
    "items": (["items"], None),
    "show": (["show", "1", "--no-pager"], None),
    "search": (["search", "naloxone"], None),
    "review (then quit)": (["review"], "q"),
    "sources list": (["sources", "list"], None),
    "sources remove (names what it removed)": (["sources", "remove", "1"], None),
    "annotate (the feed title becomes the draft's)": (
        ["annotate", "1", "--body-file", "-"],
        f"Body {MARKUP}\n",
    ),
}


@pytest.mark.parametrize(("args", "typed"), COMMANDS.values(), ids=COMMANDS.keys())
def test_hostile_text_is_printed_as_plain_text(config: Path, args: list[str], typed: str | None):
    outcome = run_main(config, *args, input=typed)
    assert outcome.code == 0, outcome.stderr
    printed = outcome.stdout + outcome.stderr
    assert "Traceback" not in printed
    assert not any(c in printed for c in "\x1b\x9b\x07\x08\r"), repr(printed[:400])
    assert "[/]" in printed  # shown, not obeyed


def test_a_hostile_editor_name_and_note_are_plain_text_in_the_history(config: Path) -> None:
    editor = f"ana{ESCAPES}[/]"
    assert run_main(config, "claim", "1", "--editor", editor).code == 0
    assert run_main(config, "reject", "1", "--editor", editor, "--reason", MARKUP).code == 0
    for args in (["history", "1"], ["show", "1", "--no-pager"]):
        outcome = run_main(config, *args)
        assert outcome.code == 0 and "Traceback" not in outcome.stderr, outcome.stderr
        assert "\x1b" not in outcome.stdout and "[link=" in outcome.stdout
