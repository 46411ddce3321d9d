"""Reading a response body under a cap on its DECODED size.

We decompress gzip, deflate and brotli ourselves, in chunks of at most `CHUNK`
bytes, and count as we go: a 1 MB gzip that inflates to 10 GB stops at the cap
after a few chunks, with a peak of a few megabytes.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Protocol

import brotli

from curator.errors import FetchError

CHUNK = 64 * 1024
ACCEPT_ENCODING = "gzip, deflate, br"


class Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decoded output for `data`, in chunks of at most CHUNK bytes."""
        ...


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data


class _Zlib:
    """gzip (possibly multi-member) or deflate, zlib-wrapped or raw as servers send it."""

    def __init__(self, wbits: int) -> None:
        self._wbits = wbits
        self._d = zlib.decompressobj(wbits)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not self._started and data:
            self._started = True
            if self._wbits == zlib.MAX_WBITS and not _has_zlib_header(data):
                self._d = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate
        while True:
            out = self._d.decompress(data, CHUNK)
            if out:
                yield out
            data = self._d.unconsumed_tail
            if self._d.eof and self._d.unused_data.strip(b"\0"):
                data = self._d.unused_data  # the next gzip member
                self._d = zlib.decompressobj(self._wbits)
            elif not data and len(out) < CHUNK:
                return


class _Brotli:
    def __init__(self) -> None:
        self._d = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        # The limit bounds each output; pending output comes out on empty input.
        out = self._d.process(data, output_buffer_limit=CHUNK)
        while out:
            yield out
            out = self._d.process(b"", output_buffer_limit=CHUNK)


def _has_zlib_header(data: bytes) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


def decoders_for(content_encoding: str | None, url: str) -> list[Decoder]:
    """The decoders to apply, in order, for a Content-Encoding header."""
    names = [n.strip().lower() for n in (content_encoding or "").split(",") if n.strip()]
    stages: list[Decoder] = []
    for name in reversed(names):  # the last encoding applied is undone first
        if name in ("gzip", "x-gzip"):
            stages.append(_Zlib(zlib.MAX_WBITS | 16))
        elif name == "deflate":
            stages.append(_Zlib(zlib.MAX_WBITS))
        elif name == "br":
            stages.append(_Brotli())
        elif name != "identity":
            raise FetchError(url, f"unsupported Content-Encoding {name!r}")
    return stages or [_Identity()]


def _through(decoder: Decoder, chunks: Iterable[bytes]) -> Iterator[bytes]:
    for chunk in chunks:
        yield from decoder.feed(chunk)


async def read_capped(
    raw: AsyncIterator[bytes], content_encoding: str | None, limit: int, url: str
) -> bytes:
    """The decoded body, or FetchError as soon as it passes `limit` bytes."""
    stages = decoders_for(content_encoding, url)
    body = bytearray()
    try:
        async for data in raw:
            decoded: Iterable[bytes] = (data,)
            for stage in stages:
                decoded = _through(stage, decoded)
            for piece in decoded:
                body += piece
                if len(body) > limit:
                    raise FetchError(
                        url, f"body larger than {limit:,} bytes (network.max_body_bytes)"
                    )
    except (zlib.error, brotli.error) as e:
        raise FetchError(url, f"body is not valid {content_encoding} ({e})") from e
    return bytes(body)
