"""Hostile text from any source (feed titles and site names, editors' drafts, tags,
links) never reaches the exported feeds or pages as active content, and the exports
stay valid Atom/RSS XML and JSON. Posts go through the desk's own path (claim,
save_draft, publish_item) and out through `curator.site.run.export_site`."""

from __future__ import annotations

import json
import re
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
from desk_factory import add_item
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator import config as config_module
from curator.desk import actions
from curator.desk.publish import publish_item
from curator.desk.states import Action
from curator.site.run import export_site
from curator.store import Store

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
HOSTILE = [
    "<script>alert('x')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">click</a>',
    "<a href=' jav&#x09;ascript:alert(1)'>tab</a>",
    "[link](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](javascript:alert(1))",
    "<javascript:alert(1)>",
    "<object data=evil.swf></object><embed src=evil.swf>",
    "<style>body{display:none}</style>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<base href='javascript:alert(1)//'>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    "]]><script>alert(1)</script><![CDATA[",
    "</title><script>alert(1)</script>",
    '"}, "content_html": "<script>alert(1)</script>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\x00\x01\x08\x0b\x1b\x7f\ufffe\uffff",
    "\u202e\u200b\u2066",
    "{{ 7*7 }}{% raw %}",
]
ACTIVE_TAGS = {"script", "iframe", "object", "embed", "frame", "frameset", "base", "form", "applet"}
OUR_SCRIPTS = (
    '<script src="pagefind/pagefind-ui.js"></script>',
    '<script src="search.js"></script>',
)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href", "content"}


def active_content(html: str) -> list[str]:
    """What in an HTML document or fragment a browser would run or load as active."""
    if not html.strip():
        return []
    root = (
        lxml.html.fromstring(f"<div>{html}</div>")
        if "<html" not in html[:200]
        else lxml.html.document_fromstring(html)
    )
    found = []
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.lower() in ACTIVE_TAGS:
            found.append(f"<{tag}>")
        if tag.lower() == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            found.append("meta refresh")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{name}=")
            squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
            if name.lower() in URL_ATTRIBUTES and squeezed.startswith(
                ("javascript:", "vbscript:", "data:")
            ):
                found.append(f"{name}={value[:40]}")
    return found


def html_fields(out: Path) -> dict[str, str]:
    """Every piece of HTML a feed reader or browser would render, by where it is."""
    fields: dict[str, str] = {}
    for page in sorted(out.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if page.name == "search.html":  # its two scripts, from our own files; no others
            for ours in OUR_SCRIPTS:
                assert text.count(ours) == 1, ours
                text = text.replace(ours, "")
        fields[str(page.relative_to(out))] = text
    atom = lxml.etree.parse(str(out / "atom.xml"))  # raises if not well-formed
    for i, node in enumerate(
        atom.iter("{http://www.w3.org/2005/Atom}content", "{http://www.w3.org/2005/Atom}summary")
    ):
        if node.get("type") in ("html", "xhtml"):
            fields[f"atom {node.tag.split('}')[1]} {i}"] = node.text or lxml.etree.tostring(
                node, encoding="unicode"
            )
    rss = lxml.etree.parse(str(out / "rss.xml"))
    for i, node in enumerate(
        rss.iter("description", "{http://purl.org/rss/1.0/modules/content/}encoded")
    ):
        fields[f"rss {node.tag} {i}"] = node.text or ""
    for i, entry in enumerate(json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]):
        fields[f"json item {i}"] = entry.get("content_html") or ""
    return fields


def links_in_feeds(out: Path) -> list[str]:
    atom = lxml.etree.parse(str(out / "atom.xml"))
    rss = lxml.etree.parse(str(out / "rss.xml"))
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    links = [n.get("href") or "" for n in atom.iter("{http://www.w3.org/2005/Atom}link")]
    links += [
        n.text or ""
        for n in rss.iter("link", "comments", "guid")
        if n.get("isPermaLink") != "false"
    ]
    links += [n.get("url") or "" for n in rss.iter("enclosure")]
    for entry in feed["items"]:
        links += [entry.get(k) or "" for k in ("url", "external_url", "image")]
    return links


def publish_and_export(
    folder: Path,
    *,
    title: str,
    body: str,
    tags: tuple[str, ...],
    item: dict[str, Any],
    editor: str = "ana",
    export: dict[str, Any] | None = None,
) -> Path:
    """One item through the desk's path (claim, draft, publish), then the export."""
    config = config_module.from_mapping(
        {
            "curator": {"database": str(folder / "curator.db")},
            "export": {"out_dir": str(folder / "out"), **(export or {})},
        },
        root=folder,
    )
    store = Store.open(folder / "curator.db")
    try:
        item_id = add_item(store.db, NOW, **item)
        actions.act(store, config, item_id, Action.CLAIM, editor, NOW)
        actions.save_draft(store, config, item_id, editor, NOW, title=title, tags=tags, body=body)
        publish_item(store, config, item_id, editor, NOW + timedelta(minutes=1), allow_terms=True)
        export_site(config, store, NOW)
    finally:
        store.close()
    return folder / "out"


def assert_harmless(out: Path) -> None:
    for where, html in html_fields(out).items():
        assert not active_content(html), (where, active_content(html))
    for link in links_in_feeds(out):
        assert (
            not re.sub(r"[\x00-\x20]", "", link)
            .lower()
            .startswith(("javascript:", "data:", "vbscript:"))
        ), link
    assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))


