"""What search engines read: sitemap.xml (every page, with its last change) and robots.txt.

robots.txt counts only at the root of a host; when `export.base_url` is a folder, the
host's own robots.txt should name this sitemap (docs/site.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from xml.sax.saxutils import escape

from curator.site.settings import SiteSettings

SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"


def sitemap(settings: SiteSettings, pages: Iterable[tuple[str, datetime | None]]) -> bytes:
    """The sitemap of `pages` (path in the export, last change or None)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for path, changed in pages:
        lastmod = f"<lastmod>{changed.date().isoformat()}</lastmod>" if changed else ""
        lines.append(f"<url><loc>{escape(settings.url(path))}</loc>{lastmod}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def robots(settings: SiteSettings) -> bytes:
    """Everything may be read; the sitemap says where it all is."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {settings.url(SITEMAP)}\n".encode()
