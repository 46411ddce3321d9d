"""Every scalar setting, declared once: one frozen dataclass per config.toml section.

Code reads `config.poll.interval` (mypy checks the name and the type); `SETTINGS`,
the flat table that validation, the README and the hostile tests use, is derived
from these declarations. `config.load` builds and checks them once, at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Any, get_type_hints


@dataclass(frozen=True)
class Setting:
    """One scalar setting as the README's table and the validation see it."""

    key: str
    kind: str  # str | int | float | bool | duration | path
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()


def setting(
    default: Any,
    help: str,
    minimum: float | None = None,
    maximum: float | None = None,
    choices: tuple[str, ...] = (),
) -> Any:
    """A field of a section: its default as written in config.toml, its help and bounds."""
    return field(metadata={"setting": (default, help, minimum, maximum, choices)})


@dataclass(frozen=True)
class CuratorSettings:
    """[curator]: the database and how Curator names itself to the sites it fetches."""

    database: Path = setting("data/curator.db", "the SQLite file")
    user_agent: str = setting("Curator/0.1", "User-Agent product token")
    contact_url: str = setting("https://example.org/curator", "contact URL sent in the User-Agent")
    busy_timeout: timedelta = setting("5s", "how long to wait for a locked database")


@dataclass(frozen=True)
class NetworkSettings:
    """[network]: limits on every request: connections, time, size, redirects, addresses."""

    max_connections: int = setting(10, "requests in flight at once", 1, 200)
    per_host: int = setting(2, "requests in flight per host", 1, 50)
    connect_timeout: timedelta = setting("10s", "time to connect")
    deadline: timedelta = setting("30s", "whole-request deadline, body included")
    max_body_bytes: int = setting(10000000, "largest decoded body", 1024, 1000000000)
    max_redirects: int = setting(5, "redirects followed per request", 0, 20)
    allow_private_networks: bool = setting(False, "fetch private/loopback addresses (tests, demo)")


@dataclass(frozen=True)
class PollSettings:
    """[poll]: when sources are polled and how hard."""

    tick: timedelta = setting("1m", "how often the service looks for due sources")
    interval: timedelta = setting("1h", "default time between polls of a source")
    min_interval: timedelta = setting("10m", "never poll a source more often")
    max_interval: timedelta = setting("1d", "never wait longer between polls")
    max_backoff: timedelta = setting("1d", "longest wait after repeated errors")
    parse_processes: int = setting(
        2, "processes that parse feeds in big polls (0: a thread)", 0, 16
    )


@dataclass(frozen=True)
class ExtractSettings:
    """[extract]: fetching the article pages."""

    enabled: bool = setting(True, "fetch article pages")
    tick: timedelta = setting("2m", "how often the service extracts pending entries")
    max_attempts: int = setting(4, "tries before an entry falls back to its feed text", 1, 20)
    batch: int = setting(200, "entries extracted per run", 1, 100000)


@dataclass(frozen=True)
class SummarySettings:
    """[summary]: extractive summaries."""

    sentences: int = setting(3, "sentences in a summary", 1, 8)


@dataclass(frozen=True)
class RelevanceSettings:
    """[relevance]: the score below which an item is filtered (the topics are lists, below)."""

    threshold: float = setting(2.0, "score below which an item is filtered", 0, 1000)


@dataclass(frozen=True)
class ClusterSettings:
    """[cluster]: when two entries are one story."""

    threshold: float = setting(0.22, "same-story score that joins an entry to a story", 0, 1)
    window: timedelta = setting("4d", "how far apart two entries of one story may be")


@dataclass(frozen=True)
class ReviewSettings:
    """[review]: the editors' desk."""

    claim_ttl: timedelta = setting("2h", "how long a claim holds")
    crisis_line: str = setting(
        "If you or someone you love is in crisis, call or text 988.",
        "ends a post on overdose or suicide that lacks it",
    )


@dataclass(frozen=True)
class ExportSettings:
    """[export]: the public feeds and site."""

    out_dir: Path = setting("data/export", "where feeds and pages are written")
    title: str = setting("Addiction and recovery news for families", "feed and site title")
    description: str = setting(
        "What the latest research and news on addiction mean for families.", "feed subtitle"
    )
    base_url: str = setting("https://example.org/news/", "public URL of the export folder")
    author: str = setting("Curator editors", "organisation named as author")
    author_mode: str = setting(
        "editor", "credit the editor or the organisation", choices=("editor", "organisation")
    )
    feed_size: int = setting(50, "posts in each feed", 1, 10000)
    language: str = setting("en", "language of the posts")
    tick: timedelta = setting("15m", "how often the service re-exports")
    tag_domain: str = setting("example.org,2026", "authority of the posts' tag: URIs")


