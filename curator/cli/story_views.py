"""How an item's coverage and the clustering's measure look in a terminal and in JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from curator.cli.context import shown
from curator.models import Item, ItemState
from curator.models.stories import Report
from curator.screen.story_eval import StoryEvaluation


@dataclass(frozen=True)
class Coverage:
    """An item's reports as `show` lists them; where a merged item went; how many
    outlets reported it after its post was published (None: no post)."""

    reports: tuple[Report, ...]
    merged_into: int | None
    new_since_post: int | None

    @classmethod
    def of(cls, item: Item, reports: list[Report], since_post: int | None) -> Coverage:
        merged_into = item.merged_into if item.state is ItemState.MERGED else None
        return cls(tuple(reports), merged_into, since_post)

    def fields(self) -> dict[str, Any]:
        """For `show --json`."""
        return {
            "coverage": [_report_fields(r) for r in self.reports],
            "merged_into": self.merged_into,
            "new_outlets_since_publishing": self.new_since_post,
        }


def _report_fields(report: Report) -> dict[str, Any]:
    return {
        "entry_id": report.entry_id, "source": report.source_name, "title": report.title,
        "url": report.url, "first_seen_at": report.first_seen_at,
        "reason": report.cluster_reason, "merged_from": report.merged_from,
    }  # fmt: skip


def show_coverage(console: Console, coverage: Coverage) -> None:
    """Each outlet's report (entry id, source, first seen, title, link, why it joined)."""
    if coverage.merged_into is not None:
        console.print(
            f"merged into #{coverage.merged_into} (see `curator show {coverage.merged_into}`)"
        )
    if coverage.new_since_post:
        noun = "outlet" if coverage.new_since_post == 1 else "outlets"
        console.print(f"{coverage.new_since_post} new {noun} since publishing")
    if not coverage.reports:
        return
    table = Table(title="coverage", box=None, pad_edge=False, header_style="bold")
    for name in ("entry", "seen", "source", "title / link", "why it is here"):
        table.add_column(name, overflow="fold")
    for r in coverage.reports:
        title = Text.assemble(shown(r.title), "\n", shown(r.url, "cyan"))
        table.add_row(str(r.entry_id), f"{r.first_seen_at:%Y-%m-%d %H:%M}",
                      shown(r.source_name), title, shown(r.cluster_reason or ""))  # fmt: skip
    console.print(table)


def evaluation_report(result: StoryEvaluation) -> Group:
    """The measure in one table, then the pairs clustering gets wrong."""
    table = Table(box=None, pad_edge=False, header_style="bold")
    for name in ("pairs", "agreed", "precision", "recall"):
        table.add_column(name, justify="right")
    table.add_row(str(result.pairs), str(result.agreed), _ratio(result.precision),
                  _ratio(result.recall))  # fmt: skip
    wrong = Table(title="wrong", box=None, pad_edge=False, header_style="bold")
    for name in ("entries", "editors", "clustering", "titles", "why"):
        wrong.add_column(name, overflow="fold")
    for v in result.wrong:
        wrong.add_row(f"{v.entry_a}, {v.entry_b}", _said(v.labelled_same), _said(v.judged_same),
                      shown(f"{v.title_a}\n{v.title_b}"), shown(v.reason))  # fmt: skip
    return Group(table, wrong) if result.wrong else Group(table)


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _said(same: bool) -> str:
    return "same" if same else "different"
