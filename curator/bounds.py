"""Limits on every field taken from a feed or a page, and one-line text.

A stranger's feed can carry a 5 MB title or a right-to-left override that turns a
headline around in every reader; each field is bounded here once, when it comes in,
so nothing downstream (the queue, search, the pages) pays for it. A cut keeps the
entry and ends on a character boundary with "…".
"""

from __future__ import annotations

import re
import unicodedata

# Characters, not bytes (documented in the README's "Limits on what a feed sends").
MAX_TITLE = 500
MAX_AUTHOR = 200
MAX_IMAGE_ALT = 300  # a page's og:image:alt; good alt text is a sentence or two
MAX_LINK = 2_000
MAX_LANGUAGE = 8  # a page's primary language subtag (BCP 47: 2 to 8 letters)
MAX_TAG = 100
MAX_TAGS = 50
MAX_SUMMARY = 20_000
MAX_CONTENT = 200_000
MAX_ARTICLE_TEXT = 200_000

ELLIPSIS = "…"

# Invisible characters with no place in a one-line field: C0 and C1 controls (white
# space among them becomes a plain space below), the bidirectional embeddings,
# overrides, isolates and marks (U+202E reverses a title in every reader), zero-width
# space, word joiner and invisible operators, the byte-order mark, and interlinear
# annotation marks. ZWJ and ZWNJ stay: emoji and several scripts need them.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff\ufffe\uffff]"
)
_SPACES = re.compile(r"\s+")


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters (the last one "…" when cut)."""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + ELLIPSIS


def one_line(text: str | None, limit: int) -> str:
    """Text for a single-line field (a title, a name, a label): invisible and control
    characters removed, white space collapsed, NFC, at most `limit` characters."""
    if not text:
        return ""
    if len(text) > limit * 4:  # no point cleaning megabytes that will be cut
        text = text[: limit * 4]
    cleaned = _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()
    return clip(unicodedata.normalize("NFC", cleaned), limit)
