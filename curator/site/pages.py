"""The static site: index.html, a page per post, a page per tag, and the CSS.

Links between pages are relative, so the folder works from any base URL (or from
disk); the pages carry no JavaScript and a Content-Security-Policy that allows none.
Each page is an `Output` whose key says when it must be rendered again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import resources
from typing import Any

from markupsafe import Markup

from curator.site.atomic import Output
from curator.site.settings import SiteSettings
from curator.site.templates import environment, fingerprint
from curator.site.views import PostView, SiteView, detached


def page_outputs(site: SiteView, salt: str) -> dict[str, Output]:
    """Every page of the site, by path relative to the export folder."""
    top = {"site": site.settings, "root": "", "chrome": _chrome(site.settings, "")}
    inner = {"site": site.settings, "root": "../", "chrome": _chrome(site.settings, "../")}
    latest = site.posts[: site.settings.feed_size]
    outputs = {
        "index.html": Output(
            fingerprint(salt, "index", [p.digest for p in latest], _tag_counts(site)),
            _renderer("index.html", top, posts=latest, tags=site.tags),
        ),
        "style.css": Output(fingerprint(salt, "css"), _stylesheet),
    }
    for post in site.posts:
        outputs[post.page] = Output(
            fingerprint(salt, "post", post.digest),
            _renderer("post.html", inner, post=post),
            job=detached(post),  # see pool.py
        )
    for tag, tagged in site.tags:
        outputs[tag.page] = Output(
            fingerprint(salt, "tag", tag, [p.digest for p in tagged]),
            _renderer("tag.html", inner, tag=tag, posts=tagged),
        )
    return outputs


def post_renderer(settings: SiteSettings) -> Callable[[PostView], bytes]:
    """Renders post pages as `page_outputs` does (for worker processes)."""
    inner = {"site": settings, "root": "../", "chrome": _chrome(settings, "../")}
    return lambda post: _render("post.html", {**inner, "post": post})


def _renderer(name: str, context: dict[str, Any], **more: Any) -> Callable[[], bytes]:
    return functools.partial(_render, name, {**context, **more})


def _render(name: str, context: dict[str, Any]) -> bytes:
    return environment().get_template(name).render(context).encode("utf-8")


def _chrome(settings: SiteSettings, root: str) -> dict[str, Markup]:
    """The frame of every page (see chrome.html), rendered once rather than once per page."""
    macros = environment().get_template("chrome.html").module
    parts = ("top", "middle", "bottom")
    return {part: Markup(getattr(macros, part)(settings, root).strip()) for part in parts}


def _stylesheet() -> bytes:
    return resources.files("curator").joinpath("templates/style.css").read_bytes()


def _tag_counts(site: SiteView) -> list[tuple[str, str, int]]:
    return [(tag.label, tag.name, len(tagged)) for tag, tagged in site.tags]
