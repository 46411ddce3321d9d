"""SIGKILL at random points of extraction, publishing and export, many times over
(poll is covered by tests/test_crash.py). After every kill the database passes
PRAGMA integrity_check and its rows are consistent; a final clean run ends with
exactly the rows an uninterrupted run makes; an export folder only ever holds
whole files, each the old version or the new one.

The seed of the kill times is in every failure message (CURATOR_FAULT_SEED
replays it)."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from desk_factory import add_item
from export_helpers import add_post, edit_post

from curator import config as config_module
from curator.desk.actions import save_draft
from curator.poll import poll_due
from curator.screen.run import process_pending
from curator.site.atomic import MANIFEST
from curator.site.run import export_site
from curator.store import Store
from faults.harness import (
    Answer,
    Site,
    curator,
    integrity,
    kill_repeatedly,
    rows,
    search_bundle,
    serve,
    snapshot,
    write_config,
)

SEED = int(os.environ.get("CURATOR_FAULT_SEED") or random.randrange(10**6))
KILLS = 15
_VOCABULARY = """naloxone recovery fentanyl clinic families treatment methadone county study
youth housing peer overdose harm reduction program funding alcohol cannabis stimulant survey
hospital coach parents schools rural prison court settlement nurses pharmacy"""
WORDS = _VOCABULARY.split()
VICTIMS = Path(__file__).with_name("victims.py")


def _kill_steps(most: int) -> list[int]:
    """How much work each killed run gets done first: 1 to `most` units, at random."""
    rng = random.Random(SEED)
    return [rng.randint(1, most) for _ in range(KILLS)]


# --- extraction -------------------------------------------------------------

ENTRIES = 80


def _title(i: int) -> str:
    return f"{i}: " + " ".join(random.Random(i).sample(WORDS, 6))


def _page(i: int) -> Answer:
    words = random.Random(1000 + i).choices(WORDS, k=400)
    paragraphs = "".join(f"<p>{' '.join(words[k : k + 40])}.</p>" for k in range(0, 400, 40))
    html = f"<html><head><title>{_title(i)}</title></head><body><article><h1>{_title(i)}</h1>"
    return Answer(200, (html + paragraphs + "</article></body></html>").encode())


def _feed(site: Site, now) -> Answer:
    items = "".join(
        f"<item><title>{escape(_title(i))}</title><link>{site.url(f'/page/{i}')}</link>"
        f"<guid>e{i}</guid><pubDate>{format_datetime(now - timedelta(hours=i))}</pubDate></item>"
        for i in range(ENTRIES)
    )
    body = f"<rss version='2.0'><channel><title>f</title>{items}</channel></rss>"
    return Answer(200, body.encode(), "application/rss+xml")


def _count(db: Path, table: str) -> int:
    return int(rows(db, f"SELECT COUNT(*) FROM {table}")[0][0])


def _extraction_state(db: Path) -> list[tuple[object, ...]]:
    """Per entry: its extraction outcome and its item, as a clean run leaves them."""
    return rows(
        db,
        "SELECT e.entry_key, e.extract_status, a.status, length(a.text), i.title, i.state, "
        "i.score, i.outlets FROM entries e LEFT JOIN articles a ON a.entry_id = e.id "
        "LEFT JOIN items i ON i.id = e.item_id ORDER BY e.entry_key",
    )


def _check_extraction(db: Path, n: int) -> None:
    where = f"after kill {n} (seed {SEED})"
    assert integrity(db) == "ok", where
    orphans = rows(
        db,
        "SELECT e.id FROM entries e LEFT JOIN articles a ON a.entry_id = e.id "
        "WHERE (e.extract_status IN ('done', 'fallback', 'skipped')) "
        "!= (a.entry_id IS NOT NULL AND e.item_id IS NOT NULL)",
    )
    assert orphans == [], f"entries half-processed {where}: {orphans}"
    empty = rows(db, "SELECT id FROM items WHERE id NOT IN (SELECT item_id FROM entries "
                 "WHERE item_id IS NOT NULL)")  # fmt: skip
    assert empty == [], f"items without entries {where}"
    created = rows(db, "SELECT COUNT(*) FROM history WHERE from_state IS NULL")[0][0]
    assert created == rows(db, "SELECT COUNT(*) FROM items")[0][0], f"history {where}"


def test_sigkill_during_extraction_loses_and_duplicates_nothing(tmp_path, now, record_property):
    path = write_config(tmp_path, network="max_connections = 3\nper_host = 3")
    config = config_module.load(path)
    db = tmp_path / "curator.db"
    with serve(Site()) as site:
        site.answers["/feed"] = _feed(site, now)
        site.answers.update({f"/page/{i}": _page(i) for i in range(ENTRIES)})
        store = Store.open(db)
        store.sources.add(site.url("/feed"), name="pages", now=now)
        assert poll_due(config, store, now).new == ENTRIES
        store.close()
        expected = _uninterrupted(tmp_path, config, db, now)

        site.delay = 0.04
        progress: list[int] = []

        def after_kill(n: int) -> None:
            _check_extraction(db, n)
            progress.append(_count(db, "articles"))

        def finished() -> bool:
            return bool(progress) and progress[-1] == ENTRIES

        command = curator(path, "extract")
        killed = kill_repeatedly(
            command, lambda: _count(db, "articles"), _kill_steps(5), after_kill, done=finished
        )
        site.delay = 0
        final = subprocess.run(command, capture_output=True, text=True, timeout=60)

    record_property("kills", killed)
    mid_run = [p for p in progress if 0 < p < ENTRIES]
    assert killed >= 5 and len(set(mid_run)) >= 3, f"kills missed the work: {progress} ({SEED})"
    assert final.returncode == 0, final.stderr
    _check_extraction(db, KILLS)
    assert _extraction_state(db) == expected, f"seed {SEED}"


def _uninterrupted(tmp_path: Path, config, db: Path, now) -> list[tuple[object, ...]]:
    """What one clean extraction run makes of a copy of the database."""
    control = tmp_path / "control.db"
    shutil.copy(db, control)
    store = Store.open(control)
    process_pending(config.with_values(curator__database=control), store, now)
    store.close()
    return _extraction_state(control)


# --- publishing -------------------------------------------------------------

DRAFTS = 500


def _check_publishing(db: Path, n: int) -> None:
    where = f"after kill {n} (seed {SEED})"
    assert integrity(db) == "ok", where
    mismatched = rows(
        db,
        "SELECT i.id FROM items i LEFT JOIN posts p ON p.item_id = i.id "
        "WHERE (i.state = 'published') != (p.id IS NOT NULL)",
    )
    assert mismatched == [], f"item state and post disagree {where}: {mismatched}"
    published = rows(db, "SELECT COUNT(*) FROM history WHERE to_state = 'published'")[0][0]
    assert published == rows(db, "SELECT COUNT(*) FROM posts")[0][0], f"history {where}"


def test_sigkill_during_publishing_leaves_each_item_published_once_or_not_at_all(
    tmp_path, now, record_property
):
    path = write_config(tmp_path)
    config = config_module.load(path)
    db = tmp_path / "curator.db"
    store = Store.open(db)
    for i in range(DRAFTS):
        item_id = add_item(store.db, now, title=_title(i))
        body = f"What this means for families, part {i}. " * 10
        save_draft(store, config, item_id, "ana", now, title=_title(i), tags=("news",), body=body)
    store.close()
    progress: list[int] = []

    def after_kill(n: int) -> None:
        _check_publishing(db, n)
        progress.append(_count(db, "posts"))

    command = [sys.executable, str(VICTIMS), "publish", str(path)]
    finished = lambda: bool(progress) and progress[-1] == DRAFTS  # noqa: E731
    published = lambda: _count(db, "posts")  # noqa: E731
    killed = kill_repeatedly(command, published, _kill_steps(25), after_kill, done=finished)
    final = subprocess.run(command, capture_output=True, text=True, timeout=60)

    assert final.returncode == 0, final.stderr
    record_property("kills", killed)
    mid_run = [p for p in progress if 0 < p < DRAFTS]
    assert killed >= 5 and len(set(mid_run)) >= 3, f"kills missed the work: {progress} ({SEED})"
    _check_publishing(db, KILLS)
    posts = rows(
        db, "SELECT p.title, i.title, i.state FROM posts p JOIN items i ON i.id = p.item_id"
    )
    assert len(posts) == DRAFTS and all(p[0] == p[1] and p[2] == "published" for p in posts)
    assert {p[0] for p in posts} == {_title(i) for i in range(DRAFTS)}


# --- export -----------------------------------------------------------------

POSTS = 150


def test_sigkill_during_export_leaves_only_whole_old_or_new_files(tmp_path, now, record_property):
    path = write_config(tmp_path)
    config = config_module.load(path)
    db, out = tmp_path / "curator.db", tmp_path / "export"
    store = Store.open(db)
    ids = [
        add_post(store, title=_title(i), body_markdown=f"Words {i}. " * 80) for i in range(POSTS)
    ]
    export_site(config, store, now)
    old, old_index = snapshot(out), search_bundle(out)
    shutil.copytree(out, tmp_path / "old")
    for post_id in ids[::2]:
        edit_post(store, post_id, title=f"Updated {post_id}", updated_at=now)
    for i in range(POSTS, POSTS + 20):
        add_post(store, title=_title(i), body_markdown=f"New words {i}. " * 80)
    store.close()
    shutil.copy(db, tmp_path / "control.db")
    control = Store.open(tmp_path / "control.db")
    export_site(config, control, now, out_dir=tmp_path / "control")
    control.close()
    new, new_index = snapshot(tmp_path / "control"), search_bundle(tmp_path / "control")
    assert set(new) > set(old) and any(old[k] != new[k] for k in old)
    assert old_index and new_index and old_index != new_index

    verdicts: list[str] = []

    def after_kill(n: int) -> None:
        where = f"after kill {n} (seed {SEED})"
        assert integrity(db) == "ok", where
        json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        found = snapshot(out)
        stray = [k for k in found if k not in old and k not in new]
        assert stray == [], f"files that are neither version {where}: {stray}"
        torn = [k for k, data in found.items() if data not in (old.get(k), new.get(k))]
        assert torn == [], f"half-written files {where}: {torn}"
        verdicts.append("new" if found == new else "old" if found == old else "mixed")
        # The index: the old one or the new one, whole (or, between its two renames, none).
        assert search_bundle(out) in (old_index, new_index, {}), where

    def written() -> int:  # files this run has put in place (temporary ones come and go)
        return sum(
            1
            for folder, _, names in os.walk(out)
            for name in names
            if not name.startswith(".") and os.stat(os.path.join(folder, name)).st_mtime > reset[0]
        )

    reset = [0.0]
    changed = sum(1 for k in new if old.get(k) != new[k])

    def back_to_old() -> None:  # so that every run has the whole export to do
        shutil.rmtree(out)
        shutil.copytree(tmp_path / "old", out)
        reset[0] = time.time()

    command = curator(path, "export")
    killed = kill_repeatedly(
        command, written, _kill_steps(changed - 1), after_kill, before_each=back_to_old
    )
    # What a kill between writing a temporary file and its rename leaves behind (the
    # folder as it was, the manifest not yet rewritten, and the torn temporary file):
    back_to_old()
    (out / ".tmp-99999-1-atom.xml").write_bytes(new["atom.xml"][:100])
    record_property("kills", killed)
    assert killed >= 5 and verdicts.count("mixed") >= 3, f"kills missed: {verdicts} ({SEED})"
    _export_cleanly(command, out, new)


def _export_cleanly(command: list[str], out: Path, new: dict[str, bytes]) -> None:
    """After the kills, one export run to the end: the new files, and no leftovers."""
    final = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert final.returncode == 0, final.stderr
    assert snapshot(out) == new
    assert list(out.rglob(".tmp-*")) == [], "a clean export sweeps what killed ones left"


def test_sigkill_during_a_first_export_leaves_each_folder_whole_or_absent(
    tmp_path, now, record_property
):
    """A folder that does not exist yet (posts/, tags/) is written under a temporary
    name and renamed into place: after a kill it is there with every file, or not at
    all; the next export sweeps the half-written staging folder."""
    path = write_config(tmp_path)
    config = config_module.load(path)
    db, out = tmp_path / "curator.db", tmp_path / "export"
    store = Store.open(db)
    for i in range(POSTS):
        add_post(store, title=_title(i), body_markdown=f"Words {i}. " * 80, tags=[WORDS[i % 5]])
    export_site(config, store, now, out_dir=tmp_path / "control")
    store.close()
    new = snapshot(tmp_path / "control")
    folders = {relative.split("/")[0] for relative in new if "/" in relative}
    assert folders == {"posts", "tags"}

    halves: list[str] = []

    def after_kill(n: int) -> None:
        assert integrity(db) == "ok", f"after kill {n} (seed {SEED})"
        found = snapshot(out)
        for folder in folders:
            inside = {k for k in found if k.startswith(f"{folder}/")}
            expected = {k for k in new if k.startswith(f"{folder}/")}
            assert inside in (set(), expected), f"{folder}/ half there after kill {n} ({SEED})"
            assert all(found[k] == new[k] for k in inside), f"torn file after kill {n} ({SEED})"
        staged = [p.name for p in out.glob(".tmp-*") if p.is_dir()]
        halves.append("staged" if staged else "whole")

    def written() -> int:  # files put anywhere in the folder, staging folders too
        return sum(len(names) for _, _, names in os.walk(out))

    def from_nothing() -> None:
        shutil.rmtree(out, ignore_errors=True)

    command = curator(path, "export")
    killed = kill_repeatedly(
        command, written, _kill_steps(POSTS - 10), after_kill, before_each=from_nothing
    )
    record_property("kills", killed)
    assert killed >= 5 and halves.count("staged") >= 3, f"kills missed: {halves} ({SEED})"
    _export_cleanly(command, out, new)
