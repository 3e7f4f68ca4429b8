"""How operations and calls are described: the generated resources declare each operation once as an
`Endpoint` (with its `PageSpec`) and pass each call's values as a `Call`; the client lists its `AuthScheme`s."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

import httpx

from ._types import NotGiven, Omit, not_given

T = TypeVar("T")


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


__all__ = ["AuthScheme", "Call", "Endpoint", "PageSpec"]
