"""The HTTP core shared by every resource: request building, retries, errors, parsing, logging.

Sync and async clients differ only in how they send and sleep; every decision (what to send, whether
and when to retry, which error to raise, what to log) is made by shared code, so both behave the same.
"""

from __future__ import annotations

import base64
import contextvars
import functools
import importlib
import json
import logging
import os
import random
import re
import ssl
import time
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, ClassVar, Generic, Self, TypeVar, cast
from urllib.parse import quote, urlencode

import httpx
import pydantic

from ._exceptions import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    ResponseTooLargeError,
    ResponseValidationError,
    status_error_class,
)
from ._pagination import AsyncPage, SyncPage
from ._types import NotGiven, Omit, not_given

T = TypeVar("T")
_HttpT = TypeVar("_HttpT", httpx.Client, httpx.AsyncClient)

log = logging.getLogger(__name__.rpartition(".")[0] or __name__)

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)  # the official SDK's: 60 s, 5 s to connect
DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0  # a longer Retry-After is not waited for; the usual backoff applies instead
RETRYABLE_STATUS = frozenset({408, 409, 429})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024
_PATH_FIELD = re.compile(r"\{([^{}]+)\}")
_REDACTED_HEADERS = frozenset({"authorization", "cookie", "x-api-key", "api-key", "proxy-authorization"})

# Set by the `with_raw_response` wrappers for the one call they make.
_RAW_RESPONSE: contextvars.ContextVar[bool] = contextvars.ContextVar("raw_response", default=False)


# -- waiting between attempts (module attributes, so tests can replace them) ------------------
def sleep(seconds: float) -> None:
    time.sleep(seconds)


async def async_sleep(seconds: float) -> None:
    import asyncio  # imported on first use: a sync-only program never pays for asyncio

    await asyncio.sleep(seconds)


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


M = TypeVar("M", bound="pydantic.BaseModel")  # a string: touching BaseModel at import costs ~40 ms


class LazyModule:
    """A module imported on first use: the models of a large API are most of its import time, and a
    program that touches one resource should not pay for all of them."""

    def __init__(self, name: str, package: str | None) -> None:
        self._name, self._package = name, package
        self._module: types.ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name, self._package)
        return getattr(self._module, attribute)


def model_parser(get_model: Callable[[], type[M]]) -> Callable[[bytes], M]:
    """A parser of JSON bytes into a model, which is looked up (and imported) on first use."""
    model: list[type[M]] = []

    def parse(body: bytes) -> M:
        if not model:
            model.append(get_model())
        return model[0].model_validate_json(body)

    return parse


def root_parser(get_model: Callable[[], type[pydantic.RootModel[T]]]) -> Callable[[bytes], T]:
    """A parser that validates with a root model (a union with its discriminator) and unwraps it."""
    model: list[type[pydantic.RootModel[T]]] = []

    def parse(body: bytes) -> T:
        if not model:
            model.append(get_model())
        return model[0].model_validate_json(body).root

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
    # Error body parsers by status code, then `4XX`/`5XX`, then `default`.
    errors: Mapping[int | str, Callable[[bytes], Any]] = field(default_factory=dict)
    page: PageSpec | None = None
    # Query parameters not sent as `form` with explode: wire name -> (style, explode).
    query_styles: Mapping[str, tuple[str, bool]] = field(default_factory=dict)
    # Alternatives of security schemes that authorise the operation; None: the API's default.
    security: tuple[tuple[str, ...], ...] | None = None
    accept: str = "application/json"  # the media type of the success response
    content_type: str | None = None  # the media type of a raw (bytes or text) request body


@dataclass(frozen=True, slots=True)
class AuthScheme:
    """How one security scheme of the API is sent, and where its credential comes from."""

    name: str  # the scheme's name in the spec
    kind: str  # "bearer", "basic" or "api_key"
    location: str = "header"  # where an api_key goes: header, query or cookie
    parameter: str = "Authorization"  # the header, query parameter or cookie name
    option: str = "api_key"  # the client keyword of the credential (basic uses username and password)
    envs: tuple[str, ...] = ()  # environment variables read when the keyword is not given


