"""The two client classes the generated client derives from, and their shared options: each call is
built (`_request`), sent and retried (`_attempts`, `_exchange`), and parsed (`_parsing`) by shared code,
so sync and async behave the same; a streamed call's body is read as it arrives (`_streaming`,
`_streamed_response`). Also the names the generated resources use, from the modules below."""

from __future__ import annotations

import functools
import logging
import os
import ssl
import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Generic, Self, TypeVar, cast

import httpx

from ._attempts import Attempts, enable_env_logging, log
from ._credentials import Credentials, Tokens, is_other_origin
from ._exceptions import APIError
from ._exchange import async_exchange, exchange
from ._idempotency import add_idempotency_key
from ._operation import AuthScheme, Call, Endpoint, PageSpec, StreamSpec
from ._pagination import AsyncPage, SyncPage
from ._parsing import (
    LazyModule,
    json_parser,
    model_parser,
    parse_bytes,
    parse_json,
    parse_none,
    parse_response,
    parse_text,
)
from ._polling import OnPoll, Poll, async_wait, wait
from ._request import as_timeout, build_request, with_body_flag
from ._response import consume_raw_flag, deliver
from ._retries import retry_after_seconds, retry_delay
from ._servers import Servers
from ._streamed_response import AsyncStreamedResponse, StreamedResponse, consume_streamed_flag
from ._streaming import AsyncReconnect, AsyncStream, Reconnect, Stream
from ._types import NotGiven, not_given
from ._values import query_items as _query_items

T = TypeVar("T")
_HttpT = TypeVar("_HttpT", httpx.Client, httpx.AsyncClient)

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)  # the official SDK's: 60 s, 5 s to connect
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024


# -- waiting between attempts (module attributes, so tests can replace them) ------------------
def sleep(seconds: float) -> None:
    time.sleep(seconds)


async def async_sleep(seconds: float) -> None:
    import asyncio  # imported on first use: a sync-only program never pays for asyncio

    await asyncio.sleep(seconds)


