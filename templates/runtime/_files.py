"""The files a multipart field takes (`FileTypes`): bytes, a binary file object, an `os.PathLike`, or a
`(filename, content[, content_type[, headers]])` tuple; each checked before anything is sent and
described as a `FileSource` the multipart stream reads (a path is opened only then)."""

from __future__ import annotations

import io
import mimetypes
import os
from collections.abc import Mapping
from pathlib import PurePath
from typing import IO, NamedTuple, TypeAlias

FileContent: TypeAlias = bytes | bytearray | memoryview | IO[bytes] | os.PathLike[str]
FileTypes: TypeAlias = (
    FileContent
    | tuple[str | None, FileContent | str]
    | tuple[str | None, FileContent | str, str | None]
    | tuple[str | None, FileContent | str, str | None, Mapping[str, str]]
)

_ACCEPTED = "bytes, a binary file object, an os.PathLike or a (filename, content[, content_type[, headers]]) tuple"


class FileSource(NamedTuple):
    """Where a file part's bytes come from: bytes in memory, a seekable file from `offset`, or a path."""

    data: bytes | IO[bytes] | os.PathLike[str]
    offset: int
    size: int


class FilePart(NamedTuple):
    filename: str | None
    source: FileSource
    content_type: str
    headers: Mapping[str, str]


def is_file_input(value: object) -> bool:
    """Whether a value given for a field the spec does not call a file is one all the same."""
    return isinstance(value, bytes | bytearray | memoryview | tuple | os.PathLike) or hasattr(value, "read")


def file_part(value: object, field: str, default_type: str | None = None) -> FilePart:
    """A file input as a part: its file name (a path's name, a file object's, else the field's wire
    name: servers tell files from text fields by it), its source, its content type (given, else the
    spec's `contentType`, else guessed from the name) and its extra headers. A `str`, a text file or
    anything else is refused with a TypeError naming the field."""
    filename: str | None
    content_type: str | None = None
    headers: Mapping[str, str] = {}
    if isinstance(value, tuple):
        if not 2 <= len(value) <= 4 or not isinstance(value[0], str | None):
            shape = "(filename, content[, content_type[, headers]])"
            raise TypeError(f"`{field}`: a file tuple is {shape}; got {value!r:.80}")
        filename, content = value[0], value[1]
        content_type = value[2] if len(value) > 2 else None
        headers = value[3] if len(value) > 3 else {}
        source = _source(content.encode("utf-8") if isinstance(content, str) else content, field)
    else:
        source = _source(value, field)
        filename = _name_of(value) or field
    content_type = content_type or default_type or _guess(filename)
    return FilePart(filename, source, content_type, headers)


def _source(content: object, field: str) -> FileSource:
    if isinstance(content, bytes | bytearray | memoryview):
        data = bytes(content)
        return FileSource(data, 0, len(data))
    if isinstance(content, os.PathLike):
        path = os.fspath(content)
        if not isinstance(path, str):
            raise TypeError(f"`{field}`: give a file path as str or pathlib.Path, not bytes")
        return FileSource(content, 0, os.stat(path).st_size)
    if isinstance(content, io.TextIOBase):
        raise TypeError(f"`{field}` takes a file opened in binary mode ('rb'), not text mode")
    if not isinstance(content, str) and hasattr(content, "read"):
        file: IO[bytes] = content  # type: ignore[assignment]
        if _seekable(file):
            start = file.tell()
            size = file.seek(0, io.SEEK_END) - start
            file.seek(start)
            return FileSource(file, start, size)
        data = file.read()  # not seekable: read once, so that a retry can send it again
        if not isinstance(data, bytes):
            raise TypeError(f"`{field}` takes a file opened in binary mode ('rb'), not text mode")
        return FileSource(data, 0, len(data))
    raise TypeError(f"`{field}` takes a file: {_ACCEPTED}; got {type(content).__name__}")


def _seekable(file: object) -> bool:
    try:
        return bool(file.seekable())  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return False


def _name_of(value: object) -> str | None:
    name = os.fspath(value) if isinstance(value, os.PathLike) else getattr(value, "name", None)
    return PurePath(name).name or None if isinstance(name, str) else None


def _guess(filename: str | None) -> str:
    guessed = mimetypes.guess_type(filename)[0] if filename else None
    return guessed or "application/octet-stream"


__all__ = ["FileContent", "FilePart", "FileSource", "FileTypes", "file_part", "is_file_input"]
