"""A desk that learns: replay a labelled stream and watch the queue improve.

    python bench/learn.py [--per-day 25] [--top-new 12] [--top-filtered 4] [--seed 14]
    python bench/learn.py --seeds 1,2,3,4    # the row at 200 decisions, for other orders
    python bench/learn.py --seeds 1,2,3 --at 400         # the same at 400 decisions
    python bench/learn.py --seeds 1,2,3 --random         # 200 decided at random
    python bench/learn.py --held-out --seeds 1,2,3,4,5   # on the held-out rows
    python bench/learn.py --seeds 1,2,3 --ask-share 0    # a queue that never asks
    python bench/learn.py --speed 10000      # training and scoring time, model size
    python bench/learn.py --seeds 1,2,3 --meaning 0      # without the word vectors
    python bench/learn.py --rows mine.jsonl --seeds 1,2,3   # replay another labelled set
    python bench/learn.py --unseen news.jsonl --seeds 1,2,3 # measure on labelled news
    python bench/learn.py --unseen tests/data/fresh_rows.jsonl --seeds 1,2,3,4,5,6,7,8,9,10
    python bench/learn.py --import ours.jsonl --rows news.jsonl --seeds 1,2,3

`--rows` replays other labelled files (JSONL as `curator learn --import` reads them:
"title", "text" or "summary", "label" or "relevant", "source") in place of the bundled
ones, split the same way. `--unseen` lets every row of the stream arrive and measures on
the rows of other labelled files, which neither the editors nor the model ever see: news
that nobody here wrote or tuned on. `--import` adds labelled rows before the first day,
as `curator learn --import` does: they train the model but, not being the desk's own
decisions, never vote in the check that switches it on. `--at` measures the orders of
`--seeds` at another number of decisions; `--random` has the editors decide that many rows
of the stream drawn at random instead of the queue's, and uses the model trained on them
whatever the check says: what a model could do with as many decisions, without the
queue's choice of them.

The labelled rows (tests/data/relevance.jsonl and tests/data/desk_decisions.jsonl, 616
rows; see docs/relevance.md) are split once for good: about a fifth (111 rows, chosen by
a hash of the title) are the held-out rows, kept out of every replay that settings were
chosen on. The other 505 are shuffled in a fixed order; every fourth is set aside as the
unseen rows (never shown to the editors, never trained on) and the rest arrive
`--per-day` a day. With `--held-out` all 505 arrive and the unseen rows are the held-out ones.
Each day the queue asks about what the model is unsure of, as the service does
(`screen.asking`, `learning.ask_share` or `--ask-share`; 0: no questions), and the
simulated editors decide the top `--top-new` of the queue as it is shown (a question in
every fifth slot) and look at the top `--top-filtered` of what is filtered (the closest
calls first), and decide as the row's label says: kept (published or promoted) or
rejected as off topic. The model is trained with the function the service uses
(`screen.learning.train`) after every `learning.retrain_every` decisions, and used only
when it beats the rules on the held-back decisions, as in the service. After every 50
decisions the bench prints, on the unseen rows: precision and recall of new-vs-filtered
and precision of the top 20, for the model (with the rules where it is not confident)
and for the rules alone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from curator import config as config_module
from curator.models.learning import Decision, LearnedModel
from curator.screen import asking, learned_model, learning
from curator.screen.learn_run import read_labels
from curator.screen.learned_model import Scored, Scorer
from curator.screen.relevance import score_article
from curator.store.learning import TEXT_CHARS, AskCandidate
from curator.store.queue import interleave

ROOT = Path(__file__).resolve().parent.parent
FILES = (ROOT / "tests/data/relevance.jsonl", ROOT / "tests/data/desk_decisions.jsonl")
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
REPORT_EVERY = 50
TOP = 20
UNSEEN_EVERY = 4  # every fourth row of the shuffled set is never shown nor trained on
HELD_OUT_EVERY = 5  # rows whose title hashes to 0 mod 5 are held out of all tuning


@dataclass(frozen=True)
class Row:
    """A labelled row as it arrives: the decision it will become, and the rules' view."""

    decision: Decision
    rules_kept: bool
    rules_score: float


def held_out(title: str) -> bool:
    """The fixed fifth of the labelled rows no setting was chosen on."""
    return hashlib.sha256(title.encode()).digest()[0] % HELD_OUT_EVERY == 0


