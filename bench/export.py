"""Export speed: 10,000 posts in a temporary database.

    python bench/export.py [--posts N] [--dir FOLDER]

Measures the first export of a database of posts never exported (the related posts
of all 10,000 are chosen), an export with no change (must write nothing), a cold
export (an empty folder, e.g. a new out_dir; related posts were chosen, as each
post's are at its first export), then as `curator publish` exports (the search index
left stale): one post edited, one new post, and the export that catches the index
up (the service's, or `curator export`), and last one new post indexed at once, as
every export did before; prints a table. Goal: cold < 5 s, a publish's export a few
seconds, on 2 cores. The "(disk only)" row, just before the cold one, writes as many
files of the same sizes in a plain loop: the part of a cold export that is the
machine's; "(Pagefind alone)" indexes the 10,000 post pages and nothing else.
The text is synthetic but shaped like news: topic words plus a Zipf-distributed
common vocabulary, 1-3 tags from 30, a lead image on half the posts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from curator import config as config_module
from curator.site.run import export_site
from curator.site.search import index_posts
from curator.store import Store
from curator.store.times import to_db

START = datetime(2025, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def words(rng: random.Random, count: int, length: tuple[int, int] = (4, 10)) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choices(letters, k=rng.randint(*length))) for _ in range(count)]


def generate(store: Store, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    common = words(rng, 3000)
    weights = [1 / (rank + 1) for rank in range(len(common))]
    topics = [words(rng, 40) for _ in range(200)]
    tags = [f"tag {n}" for n in range(30)]
    items, posts = [], []
    for n in range(1, count + 1):
        topic = topics[rng.randrange(len(topics))]
        published = START + timedelta(minutes=90 * n)

        def sentence(k: int, topic: list[str] = topic) -> str:
            chosen = rng.choices(common, weights, k=k) + rng.sample(topic, 3)
            rng.shuffle(chosen)
            return " ".join(chosen).capitalize() + "."

        title = sentence(5)[:-1]
        paragraphs = [" ".join(sentence(15) for _ in range(2)) for _ in range(3)]
        items.append(
            {
                "id": n,
                "title": title,
                "url": f"https://news.example.com/{n}",
                "first_seen_at": to_db(published),
            }
        )
        posts.append(
            {
                "id": n,
                "item_id": n,
                "slug": f"post-{n}",
                "title": title,
                "body_markdown": "\n\n".join(paragraphs),
                "body_html": "".join(f"<p>{p}</p>\n" for p in paragraphs),
                "source_url": f"https://news.example.com/{n}",
                "source_name": f"Outlet {n % 40}",
                "image_url": f"https://img.example.com/{n}.jpg" if n % 2 else None,
                "tags": json.dumps(rng.sample(tags, rng.randint(1, 3))),
                "editor": "ana",
                "published_at": to_db(published),
                "updated_at": to_db(published),
            }
        )
    store.db.table("items").insert_all(items, batch_size=1000)
    store.db.table("posts").insert_all(posts, batch_size=1000)


Row = tuple[str, float, float, float, int, int, int, str]  # run, wall, user, sys, files...


def timed(name: str, config: config_module.Config, store: Store, index: bool = True) -> Row:
    """Wall-clock, user and system CPU seconds. On a busy machine the CPU times show the
    cost; the system time is mostly the kernel creating files (see docs/benchmarks.md).
    Each run starts with the disk flushed, so it does not pay for the last one's writes."""
    os.sync()
    started, before = time.perf_counter(), os.times()
    report = export_site(config, store, NOW, index_search=index)
    after = os.times()
    # With the children: a big export renders post pages in a worker process too.
    user = after.user + after.children_user - before.user - before.children_user
    system = after.system + after.children_system - before.system - before.children_system
    return (name, time.perf_counter() - started, user, system, len(report.written),
            report.unchanged, report.related_chosen, report.search.value)  # fmt: skip


def just_the_files(name: str, folder: Path, like: Path) -> Row:
    """What creating the files of folder `like` costs this machine in a plain loop: the
    floor under a cold export, and on some VMs most of it (the kernel's time to create
    a file there swings 10x from one minute to the next)."""
    contents = [p.read_bytes() for p in like.rglob("*") if p.is_file() and p.name[0] != "."]
    os.sync()
    started, before = time.perf_counter(), os.times()
    folder.mkdir()
    for n, data in enumerate(contents):
        (folder / f"{n}.html").write_bytes(data)
    after = os.times()
    return (name, time.perf_counter() - started, after.user - before.user,
            after.system - before.system, len(contents), 0, 0, "")  # fmt: skip


def pagefind_alone(name: str, folder: Path) -> Row:
    """Pagefind on the post pages, with the export's launcher: what indexing costs."""
    os.sync()
    started, before = time.perf_counter(), os.times()
    index_posts(folder, "bench")
    after = os.times()
    user = after.children_user - before.children_user
    system = after.children_system - before.children_system
    return (name, time.perf_counter() - started, user, system, 0, 0, 0, "made")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--dir", type=Path, help="where to make the temporary folder "
                        "(e.g. /dev/shm to leave the disk out of it)")  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="curator-bench-", dir=args.dir) as tmp:
        root = Path(tmp)
        config = config_module.from_mapping(
            {
                "curator": {"database": str(root / "bench.db")},
                "export": {"out_dir": str(root / "export")},
            },
            root=root,
        )
        store = Store.open(config.curator.database)
        generate(store, args.posts)
        rows = [timed("first export", config, store), timed("no change", config, store)]
        rows.append(just_the_files("(disk only)", root / "plain", root / "export"))
        shutil.rmtree(root / "export")
        rows.append(timed("cold", config, store))
        rows.append(pagefind_alone("(Pagefind alone)", root / "export"))
        store.db.table("posts").update(
            args.posts // 2, {"body_html": "<p>Corrected.</p>", "updated_at": to_db(NOW)}
        )
        rows.append(timed("publish: one edit", config, store, index=False))
        generate_one(store, args.posts + 1)
        rows.append(timed("publish: new post", config, store, index=False))
        rows.append(timed("index catch-up", config, store))
        generate_one(store, args.posts + 2)
        rows.append(timed("new post, indexed", config, store))
        store.close()
    print(f"{args.posts:,} posts")
    print(
        f"{'run':<19}{'wall s':>8}{'user s':>8}{'sys s':>8}{'written':>9}{'unchanged':>11}"
        f"{'related':>9}  search"
    )
    for name, wall, user, system, written, unchanged, related, search in rows:
        print(
            f"{name:<19}{wall:>8.2f}{user:>8.2f}{system:>8.2f}{written:>9}{unchanged:>11}"
            f"{related:>9}  {search}"
        )


def generate_one(store: Store, n: int) -> None:
    moment = to_db(NOW)
    store.db.table("items").insert(
        {"id": n, "title": "New", "url": f"https://n.example/{n}", "first_seen_at": moment}
    )
    store.db.table("posts").insert(
        {
            "id": n,
            "item_id": n,
            "slug": f"post-{n}",
            "title": "A new post on treatment",
            "body_markdown": "Treatment news.",
            "body_html": "<p>Treatment news.</p>",
            "source_url": f"https://n.example/{n}",
            "source_name": "Outlet",
            "tags": '["tag 1"]',
            "editor": "ben",
            "published_at": moment,
            "updated_at": moment,
        }
    )


if __name__ == "__main__":
    main()
