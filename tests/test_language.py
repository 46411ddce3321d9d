"""The words check: terms found outside quotations, person-first alternatives, crisis line."""

from __future__ import annotations

from curator.config import Config
from curator.config.lists import LanguageTerm
from curator.desk.wording import check, find_terms, needs_crisis_line

TERMS = (
    LanguageTerm("addict", "person with a substance use disorder"),
    LanguageTerm("drug addict", "person with a substance use disorder"),
    LanguageTerm("substance abuse", "substance use"),
    LanguageTerm("tested clean", "tested negative"),
    LanguageTerm("junkie", "person who uses drugs"),
)
CRISIS = "Call or text 988."


def test_terms_are_found_with_their_alternative_any_case_and_plural() -> None:
    found = find_terms("Addicts and SUBSTANCE ABUSE.\nHe tested clean.", TERMS)
    assert [(f.line, f.found, f.instead) for f in found] == [
        (1, "Addicts", "person with a substance use disorder"),
        (1, "SUBSTANCE ABUSE", "substance use"),
        (2, "tested clean", "tested negative"),
    ]


def test_only_whole_words_count() -> None:
    assert find_terms("She was addicted; addiction is treatable; junkies-free", TERMS) == []


def test_the_longer_of_two_overlapping_terms_is_reported_once() -> None:
    found = find_terms("a drug addict, then another addict", TERMS)
    assert [f.found for f in found] == ["drug addict", "addict"]


def test_quotations_are_left_alone() -> None:
    text = '> He called himself a junkie.\nShe said "I was an addict" and “junkie” too.\n'
    assert find_terms(text, TERMS) == []
    assert [f.line for f in find_terms(text + "An addict.", TERMS)] == [3]


def test_crisis_line_reminder_only_for_overdose_or_suicide_posts_without_it() -> None:
    assert needs_crisis_line("Overdose deaths fell.", CRISIS)
    assert needs_crisis_line("A study on suicide risk.", CRISIS)
    assert not needs_crisis_line("Overdose deaths fell. Call or text  988.", CRISIS)
    assert not needs_crisis_line("Treatment works.", CRISIS)
    assert not needs_crisis_line("Overdose deaths fell.", "")


def test_check_reports_clean_text_as_clean() -> None:
    assert check("People in recovery thrive.", TERMS, CRISIS).clean
    report = check("An addict overdosed.", TERMS, CRISIS)
    assert not report.clean and report.missing_crisis_line and len(report.findings) == 1


def test_shipped_config_lists_the_nida_terms(project_config: Config) -> None:
    listed = {t.term for t in project_config.language_terms}
    for term in ("addict", "abuser", "junkie", "substance abuse", "drug habit", "dirty urine"):
        assert term in listed
    found = find_terms(
        "He got clean after a dirty drug test; clean water.", project_config.language_terms
    )
    assert [f.found for f in found] == ["got clean", "dirty drug test"]