@dataclass(frozen=True)
class BrandSettings:
    """[site]: how the site looks and whose it is (its display names are tables, below)."""

    organisation: str = setting("Example Family Network", "the organisation the site is for")
    logo: str = setting("", "logo file: PNG, JPEG, WebP or SVG (empty: the name alone)")
    pages: str = setting("", "folder of Markdown pages: about.md, contact.md, donate.md, …")
    accent: str = setting("#1f5fa8", "colour of links and buttons (#rrggbb)")
    text: str = setting("#1b1f24", "colour of the text")
    background: str = setting("#ffffff", "colour of the page")
    dark_accent: str = setting("#8ab4f8", "links and buttons in dark mode")
    dark_text: str = setting("#e6e8eb", "text in dark mode")
    dark_background: str = setting("#15181c", "page in dark mode")


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class DigestSettings:
    """[digest]: the weekly email and its page, and how it is sent."""

    enabled: bool = setting(False, "the service sends the weekly digest")
    weekday: str = setting("monday", "day the service sends it", choices=WEEKDAYS)
    time: str = setting("08:00", "time of day (UTC, HH:MM) from which the service sends it")
    posts: int = setting(20, "posts in a digest at most", 1, 50)
    smtp_host: str = setting("", "SMTP server (empty: digests are built, not sent)")
    smtp_port: int = setting(587, "SMTP port", 1, 65535)
    security: str = setting(
        "starttls", "STARTTLS, TLS from the start, or none (a relay on this machine only)",
        choices=("starttls", "tls", "none"),
    )  # fmt: skip
    smtp_user: str = setting("", "SMTP login (empty: no login)")
    password_env: str = setting("CURATOR_SMTP_PASSWORD", "environment variable with the password")
    ca_file: str = setting("", "CA certificates to trust for the SMTP server (empty: the system's)")
    sender: str = setting("Example Family Network <news@example.org>", "the From address")
    recipients: str = setting("", "file of recipients' addresses, one a line")
    list_address: str = setting("", "or one mailing-list address for a single copy (not both)")
    unsubscribe_url: str = setting(
        "https://example.org/unsubscribe?email={email}", "unsubscribe link; {email} is filled in"
    )


@dataclass(frozen=True)
class RetentionSettings:
    """[retention]: how long bulky text is kept."""

    filtered_text_after: timedelta = setting(
        "30d", "drop the article text and feed HTML of filtered and rejected items this old"
    )


@dataclass(frozen=True)
class LearningSettings:
    """[learning]: the model that learns from the editors' decisions (docs/learning.md)."""

    min_decisions: int = setting(
        50, "decisions of each kind (kept, off topic) before a model may be used", 10, 100000
    )
    retrain_every: int = setting(
        25, "new decisions after which the service trains again", 1, 100000
    )
    confidence: float = setting(
        0.6, "probability at which the model may move an item between new and filtered", 0.5, 1
    )
    tick: timedelta = setting("10m", "how often the service looks for new decisions")
    ask_share: float = setting(
        0.2, "share of the queue's top 20 that asks about what the model is unsure of", 0, 0.5
    )


SECTIONS: dict[str, type] = {
    "curator": CuratorSettings,
    "network": NetworkSettings,
    "poll": PollSettings,
    "extract": ExtractSettings,
    "summary": SummarySettings,
    "relevance": RelevanceSettings,
    "cluster": ClusterSettings,
    "review": ReviewSettings,
    "export": ExportSettings,
    "site": BrandSettings,
    "digest": DigestSettings,
    "retention": RetentionSettings,
    "learning": LearningSettings,
}
_KINDS = {str: "str", int: "int", float: "float", bool: "bool", timedelta: "duration", Path: "path"}


def _declared(section: str, cls: type) -> tuple[Setting, ...]:
    hints = get_type_hints(cls)
    return tuple(
        Setting(f"{section}.{f.name}", _KINDS[hints[f.name]], *f.metadata["setting"])
        for f in fields(cls)
    )


# The flat table, like Datasette's SETTINGS: the README lists it, tests walk it.
SETTINGS: tuple[Setting, ...] = tuple(
    s for section, cls in SECTIONS.items() for s in _declared(section, cls)
)
