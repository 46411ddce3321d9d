"""Benchmark: polling N feeds with Curator against two floors (httpx + feedparser and
httpx + fastfeedparser, no storage) and the reader library: cold, warm with nothing
changed, warm with 10% of the feeds changed.

    pip install -r bench/requirements.txt   # bench-only: reader, fastfeedparser, psutil
    python bench/poll.py                    # 1,000 feeds, 3 reps
    python bench/poll.py --feeds 300 --reps 1 --tools curator,floor
    python bench/poll.py --baseline /tmp/old   # + "curator@base": the curator package of
                                               # an older checkout (git archive), same run

Tools run interleaved rep by rep (each rep: every tool cold, then every tool warm,
then 10% changed and every tool again; the tools' order turns from rep to rep), each
(tool, scenario) in a fresh process. CPU is that process's and all its descendants'
(a parse pool, its forkserver), user + system, read from the harness's
RUSAGE_CHILDREN (the harness is a subreaper, so orphans count too); memory is the
whole tree's RSS and PSS summed, sampled every 50 ms, and its peak.

The farm: half RSS 2.0 with `content:encoded`, half Atom 1.0, 10-50 entries each,
1-3 KB HTML bodies, a summary, categories, an enclosure on about a third. Feeds are
served on 127.0.0.1 by nginx when it is on PATH (ETag and 304 like real servers),
else by a threaded Python server in its own process (the output says which).
A tool whose package is missing is left out, and the script says so.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import importlib.util
import json
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

SCENARIOS = ("cold", "warm-unchanged", "warm-10%-changed")
# curator-1proc: parse_processes = 0; floor: httpx + feedparser; ffp-floor: + fastfeedparser
TOOLS = ("curator", "curator-1proc", "floor", "ffp-floor", "reader")
NEEDS = {"reader": "reader", "ffp-floor": "fastfeedparser"}
READER_WORKERS = 8
CONCURRENCY = 10
SAMPLE_EVERY = 0.05  # seconds between memory samples of a tool's process tree
_VOCABULARY = """recovery treatment naloxone overdose fentanyl buprenorphine methadone families
peer support harm reduction clinic study researchers patients counties opioid stimulant alcohol
youth prevention policy medicaid funding community program health data report survey trial
outcomes retention services hospital emergency access care"""
WORDS = _VOCABULARY.split()
START = datetime(2026, 11, 30, tzinfo=UTC)


# --- the farm ------------------------------------------------------------------------


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _body_html(rng: random.Random, i: int, note: str) -> str:
    """1-3 KB of article HTML: paragraphs, a link, sometimes a list or an image."""
    parts = [f"<p>{_words(rng, rng.randint(40, 75))}{note}.</p>" for _ in range(rng.randint(2, 5))]
    parts.insert(1, f'<p>See <a href="/news/related-{i}">the study</a> and <em>more</em>.</p>')
    if rng.random() < 0.3:
        parts.append("<ul>" + "".join(f"<li>{_words(rng, 6)}</li>" for _ in range(3)) + "</ul>")
    if rng.random() < 0.3:
        parts.append(f'<img src="/img/{i}.jpg" alt="{_words(rng, 3)}">')
    return "".join(parts)


def _entries(index: int, version: int) -> list[dict[str, Any]]:
    """10-50 entries, each drawn from its own seed; `version` > 0 changes the first 5
    and adds 2 new ones at the top (the rest stay byte for byte as they were)."""
    entries = []
    count = random.Random(index).randint(10, 50)
    for i in range(-2 * version, count):
        rng = random.Random(f"{index}-{i}")
        note = f" (updated v{version})" if version and i < 5 else ""
        entry = {
            "n": str(i),
            "title": _words(rng, rng.randint(6, 12)).title(),
            "link": f"https://site{index}.example.org/news/{i}?utm_source=rss",
            "when": START - timedelta(hours=i),
            "summary": f"{_words(rng, 30)}{note}.",
            "body": _body_html(rng, i, note),
            "tags": [rng.choice(WORDS) for _ in range(rng.randint(1, 3))],
            "enclosure": rng.random() < 0.33,
        }
        entries.append(entry)
    return entries


def rss_feed(index: int, version: int) -> str:
    items = []
    for e in _entries(index, version):
        enclosure = (
            f'<enclosure url="https://cdn{index}.example.org/a/{e["n"]}.mp3" length="123456" '
            'type="audio/mpeg"/>'
            if e["enclosure"]
            else ""
        )
        items.append(
            f"<item><title>{escape(e['title'])}</title><link>{escape(e['link'])}</link>"
            f"<guid isPermaLink='false'>f{index}-e{e['n']}</guid>"
            f"<pubDate>{format_datetime(e['when'])}</pubDate>"
            f"<dc:creator>Reporter {e['n']}</dc:creator>"
            + "".join(f"<category>{t}</category>" for t in e["tags"])
            + f"<description>{escape(e['summary'])}</description>"
            f"<content:encoded><![CDATA[{e['body']}]]></content:encoded>{enclosure}</item>"
        )
    head = (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0' "
        "xmlns:content='http://purl.org/rss/1.0/modules/content/' "
        "xmlns:dc='http://purl.org/dc/elements/1.1/'><channel>"
        f"<title>Feed {index}</title><link>https://site{index}.example.org/</link>"
        f"<description>News {index}</description>"
    )
    return head + "".join(items) + "</channel></rss>"


def atom_feed(index: int, version: int) -> str:
    items = []
    for e in _entries(index, version):
        enclosure = (
            f'<link rel="enclosure" href="https://cdn{index}.example.org/i/{e["n"]}.jpg" '
            'type="image/jpeg" length="45678"/>'
            if e["enclosure"]
            else ""
        )
        stamp = e["when"].isoformat().replace("+00:00", "Z")
        items.append(
            f"<entry><title>{escape(e['title'])}</title>"
            f'<link rel="alternate" href="{escape(e["link"])}"/>{enclosure}'
            f"<id>tag:site{index}.example.org,2026:{e['n']}</id>"
            f"<published>{stamp}</published><updated>{stamp}</updated>"
            f"<author><name>Reporter {e['n']}</name></author>"
            + "".join(f'<category term="{t}"/>' for t in e["tags"])
            + f"<summary>{escape(e['summary'])}</summary>"
            f'<content type="html">{escape(e["body"])}</content></entry>'
        )
    head = (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        f"<title>Feed {index}</title><link href='https://site{index}.example.org/'/>"
        f"<id>tag:site{index}.example.org,2026:feed</id><updated>2026-11-30T00:00:00Z</updated>"
    )
    return head + "".join(items) + "</feed>"


def feed_xml(index: int, version: int) -> bytes:
    """Feed `index`: RSS when even, Atom when odd; the same feed for the same version."""
    make = rss_feed if index % 2 == 0 else atom_feed
    return make(index, version).encode()


def generate(root: Path, count: int) -> None:
    feeds = root / "feeds"
    feeds.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (feeds / f"{i}.xml").write_bytes(feed_xml(i, 0))


def change_ten_percent(root: Path, count: int) -> int:
    """Rewrite every tenth feed: 5 entries changed, 2 new ones."""
    changed = range(0, count, 10)
    for i in changed:
        (root / "feeds" / f"{i}.xml").write_bytes(feed_xml(i, 1))
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


def run_floor(root: Path, port: int, count: int, parser: str) -> int:
    """httpx with the same concurrency, conditional GET, and a parser as it comes
    (feedparser, or fastfeedparser); no storage."""
    import httpx

    parse = _floor_parser(parser)
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
        parsed += parse(response)
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


def _floor_parser(name: str) -> Any:
    """A function: httpx response -> entries parsed."""
    if name == "fastfeedparser":
        import fastfeedparser

        return lambda response: len(fastfeedparser.parse(response.content).entries)
    import feedparser

    def parse(response: Any) -> int:
        result = feedparser.parse(response.content, response_headers=dict(response.headers))
        return len(result.entries)

    return parse


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
    """`tool` polls the feeds once, in `root` (its own folder)."""
    started = time.perf_counter()
    if tool in ("floor", "ffp-floor"):
        parser = "fastfeedparser" if tool == "ffp-floor" else "feedparser"
        entries = run_floor(root, port, count, parser)
    elif tool == "reader":
        entries = run_reader(root, port, count)
    else:
        entries = run_curator(root, port, count, 0 if tool == "curator-1proc" else 2)
    wall = time.perf_counter() - started
    main_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"wall": wall, "entries": entries, "main_peak_kb": main_peak}))


# --- the harness -------------------------------------------------------------------


def become_subreaper() -> None:
    """Orphaned descendants (a pool worker outliving its forkserver) come back to us,
    so that their CPU time is counted when they are reaped."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def reap_orphans(pids: set[int], timeout: float = 20.0) -> None:
    """Wait until every descendant seen (`pids`) is gone, reaping those that came back
    to us, so that all their time is in RUSAGE_CHILDREN before it is read (a pool's
    workers may outlive the tool's main process by a moment)."""
    import psutil

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0] > 0:  # the feed server stays: WNOHANG
                pass
        if not any(psutil.pid_exists(pid) and _alive(pid) for pid in pids):
            return
        time.sleep(0.02)


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


