"""URLs are normalised once, when they enter: that form is the identity."""

from __future__ import annotations

import pytest

from curator.urls import host_of, is_web_url, normalize_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://Example.COM/a", "https://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a#section", "https://example.com/a"),
        ("https://example.com/a?utm_source=x&utm_medium=y&id=3", "https://example.com/a?id=3"),
        ("https://example.com/a?fbclid=abc&gclid=1", "https://example.com/a"),
        ("https://example.com", "https://example.com/"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://[::1]:80/x", "https://[::1]:80/x"),
    ],
)
def test_normalize_url(raw: str, expected: str):
    assert normalize_url(raw) == expected


def test_relative_links_resolve_against_their_base():
    assert normalize_url("../b?utm_campaign=z", "https://x.org/a/c/d") == "https://x.org/a/b"


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "mailto:a@b", "ftp://x.org/", "/relative"])
def test_non_web_urls_are_refused(bad: str):
    with pytest.raises(ValueError):
        normalize_url(bad)
    assert not is_web_url(bad)


def test_host_of():
    assert host_of("https://News.Example.org:8443/x") == "news.example.org"
    assert host_of("not a url") == ""
