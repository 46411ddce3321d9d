"""Words that help, not hurt: point out stigmatising terms in an editor's draft.

In the spirit of NIDA's "Words Matter": each configured term is matched as a
whole phrase (any case, a plural "s" allowed) and reported with its
person-first alternative. Quotations are left alone: `>` blocks and text in
quotation marks are someone else's words. It never rewrites; the editor decides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from curator.config.lists import LanguageTerm

_QUOTED = re.compile(r'"[^"\n]*"|“[^”]*”')
_NOT_WORD = re.compile(r"[\W_]+")
_NUMBER = re.compile(r"(?<![\w-])(?:\d+(?:-\d+)+|\d{3,})(?![\w-])")  # 988, 1-800-662-4357
_CRISIS_TOPIC = re.compile(r"\b(overdos\w*|suicid\w*|self-harm)", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    """One term found: where, the words as written, and what to say instead."""

    line: int
    found: str
    instead: str


def find_terms(text: str, terms: Sequence[LanguageTerm]) -> list[Finding]:
    """Every stigmatising term outside quotations, in reading order; where two
    terms overlap ("drug addict", "addict") the longer one is reported."""
    found: list[tuple[int, int, int, Finding]] = []
    for number, line in enumerate(_unquoted(text).splitlines(), start=1):
        for term in terms:
            for match in _pattern(term.term).finditer(line):
                finding = Finding(number, match.group(0), term.instead)
                found.append((number, match.start(), match.end(), finding))
    found.sort(key=lambda f: (f[0], f[1], -f[2]))
    kept: list[Finding] = []
    last_line, last_end = 0, -1
    for number, start, end, finding in found:
        if number == last_line and start < last_end:
            continue
        kept.append(finding)
        last_line, last_end = number, end
    return kept


def needs_crisis_line(text: str, crisis_line: str) -> bool:
    """True when the post is about overdose or suicide and lacks the crisis line: the
    line in any case, markup or punctuation (`*If you ... 988.*`), or its numbers
    ("call or text 988") count as having it."""
    if not crisis_line.strip() or not _CRISIS_TOPIC.search(text):
        return False
    if _squash(crisis_line) in _squash(text):
        return False
    numbers = _NUMBER.findall(crisis_line)
    return not numbers or not set(numbers) <= set(_NUMBER.findall(text))


def _unquoted(text: str) -> str:
    """The text with quotations blanked out (same lines, so line numbers hold)."""
    kept = []
    for line in text.splitlines():
        if line.lstrip().startswith(">"):
            kept.append("")
        else:
            kept.append(_QUOTED.sub(lambda m: " " * len(m.group(0)), line))
    return "\n".join(kept)


def _pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in term.split()]
    return re.compile(r"(?<![\w-])" + r"\s+".join(words) + r"(?:e?s)?(?![\w-])", re.IGNORECASE)


def _squash(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


@dataclass(frozen=True)
class LanguageReport:
    """What to point out before saving or publishing; `clean` when nothing."""

    findings: tuple[Finding, ...]
    missing_crisis_line: bool

    @property
    def clean(self) -> bool:
        return not self.findings and not self.missing_crisis_line


def check(text: str, terms: Sequence[LanguageTerm], crisis_line: str) -> LanguageReport:
    """Terms to reconsider and the crisis-line reminder, for one post's text."""
    return LanguageReport(tuple(find_terms(text, terms)), needs_crisis_line(text, crisis_line))
