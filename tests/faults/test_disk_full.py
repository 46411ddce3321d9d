"""The disk full while exporting (RLIMIT_FSIZE on the export process: a write
past the limit fails with EFBIG, as on a full disk): the old export stays intact,
the error is one line naming the file, and the next export, with room, completes."""

from __future__ import annotations

import subprocess
import sys

from export_helpers import add_post, edit_post

from curator import config as config_module
from curator.site.run import export_site
from curator.store import Store
from faults.harness import curator, integrity, snapshot, write_config

LIMIT = 96 * 1024  # bytes any one file may reach; the feeds are larger
CAPPED = """
import resource, runpy, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of death, like ENOSPC
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
sys.argv = ["curator", *sys.argv[2:]]
runpy.run_module("curator", run_name="__main__")
"""


def test_a_full_disk_keeps_the_old_export_and_reports_one_line(tmp_path, now):
    path = write_config(tmp_path)
    config = config_module.load(path)
    out = tmp_path / "export"
    store = Store.open(tmp_path / "curator.db")
    ids = [add_post(store, title=f"P{i}", body_markdown=f"Words {i}. " * 300) for i in range(40)]
    export_site(config, store, now)
    old = snapshot(out)
    assert len(old["atom.xml"]) > LIMIT
    for post_id in ids:
        edit_post(store, post_id, title=f"Post {post_id}, updated", updated_at=now)
    export_site(config, store, now, out_dir=tmp_path / "new")  # also picks related posts
    new = snapshot(tmp_path / "new")
    store.close()

    command = [sys.executable, "-c", CAPPED, str(LIMIT), *curator(path, "export")[3:]]
    full = subprocess.run(command, capture_output=True, text=True, timeout=60)

    assert full.returncode == 1 and "Traceback" not in full.stderr, full.stderr
    line = full.stderr.strip()
    assert "\n" not in line and line.startswith(f"error: export {out}/"), line
    assert "File too large" in line, line
    found = snapshot(out)
    assert found.keys() == old.keys() and list(out.rglob(".tmp-*")) == []
    assert all(data in (old[k], new[k]) for k, data in found.items())
    assert found["atom.xml"] == old["atom.xml"] and found != new
    assert integrity(tmp_path / "curator.db") == "ok"

    again = subprocess.run(curator(path, "export"), capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert snapshot(out) == new
