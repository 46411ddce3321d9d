"""Every command given a missing, wrong or malicious argument: one clear error line
on stderr, a non-zero exit, no traceback, and the database exactly as it was.

Most cases run `main()` in-process (the same path as `curator`, see harness.py);
a few run the real `python -m curator` to prove the same holds in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from desk_factory import add_item, write_config

from curator.cli.main import COMMANDS
from curator.store import Store

from .harness import assert_one_clean_line, dump, run_main

SQL = "1; DROP TABLE items"
HUGE = "99999999999999999999"  # wider than SQLite's 64-bit integers
MISSING = "424242"
LAST_DATE = "9999-12-31T23:59:59-12:00"  # a valid date whose UTC time does not exist
FIRST_DATE = "0001-01-01T00:00:00+14:00"
ESCAPE = "{escape}"  # a relative path that climbs out to /etc/passwd
ITEM_COMMANDS = ("show", "history", "claim", "release", "reopen", "promote", "publish")

CASES: list[tuple[str, list[str]]] = [
    ("sources add: an SQL-looking URL", ["sources", "add", SQL]),
    ("sources add: a javascript: URL", ["sources", "add", "javascript:alert(1)"]),
    ("sources add: no URL", ["sources", "add"]),
    ("sources remove: no such id", ["sources", "remove", MISSING]),
    ("sources remove: a huge id", ["sources", "remove", HUGE]),
    ("sources remove: SQL", ["sources", "remove", SQL]),
    ("sources import: a path outside the project", ["sources", "import", ESCAPE]),
    ("sources import: no such file", ["sources", "import", "nosuch.opml"]),
    ("sources import: OPML with an external entity", ["sources", "import", "xxe.opml"]),
    ("sources import: OPML with an entity bomb", ["sources", "import", "bomb.opml"]),
    ("sources: an unknown subcommand", ["sources", SQL]),
    ("poll --source: no such source", ["poll", "--source", MISSING]),
    ("poll --source: SQL", ["poll", "--source", SQL]),
    ("status: an extra argument", ["status", SQL]),
    ("serve: an extra argument", ["serve", SQL]),
    ("demo: an unknown option", ["demo", "--no-such-option"]),
    ("extract --limit: huge", ["extract", "--limit", HUGE]),
    ("extract --limit: negative", ["extract", "--limit", "-1"]),
    ("extract --limit: SQL", ["extract", "--limit", SQL]),
    ("score: an extra argument", ["score", SQL]),
    ("items --limit: huge", ["items", "--limit", HUGE]),
    ("items --state: SQL", ["items", "--state", SQL]),
    ("queue --since: SQL", ["queue", "--since", SQL]),
    ("queue --since: a huge duration", ["queue", "--since", HUGE + "d"]),
    ("queue --since: a date past the last one in UTC", ["queue", "--since", LAST_DATE]),
    ("queue --since: a date before the first one in UTC", ["queue", "--since", FIRST_DATE]),
    ("queue --limit: negative", ["queue", "--limit", "-1"]),
    ("queue --state: SQL", ["queue", "--state", SQL]),
    *[
        (f"{command}: {what}", [command, *args])
        for command in ITEM_COMMANDS
        for what, args in (
            ("no such id", [MISSING]),
            ("a huge id", [HUGE]),
            ("an SQL-looking id", [SQL]),
            ("a negative id", ["--", "-1"]),
            ("no id", []),
        )
    ],
    ("claim --expect-version: huge", ["claim", "1", "--expect-version", HUGE]),
    ("publish: an item with no draft", ["publish", "1"]),
    ("publish --expect-version: stale", ["publish", "2", "--expect-version", "1"]),
    ("reject: no such id", ["reject", MISSING, "--reason", "spam"]),
    ("reject: no reason", ["reject", "1"]),
    ("snooze --until: SQL", ["snooze", "1", "--until", SQL]),
    ("snooze --until: a huge duration", ["snooze", "1", "--until", HUGE + "d"]),
    ("snooze --until: a date past the last one in UTC", ["snooze", "1", "--until", LAST_DATE]),
    ("snooze: no such id", ["snooze", MISSING, "--until", "2d"]),
    ("annotate: no such id", ["annotate", MISSING, "--body-file", "-"]),
    ("annotate: a huge id", ["annotate", HUGE, "--body-file", "-"]),
    ("annotate --body-file: a path outside the project", ["annotate", "1", "--body-file", ESCAPE]),
    (
        "annotate --body-file: a device that never ends",
        ["annotate", "1", "--body-file", "/dev/zero"],
    ),
    ("annotate --body-file: binary bytes", ["annotate", "1", "--body-file", "binary.dat"]),
    ("review: an extra argument", ["review", SQL]),
    ("retract: a slug that climbs out", ["retract", "../../etc/passwd"]),
    ("retract: a slug ending in /..", ["retract", "naloxone-in-schools/.."]),
    ("retract: SQL", ["retract", SQL]),
    ("retract: no slug", ["retract"]),
    ("retract: an item id with no post", ["retract", MISSING]),
    ("report --since: SQL", ["report", "--since", SQL]),
    ("report --since: a huge duration", ["report", "--since", HUGE + "d"]),
    ("posts --limit: huge", ["posts", "--limit", HUGE]),
    ("posts --limit: negative", ["posts", "--limit", "-1"]),
    ("search: no query", ["search"]),
    ("search: an empty query", ["search", ""]),
    ("export --out: a file outside the project", ["export", "--out", ESCAPE]),
    ("merge: no ids", ["merge"]),
    ("merge: one item", ["merge", "1"]),
    ("merge: the same item twice", ["merge", "1", "1"]),
    ("merge: no such id", ["merge", "1", MISSING]),
    ("merge: a huge id", ["merge", "1", HUGE]),
    ("merge: an SQL-looking id", ["merge", "1", SQL]),
    ("merge: a published item", ["merge", "1", "2"]),
    ("merge --expect-version: stale", ["merge", "1", "2", "--force", "--expect-version", "9"]),
    ("split: no entry", ["split", "1"]),
    ("split: an entry of another item", ["split", "1", "2"]),
    ("split: every entry of the item", ["split", "1", "1"]),
    ("split: a huge entry id", ["split", "1", HUGE]),
    ("split: a published item", ["split", "2", "2"]),
    ("stories: an unknown subcommand", ["stories", SQL]),
    ("stories eval: an extra argument", ["stories", "eval", SQL]),
    ("learn --import: no such file", ["learn", "--import", "nosuch.jsonl"]),
    ("learn --import: a file outside the project", ["learn", "--import", ESCAPE]),
    ("learn --import: a device that never ends", ["learn", "--import", "/dev/zero"]),
    ("learn --import: binary bytes", ["learn", "--import", "binary.dat"]),
    ("learn: an extra argument", ["learn", SQL]),
    ("digest --week: SQL", ["digest", "--week", SQL]),
    ("digest --week: week 54", ["digest", "--week", "2026-W54"]),
    ("digest --send: no SMTP server set", ["digest", "--week", "2020-W01", "--send"]),
    ("an unknown command", [SQL]),
]

# Queries that match nothing are answers, not errors: exit 0, nothing changed.
HARMLESS: list[tuple[str, list[str]]] = [
    ("search: SQL finds nothing", ["search", SQL]),
    ("search: an unbalanced FTS quote finds nothing", ["search", '"naloxone']),
    ("queue --source: SQL lists nothing", ["queue", "--source", SQL]),
    ("queue --topic: SQL lists nothing", ["queue", "--topic", SQL]),
    ("review --source: SQL finds an empty queue", ["review", "--source", SQL]),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A desk with a new item (1), a published item (2) with its post, and an export."""
    folder = tmp_path_factory.mktemp("desk")
    config = write_config(folder)
    store = Store.open(folder / "curator.db")
    now = datetime.now(UTC)
    add_item(store.db, now, title="A new story about naloxone")
    published = add_item(store.db, now, title="Naloxone in schools")
    store.close()
    body = "Schools now keep naloxone. Families can ask for it.\n"
    for args, text in (
        (["annotate", str(published), "--body-file", "-", "--no-preview"], body),
        (["publish", str(published)], None),
    ):
        outcome = run_main(config, *args, input=text)
        assert outcome.code == 0, outcome.stderr
    return folder / "curator.db"


