"""Making a post's text safe to put in XML, HTML and JSON.

The desk sanitises a post when it publishes it; this is the second line of defence,
on the way out: control characters go, HTML is cleaned again with nh3, and only
http(s) URLs survive. Every string that reaches a feed or a page passes here.
"""

from __future__ import annotations

import hashlib
import html as html_module
import re
import unicodedata
from html.entities import name2codepoint
from urllib.parse import urljoin, urlsplit

import nh3

from curator import bounds

# Not allowed in XML 1.0 (C0 controls, surrogates, U+FFFE/U+FFFF), plus the C1
# controls, which XML allows but no reader expects in text, and U+FFFD, the mark a
# failed decoding (or Markdown, for a NUL) leaves: the W3C Feed Validator warns of both.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffd-\uffff]")
_SAFE_NAME = re.compile(r"[^a-z0-9]+")
_SPACE = re.compile(r"\s")
# What an HTML parser takes for a tag or comment, and a "<" that could still open one.
_TAG = re.compile(r"<(?:[/?]?[A-Za-z]|!)[^<>]*>")
_TAG_OPENER = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY_LIKE = re.compile(r"&(#?\w+);?")
# nh3 writes every tag as <name attr="value" ...>, with no `"` or `>` in a value and no
# `<` in text, so these read its output exactly (an attribute at a time, from the name).
_LINKING_TAG = re.compile(r"<(?:a|img)\s[^>]*>")
_ATTRIBUTE = re.compile(r'(\s)([^\s="]+)="([^"]*)"')
_ABSOLUTE_URL = re.compile(r"(?:https?|mailto):", re.I)  # the schemes nh3 lets through
# A quick look, 4 times faster than one pattern for both (a literal start is searched
# fast): "no" is sure, "yes" may be a quote in text or an upper-case scheme.
_MAYBE_RELATIVE_HREF = re.compile(r' href="(?!https?://|mailto:)')
_MAYBE_RELATIVE_SRC = re.compile(r' src="(?!https?://|mailto:)')
_URL_TRIM = "".join(map(chr, range(0x21)))
# The usual shape of a web URL: printable ASCII (re.A: under re.I alone "s" matches
# "ſ", so "httpſ:" would pass), a plain host (no user, no [IPv6]).
# urlsplit accepts every such URL as below, so web_url need not call it (10,000 posts
# have 20,000 URLs).
_PLAIN_WEB_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]*)?(?:[/?#][!-~]*)?", re.I | re.A)

ALLOWED_TAGS = frozenset(
    {
        "a",
        "p",
        "br",
        "em",
        "strong",
        "b",
        "i",
        "blockquote",
        "ul",
        "ol",
        "li",
        "code",
        "pre",
        "h2",
        "h3",
        "h4",
        "hr",
        "img",
        "figure",
        "figcaption",
        "sup",
        "sub",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

# Built once: nh3.clean builds its sanitiser anew on each call, which cost as much as
# the cleaning itself (an export cleans the text of every post).
_SAFE = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel="noopener noreferrer",
)
_NO_TAGS = nh3.Cleaner(tags=set())


def plain(text: str | None) -> str:
    """Text with the characters XML forbids (and C1 controls, U+FFFD) removed, NFC."""
    return unicodedata.normalize("NFC", _BAD_CHARS.sub("", text or ""))


def safe_html(html: str | None) -> str:
    """A fragment of HTML with only harmless tags, attributes and URL schemes."""
    text = plain(html)
    cleaned = _SAFE.clean(text)
    # A numeric reference can name what plain removes (nh3 reads &#0; as U+FFFD).
    return plain(cleaned) if "&#" in text else cleaned


def absolute_links(html: str, base: str) -> str:
    """`html` (safe_html's output) with every relative href and src resolved against
    `base`, the URL of the page that shows it: a feed entry then links where the page
    does (the W3C Feed Validator warns on relative links in feeds: ContainsRelRef)."""
    if not (_MAYBE_RELATIVE_HREF.search(html) or _MAYBE_RELATIVE_SRC.search(html)):
        return html

    def resolve(attribute: re.Match[str]) -> str:
        space, name, value = attribute.groups()
        if name.lower() not in ("href", "src") or _ABSOLUTE_URL.match(value):
            return attribute.group()
        # Trimmed as a browser trims (C0 and space only: " javascript:" with a leading
        # no-break space is a path), and kept only if it came out a web URL.
        url = urljoin(base, html_module.unescape(value).strip(_URL_TRIM))
        if not _ABSOLUTE_URL.match(url):
            return ""
        return f'{space}{name}="{html_module.escape(url)}"'

    return _LINKING_TAG.sub(lambda tag: _ATTRIBUTE.sub(resolve, tag.group()), html)


def text_of(html: str | None) -> str:
    """The visible text of an HTML fragment, for excerpts."""
    cleaned = _NO_TAGS.clean(plain(html))
    return " ".join(plain(html_module.unescape(cleaned)).split())


def plain_line(text: str | None, limit: int) -> str:
    """Text for a single-line field of a feed or page (a title, a name, a label): one
    line with no invisible controls (`bounds.one_line`), its entities read, its tags
    dropped, and nothing left that a reader could take for a tag or an entity.

    Many readers show an RSS title as HTML and the W3C Feed Validator warns when a
    plain-text field looks like markup, so the field says the same thing either way.
    """
    if not text or _is_plain_ascii(text):
        return bounds.clip(text or "", limit)  # what the rest gives, at a tenth of the cost
    line = bounds.one_line(plain(_unescaped(text[: limit * 4])), limit * 4)
    line = _TAG_OPENER.sub("< ", _TAG.sub("", line))
    line = _ENTITY_LIKE.sub(_spaced_entity, line)
    return bounds.one_line(line, limit)


def _is_plain_ascii(text: str) -> bool:
    """Printable ASCII, single-spaced, with no "<" or "&": one_line would only clip it."""
    return (
        text.isascii() and text.isprintable() and "<" not in text and "&" not in text
        and "  " not in text and text[0] != " " and text[-1] != " "
    )  # fmt: skip


def _unescaped(text: str) -> str:
    """`text` with its character references read until none is left: "&amp;lt;b&amp;gt;"
    was the tag <b> escaped once too often (each round shortens the text)."""
    while "&" in text:
        once = html_module.unescape(text)
        if once == text:
            break
        text = once
    return text


def _spaced_entity(match: re.Match[str]) -> str:
    """'&' and a word a reader may decode, or the validator takes for an entity, with a
    space between; 'AT&T' stays."""
    word, reference = match.group(1), match.group()
    text_only = word.isalpha() and word not in name2codepoint and word != "apos"
    if text_only and html_module.unescape(reference) == reference:
        return reference
    return "& " + reference[1:]


def web_url(url: str | None) -> str | None:
    """`url` if it is an absolute http(s) URL, else None (no `javascript:`, no `data:`)."""
    cleaned = plain(url).strip()
    if _PLAIN_WEB_URL.fullmatch(cleaned):
        return cleaned
    return checked_web_url(cleaned)


def checked_web_url(cleaned: str) -> str | None:
    """web_url's answer by urlsplit, for any string (web_url's shortcut agrees)."""
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if _SPACE.search(cleaned):  # str.isspace's characters
        return None
    return cleaned


def file_name(text: str) -> str:
    """A lower-case ASCII name for a file or URL path segment, never empty: "Harm
    Reduction" -> "harm-reduction"; text with other letters also gets a short hash."""
    name = _SAFE_NAME.sub("-", text.lower()).strip("-")[:80]
    if name and text.isascii():
        return name
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{name}-{digest}" if name else digest
