"""The HTTP core shared by every resource: request building, retries, errors, parsing, logging.

Sync and async clients differ only in how they send and sleep; every decision is made by the
shared `_BaseClient` methods so both behave the same.
"""

from __future__ import annotations

import contextvars
import email.utils
import json
import logging
import os
import random
import re
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar, cast
from urllib.parse import quote

import httpx
import pydantic

from ._exceptions import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    ResponseValidationError,
    status_error_class,
)
from ._types import NotGiven, Omit, not_given

if TYPE_CHECKING:
    from ._pagination import AsyncPage, SyncPage
    from ._response import RawResponse

T = TypeVar("T")

log = logging.getLogger(__name__.rpartition(".")[0] or __name__)

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0  # a longer Retry-After is not waited for; the usual backoff applies instead
RETRYABLE_STATUS = frozenset({408, 409, 429})
_PATH_FIELD = re.compile(r"\{([^{}]+)\}")
_REDACTED_HEADERS = frozenset({"authorization", "cookie", "x-api-key", "api-key", "proxy-authorization"})

# Set by the `with_raw_response` wrappers for the one call they make.
_RAW_RESPONSE: contextvars.ContextVar[bool] = contextvars.ContextVar("raw_response", default=False)


# -- parsers of a 2xx body -------------------------------------------------------------------
def parse_none(body: bytes) -> None:
    return None


def parse_bytes(body: bytes) -> bytes:
    return body


def parse_text(body: bytes) -> str:
    return body.decode("utf-8", errors="replace")


def parse_json(body: bytes) -> Any:
    return json.loads(body)


def json_parser(make_adapter: Callable[[], pydantic.TypeAdapter[T]]) -> Callable[[bytes], T]:
    """A parser for a non-model type; the TypeAdapter is built on first use, not at import."""
    adapter: list[pydantic.TypeAdapter[T]] = []

    def parse(body: bytes) -> T:
        if not adapter:
            adapter.append(make_adapter())
        return adapter[0].validate_json(body)

    return parse


@dataclass(frozen=True, slots=True)
class PageSpec:
    """Where the pagination fields are: attribute names on the page model, wire names of the params."""

    items: str
    offset_param: str
    next_token: str | None = None
    total: str | None = None
    limit_param: str | None = None


@dataclass(frozen=True, slots=True)
class Endpoint(Generic[T]):
    """One operation, described once at import time; calls only fill in the values."""

    method: str
    path: str
    parse: Callable[[bytes], T]
    idempotent: bool = True
    errors: Mapping[int, Callable[[bytes], Any]] = field(default_factory=dict)
    page: PageSpec | None = None


@dataclass(frozen=True, slots=True)
class Call:
    """The values of one call, in wire form before encoding."""

    path: Mapping[str, Any] = field(default_factory=dict)
    query: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, Any] = field(default_factory=dict)
    cookies: Mapping[str, Any] = field(default_factory=dict)
    json: Any = None
    content: bytes | None = None
    data: Mapping[str, Any] | None = None
    files: Mapping[str, Any] | None = None
    extra_headers: Mapping[str, str | Omit] | None = None
    extra_query: Mapping[str, object] | None = None
    extra_body: object = None
    timeout: float | httpx.Timeout | None | NotGiven = not_given

    def with_query(self, **changes: Any) -> Call:
        return Call(
            self.path, {**self.query, **changes}, self.headers, self.cookies, self.json, self.content,
            self.data, self.files, self.extra_headers, self.extra_query, self.extra_body, self.timeout,
        )  # fmt: skip


# -- encoding --------------------------------------------------------------------------------
def _is_set(value: object) -> bool:
    return not isinstance(value, Omit | NotGiven)


def _to_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return _to_text(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items() if _is_set(v)}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def encode_path_segment(value: object, name: str) -> str:
    text = _to_text(value)
    if not text:
        raise ValueError(f"Expected a non-empty value for `{name}` but received {value!r}")
    encoded = quote(text, safe="")
    # `.` and `..` would be collapsed by URL normalisation and change the path.
    return encoded.replace(".", "%2E") if set(text) == {"."} else encoded


