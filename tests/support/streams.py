"""What the streaming tests share: the committed `streaming` fixture package (tests/fixtures/streaming/),
its clients driven through one scenario for sync and async, and helpers to read a stream either way."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import json
import sys
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parents[2]
_PACKAGE_ROOT = str(ROOT / "tests" / "fixtures" / "streaming" / "expected")
STREAMING_FOLDER = ROOT / "tests" / "fixtures" / "streaming" / "expected" / "streaming"  # the package
if _PACKAGE_ROOT not in sys.path:
    sys.path.insert(0, _PACKAGE_ROOT)

streaming: Any = importlib.import_module("streaming")
models: Any = importlib.import_module("streaming.models")
base_client: Any = importlib.import_module("streaming._runtime._base_client")

#: Long and distinctive, so a leak is found by a plain substring search.
API_KEY = "sk-stream-5b8e1f2a9c3d4e67-SECRET"
Flavour = Literal["sync", "async"]
Scenario = Callable[[Any], Awaitable[None]]


def run(flavour: Flavour, scenario: Scenario, base_url: str, **options: Any) -> None:
    """`scenario` with the sync or the async client of the fixture package, inside an event loop."""
    options = {"api_key": API_KEY, "base_url": base_url, "max_retries": 0, **options}

    async def main() -> None:
        if flavour == "sync":
            with streaming.Client(**options) as client:
                await scenario(client)
        else:
            async with streaming.AsyncClient(**options) as aclient:
                await scenario(aclient)

    asyncio.run(main())


async def resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def items(stream: Any, limit: int | None = None) -> list[Any]:
    """The items of a stream, `for` or `async for`; at most `limit`, then the loop breaks."""
    found: list[Any] = []
    if isinstance(stream, streaming.AsyncStream):
        async for item in stream:
            found.append(item)
            if limit is not None and len(found) >= limit:
                break
        return found
    for item in stream:
        found.append(item)
        if limit is not None and len(found) >= limit:
            break
    return found


async def events(stream: Any) -> list[Any]:
    if isinstance(stream, streaming.AsyncStream):
        return [event async for event in stream.events()]
    return list(stream.events())


async def into(found: list[Any], stream: Any) -> None:
    """Appends each item to `found` as it comes (what arrived before an error stays there)."""
    if isinstance(stream, streaming.AsyncStream):
        async for item in stream:
            found.append(item)
    else:
        for item in stream:
            found.append(item)


async def until(flag: threading.Event, timeout: float = 5.0) -> bool:
    """Waits for `flag` without blocking the event loop (an async stream's closing runs there)."""
    deadline = time.monotonic() + timeout
    while not flag.is_set() and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    return flag.is_set()


def sse(data: str | Any, *, event: str | None = None, id: str | None = None) -> bytes:
    """One server-sent event; data that is not a string is sent as JSON."""
    text = data if isinstance(data, str) else json.dumps(data)
    lines = ([f"event: {event}"] if event else []) + ([f"id: {id}"] if id else [])
    lines += [f"data: {line}" for line in text.split("\n")]
    return ("\n".join(lines) + "\n\n").encode()


def jsonl(records: Iterable[Any]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


SSE_HEADERS = {"Content-Type": "text/event-stream", "X-Request-Id": "req-stream-1"}


class Delays:
    """The runtime's waits between attempts, recorded instead of slept."""

    def __init__(self) -> None:
        self.waited: list[float] = []

    def sync(self, seconds: float) -> None:
        self.waited.append(seconds)

    async def asynchronous(self, seconds: float) -> None:
        self.waited.append(seconds)


def record_delays() -> Iterator[Delays]:
    """A fixture body: the fixture package's sleeps replaced while the test runs."""
    delays = Delays()
    saved = base_client.sleep, base_client.async_sleep
    base_client.sleep, base_client.async_sleep = delays.sync, delays.asynchronous
    try:
        yield delays
    finally:
        base_client.sleep, base_client.async_sleep = saved


async def chunks_of(response: Any, chunk_size: int | None = None) -> list[bytes]:
    if isinstance(response, streaming.AsyncStreamedResponse):
        return [chunk async for chunk in response.iter_bytes(chunk_size)]
    return list(response.iter_bytes(chunk_size))


async def lines_of(response: Any) -> list[str]:
    if isinstance(response, streaming.AsyncStreamedResponse):
        return [line async for line in response.iter_lines()]
    return list(response.iter_lines())


async def texts_of(response: Any) -> list[str]:
    if isinstance(response, streaming.AsyncStreamedResponse):
        return [text async for text in response.iter_text()]
    return list(response.iter_text())


@contextlib.asynccontextmanager
async def entered(manager: Any) -> AsyncIterator[Any]:
    """Enters a `with_streaming_response` context manager, `with` or `async with`."""
    if hasattr(manager, "__aenter__"):
        async with manager as response:
            yield response
    else:
        with manager as response:
            yield response