class TreeMemory:
    """Samples a process and its descendants: the peak of their summed RSS and PSS."""

    def __init__(self, pid: int) -> None:
        import psutil

        self._root = psutil.Process(pid)
        self._error = psutil.Error
        self.peak_rss = self.peak_pss = 0
        self.processes = 1
        self.seen: set[int] = {pid}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._done.wait(SAMPLE_EVERY):
            try:
                tree = [self._root, *self._root.children(recursive=True)]
            except self._error:
                return
            rss = pss = 0
            for process in tree:
                try:
                    info = process.memory_full_info()
                except self._error:  # it just ended
                    continue
                rss, pss = rss + info.rss, pss + getattr(info, "pss", info.rss)
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self.processes = max(self.processes, len(tree))
            self.seen.update(process.pid for process in tree)


def measure(
    tool: str, root: Path, port: int, count: int, baseline: Path | None = None
) -> dict[str, float]:
    """One (tool, scenario) in a fresh process: its wall and entries, the CPU of its
    whole tree, and the tree's peak memory. A tool ending in "@base" runs the curator
    package found in `baseline`."""
    name, _, base = tool.partition("@")
    command = [sys.executable, __file__, "--run", name, "--root", str(root), "--port", str(port),
               "--feeds", str(count), "--folder", tool]  # fmt: skip
    env = dict(os.environ)
    if base and baseline is not None:
        env["PYTHONPATH"] = str(baseline)  # ahead of the installed (editable) curator
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    memory = TreeMemory(child.pid)
    out, err = child.communicate()
    memory.stop()
    reap_orphans(memory.seen - {child.pid})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if child.returncode != 0:
        raise SystemExit(f"{tool} failed:\n{err[-2000:]}")
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    result["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result["rss_mb"], result["pss_mb"] = memory.peak_rss / 2**20, memory.peak_pss / 2**20
    result["processes"] = memory.processes
    return result


def available_tools(wanted: tuple[str, ...]) -> tuple[str, ...]:
    """The tools asked for whose packages are installed (saying which are not)."""
    missing = [t for t in wanted if t in NEEDS and importlib.util.find_spec(NEEDS[t]) is None]
    for tool in missing:
        print(f"{NEEDS[tool]} is not installed (pip install -r bench/requirements.txt): "
              f"the {tool} rows are left out")  # fmt: skip
    return tuple(t for t in wanted if t not in missing)


def one_rep(
    root: Path, port: int, count: int, tools: tuple[str, ...], baseline: Path | None
) -> list[Row]:
    """Every tool through the three scenarios, from fresh databases and feeds; each
    measurement printed as a JSON line as it comes (a long run keeps what it did)."""
    for tool in tools:
        shutil.rmtree(root / tool, ignore_errors=True)
        (root / tool).mkdir()
    generate(root, count)
    rows = []
    for scenario in SCENARIOS:
        if scenario == "warm-10%-changed":
            change_ten_percent(root, count)
        for tool in tools:
            result = measure(tool, root, port, count, baseline)
            print(json.dumps({"scenario": scenario, "tool": tool, **result}), flush=True)
            rows.append((scenario, tool, result))
    return rows


Row = tuple[str, str, dict[str, float]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated")
    parser.add_argument("--baseline", type=Path, help="a checkout to run as curator@base")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_one(args.run, args.root / args.folder, args.port, args.feeds)
        return
    if importlib.util.find_spec("psutil") is None:
        raise SystemExit("psutil is not installed (pip install -r bench/requirements.txt)")
    tools = available_tools(tuple(args.tools.split(",")))
    if args.baseline is not None:
        tools += ("curator@base",)
    become_subreaper()
    root = Path(tempfile.mkdtemp(prefix="curator-bench-"))
    root.chmod(0o755)
    generate(root, args.feeds)
    size = sum(p.stat().st_size for p in (root / "feeds").iterdir()) / args.feeds / 1024
    port = free_port()
    server, kind = start_server(root, port)
    print(f"{args.feeds} feeds of ~{size:.0f} KB on 127.0.0.1 ({kind}); {os.cpu_count()} cores; "
          f"load {os.getloadavg()[0]:.1f} at the start")  # fmt: skip
    rows: list[Row] = []
    try:
        for rep in range(args.reps):
            turned = tools[rep % len(tools) :] + tools[: rep % len(tools)]
            rows += one_rep(root, port, args.feeds, turned, args.baseline)
            print(f"rep {rep + 1} done, load {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)
    print_tables(rows, tools)


def print_tables(rows: list[Row], tools: tuple[str, ...]) -> None:
    """Min / median / max wall, min / median CPU, peak memory (max over reps)."""
    print("\n| scenario | tool | wall s min / med / max | CPU s min / med | entries "
          "| CPU ms / 1k entries | tree peak RSS / PSS MB | procs | main RSS MB |")  # fmt: skip
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|")
    medians: dict[tuple[str, str], dict[str, float]] = {}
    for scenario in SCENARIOS:
        for tool in tools:
            got = [r for s, t, r in rows if (s, t) == (scenario, tool)]
            walls, cpus = sorted(r["wall"] for r in got), sorted(r["cpu"] for r in got)
            entries = got[0]["entries"]
            med = {"wall": statistics.median(walls), "cpu": statistics.median(cpus)}
            medians[scenario, tool] = med
            per_k = f"{1e6 * med['cpu'] / entries:.0f}" if entries else "-"
            print(
                f"| {scenario} | {tool} | {walls[0]:.2f} / {med['wall']:.2f} / {walls[-1]:.2f} "
                f"| {cpus[0]:.2f} / {med['cpu']:.2f} | {int(entries)} | {per_k} "
                f"| {max(r['rss_mb'] for r in got):.0f} / {max(r['pss_mb'] for r in got):.0f} "
                f"| {max(r['processes'] for r in got):.0f} "
                f"| {max(r['main_peak_kb'] for r in got) / 1024:.0f} |"
            )
    print_ratios(medians, tools)


def print_ratios(medians: dict[tuple[str, str], dict[str, float]], tools: tuple[str, ...]) -> None:
    """Each tool's medians against the floor's CPU and reader's wall (the issue's goals)."""
    if "floor" not in tools or "reader" not in tools:
        return
    print("\n| scenario | tool | CPU / floor's | wall / reader's |\n|---|---|--:|--:|")
    for scenario in SCENARIOS:
        floor, reader = medians[scenario, "floor"], medians[scenario, "reader"]
        for tool in tools:
            med = medians[scenario, tool]
            print(f"| {scenario} | {tool} | {med['cpu'] / floor['cpu']:.2f} "
                  f"| {med['wall'] / reader['wall']:.2f} |")  # fmt: skip


if __name__ == "__main__":
    main()
