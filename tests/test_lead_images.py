"""A post's lead image is made ours at publish time: fetched through the guarded client,
re-encoded by Pillow at 2-3 widths, served from the export with srcset, size and alt."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import lxml.html
import pytest
from desk_factory import add_item
from export_helpers import photo
from PIL import Image
from pytest_httpserver import HTTPServer
from rich.console import Console

from curator.cli import desk_views
from curator.config import Config
from curator.desk import actions, draftfile, states
from curator.desk.images import ImageRefused, prepare_lead_image, renditions_of
from curator.desk.publish import ImageChoice, preview_post, publish_item
from curator.desk.states import Action
from curator.site.run import export_site
from curator.store import Store


def drafted(store: Store, now: datetime, image_url: str | None) -> int:
    """An item in review with a draft, as `curator annotate` leaves it."""
    item = add_item(store.db, now, image_url=image_url)
    change = states.decide(store.items.get(item), Action.SAVE_DRAFT, "ana", now)
    store.drafts.save(change, "Naloxone in schools", ("overdose",), "Kits save lives.\n")
    return item


def test_publish_fetches_the_lead_image_and_the_export_serves_our_copies(
    config: Config, store: Store, now: datetime, httpserver: HTTPServer
):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make: metadata a stranger's file carries
    served = photo(1600, 900, exif=exif.tobytes())
    httpserver.expect_request("/kit.jpg").respond_with_data(served, content_type="image/jpeg")
    item = drafted(store, now, httpserver.url_for("/kit.jpg"))
    choice = ImageChoice(alt="A naloxone kit on a school desk")
    published = publish_item(store, config, item, "ana", now, image=choice)
    assert published.image_problem is None
    image = published.post.image
    assert image is not None and image.sizes == ((480, 270), (800, 450), (1200, 675))
    export_site(config, store, now)
    folder = Path(config.export.out_dir)
    page = lxml.html.parse(str(folder / "posts" / f"{published.post.slug}.html")).getroot()
    (img,) = page.xpath("//figure[@class='lead']/img")
    assert img.get("alt") == "A naloxone kit on a school desk"
    assert (img.get("width"), img.get("height")) == ("800", "450")
    sources = [part.split() for part in img.get("srcset").split(", ")]
    assert [w for _, w in sources] == ["480w", "800w", "1200w"]
    for path, _ in sources:
        data = (folder / "posts" / path).read_bytes()
        assert data != served and b"SecretCam" not in data
        assert Image.open(io.BytesIO(data)).format == "JPEG"
    assert page.xpath("//figure[@class='lead']/figcaption")[0].text == "Image: NIDA News"
    og = page.xpath("//meta[@property='og:image']")[0].get("content")
    assert og.startswith("https://example.org/news/images/") and og.endswith("-1200.jpg")
    index = lxml.html.parse(str(folder / "index.html")).getroot()
    assert index.xpath("//img[@class='thumb']")[0].get("alt") == "A naloxone kit on a school desk"


def test_a_private_address_is_refused_unless_config_allows(
    make_config, store: Store, now: datetime, httpserver: HTTPServer
):
    httpserver.expect_request("/kit.jpg").respond_with_data(photo(), content_type="image/jpeg")
    strict = make_config(network={"allow_private_networks": False})
    prepared = prepare_lead_image(strict, httpserver.url_for("/kit.jpg"), "", "", now)
    assert prepared.image is None and "blocked" in (prepared.problem or "")
    assert httpserver.log == []  # nothing was even asked


def test_a_page_or_a_tiny_pixel_is_not_a_lead_image(
    config: Config, now: datetime, httpserver: HTTPServer
):
    httpserver.expect_request("/page").respond_with_data("<html>", content_type="text/html")
    httpserver.expect_request("/pixel.gif").respond_with_data(
        photo(1, 1, "GIF"), content_type="image/gif"
    )
    for path, why in (("/page", "is text/html, not an image"), ("/pixel.gif", "too small")):
        prepared = prepare_lead_image(config, httpserver.url_for(path), "", "", now)
        assert prepared.image is None and why in (prepared.problem or ""), prepared.problem
    with pytest.raises(ImageRefused, match="not an image Pillow can read"):
        renditions_of(b"\x89PNG\r\n\x1a\n broken", "https://img.example.com/x.png")


def test_a_post_without_an_image_has_no_figure_and_no_orphan_caption(
    config: Config, store: Store, now: datetime
):
    item = drafted(store, now, None)
    published = publish_item(store, config, item, "ana", now)
    assert published.post.image is None and published.image_problem is None
    export_site(config, store, now)
    html = (Path(config.export.out_dir) / "posts" / f"{published.post.slug}.html").read_text()
    assert "<figure" not in html and "Image:" not in html and "og:image" not in html
    assert 'name="twitter:card" content="summary"' in html


def test_the_alt_text_is_asked_for_in_the_drafts_header(
    config: Config, store: Store, now: datetime, httpserver: HTTPServer
):
    httpserver.expect_request("/kit.jpg").respond_with_data(photo(), content_type="image/jpeg")
    item = add_item(store.db, now, image_url=httpserver.url_for("/kit.jpg"))
    start = draftfile.template(store.items.get(item), None, [], "NIDA News")
    assert "\nAlt: \n---\n" in start  # the editor is asked, in the simple header
    written = start.replace("\nAlt: \n", "\nAlt: A kit in a locker\n")
    text = draftfile.parse(written, "fallback", "draft.md")
    assert text.image_alt == "A kit in a locker"
    actions.save_draft(
        store, config, item, "ana", now,
        title=text.title, tags=text.tags, body=text.body, image_alt=text.image_alt,
    )  # fmt: skip
    draft = store.drafts.latest(item)
    assert draft.image_alt == "A kit in a locker"
    again = draftfile.template(store.items.get(item), draft, [], "NIDA News")
    assert "\nAlt: A kit in a locker\n---\n" in again  # the next edit starts from it
    published = publish_item(store, config, item, "ana", now)
    assert published.post.image is not None
    assert published.post.image.alt == "A kit in a locker"


def test_the_alt_text_still_reads_from_toml_front_matter() -> None:
    written = '+++\ntitle = "T"\ntags = ["a"]\nimage_alt = "A kit in a locker"\n+++\nBody.\n'
    text = draftfile.parse(written, "fallback", "draft.md")
    assert (text.title, text.tags, text.image_alt) == ("T", ("a",), "A kit in a locker")
    assert text.body.strip() == "Body."


def previewed(config: Config, store: Store, item: int) -> str:
    """The review's [p] preview of the item's draft, as the editor's terminal shows it."""
    console = Console(record=True, width=100, force_terminal=False)
    console.print(desk_views.post_preview(preview_post(store, config, item)[0]))
    return console.export_text()


def test_the_review_preview_shows_the_lead_image_its_alt_text_and_credit(
    config: Config, store: Store, now: datetime
):
    item = add_item(store.db, now, image_url="https://news.example.org/kit.jpg")
    change = states.decide(store.items.get(item), Action.SAVE_DRAFT, "ana", now)
    store.drafts.save(change, "Naloxone in schools", (), "Kits.\n", "A kit in a locker")
    shown = previewed(config, store, item)
    assert "Lead image (fetched on publishing): https://news.example.org/kit.jpg" in shown
    assert "Alt: A kit in a locker" in shown and "Image: NIDA News" in shown
    change = states.decide(store.items.get(item), Action.SAVE_DRAFT, "ana", now)
    store.drafts.save(change, "Naloxone in schools", (), "Kits.\n")  # v2: no alt text
    assert "Alt: none yet (an Alt: line in the draft)" in previewed(config, store, item)


def test_the_review_preview_of_a_post_without_an_image_names_none(
    config: Config, store: Store, now: datetime
):
    item = drafted(store, now, None)
    shown = previewed(config, store, item)
    assert "Kits save lives." in shown and "Lead image" not in shown and "Image:" not in shown
