"""Benchmark: polling N feeds with Curator against the floor (httpx + feedparser,
no storage) and the reader library, cold / warm with nothing changed / warm with
10% of feeds changed.

    pip install reader sgmllib3k         # bench-only: the reader comparison
    python bench/poll.py                 # 1,000 feeds of ~50 KB
    python bench/poll.py --feeds 300

reader (lemon24/reader) runs `update_feeds(workers=8, scheduled=False)` (through
`update_feeds_iter`, to count the entries); when it is not installed its rows are
left out and the script says so. The script installs nothing itself.

Feeds are generated into a temporary folder and served on 127.0.0.1 by nginx when
it is on PATH (it answers with ETag and 304 like real servers, and costs little
CPU), else by a threaded Python server in its own process (the table says which).
Each (tool, scenario) runs in a fresh process so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

SCENARIOS = ("cold", "warm-unchanged", "warm-10%-changed")
TOOLS = ("curator", "curator-1proc", "floor", "reader")  # curator-1proc: parse_processes = 0
READER_WORKERS = 8
CONCURRENCY = 10
_VOCABULARY = """recovery treatment naloxone overdose fentanyl buprenorphine methadone families
peer support harm reduction clinic study researchers patients counties opioid stimulant alcohol
youth prevention policy medicaid funding community program health data report survey trial
outcomes retention services hospital emergency access care"""
WORDS = _VOCABULARY.split()


def feed_xml(index: int, version: int, rng: random.Random, entries: int = 50) -> bytes:
    """An RSS 2.0 feed of ~50 KB: `entries` items with ~900-byte HTML descriptions."""
    start = datetime(2026, 11, 30, tzinfo=UTC)
    items = []
    for i in range(entries + 2 * version):
        words = " ".join(rng.choice(WORDS) for _ in range(85))
        note = f" (updated v{version})" if version and i < 5 else ""
        revision = version if i < 2 * version else 0
        items.append(
            f"<item><title>{escape(words[:70].title())}</title>"
            f"<link>https://site{index}.example.org/news/{i}-{revision}?utm_source=rss</link>"
            f"<guid isPermaLink='false'>f{index}-e{i}-v{revision}</guid>"
            f"<pubDate>{format_datetime(start - timedelta(hours=i))}</pubDate>"
            f"<description>{escape(f'<p>{words}{note}.</p><p><a href=/x/{i}>More</a></p>')}"
            "</description></item>"
        )
    channel = f"<title>Feed {index}</title><link>https://site{index}.example.org/</link>"
    head = "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
    return (head + channel + "".join(items) + "</channel></rss>").encode()


def generate(root: Path, count: int) -> None:
    feeds = root / "feeds"
    feeds.mkdir(parents=True)
    for i in range(count):
        (feeds / f"{i}.xml").write_bytes(feed_xml(i, 0, random.Random(i)))


def change_ten_percent(root: Path, count: int) -> int:
    """Rewrite every tenth feed: 5 entries changed, 2 new ones."""
    changed = range(0, count, 10)
    for i in changed:
        (root / "feeds" / f"{i}.xml").write_bytes(feed_xml(i, 1, random.Random(i)))
    return len(changed)


# --- serving -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(root: Path, port: int) -> tuple[subprocess.Popen[bytes], str]:
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if nginx:
        conf = root / "nginx.conf"
        user = "user root;" if os.geteuid() == 0 else ""
        conf.write_text(
            f"""{user} worker_processes 1; daemon off; pid {root}/nginx.pid;
error_log {root}/nginx.err warn;
events {{ worker_connections 1024; }}
http {{ access_log off; client_body_temp_path {root}/tmp; proxy_temp_path {root}/tmp;
  fastcgi_temp_path {root}/tmp; uwsgi_temp_path {root}/tmp; scgi_temp_path {root}/tmp;
  types {{ application/rss+xml xml; }}
  server {{ listen 127.0.0.1:{port}; root {root}; etag on; }} }}