def read_rows(paths: Sequence[Path]) -> list[Decision]:
    """The labelled rows of `paths`, read as `curator learn --import` reads them."""
    rows: list[Decision] = []
    for path in paths:
        with path.open(encoding="utf-8") as f:
            rows += read_labels(f, str(path), START)
    return rows


def load_rows(
    config: config_module.Config,
    seed: int,
    *,
    on_held_out: bool = False,
    files: Sequence[Path] = FILES,
    unseen_files: Sequence[Path] = (),
) -> tuple[list[Row], list[Row]]:
    """(the stream, the unseen rows), as the module docstring says."""
    rows = read_rows(files)
    tuning = [r for r in rows if not held_out(r.title)]
    random.Random(seed).shuffle(tuning)
    if unseen_files:
        stream, unseen = tuning, read_rows(unseen_files)
    elif on_held_out:
        stream, unseen = tuning, [r for r in rows if held_out(r.title)]
    else:
        unseen = tuning[::UNSEEN_EVERY]
        stream = [r for n, r in enumerate(tuning) if n % UNSEEN_EVERY]
    return [_row(config, r) for r in stream], [_row(config, r) for r in unseen]


def _row(config: config_module.Config, decision: Decision) -> Row:
    verdict = score_article(
        decision.title, decision.text, config.topics, config.relevance.threshold
    )
    return Row(decision, verdict.kept, verdict.score)


class Desk:
    """The replay's state: what arrived, what the editors decided, the model in use."""

    def __init__(
        self,
        config: config_module.Config,
        rows: list[Row],
        unseen: list[Row],
        imported: Sequence[Decision] = (),
    ) -> None:
        self.config = config
        self.unseen = unseen
        self.rows = rows
        self.imported = imported  # labels imported before the first day (no item: no vote)
        self.arrived = 0
        self.decided: dict[int, Decision] = {}
        self.model: LearnedModel | None = None  # the newest version
        self.used: LearnedModel | None = None  # the newest that beat the rules
        self.scorer: Scorer | None = None
        self.scored: dict[int, Scored] = {}  # the model in use's view of each row
        self.unseen_scored: list[Scored] | None = None
        self.asking: list[int] = []  # the items the queue asks about, undecided
        self.asked = 0  # how many questions were decided
        self.asked_kept = 0  # and how many of them the editors kept
        self.shown_top: list[tuple[bool, bool]] = []  # the day's top 20 shown: (kept, asked)

    def keep(self, index: int) -> bool:
        row = self.rows[index]
        return model_keeps(row.rules_kept, self.scored.get(index), self.config.learning.confidence)

    def rank(self, index: int) -> tuple[float, float]:
        return (rank_probability(self.scored.get(index)), self.rows[index].rules_score)

    def day(self, number: int, per_day: int, top_new: int, top_filtered: int) -> None:
        """One day: new rows arrive, the queue asks about what the model is unsure of
        (as `learn_run` does), and the editors decide the top of both lists as shown."""
        self.arrived = min(len(self.rows), self.arrived + per_day)
        self.score_pending()
        self.ask()
        waiting = [i for i in range(self.arrived) if i not in self.decided]
        ranked = [i for i in waiting if i not in self.asking]
        queue = sorted((i for i in ranked if self.keep(i)), key=self.rank, reverse=True)
        filtered = sorted((i for i in ranked if not self.keep(i)), key=self.rank, reverse=True)
        # as `curator queue` and `review` show it (`QueueStore.queue`)
        shown = interleave(queue, self.asking, self.config.learning.ask_share)
        self.shown_top = [(self.rows[i].decision.relevant, i in self.asking) for i in shown[:TOP]]
        when = START + timedelta(days=number)
        for index in shown[:top_new] + filtered[:top_filtered]:
            d = self.rows[index].decision
            self.decided[index] = replace(d, decided_at=when, item_id=index)
            self.asked += index in self.asking
            self.asked_kept += index in self.asking and d.relevant
        self.asking = [i for i in self.asking if i not in self.decided]

    def ask(self) -> None:
        """Top the questions up to the share, as the service does each learning run."""
        candidates = [
            AskCandidate(
                i, not self.keep(i), probability(self.scored.get(i)), self.rows[i].rules_score
            )
            for i in range(self.arrived)
            if i not in self.decided and i not in self.asking
        ]
        share = self.config.learning.ask_share
        self.asking += asking.choose_questions(candidates, len(self.asking), share)

    def maybe_train(self, now: datetime) -> None:
        settings = self.config.learning
        # as in the service: the first version as soon as there are enough decisions
        # (`learning.train` says None until then), then after every `retrain_every`
        trained_on = self.model.decisions if self.model else None
        decisions = [*self.imported, *self.decided.values()]
        if not learning.due_for_training(len(decisions), trained_on, settings):
            return
        model = learning.train(
            decisions, self.config.topics, self.config.relevance.threshold,
            settings, now, (self.model.version + 1) if self.model else 1,
        )  # fmt: skip
        if model is None:
            return
        self.model = model
        if model.active:  # as in the service: the newest version that beat the rules stays
            self.use(model)

    def use(self, model: LearnedModel) -> None:
        """Score with `model` from now on: every row again, and the unseen rows at once."""
        self.used = model
        self.scorer = Scorer(model.weights, self.config.topics)
        self.scored = {}
        self.unseen_scored = [self.scorer.score(row.decision) for row in self.unseen]

    def score_pending(self) -> None:
        """As the service does: the model in use scores every item it has not scored."""
        if self.scorer is None:
            return
        for i in range(len(self.rows)):
            if i not in self.scored:
                self.scored[i] = self.scorer.score(self.rows[i].decision)


