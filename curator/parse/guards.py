"""Refusals before any parsing: entity tricks, and HTML pages served as feeds."""

from __future__ import annotations

import itertools
import re

from curator.errors import ParseError

_ENTITY_DECLARATION = re.compile(rb"""<!ENTITY\s+(%\s+)?(\S+)\s+(SYSTEM|PUBLIC|"[^"]*"|'[^']*')""")
_WIDE_ENTITY_MARKERS = tuple(
    "<!ENTITY".encode(codec) for codec in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)
MAX_ENTITIES = 64
# Characters a document's own entities may add when expanded. expat stops only at 100
# times amplification, so a 10 MB feed could still grow to 1 GB of text (about five
# times that in memory); real feeds use a few short names, if any.
MAX_ENTITY_EXPANSION = 1_000_000
# News feeds carry tens or hundreds of entries; parsing costs about 1 ms an entry, so
# a 10 MB feed of 200,000 tiny ones would hold a poll for minutes, every poll.
MAX_ENTRIES = 10_000
_ENTRY_START = re.compile(rb"<([\w.-]+:)?(item|entry)[\s>/]")
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>])", re.I | re.S)
_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]")


def refuse_entity_declarations(body: bytes, url: str) -> None:
    """Refuse what expansion bombs and XXE need: entities that are external, are
    parameter entities, refer to other entities, or expand past MAX_ENTITY_EXPANSION
    characters in all. A few short text entities pass."""
    if any(marker in body for marker in _WIDE_ENTITY_MARKERS):
        raise ParseError(url, "refused: the document declares XML entities in UTF-16/32")
    declarations = _ENTITY_DECLARATION.findall(body) if b"<!ENTITY" in body else []
    for parameter, _, target in declarations:
        if parameter or target in (b"SYSTEM", b"PUBLIC") or b"&" in target or b"%" in target:
            raise ParseError(url, "refused: unsafe XML entity declarations (a bomb or XXE)")
    if len(declarations) > MAX_ENTITIES:
        raise ParseError(url, "refused: the document declares too many XML entities")
    expansion = sum(
        (len(target) - 2) * body.count(b"&" + name + b";") for _, name, target in declarations
    )
    if expansion > MAX_ENTITY_EXPANSION:
        raise ParseError(
            url,
            f"refused: its XML entities expand to {expansion:,} characters "
            f"(more than {MAX_ENTITY_EXPANSION:,})",
        )


def refuse_html_page(body: bytes, url: str) -> None:
    """An HTML page instead of a feed: say so, and name the feed it announces."""
    head = body[:4096].lstrip(b"\xef\xbb\xbf")
    if not _HTML_START.match(head) or _FEED_ROOT.search(head):
        return
    # imported here: bs4 costs ~0.1 s at start-up, and only an HTML page needs it
    from curator.parse.discover import find_feed_links

    links = find_feed_links(body, url)
    if links:
        raise ParseError(url, f"this is an HTML page; its feed may be at {links[0]}")
    raise ParseError(url, "this is an HTML page, not a feed, and it announces no feed")


def refuse_too_many_entries(body: bytes, url: str) -> None:
    """Refuse, before parsing, a feed with more entries than any news feed has
    (a quick count of the tags; refuse_entry_count checks what the parser read)."""
    count = sum(1 for _ in itertools.islice(_ENTRY_START.finditer(body), MAX_ENTRIES + 1))
    refuse_entry_count(count, url)


def refuse_entry_count(count: int, url: str) -> None:
    """Refuse `count` entries if they are more than MAX_ENTRIES."""
    if count > MAX_ENTRIES:
        raise ParseError(url, f"refused: more than {MAX_ENTRIES:,} entries in one feed")
