"""Streamed bodies: takes a success response not read yet, and gives its bytes as they arrive
(`BodyReader`) or its events parsed one by one (`Stream`, `AsyncStream`). A body that breaks before
anything of it reached the caller is asked for again, as the call's retries allow; one that breaks
later raises `APIConnectionError` once everything received has been given out."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Generic, NamedTuple, Self, TypeVar

import httpx

from ._attempts import Attempts, transport_error
from ._operation import Endpoint, StreamSpec
from ._sse import ServerSentEvent, decoder_for, stream_data_error, stream_event_error

T = TypeVar("T")


class Reconnect(NamedTuple):
    """How a streamed call is sent again: the attempts it has left, their send loop, and the wait."""

    attempts: Attempts
    send: Callable[[], httpx.Response]
    sleep: Callable[[float], None]


class AsyncReconnect(NamedTuple):
    attempts: Attempts
    send: Callable[[], Awaitable[httpx.Response]]
    sleep: Callable[[float], Awaitable[None]]


class _Reader:
    """What the sync and async readers share: the response (replaced when the call is sent again)
    and whether anything of its body was given out yet."""

    def __init__(self, response: httpx.Response, scrub: Callable[[str], str]) -> None:
        self.response = response
        self.handed = False  # set by the consumer as it gives out the first byte or event
        self._scrub = scrub

    def _give_up(self, exc: httpx.HTTPError, can_retry: bool) -> None:
        """Raises the error of a broken body unless it may be fetched again."""
        if self.handed or not can_retry:
            raise transport_error(exc, self.response.request, self._scrub) from exc


class BodyReader(_Reader):
    def __init__(self, response: httpx.Response, reconnect: Reconnect | None, scrub: Callable[[str], str]) -> None:
        super().__init__(response, scrub)
        self._reconnect = reconnect

    def chunks(self, restart: Callable[[], None] | None = None, *, raw: bool = False) -> Iterator[bytes]:
        """The body's bytes as they arrive, content-decoded unless `raw`; `restart` is told when the
        body starts over, from a new response."""
        while True:
            try:
                yield from self.response.iter_raw() if raw else self.response.iter_bytes()
                return
            except httpx.HTTPError as exc:
                self.response.close()
                self._give_up(exc, self._reconnect is not None)
                assert self._reconnect is not None
                self._reconnect.sleep(self._reconnect.attempts.failed(exc))  # raises once retries are spent
                self.response = self._reconnect.send()
                if restart is not None:
                    restart()

    def close(self) -> None:
        self.response.close()


class AsyncBodyReader(_Reader):
    def __init__(self, response: httpx.Response, reconnect: AsyncReconnect | None, scrub: Callable[[str], str]) -> None:
        super().__init__(response, scrub)
        self._reconnect = reconnect

    async def chunks(self, restart: Callable[[], None] | None = None, *, raw: bool = False) -> AsyncIterator[bytes]:
        while True:
            try:
                async for chunk in self.response.aiter_raw() if raw else self.response.aiter_bytes():
                    yield chunk
                return
            except httpx.HTTPError as exc:
                await self.response.aclose()
                self._give_up(exc, self._reconnect is not None)
                assert self._reconnect is not None
                await self._reconnect.sleep(self._reconnect.attempts.failed(exc))
                self.response = await self._reconnect.send()
                if restart is not None:
                    restart()

    async def close(self) -> None:
        await self.response.aclose()


class _Events(Generic[T]):
    """What both streams share: the endpoint's rules for events, and the parsing of one."""

    def __init__(self, endpoint: Endpoint[T], scrub: Callable[[str], str]) -> None:
        if endpoint.stream is None:
            raise TypeError("a stream needs an endpoint with a StreamSpec")
        self._spec: StreamSpec = endpoint.stream
        self._parse = endpoint.parse
        self._scrub = scrub
        self._terminator = None if self._spec.terminator is None else self._spec.terminator.encode()
        self._closed = False

    @property
    def response(self) -> httpx.Response:
        """The HTTP response: status, headers. Its body is the stream's."""
        raise NotImplementedError

    @property
    def request_id(self) -> str | None:
        request_id: str | None = self.response.headers.get("x-request-id")
        return request_id

    def _admit(self, event: ServerSentEvent) -> bool:
        """Whether `event` is one to give out: False for the terminator (the stream ends there); an
        error event raises."""
        if self._terminator is not None and event.raw.strip() == self._terminator:
            return False
        if self._spec.error_event is not None and event.event == self._spec.error_event:
            raise stream_event_error(event, self.response, self._scrub)
        return True

    def _item(self, event: ServerSentEvent) -> T:
        """One event's data, parsed into the stream's item type."""
        try:
            return self._parse(event.raw)
        except ValueError as exc:  # pydantic.ValidationError included
            raise stream_data_error(exc, event, self.response, self._scrub) from exc


