"""Colour contrast as WCAG 2.1 measures it: the site's colours must be readable.

A colour is written "#rrggbb"; `contrast_ratio` is (L1 + 0.05) / (L2 + 0.05) of the two
relative luminances, from 1 (the same colour) to 21 (black on white). WCAG AA asks 4.5
for body text.
"""

from __future__ import annotations

import re

AA_TEXT = 4.5
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def is_colour(text: str) -> bool:
    """Whether `text` is written "#rrggbb"."""
    return bool(_HEX.match(text))


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two "#rrggbb" colours (order does not matter)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    channels = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def blend(first: str, second: str, share: float) -> str:
    """`share` of `first` mixed into `second`, as "#rrggbb" (sRGB, as CSS color-mix)."""
    mixed = (
        round(int(first[i : i + 2], 16) * share + int(second[i : i + 2], 16) * (1 - share))
        for i in (1, 3, 5)
    )
    return "#" + "".join(f"{c:02x}" for c in mixed)


def readable_blend(first: str, second: str, share: float, *on: str) -> str:
    """`blend(first, second, share)` where it stays readable, for a muted text colour
    (no `on`: the blend must keep AA contrast on `second`, else `first` is used) or a
    tinted background (each colour of `on` must keep AA contrast on it, else `second`)."""
    mixed = blend(first, second, share)
    pairs = [(c, mixed) for c in on] or [(mixed, second)]
    if all(contrast_ratio(a, b) >= AA_TEXT for a, b in pairs):
        return mixed
    return second if on else first