class _BaseClient(Generic[_HttpT]):
    # Filled in by the generated client class.
    _package: ClassVar[str] = "client"
    _version: ClassVar[str] = "0"
    _base_url_env: ClassVar[str] = "BASE_URL"
    _log_env: ClassVar[str] = "LOG"  # `x-client.log-env`
    _logger_name: ClassVar[str] = ""  # `x-client.logger`; empty: the package's logger, `log`
    _default_base_url: ClassVar[str] = ""
    _auth_schemes: ClassVar[tuple[AuthScheme, ...]] = ()
    # Sees every response the client keeps, read and complete (the command line prints its bytes).
    _response_observer: Callable[[httpx.Response], None] | None = None
    # Alternatives of schemes the API asks for by default; None when the spec declares none.
    _default_security: ClassVar[tuple[tuple[str, ...], ...] | None] = None
    _default_scopes: ClassVar[Mapping[str, tuple[str, ...]]] = {}  # OAuth 2 scopes by scheme
    # The header a non-idempotent request sends a fresh key in (`x-client.idempotency-header`).
    _idempotency_header: ClassVar[str | None] = None

    _credentials: Credentials
    _scrub: Callable[[str], str]  # takes every credential the client holds out of a text
    base_url: httpx.URL
    timeout: float | httpx.Timeout | None
    max_retries: int
    retry_non_idempotent: bool
    default_headers: dict[str, str]
    _http: _HttpT
    _owns_http: bool
    _logger: logging.Logger

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = not_given,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: _HttpT | None = None,
        retry_non_idempotent: bool = False,
        username: str | None = None,
        password: str | None = None,
        credentials: Mapping[str, str] | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        strict_response_validation: bool = False,
        server_urls: Mapping[str, str] | None = None,
        server_variables: Mapping[str, str] | None = None,
    ) -> None:
        """`api_key` (or `username`/`password` for HTTP basic, or `credentials` by keyword for any
        further scheme) and `base_url` default to their environment variables; `timeout` to 60 s
        (5 s to connect); `http_client` is used as given and left open by `close()`;
        `retry_non_idempotent` lets retries apply to operations the API does not mark idempotent;
        `strict_response_validation` raises on a response that does not match its schema, which is
        otherwise read leniently (a warning logged); `server_urls` (keyed by the URL the spec writes)
        and `server_variables` send the operations with servers of their own elsewhere."""
        given = {"api_key": api_key, "username": username, "password": password, **(credentials or {})}
        self._credentials = Credentials(self._auth_schemes, self._default_security, given, self._default_scopes)
        self._scrub = self._credentials.scrub
        if base_url is None:
            base_url = os.environ.get(self._base_url_env) or self._default_base_url
        if not str(base_url):
            raise APIError(f"No base URL: pass `base_url=` or set the {self._base_url_env} environment variable.")
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self.base_url = httpx.URL(str(base_url).rstrip("/") + "/")
        self.timeout = DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else timeout
        # Options are fixed at construction (`with_options` makes a changed copy); these are the
        # forms a call uses, computed once.
        self._base = str(self.base_url)
        self._servers = Servers(self._base, server_urls, server_variables)
        self._timeout = as_timeout(self.timeout)
        self._user_agent = f"{self._package}-python/{self._version} httpx/{httpx.__version__}"
        self.max_retries = max_retries
        self.retry_non_idempotent = retry_non_idempotent
        self.max_response_bytes = max_response_bytes
        self.default_headers = dict(default_headers or {})
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else self._new_http()
        self._logger = logging.getLogger(self._logger_name) if self._logger_name else log
        self.strict_response_validation = strict_response_validation
        self._lenient = None if strict_response_validation else self._logger
        enable_env_logging(self._log_env, self._logger)
        self._credentials.bind(self._http, self.base_url, self._logger)

    def on_request(self, request: httpx.Request) -> None:
        """Hook, called with the request of each attempt just before it is sent; it may change it (a
        header, say). Does nothing here: a `ClientMixin` of the package's custom code may override it."""

    def on_response(self, response: httpx.Response) -> None:
        """Hook, called with the response of each attempt as it arrives, before retries and errors are
        decided (the body of a streamed call is not read yet). Does nothing here, like `on_request`."""

    def _new_http(self) -> _HttpT:
        raise NotImplementedError

    def with_options(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = not_given,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: _HttpT | None = None,
        retry_non_idempotent: bool | None = None,
        username: str | None = None,
        password: str | None = None,
        credentials: Mapping[str, str] | None = None,
        max_response_bytes: int | None = None,
        strict_response_validation: bool | None = None,
        server_urls: Mapping[str, str] | None = None,
        server_variables: Mapping[str, str] | None = None,
    ) -> Self:
        """A copy with some options changed; it shares this client's connection pool (closing the
        copy leaves the pool open) unless given an `http_client` of its own."""
        given = {**self._credentials.given, **(credentials or {})}
        extra = {k: v for k, v in given.items() if k not in ("api_key", "username", "password")}
        copy = type(self)(
            api_key=api_key or given.get("api_key"),
            username=username or given.get("username"),
            password=password or given.get("password"),
            credentials=extra,
            max_response_bytes=self.max_response_bytes if max_response_bytes is None else max_response_bytes,
            base_url=base_url or self.base_url,
            timeout=self.timeout if isinstance(timeout, NotGiven) else timeout,
            max_retries=self.max_retries if max_retries is None else max_retries,
            default_headers={**self.default_headers, **(default_headers or {})},
            http_client=http_client or self._http,
            retry_non_idempotent=self.retry_non_idempotent if retry_non_idempotent is None else retry_non_idempotent,
            strict_response_validation=self.strict_response_validation
            if strict_response_validation is None
            else strict_response_validation,
            server_urls={**self._servers.urls, **(server_urls or {})},
            server_variables={**self._servers.variables, **(server_variables or {})},
        )
        copy._credentials.share_tokens(self._credentials)  # tokens are fetched once per client family
        return copy

    @property
    def api_key(self) -> str:
        return self._credentials.given.get("api_key", "")

    def is_closed(self) -> bool:
        return self._http.is_closed

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={str(self.base_url)!r})"

    @property
    def user_agent(self) -> str:
        return self._user_agent

    def _parse(self, endpoint: Endpoint[T], response: httpx.Response) -> T:
        return parse_response(endpoint, response, self._scrub, self._lenient)

    def _attempts(self, endpoint: Endpoint[Any], call: Call, tokens: Tokens | None = None) -> Attempts:
        """The request of a call, with the bookkeeping of its attempts; `tokens`: its OAuth 2 tokens."""
        request = build_request(
            self._http,
            endpoint,
            call,
            base=self._base if endpoint.server is None else self._servers.base_for(endpoint.server),
            user_agent=self._user_agent,
            default_headers=self.default_headers,
            default_timeout=self._timeout,
            credentials=self._credentials.for_operation(endpoint.security, tokens),
        )
        request.extensions["oauth2_tokens"] = tokens  # renewed once after a 401
        retryable = endpoint.idempotent or self.retry_non_idempotent
        if not endpoint.idempotent and self._idempotency_header is not None:
            retryable = add_idempotency_key(request, self._idempotency_header, call.extra_headers) or retryable
        retries = self.max_retries if retryable else 0
        if call.url is not None and is_other_origin(request.url, self.base_url):
            # A next page's URL on another host gets no credentials, as a redirect there would not.
            request.url = self._credentials.strip(request.headers, request.url)
        return Attempts(request, endpoint, retries, self._scrub, self._logger, self._lenient)


