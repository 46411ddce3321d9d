"""`curator demo`: the offline quick start, as a short guided tour.

It serves the bundled samples on 127.0.0.1, writes a config for a temporary
database, and runs the same commands an operator and an editor would: poll,
extract, status, queue, show, annotate (a canned text), publish, export. Then it
serves the exported feeds and site until Ctrl-C.
"""

from __future__ import annotations

import re
import tempfile
import time
from importlib import resources
from pathlib import Path

import click

from curator import config as config_module
from curator.cli import demo_server
from curator.cli.context import AppContext, now, pass_app
from curator.models import Item
from curator.store import Store
from curator.store.queue import QueueFilter


@click.command()
@click.option(
    "--dir",
    "work_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the demo's database and export here (default: a temporary folder).",
)
@click.option("--serve/--no-serve", default=True, help="Serve the export until Ctrl-C.")
@pass_app
def demo(app: AppContext, work_dir: Path | None, serve: bool) -> None:
    """Run Curator end to end on the bundled samples, offline."""
    config_text, samples = _starting_point(app)
    work = work_dir or Path(tempfile.mkdtemp(prefix="curator-demo-"))
    try:
        work.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise click.BadParameter(f"cannot create {work}: {e.strerror}", param_hint="'--dir'") from e
    # The port of an earlier run in this folder, so that its sources keep their URLs:
    # run again, the demo finds nothing new instead of a second set of sources.
    server, base = demo_server.start(samples, rewrite_samples=True, port=_earlier_port(work))
    try:
        config_path = _write_config(config_text, samples, base, work)
        _tour(config_path)
        _say_what_next(config_path, serving=serve)
        if serve:  # the samples stay served: the posts' "Read the full report" links work
            _serve_export(work / "export")
    finally:
        server.shutdown()


def _starting_point(app: AppContext) -> tuple[str, Path]:
    """The config text and the samples the demo starts from: the user's config.toml
    when there is one (--config, $CURATOR_CONFIG or ./config.toml), else the copy
    installed with the package, so that `pip install` + `curator demo` runs anywhere."""
    bundled = Path(str(resources.files("curator") / "bundled"))
    if app.config_path is None and not config_module.DEFAULT_CONFIG.is_file():
        return (bundled / "config.toml").read_text(encoding="utf-8"), bundled / "samples"
    config = app.config  # a broken or missing --config is one line here
    assert config.path is not None
    samples = config.root / "data/samples"
    if not (samples / "feeds").is_dir():
        samples = bundled / "samples"
    return config.path.read_text(encoding="utf-8"), samples


def _write_config(text: str, samples: Path, base: str, work: Path) -> Path:
    """The starting config, pointed at the samples, a fresh database and export."""
    text = text.split("\n[[sources]]", 1)[0]
    replacements = {
        "database": f'"{work / "curator.db"}"',
        "out_dir": f'"{work / "export"}"',
        "allow_private_networks": "true",  # the samples are served on 127.0.0.1
        "base_url": '"http://127.0.0.1:8000/"',
    }
    for key, value in replacements.items():
        text = re.sub(rf"(?m)^{key}\s*=.*$", f"{key} = {value}", text)
    for feed in sorted((samples / "feeds").iterdir()):
        text += f'\n[[sources]]\nname = "{feed.stem}"\nurl = "{base}/feeds/{feed.name}"\n'
    path = work / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _earlier_port(work: Path) -> int:
    """The sample server's port in the config an earlier demo wrote here (0: any)."""
    try:
        text = (work / "config.toml").read_text(encoding="utf-8")
    except OSError:
        return 0
    found = re.search(r'url = "http://127\.0\.0\.1:(\d+)/feeds/', text)
    return int(found.group(1)) if found else 0


def _say_what_next(config_path: Path, *, serving: bool) -> None:
    """The commands to try next, on the demo's own database."""
    config = f"curator --config {config_path}"
    click.secho("\n━━ Your turn: the demo's desk is yours to try", fg="cyan", bold=True)
    for command, what in (
        ("review", "go through the queue, one card at a time"),
        ("queue", "what waits, best first"),
        ("posts", "what was published"),
        ("history ID", "what happened to an item"),
    ):
        click.echo(f"  {config} {command:<10}  # {what}")
    if serving:
        click.echo("  (in another terminal, while this one serves the samples and the site)")
    else:
        click.echo("  (run the demo again to serve the sample pages their links lead to)")


def _tour(config_path: Path) -> None:
    from curator.cli.main import cli  # the root group imports this module lazily

    def step(title: str, *args: str) -> None:
        click.secho(f"\n━━ {title}: curator {' '.join(args)}", fg="cyan", bold=True)
        cli.main(["--config", str(config_path), *args], standalone_mode=False)

    step("Poll the sample feeds", "poll", "--all")
    step("Extract, summarise and screen the articles", "extract")
    step("How the sources are doing", "status")
    step("The editors' queue, best first", "queue", "--limit", "8")
    if _published_earlier(config_path):
        click.echo("\nThe demo's post was published on an earlier run here: see `curator posts`.")
        step("Write the feeds and the site", "export")
        return
    item = _top_item(config_path)
    if item is None:
        click.echo("The queue is empty; nothing to publish.")
        return
    item_id = str(item.id)
    step("One item in full", "show", item_id, "--no-pager")
    body = config_path.parent / "demo-post.md"
    crisis_line = config_module.load(config_path).review.crisis_line
    body.write_text(_canned_post(item, crisis_line), encoding="utf-8")
    step(
        "An editor writes the post (a canned text here)", "annotate", item_id,
        "--editor", "demo", "--tag", "demo", "--body-file", str(body), "--no-preview",
    )  # fmt: skip
    step("Publish it", "publish", item_id, "--editor", "demo")
    step("Write the feeds and the site", "export")


def _published_earlier(config_path: Path) -> bool:
    store = Store.open(config_module.load(config_path).curator.database)
    try:
        return any(post.editor == "demo" for post in store.posts.list(include_retracted=True))
    finally:
        store.close()


def _top_item(config_path: Path) -> Item | None:
    store = Store.open(config_module.load(config_path).curator.database)
    try:
        found = store.queue.queue(QueueFilter(limit=1), now())
    finally:
        store.close()
    return found[0] if found else None


def _canned_post(item: Item, crisis_line: str) -> str:
    """What an editor might write in five minutes, built from the item itself."""
    return (
        "The report below is worth a few minutes of any family's time.\n\n"
        f"> {item.summary or item.title}\n\n"
        "**What this means for families:** new findings like these change what help looks\n"
        "like. Talk with your loved one's care team about what is available nearby, and\n"
        "keep naloxone at home: it reverses an opioid overdose and is sold without a\n"
        "prescription.\n\n"
        f"*{crisis_line}*\n"
    )


def _serve_export(folder: Path) -> None:
    server, base = demo_server.start(folder, rewrite_samples=False)
    click.secho(f"\nServing the export at {base}/ (feeds: {base}/atom.xml, {base}/rss.xml, "
                f"{base}/feed.json). Ctrl-C to stop.", fg="green")  # fmt: skip
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        server.shutdown()