def test_the_hostile_list_is_caught_by_the_checker_itself() -> None:
    """The checker must see what it is meant to refuse, or the other tests prove nothing."""
    raw_html = [
        s for s in HOSTILE if s.startswith("<") and not s.startswith(("<javascript", "<style"))
    ]
    assert len(raw_html) >= 10
    assert [s for s in raw_html if not active_content(s)] == []


def test_every_hostile_snippet_in_every_field_is_exported_harmless(tmp_path: Path) -> None:
    text = " ".join(HOSTILE)
    out = publish_and_export(
        tmp_path,
        title="Naloxone " + text,
        body="A paragraph.\n\n" + "\n\n".join(HOSTILE) + "\n\n<div onclick='x'>" + text + "</div>",
        tags=("overdose", *HOSTILE[:6], "../../../etc", "a/../../b"),
        editor="ana <script>alert('editor')</script>\" onmouseover=\"alert(1)",
        item={
            "title": "Feed title " + text,
            "summary": text,
            "url": "javascript:alert(document.cookie)",
            "image_url": "data:image/svg+xml,<svg onload=alert(1)>",
            "site_name": "<script>alert('site')</script>",
            "sources": ("<img src=x onerror=alert(1)>",),
        },
    )
    fields = html_fields(out)
    kinds = {where.split(" ")[0].split("/")[0] for where in fields}
    assert {"atom", "rss", "json", "index.html", "posts"} <= kinds, sorted(fields)
    assert_harmless(out)
    assert "Naloxone" in (out / "atom.xml").read_text(encoding="utf-8")


POST_TEXT = st.lists(
    st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30)), min_size=1, max_size=6
).map("".join)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=POST_TEXT, body=POST_TEXT, tag=POST_TEXT)
def test_any_post_text_and_title_export_as_valid_harmless_feeds(
    title: str, body: str, tag: str
) -> None:
    with tempfile.TemporaryDirectory() as name:
        out = publish_and_export(
            Path(name),
            title=title,
            body=body,
            tags=(tag,),
            item={"title": title or "untitled", "summary": body},
        )
        assert_harmless(out)
        posts = json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]
        assert len(posts) == 1


def test_hostile_site_settings_are_exported_harmless(tmp_path: Path) -> None:
    """The operator's own words (title, description, author, language) are text too."""
    out = publish_and_export(
        tmp_path,
        title="Naloxone",
        body="Words.",
        tags=("overdose",),
        item={},
        export={
            "title": "News <script>alert('title')</script>",
            "description": "<a href='javascript:alert(1)'>x</a><iframe src=x>",
            "author": '" onmouseover="alert(1)',
            "language": 'en" onload="alert(1)',
            "author_mode": "organisation",
        },
    )
    assert_harmless(out)
