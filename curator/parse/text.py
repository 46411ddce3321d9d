"""HTML and text cleaning shared by the feed formats: nh3 sanitising with
absolute links, plain text for summaries and titles, link normalisation, each
bounded by `curator.bounds` as it comes in."""

from __future__ import annotations

import html
import re
import threading

import nh3

from curator import bounds
from curator.urls import normalize_url

_TAG_NAMES = """a abbr b blockquote br caption cite code dd del dl dt em figcaption figure
h1 h2 h3 h4 h5 h6 hr i img ins li ol p pre q s small strong sub sup table tbody td tfoot th
thead tr u ul"""
SAFE_TAGS = frozenset(_TAG_NAMES.split())
SAFE_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_URL_ATTRIBUTES = frozenset({"href", "src"})
_BLOCK_BOUNDARY = re.compile(r"<(?=/?(?:p|br|div|li|h[1-6]|tr|td|th|blockquote|pre)\b)", re.I)
_SPACES = re.compile(r"\s+")
_SANITIZED_TAG = re.compile(r'<[^>"]*(?:"[^"]*"[^>"]*)*>')  # a tag as nh3 writes it
_NO_TAGS = nh3.Cleaner(tags=set())  # built once (nh3.clean builds one per call)


def sanitize_html(fragment: str, base: str) -> str:
    """A safe subset of HTML with every link made absolute against `base`."""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()  # plain words: nothing to clean (the common title case)
    _LINK_BASE.value = base
    return _CLEANER.clean(fragment).strip()


def _absolute(tag: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: links normalised against the fragment's base."""
    if attribute not in _URL_ATTRIBUTES:
        return value
    try:
        return normalize_url(value, base=_LINK_BASE.value)
    except ValueError:
        return value if value.startswith("mailto:") else None


# One cleaner for all fragments (building one costs more than most cleanings); its
# attribute filter reads the base of the fragment in hand from this thread's slot.
_LINK_BASE = threading.local()
_CLEANER = nh3.Cleaner(
    tags=set(SAFE_TAGS),
    attributes=SAFE_ATTRIBUTES,
    attribute_filter=_absolute,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
)


def bounded_html(fragment: str, base: str, limit: int) -> str:
    """sanitize_html of at most `limit` characters as sent: cut before cleaning, so
    the cut costs nothing and never leaves a broken tag behind."""
    return sanitize_html(bounds.clip(fragment, limit), base)


def bounded_escaped(text: str, limit: int) -> str:
    """escape_text of at most `limit` characters of plain text."""
    return escape_text(bounds.clip(text, limit))


def line_text(fragment: str, limit: int) -> str:
    """A single-line field (a title, a name, a label) from feed markup: its text with
    invisible and bidi controls removed, at most `limit` characters."""
    return bounds.one_line(plain_text(fragment[: limit * 8]), limit)  # room for markup


def escape_text(text: str) -> str:
    """Plain text as HTML (for text/plain feed fields)."""
    return html.escape(text, quote=False)


def plain_text(fragment: str) -> str:
    """Text of an HTML fragment: tags dropped (script/style with their content),
    entities decoded, whitespace collapsed; block boundaries become spaces."""
    if "<" not in fragment and "&" not in fragment:
        return squeeze(fragment)
    spaced = _BLOCK_BOUNDARY.sub(" <", fragment)
    return squeeze(html.unescape(_NO_TAGS.clean(spaced)))


def sanitized_text(fragment: str) -> str:
    """plain_text of what sanitize_html returned, without a second HTML parse.

    nh3's output is well-formed: no comments, scripts or styles, `<` escaped in text
    and every attribute in double quotes, so dropping the tags is exact (the same
    text as plain_text on 31,000 corpus fragments) and ~1.5x faster."""
    if "<" not in fragment and "&" not in fragment:
        return squeeze(fragment)
    spaced = _BLOCK_BOUNDARY.sub(" <", fragment)
    return squeeze(html.unescape(_SANITIZED_TAG.sub("", spaced)))


def squeeze(text: str) -> str:
    """Whitespace runs -> one space, ends trimmed."""
    return _SPACES.sub(" ", text).strip()


def clean_link(value: object, base: str) -> str | None:
    """The normalised absolute form of a link, or None if it is not http(s) or is
    longer than bounds.MAX_LINK (a cut link would lead somewhere else)."""
    text = str(value or "")
    if not text or len(text) > bounds.MAX_LINK:
        return None
    try:
        link = normalize_url(text, base=base)
    except ValueError:
        return None
    return link if len(link) <= bounds.MAX_LINK else None
