"""`curator publish | retract | posts`: drafts become sanitised posts with credit."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from desk_factory import add_item, write_config

from curator.cli.main import cli
from curator.config import Config
from curator.desk.markdown import render_markdown
from curator.desk.publish import publish_item, slugify
from curator.errors import InvalidTransition, PostNotFound, ReviewError, StaleItem
from curator.store import Store

Run = Callable[..., Result]
BODY = (
    "Schools that stock naloxone save lives.\n\n"
    "<script>alert(1)</script>\n\n[bad](javascript:alert(1)) *Talk* to your teen.\n\n"
    "Read the full report: [the study](https://news.example.org/study) (NIDA News)\n"
)


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[Store, Run]]:
    config = write_config(tmp_path)
    store = Store.open(tmp_path / "curator.db")

    def run(*args: str, editor: str = "ana", input: str | None = None) -> Result:
        env = {"CURATOR_EDITOR": editor}
        return CliRunner(env=env).invoke(cli, ["--config", str(config), *args], input=input)

    yield store, run
    store.close()


def drafted(store: Store, run: Run, body: str = BODY, title: str = "Naloxone in schools") -> int:
    item = add_item(store.db, datetime.now(UTC), image_url="https://news.example.org/kit.jpg")
    result = run("annotate", str(item), "--title", title, "--tag", "schools", "--body-file", "-",
                 input=body)  # fmt: skip
    assert result.exit_code == 0, result.output
    return item


def test_publish_makes_a_sanitised_post_with_credit_slug_and_editor(
    desk: tuple[Store, Run], tmp_path: Path
) -> None:
    store, run = desk
    item = drafted(store, run)
    result = run("publish", str(item))
    assert result.exit_code == 0, result.output
    assert "published item" in result.output and "naloxone-in-schools" in result.output
    assert "exported 1 post(s)" in result.output
    assert "naloxone-in-schools" in (tmp_path / "export" / "atom.xml").read_text()
    (post,) = store.posts.list()
    assert (post.slug, post.title, post.tags, post.editor) == (
        "naloxone-in-schools", "Naloxone in schools", ("schools",), "ana",
    )  # fmt: skip
    assert post.source_name == "NIDA News" and post.source_url.startswith(
        "https://news.example.org/"
    )
    assert post.image_url == "https://news.example.org/kit.jpg"
    assert "<script" not in post.body_html and 'href="javascript' not in post.body_html
    assert "<em>Talk</em>" in post.body_html
    assert store.items.get(item).state.value == "published"
    assert store.items.history(item)[-1].note == "as naloxone-in-schools (draft v1)"
    assert [row["slug"] for row in json.loads(run("posts", "--json").output)] == [post.slug]


def test_the_same_title_gets_a_distinct_stable_slug(desk: tuple[Store, Run]) -> None:
    store, run = desk
    first, second = drafted(store, run), drafted(store, run)
    run("publish", str(first))
    run("publish", str(second))
    assert {p.slug for p in store.posts.list()} == {
        "naloxone-in-schools", f"naloxone-in-schools-{second}",
    }  # fmt: skip


def test_a_publish_leaves_the_search_index_to_the_next_export(desk: tuple[Store, Run]) -> None:
    store, run = desk
    first, second = drafted(store, run), drafted(store, run, title="Recovery housing")
    assert "search:" not in run("publish", str(first)).output  # a new site is indexed at once
    published = run("publish", str(second))
    assert "search: finds it after the next export" in published.output
    assert "the index was made again" in run("export").output
    assert "the index was up to date" in run("export").output


def test_stigmatising_terms_hold_the_post_until_allowed(desk: tuple[Store, Run]) -> None:
    store, run = desk
    item = drafted(store, run, body="The addict found help.\n")
    held = run("publish", str(item))
    assert isinstance(held.exception, ReviewError) and "--allow-terms" in str(held.exception)
    assert '"addict" -> consider' in held.output
    assert store.posts.list() == [] and store.items.get(item).state.value == "drafted"
    assert run("publish", str(item), "--allow-terms").exit_code == 0


def test_publishing_a_rejected_item_is_refused_and_changes_nothing(
    desk: tuple[Store, Run],
) -> None:
    store, run = desk
    item = drafted(store, run)
    run("reject", str(item), "--reason", "off topic")
    result = run("publish", str(item))
    assert isinstance(result.exception, InvalidTransition)
    assert "cannot publish an item that is rejected" in str(result.exception)
    assert store.posts.list() == []


def test_another_editors_claim_blocks_publishing(desk: tuple[Store, Run]) -> None:
    store, run = desk
    item = drafted(store, run)
    result = run("publish", str(item), editor="ben")
    assert isinstance(result.exception, InvalidTransition) and "claimed by ana" in str(
        result.exception
    )


def test_a_stale_version_is_refused_even_for_an_item_no_editor_changed(
    store: Store, config: Config, now: datetime
) -> None:
    item = add_item(store.db, now)
    with pytest.raises(StaleItem, match=f"item {item} was changed by the pipeline"):
        publish_item(store, config, item, "ana", now, expected_version=99)
    assert store.posts.list() == []


def test_retract_takes_the_post_back(desk: tuple[Store, Run]) -> None:
    store, run = desk
    item = drafted(store, run)
    run("publish", str(item))
    result = run("retract", "naloxone-in-schools", "--reason", "study withdrawn")
    assert result.exit_code == 0, result.output
    assert store.posts.list() == [] and "exported 0 post(s)" in result.output
    (post,) = store.posts.list(include_retracted=True)
    assert post.retracted_at is not None
    assert store.items.get(item).state.value == "retracted"
    assert store.items.history(item)[-1].note == "study withdrawn"
    again = run("retract", "naloxone-in-schools")
    assert isinstance(again.exception, InvalidTransition)
    assert isinstance(run("retract", "no-such-post").exception, PostNotFound)


def test_slugify_is_ascii_and_short() -> None:
    assert slugify("Fentanyl: What Families Need to Know!") == "fentanyl-what-families-need-to-know"
    assert slugify("Café über naïve") == "cafe-uber-naive"
    assert len(slugify("word " * 40)) <= 70


def test_render_is_commonmark_and_safe() -> None:
    html = render_markdown('# Head\n\n<img src=x onerror="alert(1)"> **bold**\n\n- a\n- b\n')
    assert "<strong>bold</strong>" in html and "<li>a</li>" in html
    assert "onerror" not in html


def test_search_finds_posts_and_items_and_refuses_an_empty_query(desk: tuple[Store, Run]) -> None:
    store, run = desk
    item = drafted(store, run, title="Naloxone vending machines")
    run("publish", str(item))
    hits = json.loads(run("search", "naloxone", "--json").output)
    assert [h["kind"] for h in hits] == ["post", "item"]
    assert hits[0]["slug"] == "naloxone-vending-machines" and hits[0]["state"] == "published"
    assert str(run("search", "   ").exception) == "search: the query is empty"
