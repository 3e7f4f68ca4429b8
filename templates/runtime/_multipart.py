"""A `multipart/form-data` body (RFC 7578) as a stream httpx sends from a sync or an async client: takes
the parts (text, JSON or file parts with their headers), gives the bytes with a boundary and a length
known up front. Files are read as the body is sent, from where they stood, again on each retry."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import IO, NamedTuple

import httpx

from ._files import FileSource

_CHUNK = 64 * 1024


class Part(NamedTuple):
    name: str
    content: bytes | FileSource
    content_type: str | None = None
    filename: str | None = None
    headers: Mapping[str, str] = {}


def _quoted(text: str) -> str:
    """A name or file name as HTML forms quote it: `"`, CR and LF percent-encoded, the rest UTF-8."""
    return text.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _head(part: Part, boundary: bytes) -> bytes:
    disposition = f'form-data; name="{_quoted(part.name)}"'
    if part.filename is not None:
        disposition += f'; filename="{_quoted(part.filename)}"'
    lines = [f"Content-Disposition: {disposition}"]
    extra = {k.lower() for k in part.headers}
    if part.content_type is not None and "content-type" not in extra:
        lines.append(f"Content-Type: {part.content_type}")
    for name, value in part.headers.items():
        if any(c in f"{name}{value}" for c in "\r\n") or name.lower() == "content-disposition":
            raise ValueError(f"invalid header for the multipart part {part.name!r}: {name!r}")
        lines.append(f"{name}: {value}")
    return b"--" + boundary + b"\r\n" + "\r\n".join(lines).encode("utf-8") + b"\r\n\r\n"


class MultipartStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, parts: list[Part], boundary: bytes) -> None:
        self.parts = parts
        self.boundary = boundary
        self.heads = [_head(part, boundary) for part in parts]
        self.tail = b"--" + boundary + b"--\r\n"

    @property
    def content_type(self) -> str:
        return "multipart/form-data; boundary=" + self.boundary.decode("ascii")

    @property
    def content_length(self) -> int:
        sizes = (len(head) + _size(part.content) + 2 for head, part in zip(self.heads, self.parts, strict=True))
        return sum(sizes) + len(self.tail)

    def __iter__(self) -> Iterator[bytes]:
        for head, part in zip(self.heads, self.parts, strict=True):
            yield head
            if isinstance(part.content, bytes):
                yield part.content
            else:
                yield from _read(part.content)
            yield b"\r\n"
        yield self.tail

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:  # files are read in the event loop's thread, a chunk at a time, as httpx does
            yield chunk


def _size(content: bytes | FileSource) -> int:
    return len(content) if isinstance(content, bytes) else content.size


def _read(source: FileSource) -> Iterator[bytes]:
    """The file's bytes from its offset; exactly `size` of them, as announced in Content-Length."""
    if isinstance(source.data, bytes):
        yield source.data
        return
    if isinstance(source.data, os.PathLike):
        with open(source.data, "rb") as file:
            yield from _chunks(file, source.size)
        return
    source.data.seek(source.offset)
    yield from _chunks(source.data, source.size)


def _chunks(file: IO[bytes], size: int) -> Iterator[bytes]:
    left = size
    while left > 0:
        chunk = file.read(min(_CHUNK, left))
        if not chunk:
            raise OSError(f"the file {getattr(file, 'name', '')!r} shrank while it was being sent")
        left -= len(chunk)
        yield chunk


__all__ = ["MultipartStream", "Part"]
