"""What an editor's first week found (issue 15), each as a spec: the crisis line and the
credit once, the simple draft header, short topic labels, a friendly editor, the
history as a story, search outside links, retract by id, extraction notes in `show`."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from desk_factory import add_item, write_config

from curator.cli.annotate import choose_editor, how_to_save
from curator.cli.desk import pager_keeps_colour
from curator.cli.desk_views import story
from curator.cli.main import cli
from curator.config.lists import Topic, topic_labels
from curator.desk import draftfile
from curator.desk.publish import with_crisis_line
from curator.desk.wording import needs_crisis_line
from curator.models import HistoryEvent, ItemState
from curator.store import Store

Run = Callable[..., Result]
CRISIS = "If you or someone you love is in crisis, call or text 988."


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[Store, Run]]:
    config = write_config(tmp_path)  # its crisis line: "Call or text 988."
    store = Store.open(tmp_path / "curator.db")

    def run(*args: str, editor: str = "ana", input: str | None = None) -> Result:
        runner = CliRunner(env={"CURATOR_EDITOR": editor})
        return runner.invoke(cli, ["--config", str(config), *args], input=input)

    yield store, run
    store.close()


# --- the crisis line, once ---------------------------------------------------------


def test_a_post_on_overdose_gets_the_crisis_line_once() -> None:
    body = "Naloxone reverses an overdose.\n"
    added = with_crisis_line(body, CRISIS)
    assert added.endswith(f"*{CRISIS}*\n") and added.count("988") == 1
    assert with_crisis_line(added, CRISIS) == added  # already there: not again


@pytest.mark.parametrize(
    "written",
    [f"*{CRISIS}*", f"> {CRISIS.upper()}", "If you or someone you love is in crisis,\ncall or "
     "text 988.", "Call or text **988** any time."],
    ids=["emphasis", "quoted in capitals", "wrapped", "its number"],
)  # fmt: skip
def test_the_crisis_line_written_any_way_counts(written: str) -> None:
    text = f"An overdose can happen anywhere.\n\n{written}\n"
    assert not needs_crisis_line(text, CRISIS)
    assert with_crisis_line(text, CRISIS) == text


def test_a_post_on_something_else_gets_no_crisis_line() -> None:
    assert with_crisis_line("Sober living homes need rules.\n", CRISIS).count("988") == 0


def test_a_publish_refused_for_another_reason_says_only_that(desk: tuple[Store, Run]) -> None:
    store, run = desk
    item = add_item(store.db, datetime.now(UTC))
    saved = run("annotate", str(item), "--body-file", "-", input="An overdose, and help.\n")
    assert saved.exit_code == 0 and "publishing adds the crisis line" in saved.stderr
    run("release", str(item))
    assert run("claim", str(item), editor="ben").exit_code == 0
    refused = run("publish", str(item))
    assert "claimed by ben" in str(refused.exception)
    assert refused.stderr == ""  # no note about the crisis line or the words before it


# --- the draft file ------------------------------------------------------------------


def test_the_draft_header_is_two_lines_and_a_rule() -> None:
    text = "Title: What it means\nTags: overdose, harm reduction\n---\n\nThe body.\n"
    parsed = draftfile.parse(text, "x", "f")
    assert (parsed.title, parsed.tags) == ("What it means", ("overdose", "harm reduction"))
    assert parsed.body.strip() == "The body."


def test_toml_front_matter_still_reads() -> None:
    text = '+++\ntitle = "Old style"\ntags = ["a"]\n+++\nBody.\n'
    parsed = draftfile.parse(text, "x", "f")
    assert (parsed.title, parsed.tags, parsed.body.strip()) == ("Old style", ("a",), "Body.")


def test_a_body_that_starts_like_a_header_is_still_a_body() -> None:
    text = "Title: not a header, no rule follows\nJust words.\n"
    parsed = draftfile.parse(text, "Fallback", "f")
    assert parsed.title == "Fallback" and parsed.body.startswith("Title: not a header")


def test_the_header_written_reads_back_whatever_the_title() -> None:
    text = draftfile.DraftText(
        "A: title, with commas\nand a newline", ("one, two", "three"), "B", "A kit,\nin a locker"
    )
    parsed = draftfile.parse(draftfile.front_matter(text) + "B\n", "x", "f")
    assert parsed.title == "A: title, with commas and a newline"
    assert parsed.tags == ("one two", "three")
    assert parsed.image_alt == "A kit, in a locker"  # the lead image's alt text, on one line


# --- tags from short topic labels -------------------------------------------------------


def test_tags_are_the_labels_of_the_three_strongest_topics() -> None:
    topics = [
        Topic("policy, funding and the law", 1.0, label="policy"),
        Topic("overdose and naloxone", 1.0, label="overdose"),
        Topic("alcohol", 1.0),
    ]
    names = ["overdose and naloxone", "policy, funding and the law", "alcohol", "gone"]
    assert topic_labels(topics, names) == ("overdose", "policy", "alcohol")
    assert topic_labels(topics, ["a topic since removed"]) == ("a topic since removed",)


def test_the_shipped_topics_all_have_short_labels() -> None:
    from curator import config as config_module

    shipped = config_module.load(Path(__file__).resolve().parent.parent / "config.toml")
    assert all(topic.label and len(topic.label) <= 15 for topic in shipped.topics)


def test_annotate_proposes_the_labels_as_tags(desk: tuple[Store, Run], tmp_path: Path) -> None:
    store, run = desk
    topics = ("overdose", "families, CRAFT and loved ones", "alcohol", "cannabis")
    item = add_item(store.db, datetime.now(UTC), topics=topics)
    result = run("annotate", str(item), "--body-file", "-", input="Words.\n")
    assert result.exit_code == 0, result.output
    draft = store.drafts.latest(item)
    assert draft is not None and draft.tags == ("overdose", "families, CRAFT and loved ones",
                                                "alcohol")  # fmt: skip


# --- the editor program ------------------------------------------------------------------


def test_the_editor_is_visual_then_editor_then_the_systems(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("VISUAL", "code --wait")
    monkeypatch.setenv("EDITOR", "vim")
    assert choose_editor() == "code --wait"
    monkeypatch.setenv("VISUAL", "")
    assert choose_editor() == "vim"
    monkeypatch.delenv("EDITOR")
    nano = tmp_path / "nano"
    nano.write_text("#!/bin/sh\n")
    nano.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert choose_editor() == "nano"
    assert "Ctrl-O" in how_to_save("nano") and "Ctrl-X" in how_to_save("nano")
    monkeypatch.setenv("PATH", "")
    assert choose_editor() == "vi"


# --- history as a story -------------------------------------------------------------------


def test_history_reads_as_a_story() -> None:
    at = datetime(2026, 12, 1, 9, tzinfo=UTC)
    S = ItemState

    def told(old: ItemState | None, new: ItemState, note: str | None) -> str:
        return story(HistoryEvent(1, at, "ana", old, new, note))

    assert told(None, S.NEW, "title: naloxone") == "found it: new (title: naloxone)"
    assert told(S.NEW, S.IN_REVIEW, "until 11:00") == "took it to work on (held until 11:00)"
    assert told(S.DRAFTED, S.DRAFTED, "until 11:00") == "took it to work on (held until 11:00)"
    assert told(S.IN_REVIEW, S.DRAFTED, "draft saved") == "saved a draft"
    assert told(S.DRAFTED, S.DRAFTED, "released") == "gave it back to the queue"
    assert told(S.DRAFTED, S.PUBLISHED, "as x (draft v1)") == "published it: as x (draft v1)"
    assert told(S.IN_REVIEW, S.REJECTED, "duplicate") == "rejected it: duplicate"
    assert told(S.REJECTED, S.NEW, None) == "reopened it"
    assert told(S.FILTERED, S.NEW, None) == "put it in the queue"


def test_history_of_an_item_tells_its_day(desk: tuple[Store, Run]) -> None:
    store, run = desk
    item = add_item(store.db, datetime.now(UTC))
    run("annotate", str(item), "--body-file", "-", input="Words.\n")
    run("release", str(item))
    result = run("history", str(item))
    whats = [line.split("  ")[-1].strip() for line in result.stdout.splitlines()[1:]]
    assert whats[0].startswith("took it to work on (held until ")
    assert whats[1:] == ["saved a draft", "gave it back to the queue"]


# --- search, show, retract --------------------------------------------------------------


def test_search_does_not_match_inside_links(desk: tuple[Store, Run]) -> None:
    store, run = desk
    add_item(store.db, datetime.now(UTC), title="Clinic hours change",
             summary="See https://example.org/naloxone-kits for hours.")  # fmt: skip
    add_item(store.db, datetime.now(UTC), title="Naloxone on every shelf")
    hits = json.loads(run("search", "naloxone", "--json").stdout)
    assert [hit["title"] for hit in hits] == ["Naloxone on every shelf"]


def test_show_says_how_extraction_went(desk: tuple[Store, Run]) -> None:
    store, run = desk
    item = add_item(store.db, datetime.now(UTC))
    store.db.execute("UPDATE entries SET extract_note = 'paywalled: feed text' WHERE item_id = ?",
                     [item])  # fmt: skip
    store.db.conn.commit()
    assert "paywalled: feed text" in run("show", str(item), "--no-pager").stdout
    (article,) = json.loads(run("show", str(item), "--json").stdout)["articles"]
    assert article["note"] == "paywalled: feed text"


def test_less_keeps_colours_or_gets_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAGER", raising=False)
    monkeypatch.delenv("LESS", raising=False)
    assert pager_keeps_colour() and os.environ["LESS"] == "-R"
    monkeypatch.setenv("LESS", "-F")
    assert not pager_keeps_colour()
    monkeypatch.setenv("PAGER", "more")
    assert not pager_keeps_colour()


def test_retract_takes_an_item_id_or_a_slug(desk: tuple[Store, Run]) -> None:
    store, run = desk
    first, second = (add_item(store.db, datetime.now(UTC) - timedelta(minutes=n), title=t)
                     for n, t in enumerate(["2024", "Second post"]))  # fmt: skip
    for item in (first, second):
        run("annotate", str(item), "--body-file", "-", input="Words.\n")
        assert run("publish", str(item)).exit_code == 0
    assert store.posts.find("2024").item_id == first  # a slug of digits is a slug first
    by_id = run("retract", str(second), "--reason", "withdrawn")
    assert by_id.exit_code == 0 and "retracted second-post" in by_id.stdout
    no_reason = run("retract", "2024")  # not a terminal: a script must give the reason
    assert no_reason.exit_code == 2 and "missing option '--reason'" in no_reason.stderr
    assert run("retract", "999").exit_code == 1
