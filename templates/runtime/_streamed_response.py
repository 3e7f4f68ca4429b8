"""`with_streaming_response`: its wrappers mark the one call they make, and the client, reading the mark,
gives a `StreamedResponse` whose body is read only when asked (bytes, text or lines as they arrive, a
file, or the parsed value), inside a context manager that closes the connection."""

from __future__ import annotations

import codecs
import contextvars
import functools
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import BinaryIO, Generic, ParamSpec, TypeVar, cast

import httpx

from ._exceptions import ResponseTooLargeError
from ._exchange import async_read_whole, completed_response, read_whole
from ._sse import LineSplitter
from ._streaming import AsyncBodyReader, AsyncReconnect, BodyReader, Reconnect

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")

# Set by the `with_streaming_response` wrappers for the one call they make.
_STREAMED_RESPONSE: contextvars.ContextVar[bool] = contextvars.ContextVar("streamed_response", default=False)


def consume_streamed_flag() -> bool:
    """Whether the call starting now was made through `with_streaming_response` (read once, by the client)."""
    if _STREAMED_RESPONSE.get():
        _STREAMED_RESPONSE.set(False)
        return True
    return False


class _Head:
    """The status line and headers, known before any of the body is read."""

    @property
    def http_response(self) -> httpx.Response:
        raise NotImplementedError

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def request_id(self) -> str | None:
        request_id: str | None = self.http_response.headers.get("x-request-id")
        return request_id

    @property
    def encoding(self) -> str:
        return self.http_response.charset_encoding or "utf-8"

    def _too_large(self, limit: int) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            f"The response body is larger than max_response_bytes ({limit}); stopped reading.",
            request=self.http_response.request,
            limit=limit,
        )

    def __repr__(self) -> str:
        request = self.http_response.request
        return f"<{type(self).__name__} [{self.status_code}] {request.method} {self.url}>"


class StreamedResponse(_Head, Generic[T]):
    """A response whose body is not read yet: `iter_bytes()`, `iter_text()`, `iter_lines()` and
    `stream_to_file()` go through it as it arrives (each read bounded by the read timeout, nothing
    kept); `read()` and `parse()` read it whole (within `max_response_bytes`). The body is read once."""

    def __init__(
        self,
        response: httpx.Response,
        parse: Callable[[httpx.Response], T],
        *,
        reconnect: Reconnect | None,
        scrub: Callable[[str], str],
        max_bytes: int,
        reads_body: bool = True,
    ) -> None:
        """`reads_body`: whether `parse` needs the body read first (False for an event stream)."""
        self._reader = BodyReader(response, reconnect, scrub)
        self._parse = parse
        self._max_bytes = max_bytes
        self._reads_body = reads_body
        self._done: httpx.Response | None = None  # the response read whole
        self._parsed: list[T] = []

    @property
    def http_response(self) -> httpx.Response:
        return self._done or self._reader.response

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body as it arrives, content-decoded; in pieces of `chunk_size` bytes (the last may be
        shorter) when given."""
        if self._done is not None:
            yield from _pieces(iter([self._done.content]), chunk_size)
            return
        reader = self._reader
        for piece in _pieces(reader.chunks(), chunk_size):
            reader.handed = True
            yield piece

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        """The body as text as it arrives, decoded by its charset (UTF-8 when it names none)."""
        decoder = codecs.getincrementaldecoder(self.encoding)(errors="replace")
        for chunk in self.iter_bytes(chunk_size):
            text = decoder.decode(chunk)
            if text:
                yield text
        rest = decoder.decode(b"", final=True)
        if rest:
            yield rest

    def iter_lines(self) -> Iterator[str]:
        """The body's lines as they arrive, without their ends (CRLF, LF or CR)."""
        splitter, encoding = LineSplitter(), self.encoding
        for chunk in self.iter_bytes():
            for line in splitter.feed(chunk):
                yield line.decode(encoding, errors="replace")
        rest = splitter.end()
        if rest:
            yield rest.decode(encoding, errors="replace")

    def read(self) -> bytes:
        """The whole body, content-decoded (at most `max_response_bytes`, else `ResponseTooLargeError`)."""
        if self._done is None:
            response = self._reader.response
            if response.is_stream_consumed:  # read before it got here (a mock transport's)
                self._done = read_whole(response, self._max_bytes)
                return self._done.content
            body = bytearray()
            for chunk in self._reader.chunks(body.clear, raw=True):
                body += chunk
                if len(body) > self._max_bytes:
                    self.close()
                    raise self._too_large(self._max_bytes)
            response = self._reader.response
            self._done = completed_response(response, bytes(body), response.request)
        return self._done.content

    def parse(self) -> T:
        """The value the plain method returns (parsed once, then kept)."""
        if not self._parsed:
            if self._reads_body:
                self.read()
            self._parsed.append(self._parse(self.http_response))
        return self._parsed[0]

    def stream_to_file(self, path: str | os.PathLike[str], *, chunk_size: int | None = None) -> None:
        """Writes the body to `path` as it arrives."""
        with open(path, "wb") as file:
            file.writelines(self.iter_bytes(chunk_size))

    def close(self) -> None:
        self._reader.close()