def probability(scored: Scored | None) -> float | None:
    return scored.probability if scored is not None else None


def rank_probability(scored: Scored | None) -> float:
    """As the queue orders items: 0.5 for one the model has not scored."""
    found = probability(scored)
    return 0.5 if found is None else found


def model_keeps(rules_kept: bool, scored: Scored | None, confidence: float) -> bool:
    """As the service moves an item (`learn_run`): the rules' verdict until a model scored it."""
    if scored is None:
        return rules_kept
    return learning.combined_keep(rules_kept, scored.probability, confidence, scored.own_margin)


def figures(desk: Desk) -> dict[str, float]:
    """On the unseen rows: the model's (with the rules) and the rules' figures."""
    rows, confidence = desk.unseen, desk.config.learning.confidence
    found: Sequence[Scored | None] = desk.unseen_scored or [None] * len(rows)
    truth = {i: row.decision.relevant for i, row in enumerate(rows)}
    model = {i: model_keeps(row.rules_kept, found[i], confidence) for i, row in enumerate(rows)}
    rules = {i: row.rules_kept for i, row in enumerate(rows)}
    by_model = sorted(
        truth, key=lambda i: (rank_probability(found[i]), rows[i].rules_score), reverse=True
    )
    by_rules = sorted(truth, key=lambda i: rows[i].rules_score, reverse=True)
    return {
        "unseen": len(rows),
        "asked": desk.asked,
        "asked_kept": desk.asked_kept,
        **_shown_top(desk.shown_top),
        **{f"model_{k}": v for k, v in _pr(truth, model).items()},
        **{f"rules_{k}": v for k, v in _pr(truth, rules).items()},
        "model_top": sum(truth[i] for i in by_model[:TOP]) / TOP,
        "rules_top": sum(truth[i] for i in by_rules[:TOP]) / TOP,
    }


def _shown_top(shown: list[tuple[bool, bool]]) -> dict[str, float]:
    """Precision of the last day's top 20 as the queue showed it: its ranked items
    alone, and counting its questions as well (a question the editors reject is a miss)."""
    ranked = [kept for kept, asked in shown if not asked]
    return {
        "shown_ranked": sum(ranked) / max(1, len(ranked)),
        "shown_all": sum(kept for kept, _ in shown) / max(1, len(shown)),
    }


def _pr(truth: dict[int, bool], kept: dict[int, bool]) -> dict[str, float]:
    hits = sum(truth[i] and kept[i] for i in truth)
    return {
        "p": hits / max(1, sum(kept.values())),
        "r": hits / max(1, sum(truth.values())),
    }


HEADER = (
    "| decisions | kept/off | model | unseen | new-vs-filtered P / R (model) "
    "| P / R (rules) | top-20 P (model) | top-20 P (rules) |\n|---|---|---|---|---|---|---|---|"
)


