"""The export: Atom, RSS, JSON Feed and pages, correct to the letter and written with care."""

from __future__ import annotations

import dataclasses
import json
import os
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import lxml.html
import pytest
from export_helpers import START, add_image, add_post, edit_post
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from curator.config import Config
from curator.errors import ConfigError, ExportError
from curator.models import Post
from curator.site import pool
from curator.site.atomic import sync_folder, write_atomic
from curator.site.build import Output, SiteSettings, build_export, render_all
from curator.site.clean import checked_web_url, plain, web_url
from curator.site.pool import Helpers, PageBatch
from curator.site.run import ExportReport, export_site
from curator.site.views import build_site
from curator.store import Store

ATOM_RNG = Path(__file__).parent / "data/schemas/atom.rng"
FEEDS = ("atom.xml", "rss.xml")


@pytest.fixture(scope="module")
def atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(ATOM_RNG)))


def export(config: Config, store: Store, now: datetime) -> ExportReport:
    return export_site(config, store, now)


def out(config: Config) -> Path:
    return Path(config.export.out_dir)


def add_three(store: Store) -> list[int]:
    first = add_post(
        store,
        "Fentanyl test strips save lives",
        tags=["overdose", "Harm reduction"],
        image_url="https://img.example.com/strips.jpg",
        editor="ana",
    )
    add_image(store, first)
    return [
        first,
        add_post(store, "Alcohol use among teens drops", tags=["alcohol"], editor="ben"),
        add_post(store, "Fentanyl test strips now legal in Texas", tags=["overdose"]),
    ]


def test_export_writes_feeds_site_and_tag_pages(config: Config, store: Store, now: datetime):
    ids = add_three(store)
    report = export(config, store, now)
    folder = out(config)
    for name in ("atom.xml", "rss.xml", "feed.json", "index.html", "style.css"):
        assert (folder / name).is_file(), name
    assert {p.name for p in (folder / "posts").iterdir()} == {
        f"post-{_n(store, i)}.html" for i in ids
    }
    assert {p.name for p in (folder / "tags").iterdir()} == {
        "overdose.html",
        "overdose.xml",
        "harm-reduction.html",
        "harm-reduction.xml",
        "alcohol.html",
        "alcohol.xml",
    }
    assert report.posts == 3 and report.unchanged == 0 and not report.removed


def test_every_feed_parses_without_bozo_newest_first(config: Config, store: Store, now: datetime):
    add_three(store)
    export(config, store, now)
    folder = out(config)
    for name in (*FEEDS, "tags/overdose.xml"):
        parsed = feedparser.parse((folder / name).read_bytes())
        assert parsed.bozo == 0, (name, parsed.get("bozo_exception"))
    titles = [e.title for e in feedparser.parse((folder / "atom.xml").read_bytes()).entries]
    assert titles == [
        "Fentanyl test strips now legal in Texas",
        "Alcohol use among teens drops",
        "Fentanyl test strips save lives",
    ]
    tagged = feedparser.parse((folder / "tags/overdose.xml").read_bytes())
    assert [e.title for e in tagged.entries] == [titles[0], titles[2]]


def test_atom_validates_against_rfc4287_schema(
    config: Config, store: Store, now: datetime, atom_schema: etree.RelaxNG
):
    add_three(store)
    export(config, store, now)
    for path in (out(config) / "atom.xml", *sorted((out(config) / "tags").glob("*.xml"))):
        document = etree.parse(str(path))
        assert atom_schema.validate(document), (path, atom_schema.error_log)