def _query_items(values: Mapping[str, Any]) -> list[tuple[str, str | int | float | bool | None]]:
    items: list[tuple[str, str | int | float | bool | None]] = []
    for key, value in values.items():
        if not _is_set(value) or value is None:
            continue  # a query string has no null: None is not sent
        if isinstance(value, list | tuple):
            items.extend((key, _to_text(v)) for v in value if v is not None)
        elif isinstance(value, Mapping):
            items.extend((f"{key}[{k}]", _to_text(v)) for k, v in value.items() if _is_set(v) and v is not None)
        else:
            items.append((key, _to_text(value)))
    return items


def _cookie_header(cookies: Mapping[str, Any]) -> str | None:
    pairs = [
        f"{name}={quote(_to_text(value), safe='!#$&()*+-./:<=>?@[]^_`{|}~')}"
        for name, value in cookies.items()
        if _is_set(value) and value is not None
    ]
    return "; ".join(pairs) if pairs else None


def redact_headers(headers: httpx.Headers) -> dict[str, str]:
    return {k: ("<redacted>" if k.lower() in _REDACTED_HEADERS else v) for k, v in headers.items()}


# -- retries ---------------------------------------------------------------------------------
def retry_after_seconds(headers: httpx.Headers | None) -> float | None:
    """`retry-after-ms`, else `Retry-After` as seconds or an HTTP date; None when absent or unparsable."""
    if headers is None:
        return None
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return float(millis) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.timestamp() - time.time()


def retry_delay(attempt: int, headers: httpx.Headers | None) -> float:
    """Seconds to wait before retry number `attempt + 1`: the server's wish when reasonable, else
    exponential backoff from INITIAL_RETRY_DELAY capped at MAX_RETRY_DELAY, with up to 25% jitter."""
    wanted = retry_after_seconds(headers)
    if wanted is not None and 0 <= wanted <= MAX_RETRY_AFTER:
        return wanted
    backoff = min(INITIAL_RETRY_DELAY * 2.0 ** min(attempt, 32), MAX_RETRY_DELAY)
    return backoff * (1 - 0.25 * random.random())


def should_retry_status(response: httpx.Response) -> bool:
    verdict: str | None = response.headers.get("x-should-retry")
    if verdict in ("true", "false"):
        return verdict == "true"
    return response.status_code in RETRYABLE_STATUS or response.status_code >= 500


