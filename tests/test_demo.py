"""`curator demo`: the offline quick start runs end to end and publishes a post."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import feedparser

ROOT = Path(__file__).resolve().parent.parent
# The samples' stories told by more than one outlet, each one item; every other story of
# the 50 entries (13 of them feed text only) is an item of its own.
DEMO_STORIES = {
    frozenset({
        "Psilocybin sessions reduced heavy drinking days, trial finds",
        "Psilocybin therapy cut heavy drinking in eight-month trial",
    }),
    frozenset({
        "What the new cannabis and psychosis study means for parents",
        "Study: teens who use cannabis far more likely to develop psychosis",
        "Teen cannabis use linked to much higher risk of psychotic disorders",
    }),
    frozenset({
        "Ohio's overdose decline skips some Appalachian counties",
        "State report: Ohio overdose deaths drop for a second straight year",
        "Ohio overdose deaths fall 18% as naloxone reaches more hands",
    }),
}  # fmt: skip


def _stories_told_more_than_once(database: Path) -> set[frozenset[str]]:
    with closing(sqlite3.connect(database)) as db:
        rows = db.execute("SELECT item_id, title FROM entries WHERE item_id IS NOT NULL")
        by_item: dict[int, set[str]] = {}
        for item_id, title in rows:
            by_item.setdefault(item_id, set()).add(title)
    return {frozenset(titles) for titles in by_item.values() if len(titles) > 1}


def test_demo_polls_screens_publishes_and_exports_offline_from_any_folder(tmp_path: Path):
    """Run from a folder with no config.toml: the demo starts from the copy of the
    config and samples installed with the package."""
    anywhere = tmp_path / "anywhere"
    anywhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "curator", "demo", "--dir", str(tmp_path), "--no-serve"],
        cwd=anywhere,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CURATOR_EDITOR": "demo"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for step in ("poll --all", "extract", "status", "queue", "show", "annotate", "publish"):
        assert f"curator {step}" in result.stdout
    assert "published item" in result.stdout
    feed = feedparser.parse((tmp_path / "export/atom.xml").read_bytes())
    assert not feed.bozo
    assert len(feed.entries) == 1
    assert "families" in feed.entries[0].content[0].value
    assert (tmp_path / "export/index.html").is_file()
    assert "[[relevance.topics]]" in (tmp_path / "config.toml").read_text()
    assert f"curator --config {tmp_path / 'config.toml'} review" in result.stdout  # what next
    assert _stories_told_more_than_once(tmp_path / "curator.db") == DEMO_STORIES

    # Run again in the same folder: the same sources, nothing new, no second post.
    again = subprocess.run(
        [sys.executable, "-m", "curator", "demo", "--dir", str(tmp_path), "--no-serve"],
        cwd=anywhere, capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CURATOR_EDITOR": "demo"},
    )  # fmt: skip
    assert again.returncode == 0, again.stderr[-2000:]
    assert "published on an earlier run" in again.stdout
    status = subprocess.run(
        [sys.executable, "-m", "curator", "--config", str(tmp_path / "config.toml"), "status",
         "--json"], capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    counts = json.loads(status.stdout)
    assert counts["sources"] == 15 and counts["disabled"] == 0 and counts["entries"] == 50
    assert len(feedparser.parse((tmp_path / "export/atom.xml").read_bytes()).entries) == 1


def test_the_bundled_config_and_samples_are_the_checkouts():
    bundled = ROOT / "curator/bundled"
    assert (bundled / "config.toml").read_bytes() == (ROOT / "config.toml").read_bytes()
    shipped = sorted(p.name for p in (bundled / "samples/feeds").iterdir())
    assert shipped == sorted(p.name for p in (ROOT / "data/samples/feeds").iterdir())


def test_a_demo_folder_that_cannot_be_made_is_one_line(tmp_path: Path):
    (tmp_path / "plain-file").write_text("not a folder")
    work = tmp_path / "plain-file" / "demo"
    result = subprocess.run(
        [sys.executable, "-m", "curator", "demo", "--dir", str(work), "--no-serve"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: curator demo: invalid value for '--dir': cannot create {work}")
