"""Every error Curator raises on purpose, in one tree.

    CuratorError
    ├── ConfigError(key)          bad or missing setting; stops start-up
    ├── SourceError(url)
    │   ├── FetchError            network, status, too large, too slow, blocked address
    │   └── ParseError            not a feed, or a broken one
    ├── StoreError                locked, corrupt, migration failed
    │   └── DatabaseLocked        another process held the database past the busy timeout
    ├── ReviewError(item_id)
    │   ├── ItemNotFound
    │   ├── StaleItem             someone else changed the item since it was read
    │   └── InvalidTransition     e.g. publishing a rejected item
    ├── PostNotFound(slug)
    ├── ExportError(path)         the export could not be written
    ├── MailError(host)           the SMTP server refused, failed or could not be reached
    ├── OpmlError                 an OPML file that cannot be read (defined in opml.py)
    ├── LabelsError               a labelled file `curator learn --import` refuses (learn_run.py)
    ├── VectorsError              the word vectors are missing or not a model's (embedding.py)
    └── ServiceError              e.g. another service holds the database

Each message is one line that names the thing at fault. Foreign errors are
translated once, at the boundary, with ``raise ... from e``. A page that gives no
main text is not an error: extraction records it as data (status `fallback`).
"""

from __future__ import annotations

from datetime import datetime


class CuratorError(Exception):
    """The base of every error Curator raises on purpose."""


class ConfigError(CuratorError):
    """A setting is missing or wrong; `key` names it (e.g. ``poll.interval``)."""

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        super().__init__(f"config: {key}: {problem}")


class SourceError(CuratorError):
    """Something went wrong with one source or page; `url` names it."""

    def __init__(self, url: str, problem: str) -> None:
        self.url = url
        self.problem = problem
        super().__init__(f"{url}: {problem}")


class FetchError(SourceError):
    """The network, the server's status, a cap or the address guard said no."""

    def __init__(
        self,
        url: str,
        problem: str,
        *,
        status: int | None = None,
        retry_after: datetime | None = None,
    ) -> None:
        self.status = status
        self.retry_after = retry_after  # from a 429/503 Retry-After header
        super().__init__(url, problem)


class ParseError(SourceError):
    """The body is not a feed, or too broken to read."""


class StoreError(CuratorError):
    """The database could not do what was asked (locked, corrupt, migration)."""


class DatabaseLocked(StoreError):
    """Another process held the database longer than the busy timeout."""


class ReviewError(CuratorError):
    """An editor's action on one item could not be done; `item_id` names it."""

    def __init__(self, item_id: int, problem: str) -> None:
        self.item_id = item_id
        super().__init__(f"item {item_id}: {problem}")


class ItemNotFound(ReviewError):
    def __init__(self, item_id: int) -> None:
        super().__init__(item_id, "no such item")


class StaleItem(ReviewError):
    """The item changed since the editor read it; nothing was overwritten."""

    def __init__(self, item_id: int, changed_by: str, changed_at: str) -> None:
        self.changed_by = changed_by
        self.changed_at = changed_at
        CuratorError.__init__(
            self,
            f"item {item_id} was changed by {changed_by} at {changed_at}; "
            f"run `curator show {item_id}`",
        )
        self.item_id = item_id


class InvalidTransition(ReviewError):
    """The action does not apply to the item's state."""


class TermsToReconsider(ReviewError):
    """Publishing is held: the draft has stigmatising terms; `found` lists them
    ('"addict" -> consider "person with a substance use disorder"')."""

    def __init__(self, item_id: int, problem: str, found: tuple[str, ...]) -> None:
        super().__init__(item_id, problem)
        self.found = found


class PostNotFound(CuratorError):
    def __init__(self, slug: str) -> None:
        self.slug = slug
        super().__init__(f"post {slug!r}: no such post")


class ExportError(CuratorError):
    """The export could not be written; `path` names where."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        super().__init__(f"export {path}: {problem}")


class MailError(CuratorError):
    """Sending by SMTP failed; `host` names the server."""

    def __init__(self, host: str, problem: str) -> None:
        self.host = host
        super().__init__(f"SMTP server {host}: {problem}")


class ServiceError(CuratorError):
    """The background service cannot start or go on."""
