"""OPML read and write, on literal documents."""

from __future__ import annotations

from datetime import timedelta

import pytest

from curator.models import Source
from curator.poll.opml import OpmlError, read_opml, write_opml


def test_nested_outlines_become_tags_and_repeats_are_dropped():
    data = b"""<opml version="1.0"><body>
      <outline title="Health"><outline text="KFF" xmlUrl="https://kffhealthnews.org/feed/"/>
        <outline text="Again" xmlUrl="https://kffhealthnews.org/feed/"/></outline>
      <outline text="No feed" htmlUrl="https://example.org/"/>
    </body></opml>"""
    (source,) = read_opml(data, "list.opml")
    assert (source.name, source.url, source.tags) == (
        "KFF",
        "https://kffhealthnews.org/feed/",
        ("Health",),
    )


def test_write_then_read_keeps_names_urls_and_tags(now):
    sources = [
        Source(id=1, url="https://a.example.org/feed", name="A & B", tags=("news", "policy")),
        Source(id=2, url="https://c.example.org/rss", name="C", interval=timedelta(hours=2)),
    ]
    text = write_opml(sources, now=now, title="Curator sources")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>') and 'version="2.0"' in text
    back = read_opml(text.encode(), "export")
    assert [(s.name, s.url, s.tags) for s in back] == [
        ("A & B", "https://a.example.org/feed", ("news", "policy")),
        ("C", "https://c.example.org/rss", ()),
    ]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"<opml><body>", "not valid XML"),
        (b"<rss version='2.0'/>", "not an OPML file"),
        (b'<!DOCTYPE o [<!ENTITY x SYSTEM "file:///etc/passwd">]><opml><body/></opml>', "refused"),
    ],
)
def test_bad_files_are_refused_with_one_line_naming_the_file(data, problem):
    with pytest.raises(OpmlError, match=f"^list.opml: {problem}"):
        read_opml(data, "list.opml")
