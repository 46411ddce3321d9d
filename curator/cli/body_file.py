"""`--body-file`: the post's text from a file or stdin, read with care (a script may
pass on a name it was given), refused with one line naming the option."""

from __future__ import annotations

import sys
from pathlib import Path

import click

MAX_BODY_BYTES = 1_000_000  # a post is a few paragraphs; this is plenty


def read_body_file(name: str) -> str:
    """The text of `--body-file` ('-' is stdin): UTF-8 text of at most 1 MB, from a
    regular file; a relative path may not climb out of the working folder (a script
    passing on a name it was given). Anything else is one line naming the option."""
    if name == "-":
        data = sys.stdin.buffer.read(MAX_BODY_BYTES + 1)
    else:
        data = _read_capped(Path(name), name)
    if len(data) > MAX_BODY_BYTES:
        raise _bad_body(name, f"is larger than {MAX_BODY_BYTES // 1_000_000} MB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad_body(name, "is not UTF-8 text") from None
    if "\x00" in text:
        raise _bad_body(name, "is not text (it holds NUL bytes)")
    return text


def _read_capped(path: Path, name: str) -> bytes:
    if not path.is_absolute() and not path.resolve().is_relative_to(Path.cwd().resolve()):
        raise _bad_body(name, "is outside the working folder")
    if not path.exists():
        raise _bad_body(name, "does not exist")
    if not path.is_file():  # /dev/zero, a FIFO: reading would never end
        raise _bad_body(name, "is not a regular file")
    with path.open("rb") as f:
        return f.read(MAX_BODY_BYTES + 1)


def _bad_body(name: str, problem: str) -> click.BadParameter:
    return click.BadParameter(f"{name!r} {problem}", param_hint="'--body-file'")