@pytest.fixture
def desk(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A fresh copy of the template desk; the working folder is tmp_path."""
    config = write_config(tmp_path)
    shutil.copy(template, tmp_path / "curator.db")
    (tmp_path / "binary.dat").write_bytes(bytes(range(256)) * 8)
    outline = "<outline text='&x;' type='rss' xmlUrl='https://example.org/&x;'/>"
    entities = {
        "xxe": '<!ENTITY x SYSTEM "file:///etc/passwd">',
        "bomb": '<!ENTITY y "yyyyyyyy"><!ENTITY x "&y;&y;&y;&y;&y;&y;">',
    }
    for name, entity in entities.items():
        opml = f"<!DOCTYPE opml [{entity}]><opml version='2.0'><body>{outline}</body></opml>"
        (tmp_path / f"{name}.opml").write_text(opml, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return config, tmp_path / "curator.db"


def _filled(args: list[str], folder: Path) -> list[str]:
    escape = os.path.relpath("/etc/passwd", folder)
    return [escape if a == ESCAPE else a for a in args]


@pytest.mark.parametrize("args", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_argument_gets_one_line_a_non_zero_exit_and_changes_nothing(
    desk: tuple[Path, Path], args: list[str]
) -> None:
    config, database = desk
    before = dump(database)
    outcome = run_main(config, *_filled(args, database.parent), input="words\n")
    assert_one_clean_line(outcome)
    assert dump(database) == before


@pytest.mark.parametrize("args", [c[1] for c in HARMLESS], ids=[c[0] for c in HARMLESS])
def test_a_query_that_matches_nothing_answers_and_changes_nothing(
    desk: tuple[Path, Path], args: list[str]
) -> None:
    config, database = desk
    before = dump(database)
    outcome = run_main(config, *args)
    assert outcome.code == 0, outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert dump(database) == before


def test_every_command_is_tried_with_a_bad_argument() -> None:
    tried = {args[0] for _, args in CASES if args}
    assert set(COMMANDS) <= tried


@pytest.mark.parametrize(
    "args",
    [["show", HUGE], ["claim", SQL], ["retract", "x/.."], ["annotate", "1", "--body-file", ESCAPE]],
    ids=["show: a huge id", "claim: SQL", "retract: /..", "annotate: a path outside"],
)
def test_the_real_command_line_says_one_line_too(desk: tuple[Path, Path], args: list[str]) -> None:
    config, database = desk
    before = dump(database)
    argv = [
        sys.executable,
        "-m",
        "curator",
        "--config",
        str(config),
        *_filled(args, database.parent),
    ]
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )
    assert "Traceback" not in done.stderr
    assert done.returncode != 0
    assert len([line for line in done.stderr.splitlines() if line.lower().startswith("error")]) == 1
    assert dump(database) == before
