"""A strict reader of `multipart/form-data` request bodies, for checking them byte for byte.

Unlike the lenient `email` parser, it refuses a body that is not exactly RFC 7578 framing: the
boundary of the Content-Type header, CRLF line ends, a closing delimiter with nothing after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from support.server import RecordedRequest

_BOUNDARY = re.compile(r'multipart/form-data; boundary="?([0-9A-Za-z\'()+_,\-./:=?]{1,70})"?$')


@dataclass(frozen=True)
class Part:
    headers: list[tuple[str, str]]  # in order, as sent
    content: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def name(self) -> str:
        match = re.search(r'; name="([^"]*)"', self.header("Content-Disposition") or "")
        assert match, self.headers
        return match.group(1)

    @property
    def filename(self) -> str | None:
        match = re.search(r'; filename="([^"]*)"', self.header("Content-Disposition") or "")
        return match.group(1) if match else None


def multipart(request: RecordedRequest) -> list[Part]:
    """The parts of a multipart request, after checking its framing and its Content-Length."""
    content_type = request.header("Content-Type") or ""
    found = _BOUNDARY.fullmatch(content_type)
    assert found, f"not a multipart/form-data content type: {content_type!r}"
    assert request.header("Content-Length") == str(len(request.body))
    delimiter = b"--" + found.group(1).encode("ascii")
    body = request.body
    closing = delimiter + b"--\r\n"
    assert body.endswith(closing), body[-80:]
    if body == closing:
        return []
    assert body.startswith(delimiter + b"\r\n"), body[:80]
    chunks = body[len(delimiter) + 2 : -len(closing)].split(b"\r\n" + delimiter + b"\r\n")
    assert chunks[-1].endswith(b"\r\n"), chunks[-1][-40:]
    chunks[-1] = chunks[-1][:-2]
    parts = []
    for chunk in chunks:
        head, separator, content = chunk.partition(b"\r\n\r\n")
        assert separator, chunk[:80]
        lines = head.decode("utf-8").split("\r\n")
        headers = [(key, value) for key, _, value in (line.partition(": ") for line in lines)]
        parts.append(Part(headers, content))
    return parts
