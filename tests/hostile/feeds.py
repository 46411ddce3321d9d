"""Hostile feed bodies, made at run time (nothing big is committed)."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

GOOD_DATE = "Mon, 30 Nov 2026 09:00:00 GMT"


def item(
    key: str,
    *,
    title: str = "Naloxone saves lives",
    link: str | None = None,
    date: str = GOOD_DATE,
    description: str = "<p>A story about recovery.</p>",
) -> str:
    link = link if link is not None else f"https://news.example.org/{key}"
    return (
        f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
        f"<guid isPermaLink='false'>{escape(key)}</guid><pubDate>{escape(date)}</pubDate>"
        f"<description>{escape(description)}</description></item>"
    )


def rss(*items: str, doctype: str = "", title: str = "Recovery News") -> bytes:
    return (
        f"<?xml version='1.0' encoding='utf-8'?>{doctype}<rss version='2.0'><channel>"
        f"<title>{escape(title)}</title><link>https://news.example.org/</link>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def many(count: int) -> bytes:
    return rss(*(item(f"story-{i}", title=f"Story {i} on recovery") for i in range(count)))


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE rss ['
    + b'<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b"]><rss version='2.0'><channel><title>&lol9;</title></channel></rss>"
)
XXE_FILE = rss(
    item("xxe", title="&secret;"),
    doctype='<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
).replace(b"&amp;secret;", b"&secret;")


def xxe_remote(url: str) -> bytes:
    """A parameter entity that would make the parser fetch `url`."""
    return rss(doctype=f'<!DOCTYPE rss [<!ENTITY % remote SYSTEM "{url}"> %remote;]>')


UTF16_BOMB = BILLION_LAUGHS.replace(b'<?xml version="1.0"?>', b"").decode().encode("utf-16")
HOSTILE_TEXT = {
    "control characters": "Recovery\x01news\x08with\x1bcontrols\x7f",
    "right-to-left and zero-width": "\u202etxet\u202c recovery\u200b\u200d\ufeff\u2066news\u2069",
    "a 100 KB title": "naloxone " * 11_400,
}
ABSURD_DATES = {
    "year 0": "Mon, 01 Jan 0000 00:00:00 GMT",
    "year 9999 at the last second": "Fri, 31 Dec 9999 23:59:59 GMT",
    "year 9999 pushed past the end by its offset": "Fri, 31 Dec 9999 23:59:59 -1200",
    "an offset of -99:99": "Mon, 30 Nov 2026 09:00:00 -99:99",
    "an offset of +9999": "Mon, 30 Nov 2026 09:00:00 +9999",
    "ISO 0000-00-00": "0000-00-00T00:00:00Z",
    "year 99999": "99999-01-01T00:00:00Z",
    "a negative year": "-0044-03-15T12:00:00Z",
    "month 13 day 32": "2026-13-32T25:61:61Z",
    "an epoch number": "-99999999999",
}
ACTIVE_LINKS = {
    "javascript:": "javascript:alert(document.cookie)",
    "javascript: in odd case with spaces": " JaVaScRiPt:alert(1)",
    "data: HTML": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:": "vbscript:msgbox(1)",
}
ACTIVE_HTML = (
    "<p>Real text.</p><script>alert('x')</script><style>body{display:none}</style>"
    "<img src=x onerror=alert(1)><a href='javascript:alert(1)'>click</a>"
    "<iframe src='https://evil.example/'></iframe><svg onload=alert(1)></svg>"
    "<a href='data:text/html,<script>alert(1)</script>'>data</a>"
)


def entity_expansion(references: int, *, padding: int = 0) -> bytes:
    """One plain 50 KB internal entity (no nesting, nothing external) referenced many
    times. expat stops at 100 times amplification once 8 MB are out; `padding` bytes of
    comment keep the document under that ratio, so expat expands every reference."""
    doctype = f'<!DOCTYPE rss [<!ENTITY big "{"recovery " * 5_555}">]>'
    body = rss(item("bomb", description="&big;" * references), doctype=doctype)
    comment = b"<!--" + b"x" * padding + b"-->"
    return body.replace(b"&amp;big;", b"&big;").replace(b"<channel>", b"<channel>" + comment)


def prefixed_atom(count: int) -> bytes:
    """Atom with every element in a prefix (`<a:entry>`): valid, and read the same."""
    entries = "".join(
        f"<a:entry><a:id>urn:e{i}</a:id><a:title>t{i}</a:title></a:entry>" for i in range(count)
    )
    return (
        '<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>Prefixed</a:title>'
        f"{entries}</a:feed>"
    ).encode()


def json_feed(*items: dict[str, object], title: str = "Recovery News") -> bytes:
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": title, "items": list(items)}
    ).encode()


def json_item(key: str, **fields: object) -> dict[str, object]:
    return {"id": key, "url": f"https://news.example.org/{key}", "title": key, **fields}


DEEP_JSON = (
    b'{"version": "https://jsonfeed.org/version/1.1", "items": '
    + b"[" * 100_000
    + b"]" * 100_000
    + b"}"
)
