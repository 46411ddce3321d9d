"""Soak: weeks of the service, simulated with a fake clock, against feeds on 127.0.0.1.

    python bench/soak.py                  # 2,000 sources, 30 days (takes a while)
    python bench/soak.py --quick          # 100 sources, 4 days, twice (< 2 minutes)
    python bench/soak.py --json out.json  # also write the figures for bench/reliability.py
    python bench/soak.py --keep DIR       # resumable: run again to go on where it stopped

Every simulated tick calls what the service's jobs call (poll_due, process_pending
and the retention after it, export_site), and a few times a day an editor drafts and
publishes the best new item (save_draft, publish_item). The sources mix fast-changing,
daily, quiet, failing, flapping and slow feeds, all served with ETags by a threaded
server in its own process. The table shows memory and database size per simulated
day (the file after a WAL checkpoint; "free MB" is space retention freed inside it,
which new rows reuse); the retention setting's effect is shown by a second run with
it off (--compare). The article pages hold ~5.5 KB of text, the short
end of real news pages (5-20 KB).
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:  # for the annotations; `simulate` imports curator where it runs
    from curator.config import Config
    from curator.store import Store

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 1, 5, tzinfo=UTC)
TICK = timedelta(minutes=10)  # the service ticks every minute; nothing is due in between
PUBLISH_HOURS = (9, 13, 17)
# source kind by n % 20: (name, hours between new entries or None, poll interval)
KINDS = (
    [("daily", 24, "3h")] * 9
    + [("busy", 8, "1h")] * 4
    + [("quiet", 72, "6h")] * 2
    + [("failing", None, "2h"), ("flapping", 24, "2h"), ("slow", 24, "3h")]
    + [("daily", 24, "3h")] * 2
)
ON_TOPIC = "naloxone overdose fentanyl treatment recovery families methadone harm reduction"
OFF_TOPIC = "football weather stocks election traffic concert recipe gardening fashion"
HEADER = "| day | RSS MB | peak MB | DB MB | entries | items | posts | polls | dropped | free MB |"
NEUTRAL = ["county", "study", "report", "program", "data", "city", "officials", "week", "said"]
# Each story's own particulars (names, places, figures), drawn as real text draws its words:
# a few common, most rare. Without them every page told one story, and clustering by the
# articles' words joined them all.
PARTICULARS = [f"w{n}" for n in range(20_000)]
ZIPF = list(itertools.accumulate(1 / (n + 1) for n in range(len(PARTICULARS))))


# --- the feed server (its own process) ------------------------------------------------


def _entry(n: int, k: int, period: int) -> str:
    rng = random.Random(n * 100_003 + k)
    vocabulary = (ON_TOPIC if rng.random() < 0.4 else OFF_TOPIC).split()
    own = rng.choices(PARTICULARS, cum_weights=ZIPF, k=40)
    title = " ".join(rng.sample(vocabulary, 4) + rng.sample(NEUTRAL, 3) + own[:3]).capitalize()
    words = " ".join(rng.choices(vocabulary + NEUTRAL + own, k=60))
    moment = START + timedelta(hours=k * period - n % period)
    return (
        f"<item><title>{escape(f'{title} ({n}-{k})')}</title><guid>s{n}-e{k}</guid>"
        f"<link>/page/{n}/{k}</link><pubDate>{format_datetime(moment)}</pubDate>"
        f"<description>{escape(f'<p>{words}.</p>')}</description></item>"
    )


def _page(n: int, k: int) -> bytes:
    rng = random.Random(n * 100_003 + k)
    vocabulary = (ON_TOPIC if rng.random() < 0.4 else OFF_TOPIC).split()
    words = vocabulary + NEUTRAL + rng.choices(PARTICULARS, cum_weights=ZIPF, k=40)

    def sentence() -> str:
        return " ".join(rng.choices(words, k=rng.randint(10, 30))).capitalize() + "."

    # ~5.5 KB of text in sentences of 10-30 words: the short end of a real news article.
    paragraphs = "".join(f"<p>{' '.join(sentence() for _ in range(4))}</p>" for _ in range(10))
    page = f"<html><body><article><h1>Story {n}-{k}</h1>{paragraphs}</article></body></html>"
    return page.encode()


def serve(port: int, hour: Synchronized) -> None:
    """/feed/<n>: the feed of source n at the simulated `hour`; /page/<n>/<k>: a page."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = self.path.strip("/").split("/")
            if parts[0] == "page" and len(parts) == 3:
                return self._send(200, _page(int(parts[1]), int(parts[2])), "text/html")
            if parts[0] != "feed" or len(parts) != 2:
                return self._send(404, b"not found", "text/plain")
            n, now = int(parts[1]), int(hour.value)
            kind, period, _ = KINDS[n % len(KINDS)]
            if kind == "failing" or (kind == "flapping" and (now // 24 + n) % 3 == 0):
                return self._send(500, b"upstream error", "text/plain")
            if kind == "slow":
                time.sleep(0.3)
            assert period is not None
            latest = (now + n) // period
            etag = f'"{n}-{latest}"'
            if self.headers.get("If-None-Match") == etag:
                return self._send(304, b"", None, etag)
            oldest = max(n // period - 1, latest - 9)  # a short backlog at the start
            items = "".join(_entry(n, k, period) for k in range(latest, oldest - 1, -1))
            body = f"<rss version='2.0'><channel><title>Feed {n}</title>{items}</channel></rss>"
            return self._send(200, body.encode(), "application/rss+xml", etag)

        def _send(self, status: int, body: bytes, kind: str | None, etag: str = "") -> None:
            self.send_response(status)
            if kind:
                self.send_header("Content-Type", kind)
            if etag:
                self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            try:
                self.end_headers()
                self.wfile.write(body)
            except ConnectionError:
                pass  # the client gave up (its deadline passed): its poll records that

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256  # the default 5 drops SYNs under load: 1 s retransmits

    Server(("127.0.0.1", port), Handler).serve_forever()


# --- the simulated service ------------------------------------------------------------


@dataclass
class Day:
    day: int
    rss_mb: float
    peak_mb: float
    db_mb: float
    entries: int
    items: int
    posts: int
    polls: int
    dropped: int
    free_mb: float


@dataclass
class Totals:
    polls: int = 0
    failed_polls: int = 0
    poll_seconds: float = 0.0
    extracted: int = 0
    extract_seconds: float = 0.0
    published: int = 0
    exports: int = 0
    dropped_articles: int = 0
    days: list[Day] = field(default_factory=list)
    resumed_at: list[int] = field(default_factory=list)  # days after which a run resumed


STATE = "soak-state.json"


def _save_state(folder: Path, now: datetime, totals: Totals, port: int, run: str) -> None:
    """What a later run with the same --keep folder needs to go on from `now`. A run
    killed during a day goes on from the day's start: the database keeps what that
    part-day did, so its polls see fewer changes and it may publish once more."""
    state = {"now": now.isoformat(), "port": port, "run": run, "totals": asdict(totals)}
    (folder / f"{STATE}.new").write_text(json.dumps(state), encoding="utf-8")
    (folder / f"{STATE}.new").replace(folder / STATE)


def _load_state(folder: Path, run: str) -> tuple[datetime, Totals] | None:
    try:
        state = json.loads((folder / STATE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        if (folder / "curator.db").exists():
            problem = "a database but no saved state (killed before its first day ended?)"
            raise SystemExit(f"{folder}: {problem}; remove the folder to start again") from None
        return None
    if state.get("run", run) != run:  # ("run" is missing in states saved on 2026-12-03)
        raise SystemExit(f"{folder} holds a run of {state['run']}, not {run}")
    raw = state["totals"]
    days = [Day(**day) for day in raw.pop("days")]
    totals = Totals(**raw, days=days)
    totals.resumed_at.append(len(days))
    return datetime.fromisoformat(state["now"]), totals


def saved_port(folder: Path | None) -> int | None:
    """The feed server's port of the run kept in `folder` (its sources' URLs hold it)."""
    if folder is None or not (folder / STATE).exists():
        return None
    return int(json.loads((folder / STATE).read_text(encoding="utf-8"))["port"])


def simulate(folder: Path, sources: int, days: int, retention: str | None, port: int,
             hour: Synchronized) -> Totals:  # fmt: skip
    from curator import config as config_module
    from curator.poll import poll_due
    from curator.screen.retention import drop_old_screened_text
    from curator.screen.run import process_pending
    from curator.screen.window import StoryWindow
    from curator.site.run import export_site
    from curator.store import Store

    base = config_module.load(ROOT / "config.toml")
    config = replace(base, sources=()).with_values(
        curator__database=folder / "curator.db",
        network__allow_private_networks=True,
        network__per_host=10,  # every source is on 127.0.0.1; real ones are on many hosts
        export__out_dir=folder / "export",
        retention__filtered_text_after=retention or "3650d",  # the longest there is
    )
    described = f"{sources} sources, retention {retention or 'off'}"
    saved = _load_state(folder, described)
    store = Store.open(config.curator.database)
    if saved:
        now, totals = saved
        print(f"# resumed at day {len(totals.days)}", file=sys.stderr)
    else:
        for n in range(sources):
            interval = config_module.parse_duration(KINDS[n % len(KINDS)][2])
            url = f"http://127.0.0.1:{port}/feed/{n}"
            store.sources.add(url, name=f"feed {n}", now=START, interval=interval)
        now, totals = START, Totals()
    polls_today = 0
    window = StoryWindow()  # as the service keeps one
    while now < START + timedelta(days=days):
        hour.value = int((now - START) / timedelta(hours=1))
        started = time.perf_counter()
        report = poll_due(config, store, now)
        totals.poll_seconds += time.perf_counter() - started
        totals.polls += len(report.outcomes)
        totals.failed_polls += report.failed
        polls_today += len(report.outcomes)
        started = time.perf_counter()
        for _ in range(5):  # the extraction job runs every 2 minutes
            done = process_pending(config, store, now, window=window)
            totals.extracted += done.examined
            if done.examined < config.extract.batch:
                break
        totals.dropped_articles += drop_old_screened_text(config, store, now).articles
        totals.extract_seconds += time.perf_counter() - started
        if now.minute == 0 and now.hour in PUBLISH_HOURS:
            totals.published += _publish_best(config, store, now)
        if now.minute == 0:
            export_site(config, store, now)
            totals.exports += 1
        now += TICK
        if (now - START) % timedelta(days=1) == timedelta(0):
            totals.days.append(_day(store, now, polls_today, totals.dropped_articles))
            polls_today = 0
            print(_row(totals.days[-1]), file=sys.stderr, flush=True)
            _save_state(folder, now, totals, port, described)
    store.close()
    return totals


def _publish_best(config: Config, store: Store, now: datetime) -> int:
    from curator.desk.actions import save_draft
    from curator.desk.publish import publish_item
    from curator.models import ItemState

    best = store.items.ranked((ItemState.NEW,), 1)
    if not best:
        return 0
    item = best[0]
    body = f"What this means for families: {item.summary}\n\nRead the full report."
    save_draft(store, config, item.id, "ana", now, title=item.title, tags=("news",), body=body)
    publish_item(store, config, item.id, "ana", now, allow_terms=True)
    return 1


def _day(store: Store, now: datetime, polls: int, dropped: int) -> Day:
    def count(table: str) -> int:
        return int(store.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    # The file as a copy or backup would be: the WAL (reused, up to ~4 MB) folded in.
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = store.path.stat().st_size
    free = store.db.execute("PRAGMA freelist_count").fetchone()[0]
    page = store.db.execute("PRAGMA page_size").fetchone()[0]
    return Day(
        day=(now - START).days,
        rss_mb=_rss_mb(),
        peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        db_mb=size / 2**20,
        entries=count("entries"),
        items=count("items"),
        posts=count("posts"),
        polls=polls,
        dropped=dropped,
        free_mb=free * page / 2**20,
    )


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _row(d: Day) -> str:
    return (
        f"| {d.day} | {d.rss_mb:.0f} | {d.peak_mb:.0f} | {d.db_mb:.1f} | {d.entries:,} | "
        f"{d.items:,} | {d.posts} | {d.polls:,} | {d.dropped:,} | {d.free_mb:.1f} |"
    )


# --- running and reporting --------------------------------------------------------------


def run(
    sources: int, days: int, retention: str | None, keep: Path | None = None
) -> tuple[Totals, float]:
    """One simulation with its own feed server, in a fresh folder or in `keep` (where
    an earlier run left off, if it did); (totals, wall s)."""
    import socket

    port = saved_port(keep)
    if port is None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
    context = multiprocessing.get_context("spawn")
    hour = context.Value("i", 0)
    server = context.Process(target=serve, args=(port, hour), daemon=True)
    server.start()
    _wait_for(port)
    print(f"# {sources} sources, {days} days, retention {retention or 'off'}", file=sys.stderr)
    print(HEADER, file=sys.stderr)
    started = time.perf_counter()
    try:
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            totals = simulate(keep, sources, days, retention, port, hour)
        else:
            with tempfile.TemporaryDirectory(prefix="curator-soak-") as folder:
                totals = simulate(Path(folder), sources, days, retention, port, hour)
    finally:
        server.terminate()
        server.join()
    return totals, time.perf_counter() - started


def _wait_for(port: int) -> None:
    import socket

    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the feed server did not start")


def summary(totals: Totals, wall: float, baseline: Totals | None) -> dict[str, object]:
    days = totals.days
    last, second = days[-1], days[min(1, len(days) - 1)]
    per_100k = last.db_mb / max(1, last.entries) * 100_000
    result: dict[str, object] = {
        "days": len(days),
        "sources": None,
        "polls": totals.polls,
        "failed_polls": totals.failed_polls,
        "polls_per_hour": round(totals.polls / max(totals.poll_seconds, 1e-9) * 3600),
        "extracted": totals.extracted,
        "extracted_per_hour": round(totals.extracted / max(totals.extract_seconds, 1e-9) * 3600),
        "published": totals.published,
        "exports": totals.exports,
        "entries": last.entries,
        "db_mb": round(last.db_mb, 1),
        "db_mb_per_100k_entries": round(per_100k, 1),
        "rss_mb_day2": round(second.rss_mb, 1),
        "rss_mb_last": round(last.rss_mb, 1),
        "peak_mb": round(last.peak_mb, 1),
        "memory_flat": last.rss_mb <= second.rss_mb * 1.25 + 10,
        "dropped_articles": totals.dropped_articles,
        "wall_seconds": round(wall),
        "resumed_after_days": ", ".join(map(str, totals.resumed_at)) or "never",
    }
    if baseline is not None:
        result["db_mb_without_retention"] = round(baseline.days[-1].db_mb, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 sources, 4 days, compared")
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--retention", default="7d", help="retention.filtered_text_after")
    parser.add_argument("--compare", action="store_true", help="a second run, retention off")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it; run "
                        "again with the same folder to go on where it stopped")  # fmt: skip
    args = parser.parse_args()
    if args.quick:
        args.sources, args.days, args.retention, args.compare = 100, 4, "1d", True
    totals, wall = run(args.sources, args.days, args.retention, args.keep)
    baseline = run(args.sources, args.days, None)[0] if args.compare else None
    figures = summary(totals, wall, baseline)
    figures["sources"] = args.sources
    figures["retention"] = args.retention
    print(_markdown(totals, figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


def _markdown(totals: Totals, f: dict[str, object]) -> str:
    lines = [
        f"Soak: {f['sources']} sources, {f['days']} simulated days, "
        f"retention.filtered_text_after = {f['retention']} ({f['wall_seconds']} s wall)\n",
        HEADER,
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(_row(d) for d in totals.days),
        "",
        "| figure | value |",
        "|---|---:|",
        *(f"| {key.replace('_', ' ')} | {value} |" for key, value in f.items()),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
