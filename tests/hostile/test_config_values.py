"""Every setting in config.SETTINGS given a wrong type and an out-of-range value:
start-up stops with one line naming the key (`config: <key>: ...`), never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from operator import attrgetter
from pathlib import Path
from typing import Any

import pytest

from curator import config as config_module
from curator.config import SETTINGS, Setting
from curator.errors import ConfigError

from .harness import assert_one_clean_line, run_main

WRONG_TYPE = {
    "int": "ten",
    "float": "high",
    "bool": "yes",
    "duration": 30,
    "path": 5,
    "str": 5,
}


def out_of_range(setting: Setting) -> Any:
    """A value of the right type that no sane install means."""
    if setting.kind in ("int", "float"):
        if setting.maximum is not None:
            return setting.maximum + 1
        return -(2**63)
    if setting.kind == "duration":
        return "99999999999w"  # past the last date Python can hold
    if setting.kind == "bool":
        return 2
    if setting.choices:
        return "nobody"
    return "line\nbreak\u0000"  # a NUL in a path, a header split in two


def toml_value(value: Any) -> str:
    return json.dumps(value) if isinstance(value, str) else str(value).lower()


def write(tmp_path: Path, key: str, value: Any) -> Path:
    section, name = key.split(".", 1)
    path = tmp_path / "config.toml"
    path.write_text(f"[{section}]\n{name} = {toml_value(value)}\n", encoding="utf-8")
    return path


CASES = [
    pytest.param(s.key, value, id=f"{s.key}={what}")
    for s in SETTINGS
    for what, value in (("wrong-type", WRONG_TYPE[s.kind]), ("out-of-range", out_of_range(s)))
]


@pytest.mark.parametrize(("key", "value"), CASES)
def test_a_bad_value_stops_start_up_with_one_line_naming_the_key(
    tmp_path: Path, key: str, value: Any
) -> None:
    path = write(tmp_path, key, value)
    with pytest.raises(ConfigError) as raised:
        config_module.load(path)
    message = str(raised.value)
    assert message.startswith(f"config: {key}: ")
    assert "\n" not in message and "\x00" not in message


@pytest.mark.parametrize("key", ["poll.interval", "network.deadline", "cluster.window"])
def test_a_duration_at_the_ceiling_is_accepted_and_one_past_it_is_refused(
    tmp_path: Path, key: str
) -> None:
    loaded = config_module.load(write(tmp_path, key, "3650d"))
    assert attrgetter(key)(loaded).days == 3650  # e.g. loaded.poll.interval
    with pytest.raises(ConfigError, match=f"config: {key}: '3651d' is longer than 3650 days"):
        config_module.load(write(tmp_path, key, "3651d"))


def test_an_unknown_key_and_a_section_that_is_not_a_table_are_named(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[poll]\nintervall = '1h'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^config: poll\.intervall: unknown setting$"):
        config_module.load(path)
    path.write_text("poll = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^config: poll: must be a table"):
        config_module.load(path)


@pytest.mark.parametrize(
    ("key", "value"),
    [("network.max_body_bytes", 10**30), ("curator.database", "data/\u0000.db")],
    ids=["a huge number", "a NUL in the database path"],
)
def test_the_real_command_line_names_the_bad_key_in_one_line(
    tmp_path: Path, key: str, value: Any
) -> None:
    path = write(tmp_path, key, value)
    argv = [sys.executable, "-m", "curator", "--config", str(path), "status"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: config: {key}: ")
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "data").exists()  # nothing was created


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("export.base_url", "javascript:alert(1)//"),
        ("export.tag_domain", "evil.example/../x"),
        ("export.title", "<script>alert(1)</script>"),
    ],
    ids=["a javascript: base URL", "a tag domain with a path", "a title that is only markup"],
)
def test_a_value_checked_where_it_is_used_still_names_its_key_in_one_line(
    tmp_path: Path, key: str, value: str
) -> None:
    """Values only the export can judge are refused by `curator export` the same way."""
    path = write(tmp_path, key, value)
    with path.open("a", encoding="utf-8") as f:
        f.write(f"out_dir = {json.dumps(str(tmp_path / 'out'))}\n")
        f.write(f"[curator]\ndatabase = {json.dumps(str(tmp_path / 'curator.db'))}\n")
    outcome = run_main(path, "export")
    assert outcome.code == 1 and "Traceback" not in outcome.stderr, outcome.stderr
    assert outcome.stderr.startswith(f"error: config: {key}: ")
    assert len(outcome.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "name",
    ["/dev/zero", "outside", "binary.toml", "huge.toml", "missing.toml", "."],
    ids=["a device that never ends", "a path outside the project (/etc/passwd)",
         "binary bytes", "2 MB of comments", "no such file", "a folder"],
)  # fmt: skip
def test_a_bad_config_file_is_one_line_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "binary.toml").write_bytes(bytes(range(256)) * 16)
    (tmp_path / "huge.toml").write_text("# padding\n" * 200_000, encoding="utf-8")
    given = os.path.relpath("/etc/passwd", tmp_path) if name == "outside" else name
    outcome = run_main(Path(given), "status")
    assert_one_clean_line(outcome)
    assert given in outcome.error_lines[0], outcome.stderr
    assert not (tmp_path / "data").exists()