@dataclass(frozen=True, slots=True)
class Call:
    """The values of one call, in wire form before encoding.

    A parameter left at `omit` is not sent at all. `None` is sent as JSON `null` in a body, where the
    schema allows null; a query string, a header or a cookie has no null, so a `None` there is not sent
    either (the API reads an absent optional parameter as null).
    """

    path: Mapping[str, Any] = field(default_factory=dict)
    query: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, Any] = field(default_factory=dict)
    cookies: Mapping[str, Any] = field(default_factory=dict)
    json: Any = None
    content: bytes | str | Omit | None = None
    form: Any = None  # application/x-www-form-urlencoded: a model or a mapping
    multipart: Any = None  # multipart/form-data: a model or a mapping; bytes, files and tuples are file parts
    extra_headers: Mapping[str, str | Omit] | None = None
    extra_query: Mapping[str, object] | None = None
    extra_body: object = None
    timeout: float | httpx.Timeout | None | NotGiven = not_given

    def with_query(self, **changes: Any) -> Call:
        return replace(self, query={**self.query, **changes})


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
    """One path parameter as one path segment: every reserved character is percent-encoded, so no
    value (`a/b`, `..`, `?`, `#`) can change which path is requested. Empty or None is refused."""
    text = "" if value is None or not _is_set(value) else _to_text(value)
    if not text:
        raise ValueError(f"Expected a non-empty value for `{name}` but received {value!r}")
    encoded = quote(text, safe="")
    # `.` and `..` would be collapsed by URL normalisation and change the path.
    return encoded.replace(".", "%2E") if set(text) == {"."} else encoded


_DELIMITERS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


def _query_items(
    values: Mapping[str, Any], styles: Mapping[str, tuple[str, bool]] | None = None
) -> list[tuple[str, str]]:
    """The query pairs of `values`, each serialised by its OpenAPI `(style, explode)`, `form` with
    explode by default: lists repeat the key, objects send one pair per property.

    Omitted values are not sent, and neither is `None`: a query string has no null, and sending
    `None` as the text "None" or as an empty value would mean something else."""
    items: list[tuple[str, str]] = []
    for key, value in values.items():
        if not _is_set(value) or value is None:
            continue
        style, explode = (styles or {}).get(key, ("form", True))
        if isinstance(value, pydantic.BaseModel):
            value = value.model_dump(mode="json", by_alias=True, exclude_unset=True)
        if isinstance(value, list | tuple):
            texts = [_to_text(v) for v in value if v is not None]
            if explode and style == "form":
                items.extend((key, text) for text in texts)
            else:
                items.append((key, _DELIMITERS.get(style, ",").join(texts)))
        elif isinstance(value, Mapping):
            pairs = [(str(k), _to_text(v)) for k, v in value.items() if _is_set(v) and v is not None]
            if style == "deepObject":
                items.extend((f"{key}[{k}]", v) for k, v in pairs)
            elif explode:
                items.extend(pairs)
            else:
                items.append((key, ",".join(f"{k},{v}" for k, v in pairs)))
        else:
            items.append((key, _to_text(value)))
    return items


def _is_file(value: object) -> bool:
    return isinstance(value, bytes | bytearray | tuple) or hasattr(value, "read")


def _form_fields(body: Any) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """A form body as text fields and file parts. Bytes, file objects and (name, content, type)
    tuples are files; nested objects are sent as JSON text; omitted and None fields are not sent."""
    if body is None or not _is_set(body):
        return {}, []
    if isinstance(body, pydantic.BaseModel):
        fields = type(body).model_fields
        values: Mapping[str, Any] = {
            fields[name].alias or name: getattr(body, name) for name in fields if name in body.model_fields_set
        }
    else:
        values = body
    data: dict[str, list[str]] = {}
    files: list[tuple[str, Any]] = []
    for key, value in values.items():
        if not _is_set(value) or value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            if _is_file(item):
                files.append((key, item))
            elif isinstance(item, pydantic.BaseModel | Mapping):
                data.setdefault(key, []).append(json.dumps(_jsonable(item)))
            else:
                data.setdefault(key, []).append(_to_text(item))
    return {k: v[0] if len(v) == 1 else v for k, v in data.items()}, files


def _cookie_header(cookies: Mapping[str, Any]) -> str | None:
    """A Cookie header; like the query string, a cookie has no null, so `None` is not sent."""
    pairs = [
        f"{name}={quote(_to_text(value), safe='!#$&()*+-./:<=>?@[]^_`{|}~')}"
        for name, value in cookies.items()
        if _is_set(value) and value is not None
    ]
    return "; ".join(pairs) if pairs else None