def test_atom_entry_carries_text_source_image_tags_author_and_dates(
    config: Config, store: Store, now: datetime
):
    post_id = add_post(
        store,
        "Naloxone vending machines arrive",
        body_markdown="x",
        body_html="<p>The <em>editor's</em> words.</p>",
        source_url="https://nida.example.gov/a",
        source_name="NIDA",
        image_url="https://img.example.com/n.jpg",
        tags=["naloxone"],
        editor="ana",
        published_at=START,
        updated_at=START + timedelta(hours=2),
    )
    image = add_image(store, post_id, alt="A vending machine")
    export(config, store, now)
    entry = feedparser.parse((out(config) / "atom.xml").read_bytes()).entries[0]
    assert entry.id == f"tag:example.org,2026:post/{post_id}"
    assert entry.link == f"https://example.org/news/posts/post-{_n(store, post_id)}.html"
    related = [link for link in entry.links if link.rel == "related"]
    assert [(link.href, link.title) for link in related] == [("https://nida.example.gov/a", "NIDA")]
    assert [link.rel for link in entry.links].count("alternate") == 1
    content = entry.content[0].value
    assert "<em>editor's</em> words" in content
    assert 'href="https://nida.example.gov/a"' in content and "from NIDA" in content
    # Our copy of the image, never the outlet's (hotlinked, it leaks readers and breaks).
    ours = f"https://example.org/news/images/post-{_n(store, post_id)}-{image.digest[:10]}"
    assert f'src="{ours}-800.jpg"' in content and 'alt="A vending machine"' in content
    assert "img.example.com" not in content
    assert entry.media_content[0]["url"] == f"{ours}-800.jpg"  # the widest made
    assert [t.term for t in entry.tags] == ["naloxone"]
    assert entry.author == "ana"
    assert entry.published_parsed[:5] == (2026, 11, 1, 9, 0)
    assert entry.updated_parsed[:5] == (2026, 11, 1, 11, 0)


def test_rss_has_self_link_guid_creator_and_categories(config: Config, store: Store, now: datetime):
    post_id = add_post(store, "Recovery housing grants", tags=["recovery"], editor="ben")
    export(config, store, now)
    raw = (out(config) / "rss.xml").read_bytes()
    channel = etree.fromstring(raw).find("channel")
    self_link = channel.find("{http://www.w3.org/2005/Atom}link")
    assert self_link.get("rel") == "self"
    assert self_link.get("href") == "https://example.org/news/rss.xml"
    assert channel.findtext("link") == "https://example.org/news/"
    entry = feedparser.parse(raw).entries[0]
    assert entry.id == f"tag:example.org,2026:post/{post_id}"
    assert entry.guidislink is False
    assert entry.author == "ben"
    assert [t.term for t in entry.tags] == ["recovery"]
    assert entry.link.startswith("https://example.org/news/posts/")


