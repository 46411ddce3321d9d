"""The lists config.toml holds beside its settings: [[sources]], [[relevance.topics]],
[[language.terms]] and the display names of [site.editors] and [site.sources], each
checked with one line naming the entry that is wrong."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from curator.config.values import parse_duration, refuse_control_characters
from curator.errors import ConfigError


@dataclass(frozen=True)
class SourceConfig:
    url: str
    name: str
    tags: tuple[str, ...] = ()
    interval: timedelta | None = None
    filter: str = "topics"  # "all": everything it publishes is on topic


SOURCE_FILTERS = ("topics", "all")


@dataclass(frozen=True)
class Topic:
    """A relevance topic: matching `terms`/`phrases` add `weight`; see relevance.py."""

    name: str
    weight: float
    terms: tuple[str, ...] = ()
    label: str = ""  # short, for tags and narrow columns; the name when empty
    excludes: tuple[str, ...] = ()
    context_terms: tuple[str, ...] = ()  # count only when a `context` word is near
    context: tuple[str, ...] = ()


def topic_labels(topics: Sequence[Topic], names: Sequence[str], most: int = 3) -> tuple[str, ...]:
    """The short labels of the `most` first (strongest) topics named; a topic no longer
    configured keeps its name."""
    labels = {topic.name: topic.label or topic.name for topic in topics}
    return tuple(labels.get(name, name) for name in names[:most])


@dataclass(frozen=True)
class LanguageTerm:
    """A stigmatising term and the person-first words to use instead."""

    term: str
    instead: str


MAX_DISPLAY_NAME = 120


def display_names(value: Any, key: str) -> tuple[tuple[str, str], ...]:
    """A table of names as the site shows them: `ana = "Ana Ruiz"`."""
    if not isinstance(value, dict):
        raise ConfigError(key, "must be a table like [" + key + "]")
    for name, shown in value.items():
        if not isinstance(shown, str) or not shown.strip():
            raise ConfigError(f"{key}.{name}", f"{shown!r} is not a name")
        refuse_control_characters(f"{key}.{name}", shown)
        if len(shown) > MAX_DISPLAY_NAME:
            raise ConfigError(f"{key}.{name}", f"longer than {MAX_DISPLAY_NAME} characters")
    return tuple((name, shown.strip()) for name, shown in value.items())


def _strings(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(key, "must be a list of strings")
    return tuple(value)


def _table_list(value: Any, key: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(key, "must be an array of tables like [[" + key + "]]")
    return value


def read_sources(value: Any) -> tuple[SourceConfig, ...]:
    result = []
    for i, body in enumerate(_table_list(value, "sources")):
        where = f"sources[{i}]"
        _only(body, {"url", "name", "tags", "interval", "filter"}, where)
        url = body.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ConfigError(f"{where}.url", f"{url!r} is not an http(s) URL")
        interval = body.get("interval")
        filter_ = body.get("filter", "topics")
        if filter_ not in SOURCE_FILTERS:
            raise ConfigError(f"{where}.filter", f"{filter_!r} is not one of: all, topics")
        result.append(
            SourceConfig(
                url=url,
                name=str(body.get("name") or url),
                tags=_strings(body.get("tags", []), f"{where}.tags"),
                interval=parse_duration(interval, f"{where}.interval") if interval else None,
                filter=filter_,
            )
        )
    return tuple(result)


def read_topics(value: Any) -> tuple[Topic, ...]:
    result = []
    for i, body in enumerate(_table_list(value, "relevance.topics")):
        where = f"relevance.topics[{i}]"
        keys = {"name", "label", "weight", "terms", "excludes", "context_terms", "context"}
        _only(body, keys, where)
        if not isinstance(body.get("name"), str):
            raise ConfigError(f"{where}.name", "missing or not a string")
        if not isinstance(body.get("label", ""), str):
            raise ConfigError(f"{where}.label", "not a string")
        weight = body.get("weight", 1.0)
        if not isinstance(weight, int | float) or isinstance(weight, bool):
            raise ConfigError(f"{where}.weight", f"{weight!r} is not a number")
        result.append(
            Topic(
                name=body["name"],
                weight=float(weight),
                label=body.get("label", "").strip(),
                **{
                    k: _strings(body.get(k, []), f"{where}.{k}")
                    for k in ("terms", "excludes", "context_terms", "context")
                },
            )
        )
    return tuple(result)


def read_language_terms(value: Any) -> tuple[LanguageTerm, ...]:
    result = []
    for i, body in enumerate(_table_list(value, "language.terms")):
        where = f"language.terms[{i}]"
        _only(body, {"term", "instead"}, where)
        for k in ("term", "instead"):
            if not isinstance(body.get(k), str):
                raise ConfigError(f"{where}.{k}", "missing or not a string")
        result.append(LanguageTerm(body["term"], body["instead"]))
    return tuple(result)


def _only(body: dict[str, Any], allowed: set[str], where: str) -> None:
    for name in body:
        if name not in allowed:
            raise ConfigError(f"{where}.{name}", "unknown setting")
