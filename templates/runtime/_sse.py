"""Event stream decoding, without I/O: takes a body's bytes chunk by chunk, as they arrive, and gives
the complete events in each (server-sent events by the WHATWG rules, JSON Lines, JSON text sequences),
never waiting for the end of the stream; and what a declared terminator or error event means."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

import httpx
import pydantic

from ._exceptions import StreamDataError, StreamEventError
from ._operation import StreamSpec

_BOM = b"\xef\xbb\xbf"
_RECORD_SEPARATOR = b"\x1e"  # RFC 7464


class ServerSentEvent:
    """One event as it came: its name (`message` when the stream names none), its data text (`data:`
    lines joined with line feeds), the last event id the stream set and the `retry:` it carried.

    JSON Lines and JSON sequences give one event per record, named `message`, with the record as data."""

    __slots__ = ("event", "id", "raw", "retry")

    def __init__(self, raw: bytes, event: str = "message", id: str | None = None, retry: int | None = None) -> None:
        self.raw = raw  # the data as bytes, as sent
        self.event = event
        self.id = id
        self.retry = retry

    @property
    def data(self) -> str:
        return self.raw.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.raw)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServerSentEvent):
            return NotImplemented
        return (self.raw, self.event, self.id, self.retry) == (other.raw, other.event, other.id, other.retry)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __repr__(self) -> str:
        return f"ServerSentEvent(event={self.event!r}, data={self.data!r}, id={self.id!r}, retry={self.retry!r})"


class Decoder(Protocol):
    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """The events completed by `chunk`."""

    def end(self) -> list[ServerSentEvent]:
        """The events the end of the stream completes."""


class LineSplitter:
    """Bytes -> complete lines, without their ends: CRLF, LF and CR all end a line, also when a CRLF
    is split between two chunks. A line still open waits for the next chunk."""

    __slots__ = ("_open", "_skip_lf")

    def __init__(self) -> None:
        self._open: list[bytes] = []  # the parts of a line not ended yet
        self._skip_lf = False  # the last chunk ended in CR: a LF starting the next ends no other line

    def feed(self, chunk: bytes) -> list[bytes]:
        if self._skip_lf:
            self._skip_lf = False
            if chunk[:1] == b"\n":
                chunk = chunk[1:]
        if b"\n" not in chunk and b"\r" not in chunk:
            if chunk:
                self._open.append(chunk)  # joined once the line ends: no quadratic copying
            return []
        if self._open:
            self._open.append(chunk)
            chunk = b"".join(self._open)
            self._open = []
        lines = chunk.splitlines()  # bytes split on CR, LF and CRLF only
        last = chunk[-1:]
        if last == b"\r":
            self._skip_lf = True
        elif last != b"\n":
            self._open.append(lines.pop())
        return lines

    def end(self) -> bytes:
        """What followed the last line end (nothing, for a body ending in one)."""
        rest, self._open = b"".join(self._open), []
        return rest


class SSEDecoder:
    """`text/event-stream` by the WHATWG rules: a leading BOM is dropped; lines starting with `:` are
    comments; `field: value` (one space after the colon dropped) or a bare `field` with an empty value;
    `data` lines are joined with LF; `id` holding NUL is ignored; `retry` counts only if all digits;
    unknown fields are ignored; a blank line dispatches the event unless it has no data; an event not
    ended by a blank line when the stream ends is discarded."""

    def __init__(self) -> None:
        self._lines = LineSplitter()
        self._started = False  # the BOM check is done
        self._head = b""  # the first bytes, while too few to tell whether they are a BOM
        self._data: list[bytes] = []
        self._event = ""
        self._retry: int | None = None
        self._last_id: str | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        if not self._started:
            chunk, self._head = self._head + chunk, b""
            if len(chunk) < len(_BOM) and _BOM.startswith(chunk):
                self._head = chunk  # too short to tell yet
                return []
            self._started = True
            chunk = chunk.removeprefix(_BOM)
        events: list[ServerSentEvent] = []
        data = self._data
        for line in self._lines.feed(chunk):
            if not line:  # dispatch
                if data:
                    text = data[0] if len(data) == 1 else b"\n".join(data)
                    events.append(ServerSentEvent(text, self._event or "message", self._last_id, self._retry))
                    data = self._data = []
                self._event = ""
                self._retry = None
                continue
            if line[:6] == b"data: ":  # the usual line, first
                data.append(line[6:])
                continue
            if line[0] == 0x3A:  # `:` a comment
                continue
            name, _, value = line.partition(b":")
            if value[:1] == b" ":
                value = value[1:]
            if name == b"data":
                data.append(value)
            elif name == b"event":
                self._event = value.decode("utf-8", errors="replace")
            elif name == b"id":
                if b"\0" not in value:
                    self._last_id = value.decode("utf-8", errors="replace")
            elif name == b"retry" and value.isdigit():  # ASCII digits only, for bytes
                self._retry = int(value)
        return events

    def end(self) -> list[ServerSentEvent]:
        self._lines.end()
        self._data = []
        return []


class JSONLinesDecoder:
    """`application/jsonl` and `application/x-ndjson`: one record per line (CRLF or LF); blank lines
    are skipped; the last line needs no line end."""

    def __init__(self) -> None:
        self._open: list[bytes] = []

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        if b"\n" not in chunk:
            self._open.append(chunk)
            return []
        if self._open:
            self._open.append(chunk)
            chunk = b"".join(self._open)
            self._open = []
        lines = chunk.split(b"\n")
        rest = lines.pop()
        if rest:
            self._open.append(rest)
        return [ServerSentEvent(record) for record in (line.strip() for line in lines) if record]

    def end(self) -> list[ServerSentEvent]:
        rest, self._open = b"".join(self._open).strip(), []
        return [ServerSentEvent(rest)] if rest else []


class JSONSeqDecoder:
    """`application/json-seq` (RFC 7464): each record starts with RS and ends with LF. A record is
    complete at the next RS, or as soon as it ends in LF and holds a whole JSON text (a text may span
    lines), so no record waits for the next one to be sent."""

    def __init__(self) -> None:
        self._open: list[bytes] = []

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        self._open.append(chunk)
        if _RECORD_SEPARATOR not in chunk and not chunk.endswith(b"\n"):
            return []
        records = b"".join(self._open).split(_RECORD_SEPARATOR)
        rest = records.pop()
        events = [ServerSentEvent(text) for text in (r.strip() for r in records) if text]
        if rest.endswith(b"\n") and rest.strip() and _whole_json(rest):
            events.append(ServerSentEvent(rest.strip()))
            rest = b""
        self._open = [_RECORD_SEPARATOR + rest] if rest else []
        return events

    def end(self) -> list[ServerSentEvent]:
        rest, self._open = b"".join(self._open).strip(b"\x1e \t\r\n"), []
        return [ServerSentEvent(rest)] if rest else []


def _whole_json(text: bytes) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


_DECODERS: dict[str, Callable[[], Decoder]] = {
    "sse": SSEDecoder,
    "jsonl": JSONLinesDecoder,
    "json-seq": JSONSeqDecoder,
}


def decoder_for(spec: StreamSpec) -> Decoder:
    return _DECODERS[spec.format]()


def stream_event_error(
    event: ServerSentEvent, response: httpx.Response, scrub: Callable[[str], str]
) -> StreamEventError:
    """The error an error event stands for: its data as JSON (else as text), and a message taken
    from the data's `message` (or `error.message`, or a string `error`), else the data itself."""
    body: Any
    try:
        body = event.json()
    except ValueError:
        body = event.data
    message: Any = None
    if isinstance(body, dict):
        inner = body.get("error")
        message = body.get("message") or (inner.get("message") if isinstance(inner, dict) else inner)
    text = message if isinstance(message, str) and message else event.data
    text = text if len(text) <= 500 else text[:500] + "..."
    return StreamEventError(
        scrub(f"The stream sent an error event ({event.event}): {text}"), response=response, event=event, body=body
    )