def _json_body(body: Any, extra: object) -> Any:
    """The JSON body: the operation's, with the caller's `extra_body` merged in (or instead of none)."""
    if not _is_set(body):
        body = None  # an optional body left out
    if extra is None:
        return _jsonable(body) if body is not None else None
    if body is None:
        return _jsonable(extra)
    merged, more = _jsonable(body), _jsonable(extra)
    if not isinstance(merged, dict) or not isinstance(more, dict):
        raise TypeError("extra_body can only add properties to a JSON object body")
    return {**merged, **more}


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
    import email.utils  # only for HTTP-date Retry-After; costs 20 ms at import

    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:  # `-0000`: HTTP dates are always UTC
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp() - time.time()


def retry_delay(attempt: int, headers: httpx.Headers | None) -> float:
    """Seconds to wait before retry number `attempt + 1`: the server's wish when reasonable (0 to
    MAX_RETRY_AFTER seconds), else exponential backoff from INITIAL_RETRY_DELAY capped at
    MAX_RETRY_DELAY, less up to 25% jitter."""
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


class _Attempts:
    """The retry loop of one call without its I/O: the sync and async clients only send and sleep.

    `failed` and `answered` return the seconds to wait before the next attempt, or raise the error
    to give up with; `answered` returns None for a response to keep.
    """

    def __init__(self, client: _BaseClient[Any], endpoint: Endpoint[Any], request: httpx.Request) -> None:
        self._client = client
        self._endpoint = endpoint
        self.request = request
        self._retries = client.max_retries if endpoint.idempotent or client.retry_non_idempotent else 0
        self._number = 0  # of the current attempt, from 0
        self._started = 0.0

    def start(self) -> httpx.Request:
        self._started = time.monotonic()
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "request %s %s attempt=%d headers=%s",
                self.request.method,
                self._url(),
                self._number + 1,
                redact_headers(self.request.headers),
            )
        return self.request

    def failed(self, exc: httpx.HTTPError) -> float:
        reason = self._client._scrub(f"{type(exc).__name__}: {exc}".rstrip(": "))
        self._log("failed", reason)
        if self._number >= self._retries:
            error = self._client._transport_error(exc, self.request)
            raise error from exc
        return self._retry(retry_delay(self._number, None), reason)

    def answered(self, response: httpx.Response) -> float | None:
        self._log("response", f"status={response.status_code}")
        if response.is_success:
            return None
        if self._number < self._retries and should_retry_status(response):
            return self._retry(retry_delay(self._number, response.headers), f"status {response.status_code}")
        raise self._client._status_error(self._endpoint, response)

    def _retry(self, delay: float, reason: str) -> float:
        self._log("retry", f"in {delay:.2f}s ({reason})")
        self._number += 1
        return delay

    def _url(self) -> str:
        return self._client._scrub(str(self.request.url))

    def _log(self, event: str, detail: str) -> None:
        if not log.isEnabledFor(logging.DEBUG):
            return  # the URL is scrubbed and formatted only for a log that is written
        log.debug(
            "%s %s %s attempt=%d elapsed=%.3fs %s",
            event,
            self.request.method,
            self._url(),
            self._number + 1,
            time.monotonic() - self._started,
            detail,
        )


def _page_spec(endpoint: Endpoint[Any]) -> PageSpec:
    if endpoint.page is None:
        raise TypeError("request_page needs an endpoint with a PageSpec")
    return endpoint.page


def _put_header(headers: dict[str, str], name: str, value: str | None) -> None:
    """Sets (or with None removes) a header, whatever the case of the name it replaces."""
    lower = name.lower()
    for key in [k for k in headers if k.lower() == lower]:
        del headers[key]
    if value is not None:
        headers[name] = value


def _as_timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)


def _consume_raw_flag() -> bool:
    if _RAW_RESPONSE.get():
        _RAW_RESPONSE.set(False)
        return True
    return False


def _deliver(response: httpx.Response, parse: Callable[[], T], raw: bool) -> T:
    """The parsed value, or for `with_raw_response` the response with `.parse()` for that value."""
    if not raw:
        return parse()
    from ._response import RawResponse

    return cast(T, RawResponse(response, parse))


