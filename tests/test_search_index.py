"""The search index does not hold up an editor: a publish writes the post's page at
once and leaves a big index to the next export (the previous one serves meanwhile); a
killed indexing run leaves the previous index in place."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import lxml.html
from export_helpers import add_post

from curator.config import Config
from curator.jobs import service_jobs
from curator.site.run import export_site
from curator.site.search import BUNDLE, SearchIndex
from curator.store import Store
from curator.store.times import to_db


def indexed_pages(out: Path) -> int:
    """How many pages the index says it holds (Pagefind's own count)."""
    entry = (out / BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8")
    return int(entry.split('"page_count":')[1].split(",")[0].split("}")[0])


def bundle(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in (out / BUNDLE).rglob("*")
            if p.is_file()}  # fmt: skip


def listed(out: Path) -> list[str]:
    """The titles search.html lists without JavaScript."""
    page = lxml.html.parse(str(out / "search.html")).getroot()
    return [a.text for a in page.xpath("//ol[@class='every-post']//a")]


def test_a_publish_writes_the_page_at_once_and_the_next_export_catches_the_index_up(
    config: Config, store: Store, now: datetime
):
    out = Path(config.export.out_dir)
    for n in range(3):
        add_post(store, f"Older post {n}")
    assert export_site(config, store, now).search is SearchIndex.MADE
    before = bundle(out)
    add_post(store, "Naloxone vending machines open", slug="vending")
    report = export_site(config, store, now, index_search=False)
    assert report.search is SearchIndex.STALE
    assert "Naloxone vending machines open" in (out / "posts" / "vending.html").read_text()
    assert listed(out)[0] == "Naloxone vending machines open"  # the list is current
    assert bundle(out) == before and indexed_pages(out) == 3  # the old index still serves
    again = export_site(config, store, now, index_search=False)
    assert again.written == () and again.search is SearchIndex.STALE  # still marked stale
    assert export_site(config, store, now).search is SearchIndex.MADE
    assert indexed_pages(out) == 4
    assert export_site(config, store, now).search is SearchIndex.CURRENT


def test_the_service_export_job_catches_the_index_up(config: Config, store: Store, now: datetime):
    out = Path(config.export.out_dir)
    add_post(store, "First")
    export_site(config, store, now)
    add_post(store, "Second")
    export_site(config, store, now, index_search=False)
    (job,) = [job for job in service_jobs(config) if job.name == "export"]
    assert job.run(now, lambda: False).endswith("search index made")
    assert indexed_pages(out) == 2


def test_a_site_without_an_index_yet_is_indexed_at_once(
    config: Config, store: Store, now: datetime
):
    add_post(store, "The first post")
    report = export_site(config, store, now, index_search=False)
    assert report.search is SearchIndex.MADE  # search.html loads Pagefind's script
    assert indexed_pages(Path(config.export.out_dir)) == 1


def test_a_retraction_leaves_no_index_when_no_post_is_live(
    config: Config, store: Store, now: datetime
):
    post = add_post(store, "Soon retracted")
    export_site(config, store, now)
    store.db["posts"].update(post, {"retracted_at": to_db(now)})
    assert export_site(config, store, now).search is SearchIndex.NONE
    assert not (Path(config.export.out_dir) / BUNDLE).exists()


KILLED_EXPORT = """
import sys
from datetime import UTC, datetime
from curator import config as config_module
from curator.site.run import export_site
from curator.store import Store
config = config_module.from_mapping(
    {"curator": {"database": sys.argv[1]}, "export": {"out_dir": sys.argv[2]}}
)
export_site(config, Store.open(config.curator.database), datetime.now(UTC))
"""


def test_a_killed_indexing_run_leaves_the_previous_index_in_place(
    config: Config, store: Store, now: datetime
):
    out = Path(config.export.out_dir)
    for n in range(3):
        add_post(store, f"Post {n}")
    export_site(config, store, now)
    before = bundle(out)
    add_post(store, "One more")
    export_site(config, store, now, index_search=False)
    victim = subprocess.Popen(
        [sys.executable, "-c", KILLED_EXPORT, str(config.curator.database), str(out)],
        start_new_session=True,
    )
    _wait_for_a_child(victim.pid)  # Pagefind (through its launcher) has started
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    assert bundle(out) == before and indexed_pages(out) == 3
    assert listed(out)[0] == "One more"
    assert export_site(config, store, now).search is SearchIndex.MADE
    assert indexed_pages(out) == 4
    assert not list(out.glob(f".{BUNDLE}-*"))  # what the killed run left is gone


def _wait_for_a_child(pid: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                return
        time.sleep(0.001)
    os.kill(pid, signal.SIGKILL)
    raise AssertionError("the export never started Pagefind")
