"""What the hostile suite shares: the CLI run in-process exactly as `curator` runs it
(through `main()`, so a traceback is visible as one), a dump of the database to
compare before and after, and raw TCP servers that misbehave on purpose."""

from __future__ import annotations

import sqlite3
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from curator.cli.main import main


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        """The lines that say what went wrong ('error: ...' ours, 'Error: ...' click's)."""
        return [line for line in self.stderr.splitlines() if line.lower().startswith("error")]


def run_main(config: Path, *args: str, input: str | None = None) -> Outcome:
    """`curator --config CONFIG ARGS` in this process; an escaping exception becomes
    a traceback on stderr and exit status 99, as the real interpreter would show it."""
    runner = CliRunner(env={"CURATOR_EDITOR": "ana"})
    argv = sys.argv
    with runner.isolation(input=input) as (out, err, _):
        sys.argv = ["curator", "--config", str(config), *args]
        try:
            main()
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
        except BaseException:
            sys.stderr.write(traceback.format_exc())
            code = 99
        finally:
            sys.argv = argv
        sys.stdout.flush()
        sys.stderr.flush()
        return Outcome(code, out.getvalue().decode(), err.getvalue().decode())


def dump(database: Path) -> str:
    """Every row of every table, as SQL: equal dumps mean nothing changed."""
    with sqlite3.connect(database) as db:
        text = "\n".join(db.iterdump())
    db.close()
    return text


def assert_one_clean_line(outcome: Outcome) -> None:
    """Non-zero exit, exactly one error line, no traceback."""
    assert "Traceback" not in outcome.stderr, outcome.stderr
    assert outcome.code not in (0, 99), (outcome.code, outcome.stdout, outcome.stderr)
    assert len(outcome.error_lines) == 1, outcome.stderr