def new_desk(args: argparse.Namespace, seed: int) -> Desk:
    """The desk of one order, before its first day."""
    config = config_module.load(ROOT / "config.toml")
    if args.ask_share is not None:
        config = replace(config, learning=replace(config.learning, ask_share=args.ask_share))
    return Desk(
        config,
        *load_rows(
            config,
            seed,
            on_held_out=args.held_out,
            files=args.rows or FILES,
            unseen_files=args.unseen or (),
        ),
        read_rows(args.imports or ()),
    )


def replay(args: argparse.Namespace, seed: int, *, stop_at: int | None = None) -> Desk:
    """Run the desk day by day, printing a line every 50 decisions (or only at `stop_at`)."""
    desk = new_desk(args, seed)
    if stop_at is not None:
        _check_reachable(desk, stop_at)
    reported, number = 0, 0
    while len(desk.decided) < len(desk.rows) and desk.arrived < len(desk.rows) + args.per_day:
        number += 1
        desk.day(number, args.per_day, args.top_new, args.top_filtered)
        desk.maybe_train(START + timedelta(days=number, hours=12))
        while len(desk.decided) >= reported + REPORT_EVERY:
            reported += REPORT_EVERY
            if stop_at is None or reported == stop_at:
                _print_line(desk, reported, f"seed {seed}: " if stop_at else "")
        if stop_at is not None and reported >= stop_at:
            break
    return desk


def decide_at_random(args: argparse.Namespace, seed: int, decisions: int) -> Desk:
    """The desk without the queue's choice: the editors decide `decisions` rows of the
    stream drawn at random instead of the top of the queue, and the model trained on them
    is used whether or not it beats the rules (`--random`)."""
    desk = new_desk(args, seed)
    _check_reachable(desk, decisions)
    chosen = random.Random(seed).sample(range(len(desk.rows)), decisions)
    for hour, index in enumerate(chosen):
        decision = desk.rows[index].decision
        desk.decided[index] = replace(
            decision, decided_at=START + timedelta(hours=hour), item_id=index
        )
    now = START + timedelta(hours=len(chosen) + 1)
    settings, topics = desk.config.learning, desk.config.topics
    decided = [*desk.imported, *desk.decided.values()]
    model = learning.train(decided, topics, desk.config.relevance.threshold, settings, now, 1)
    if model is None:
        print(
            f"seed {seed}: no model (fewer than {settings.min_decisions} decisions of a kind):"
            " the rules' figures"
        )
    else:
        desk.model = model
        desk.use(model)
    return desk


def _check_reachable(desk: Desk, decisions: int) -> None:
    """Refuse to label as N decisions a replay that would stop short of N."""
    if decisions > len(desk.rows):
        raise SystemExit(f"--at {decisions}: the stream has only {len(desk.rows)} rows")


def _print_line(desk: Desk, reported: int, label: str = "") -> None:
    f = figures(desk)
    kept = sum(d.relevant for d in desk.decided.values())
    model = desk.model
    state = "none" if model is None else f"v{model.version} {'used' if model.active else 'off'}"
    if model is not None and not model.active and desk.used is not None:
        state += f" (v{desk.used.version} used)"
    print(
        f"| {label}{reported} ({len(desk.decided)}) | {kept}/{len(desk.decided) - kept} | {state} "
        f"| {f['unseen']} | {f['model_p']:.3f} / {f['model_r']:.3f} "
        f"| {f['rules_p']:.3f} / {f['rules_r']:.3f} | {f['model_top']:.2f} | {f['rules_top']:.2f} |"
    )


