"""What the export needs to know about the site, read once from `[export]`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields

from curator.bounds import MAX_AUTHOR, MAX_SUMMARY, MAX_TITLE
from curator.config import Config
from curator.errors import ConfigError
from curator.settings import BrandSettings
from curator.site.brand import Logo, SitePage, read_logo, read_pages
from curator.site.clean import plain, plain_line, text_of

# RFC 4151: an authority (a domain or an email address), a comma, a date.
_TAG_AUTHORITY = re.compile(r"^[A-Za-z0-9.@-]+,\d{4}(-\d{2}(-\d{2})?)?$")


# [site] as config.toml's defaults (all strings, so as written), for settings made in code.
_DEFAULT_BRAND = BrandSettings(**{f.name: f.metadata["setting"][0] for f in fields(BrandSettings)})


@dataclass(frozen=True)
class SiteSettings:
    title: str
    description: str
    base_url: str  # always ends with "/"
    author: str
    author_mode: str  # "editor" | "organisation"
    feed_size: int
    language: str
    tag_domain: str
    organisation: str = ""
    palette: BrandSettings = field(default_factory=lambda: _DEFAULT_BRAND)
    crisis_line: str = ""
    editor_names: tuple[tuple[str, str], ...] = ()
    source_names: tuple[tuple[str, str], ...] = ()
    logo: Logo | None = None
    pages: tuple[SitePage, ...] = ()
    digest_posts: int = 20

    @classmethod
    def from_config(cls, config: Config) -> SiteSettings:
        base_url = str(config.export.base_url).strip()
        if not base_url.startswith(("http://", "https://")):
            raise ConfigError("export.base_url", f"{base_url!r} is not an http(s) URL")
        tag_domain = str(config.export.tag_domain).strip()
        if not _TAG_AUTHORITY.match(tag_domain):
            raise ConfigError(
                "export.tag_domain", f"{tag_domain!r} is not like 'example.org,2026' (RFC 4151)"
            )
        # Text, never HTML: RSS readers render a channel's description as HTML.
        title = plain_line(text_of(config.export.title), MAX_TITLE)
        if not title:
            raise ConfigError("export.title", "has no visible text")
        return cls(
            title=title,
            description=plain_line(text_of(config.export.description), MAX_SUMMARY),
            base_url=base_url if base_url.endswith("/") else base_url + "/",
            author=plain_line(text_of(config.export.author), MAX_AUTHOR),
            author_mode=config.export.author_mode,
            feed_size=config.export.feed_size,
            language=plain(config.export.language),
            tag_domain=tag_domain,
            organisation=plain_line(config.site.organisation, MAX_AUTHOR) or title,
            palette=config.site,
            crisis_line=plain_line(config.review.crisis_line, MAX_SUMMARY),
            editor_names=config.editor_names,
            source_names=config.source_names,
            logo=read_logo(config.site.logo, config.root),
            pages=read_pages(config.site.pages, config.root),
            digest_posts=config.digest.posts,
        )

    def editor_name(self, login: str) -> str | None:
        """The name shown for an editor: theirs from `[site.editors]`; with that table
        set, an editor not in it is credited as the organisation (never by login)."""
        if not self.editor_names:
            return login
        return dict(self.editor_names).get(login)

    def source_name(self, name: str) -> str:
        """A source as subscribers know it (`[site.sources]`), else as stored."""
        return dict(self.source_names).get(name, name)

    def tag_uri(self, specific: str) -> str:
        """A stable id that survives a move of the site: tag:example.org,2026:post/42."""
        return f"tag:{self.tag_domain}:{specific}"

    def url(self, path: str) -> str:
        """The public URL of a file of the export."""
        return self.base_url + path
