"""`curator demo`: the offline quick start runs end to end and publishes a post."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import feedparser

ROOT = Path(__file__).resolve().parent.parent


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
    assert f"Invalid value for '--dir': cannot create {work}" in result.stderr
    assert "Traceback" not in result.stderr
