"""A `multipart/form-data` body (RFC 7578) as a stream httpx sends from a sync or an async client: takes
the fields of a body and its `BodySpec`, gives one part per field (a file part per file, JSON for an
object, text for a scalar, a part per item of an array, as the spec's `encoding` says) and the bytes
with a boundary and a length known up front. Files are read as the body is sent, from where they
stood, again on each retry."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import IO, Any, NamedTuple

import httpx
import pydantic

from ._files import FileSource, file_part, is_file_input
from ._operation import BodySpec, PartEncoding
from ._values import is_set, json_text, plain, query_items, style_of, to_text

_CHUNK = 64 * 1024
_NO_ENCODING = PartEncoding()


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


def multipart_stream(fields: Mapping[str, Any], spec: BodySpec) -> MultipartStream:
    """The body of `fields` by wire name; omitted fields and None are not sent (a form has no null)."""
    parts: list[Part] = []
    for name, value in fields.items():
        if not is_set(value) or plain(value) is None:
            continue
        encoding = spec.encoding.get(name, _NO_ENCODING)
        if name in spec.files:
            parts += [_file(name, item, spec.files[name], encoding) for item in _files_given(value)]
        elif encoding.style is not None or encoding.explode is not None:
            pairs = query_items({name: value}, {name: style_of(encoding)})
            parts += [_text_part(key, text, encoding) for key, text in pairs]
        else:
            items = value if isinstance(value, list) else [value]
            parts += [_part(name, item, encoding) for item in items if plain(item) is not None]
    return MultipartStream(parts, os.urandom(16).hex().encode("ascii"))


def _files_given(value: object) -> list[object]:
    """The files of a file field: a list (or a tuple of files) holds several; a file tuple is one."""
    if isinstance(value, list):
        return value
    if isinstance(value, tuple) and not (2 <= len(value) <= 4 and isinstance(value[0], str | None)):
        return list(value)
    return [value]


def _file(name: str, value: object, keyword: str, encoding: PartEncoding) -> Part:
    # The spec's contentType may list types or use wildcards (`image/*`): only a single one is a default.
    given = encoding.content_type or ""
    file = file_part(value, keyword, given if given and not any(c in given for c in ",*") else None)
    return Part(name, file.source, file.content_type, file.filename, {**encoding.headers, **file.headers})


def _part(name: str, value: object, encoding: PartEncoding) -> Part:
    """A field's part: an object is JSON (`application/json` unless the spec says), a scalar text, and
    bytes, a file, a path or a file tuple a file part."""
    if is_file_input(value):
        return _file(name, value, name, encoding)
    if isinstance(value, pydantic.BaseModel | Mapping):
        content_type = encoding.content_type or "application/json"
        return Part(name, json_text(value).encode("utf-8"), content_type, None, encoding.headers)
    return _text_part(name, to_text(value), encoding)


def _text_part(name: str, text: str, encoding: PartEncoding) -> Part:
    return Part(name, text.encode("utf-8"), encoding.content_type, None, encoding.headers)


__all__ = ["MultipartStream", "Part", "multipart_stream"]