def test_json_feed_has_the_required_fields_of_version_1_1(
    config: Config, store: Store, now: datetime
):
    add_three(store)
    export(config, store, now)
    feed = json.loads((out(config) / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert feed["feed_url"] == "https://example.org/news/feed.json"
    assert len(feed["items"]) == 3
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"].startswith("tag:example.org,2026:post/")
        assert item.get("content_html") or item.get("content_text")
        assert item["external_url"].startswith("https://news.example.com/")
        datetime.fromisoformat(item["date_published"])
    assert feed["items"][-1]["image"].startswith("https://example.org/news/images/post-")
    assert "image" not in feed["items"][0]


def test_author_mode_organisation_credits_the_organisation(
    make_config: Callable[..., Config], store: Store, now: datetime
):
    config = make_config(export={"author_mode": "organisation", "author": "The Desk"})
    add_post(store, "Gambling helpline calls rise", editor="ana")
    export(config, store, now)
    entry = feedparser.parse((out(config) / "atom.xml").read_bytes()).entries[0]
    assert entry.author == "The Desk"
    (page,) = (out(config) / "posts").iterdir()
    assert "By The Desk" in page.read_text()


def test_a_post_that_links_to_its_report_is_credited_without_a_second_link(
    make_config: Callable[..., Config], store: Store, now: datetime
):
    """The editor wrote "read the full report here" with the link: the page and the feed
    name the source once more, but do not repeat the link (issue 15's two credits)."""
    config = make_config()
    linked = add_post(store, "Ketamine and opioid addiction")
    url = store.db["posts"].get(linked)["source_url"]
    edit_post(store, linked, body_html=f'<p>Read the full report <a href="{url}">here</a>.</p>')
    plain_post = add_post(store, "Naloxone in schools")
    export(config, store, now)
    pages = {p.name: p.read_text() for p in (out(config) / "posts").iterdir()}
    linked_page = pages[f"{store.db['posts'].get(linked)['slug']}.html"]
    plain_page = pages[f"{store.db['posts'].get(plain_post)['slug']}.html"]
    assert linked_page.count(f'href="{url}"') == 1 and "Source: Example News." in linked_page
    assert "Read the full report</a> from Example News." in plain_page
    entries = feedparser.parse((out(config) / "atom.xml").read_bytes()).entries
    by_title = {e.title: e.content[0].value for e in entries}
    assert by_title["Ketamine and opioid addiction"].count(url) == 1
    assert "Source: Example News." in by_title["Ketamine and opioid addiction"]


def test_ids_survive_edits_and_base_url_moves(
    make_config: Callable[..., Config], store: Store, now: datetime
):
    config = make_config()
    post_id = add_post(store, "Methadone take-home doses")
    export(config, store, now)
    before = feedparser.parse((out(config) / "atom.xml").read_bytes()).entries[0]
    edit_post(
        store,
        post_id,
        title="Methadone take-home doses extended",
        updated_at=START + timedelta(days=3),
    )
    moved = make_config(export={"base_url": "https://news.example.net/curated"})
    export(moved, store, now)
    after = feedparser.parse((out(moved) / "atom.xml").read_bytes()).entries[0]
    assert after.id == before.id == f"tag:example.org,2026:post/{post_id}"
    assert after.updated_parsed > before.updated_parsed
    assert after.published_parsed == before.published_parsed
    assert after.link.startswith("https://news.example.net/curated/posts/")


def test_retracted_post_leaves_feeds_and_its_page_is_removed(
    config: Config, store: Store, now: datetime
):
    ids = add_three(store)
    export(config, store, now)
    (out(config) / "posts" / "mine.html").write_text("not Curator's")
    page = f"posts/post-{_n(store, ids[2])}.html"
    assert (out(config) / page).exists()
    edit_post(store, ids[2], retracted_at=START + timedelta(days=1))
    report = export(config, store, now)
    feed = json.loads((out(config) / "feed.json").read_text())
    assert [item["id"] for item in feed["items"]] == [
        f"tag:example.org,2026:post/{i}" for i in (ids[1], ids[0])
    ]
    assert report.removed == (page,)
    assert not (out(config) / page).exists()
    assert (out(config) / "posts" / "mine.html").read_text() == "not Curator's"
    assert "now legal in Texas" not in (out(config) / "atom.xml").read_text()
    assert "now legal in Texas" not in (out(config) / "tags/overdose.xml").read_text()


def test_export_with_no_change_writes_nothing_and_keeps_mtimes(
    config: Config, store: Store, now: datetime
):
    add_three(store)
    export(config, store, now)
    files = [p for p in out(config).rglob("*") if p.is_file()]
    for path in files:  # an old mtime, so that any rewrite would show
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = {p: p.read_bytes() for p in files}
    for hours in (5, 6):  # the first pass re-reads files whose mtime moved; the second trusts
        report = export(config, store, now + timedelta(hours=hours))
        assert report.written == () and report.removed == ()
        os.utime(out(config) / ".curator-export.json", ns=(1_000_000_000, 1_000_000_000))
    for path in files:
        assert path.stat().st_mtime_ns == 1_000_000_000, path
        assert path.read_bytes() == before[path] or path.name == ".curator-export.json"


def test_a_posts_digest_changes_with_every_field_a_file_shows():
    post = Post(
        id=1, item_id=1, slug="a", title="T", body_markdown="B", body_html="<p>B</p>",
        source_url="https://s.example/a", source_name="S", tags=("t",), editor="e",
        published_at=START, updated_at=START, image_url=None, retracted_at=None,
        related_slugs=("b",),
    )  # fmt: skip
    other = {int: 2, str: "x", tuple: ("x",), datetime: START + timedelta(1), type(None): "x"}

    def digest(changed: Post) -> str:
        return build_site(SITE, [changed, post_b]).posts[0].digest

    post_b = dataclasses.replace(post, id=2, slug="b", related_slugs=())
    before = digest(post)
    for field in dataclasses.fields(Post):
        if field.name == "retracted_at":
            continue  # a retracted post has no view at all
        value = getattr(post, field.name)
        changed = dataclasses.replace(post, **{field.name: other[type(value)]})
        shown = field.name not in {"item_id", "body_markdown"}
        assert (digest(changed) != before) == shown, field.name
    # and the title of a post it links to
    renamed = dataclasses.replace(post_b, title="Renamed")
    assert build_site(SITE, [post, renamed]).posts[0].digest != before
    # and its tags' labels, which are the first spelling among all posts (newest first)
    spelt = dataclasses.replace(post, tags=("Climate",))
    newer = dataclasses.replace(post_b, published_at=START + timedelta(1), tags=("climate",))
    untagged = dataclasses.replace(newer, tags=())
    assert build_site(SITE, [newer, spelt]).posts[1].tags[0].label == "climate"
    assert (
        build_site(SITE, [newer, spelt]).posts[1].digest
        != build_site(SITE, [untagged, spelt]).posts[1].digest
    )


def test_edit_rewrites_its_page_and_the_feeds_only(config: Config, store: Store, now: datetime):
    ids = add_three(store)
    export(config, store, now)
    edit_post(
        store, ids[1], body_html="<p>Corrected figures.</p>", updated_at=START + timedelta(days=2)
    )
    report = export(config, store, now)
    assert "atom.xml" in report.written and "feed.json" in report.written
    posts_written = [p for p in report.written if p.startswith("posts/")]
    assert posts_written == [f"posts/post-{_n(store, ids[1])}.html"]
    assert "Corrected figures." in (out(config) / posts_written[0]).read_text()


HOSTILE_TITLE = "<script>alert('t')</script> ]]> \x00\x07\x1b\x85 \u202eevil\ufffe \U0001f600 & <b>"
HOSTILE_BODY = (
    '<p onclick="x()">Hi <a href="javascript:alert(1)">click</a> '
    '<a href=" JaVaScRiPt:alert(2)">two</a> <img src="x" onerror="alert(3)">'
    "<script>alert(4)</script><style>body{}</style>]]> <![CDATA[ x ]]> \x00\x0b</p>"
    '<iframe src="https://evil.example"></iframe><a href="data:text/html,hi">d</a>'
)


def test_hostile_text_comes_out_harmless_and_well_formed(
    config: Config, store: Store, now: datetime, atom_schema: etree.RelaxNG
):
    add_post(
        store,
        HOSTILE_TITLE,
        body_html=HOSTILE_BODY,
        body_markdown=HOSTILE_BODY,
        source_url="javascript:alert(5)",
        source_name="<i>Evil</i>\x01",
        image_url="javascript:alert(6)",
        tags=["<b>x</b>", "../../etc", "\x07"],
        editor="<e>",
    )
    export(config, store, now)
    folder = out(config)
    assert all(folder in p.resolve().parents for p in folder.rglob("*"))
    for name in (*FEEDS, *[str(p.relative_to(folder)) for p in (folder / "tags").glob("*.xml")]):
        raw = (folder / name).read_bytes()
        document = etree.fromstring(raw)  # well-formed, or this raises
        assert feedparser.parse(raw).bozo == 0, name
        html_nodes = document.iter(*HTML_ELEMENTS)
        assert [assert_harmless_html(node.text or "") for node in html_nodes]
        for node in document.iter("{http://www.w3.org/2005/Atom}title", "title"):
            assert "\x00" not in (node.text or "") and "\x07" not in (node.text or "")
        entry = feedparser.parse(raw).entries[0]
        # Plain text: tags dropped, invisible controls gone (test_export_validity.py).
        assert entry.title == "alert('t') ]]> evil \U0001f600 &"
    assert atom_schema.validate(etree.parse(str(folder / "atom.xml"))), atom_schema.error_log
    feed = json.loads((folder / "feed.json").read_text(encoding="utf-8"))
    assert_harmless_html(feed["items"][0]["content_html"])
    assert "\x00" not in json.dumps(feed) and "external_url" not in feed["items"][0]
    for page in folder.rglob("*.html"):
        assert_harmless_page(page.name, page.read_text(encoding="utf-8"))


HTML_ELEMENTS = (
    "{http://www.w3.org/2005/Atom}content",
    "description",
    "{http://purl.org/rss/1.0/modules/content/}encoded",
)


def assert_harmless_page(name: str, text: str) -> None:
    """A page of the site: harmless, but for search.html's two scripts (from files)."""
    if name == "search.html":
        scripts = lxml.html.fromstring(text).xpath("//script")
        sources = [(s.get("src"), s.text) for s in scripts]
        assert sources in ([], [("pagefind/pagefind-ui.js", None), ("search.js", None)])
        text = text.replace("<script", "<x-script")
    assert_harmless_html(text)


def assert_harmless_html(markup: str) -> None:
    tree = lxml.html.fromstring(f"<div>{markup}</div>")
    assert not tree.xpath("//script | //iframe | //style | //object | //embed")
    for element in tree.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (name, value)
            if name in ("href", "src"):
                scheme = value.strip().split(":", 1)[0].lower() if ":" in value else ""
                assert scheme in ("", "http", "https", "mailto"), value
    assert "\x00" not in markup and "\x07" not in markup


SITE = SiteSettings(
    title="T",
    description="D",
    base_url="https://example.org/",
    author="Org",
    author_mode="editor",
    feed_size=10,
    language="en",
    tag_domain="example.org,2026",
)
_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    titles=st.lists(_text, min_size=1, max_size=3),
    bodies=st.lists(_text, min_size=1, max_size=3),
    tags=st.lists(_text, max_size=3),
)
def test_any_title_or_body_gives_valid_harmless_exports(titles, bodies, tags, atom_schema):
    posts = [
        Post(
            id=i + 1,
            item_id=i + 1,
            slug=f"p{i}",
            title=title,
            body_markdown=body,
            body_html=f"<p>{body}</p>",
            source_url="https://s.example/a",
            source_name=body[:9],
            tags=tuple(tags),
            editor=title[:5],
            published_at=START + timedelta(hours=i),
            updated_at=START + timedelta(hours=i),
            related_slugs=("p0",),
        )
        for i, (title, body) in enumerate(zip(titles, bodies * 3, strict=False))
    ]
    files = render_all(build_export(SITE, posts[::-1], START))
    for name, data in files.items():
        if name == "sitemap.xml":
            assert etree.fromstring(data).tag.endswith("urlset")
        elif name.endswith(".xml"):
            assert feedparser.parse(data).bozo == 0, name
            if name == "atom.xml":
                assert atom_schema.validate(etree.fromstring(data).getroottree())
        elif name.endswith(".html"):
            assert_harmless_page(name, data.decode("utf-8"))
    items = json.loads(files["feed.json"])["items"]
    assert len(items) == len(posts)
    for item in items:
        assert_harmless_html(item["content_html"])


_URL_BITS = [
    "/", "?", "#", "@", "[", "]", ":", ":80", "::1", "a.example", "-", ".", "x", "0", "%2F",
    "'", "<", "é", "ı", "İ", "ſ", "\u212a", "\uff03", "\x7f", " ", "\t", "\u00a0", "\u2028", "",
]  # fmt: skip
_urls = st.tuples(
    st.sampled_from(["http", "HTTPS", "javascript", "", "httpſ", "HTTPſ", "ſ"]),
    st.sampled_from(["://", "://", ":", ":///"]),
    st.lists(st.sampled_from(["a.example", "x", ":80", "@", "[", "::1", "é", " "]), max_size=2),
    st.lists(st.sampled_from(_URL_BITS), max_size=6),
).map(lambda parts: parts[0] + parts[1] + "".join(parts[2]) + "".join(parts[3]))


@settings(max_examples=500, deadline=None)
@given(_urls)
def test_the_web_url_shortcut_gives_urlsplits_answer(url: str):
    assert web_url(url) == checked_web_url(plain(url).strip())


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example.com/a?b=1#c", "https://news.example.com/a?b=1#c"),
        ("HTTP://A.EXAMPLE:8080", "HTTP://A.EXAMPLE:8080"),
        ("https://[::1]/", "https://[::1]/"),
        ("https://user@host.example/", "https://user@host.example/"),
        ("https://ex ample.com/", None),
        ("https://a.example/x y", None),
        ("https://a.example/x\u2028y", None),
        ("https://[::1/", None),
        ("javascript:alert(1)", None),
        ("httpſ://a.example/", None),  # "ſ" is "s" only to a case-blind Unicode regex
        ("https:///path", None),
        ("//host.example/", None),
    ],
)
def test_web_url_keeps_only_absolute_http_urls(url: str, expected: str | None):
    assert web_url(url) == expected


