"""What the command line prints: takes the bytes the server sent (the client's models are not
re-serialised) and gives them to stdout, pretty or compact, one line per item of every page or per
event of a stream, or a binary body to a file as it arrives; and the one-line messages of the errors
a call ends with."""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any, TextIO

import httpx

from .._runtime._exceptions import APIConnectionError, APIStatusError
from .._runtime._pagination import SyncPage
from .._runtime._streamed_response import StreamedResponse
from .._runtime._streaming import Stream


class LastBody:
    """Keeps the body of the latest response the client kept: the command line prints what the server
    sent, not a re-serialisation of the client's models (which would change `0` to `0.0`, say)."""

    def __init__(self) -> None:
        self.body = b""

    def __call__(self, response: httpx.Response) -> None:
        self.body = response.content


def print_body(body: bytes, stdout: TextIO, *, kind: str, pretty: bool, ascii: bool) -> None:
    """A response body of `kind` (json, text, binary or none); `ascii`: stdout cannot encode all of
    Unicode, so JSON gets \\u escapes and text backslash escapes instead."""
    if kind == "none" or not body:
        return
    if kind == "json":
        stdout.write(_dump(json.loads(body), pretty=pretty, ascii=ascii) + "\n")
    elif kind == "text":
        text = body.decode("utf-8", errors="replace")
        if ascii:
            text = text.encode("ascii", errors="backslashreplace").decode("ascii")
        stdout.write(text if text.endswith("\n") or not stdout.isatty() else text + "\n")
    else:
        stdout.flush()
        stdout.buffer.write(body)
    stdout.flush()


def print_items(
    first: SyncPage[Any], last: LastBody, stdout: TextIO, *, items_path: tuple[str, ...], limit: int | None, ascii: bool
) -> None:
    """Each item of each page (found at `items_path` of its body), one line each, flushed: the next page
    is fetched only when the lines of this one are out, and never once `limit` are."""
    printed = 0
    for _page in first.iter_pages():  # `last` holds the body of the page just fetched
        items = json.loads(last.body)
        for key in items_path:
            items = items.get(key) if isinstance(items, dict) else None
        for item in items if isinstance(items, list) else []:
            if limit is not None and printed >= limit:
                return
            stdout.write(_dump(item, pretty=False, ascii=ascii) + "\n")
            stdout.flush()
            printed += 1
        if limit is not None and printed >= limit:
            return


def print_events(stream: Stream[Any], stdout: TextIO, *, ascii: bool) -> None:
    """Each event's data as one compact JSON line, flushed as it arrives: the server's JSON, or the
    text of a stream of text. Each is first parsed as the client would (a mismatch ends the command)."""
    for event in stream.events():
        item = stream._item(event)
        value = item if isinstance(item, str) else event.json()
        stdout.write(_dump(value, pretty=False, ascii=ascii) + "\n")
        stdout.flush()


def write_body(response: StreamedResponse[Any], output: str | None, stdout: TextIO) -> None:
    """A binary body as it arrives: to `output` (written beside it, then moved in place, so a broken
    transfer leaves no partial file), else to stdout."""
    if output is None:
        stdout.flush()
        for chunk in response.iter_bytes():
            stdout.buffer.write(chunk)
        stdout.buffer.flush()
        return
    partial = output + ".part"
    try:
        response.stream_to_file(partial)
        os.replace(partial, output)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(partial)


def status_message(exc: APIStatusError) -> str:
    response = exc.response
    text = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
    text += f" from {response.request.method} {response.request.url.path}"
    detail = _one_line(response.content)
    if detail:
        text += f": {detail}"
    if exc.request_id:
        text += f" (request id {exc.request_id})"
    return text


def connection_message(exc: APIConnectionError) -> str:
    url = exc.request.url if exc.request else None  # scheme, host and port: never a user:password@
    where = f"{url.scheme}://{url.host}" + (f":{url.port}" if url.port else "") if url else "the API"
    return f"no response from {where}: {exc.message}"


def _dump(value: Any, *, pretty: bool, ascii: bool) -> str:
    if pretty:
        return json.dumps(value, indent=2, ensure_ascii=ascii)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=ascii)


def _one_line(body: bytes, limit: int = 500) -> str:
    try:
        text = json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False)
    except ValueError:
        text = " ".join(body.decode("utf-8", errors="replace").split())
    return text if len(text) <= limit else text[:limit] + "..."


__all__ = [
    "LastBody",
    "connection_message",
    "print_body",
    "print_events",
    "print_items",
    "status_message",
    "write_body",
]
