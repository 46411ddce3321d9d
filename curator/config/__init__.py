"""Reading `config.toml`: the only place that reads TOML or the environment.

Every setting is declared once in `SETTINGS` (key, type, default, help); a wrong
value stops start-up with one line naming the key. Durations are human ("30m").
The lists beside the settings ([[sources]], topics, terms, display names) are read in
`lists`, one value's text in `values`.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from curator.config.lists import (
    LanguageTerm,
    SourceConfig,
    Topic,
    display_names,
    read_language_terms,
    read_sources,
    read_topics,
)
from curator.config.values import parse_duration, refuse_control_characters
from curator.contrast import AA_TEXT, contrast_ratio, is_colour
from curator.errors import ConfigError
from curator.settings import (
    SECTIONS,
    SETTINGS,
    BrandSettings,
    ClusterSettings,
    CuratorSettings,
    DigestSettings,
    ExportSettings,
    ExtractSettings,
    LearningSettings,
    NetworkSettings,
    PollSettings,
    RelevanceSettings,
    RetentionSettings,
    ReviewSettings,
    Setting,
    SummarySettings,
)

DEFAULT_CONFIG = Path("config.toml")
MAX_CONFIG_BYTES = 1_000_000
_BY_KEY = {s.key: s for s in SETTINGS}
_TABLES = {"relevance": {"topics"}, "language": {"terms"}, "site": {"editors", "sources"}}
# The site's colours that are read on one another: (foreground, background).
_READ_ON = (
    ("site.text", "site.background"),
    ("site.accent", "site.background"),
    ("site.dark_text", "site.dark_background"),
    ("site.dark_accent", "site.dark_background"),
)
_TIME_OF_DAY = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class Config:
    """What config.toml says, checked: one typed section a field, then the lists."""

    curator: CuratorSettings
    network: NetworkSettings
    poll: PollSettings
    extract: ExtractSettings
    summary: SummarySettings
    relevance: RelevanceSettings
    cluster: ClusterSettings
    review: ReviewSettings
    export: ExportSettings
    site: BrandSettings
    digest: DigestSettings
    retention: RetentionSettings
    learning: LearningSettings
    sources: tuple[SourceConfig, ...] = ()
    topics: tuple[Topic, ...] = ()
    language_terms: tuple[LanguageTerm, ...] = ()
    editor_names: tuple[tuple[str, str], ...] = ()  # [site.editors]: login -> shown name
    source_names: tuple[tuple[str, str], ...] = ()  # [site.sources]: source -> shown name
    smtp_password: str | None = field(default=None, repr=False)  # from $digest.password_env
    path: Path | None = None
    root: Path = field(default_factory=Path.cwd)

    def with_values(self, **overrides: Any) -> Config:
        """A copy with settings replaced; keys use '__' for '.' (poll__interval=...)."""
        changed = {s.key: _value(self, s.key) for s in SETTINGS}
        for name, value in overrides.items():
            key = name.replace("__", ".")
            if key not in _BY_KEY:
                raise ConfigError(key, "unknown setting")
            changed[key] = _coerce(_BY_KEY[key], value, self.root)
        _check_colours(changed)
        _check_digest(changed)
        return replace(self, **_sections(changed))


def load(path: Path | None = None, env: dict[str, str] | None = None) -> Config:
    """Read the config file named by `path`, $CURATOR_CONFIG or ./config.toml."""
    env = dict(os.environ) if env is None else env
    chosen = path or Path(env.get("CURATOR_CONFIG") or DEFAULT_CONFIG)
    try:
        raw = tomllib.loads(_read_capped(chosen).decode("utf-8"))
    except FileNotFoundError as e:
        raise ConfigError(str(chosen), "file not found") from e
    except OSError as e:  # unreadable: permissions, an I/O error
        raise ConfigError(str(chosen), f"cannot be read ({e.strerror})") from e
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(str(chosen), f"not valid TOML ({e})") from e
    config = from_mapping(raw, path=chosen, root=chosen.resolve().parent)
    return replace(config, smtp_password=env.get(config.digest.password_env) or None)


def _read_capped(path: Path) -> bytes:
    """The file's bytes; a device (/dev/zero) or a huge file is refused, not read forever."""
    if path.exists() and not path.is_file():
        raise ConfigError(str(path), "not a regular file")
    with path.open("rb") as f:
        data = f.read(MAX_CONFIG_BYTES + 1)
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(str(path), f"larger than {MAX_CONFIG_BYTES:,} bytes")
    return data


