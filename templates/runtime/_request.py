"""Request building: takes an `Endpoint`, a `Call`, the client's defaults and the credentials to send,
and gives the `httpx.Request` (path segments, query styles, headers, cookies, JSON/form/multipart bodies)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from ._bodies import request_body
from ._operation import Call, Endpoint
from ._types import NotGiven, Omit
from ._values import is_set as _is_set
from ._values import plain as _plain
from ._values import query_items as _query_items
from ._values import to_text as _to_text

_PATH_FIELD = re.compile(r"\{([^{}]+)\}")


def build_request(
    http: httpx.Client | httpx.AsyncClient,
    endpoint: Endpoint[Any],
    call: Call,
    *,
    base: str,
    user_agent: str,
    default_headers: Mapping[str, str],
    default_timeout: httpx.Timeout,
    credentials: Iterable[tuple[str, str, str]],
) -> httpx.Request:
    """The request of one call. `base` ends in `/`; `credentials` are (location, name, value) triples.

    The URL is written out whole and parsed once by httpx, and the headers are a plain dict merged
    once: URL joins and header merges were most of the cost of a call."""
    path = endpoint.path
    if "{" in path:
        path = _PATH_FIELD.sub(lambda m: encode_path_segment(call.path.get(m.group(1)), m.group(1)), path)
    query = _query_items(call.query, endpoint.query_styles) if call.url is None else []
    if call.extra_query and call.url is None:
        overridden = set(call.extra_query)
        query = [(k, v) for k, v in query if k not in overridden] + _query_items(call.extra_query)
    headers = {"Accept": endpoint.accept, "User-Agent": user_agent}
    if endpoint.content_type is not None and call.content is not None and _is_set(call.content):
        headers["Content-Type"] = endpoint.content_type
    body = request_body(endpoint, call)
    headers.update(body.headers)
    for name, value in default_headers.items():
        _put_header(headers, name, value)
    for name, value in call.headers.items():
        if _is_set(value) and _plain(value) is not None:
            _put_header(headers, name, _to_text(value))
    cookies = dict(call.cookies)
    for location, name, secret in credentials:
        if location == "query":
            query.append((name, secret))
        elif location == "cookie":
            cookies[name] = secret
        else:
            _put_header(headers, name, secret)
    cookie = _cookie_header(cookies)
    if cookie is not None:
        _put_header(headers, "Cookie", cookie)
    for name, extra in (call.extra_headers or {}).items():
        _put_header(headers, name, None if isinstance(extra, Omit) else extra)
    url = base + path.lstrip("/") if call.url is None else call.url
    if query:
        url += ("&" if "?" in url else "?") + urlencode(query)
    timeout = default_timeout if isinstance(call.timeout, NotGiven) else as_timeout(call.timeout)
    content = body.content if body.content is not None else None if isinstance(call.content, Omit) else call.content
    request = http.build_request(endpoint.method, url, headers=headers, content=content, timeout=timeout)
    if body.stream is not None:
        # A multipart body streams its files (read again on a retry); httpx takes the stream as it is.
        request.stream = body.stream
    return request


def with_body_flag(extra_body: object, name: str, value: bool) -> object:
    """`extra_body` with the JSON body property `name` set to `value`: how a call's `stream=` choice
    reaches a body that carries it."""
    if extra_body is None:
        return {name: value}
    if not isinstance(extra_body, Mapping):
        raise TypeError("extra_body can only add properties to a JSON object body")
    return {**extra_body, name: value}


def as_timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)


def encode_path_segment(value: object, name: str) -> str:
    """One path parameter as one path segment: every reserved character is percent-encoded, so no
    value (`a/b`, `..`, `?`, `#`) can change which path is requested. Empty or None is refused."""
    text = "" if value is None or not _is_set(value) else _to_text(value)
    if not text:
        raise ValueError(f"Expected a non-empty value for `{name}` but received {value!r}")
    encoded = quote(text, safe="")
    # `.` and `..` would be collapsed by URL normalisation and change the path.
    return encoded.replace(".", "%2E") if set(text) == {"."} else encoded


def _put_header(headers: dict[str, str], name: str, value: str | None) -> None:
    """Sets (or with None removes) a header, whatever the case of the name it replaces."""
    lower = name.lower()
    for key in [k for k in headers if k.lower() == lower]:
        del headers[key]
    if value is not None:
        headers[name] = value


def _cookie_header(cookies: Mapping[str, Any]) -> str | None:
    """A Cookie header; like the query string, a cookie has no null, so `None` is not sent."""
    pairs = [
        f"{name}={quote(_to_text(value), safe='!#$&()*+-./:<=>?@[]^_`{|}~')}"
        for name, value in cookies.items()
        if _is_set(value) and _plain(value) is not None
    ]
    return "; ".join(pairs) if pairs else None


__all__ = ["as_timeout", "build_request", "encode_path_segment", "with_body_flag"]
