"""An editor's day in `curator review`, at 80x24, read off a terminal screen.

A pseudo-terminal runs the real command; pyte (a VT100 emulator) keeps the screen it
draws, so each step checks what an editor would see: the card fits, it leads with
the title and the summary, says where the editor is, keeps the link on screen,
previews the post before publishing it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pexpect
import pyte
import pytest
from desk_factory import add_item, write_config

from curator.store import Store

FAKE_EDITOR = Path(__file__).with_name("fake_editor.py")
KEYS = r"\[q\]uit"
POST = "Schools that keep naloxone stop overdoses. Ask your school about its kit."
# Longer than the card has room for: with the learned model's line it must still fit.
LONG_SUMMARY = "Each coach sees a patient within the hour and calls again the next week. " * 12


class Terminal:
    """`curator review` in an 80x24 pseudo-terminal, and the screen it shows."""

    def __init__(self, tmp_path: Path) -> None:
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.Stream(self.screen)
        env = {
            **os.environ, "CURATOR_EDITOR": "ana", "TERM": "xterm", "NO_COLOR": "1",
            "EDITOR": f"{sys.executable} {FAKE_EDITOR}", "VISUAL": "",
            "FAKE_EDITOR_MODE": "write", "FAKE_EDITOR_TEXT": POST,
            "FAKE_EDITOR_SEEN": str(tmp_path / "seen.md"), "BROWSER": "", "DISPLAY": "",
            "WAYLAND_DISPLAY": "", "PAGER": "cat", "COLUMNS": "", "LINES": "",
        }  # fmt: skip
        config = str(tmp_path / "config.toml")
        self.child = pexpect.spawn(
            sys.executable, ["-m", "curator", "--config", config, "review"],
            env=env, encoding="utf-8", timeout=20, dimensions=(24, 80),
        )  # fmt: skip
        self.child.logfile_read = self  # everything read is drawn on the screen

    def write(self, text: str) -> None:
        self.stream.feed(text)

    def flush(self) -> None:
        return

    def wait(self, pattern: str) -> str:
        """Wait for `pattern`, then return the screen as 24 lines of text."""
        self.child.expect(pattern)
        return "\n".join(line.rstrip() for line in self.screen.display)

    def key(self, key: str, then: str) -> str:
        self.child.send(key)
        return self.wait(then)

    def answer(self, text: str, then: str) -> str:
        self.child.sendline(text)
        return self.wait(then)


@pytest.fixture
def day(tmp_path: Path) -> Iterator[tuple[Store, Terminal, list[int]]]:
    write_config(tmp_path)
    store = Store.open(tmp_path / "curator.db")
    now = datetime.now(UTC)
    ids = [
        add_item(store.db, now, title="Naloxone in schools: a year of kits that saved lives",
                 sources=("NIDA News", "STAT"), score=9.0,
                 summary="Schools that stocked naloxone reversed 40 overdoses in a year. "
                 "Nurses and coaches were trained in an afternoon.",
                 reasons=("title: naloxone (overdose)", "body: overdose ×3 (overdose)"),
                 learned=0.93, learned_reasons=("+naloxone", "+schools", "−budget")),
        add_item(store.db, now, title="Fentanyl test strips reach rural pharmacies", score=7.0,
                 summary="Pharmacies in three states now hand out test strips."),
        add_item(store.db, now, title="City council debates a budget for parks", score=5.0,
                 summary="The council met on Tuesday.", age=timedelta(hours=5)),
        add_item(store.db, now, title="Peer recovery coaches join emergency rooms", score=3.0,
                 summary="Coaches who are in recovery meet patients after an overdose. "
                 + LONG_SUMMARY, learned=0.31, learned_reasons=("+recovery", "−hospital")),
    ]  # fmt: skip
    store.db.execute(
        "UPDATE entries SET extract_note = 'page gone (HTTP 404)' WHERE item_id = ?", [ids[1]]
    )
    store.db.conn.commit()
    terminal = Terminal(tmp_path)
    yield store, terminal, ids
    terminal.child.close(force=True)
    store.close()


def fits(screen: str, *wanted: str) -> None:
    """The whole card is on the screen: its top border, what is wanted, the keys."""
    assert "╭─" in screen and "╰─" in screen, screen
    for text in wanted:
        assert text in screen, (text, screen)
    assert "[a]nnotate [p]ublish [r]eject" in screen, screen


def test_an_editors_day_in_review_at_80x24(day: tuple[Store, Terminal, list[int]]) -> None:
    store, term, (first, second, third, fourth) = day

    # Read: the card leads with the title and the summary, says where we are and why.
    screen = term.wait(KEYS)
    fits(screen, "1 of 4 · #1", "Naloxone in schools: a year of kits that saved lives",
         "reversed 40 overdoses", "NIDA News, STAT (2 outlets)", "score 9.0",
         "title: naloxone (overdose) (+1 more: ?)",
         "learned 0.93: +naloxone +schools −budget")  # fmt: skip
    lines = screen.splitlines()
    assert lines[0].startswith("╭─ 1 of 4") and "Naloxone in schools" in lines[1]
    url = store.items.get(first).url
    assert url in screen

    # Why: every reason, one a line.
    screen = term.key("?", "body: overdose ×3")
    assert "title: naloxone (overdose)" in screen
    assert "learned 0.93: +naloxone +schools −budget" in screen

    # Open: no browser in this terminal; the link stays on the card.
    screen = term.key("o", "the link is on the card")
    assert url in screen and "1 of 4" in screen

    # Annotate in the (scripted) editor: the template is simple and says how to go on.
    screen = term.key("a", "saved draft v1")
    template = (store.path.parent / "seen.md").read_text(encoding="utf-8")
    assert template.startswith("Title: Naloxone in schools: a year of kits that saved lives\n")
    assert "Tags: overdose\nAlt: \n---\n" in template
    assert "> Schools that stocked naloxone" in template
    assert "Read the full report from" in template  # said, not written into the post
    assert store.items.get(first).state.value == "drafted"

    # Preview, then publish with a confirmation: as subscribers will read it.
    screen = term.key("p", r"Publish this post\? \[y/N\]")
    assert "Preview: the post as subscribers will read it" in screen
    assert "Naloxone in schools: a year of kits" in screen and "Ask your school about" in screen
    assert "Read the full report from NIDA News" in screen
    screen = term.answer("n", KEYS)
    assert "Not published; the draft is kept." in screen
    assert store.items.get(first).state.value == "drafted"
    term.key("p", r"Publish this post\? \[y/N\]")
    screen = term.answer("y", "2 of 4")
    assert store.items.get(first).state.value == "published"
    (post,) = store.posts.list()
    assert post.body_markdown.count("988") == 1  # the crisis line, added once

    # The next card: the extraction note shows; reject it with a reason.
    screen = term.wait(KEYS)
    fits(screen, "2 of 4 · #2", "Fentanyl test strips reach rural pharmacies",
         "page gone (HTTP 404)", "last card: item 1: published")  # fmt: skip
    term.key("r", "Reason for rejecting")
    term.answer("covered last week", r"Off topic \(the model learns from it\)\? \[y/N\]")
    screen = term.answer("n", KEYS)  # covered already: not a lesson for the model
    fits(screen, "3 of 4 · #3", "City council debates a budget for parks", "5h ago",
         "last card: item 2: rejected")  # fmt: skip
    assert store.items.get(second).state.value == "rejected"
    assert store.items.get(second).reject_reason == "covered last week"

    # Snooze the third for two days.
    term.key("s", "Snooze for")
    screen = term.answer("2d", KEYS)
    fits(screen, "4 of 4 · #4", "Peer recovery coaches join emergency rooms",
         "last card: item 3: snoozed, until", "learned 0.31: +recovery −hospital")  # fmt: skip
    assert screen.splitlines()[0].startswith("╭─ 4 of 4"), screen  # a long summary still fits
    snoozed = store.items.get(third)
    assert snoozed.state.value == "snoozed" and snoozed.snoozed_until is not None
    assert snoozed.snoozed_until > datetime.now(UTC) + timedelta(days=1)

    # Quit: the card in hand goes back to the queue.
    assert store.items.get(fourth).claimed_by == "ana"
    term.child.send("q")
    term.child.expect(pexpect.EOF)
    term.child.close()
    assert term.child.exitstatus == 0
    assert store.items.get(fourth).state.value == "new"
    assert store.items.get(fourth).claimed_by is None
