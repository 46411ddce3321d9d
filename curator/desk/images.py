"""A post's lead image, made ours at publish time.

The image is fetched through the guarded client (network.max_body_bytes, the
private-address refusal, the deadline), then decoded by Pillow and re-encoded as
JPEG at up to three widths: metadata goes, and a stranger's bytes are never served.
A hotlinked image leaks readers to the outlet and breaks when it moves.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import warnings
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, ImageOps, UnidentifiedImageError

from curator.config import Config
from curator.errors import SourceError
from curator.fetch import Fetcher
from curator.models import LeadImage, Rendition

IMAGE_ACCEPT = "image/avif, image/webp, image/png, image/jpeg;q=0.9, image/gif;q=0.8"
WIDTHS = (480, 800, 1200)
MIN_WIDTH = 200  # smaller is an icon or a tracking pixel, not a lead image
MAX_PIXELS = 40_000_000  # a decompression bomb stops here, before Pillow decodes it
FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "AVIF"})
QUALITY = 82


@dataclass(frozen=True)
class PreparedImage:
    """What publishing stores of a lead image, or why there is none (`problem`)."""

    image: LeadImage | None
    renditions: tuple[Rendition, ...] = ()
    problem: str | None = None


def prepare_lead_image(
    config: Config, url: str | None, alt: str, credit: str, now: datetime
) -> PreparedImage:
    """Fetch `url` and make its renditions; a failure is a `problem`, never an error:
    a post is published without an image rather than not at all."""
    if not url:
        return PreparedImage(None)
    try:
        data = asyncio.run(_fetch(config, url, now))
        renditions = renditions_of(data, url)
    except SourceError as e:  # FetchError, ImageRefused
        return PreparedImage(None, problem=str(e))
    digest = hashlib.sha256(b"".join(r.data for r in renditions)).hexdigest()
    sizes = tuple((r.width, r.height) for r in renditions)
    return PreparedImage(LeadImage(sizes, alt.strip(), credit, digest), renditions)


class ImageRefused(SourceError):
    """The bytes at `url` are not an image we serve (kind, size, damage)."""


def renditions_of(data: bytes, url: str) -> tuple[Rendition, ...]:
    """`data` (from `url`) decoded and re-encoded as JPEG at each of WIDTHS it is wide
    enough for (at least its own width, when narrower than all), narrowest first."""
    try:
        image = _decoded(data)
    except ValueError as e:
        raise ImageRefused(url, str(e)) from e
    widths = [w for w in WIDTHS if w <= image.width] or [image.width]
    return tuple(_encoded(image, width) for width in widths)


async def _fetch(config: Config, url: str, now: datetime) -> bytes:
    async with Fetcher(config) as fetcher:
        fetched = await fetcher.fetch(url, now=now, accept=IMAGE_ACCEPT)
    kind = fetched.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind and not kind.startswith("image/"):
        raise ImageRefused(url, f"is {kind}, not an image")
    return fetched.body or b""


def _decoded(data: bytes) -> Image.Image:
    """The image upright, on white, in RGB; a ValueError says why it is refused."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
            if opened.format not in FORMATS:
                raise ValueError(f"a {opened.format} image is not served")
            if opened.width * opened.height > MAX_PIXELS:
                raise ValueError(f"{opened.width}x{opened.height} is too many pixels")
            opened.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as e:  # fmt: skip
        raise ValueError(f"not an image Pillow can read ({type(e).__name__})") from e
    if opened.width < MIN_WIDTH:
        raise ValueError(f"{opened.width}px wide is too small for a lead image")
    upright = ImageOps.exif_transpose(opened)  # the camera's rotation, before EXIF goes
    if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
        rgba = upright.convert("RGBA")
        upright = Image.new("RGB", rgba.size, "white")
        upright.paste(rgba, mask=rgba.getchannel("A"))
    return upright.convert("RGB")


def _encoded(image: Image.Image, width: int) -> Rendition:
    height = max(1, round(image.height * width / image.width))
    resized = (
        image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
    )
    out = io.BytesIO()
    resized.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    return Rendition(width, height, out.getvalue())
