"""The only package that opens connections: `Fetcher` for feeds and pages,
`fetch_once` for a single request from the CLI. See docs/fetching.md."""

from curator.fetch.client import FEED_ACCEPT, PAGE_ACCEPT, Fetcher, fetch_once
from curator.fetch.guard import AddressPolicy

__all__ = ["FEED_ACCEPT", "PAGE_ACCEPT", "AddressPolicy", "Fetcher", "fetch_once"]