def speed(decisions: int, seed: int) -> None:
    """Training on `decisions` article-length rows, scoring one item, and the model size.
    CPU time is printed beside the wall clock: on a shared machine the wall clock
    measures the neighbours too."""
    config = config_module.load(ROOT / "config.toml")
    rows = [json.loads(line) for path in FILES for line in path.read_text().splitlines()]
    rng = random.Random(seed)
    summaries = [r["summary"] for r in rows]
    made = []
    for n in range(decisions):
        r = rows[n % len(rows)]
        # an article as the store gives it (3,000 characters): the summary, then others
        body = " ".join([r["summary"], *rng.sample(summaries, 36)])[:TEXT_CHARS]
        when = START + timedelta(minutes=n)
        made.append(Decision(r["title"], body, r.get("source", ""), r["relevant"], when, n))
    started, cpu = time.perf_counter(), time.process_time()
    model = learning.train(
        made, config.topics, config.relevance.threshold, config.learning, START, 1
    )
    trained, trained_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert model is not None
    size = len(json.dumps(asdict(model.weights)))
    scorer = Scorer(model.weights, config.topics)
    # items the model has not trained on (the rules' points of those it has are cached)
    sample = [replace(d, text=" ".join(rng.sample(summaries, 30))[:TEXT_CHARS]) for d in made[:500]]
    cpu = time.process_time()
    for row in sample:
        scorer.score(row)
    one = (time.process_time() - cpu) / len(sample) * 1000
    print("| decisions | text chars (mean) | train: wall (CPU) | size (JSON) "
          "| score one item with its reasons (CPU) |")  # fmt: skip
    print("|---|---|---|---|---|")
    mean_chars = sum(len(d.text) for d in made) / len(made)
    print(
        f"| {decisions:,} | {mean_chars:,.0f} | {trained:.1f} s ({trained_cpu:.1f} s) "
        f"| {size / 1e6:.1f} MB | {one:.2f} ms |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-day", type=int, default=25)
    parser.add_argument("--top-new", type=int, default=12)
    parser.add_argument("--top-filtered", type=int, default=4)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--seeds", default="", help="orders to replay to --at decisions: 1,2,3")
    parser.add_argument(
        "--at", type=int, default=200,
        help="with --seeds: the decisions to measure at (a multiple of 50)",
    )  # fmt: skip
    parser.add_argument(
        "--random", action="store_true",
        help="with --seeds: decide --at rows drawn at random, not the queue's",
    )  # fmt: skip
    parser.add_argument("--held-out", action="store_true", help="measure on the held-out rows")
    parser.add_argument(
        "--rows", type=Path, action="append", help="replay this labelled JSONL file instead"
    )
    parser.add_argument(
        "--unseen", type=Path, action="append", help="measure on this labelled JSONL file"
    )
    parser.add_argument(
        "--import", dest="imports", type=Path, action="append",
        help="import this labelled JSONL file before the first day (as `curator learn --import`)",
    )  # fmt: skip
    parser.add_argument(
        "--ask-share", type=float, default=None, help="learning.ask_share (0: the queue never asks)"
    )
    parser.add_argument("--speed", type=int, default=0, help="time training on N decisions")
    parser.add_argument(
        "--meaning", type=float, default=None, help="weight of the word vectors (0: none)"
    )
    parser.add_argument("--meaning-dims", type=int, default=None, help="their width: 64-256")
    args = parser.parse_args()
    if args.at <= 0 or args.at % REPORT_EVERY:
        parser.error(f"--at {args.at}: a positive multiple of {REPORT_EVERY}")
    if (args.random or args.at != 200) and not args.seeds:
        parser.error("--at and --random measure the orders of --seeds")
    if args.meaning is not None:
        learned_model.MEANING_WEIGHT = args.meaning
    if args.meaning_dims:
        learned_model.MEANING_DIMENSIONS = args.meaning_dims
    if args.speed:
        speed(args.speed, args.seed)
        return
    print(HEADER)
    if args.seeds:
        at = args.at
        found = [
            figures(
                decide_at_random(args, int(s), at)
                if args.random
                else replay(args, int(s), stop_at=at)
            )
            for s in args.seeds.split(",")
        ]
        mean = {key: sum(f[key] for f in found) / len(found) for key in found[0]}
        how = "decided at random" if args.random else "decided from the queue"
        print(
            f"| mean at {at} ({how}) | | | {mean['unseen']:.0f} "
            f"| {mean['model_p']:.3f} / {mean['model_r']:.3f} "
            f"| {mean['rules_p']:.3f} / {mean['rules_r']:.3f} "
            f"| {mean['model_top']:.2f} | {mean['rules_top']:.2f} |"
        )
        if not args.random:
            print(f"\nquestions decided by {at} decisions: {mean['asked']:.1f} a order, "
                  f"{mean['asked_kept']:.1f} of them kept; the queue's top 20 on the last day, "
                  f"precision of its ranked items {mean['shown_ranked']:.2f}, "
                  f"counting its questions {mean['shown_all']:.2f}")  # fmt: skip
    else:
        replay(args, args.seed)


if __name__ == "__main__":
    main()