def test_atomic_write_never_shows_half_a_file(tmp_path: Path):
    path = tmp_path / "feed.xml"
    versions = (b"A" * 2_000_000, b"B" * 3_000_000)
    write_atomic(path, versions[0])
    seen: set[bytes] = set()
    whole: list[bool] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            data = path.read_bytes()
            seen.add(data[:1] + str(len(data)).encode())
            whole.append(data in versions)

    reader = threading.Thread(target=read)
    reader.start()
    for i in range(40):
        write_atomic(path, versions[i % 2])
    stop.set()
    reader.join()
    assert seen <= {b"A2000000", b"B3000000"} and len(whole) > 1 and all(whole)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


def test_sync_refuses_paths_outside_the_folder(tmp_path: Path):
    with pytest.raises(ExportError, match="outside the export folder"):
        sync_folder(tmp_path / "out", {"../escape.html": Output("k", lambda: b"x")})
    assert not (tmp_path / "escape.html").exists()


def test_bad_base_url_or_tag_domain_is_a_config_error(
    make_config: Callable[..., Config], store: Store, now: datetime
):
    with pytest.raises(ConfigError, match=r"export\.base_url"):
        export(make_config(export={"base_url": "ftp://x"}), store, now)
    with pytest.raises(ConfigError, match=r"export\.tag_domain"):
        export(make_config(export={"tag_domain": "example.org"}), store, now)


