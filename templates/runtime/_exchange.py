"""One attempt on the wire: takes an httpx client and a request, and gives the complete response after
following redirects (credentials kept from other origins), read whole within the read timeout and the
size limit (or a success unread, for a streamed call); a broken transfer's error keeps the bytes that
did arrive."""

from __future__ import annotations

import time

import httpx

from ._credentials import Credentials
from ._exceptions import ResponseTooLargeError

REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5


def exchange(
    http: httpx.Client, request: httpx.Request, credentials: Credentials, max_bytes: int, *, stream: bool = False
) -> httpx.Response:
    """One attempt: redirects followed, the whole body read within the deadline and size limit. With
    `stream`, a success comes back unread instead: each read of it is bounded by the read timeout alone."""
    deadline = _deadline(request)
    response = http.send(request, stream=True, follow_redirects=False)
    for _ in range(MAX_REDIRECTS):
        following = _redirect(request, response, credentials)
        if following is None:
            break
        response.close()
        request = following
        response = http.send(request, stream=True, follow_redirects=False)
    if stream and response.is_success:
        return response
    return read_whole(response, max_bytes, deadline)


def read_whole(response: httpx.Response, max_bytes: int, deadline: float | None = None) -> httpx.Response:
    """The response with its whole body read (within the size limit and the deadline), connection closed."""
    request = response.request
    read = _already_read(response, request, max_bytes)
    if read is not None:
        return read
    body = bytearray()
    try:
        for chunk in response.iter_raw():
            _take(body, chunk, deadline, request, max_bytes)
    except httpx.HTTPError as exc:
        _keep_received(exc, body)
        raise
    finally:
        response.close()
    return completed_response(response, bytes(body), request)


async def async_exchange(
    http: httpx.AsyncClient,
    request: httpx.Request,
    credentials: Credentials,
    max_bytes: int,
    *,
    stream: bool = False,
) -> httpx.Response:
    """`exchange` on an async client."""
    deadline = _deadline(request)
    response = await http.send(request, stream=True, follow_redirects=False)
    for _ in range(MAX_REDIRECTS):
        following = _redirect(request, response, credentials)
        if following is None:
            break
        await response.aclose()
        request = following
        response = await http.send(request, stream=True, follow_redirects=False)
    if stream and response.is_success:
        return response
    return await async_read_whole(response, max_bytes, deadline)


async def async_read_whole(response: httpx.Response, max_bytes: int, deadline: float | None = None) -> httpx.Response:
    """`read_whole` on an async response."""
    request = response.request
    read = _already_read(response, request, max_bytes)
    if read is not None:
        return read
    body = bytearray()
    try:
        async for chunk in response.aiter_raw():
            _take(body, chunk, deadline, request, max_bytes)
    except httpx.HTTPError as exc:
        _keep_received(exc, body)
        raise
    finally:
        await response.aclose()
    return completed_response(response, bytes(body), request)


def _redirect(request: httpx.Request, response: httpx.Response, credentials: Credentials) -> httpx.Request | None:
    """The request a redirect asks for, or None for a response that is not one. Credentials go
    along only to the same origin: another host gets no auth header, cookie or auth parameter."""
    location = response.headers.get("location")
    if response.status_code not in REDIRECT_STATUS or location is None:
        return None
    url = request.url.join(location)
    method, content = request.method, request.read()
    if (response.status_code == 303 and method != "HEAD") or (response.status_code in (301, 302) and method == "POST"):
        method, content = "GET", b""
    headers = httpx.Headers(request.headers)
    if not content:
        headers.pop("content-length", None)
        headers.pop("content-type", None)
    if (url.scheme, url.host, url.port) != (request.url.scheme, request.url.host, request.url.port):
        url = credentials.strip(headers, url)
    return httpx.Request(method, url, headers=headers, content=content or None, extensions=request.extensions)


def _already_read(response: httpx.Response, request: httpx.Request, max_bytes: int) -> httpx.Response | None:
    """A response whose body was read before the client saw it (httpx reads a response made from
    bytes, as a mock transport's are, and a caller's event hook may read one), else None."""
    if not response.is_stream_consumed:
        return None
    _take(bytearray(), response.content, None, request, max_bytes)  # the size limit still applies
    # httpx's stream refers back to its response: dropped, so a long listing's pages do not
    # wait for the cyclic garbage collector.
    response.stream = httpx.ByteStream(b"")
    return response


def _take(body: bytearray, chunk: bytes, deadline: float | None, request: httpx.Request, max_bytes: int) -> None:
    """Adds a chunk of the body, enforcing the size limit and the deadline of the whole response."""
    body += chunk
    if len(body) > max_bytes:
        raise ResponseTooLargeError(
            f"The response body is larger than max_response_bytes ({max_bytes}); stopped reading.",
            request=request,
            limit=max_bytes,
        )
    if deadline is not None and time.monotonic() > deadline:
        raise httpx.ReadTimeout("the response did not arrive within the timeout", request=request)


def _deadline(request: httpx.Request) -> float | None:
    """When the whole response must have arrived: httpx's read timeout bounds each read, so a body
    dripped a byte at a time would never time out without a deadline for all of it."""
    read = request.extensions.get("timeout", {}).get("read")
    return None if read is None else time.monotonic() + float(read)


def completed_response(response: httpx.Response, body: bytes, request: httpx.Request) -> httpx.Response:
    """A response holding the whole body, read and decoded, and no connection."""
    done = httpx.Response(
        response.status_code, headers=response.headers, content=body, request=request, extensions=response.extensions
    )
    done.read()
    return done


def _keep_received(exc: httpx.HTTPError, body: bytearray) -> None:
    exc.received = bytes(body)  # type: ignore[attr-defined]  # read back by transport_error


__all__ = ["async_exchange", "async_read_whole", "completed_response", "exchange", "read_whole"]
