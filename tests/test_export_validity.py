"""What the W3C Feed Validator checks in our feeds, in our own terms: a lead image is one
plain media:content, the HTML of an entry links only to absolute URLs, and the single-line
fields (titles, author names, category labels, source names) are plain text with no
markup, nothing a reader would take for an entity, and no invisible controls."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from html.entities import name2codepoint
from pathlib import Path

import lxml.html
import pytest
from export_helpers import add_image, add_post
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from curator.config import Config
from curator.site.clean import plain_line
from curator.site.run import export_site
from curator.store import Store

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
DC = "{http://purl.org/dc/elements/1.1/}"
BASE = "https://example.org/news/"

# What the validator takes for markup in a plain-text field (ContainsHTML,
# ContainsUndeclaredHTML, and RSS's CharacterData): an HTML tag or anything that opens
# one, or an ampersand a reader could decode.
_TAG_OPENER = re.compile(r"<[A-Za-z/!?]")
_AMPERSAND = re.compile(r"&(#?\w+)")
_BIDI = "\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
_INVISIBLE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\ufffd]")


def markup_in(text: str) -> list[str]:
    found = [m.group() for p in (_TAG_OPENER, _INVISIBLE) for m in p.finditer(text)]
    return found + [m.group() for m in _AMPERSAND.finditer(text) if _entity_like(m.group(1))]


def _entity_like(word: str) -> bool:
    """As the validator judges '&word': a numeric reference or an HTML 4 entity name
    ('AT&T' and '&a;' are text)."""
    return not word.isalpha() or word in name2codepoint or word == "apos"


def plain_fields(folder: Path) -> dict[str, str]:
    """Every single-line text field of every feed of the export, by where it is."""
    fields: dict[str, str] = {}
    for path in [folder / "atom.xml", *sorted((folder / "tags").glob("*.xml"))]:
        root = etree.parse(str(path)).getroot()
        for node in root.iter(f"{ATOM}title", f"{ATOM}name", f"{ATOM}subtitle"):
            fields[f"{path.name} {node.tag} {len(fields)}"] = node.text or ""
        for node in root.iter(f"{ATOM}category", f"{ATOM}link"):
            for name in ("label", "term", "title"):
                if node.get(name) is not None:
                    fields[f"{path.name} {node.tag}@{name} {len(fields)}"] = node.get(name)
    rss = etree.parse(str(folder / "rss.xml")).getroot()
    for node in rss.iter("title", "category", f"{DC}creator"):
        fields[f"rss {node.tag} {len(fields)}"] = node.text or ""
    feed = json.loads((folder / "feed.json").read_text(encoding="utf-8"))
    for item in feed["items"]:
        texts = [item["title"], *item["tags"], *(a["name"] for a in item["authors"])]
        fields.update({f"json {len(fields) + i}": text for i, text in enumerate(texts)})
    return fields


def export(config: Config, store: Store, now: datetime) -> Path:
    export_site(config, store, now)
    return Path(config.export.out_dir)


def test_a_lead_image_is_one_plain_media_content_not_a_group(
    config: Config, store: Store, now: datetime
):
    image = add_image(store, add_post(store, "Naloxone", tags=["overdose"]))
    folder = export(config, store, now)
    ours = f"https://example.org/news/images/{folder.joinpath('posts').iterdir().__next__().stem}"
    for name in ("atom.xml", "rss.xml", "tags/overdose.xml"):
        root = etree.parse(str(folder / name)).getroot()
        entry = next(root.iter(f"{ATOM}entry", "item"))
        assert list(root.iter(f"{MEDIA}group")) == [], name
        contents = entry.findall(f"{MEDIA}content")
        assert [(c.get("url"), c.get("medium")) for c in contents] == [
            (f"{ours}-{image.digest[:10]}-800.jpg", "image")
        ], name


RELATIVE_BODY = (
    '<p><img src="x"> <a href="/elsewhere">root</a> <a href="other.html">sibling</a> '
    '<img src="../up.png" alt="up"> <a href="#notes">notes</a> <a href="?page=2">next</a> '
    '<a href="//cdn.example.net/y">cdn</a> <a href="mailto:desk@example.org">mail</a> '
    '<a href="https://nida.example.gov/a">abs</a> <a href="\xa0javascript:alert(1)">nbsp</a> '
    '<img src=" \tspaced.png "></p>'
)


def test_links_inside_entries_are_absolute_and_point_where_the_page_points(
    config: Config, store: Store, now: datetime
):
    add_post(store, "Naloxone", body_html=RELATIVE_BODY, tags=["overdose"])
    folder = export(config, store, now)
    page = next((folder / "posts").glob("*.html"))
    page_url = BASE + "posts/" + page.name
    expected = {
        page_url.rsplit("/", 1)[0] + "/x",
        "https://example.org/elsewhere",
        BASE + "posts/other.html",
        BASE + "up.png",
        page_url + "#notes",
        page_url + "?page=2",
        "https://cdn.example.net/y",
        "mailto:desk@example.org",
        "https://nida.example.gov/a",
        page_url.rsplit("/", 1)[0] + "/\xa0javascript:alert(1)",  # a path, as browsers read it
        page_url.rsplit("/", 1)[0] + "/spaced.png",
    }
    atom = etree.parse(str(folder / "atom.xml")).getroot()
    rss = etree.parse(str(folder / "rss.xml")).getroot()
    feed = json.loads((folder / "feed.json").read_text(encoding="utf-8"))
    htmls = {
        "atom": atom.find(f"{ATOM}entry/{ATOM}content").text,
        "rss": rss.find("channel/item/description").text,
        "json": feed["items"][0]["content_html"],
    }
    trees = {where: lxml.html.fromstring(html) for where, html in htmls.items()}
    trees["page"] = lxml.html.document_fromstring(page.read_bytes()).find_class("body")[0]
    for where, tree in trees.items():
        links = set(tree.xpath(".//a/@href | .//img/@src"))
        assert expected <= links, (where, expected - links)
        assert all(re.match(r"(https?|mailto):", link) for link in links), (where, links)


HOSTILE_LINES = {
    "<img src=x onerror=alert(1)>": "(untitled)",
    "A < B and <em>C</em> &lt;b&gt;bold&lt;/b&gt;": "A < B and C bold",
    "Tom & Jerry <3 say 1 < 2 > 0": "Tom & Jerry <3 say 1 < 2 > 0",
    "\u202eevil\u202c title \u2066iso\u2069\u200b\x07": "evil title iso",
    "x<script>alert(1)</script>y<!-- c -->z<br/>w": "xalert(1)yzw",
    "&amp;amp;lt;i&amp;gt;twice&amp;lt;/i&amp;gt; AT&T &#x26;#169; 5&6 &alpha &#hash": (
        "twice AT&T © 5& 6 & alpha & #hash"
    ),
    "<<b>script>x": "< script>x",
    "x <y and z</": "x < y and z< /",
    "&\x08lta &l<i>t;": "& lta & lt;",  # what a reader would decode once the rest is gone
    "caf\ufffd &#xfffd;\x85x": "caf x",
}


@pytest.mark.parametrize(("raw", "expected"), list(HOSTILE_LINES.items()))
def test_a_single_line_field_keeps_its_words_and_loses_its_markup(raw: str, expected: str):
    line = plain_line(raw, 500) or "(untitled)"
    assert line == expected
    assert markup_in(line) == []


def test_titles_authors_tags_and_source_names_are_plain_text_in_every_feed(
    config: Config, store: Store, now: datetime
):
    for n, raw in enumerate(HOSTILE_LINES):
        add_post(
            store,
            raw,
            tags=[raw, f"tag {n}"],
            editor=raw,
            source_name=raw,
            image_url="https://img.example.com/n.jpg",
            body_html="<p>Words.</p>",  # a body may need bidi marks; single lines may not
        )
    folder = export(config, store, now)
    fields = plain_fields(folder)
    assert len(fields) > 5 * len(HOSTILE_LINES)
    assert {where: markup_in(text) for where, text in fields.items() if markup_in(text)} == {}
    titles = {fields[k] for k in fields if k.startswith("rss title")}
    assert "A < B and C bold" in titles and "Tom & Jerry <3 say 1 < 2 > 0" in titles
    rss = (folder / "rss.xml").read_text(encoding="utf-8")
    assert "<title>evil title iso</title>" in rss
    outputs = [p for p in folder.rglob("*") if p.suffix in (".html", ".xml", ".json")]
    everything = "".join(p.read_text(encoding="utf-8") for p in outputs)
    assert re.findall(f"[{_BIDI}]", everything) == []


def test_the_sites_own_title_author_and_description_are_plain_text_too(
    make_config: Callable[..., Config], store: Store, now: datetime
):
    config = make_config(
        export={
            "title": "News &lt;b&gt;now&lt;/b&gt; \u202eweiv",
            "description": "What &lt;/p&gt; families &amp;amp; friends need.",
            "author": "<i>Desk</i> &amp;lt;em&amp;gt;",
            "author_mode": "organisation",
        }
    )
    add_post(store, "Naloxone", tags=["overdose"])
    folder = export(config, store, now)
    fields = plain_fields(folder)
    assert {where: markup_in(text) for where, text in fields.items() if markup_in(text)} == {}
    feed = json.loads((folder / "feed.json").read_text(encoding="utf-8"))
    assert (feed["title"], feed["authors"][0]["name"]) == ("News now weiv", "Desk")
    assert feed["description"] == "What families & friends need."


_MARKUP_BITS = st.sampled_from(
    ["<", ">", "&", "#", ";", "/", "!", "?", "-", "a", "em", "x26", "60", "lt", "amp", "alpha",
     "apos", " ", "=", "'", "\u202e", "\u2066", "\u200b", "\x85", "&lt;", "&#x3C;", "</", "<!--",
     "-->", "<b>", "</b>", "<img src=x>", "é", "&lta", "\x08", "l", "t"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_MARKUP_BITS, st.text(max_size=3)), max_size=16).map("".join))
def test_any_text_makes_a_plain_line_within_its_limit(text: str):
    line = plain_line(text, 40)
    assert markup_in(line) == [] and len(line) <= 40
    assert plain_line(line, 40) == line


def test_a_replacement_character_reaches_no_feed(config: Config, store: Store, now: datetime):
    """U+FFFD marks text that failed to decode (and Markdown puts it for a NUL): it says
    nothing to a reader, and the validator warns of it (BadCharacters)."""
    add_post(store, "Caf\ufffd", body_html="<p>A NUL became \ufffd, &#xfffd; too.</p>")
    folder = export(config, store, now)
    outputs = [p for p in folder.rglob("*") if p.suffix in (".html", ".xml", ".json")]
    assert [p.name for p in outputs if "\ufffd" in p.read_text(encoding="utf-8")] == []
