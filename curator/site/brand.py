"""Whose site it is: the organisation's logo and its own pages, read from `[site]`.

The pages (about, contact, donate, privacy, …) are Markdown files in `site.pages`; each
becomes `<name>.html` and a link in the header or footer. The logo is copied into the
export as it is (it is the organisation's own file, not a stranger's), after Pillow has
said it is an image and how big.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from markdown_it import MarkdownIt
from PIL import Image, UnidentifiedImageError

from curator.bounds import MAX_TITLE
from curator.errors import ConfigError
from curator.site.clean import file_name, plain_line, safe_html

MAX_LOGO_BYTES = 1_000_000
MAX_PAGE_BYTES = 200_000
MAX_PAGES = 20
LOGO_TYPES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP", ".svg": "SVG"}
# Where a page's link goes: these in the header, in this order; every page in the footer.
HEADER_PAGES = ("about", "contact", "donate")
_MD = MarkdownIt("commonmark")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Logo:
    path: str  # in the export
    width: int | None  # None for SVG: it scales
    height: int | None
    digest: str
    data: bytes = field(repr=False, compare=False)


@dataclass(frozen=True)
class SitePage:
    name: str  # file name without .html
    title: str
    html: str

    @property
    def page(self) -> str:
        return f"{self.name}.html"

    @property
    def in_header(self) -> bool:
        return self.name in HEADER_PAGES


def read_logo(setting: str, root: Path) -> Logo | None:
    """The logo named by `site.logo` (relative to the config file), or None if unset."""
    if not setting.strip():
        return None
    path = root / Path(setting).expanduser()
    kind = LOGO_TYPES.get(path.suffix.lower())
    if kind is None:
        raise ConfigError("site.logo", f"{setting!r} is not a .png, .jpg, .webp or .svg file")
    data = _read(path, MAX_LOGO_BYTES, "site.logo")
    width, height = _svg_checked(data) if kind == "SVG" else _raster_size(data, kind)
    digest = hashlib.sha256(data).hexdigest()
    return Logo(f"logo{path.suffix.lower()}", width, height, digest, data)


def read_pages(setting: str, root: Path) -> tuple[SitePage, ...]:
    """The Markdown pages in the folder `site.pages`, header pages first."""
    if not setting.strip():
        return ()
    folder = root / Path(setting).expanduser()
    if not folder.is_dir():
        raise ConfigError("site.pages", f"{str(folder)!r} is not a folder")
    files = sorted(folder.glob("*.md"))
    if len(files) > MAX_PAGES:
        raise ConfigError("site.pages", f"holds more than {MAX_PAGES} pages")
    pages = [_page(f) for f in files]
    return tuple(sorted(pages, key=_page_order))


def _page(path: Path) -> SitePage:
    text = _read(path, MAX_PAGE_BYTES, "site.pages").decode("utf-8", "replace")
    heading = _HEADING.search(text)
    title = plain_line(heading.group(1) if heading else path.stem.replace("-", " "), MAX_TITLE)
    body = _HEADING.sub("", text, count=1) if heading else text
    return SitePage(file_name(path.stem), title or path.stem, safe_html(_MD.render(body)))


def _page_order(page: SitePage) -> tuple[int, str]:
    known = HEADER_PAGES.index(page.name) if page.name in HEADER_PAGES else len(HEADER_PAGES)
    return known, page.name


def _read(path: Path, limit: int, key: str) -> bytes:
    try:
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise ConfigError(key, f"{str(path)!r} cannot be read ({e.strerror})") from e
    if len(data) > limit:
        raise ConfigError(key, f"{str(path)!r} is larger than {limit:,} bytes")
    return data


def _raster_size(data: bytes, kind: str) -> tuple[int, int]:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != kind:
                raise ConfigError("site.logo", f"is a {image.format} file, not {kind}")
            return image.size
    except (UnidentifiedImageError, OSError) as e:
        raise ConfigError("site.logo", "is not an image Pillow can read") from e


def _svg_checked(data: bytes) -> tuple[None, None]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise ConfigError("site.logo", f"is not well-formed SVG ({e})") from e
    if etree.QName(root).localname != "svg":
        raise ConfigError("site.logo", "is not an SVG image")
    return None, None
