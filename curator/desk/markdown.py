"""Markdown -> safe HTML: CommonMark (markdown-it-py), then sanitised with nh3.

An editor's draft may hold anything (pasted HTML, a `javascript:` link); what
subscribers get is only the tags below, links made safe.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark")
_TAGS = {
    "p", "br", "hr", "a", "em", "strong", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "img",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
_COMMENT = re.compile(r"<!--.*?-->\n?", re.DOTALL)
_SANITISER = nh3.Cleaner(
    tags=_TAGS,
    attributes=_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer",
)


def render_markdown(markdown: str) -> str:
    """CommonMark -> sanitised HTML fragment (no scripts, styles or event handlers)."""
    return _SANITISER.clean(_MD.render(markdown)).strip()


def strip_comments(markdown: str) -> str:
    """Remove `<!-- ... -->` blocks (the annotate template's notes to the editor)."""
    return _COMMENT.sub("", markdown).strip() + "\n"