class Stream(_Events[T]):
    """The events of a response as they arrive: `for item in stream` gives each event's data parsed,
    `stream.events()` the raw events (name, data, id, retry). Read once; the connection is closed when
    the loop ends, breaks or raises, or when the stream is closed (`with stream:`)."""

    def __init__(
        self,
        response: httpx.Response,
        endpoint: Endpoint[T],
        reconnect: Reconnect | None,
        scrub: Callable[[str], str],
    ) -> None:
        super().__init__(endpoint, scrub)
        self._reader = BodyReader(response, reconnect, scrub)

    @property
    def response(self) -> httpx.Response:
        return self._reader.response

    def __iter__(self) -> Iterator[T]:
        item = self._item
        try:
            for event in self._events():
                yield item(event)
        finally:
            self.close()

    def events(self) -> Iterator[ServerSentEvent]:
        """The raw events, each once; the terminator ends them, an error event raises."""
        try:
            yield from self._events()
        finally:
            self.close()

    def _events(self) -> Iterator[ServerSentEvent]:
        if self._closed:
            return
        reader, admit = self._reader, self._admit
        decoder = decoder_for(self._spec)

        def restart() -> None:
            nonlocal decoder
            decoder = decoder_for(self._spec)

        for chunk in reader.chunks(restart):
            for event in decoder.feed(chunk):
                if not admit(event):
                    return
                reader.handed = True
                yield event
        for event in decoder.end():
            if not admit(event):
                return
            yield event

    def close(self) -> None:
        """Closes the connection (a stream not read to its end leaves nothing to reuse)."""
        self._closed = True
        self._reader.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Stream [{self.response.status_code}] {self.response.request.method} {self.response.url}>"


class AsyncStream(_Events[T]):
    """`Stream` on the async client: `async for`, `async with`, `await stream.close()`."""

    def __init__(
        self,
        response: httpx.Response,
        endpoint: Endpoint[T],
        reconnect: AsyncReconnect | None,
        scrub: Callable[[str], str],
    ) -> None:
        super().__init__(endpoint, scrub)
        self._reader = AsyncBodyReader(response, reconnect, scrub)

    @property
    def response(self) -> httpx.Response:
        return self._reader.response

    async def __aiter__(self) -> AsyncIterator[T]:
        item = self._item
        try:
            async for event in self._events():
                yield item(event)
        finally:
            await self.close()

    async def events(self) -> AsyncIterator[ServerSentEvent]:
        """The raw events, each once; the terminator ends them, an error event raises."""
        try:
            async for event in self._events():
                yield event
        finally:
            await self.close()

    async def _events(self) -> AsyncIterator[ServerSentEvent]:
        if self._closed:
            return
        reader, admit = self._reader, self._admit
        decoder = decoder_for(self._spec)

        def restart() -> None:
            nonlocal decoder
            decoder = decoder_for(self._spec)

        async for chunk in reader.chunks(restart):
            for event in decoder.feed(chunk):
                if not admit(event):
                    return
                reader.handed = True
                yield event
        for event in decoder.end():
            if not admit(event):
                return
            yield event

    async def close(self) -> None:
        self._closed = True
        await self._reader.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<AsyncStream [{self.response.status_code}] {self.response.request.method} {self.response.url}>"


__all__ = ["AsyncBodyReader", "AsyncReconnect", "AsyncStream", "BodyReader", "Reconnect", "Stream"]