# -- the shared client -----------------------------------------------------------------------
class _BaseClient:
    # Filled in by the generated client class.
    _package: ClassVar[str] = "client"
    _version: ClassVar[str] = "0"
    _api_key_env: ClassVar[str] = "API_KEY"
    _base_url_env: ClassVar[str] = "BASE_URL"
    _default_base_url: ClassVar[str] = ""
    _auth_in: ClassVar[str] = "header"  # header, query or cookie
    _auth_name: ClassVar[str] = "Authorization"
    _auth_prefix: ClassVar[str] = "Bearer "

    _api_key: str
    base_url: httpx.URL
    timeout: float | httpx.Timeout | None
    max_retries: int
    retry_non_idempotent: bool
    default_headers: dict[str, str]

    def _configure(
        self,
        *,
        api_key: str | None,
        base_url: str | httpx.URL | None,
        timeout: float | httpx.Timeout | None | NotGiven,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        retry_non_idempotent: bool,
    ) -> None:
        if api_key is None:
            api_key = os.environ.get(self._api_key_env)
        if not api_key and self._auth_in == "none":
            api_key = ""
        elif not api_key:
            raise APIError(
                f"No API key: pass `api_key=` to the client or set the {self._api_key_env} environment variable."
            )
        if base_url is None:
            base_url = os.environ.get(self._base_url_env) or self._default_base_url
        if not str(base_url):
            raise APIError(f"No base URL: pass `base_url=` or set the {self._base_url_env} environment variable.")
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self._api_key = api_key
        self.base_url = httpx.URL(str(base_url).rstrip("/") + "/")
        self.timeout = DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else timeout
        self.max_retries = max_retries
        self.retry_non_idempotent = retry_non_idempotent
        self.default_headers = dict(default_headers or {})
        _enable_env_logging(self._package)

    @property
    def api_key(self) -> str:
        return self._api_key

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={str(self.base_url)!r})"

    @property
    def user_agent(self) -> str:
        return f"{self._package}-python/{self._version} httpx/{httpx.__version__}"

    def _build_request(self, http: httpx.Client | httpx.AsyncClient, endpoint: Endpoint[Any], call: Call) -> httpx.Request:
        path = _PATH_FIELD.sub(lambda m: encode_path_segment(call.path[m.group(1)], m.group(1)), endpoint.path)
        url = self.base_url.join(path.lstrip("/"))
        query = _query_items(call.query)
        if call.extra_query:
            overridden = set(call.extra_query)
            query = [(k, v) for k, v in query if k not in overridden] + _query_items(call.extra_query)
        headers = httpx.Headers({"Accept": "application/json", "User-Agent": self.user_agent})
        headers.update(self.default_headers)
        for name, value in call.headers.items():
            if _is_set(value) and value is not None:
                headers[name] = _to_text(value)
        cookies = dict(call.cookies)
        if self._auth_in == "header":
            headers[self._auth_name] = self._auth_prefix + self._api_key
        elif self._auth_in == "query":
            query.append((self._auth_name, self._api_key))
        elif self._auth_in == "cookie":
            cookies[self._auth_name] = self._api_key
        cookie = _cookie_header(cookies)
        if cookie is not None:
            headers["Cookie"] = cookie
        for name, value in (call.extra_headers or {}).items():
            if isinstance(value, Omit):
                headers.pop(name, None)
            else:
                headers[name] = value
        body = call.json
        if call.extra_body is not None and isinstance(call.extra_body, Mapping):
            body = {**(_jsonable(body) or {}), **_jsonable(call.extra_body)}
        timeout = self.timeout if isinstance(call.timeout, NotGiven) else call.timeout
        json_body = _jsonable(body) if body is not None else None
        files = {k: v for k, v in (call.files or {}).items() if _is_set(v) and v is not None} or None
        data = {k: _to_text(v) for k, v in (call.data or {}).items() if _is_set(v) and v is not None} or None
        return http.build_request(
            endpoint.method,
            url,
            params=tuple(query),
            headers=headers,
            json=json_body,
            content=call.content,
            data=data,
            files=files,
            timeout=httpx.Timeout(timeout) if not isinstance(timeout, httpx.Timeout) else timeout,
        )

    def _may_retry(self, endpoint: Endpoint[Any]) -> bool:
        return endpoint.idempotent or self.retry_non_idempotent

    def _status_error(self, endpoint: Endpoint[Any], response: httpx.Response) -> APIStatusError:
        raw = response.content
        body: Any
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", errors="replace")
        summary = body if isinstance(body, str) else json.dumps(body) if body is not None else ""
        parser = endpoint.errors.get(response.status_code)
        if parser is not None and raw:
            try:
                body = parser(raw)
            except (pydantic.ValidationError, ValueError):
                pass  # keep the decoded JSON or the text
        summary = summary if len(summary) <= 500 else summary[:500] + "..."
        message = self._scrub(f"Error code: {response.status_code} - {summary}".rstrip(" -"))
        return status_error_class(response.status_code)(message, response=response, body=body)

    def _parse(self, endpoint: Endpoint[T], response: httpx.Response) -> T:
        raw = response.content
        try:
            return endpoint.parse(raw)
        except (pydantic.ValidationError, ValueError) as exc:
            first = str(exc).strip().splitlines()
            detail = first[0] if first else type(exc).__name__
            raise ResponseValidationError(
                self._scrub(f"The {response.status_code} response did not match the schema: {detail}"),
                response=response,
                body=raw,
            ) from exc

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "<redacted>") if self._api_key else text

    def _log_request(self, request: httpx.Request, attempt: int) -> None:
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "request %s %s attempt=%d headers=%s",
                request.method,
                self._scrub(str(request.url)),
                attempt + 1,
                redact_headers(request.headers),
            )

    def _log_response(self, request: httpx.Request, response: httpx.Response, attempt: int, started: float) -> None:
        log.debug(
            "response %s %s status=%d attempt=%d elapsed=%.3fs",
            request.method,
            self._scrub(str(request.url)),
            response.status_code,
            attempt + 1,
            time.monotonic() - started,
        )

    def _log_retry(self, request: httpx.Request, attempt: int, delay: float, reason: str) -> None:
        log.debug(
            "retry %s %s attempt=%d in %.2fs: %s",
            request.method,
            self._scrub(str(request.url)),
            attempt + 2,
            delay,
            reason,
        )

    def _transport_error(self, exc: httpx.HTTPError, request: httpx.Request) -> APIConnectionError:
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(request=request)
        return APIConnectionError(self._scrub(f"Connection error: {exc}") if str(exc) else "Connection error.", request=request)


