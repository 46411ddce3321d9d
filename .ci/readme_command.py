"""Print one of the README's two quick-start commands, exactly as written.

    python3 .ci/readme_command.py main   # installs and runs the main job
    python3 .ci/readme_command.py test   # installs and runs the tests

CI runs what this prints, so the README cannot drift from what is tested.
"""

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
LEADS = {"main": "Install and run the main job", "test": "Install and run the tests"}


def command(readme: str, name: str) -> str:
    """The one-line ```sh block that follows the paragraph starting with LEADS[name]."""
    pattern = re.escape(LEADS[name]) + r"[^`]*?```sh\n(.+?)\n```"
    found = re.search(pattern, readme, re.S)
    if not found or "\n" in found[1]:
        sys.exit(f"README.md: no one-line command after {LEADS[name]!r}")
    return found[1]


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in LEADS:
        sys.exit(f"usage: {sys.argv[0]} main|test")
    print(command(README.read_text(encoding="utf-8"), sys.argv[1]))
