"""How operations and calls are described: the generated resources declare each operation once as an
`Endpoint` (with its `PageSpec` or `StreamSpec`) and pass each call's values as a `Call`; the client
lists its `AuthScheme`s."""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from typing import Any, Generic, NamedTuple, TypeVar

import httpx

from ._servers import Server
from ._types import NotGiven, Omit, not_given

T = TypeVar("T")
_EMPTY: Mapping[Any, Any] = types.MappingProxyType({})  # the default of a mapping: shared, so immutable

# Named tuples rather than frozen dataclasses: as immutable, but a dataclass compiles its methods when
# the module is imported (a third of the runtime's import time), and a Call, made on every call, is
# built in half the time.


class PageSpec(NamedTuple):
    """How an operation's list is paged (its `x-pagination`): JSON paths into the page by wire names,
    `()` being the body itself, and the wire name of the parameter each page advances."""

    style: str  # offset, cursor, page, next-url or link-header
    items: tuple[str, ...] = ()  # the page's list of items
    param: str | None = None  # the offset, cursor or page-number query parameter; the cursor's body field
    in_body: bool = False  # the cursor goes in the JSON body (a POST list endpoint)
    next: tuple[str, ...] = ()  # the next page's token (offset, cursor) or URL (next-url)
    total: tuple[str, ...] = ()  # the number of items of the whole listing
    total_pages: tuple[str, ...] = ()
    limit_param: str | None = None  # the page size, sent unchanged with every page
    first_page: int = 1  # the number of the first page (page style)
    has_more: tuple[str, ...] = ()  # a boolean: false says the page is the last one, whatever else it says
    is_last: tuple[str, ...] = ()  # a boolean: true says the page is the last one
    item_token: tuple[str, ...] = ()  # the cursor is this field of the last item (`id`), not a token of the body
    reverse_param: str | None = None  # the cursor parameter paging the other way (`before`): the first item's
    offset_param: str | None = None  # cursor style: the offset advanced (below `total`) when no token comes


class PartEncoding(NamedTuple):
    """The spec's `encoding` of one field of a form or multipart body."""

    content_type: str | None = None
    headers: Mapping[str, str] = _EMPTY  # part headers whose value the spec fixes
    style: str | None = None
    explode: bool | None = None


class BodySpec(NamedTuple):
    """How the fields of a body are sent (files, encodings), and whether an optional body is sent."""

    optional: bool = False  # a body of keyword arguments the caller may leave out: none given, none sent
    files: Mapping[str, str] = _EMPTY  # wire name -> keyword, of each multipart file field
    encoding: Mapping[str, PartEncoding] = _EMPTY  # by wire name


class StreamSpec(NamedTuple):
    """How the body of a streaming operation is cut into events, and which of them are special."""

    format: str = "sse"  # sse, jsonl (JSON Lines and NDJSON) or json-seq
    terminator: str | None = None  # the data that ends the stream (`[DONE]`): not an event
    error_event: str | None = None  # the event name whose data is an error (server-sent events only)


class Endpoint(NamedTuple, Generic[T]):
    """One operation, described once at import time; calls only fill in the values."""

    method: str
    path: str
    parse: Callable[[bytes], T]
    idempotent: bool = True
    # Error body parsers by status code, then `4XX`/`5XX`, then `default`.
    errors: Mapping[int | str, Callable[[bytes], Any]] = _EMPTY
    page: PageSpec | None = None
    # Query parameters not sent as `form` with explode: wire name -> (style, explode).
    query_styles: Mapping[str, tuple[str, bool]] = _EMPTY
    # Alternatives of security schemes that authorise the operation; None: the API's default.
    security: tuple[tuple[str, ...], ...] | None = None
    accept: str = "application/json"  # the media type of the success response
    content_type: str | None = None  # the media type of a raw (bytes or text) request body
    body: BodySpec | None = None  # how a JSON, form or multipart body is sent, when not by default
    stream: StreamSpec | None = None  # an event stream: `parse` then reads one event's data
    # OAuth 2 scopes its own `security` asks, by scheme name; None: the API's default scopes.
    scopes: Mapping[str, tuple[str, ...]] | None = None
    server: Server | None = None  # the operation's own server (its path's or its own `servers`)


class AuthScheme(NamedTuple):
    """How one security scheme of the API is sent, and where its credential comes from."""

    name: str  # the scheme's name in the spec
    kind: str  # "bearer", "basic", "api_key" or "oauth2"
    location: str = "header"  # where an api_key goes: header, query or cookie
    parameter: str = "Authorization"  # the header, query parameter or cookie name
    option: str = "api_key"  # the client keyword of the credential (basic uses username and password)
    envs: tuple[str, ...] = ()  # environment variables read when the keyword is not given
    # OAuth 2: the keywords (and variables) of the access token, client id, client secret and
    # refresh token; where tokens are fetched and refreshed (relative: to the base URL); whether the
    # client credentials grant applies; how the secret is sent (client_secret_basic or _post).
    keywords: tuple[str, ...] = ()
    keyword_envs: tuple[str, ...] = ()
    token_url: str = ""
    refresh_url: str = ""
    client_credentials: bool = False
    token_auth: str = "client_secret_basic"


class Call(NamedTuple):
    """The values of one call, in wire form before encoding.

    A parameter left at `omit` is not sent at all. `None` is sent as JSON `null` in a body, where the
    schema allows null; a query string, a header or a cookie has no null, so a `None` there is not sent
    either (the API reads an absent optional parameter as null).
    """

    path: Mapping[str, Any] = _EMPTY
    query: Mapping[str, Any] = _EMPTY
    headers: Mapping[str, Any] = _EMPTY
    cookies: Mapping[str, Any] = _EMPTY
    json: Any = None
    content: bytes | str | Omit | None = None
    form: Any = None  # application/x-www-form-urlencoded: a model or a mapping
    multipart: Any = None  # multipart/form-data: a model or a mapping; bytes, files and tuples are file parts
    extra_headers: Mapping[str, str | Omit] | None = None
    extra_query: Mapping[str, object] | None = None
    extra_body: object = None
    timeout: float | httpx.Timeout | NotGiven | None = not_given
    # A next page's URL, absolute, requested as the server gave it: no path or query parameters are added.
    url: str | None = None

    def with_query(self, **changes: Any) -> Call:
        # Not `_replace`: it makes the tuple from an iterator, through an intermediate tuple resized to
        # 13 items, which the interpreter then keeps on a free list: one more per page of a listing.
        return Call(self.path, {**self.query, **changes}, *self[2:])


__all__ = ["AuthScheme", "BodySpec", "Call", "Endpoint", "PageSpec", "PartEncoding", "Server", "StreamSpec"]