def test_empty_database_exports_valid_empty_feeds(
    config: Config, store: Store, now: datetime, atom_schema: etree.RelaxNG
):
    export(config, store, now)
    assert atom_schema.validate(etree.parse(str(out(config) / "atom.xml")))
    assert feedparser.parse((out(config) / "rss.xml").read_bytes()).bozo == 0
    assert "Nothing published yet" in (out(config) / "index.html").read_text()


def test_two_exports_at_once_both_finish(config: Config, store: Store, now: datetime):
    add_three(store)
    errors: list[BaseException] = []

    def run() -> None:
        other = Store.open(config.curator.database)
        try:
            export_site(config, other, now)
        except BaseException as e:  # collected for the assertion below
            errors.append(e)
        finally:
            other.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert feedparser.parse((out(config) / "atom.xml").read_bytes()).bozo == 0


def _n(store: Store, post_id: int) -> str:
    return store.db["posts"].get(post_id)["slug"].removeprefix("post-")


def test_export_times_are_utc(config: Config, store: Store):
    add_post(store, "Times", published_at=datetime(2026, 11, 2, 23, 30, tzinfo=UTC))
    export(config, store, datetime(2026, 12, 1, tzinfo=UTC))
    assert "2026-11-02T23:30:00+00:00" in (out(config) / "atom.xml").read_text()


