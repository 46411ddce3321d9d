"""The Jinja2 environment: templates live in curator/templates/ (package data)."""

from __future__ import annotations

import functools
import hashlib
from datetime import datetime
from importlib import resources

import jinja2


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("curator", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates are package data; no stat() per page
    )
    env.filters["iso"] = _iso
    env.filters["day"] = _day
    return env


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _day(moment: datetime) -> str:
    """'November 2, 2026', whatever the locale (strftime's %B would follow it)."""
    return f"{_MONTHS[moment.month - 1]} {moment.day}, {moment.year}"


def entry_html(post: object, base_url: str) -> str:
    """The HTML a feed entry carries: lead image, the editor's text, the source, related."""
    return environment().get_template("entry.html").render(post=post, base_url=base_url)


@functools.cache
def code_digest() -> str:
    """Changes when a template, the stylesheet or the export code changes, so that an
    upgrade re-renders every page even when no post changed."""
    digest = hashlib.sha256()
    package = resources.files("curator")
    for folder in (package.joinpath("templates"), package.joinpath("site")):
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_file() and not entry.name.endswith(".pyc"):
                digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()


def fingerprint(*parts: object) -> str:
    """A key for an output file: equal keys mean equal bytes."""
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()