def stream_data_error(
    exc: ValueError, event: ServerSentEvent, response: httpx.Response, scrub: Callable[[str], str]
) -> StreamDataError:
    """The error of an event whose data the stream's parser refused, naming the event: its name, its
    id, the start of its data, and whether the data is not JSON at all or JSON the schema refuses."""
    errors = exc.errors(include_input=False, include_url=False) if isinstance(exc, pydantic.ValidationError) else []
    not_json = isinstance(exc, json.JSONDecodeError) or (bool(errors) and errors[0]["type"] == "json_invalid")
    named = f"The event {event.event!r}" + (f" (id {event.id!r})" if event.id is not None else "")
    data = event.data if len(event.data) <= 80 else event.data[:80] + "..."
    if not_json:
        detail = f"is not JSON, as the stream declares: data {data!r}"
    elif errors:
        where = ".".join(str(part) for part in errors[0]["loc"]) or "data"
        detail = f"did not match the schema: {len(errors)} error(s), first at {where}: {errors[0]['msg']}"
    else:
        detail = "did not match the schema: " + ((str(exc).strip().splitlines() or [type(exc).__name__])[0])
    message = f"{named} of the {response.status_code} stream {detail}"
    return StreamDataError(scrub(message), response=response, event=event)


__all__ = [
    "Decoder",
    "JSONLinesDecoder",
    "JSONSeqDecoder",
    "LineSplitter",
    "SSEDecoder",
    "ServerSentEvent",
    "decoder_for",
    "stream_data_error",
    "stream_event_error",
]
