"""One-line fields and limits: what every field from a feed or a page goes through."""

from curator.bounds import ELLIPSIS, clip, one_line


def test_one_line_strips_bidi_overrides_and_controls():
    title = "Naloxone \u202egnikcah\u202c works\x07 \u2066here\u2069\u200b"
    assert one_line(title, 100) == "Naloxone gnikcah works here"


def test_one_line_collapses_white_space_and_keeps_joiners():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert one_line(f"  A\tnew\n\x85 {family}  ", 100) == f"A new {family}"


def test_one_line_cuts_on_a_character_boundary():
    cut = one_line("é" * 5_000_000, 500)
    assert len(cut) == 500
    assert cut.endswith(ELLIPSIS)
    assert set(cut[:-1]) == {"é"}


def test_clip_leaves_short_text_alone():
    assert clip("short", 5) == "short"
    assert clip("longer", 5) == "long" + ELLIPSIS
    assert one_line(None, 10) == ""
