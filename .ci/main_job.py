"""Run the README's main-job command exactly as written, in the current folder, the
way a new user would: wait until the demo serves its export, read the feed it
serves, press Ctrl-C, and expect a clean exit. Exits non-zero on any failure."""

import os
import re
import signal
import subprocess
import sys
import urllib.request
import xml.etree.ElementTree as ET

from readme_command import README, command

SERVING = re.compile(r"Serving the export at (http://127\.0\.0\.1:\d+)/")
ATOM = "{http://www.w3.org/2005/Atom}"


def main() -> None:
    line = command(README.read_text(encoding="utf-8"), "main")
    print(f"ci: {line}", flush=True)
    job = subprocess.Popen(
        ["bash", "-c", line], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )  # fmt: skip
    assert job.stdout is not None
    base = None
    for output in job.stdout:
        print(output, end="", flush=True)
        if found := SERVING.search(output):
            base = found[1]
            break
    if base is None:
        sys.exit(f"ci: the main job ended (status {job.wait()}) without serving its export")
    with urllib.request.urlopen(f"{base}/atom.xml", timeout=30) as response:
        entries = ET.fromstring(response.read()).findall(f"{ATOM}entry")
    if not entries:
        sys.exit("ci: the served atom.xml has no entry")
    print(f"ci: {base}/atom.xml serves {len(entries)} entry(ies); pressing Ctrl-C", flush=True)
    os.killpg(job.pid, signal.SIGINT)  # what a terminal's Ctrl-C sends: the whole job
    rest, _ = job.communicate(timeout=60)
    print(rest, end="")
    if job.returncode != 0:
        sys.exit(f"ci: the main job exited with status {job.returncode} after Ctrl-C")


if __name__ == "__main__":
    main()
