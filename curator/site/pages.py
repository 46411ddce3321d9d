"""The static site: index.html, a page per post, a page per tag, the organisation's own
pages and logo, the CSS in its colours, sitemap.xml and robots.txt.

Links between pages are relative, so the folder works from any base URL (or from
disk); the pages carry no JavaScript and a Content-Security-Policy that allows none.
Each page is an `Output` whose key says when it must be rendered again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from importlib import resources
from typing import Any

from markupsafe import Markup

from curator.contrast import blend, readable_blend
from curator.settings import BrandSettings
from curator.site.atomic import Output
from curator.site.settings import SiteSettings
from curator.site.sitemap import ROBOTS, SITEMAP, robots, sitemap
from curator.site.templates import environment, fingerprint
from curator.site.views import PostView, SiteView, detached


def page_outputs(site: SiteView, salt: str) -> dict[str, Output]:
    """Every page of the site, by path relative to the export folder."""
    settings = site.settings
    top = {"site": settings, "root": "", "chrome": chrome(settings, "")}
    search = {"site": settings, "root": "", "chrome": chrome(settings, "", scripts=True)}
    inner = {"site": settings, "root": "../", "chrome": chrome(settings, "../")}
    latest = site.posts[: settings.feed_size]
    outputs = {
        "index.html": Output(
            fingerprint(salt, "index", [p.digest for p in latest], _tag_counts(site)),
            _renderer("index.html", top, posts=latest, tags=site.tags),
        ),
        "style.css": Output(fingerprint(salt, "css"), functools.partial(_stylesheet, settings)),
        ROBOTS: Output(fingerprint(salt, ROBOTS), functools.partial(robots, settings)),
        "search.js": Output(
            fingerprint(salt, "search.js"), functools.partial(_package, "search.js")
        ),
        "search.html": Output(
            fingerprint(salt, "search", [(p.digest, p.page) for p in site.posts]),
            _renderer("search.html", search, posts=site.posts),
        ),
    }
    for page in settings.pages:
        outputs[page.page] = Output(
            fingerprint(salt, "page", page), _renderer("page.html", top, page=page)
        )
    if settings.logo:
        data = settings.logo.data
        outputs[settings.logo.path] = Output(fingerprint(salt, "logo"), lambda: data)
    outputs.update(_post_and_tag_pages(site, salt, inner))
    listed = _sitemap_pages(site)
    outputs[SITEMAP] = Output(
        fingerprint(salt, SITEMAP, listed), functools.partial(sitemap, settings, listed)
    )
    return outputs


def _post_and_tag_pages(site: SiteView, salt: str, inner: dict[str, Any]) -> dict[str, Output]:
    outputs = {}
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
    inner = {"site": settings, "root": "../", "chrome": chrome(settings, "../")}
    return lambda post: _render("post.html", {**inner, "post": post})


def _renderer(name: str, context: dict[str, Any], **more: Any) -> Callable[[], bytes]:
    return functools.partial(_render, name, {**context, **more})


def _render(name: str, context: dict[str, Any]) -> bytes:
    return environment().get_template(name).render(context).encode("utf-8")


def chrome(settings: SiteSettings, root: str, *, scripts: bool = False) -> dict[str, Markup]:
    """The frame of every page (see chrome.html), rendered once rather than once per page;
    `scripts`: the search page's, whose policy lets Pagefind's script run."""
    macros = environment().get_template("chrome.html").module
    parts = {
        "top": (settings, root, scripts),
        "middle": (settings, root),
        "bottom": (settings, root),
    }
    return {part: Markup(getattr(macros, part)(*args).strip()) for part, args in parts.items()}


def _stylesheet(settings: SiteSettings) -> bytes:
    """The stylesheet, after the organisation's colours as custom properties."""
    light, dark = _colours(settings.palette, ""), _colours(settings.palette, "dark_")
    colours = f":root {{ {light} }}\n@media (prefers-color-scheme: dark) {{ :root {{ {dark} }} }}\n"
    return colours.encode() + _package("style.css")


def _package(name: str) -> bytes:
    return resources.files("curator").joinpath(f"templates/{name}").read_bytes()


def _colours(palette: BrandSettings, prefix: str) -> str:
    """One scheme's custom properties: its three colours, and a muted text colour, a
    line colour and a tinted background that keep text readable (WCAG AA)."""
    text, accent, background = (
        getattr(palette, prefix + n) for n in ("text", "accent", "background")
    )
    shades = {
        "text": text,
        "accent": accent,
        "background": background,
        "muted": readable_blend(text, background, 0.78),
        "line": blend(text, background, 0.25),  # borders: decoration, not text
        "soft": readable_blend(accent, background, 0.08, text, accent),
    }
    return " ".join(f"--{name}: {value};" for name, value in shades.items())


def _sitemap_pages(site: SiteView) -> list[tuple[str, datetime | None]]:
    newest = site.posts[0].updated_at if site.posts else None
    listed: list[tuple[str, datetime | None]] = [("index.html", newest)]
    listed += [(page.page, None) for page in site.settings.pages]
    listed += [(post.page, post.updated_at) for post in site.posts]
    listed += [(tag.page, max(p.updated_at for p in tagged)) for tag, tagged in site.tags]
    return listed


def _tag_counts(site: SiteView) -> list[tuple[str, str, int]]:
    return [(tag.label, tag.name, len(tagged)) for tag, tagged in site.tags]
