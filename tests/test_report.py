"""`curator report`: what the desk did in a window, in all, per editor, per source."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from desk_factory import add_item, write_config

from curator.cli.main import cli
from curator.desk.report import tally_desk
from curator.store import Store
from curator.store.activity import Arrival, Decision

T0 = datetime(2026, 12, 1, 9, tzinfo=UTC)


def decision(item: int, hours: float, editor: str, state: str, source: str) -> Decision:
    return Decision(item, T0 + timedelta(hours=hours), editor, state, T0, (source,))


def test_the_tally_counts_per_editor_and_source_and_takes_the_median() -> None:
    arrivals = [
        Arrival(1, "published", ("STAT",)),
        Arrival(2, "filtered", ("STAT",)),
        Arrival(3, "rejected", ("NIDA",)),
        Arrival(4, "published", ("NIDA", "STAT")),
    ]
    decisions = [
        decision(1, 2, "ana", "published", "STAT"),
        decision(3, 1, "ben", "rejected", "NIDA"),
        decision(4, 6, "ana", "published", "NIDA"),
        decision(5, 30, "ben", "snoozed", "Other"),
    ]
    found = tally_desk(arrivals, decisions, T0, T0 + timedelta(days=7))
    total = found.total
    assert (total.items_in, total.kept, total.published, total.rejected, total.snoozed) == (
        4, 3, 2, 1, 1,
    )  # fmt: skip
    assert total.median_hours_to_publish == 4.0  # 2h and 6h
    ana, ben = found.editors
    assert (ana.name, ana.published, ana.median_hours_to_publish) == ("ana", 2, 4.0)
    assert (ben.name, ben.rejected, ben.snoozed, ben.median_hours_to_publish) == ("ben", 1, 1, None)
    by_source = {t.name: t for t in found.sources}
    assert (by_source["STAT"].items_in, by_source["STAT"].kept) == (3, 2)
    assert by_source["NIDA"].published == 1 and by_source["Other"].items_in == 0


def test_report_on_the_command_line(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    store = Store.open(tmp_path / "curator.db")
    now = datetime.now(UTC)
    fresh = add_item(store.db, now, sources=("STAT",))
    add_item(store.db, now, sources=("NIDA News",), age=timedelta(days=10))  # before the window
    store.close()
    runner = CliRunner(env={"CURATOR_EDITOR": "ana"})
    invoke = lambda *args: runner.invoke(cli, ["--config", str(config), *args])  # noqa: E731
    assert invoke("reject", str(fresh), "--reason", "off topic").exit_code == 0
    found = json.loads(invoke("report", "--json").stdout)
    assert found["total"]["items_in"] == 1 and found["total"]["rejected"] == 1
    assert [e["name"] for e in found["editors"]] == ["ana"]
    assert [s["name"] for s in found["sources"]] == ["STAT"]
    wider = json.loads(invoke("report", "--since", "30d", "--json").stdout)
    assert wider["total"]["items_in"] == 2
    table = invoke("report").stdout
    assert "published" in table and "ana" in table and "STAT" in table
