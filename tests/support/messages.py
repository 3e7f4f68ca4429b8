"""What the test server exchanges: the requests it records and the replies it is scripted with."""

from __future__ import annotations

import json as _json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["HeadersLike", "RecordedRequest", "Reply"]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as received by the server."""

    method: str
    #: Raw path exactly as sent on the request line (percent-encoding kept), no query.
    path: str
    #: Raw query string (without the leading ``?``); ``""`` when absent.
    query: str
    query_params: list[tuple[str, str]]
    #: Raw header pairs in the order received, original case, duplicates kept.
    headers: list[tuple[str, str]]
    cookies: dict[str, str]
    body: bytes
    #: Identifies the TCP connection the request arrived on (keep-alive checks).
    connection_id: int = 0
    http_version: str = "HTTP/1.1"

    @property
    def target(self) -> str:
        """The raw request target: path plus ``?query`` when a query was sent."""
        return f"{self.path}?{self.query}" if self.query else self.path

    def header(self, name: str) -> str | None:
        """First value of header ``name`` (case-insensitive), or ``None``."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    def header_values(self, name: str) -> list[str]:
        """All values of header ``name`` (case-insensitive), in order received."""
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]

    def text(self, encoding: str = "utf-8") -> str:
        return self.body.decode(encoding)

    def json(self) -> Any:
        return _json.loads(self.body)


HeadersLike = Mapping[str, str] | Sequence[tuple[str, str]]


@dataclass
class Reply:
    """A scripted response, optionally with fault injection."""

    status: int = 200
    headers: HeadersLike = field(default_factory=dict)
    #: ``bytes`` are sent as-is, ``str`` is UTF-8 encoded (text/plain unless a
    #: content-type is given), ``support.chunks.Chunks`` are streamed, anything
    #: else is serialised as JSON (application/json unless a content-type is given).
    body: Any = b""
    #: Seconds to sleep before sending anything.
    delay: float = 0.0
    #: If set, send the body one byte at a time with this delay between bytes.
    drip: float | None = None
    #: Announce a Content-Length larger than what is sent, then close the socket.
    close_mid_body: bool = False
    #: Close the connection without sending anything.
    drop_connection: bool = False
    #: Reason phrase; defaults to the standard one for ``status``.
    reason: str | None = None

    def header_pairs(self) -> list[tuple[str, str]]:
        return list(self.headers.items()) if isinstance(self.headers, Mapping) else list(self.headers)

    def render(self) -> tuple[list[tuple[str, str]], bytes]:
        """Header pairs and encoded body (without framing headers added)."""
        pairs = self.header_pairs()
        has_type = any(key.lower() == "content-type" for key, _ in pairs)
        payload: bytes
        if isinstance(self.body, bytes | bytearray | memoryview):
            payload = bytes(self.body)
        elif isinstance(self.body, str):
            payload = self.body.encode("utf-8")
            if not has_type:
                pairs.append(("Content-Type", "text/plain; charset=utf-8"))
        else:
            payload = _json.dumps(self.body).encode("utf-8")
            if not has_type:
                pairs.append(("Content-Type", "application/json"))
        return pairs, payload