def test_related_posts_are_chosen_once_and_rechosen_when_one_is_retracted(
    config: Config, store: Store, now: datetime
):
    first = add_post(
        store,
        "Fentanyl test strips prevent overdoses",
        body_markdown="Drug checking with fentanyl test strips.",
        tags=["overdose"],
    )
    second = add_post(
        store,
        "States make fentanyl test strips legal",
        body_markdown="Fentanyl test strips are no longer paraphernalia.",
    )
    add_post(store, "Teen drinking falls", body_markdown="Alcohol surveys of teenagers.")
    latest = add_post(
        store,
        "Where to find fentanyl test strips",
        body_markdown="Pharmacies hand out fentanyl test strips.",
        tags=["overdose"],
    )
    report = export(config, store, now)
    assert report.related_chosen == 4
    stored = json.loads(store.db["posts"].get(latest)["related"])
    assert stored == [f"post-{_n(store, first)}", f"post-{_n(store, second)}"]
    page = (out(config) / f"posts/post-{_n(store, latest)}.html").read_text()
    assert f'href="post-{_n(store, first)}.html"' in page and "Related posts" in page
    assert export(config, store, now).related_chosen == 0
    edit_post(store, first, retracted_at=START + timedelta(days=9))
    assert export(config, store, now).related_chosen == 2  # `second` and `latest` named it
    assert json.loads(store.db["posts"].get(latest)["related"]) == [f"post-{_n(store, second)}"]
    assert json.loads(store.db["posts"].get(second)["related"]) == []