# -- credentials -----------------------------------------------------------------------------
def _secret(scheme: AuthScheme, given: Mapping[str, str]) -> str | None:
    """The value `scheme` sends, from the keyword given to the client or its environment variable."""
    if scheme.kind == "basic":
        user_env, password_env = (*scheme.envs, "", "")[:2]
        user = given.get("username") or os.environ.get(user_env or "\0")
        password = given.get("password") or os.environ.get(password_env or "\0")
        if not user or password is None:
            return None
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    value = given.get(scheme.option) or next((os.environ[e] for e in scheme.envs if os.environ.get(e)), None)
    if not value:
        return None
    return "Bearer " + value if scheme.kind == "bearer" else value


def _credentials_required(default: tuple[tuple[str, ...], ...] | None) -> bool:
    # An empty alternative (`{}` in the spec's `security`) lets calls go out anonymously.
    return default is None or all(names for names in default)


def _missing_credentials(schemes: tuple[AuthScheme, ...]) -> str:
    keywords = sorted({"username=` and `password" if s.kind == "basic" else s.option for s in schemes})
    envs = [env for s in schemes for env in s.envs]
    if keywords == ["api_key"] and len(envs) == 1:
        return f"No API key: pass `api_key=` to the client or set the {envs[0]} environment variable."
    return (
        "No credentials: pass `"
        + "=` or `".join(keywords)
        + "=` to the client"
        + (f" or set {' or '.join(envs)}" if envs else "")
        + "."
    )