def _enable_env_logging(package: str) -> None:
    """`<PACKAGE>_LOG=debug` (or info) turns on the package's log output without touching `logging`."""
    level = os.environ.get(f"{package.upper()}_LOG", "").upper()
    if level not in ("DEBUG", "INFO") or log.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
    log.addHandler(handler)
    log.setLevel(level)


def _consume_raw_flag() -> bool:
    if _RAW_RESPONSE.get():
        _RAW_RESPONSE.set(False)
        return True
    return False


class SyncAPIClient(_BaseClient):
    _http: httpx.Client
    _owns_http: bool

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout | None | NotGiven = not_given,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
        retry_non_idempotent: bool = False,
    ) -> None:
        self._configure(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            retry_non_idempotent=retry_non_idempotent,
        )
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.Client()

    def with_options(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout | None | NotGiven = not_given,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
        retry_non_idempotent: bool | None = None,
    ) -> Self:
        """A copy with some options changed; it shares this client's connection pool."""
        return type(self)(
            api_key=api_key or self._api_key,
            base_url=base_url or self.base_url,
            timeout=self.timeout if isinstance(timeout, NotGiven) else timeout,
            max_retries=self.max_retries if max_retries is None else max_retries,
            default_headers={**self.default_headers, **(default_headers or {})},
            http_client=http_client or self._http,
            retry_non_idempotent=self.retry_non_idempotent if retry_non_idempotent is None else retry_non_idempotent,
        )

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _send(self, endpoint: Endpoint[Any], call: Call) -> httpx.Response:
        request = self._build_request(self._http, endpoint, call)
        retries = self.max_retries if self._may_retry(endpoint) else 0
        attempt = 0
        while True:
            self._log_request(request, attempt)
            started = time.monotonic()
            try:
                response = self._http.send(request)
            except httpx.HTTPError as exc:
                if attempt >= retries:
                    raise self._transport_error(exc, request) from exc
                delay = retry_delay(attempt, None)
                self._log_retry(request, attempt, delay, type(exc).__name__)
                time.sleep(delay)
                attempt += 1
                continue
            self._log_response(request, response, attempt, started)
            if response.is_success:
                return response
            if attempt < retries and should_retry_status(response):
                delay = retry_delay(attempt, response.headers)
                self._log_retry(request, attempt, delay, f"status {response.status_code}")
                response.close()
                time.sleep(delay)
                attempt += 1
                continue
            raise self._status_error(endpoint, response)

    def request(self, endpoint: Endpoint[T], call: Call) -> T:
        raw = _consume_raw_flag()
        response = self._send(endpoint, call)
        if raw:
            from ._response import RawResponse

            return cast(T, RawResponse(response, lambda: self._parse(endpoint, response)))
        return self._parse(endpoint, response)

    def request_page(self, endpoint: Endpoint[Any], call: Call) -> SyncPage[Any]:
        from ._pagination import SyncPage

        raw = _consume_raw_flag()
        spec = endpoint.page
        if spec is None:
            raise TypeError("request_page needs an endpoint with a PageSpec")

        def fetch(page_call: Call) -> SyncPage[Any]:
            response = self._send(endpoint, page_call)
            return SyncPage(self._parse(endpoint, response), spec, page_call, fetch, response.content)

        if raw:
            from ._response import RawResponse

            response = self._send(endpoint, call)

            def first_page() -> SyncPage[Any]:
                return SyncPage(self._parse(endpoint, response), spec, call, fetch, response.content)

            return cast("SyncPage[Any]", RawResponse(response, first_page))
        return fetch(call)


