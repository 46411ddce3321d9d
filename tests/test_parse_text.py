"""sanitized_text: the text of sanitised HTML without a second HTML parse must be
exactly what plain_text gives for it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from curator.parse.text import plain_text, sanitize_html, sanitized_text

BASE = "https://example.org/feed.xml"
TRICKY = [
    '<a title="a > b" href="/x">link</a> after',
    "<img alt='1 > 0 \"q\"' src=x.png>text",
    "<p>one</p><p>two<br>three</p><li>four</li>",
    "&amp;lt;b&amp;gt; &nbsp; &#x27; &quot; a < b > c",
    "<script>alert(1)</script><style>p{}</style>kept",
    "<!-- a comment --> <b>bold</b> <unknown attr='x>y'>inner</unknown>",
    "plain words > only",
    "<table><tr><td>a</td><td>b</td></tr></table>",
]
_PIECES = st.sampled_from(
    ["<p>", "</p>", "<br>", "<a href='", "'>", '"', "'", ">", "<", "&", "&amp;", "&lt;",
     "<img alt=\"", "<b>", "</b>", "<!--", "-->", "<script>", " ", "\n", "word", "é", "&nbsp;"]
)  # fmt: skip


def test_sanitized_text_matches_plain_text_on_tricky_fragments() -> None:
    for fragment in TRICKY:
        clean = sanitize_html(fragment, BASE)
        assert sanitized_text(clean) == plain_text(clean), fragment


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_sanitized_text_matches_plain_text_on_generated_html(fragment: str) -> None:
    clean = sanitize_html(fragment, BASE)
    assert sanitized_text(clean) == plain_text(clean)