"""
        )
        (root / "tmp").mkdir(exist_ok=True)
        server = subprocess.Popen([nginx, "-c", str(conf), "-p", str(root)])
        kind = "nginx"
    else:
        here = str(Path(__file__).parent)
        code = f"import sys; sys.path.insert(0, {here!r}); import poll; "
        code += f"poll.serve_python({str(root)!r}, {port})"
        server = subprocess.Popen([sys.executable, "-c", code])
        kind = "python threaded server (nginx not found)"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return server, kind
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the feed server did not start")


def serve_python(root: str, port: int) -> None:
    """A threaded static server with ETag / If-None-Match, like nginx."""
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=root, **kwargs)  # type: ignore[arg-type]

        def do_GET(self) -> None:
            path = Path(root) / self.path.lstrip("/")
            if not path.is_file():
                self.send_error(404)
                return
            stat = path.stat()
            etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            body = path.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


# --- the contenders (each runs in its own process) ---------------------------------


def run_curator(root: Path, port: int, count: int, processes: int = 2) -> int:
    from curator import config as config_module
    from curator.poll import poll_due
    from curator.poll.sources import sync_config_sources
    from curator.store import Store

    sources = [
        {"url": f"http://127.0.0.1:{port}/feeds/{i}.xml", "name": f"feed {i}"} for i in range(count)
    ]
    config = config_module.from_mapping(
        {
            "curator": {"database": str(root / "curator.db")},
            "poll": {"parse_processes": processes},
            "network": {
                "allow_private_networks": True,
                "max_connections": CONCURRENCY,
                "per_host": CONCURRENCY,
            },
            "sources": sources,
        },
        root=root,
    )
    store = Store.open(config.curator.database)
    now = datetime.now(UTC)
    sync_config_sources(config, store, now)  # as `curator poll` does first
    report = poll_due(config, store, now, everything=True)
    store.close()
    if report.failed:
        raise SystemExit(f"curator: {report.failed} feeds failed: {report.outcomes[0].error}")
    return report.new + report.updated + report.unchanged


def run_floor(root: Path, port: int, count: int) -> int:
    """httpx with the same concurrency, conditional GET, feedparser as it comes."""
    import feedparser
    import httpx

    etag_file = root / "floor-etags.json"
    etags: dict[str, str] = json.loads(etag_file.read_text()) if etag_file.exists() else {}
    parsed = 0

    async def one(client: httpx.AsyncClient, slots: asyncio.Semaphore, url: str) -> None:
        nonlocal parsed
        headers = {"If-None-Match": etags[url]} if url in etags else {}
        async with slots:
            response = await client.get(url, headers=headers)
        if response.status_code == 304:
            return
        response.raise_for_status()
        result = feedparser.parse(response.content, response_headers=dict(response.headers))
        parsed += len(result.entries)
        if "etag" in response.headers:
            etags[url] = response.headers["etag"]

    async def everything() -> None:
        limits = httpx.Limits(max_connections=CONCURRENCY)
        async with httpx.AsyncClient(limits=limits) as client:
            slots = asyncio.Semaphore(CONCURRENCY)
            urls = [f"http://127.0.0.1:{port}/feeds/{i}.xml" for i in range(count)]
            await asyncio.gather(*(one(client, slots, u) for u in urls))

    asyncio.run(everything())
    etag_file.write_text(json.dumps(etags))
    return parsed


def run_reader(root: Path, port: int, count: int) -> int:
    """reader's own poll: requests + feedparser + its SQLite storage."""
    from reader import make_reader

    reader = make_reader(str(root / "reader.sqlite"))
    for i in range(count):
        reader.add_feed(f"http://127.0.0.1:{port}/feeds/{i}.xml", exist_ok=True)
    parsed = 0
    for result in reader.update_feeds_iter(scheduled=False, workers=READER_WORKERS):
        if isinstance(result.value, Exception):
            raise SystemExit(f"reader: {result.url} failed: {result.value}")
        parsed += result.value.total if result.value else 0
    reader.close()
    return parsed


def run_one(tool: str, root: Path, port: int, count: int) -> None:
    started = time.perf_counter()
    if tool == "floor":
        entries = run_floor(root / tool, port, count)
    elif tool == "reader":
        entries = run_reader(root / tool, port, count)
    else:
        entries = run_curator(root / tool, port, count, 0 if tool == "curator-1proc" else 2)
    wall = time.perf_counter() - started
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    print(json.dumps({"wall": wall, "entries": entries, "peak_kb": peak}))


# --- the harness -------------------------------------------------------------------


def measure(tool: str, root: Path, port: int, count: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--run", tool, "--root", str(root), "--port", str(port),
               "--feeds", str(count)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{tool} failed:\n{done.stderr[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--run", choices=TOOLS, help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_one(args.run, args.root, args.port, args.feeds)
        return
    tools: tuple[str, ...] = TOOLS
    if importlib.util.find_spec("reader") is None:
        print("reader is not installed (pip install reader sgmllib3k): its rows are left out")
        tools = tuple(t for t in TOOLS if t != "reader")
    root = Path(tempfile.mkdtemp(prefix="curator-bench-"))
    root.chmod(0o755)
    for tool in tools:
        (root / tool).mkdir()
    generate(root, args.feeds)
    size = sum(p.stat().st_size for p in (root / "feeds").iterdir()) / args.feeds / 1024
    port = free_port()
    server, kind = start_server(root, port)
    print(f"{args.feeds} feeds of ~{size:.0f} KB on 127.0.0.1 ({kind}); {os.cpu_count()} cores")
    rows = []
    try:
        for scenario in SCENARIOS:
            if scenario == "warm-10%-changed":
                change_ten_percent(root, args.feeds)
            for tool in tools:
                result = measure(tool, root, port, args.feeds)
                rows.append((scenario, tool, result))
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)
    print_table(rows, args.feeds)


def print_table(rows: list[tuple[str, str, dict[str, float]]], feeds: int) -> None:
    print("| scenario | tool | wall (s) | feeds/s | entries parsed | entries/s | peak RSS (MB) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for scenario, tool, r in rows:
        print(
            f"| {scenario} | {tool} | {r['wall']:.2f} | {feeds / r['wall']:.0f} "
            f"| {int(r['entries'])} | {r['entries'] / r['wall']:.0f} | {r['peak_kb'] / 1024:.0f} |"
        )


if __name__ == "__main__":
    main()
