"""One setting's value read: durations written for people ("30m"), and text that
must hold no control character."""

from __future__ import annotations

import re
from datetime import timedelta

from curator.errors import ConfigError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MAX_DURATION = timedelta(days=3650)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def parse_duration(text: str, key: str = "duration") -> timedelta:
    """'90s', '30m', '6h', '2d', '1w' -> timedelta; anything else names `key`."""
    match = _DURATION.match(str(text))
    if not match:
        raise ConfigError(key, f"{text!r} is not a duration like '30m', '6h' or '2d'")
    seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds > MAX_DURATION.total_seconds():  # `now + it` must stay a date
        raise ConfigError(key, f"{text!r} is longer than {MAX_DURATION.days} days")
    return timedelta(seconds=seconds)


def refuse_control_characters(key: str, text: str) -> None:
    """A NUL or line break in a path, a header (user_agent) or a title is never meant."""
    if _CONTROL.search(text):
        raise ConfigError(key, f"{text!r} holds a control character")
