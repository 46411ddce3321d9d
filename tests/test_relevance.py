"""score_article: topic rules -> score, topics and reasons an editor can read."""

from __future__ import annotations

from pathlib import Path

from curator.config import Config, Topic
from curator.relevance import score_article

LABELLED = Path(__file__).resolve().parent / "data" / "relevance.tsv"
OPIOIDS = Topic("opioids", 1.0, terms=("fentanyl", "opioid use disorder"), excludes=("veterinary",))
RESEARCH = Topic(
    "research", 1.0, context_terms=("ketamine",), context=("withdrawal", "opioid use disorder")
)


def test_a_title_match_weighs_more_than_a_body_match():
    in_title = score_article("Fentanyl seized at border", "", [OPIOIDS], 2.0)
    in_body = score_article("Border news", "Agents seized fentanyl.", [OPIOIDS], 2.0)

    assert in_title.score > in_body.score
    assert in_title.kept and not in_body.kept


def test_reasons_name_the_term_the_place_the_count_and_the_topic():
    result = score_article("Fentanyl and more fentanyl", "A fentanyl story.", [OPIOIDS], 2.0)

    assert result.reasons == ("title: fentanyl ×2 (opioids)", "body: fentanyl (opioids)")
    assert result.topics == ("opioids",)


def test_matching_is_case_insensitive_on_word_boundaries_with_plurals():
    topic = Topic("overdose", 1.0, terms=("overdose", "opioid use disorder"))

    assert score_article("OVERDOSES rise", "", [topic], 2.0).kept
    assert score_article("Opioid Use Disorders in jails", "", [topic], 2.0).kept
    assert not score_article("Overdosed on sunshine: overdosing", "", [topic], 2.0).kept


def test_an_exclude_term_silences_its_topic_and_says_so():
    result = score_article("Veterinary fentanyl patches run short", "", [OPIOIDS], 2.0)

    assert result.score == 0 and not result.kept
    assert result.reasons == ("excluded: veterinary (opioids)",)


def test_a_context_term_counts_only_near_a_context_word():
    near = score_article("Ketamine eases withdrawal in a pilot study", "", [RESEARCH], 2.0)
    far = score_article("Ketamine eases depression in a pilot study", "", [RESEARCH], 2.0)
    distant = score_article(
        "Ketamine study", "ketamine " + "word " * 20 + "withdrawal", [RESEARCH], 2.0, window=12
    )

    assert near.kept and near.reasons == ("title: ketamine (research)",)
    assert not far.kept and far.score == 0
    assert distant.score == 0


def test_body_mentions_add_up_slowly():
    one = score_article("News", "fentanyl", [OPIOIDS], 2.0).score
    two = score_article("News", "fentanyl fentanyl", [OPIOIDS], 2.0).score
    many = score_article("News", "fentanyl " * 50, [OPIOIDS], 2.0).score

    assert (one, two) == (1.0, 2.0) and many == 3.0


def test_the_default_topics_hold_precision_and_recall_on_the_labelled_set(project_config: Config):
    """tests/data/relevance.tsv: headlines and snippets labelled by hand (by the
    engineer who wrote the rules, so the floor guards against regressions, not bias)."""
    rows = [
        line.split("\t")
        for line in LABELLED.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(rows) >= 100
    threshold = project_config.get("relevance.threshold")
    outcomes = [
        (label == "relevant", score_article(title, snippet, project_config.topics, threshold).kept)
        for label, title, snippet in rows
    ]
    true_positive = sum(wanted and kept for wanted, kept in outcomes)
    precision = true_positive / sum(kept for _, kept in outcomes)
    recall = true_positive / sum(wanted for wanted, _ in outcomes)

    assert precision >= 0.9 and recall >= 0.9, (precision, recall)