# -- the shared client -----------------------------------------------------------------------
class _BaseClient(Generic[_HttpT]):
    # Filled in by the generated client class.
    _package: ClassVar[str] = "client"
    _version: ClassVar[str] = "0"
    _base_url_env: ClassVar[str] = "BASE_URL"
    _default_base_url: ClassVar[str] = ""
    _auth_schemes: ClassVar[tuple[AuthScheme, ...]] = ()
    # Sees every response the client keeps, read and complete (the command line prints its bytes).
    _response_observer: Callable[[httpx.Response], None] | None = None
    # Alternatives of schemes the API asks for by default; None when the spec declares none.
    _default_security: ClassVar[tuple[tuple[str, ...], ...] | None] = None

    _given: dict[str, str]  # the credentials passed in, by keyword, for with_options
    _secrets: dict[str, str]  # scheme name -> the value sent on the wire
    base_url: httpx.URL
    timeout: float | httpx.Timeout | None
    max_retries: int
    retry_non_idempotent: bool
    default_headers: dict[str, str]
    _http: _HttpT
    _owns_http: bool

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout | None | NotGiven = not_given,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: _HttpT | None = None,
        retry_non_idempotent: bool = False,
        username: str | None = None,
        password: str | None = None,
        credentials: Mapping[str, str] | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        """`api_key` (or `username`/`password` for HTTP basic, or `credentials` by keyword for any
        further scheme) and `base_url` default to their environment variables; `timeout` to 60 s
        (5 s to connect); `http_client` is used as given and left open by `close()`;
        `retry_non_idempotent` lets retries apply to operations the API does not mark idempotent."""
        given = {"api_key": api_key, "username": username, "password": password, **(credentials or {})}
        self._given = {k: v for k, v in given.items() if v is not None}
        self._secrets = {}
        for scheme in self._auth_schemes:
            secret = _secret(scheme, self._given)
            if secret:
                self._secrets[scheme.name] = secret
        if self._auth_schemes and not self._secrets and _credentials_required(self._default_security):
            raise APIError(_missing_credentials(self._auth_schemes))
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
        self._timeout = _as_timeout(self.timeout)
        self._user_agent = f"{self._package}-python/{self._version} httpx/{httpx.__version__}"
        self.max_retries = max_retries
        self.retry_non_idempotent = retry_non_idempotent
        self.max_response_bytes = max_response_bytes
        self.default_headers = dict(default_headers or {})
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else self._new_http()
        _enable_env_logging(self._package)

    def _new_http(self) -> _HttpT:
        raise NotImplementedError

    def with_options(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout | None | NotGiven = not_given,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: _HttpT | None = None,
        retry_non_idempotent: bool | None = None,
        username: str | None = None,
        password: str | None = None,
        credentials: Mapping[str, str] | None = None,
        max_response_bytes: int | None = None,
    ) -> Self:
        """A copy with some options changed; it shares this client's connection pool (closing the
        copy leaves the pool open) unless given an `http_client` of its own."""
        given = {**self._given, **(credentials or {})}
        extra = {k: v for k, v in given.items() if k not in ("api_key", "username", "password")}
        return type(self)(
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
        )

    @property
    def api_key(self) -> str:
        return self._given.get("api_key", "")

    def is_closed(self) -> bool:
        return self._http.is_closed

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={str(self.base_url)!r})"

    @property
    def user_agent(self) -> str:
        return self._user_agent

    def _build_request(self, endpoint: Endpoint[Any], call: Call) -> httpx.Request:
        # The URL is written out whole and parsed once by httpx, and the headers are a plain dict
        # merged once: URL joins and header merges were most of the cost of a call.
        path = endpoint.path
        if "{" in path:
            path = _PATH_FIELD.sub(lambda m: encode_path_segment(call.path.get(m.group(1)), m.group(1)), path)
        query = _query_items(call.query, endpoint.query_styles)
        if call.extra_query:
            overridden = set(call.extra_query)
            query = [(k, v) for k, v in query if k not in overridden] + _query_items(call.extra_query)
        headers = {"Accept": endpoint.accept, "User-Agent": self._user_agent}
        if endpoint.content_type is not None and call.content is not None and _is_set(call.content):
            headers["Content-Type"] = endpoint.content_type
        for name, value in self.default_headers.items():
            _put_header(headers, name, value)
        for name, value in call.headers.items():
            if _is_set(value) and value is not None:
                _put_header(headers, name, _to_text(value))
        cookies = dict(call.cookies)
        for scheme in self._schemes_for(endpoint):
            secret = self._secrets[scheme.name]
            if scheme.location == "query":
                query.append((scheme.parameter, secret))
            elif scheme.location == "cookie":
                cookies[scheme.parameter] = secret
            else:
                _put_header(headers, scheme.parameter, secret)
        cookie = _cookie_header(cookies)
        if cookie is not None:
            _put_header(headers, "Cookie", cookie)
        for name, extra in (call.extra_headers or {}).items():
            _put_header(headers, name, None if isinstance(extra, Omit) else extra)
        url = self._base + path.lstrip("/")
        if query:
            url += ("&" if "?" in url else "?") + urlencode(query)
        timeout = self._timeout if isinstance(call.timeout, NotGiven) else _as_timeout(call.timeout)
        data, files = _form_fields(call.multipart if call.multipart is not None else call.form)
        return self._http.build_request(
            endpoint.method,
            url,
            headers=headers,
            json=_json_body(call.json, call.extra_body),
            content=None if isinstance(call.content, Omit) else call.content,
            data=data or None,
            files=files or None,
            timeout=timeout,
        )

    def _status_error(self, endpoint: Endpoint[Any], response: httpx.Response) -> APIStatusError:
        raw = response.content
        body: Any
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", errors="replace")
        summary = body if isinstance(body, str) else json.dumps(body) if body is not None else ""
        code = response.status_code
        parser = endpoint.errors.get(code) or endpoint.errors.get(f"{code // 100}XX") or endpoint.errors.get("default")
        if parser is not None and raw:
            try:
                body = parser(raw)
            except ValueError:  # pydantic.ValidationError included: keep the decoded JSON or the text
                pass
        summary = summary if len(summary) <= 500 else summary[:500] + "..."
        message = self._scrub(f"Error code: {response.status_code} - {summary}".rstrip(" -"))
        return status_error_class(response.status_code)(message, response=response, body=body)

    def _parse(self, endpoint: Endpoint[T], response: httpx.Response) -> T:
        raw = response.content
        try:
            return endpoint.parse(raw)
        except ValueError as exc:  # pydantic.ValidationError included
            # Name the first problem, not the input: the body may hold anything, echoed secrets included.
            errors = exc.errors(include_input=False, include_url=False) if isinstance(exc, pydantic.ValidationError) else []
            if errors:
                where = ".".join(str(part) for part in errors[0]["loc"]) or "body"
                detail = f"{len(errors)} error(s), first at {where}: {errors[0]['msg']}"
            else:
                detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ResponseValidationError(
                self._scrub(f"The {response.status_code} response did not match the schema: {detail}"),
                response=response,
                body=raw,
            ) from exc

    def _schemes_for(self, endpoint: Endpoint[Any]) -> list[AuthScheme]:
        """The schemes to send: the first alternative the client has every credential for; with no
        security declared anywhere, every credential the client has."""
        alternatives = endpoint.security if endpoint.security is not None else self._default_security
        if alternatives is None:
            return [s for s in self._auth_schemes if s.name in self._secrets]
        by_name = {s.name: s for s in self._auth_schemes}
        for names in alternatives:
            if all(name in self._secrets for name in names):
                return [by_name[name] for name in names]
        return []

    def _scrub(self, text: str) -> str:
        """`text` with every credential the client holds replaced, in any form it is sent in."""
        for secret in sorted({*self._given.values(), *self._secrets.values()}, key=len, reverse=True):
            if len(secret) >= 4:
                text = text.replace(secret, "<redacted>")
        return text

    def _transport_error(self, exc: httpx.HTTPError, request: httpx.Request) -> APIConnectionError:
        received = getattr(exc, "received", b"")
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(request=request, received=received)
        message = self._scrub(f"Connection error: {exc}") if str(exc) else "Connection error."
        return APIConnectionError(message, request=request, received=received)

    def _redirect(self, request: httpx.Request, response: httpx.Response) -> httpx.Request | None:
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
            for scheme in self._auth_schemes:
                if scheme.location == "header":
                    headers.pop(scheme.parameter, None)
            headers.pop("authorization", None)
            headers.pop("cookie", None)
            secret_params = {s.parameter for s in self._auth_schemes if s.location == "query"}
            url = url.copy_with(params=[(k, v) for k, v in url.params.multi_items() if k not in secret_params])
        return httpx.Request(method, url, headers=headers, content=content or None, extensions=request.extensions)

    def _already_read(self, response: httpx.Response, request: httpx.Request) -> httpx.Response | None:
        """A response whose body was read before the client saw it (httpx reads a response made from
        bytes, as a mock transport's are, and a caller's event hook may read one), else None."""
        if not response.is_stream_consumed:
            return None
        self._take(bytearray(), response.content, None, request)  # the size limit still applies
        # httpx's stream refers back to its response: dropped, so a long listing's pages do not
        # wait for the cyclic garbage collector.
        response.stream = httpx.ByteStream(b"")
        return response

    def _take(self, body: bytearray, chunk: bytes, deadline: float | None, request: httpx.Request) -> None:
        """Adds a chunk of the body, enforcing the size limit and the deadline of the whole response."""
        body += chunk
        if len(body) > self.max_response_bytes:
            raise ResponseTooLargeError(
                f"The response body is larger than max_response_bytes ({self.max_response_bytes}); stopped reading.",
                request=request,
                limit=self.max_response_bytes,
            )
        if deadline is not None and time.monotonic() > deadline:
            raise httpx.ReadTimeout("the response did not arrive within the timeout", request=request)


