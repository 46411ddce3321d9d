"""`curator learn`: train the model on the editors' decisions, say how it stands, or
import labelled rows so a new desk can start from a labelled set."""

from __future__ import annotations

from pathlib import Path

import click

from curator.cli.context import AppContext, now, pass_app
from curator.screen import learning
from curator.screen.learn_run import import_labels
from curator.screen.learn_run import learn as run_learning


@click.command()
@click.option(
    "--import",
    "import_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help='Add labelled rows from a JSONL file: {"title", "text", "label"} a line.',
)
@click.option(
    "--status", "status_only", is_flag=True, help="Say how learning stands; train nothing."
)
@pass_app
def learn(app: AppContext, import_path: Path | None, status_only: bool) -> None:
    """Train a new model version on every decision, then score the queue with it.

    Published, drafted and promoted items count as kept; items rejected with
    --off-topic as not. The model is used only once it has learning.min_decisions
    of each kind and beats the rules on decisions it did not train on."""
    if import_path is not None:
        count = import_labels(app.store, import_path, now())
        app.console.print(f"imported {count} labelled rows from {import_path}")
    if status_only:
        _print_status(app)
        return
    report = run_learning(app.config, app.store, now(), force=True)
    if report.trained is None:
        app.console.print("no model trained: too few decisions of each kind")
    _print_status(app)
    if report.scored:
        app.console.print(
            f"scored {report.scored} items; {report.moved} moved between new and filtered"
        )
    if report.asked:
        app.console.print(
            f"the queue now asks about {report.asked} more items the model is unsure of"
        )


def _print_status(app: AppContext) -> None:
    counts = learning.DecisionCounts(*app.store.learning.decision_counts())
    latest, active = app.store.learning.latest_model(), app.store.learning.active_model()
    line = learning.status_line(counts, latest, active, app.config.learning)
    app.console.print(line, highlight=False)
    if latest is None or not learning.enough_decisions(counts, app.config.learning):
        return
    if latest.held_back is not None:
        app.console.print(learning.held_back_line(latest.held_back), highlight=False)
    size = app.store.learning.model_size(latest.version)
    app.console.print(
        f"size {size / 1000:.0f} kB ({len(latest.weights.word_vocabulary)} words, "
        f"{len(latest.weights.char_vocabulary)} character n-grams"
        f"{'; word vectors ' + latest.weights.embedding if latest.weights.embedding else ''}); "
        f"trained in {latest.seconds:.1f} s",
        highlight=False,
    )