class SyncAPIClient(_BaseClient[httpx.Client]):
    def _new_http(self) -> httpx.Client:
        return httpx.Client(verify=_default_ssl_context())

    def close(self) -> None:
        """Close the connection pool, if this client created it."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _send(self, endpoint: Endpoint[Any], call: Call) -> httpx.Response:
        return self._send_attempts(self._prepare(endpoint, call))

    def _prepare(self, endpoint: Endpoint[Any], call: Call) -> Attempts:  # the OAuth 2 tokens fetched first
        return self._attempts(endpoint, call, self._credentials.fetch_tokens(endpoint))

    def _send_attempts(self, attempts: Attempts, *, stream: bool = False) -> httpx.Response:
        """The send loop: a response to keep, read whole unless `stream` (then a success comes unread)."""
        while True:
            try:
                self.on_request(attempts.request)
                response = exchange(
                    self._http, attempts.start(), self._credentials, self.max_response_bytes, stream=stream
                )
            except httpx.HTTPError as exc:
                sleep(attempts.failed(exc))
                continue
            self.on_response(response)
            if response.status_code == 401 and self._credentials.renew(attempts.request):
                continue  # a new token, once
            delay = attempts.answered(response)
            if delay is None:
                if self._response_observer is not None and not stream:
                    self._response_observer(response)
                return response
            sleep(delay)

    def _reconnect(self, attempts: Attempts) -> Reconnect:
        """How a streamed call is sent again, when its body breaks before the caller got any of it."""
        return Reconnect(attempts, lambda: self._send_attempts(attempts, stream=True), lambda s: sleep(s))

    def _streamed(
        self, endpoint: Endpoint[Any], call: Call, parse: Callable[[httpx.Response, Reconnect], Any], reads_body: bool
    ) -> Any:
        """The `StreamedResponse` of a call made through `with_streaming_response`."""
        attempts = self._prepare(endpoint, call)
        reconnect = self._reconnect(attempts)
        response = self._send_attempts(attempts, stream=True)
        return StreamedResponse(
            response,
            lambda done: parse(done, reconnect),
            reconnect=reconnect,
            scrub=self._scrub,
            max_bytes=self.max_response_bytes,
            reads_body=reads_body,
        )

    def request(self, endpoint: Endpoint[T], call: Call) -> T:
        raw = consume_raw_flag()
        if consume_streamed_flag():
            return cast(T, self._streamed(endpoint, call, lambda r, _: self._parse(endpoint, r), True))
        response = self._send(endpoint, call)
        return deliver(response, lambda: self._parse(endpoint, response), raw)

    def request_stream(self, endpoint: Endpoint[T], call: Call) -> Stream[T]:
        """A call answering an event stream: its events as they arrive."""
        raw = consume_raw_flag()
        if consume_streamed_flag():
            streamed = self._streamed(endpoint, call, lambda r, again: Stream(r, endpoint, again, self._scrub), False)
            return cast(Stream[T], streamed)
        if raw:  # with_raw_response: the body read whole, then a stream over it
            response = self._send(endpoint, call)
            return deliver(response, lambda: Stream(response, endpoint, None, self._scrub), raw)
        attempts = self._prepare(endpoint, call)
        reconnect = self._reconnect(attempts)
        return Stream(self._send_attempts(attempts, stream=True), endpoint, reconnect, self._scrub)

    def request_page(self, endpoint: Endpoint[Any], call: Call) -> SyncPage[Any]:
        raw = consume_raw_flag()
        spec = _page_spec(endpoint)

        def page(page_call: Call, response: httpx.Response) -> SyncPage[Any]:
            return SyncPage(self._parse(endpoint, response), spec, page_call, response, fetch)

        def fetch(page_call: Call) -> SyncPage[Any]:
            return page(page_call, self._send(endpoint, page_call))

        if consume_streamed_flag():
            return cast(SyncPage[Any], self._streamed(endpoint, call, lambda r, _: page(call, r), True))
        response = self._send(endpoint, call)
        return deliver(response, lambda: page(call, response), raw)

    def request_poll(self, endpoint: Endpoint[T], call: Call, poll: Poll, on_poll: OnPoll[T]) -> T:
        """A wait method: the call made until `poll` says its answer is final, each answer given to `on_poll`."""

        def polled() -> tuple[T, httpx.Response]:
            response = self._send(endpoint, call)
            return self._parse(endpoint, response), response

        return wait(polled, poll, on_poll, sleep)


class AsyncAPIClient(_BaseClient[httpx.AsyncClient]):
    def _new_http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(verify=_default_ssl_context())

    async def close(self) -> None:
        """Close the connection pool, if this client created it."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _send(self, endpoint: Endpoint[Any], call: Call) -> httpx.Response:
        return await self._send_attempts(await self._prepare(endpoint, call))

    async def _prepare(self, endpoint: Endpoint[Any], call: Call) -> Attempts:
        return self._attempts(endpoint, call, await self._credentials.async_fetch_tokens(endpoint))

    async def _send_attempts(self, attempts: Attempts, *, stream: bool = False) -> httpx.Response:
        while True:
            try:
                self.on_request(attempts.request)
                response = await async_exchange(
                    self._http, attempts.start(), self._credentials, self.max_response_bytes, stream=stream
                )
            except httpx.HTTPError as exc:
                await async_sleep(attempts.failed(exc))
                continue
            self.on_response(response)
            if response.status_code == 401 and await self._credentials.async_renew(attempts.request):
                continue
            delay = attempts.answered(response)
            if delay is None:
                if self._response_observer is not None and not stream:
                    self._response_observer(response)
                return response
            await async_sleep(delay)

    def _reconnect(self, attempts: Attempts) -> AsyncReconnect:
        return AsyncReconnect(attempts, lambda: self._send_attempts(attempts, stream=True), lambda s: async_sleep(s))

    async def _streamed(
        self,
        endpoint: Endpoint[Any],
        call: Call,
        parse: Callable[[httpx.Response, AsyncReconnect], Any],
        reads_body: bool,
    ) -> Any:
        attempts = await self._prepare(endpoint, call)
        reconnect = self._reconnect(attempts)
        response = await self._send_attempts(attempts, stream=True)
        return AsyncStreamedResponse(
            response,
            lambda done: parse(done, reconnect),
            reconnect=reconnect,
            scrub=self._scrub,
            max_bytes=self.max_response_bytes,
            reads_body=reads_body,
        )

    async def request(self, endpoint: Endpoint[T], call: Call) -> T:
        raw = consume_raw_flag()
        if consume_streamed_flag():
            streamed = await self._streamed(endpoint, call, lambda r, _: self._parse(endpoint, r), True)
            return cast(T, streamed)
        response = await self._send(endpoint, call)
        return deliver(response, lambda: self._parse(endpoint, response), raw)

    async def request_stream(self, endpoint: Endpoint[T], call: Call) -> AsyncStream[T]:
        raw = consume_raw_flag()
        if consume_streamed_flag():
            make = functools.partial(_async_stream, endpoint=endpoint, scrub=self._scrub)
            return cast(AsyncStream[T], await self._streamed(endpoint, call, make, False))
        if raw:
            response = await self._send(endpoint, call)
            return deliver(response, lambda: AsyncStream(response, endpoint, None, self._scrub), raw)
        attempts = await self._prepare(endpoint, call)
        reconnect = self._reconnect(attempts)
        return AsyncStream(await self._send_attempts(attempts, stream=True), endpoint, reconnect, self._scrub)

    async def request_page(self, endpoint: Endpoint[Any], call: Call) -> AsyncPage[Any]:
        raw = consume_raw_flag()
        spec = _page_spec(endpoint)

        def page(page_call: Call, response: httpx.Response) -> AsyncPage[Any]:
            return AsyncPage(self._parse(endpoint, response), spec, page_call, response, fetch)

        async def fetch(page_call: Call) -> AsyncPage[Any]:
            return page(page_call, await self._send(endpoint, page_call))

        if consume_streamed_flag():
            return cast(AsyncPage[Any], await self._streamed(endpoint, call, lambda r, _: page(call, r), True))
        response = await self._send(endpoint, call)
        return deliver(response, lambda: page(call, response), raw)

    async def request_poll(self, endpoint: Endpoint[T], call: Call, poll: Poll, on_poll: OnPoll[T]) -> T:
        """As the sync client's; cancelling the task awaiting it stops the wait (it starts no task)."""

        async def polled() -> tuple[T, httpx.Response]:
            response = await self._send(endpoint, call)
            return self._parse(endpoint, response), response

        return await async_wait(polled, poll, on_poll, async_sleep)