def _deadline(request: httpx.Request) -> float | None:
    """When the whole response must have arrived: httpx's read timeout bounds each read, so a body
    dripped a byte at a time would never time out without a deadline for all of it."""
    read = request.extensions.get("timeout", {}).get("read")
    return None if read is None else time.monotonic() + float(read)


def _completed(response: httpx.Response, body: bytes, request: httpx.Request) -> httpx.Response:
    """A response holding the whole body, read and decoded, and no connection."""
    done = httpx.Response(
        response.status_code, headers=response.headers, content=body, request=request, extensions=response.extensions
    )
    done.read()
    return done


def _keep_received(exc: httpx.HTTPError, body: bytearray) -> None:
    exc.received = bytes(body)  # type: ignore[attr-defined]  # read back by _transport_error


@functools.cache
def _default_ssl_context() -> ssl.SSLContext:
    """The context of every pool a client creates: loading the CA bundle costs tens of milliseconds,
    so it is done once per process, not once per client. (Read at first use: SSL_CERT_FILE and
    SSL_CERT_DIR set later are not seen; pass an `http_client` of your own for other settings.)"""
    return httpx.create_ssl_context()


def _enable_env_logging(package: str) -> None:
    """`<PACKAGE>_LOG=debug` (or info) turns on the package's log output without touching `logging`."""
    level = os.environ.get(f"{package.upper()}_LOG", "").upper()
    if level not in ("DEBUG", "INFO") or log.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
    log.addHandler(handler)
    log.setLevel(level)


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
        attempts = _Attempts(self, endpoint, self._build_request(endpoint, call))
        while True:
            try:
                response = self._exchange(attempts.start())
            except httpx.HTTPError as exc:
                sleep(attempts.failed(exc))
                continue
            delay = attempts.answered(response)
            if delay is None:
                if self._response_observer is not None:
                    self._response_observer(response)
                return response
            sleep(delay)

    def _exchange(self, request: httpx.Request) -> httpx.Response:
        """One attempt: redirects followed, the whole body read within the deadline and size limit."""
        deadline = _deadline(request)
        response = self._http.send(request, stream=True, follow_redirects=False)
        for _ in range(MAX_REDIRECTS):
            following = self._redirect(request, response)
            if following is None:
                break
            response.close()
            request = following
            response = self._http.send(request, stream=True, follow_redirects=False)
        read = self._already_read(response, request)
        if read is not None:
            return read
        body = bytearray()
        try:
            for chunk in response.iter_raw():
                self._take(body, chunk, deadline, request)
        except httpx.HTTPError as exc:
            _keep_received(exc, body)
            raise
        finally:
            response.close()
        return _completed(response, bytes(body), request)

    def request(self, endpoint: Endpoint[T], call: Call) -> T:
        raw = _consume_raw_flag()
        response = self._send(endpoint, call)
        return _deliver(response, lambda: self._parse(endpoint, response), raw)

    def request_page(self, endpoint: Endpoint[Any], call: Call) -> SyncPage[Any]:
        raw = _consume_raw_flag()
        spec = _page_spec(endpoint)

        def page(page_call: Call, response: httpx.Response) -> SyncPage[Any]:
            return SyncPage(self._parse(endpoint, response), spec, page_call, fetch)

        def fetch(page_call: Call) -> SyncPage[Any]:
            return page(page_call, self._send(endpoint, page_call))

        response = self._send(endpoint, call)
        return _deliver(response, lambda: page(call, response), raw)


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
        attempts = _Attempts(self, endpoint, self._build_request(endpoint, call))
        while True:
            try:
                response = await self._exchange(attempts.start())
            except httpx.HTTPError as exc:
                await async_sleep(attempts.failed(exc))
                continue
            delay = attempts.answered(response)
            if delay is None:
                if self._response_observer is not None:
                    self._response_observer(response)
                return response
            await async_sleep(delay)

    async def _exchange(self, request: httpx.Request) -> httpx.Response:
        """One attempt: redirects followed, the whole body read within the deadline and size limit."""
        deadline = _deadline(request)
        response = await self._http.send(request, stream=True, follow_redirects=False)
        for _ in range(MAX_REDIRECTS):
            following = self._redirect(request, response)
            if following is None:
                break
            await response.aclose()
            request = following
            response = await self._http.send(request, stream=True, follow_redirects=False)
        read = self._already_read(response, request)
        if read is not None:
            return read
        body = bytearray()
        try:
            async for chunk in response.aiter_raw():
                self._take(body, chunk, deadline, request)
        except httpx.HTTPError as exc:
            _keep_received(exc, body)
            raise
        finally:
            await response.aclose()
        return _completed(response, bytes(body), request)

    async def request(self, endpoint: Endpoint[T], call: Call) -> T:
        raw = _consume_raw_flag()
        response = await self._send(endpoint, call)
        return _deliver(response, lambda: self._parse(endpoint, response), raw)

    async def request_page(self, endpoint: Endpoint[Any], call: Call) -> AsyncPage[Any]:
        raw = _consume_raw_flag()
        spec = _page_spec(endpoint)

        def page(page_call: Call, response: httpx.Response) -> AsyncPage[Any]:
            return AsyncPage(self._parse(endpoint, response), spec, page_call, fetch)

        async def fetch(page_call: Call) -> AsyncPage[Any]:
            return page(page_call, await self._send(endpoint, page_call))

        response = await self._send(endpoint, call)
        return _deliver(response, lambda: page(call, response), raw)


__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "AsyncAPIClient",
    "Call",
    "Endpoint",
    "PageSpec",
    "SyncAPIClient",
    "async_sleep",
    "json_parser",
    "parse_bytes",
    "parse_json",
    "parse_none",
    "parse_text",
    "retry_after_seconds",
    "retry_delay",
    "sleep",
]