class AsyncAPIClient(_BaseClient):
    _http: httpx.AsyncClient
    _owns_http: bool

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout | None | NotGiven = not_given,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        retry_non_idempotent: bool = False,
    ) -> None:
        self._configure(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            retry_non_idempotent=retry_non_idempotent,
        )
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.AsyncClient()

    def with_options(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout | None | NotGiven = not_given,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        retry_non_idempotent: bool | None = None,
    ) -> Self:
        """A copy with some options changed; it shares this client's connection pool."""
        return type(self)(
            api_key=api_key or self._api_key,
            base_url=base_url or self.base_url,
            timeout=self.timeout if isinstance(timeout, NotGiven) else timeout,
            max_retries=self.max_retries if max_retries is None else max_retries,
            default_headers={**self.default_headers, **(default_headers or {})},
            http_client=http_client or self._http,
            retry_non_idempotent=self.retry_non_idempotent if retry_non_idempotent is None else retry_non_idempotent,
        )

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _send(self, endpoint: Endpoint[Any], call: Call) -> httpx.Response:
        import asyncio

        request = self._build_request(self._http, endpoint, call)
        retries = self.max_retries if self._may_retry(endpoint) else 0
        attempt = 0
        while True:
            self._log_request(request, attempt)
            started = time.monotonic()
            try:
                response = await self._http.send(request)
            except httpx.HTTPError as exc:
                if attempt >= retries:
                    raise self._transport_error(exc, request) from exc
                delay = retry_delay(attempt, None)
                self._log_retry(request, attempt, delay, type(exc).__name__)
                await asyncio.sleep(delay)
                attempt += 1
                continue
            self._log_response(request, response, attempt, started)
            if response.is_success:
                return response
            if attempt < retries and should_retry_status(response):
                delay = retry_delay(attempt, response.headers)
                self._log_retry(request, attempt, delay, f"status {response.status_code}")
                await response.aclose()
                await asyncio.sleep(delay)
                attempt += 1
                continue
            raise self._status_error(endpoint, response)

    async def request(self, endpoint: Endpoint[T], call: Call) -> T:
        raw = _consume_raw_flag()
        response = await self._send(endpoint, call)
        if raw:
            from ._response import RawResponse

            return cast(T, RawResponse(response, lambda: self._parse(endpoint, response)))
        return self._parse(endpoint, response)

    async def request_page(self, endpoint: Endpoint[Any], call: Call) -> AsyncPage[Any]:
        from ._pagination import AsyncPage

        raw = _consume_raw_flag()
        spec = endpoint.page
        if spec is None:
            raise TypeError("request_page needs an endpoint with a PageSpec")

        async def fetch(page_call: Call) -> AsyncPage[Any]:
            response = await self._send(endpoint, page_call)
            return AsyncPage(self._parse(endpoint, response), spec, page_call, fetch, response.content)

        if raw:
            from ._response import RawResponse

            response = await self._send(endpoint, call)

            def first_page() -> AsyncPage[Any]:
                return AsyncPage(self._parse(endpoint, response), spec, call, fetch, response.content)

            return cast("AsyncPage[Any]", RawResponse(response, first_page))
        return await fetch(call)


__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "AsyncAPIClient",
    "Awaitable",
    "Call",
    "Endpoint",
    "Iterator",
    "PageSpec",
    "SyncAPIClient",
    "json_parser",
    "parse_bytes",
    "parse_json",
    "parse_none",
    "parse_text",
]