class AsyncStreamedResponse(_Head, Generic[T]):
    """`StreamedResponse` on the async client: `async for` over `iter_bytes()` and the others, and
    `await` for `read()`, `parse()`, `stream_to_file()` and `close()`."""

    def __init__(
        self,
        response: httpx.Response,
        parse: Callable[[httpx.Response], T],
        *,
        reconnect: AsyncReconnect | None,
        scrub: Callable[[str], str],
        max_bytes: int,
        reads_body: bool = True,
    ) -> None:
        self._reader = AsyncBodyReader(response, reconnect, scrub)
        self._parse = parse
        self._max_bytes = max_bytes
        self._reads_body = reads_body
        self._done: httpx.Response | None = None
        self._parsed: list[T] = []

    @property
    def http_response(self) -> httpx.Response:
        return self._done or self._reader.response

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        if self._done is not None:
            for piece in _pieces(iter([self._done.content]), chunk_size):
                yield piece
            return
        reader, pending = self._reader, bytearray()
        async for chunk in reader.chunks():
            if chunk_size is None:
                reader.handed = True
                yield chunk
                continue
            pending += chunk
            while len(pending) >= chunk_size:
                reader.handed = True
                yield bytes(pending[:chunk_size])
                del pending[:chunk_size]
        if pending:
            yield bytes(pending)

    async def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        decoder = codecs.getincrementaldecoder(self.encoding)(errors="replace")
        async for chunk in self.iter_bytes(chunk_size):
            text = decoder.decode(chunk)
            if text:
                yield text
        rest = decoder.decode(b"", final=True)
        if rest:
            yield rest

    async def iter_lines(self) -> AsyncIterator[str]:
        splitter, encoding = LineSplitter(), self.encoding
        async for chunk in self.iter_bytes():
            for line in splitter.feed(chunk):
                yield line.decode(encoding, errors="replace")
        rest = splitter.end()
        if rest:
            yield rest.decode(encoding, errors="replace")

    async def read(self) -> bytes:
        if self._done is None:
            response = self._reader.response
            if response.is_stream_consumed:
                self._done = await async_read_whole(response, self._max_bytes)
                return self._done.content
            body = bytearray()
            async for chunk in self._reader.chunks(body.clear, raw=True):
                body += chunk
                if len(body) > self._max_bytes:
                    await self.close()
                    raise self._too_large(self._max_bytes)
            response = self._reader.response
            self._done = completed_response(response, bytes(body), response.request)
        return self._done.content

    async def parse(self) -> T:
        if not self._parsed:
            if self._reads_body:
                await self.read()
            self._parsed.append(self._parse(self.http_response))
        return self._parsed[0]

    async def stream_to_file(self, path: str | os.PathLike[str], *, chunk_size: int | None = None) -> None:
        """Writes the body to `path` as it arrives (with blocking writes: a local file is no network)."""
        with _writable(path) as file:
            async for chunk in self.iter_bytes(chunk_size):
                file.write(chunk)

    async def close(self) -> None:
        await self._reader.close()


def _writable(path: str | os.PathLike[str]) -> BinaryIO:
    return open(path, "wb")  # closed by the caller's `with`


def _pieces(chunks: Iterator[bytes], size: int | None) -> Iterator[bytes]:
    """`chunks` as they come, or cut and joined into pieces of `size` bytes (the last may be shorter)."""
    if size is None:
        yield from chunks
        return
    if size <= 0:
        raise ValueError("chunk_size must be a positive number of bytes")
    pending = bytearray()
    for chunk in chunks:
        pending += chunk
        while len(pending) >= size:
            yield bytes(pending[:size])
            del pending[:size]
    if pending:
        yield bytes(pending)


class ResponseContextManager(Generic[R]):
    """Makes the call on entry (the status is known, the body not read) and closes it on exit."""

    def __init__(self, make: Callable[[], R]) -> None:
        self._make = make
        self._response: R | None = None

    def __enter__(self) -> R:
        self._response = self._make()
        return self._response

    def __exit__(self, *exc_info: object) -> None:
        if isinstance(self._response, StreamedResponse):
            self._response.close()


class AsyncResponseContextManager(Generic[R]):
    def __init__(self, make: Callable[[], Awaitable[R]]) -> None:
        self._make = make
        self._response: R | None = None

    async def __aenter__(self) -> R:
        self._response = await self._make()
        return self._response

    async def __aexit__(self, *exc_info: object) -> None:
        if isinstance(self._response, AsyncStreamedResponse):
            await self._response.close()


def to_streamed_response_wrapper(method: Callable[P, T]) -> Callable[P, ResponseContextManager[StreamedResponse[T]]]:
    @functools.wraps(method)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseContextManager[StreamedResponse[T]]:
        def make() -> StreamedResponse[T]:
            token = _STREAMED_RESPONSE.set(True)
            try:
                return cast(StreamedResponse[T], method(*args, **kwargs))
            finally:
                _STREAMED_RESPONSE.reset(token)

        return ResponseContextManager(make)

    return wrapped


def async_to_streamed_response_wrapper(
    method: Callable[P, Awaitable[T]],
) -> Callable[P, AsyncResponseContextManager[AsyncStreamedResponse[T]]]:
    @functools.wraps(method)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> AsyncResponseContextManager[AsyncStreamedResponse[T]]:
        async def make() -> AsyncStreamedResponse[T]:
            token = _STREAMED_RESPONSE.set(True)
            try:
                return cast(AsyncStreamedResponse[T], await method(*args, **kwargs))
            finally:
                _STREAMED_RESPONSE.reset(token)

        return AsyncResponseContextManager(make)

    return wrapped


__all__ = [
    "AsyncResponseContextManager",
    "AsyncStreamedResponse",
    "ResponseContextManager",
    "StreamedResponse",
    "async_to_streamed_response_wrapper",
    "consume_streamed_flag",
    "to_streamed_response_wrapper",
]
