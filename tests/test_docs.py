"""The README is part of the product: every command and setting is in it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from curator.cli.main import COMMANDS
from curator.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_documented_and_has_help(name: str):
    assert re.search(rf"`curator {name}\b", README), f"README does not show `curator {name}`"
    result = subprocess.run(
        [sys.executable, "-m", "curator", name, "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout


@pytest.mark.parametrize("key", [s.key for s in SETTINGS])
def test_every_setting_is_in_the_readme(key: str):
    assert f"`{key}`" in README


def readme_command(name: str) -> str:
    """What CI runs for the README's quick start `name`, read by CI's own script."""
    script = ROOT / ".ci/readme_command.py"
    result = subprocess.run([sys.executable, script, name], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_ci_runs_the_readme_commands_as_written():
    main, tests = readme_command("main"), readme_command("test")
    assert main.endswith("pip install . && curator demo")
    assert tests.endswith('pip install ".[test]" && python -m pytest')
    assert "upgrade pip" not in main + tests  # the pip the interpreter ships must do
    ci = (ROOT / ".ci/run").read_text()
    assert "python3 .ci/main_job.py" in ci
    assert "$(python3 .ci/readme_command.py test)" in ci
    assert "git clone" in ci and "upgrade" not in ci


def test_the_changelog_has_an_unreleased_section():
    assert "## Unreleased" in (ROOT / "CHANGELOG.md").read_text()