def from_mapping(raw: dict[str, Any], path: Path | None = None, root: Path | None = None) -> Config:
    """Build a `Config` from parsed TOML; every key is checked."""
    root = root or Path.cwd()
    values = {s.key: _coerce(s, s.default, root) for s in SETTINGS}
    for section, body in raw.items():
        if section == "sources":
            continue
        if not isinstance(body, dict):
            raise ConfigError(section, "must be a table like [section]")
        for name, value in body.items():
            key = f"{section}.{name}"
            if name in _TABLES.get(section, ()):
                continue
            if key in _REPLACED:
                raise ConfigError(key, _REPLACED[key])
            if key not in _BY_KEY:
                raise ConfigError(key, "unknown setting")
            values[key] = _coerce(_BY_KEY[key], value, root)
    _check_colours(values)
    _check_digest(values)
    site = raw.get("site", {})
    return Config(
        **_sections(values),
        sources=read_sources(raw.get("sources", [])),
        topics=read_topics(raw.get("relevance", {}).get("topics", [])),
        language_terms=read_language_terms(raw.get("language", {}).get("terms", [])),
        editor_names=display_names(site.get("editors", {}), "site.editors"),
        source_names=display_names(site.get("sources", {}), "site.sources"),
        path=path,
        root=root,
    )


def _value(config: Config, key: str) -> Any:
    section, name = key.split(".", 1)
    return getattr(getattr(config, section), name)


def _sections(values: dict[str, Any]) -> dict[str, Any]:
    """Each section's dataclass, built from the checked values of its keys."""
    return {
        section: cls(**{f.name: values[f"{section}.{f.name}"] for f in fields(cls)})
        for section, cls in SECTIONS.items()
    }


def _coerce(setting: Setting, value: Any, root: Path) -> Any:
    key, kind = setting.key, setting.kind
    if kind == "duration":
        return parse_duration(value, key) if not isinstance(value, timedelta) else value
    if kind == "path":
        if not isinstance(value, str | Path) or not str(value).strip():
            raise ConfigError(key, f"{value!r} is not a path")
        refuse_control_characters(key, str(value))
        p = Path(value).expanduser()
        return p if p.is_absolute() else root / p
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(key, f"{value!r} is not true or false")
        return value
    if kind in ("int", "float"):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or (kind == "int" and not isinstance(value, int)):
            raise ConfigError(key, f"{value!r} is not a number ({kind})")
        _check_range(setting, value)
        return value
    if not isinstance(value, str):
        raise ConfigError(key, f"{value!r} is not a string")
    refuse_control_characters(key, value)
    if setting.choices and value not in setting.choices:
        raise ConfigError(key, f"{value!r} is not one of {', '.join(setting.choices)}")
    return value


def _check_range(setting: Setting, value: float) -> None:
    if setting.minimum is not None and value < setting.minimum:
        raise ConfigError(setting.key, f"{value} is below the minimum {setting.minimum:g}")
    if setting.maximum is not None and value > setting.maximum:
        raise ConfigError(setting.key, f"{value} is above the maximum {setting.maximum:g}")


def _check_colours(values: dict[str, Any]) -> None:
    """Each colour is "#rrggbb", and text and links are readable on their background
    (WCAG AA): the site is read by people on old phones in bright light."""
    for foreground, background in _READ_ON:
        for key in (foreground, background):
            if not is_colour(values[key]):
                raise ConfigError(key, f"{values[key]!r} is not a colour like '#1f5fa8'")
        ratio = contrast_ratio(values[foreground], values[background])
        if ratio < AA_TEXT:
            raise ConfigError(
                foreground,
                f"{values[foreground]} on {background} {values[background]} has a contrast of "
                f"{ratio:.2f}:1, below the {AA_TEXT}:1 that WCAG AA asks for text",
            )


def _check_digest(values: dict[str, Any]) -> None:
    """The digest's time reads as HH:MM; its unsubscribe link names the recipient; it goes
    to a recipients file or a list, never both; mail goes in clear only to a relay on
    this machine."""
    if not _TIME_OF_DAY.match(values["digest.time"]):
        raise ConfigError("digest.time", f"{values['digest.time']!r} is not a time like '08:00'")
    link = values["digest.unsubscribe_url"]
    if not link.startswith(("https://", "http://", "mailto:")) or "{email}" not in link:
        raise ConfigError(
            "digest.unsubscribe_url", f"{link!r} is not an http(s) or mailto: link with {{email}}"
        )
    sender = parseaddr(values["digest.sender"])[1]
    if "@" not in sender:
        raise ConfigError("digest.sender", f"{values['digest.sender']!r} is not an email address")
    if values["digest.recipients"] and values["digest.list_address"]:
        raise ConfigError("digest.list_address", "set it or digest.recipients, not both")
    host = values["digest.smtp_host"]
    if values["digest.enabled"] and not (host and (values["digest.recipients"] or
                                                   values["digest.list_address"])):  # fmt: skip
        raise ConfigError("digest.enabled", "needs digest.smtp_host and recipients to send to")
    if values["digest.security"] == "none" and host not in ("", "localhost", "127.0.0.1", "::1"):
        raise ConfigError("digest.security", f"'none' sends in clear; {host!r} is not this machine")


# Settings that are gone, and what to write instead.
_REPLACED = {
    "cluster.similarity": "replaced by cluster.threshold, a same-story score (0.22 by default;"
    " see the README's 'Same story, one item')",
}
