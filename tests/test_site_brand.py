"""The site is the organisation's: its name, logo, colours and pages; names readers
know; quotes credited; the crisis line where a post needs it; tags for sharing."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import lxml.html
import pytest
from export_helpers import START, add_post, photo

from curator import config as config_module
from curator.config import Config
from curator.contrast import contrast_ratio
from curator.errors import ConfigError
from curator.site.run import export_site
from curator.store import Store
from curator.store.times import to_db


def page(folder: Path, name: str) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(folder / name)).getroot()


@pytest.fixture
def brand_config(tmp_path: Path, make_config) -> Config:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "about.md").write_text("# About us\n\nWe help *families*.\n<script>x</script>\n")
    (pages / "donate.md").write_text("# Give\n\nEvery gift helps.\n")
    (pages / "privacy.md").write_text("We keep no cookies.\n")
    (tmp_path / "logo.png").write_bytes(photo(240, 80, "PNG"))
    config = make_config(
        site={"organisation": "Harbor Families", "logo": "logo.png", "pages": "pages",
              "accent": "#005a9c", "editors": {"ana": "Ana Ruiz"},
              "sources": {"pubmed-oud": "PubMed"}},
    )  # fmt: skip
    return config


@pytest.fixture
def branded(brand_config: Config, store: Store, now: datetime) -> Path:
    config = brand_config
    add_post(
        store, "Overdose deaths fall in Ohio", editor="ana", source_name="pubmed-oud",
        body_html="<p>Good news.</p><blockquote><p>Deaths fell by a third.</p></blockquote>",
        tags=["overdose"], published_at=START, slug="deaths-fall",
    )  # fmt: skip
    add_post(
        store, "Recovery housing grants open", editor="zed", tags=["recovery"],
        published_at=START + timedelta(days=2), slug="housing-grants",
    )  # fmt: skip
    add_post(
        store, "Overdose deaths fall in Ohio again", tags=["overdose"],
        published_at=START + timedelta(days=3), slug="deaths-fall-again",
    )  # fmt: skip
    export_site(config, store, now)
    return Path(config.export.out_dir)


def test_a_colour_without_aa_contrast_stops_start_up_naming_the_key():
    with pytest.raises(ConfigError) as caught:
        config_module.from_mapping({"site": {"dark_accent": "#333333"}})
    message = str(caught.value)
    assert message.startswith("config: site.dark_accent: #333333 on site.dark_background")
    assert "below the 4.5:1" in message and "\n" not in message
    with pytest.raises(ConfigError, match=r"site\.text: 'navy' is not a colour"):
        config_module.from_mapping({"site": {"text": "navy"}})
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0


def test_header_footer_and_titles_carry_the_organisation_not_the_software(branded: Path):
    index = page(branded, "index.html")
    assert index.findtext(".//title") == "Addiction and recovery news for families"
    assert index.xpath("string(//a[@class='brand'])").strip() == "Harbor Families"
    logo = index.xpath("//a[@class='brand']/img")[0]
    assert (logo.get("src"), logo.get("width"), logo.get("height")) == ("logo.png", "240", "80")
    assert (branded / "logo.png").read_bytes()[:4] == b"\x89PNG"
    header = [(a.text, a.get("href"), a.get("class")) for a in index.xpath("//header//nav//a")]
    assert header == [
        ("About us", "about.html", None),
        ("Search", "search.html", None),
        ("Give", "donate.html", "button"),
    ]
    footer = [a.text for a in index.xpath("//footer//ul[@class='pages']//a")]
    assert footer == ["About us", "Give", "privacy"]
    about = page(branded, "about.html")
    assert about.findtext(".//h1") == "About us" and not about.xpath("//script")
    for name in ("index.html", "about.html", "posts/deaths-fall.html", "tags/overdose.html"):
        assert "Curator" not in page(branded, name).findtext(".//title")
    css = (branded / "style.css").read_text()
    assert "--accent: #005a9c;" in css and "prefers-color-scheme: dark" in css


def test_readers_see_names_not_logins(branded: Path):
    post = page(branded, "posts/deaths-fall.html")
    assert "By Ana Ruiz" in post.xpath("string(//p[@class='meta'])")
    assert "from PubMed" in post.xpath("string(//p[@class='source'])")
    other = page(branded, "posts/housing-grants.html")  # "zed" is not in [site.editors]
    assert "By Curator editors" in other.xpath("string(//p[@class='meta'])")
    assert "zed" not in lxml.html.tostring(other, encoding="unicode")


def test_quotes_are_credited_and_overdose_posts_carry_the_crisis_line(branded: Path):
    post = page(branded, "posts/deaths-fall.html")
    (quote,) = post.xpath("//figure[@class='quote']")
    assert quote.findtext("blockquote/p") == "Deaths fell by a third."
    assert quote.findtext("figcaption") == "Quoted from PubMed"
    excerpts = page(branded, "index.html").xpath("//p[@class='excerpt']/text()")
    assert "Good news." in excerpts and not any("Deaths fell" in e for e in excerpts)
    banner = post.xpath("string(//p[@class='crisis'])")
    assert "call or text 988" in banner
    later = page(branded, "posts/housing-grants.html")
    assert not later.xpath("//p[@class='crisis']")  # on housing: no banner
    again = page(branded, "posts/deaths-fall-again.html")
    (related,) = again.xpath("//aside[@class='related']//li")  # shown with its date
    assert related.find("a").text == "Overdose deaths fall in Ohio"
    assert related.find("time").text == "November 1, 2026"


def test_every_page_has_sharing_tags_a_canonical_link_and_is_in_the_sitemap(branded: Path):
    post = page(branded, "posts/deaths-fall.html")
    meta = {m.get("property") or m.get("name"): m.get("content") for m in post.iter("meta")}
    url = "https://example.org/news/posts/deaths-fall.html"
    assert post.xpath("//link[@rel='canonical']")[0].get("href") == url
    assert meta["og:url"] == url and meta["og:title"] == "Overdose deaths fall in Ohio"
    assert meta["og:type"] == "article" and meta["og:site_name"] == "Harbor Families"
    assert meta["twitter:card"] == "summary" and meta["og:description"]
    sitemap = (branded / "sitemap.xml").read_text()
    for name in ("index.html", "about.html", "posts/deaths-fall.html", "tags/overdose.html"):
        assert f"<loc>https://example.org/news/{name}</loc>" in sitemap
    assert "Sitemap: https://example.org/news/sitemap.xml" in (branded / "robots.txt").read_text()


def test_tag_counts_sit_inside_their_pills(branded: Path):
    pill = page(branded, "index.html").xpath("//nav[@class='tags']//a")[0]
    assert pill.xpath("string(.)") == "overdose 2 posts"
    assert pill.find("span").get("class") == "count"


def test_a_missing_logo_or_pages_folder_is_a_one_line_error_naming_the_key(
    make_config, store: Store, now: datetime, tmp_path: Path
):
    (tmp_path / "logo.gif").write_bytes(b"GIF89a")
    for site, key in (({"logo": "nope.png"}, "site.logo"), ({"logo": "logo.gif"}, "site.logo"),
                      ({"pages": "nowhere"}, "site.pages")):  # fmt: skip
        with pytest.raises(ConfigError, match=f"^config: {key}: "):
            export_site(make_config(site=site), store, now)


def test_search_lists_every_post_and_the_index_follows_the_post_pages(
    branded: Path, brand_config: Config, store: Store, now: datetime
):
    listed = [a.text for a in page(branded, "search.html").xpath("//ol[@class='every-post']//a")]
    assert listed == ["Overdose deaths fall in Ohio again", "Recovery housing grants open",
                      "Overdose deaths fall in Ohio"]  # fmt: skip
    entry = branded / "pagefind" / "pagefind-entry.json"
    assert '"page_count":3' in entry.read_text()
    (branded / "pagefind" / ".curator-indexed").write_text("other pages")  # a stale index
    config = brand_config
    export_site(config, store, now)  # nothing else changed: the index is made again
    assert (branded / "pagefind" / ".curator-indexed").read_text() != "other pages"
    for post in store.posts.list():
        store.db["posts"].update(post.id, {"retracted_at": to_db(now)})
    export_site(config, store, now)
    assert not (branded / "pagefind").exists()
    assert "Nothing published yet." in (branded / "search.html").read_text()