def _async_stream(
    response: httpx.Response, reconnect: AsyncReconnect, *, endpoint: Endpoint[T], scrub: Callable[[str], str]
) -> AsyncStream[T]:
    return AsyncStream(response, endpoint, reconnect, scrub)


def _page_spec(endpoint: Endpoint[Any]) -> PageSpec:
    if endpoint.page is None:
        raise TypeError("request_page needs an endpoint with a PageSpec")
    return endpoint.page


@functools.cache
def _default_ssl_context() -> ssl.SSLContext:
    """The context of every pool a client creates, made once per process (the CA bundle costs tens of ms;
    SSL_CERT_FILE/SSL_CERT_DIR set later are not seen: pass an `http_client` of your own for those)."""
    return httpx.create_ssl_context()


# The client classes, and what the generated modules (and the tests: `log`, `_query_items`) read here.
__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "AsyncAPIClient",
    "AuthScheme",
    "Call",
    "Endpoint",
    "LazyModule",
    "PageSpec",
    "StreamSpec",
    "SyncAPIClient",
    "_query_items",
    "async_sleep",
    "json_parser",
    "log",
    "model_parser",
    "parse_bytes",
    "parse_json",
    "parse_none",
    "parse_text",
    "retry_after_seconds",
    "retry_delay",
    "sleep",
    "with_body_flag",
]