def test_an_output_whose_key_did_not_change_is_not_rendered_again(tmp_path: Path):
    calls: list[str] = []

    def outputs(key: str) -> dict[str, Output]:
        def render(text: str) -> Callable[[], bytes]:
            return lambda: calls.append(text) or text.encode()

        return {"a.html": Output(key, render("a")), "b.html": Output("b", render("b"))}

    sync_folder(tmp_path, outputs("a1"))
    result = sync_folder(tmp_path, outputs("a1"))
    assert calls == ["a", "b"] and result.written == () and result.unchanged == 2
    (tmp_path / "a.html").write_bytes(b"changed by hand")  # no longer as the manifest says
    result = sync_folder(tmp_path, outputs("a1"))
    assert result.written == ("a.html",) and (tmp_path / "a.html").read_bytes() == b"a"
    result = sync_folder(tmp_path, outputs("a2"))  # a new key, the same bytes: not written
    assert result.written == () and calls == ["a", "b", "a", "a"]


def test_an_export_with_nothing_changed_does_not_read_the_posts(
    config: Config, store: Store, now: datetime
):
    ids = add_three(store)
    export(config, store, now)
    export(config, store, now)  # related posts were chosen in the first: this one settles
    store.db.execute("UPDATE posts SET body_html = '<p>sneaky</p>' WHERE id = ?", [ids[0]])
    quiet = export(config, store, now)  # the state did not move, so the posts were not read
    assert quiet.written == () and quiet.posts == 3 and quiet.unchanged > 10
    edit_post(store, ids[0], updated_at=START + timedelta(days=5))
    assert export(config, store, now).written  # an edit moves `updated_at`: a real export
    (out(config) / "index.html").unlink()
    assert export(config, store, now).written == ("index.html",)  # a file gone: restored


def test_an_export_sweeps_the_temporary_files_a_killed_one_left(
    config: Config, store: Store, now: datetime
):
    add_three(store)
    export(config, store, now)
    folder = out(config)
    left = [folder / ".tmp-4242-1-atom.xml", folder / "posts" / ".tmp-4242-1-post-9.html"]
    for path in left:
        path.write_bytes(b"<half")
    (folder / ".tmp-notes").write_text("someone else's")
    edit_post(store, 1, updated_at=START + timedelta(days=30))  # so that the export runs
    export(config, store, now)
    assert not any(path.exists() for path in left)
    assert (folder / ".tmp-notes").read_text() == "someone else's"


@pytest.fixture
def one_worker() -> Iterator[Helpers]:
    """One worker process for any size of export; closed after the test."""
    helpers = Helpers(workers=1, threshold=1)
    try:
        yield helpers
    finally:
        helpers.close()


def test_post_pages_written_by_a_worker_process_equal_those_written_here(
    config: Config,
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    one_worker: Helpers,
):
    add_three(store)
    for n in range(6):
        add_post(store, f"Naloxone in school {n}", tags=["overdose"])
    monkeypatch.setattr(pool, "CHUNK", 1)  # 9 chunks: the worker is fed again and again
    posts = store.exports.published_posts()
    settings_ = SiteSettings.from_config(config)
    here = sync_folder(tmp_path / "here", build_export(settings_, posts, START))
    pooled = sync_folder(
        tmp_path / "pooled",
        build_export(settings_, posts, START),
        batch=PageBatch(settings_, posts, one_worker),
    )
    assert pooled.written == here.written and len(here.written) > 9
    for relative in here.written:
        expected = (tmp_path / "here" / relative).read_bytes()
        assert (tmp_path / "pooled" / relative).read_bytes() == expected, relative


def test_a_page_the_worker_cannot_write_is_one_export_error_and_stops_the_feeding(
    config: Config,
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog,
    one_worker: Helpers,
):
    for n in range(8):
        add_post(store, f"Naloxone in school {n}", tags=["overdose"])
    monkeypatch.setattr(pool, "CHUNK", 1)
    posts = store.exports.published_posts()
    settings_ = SiteSettings.from_config(config)
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "posts").write_text("a file where the folder should be")
    with pytest.raises(ExportError, match=r"posts/.*\.html"):
        sync_folder(folder, build_export(settings_, posts, START),
                    batch=PageBatch(settings_, posts, one_worker))  # fmt: skip
    assert "exception calling callback" not in caplog.text
    assert (folder / "posts").read_text() == "a file where the folder should be"
    assert not (folder / "index.html").exists(), "nothing links to pages that are not there"
