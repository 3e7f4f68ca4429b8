"""Request building: takes an `Endpoint`, a `Call`, the client's defaults and the credentials to send,
and gives the `httpx.Request` (path segments, query styles, headers, cookies, JSON/form/multipart bodies)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pydantic

from ._operation import Call, Endpoint
from ._types import NotGiven, Omit

_PATH_FIELD = re.compile(r"\{([^{}]+)\}")
_DELIMITERS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


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
    for name, value in default_headers.items():
        _put_header(headers, name, value)
    for name, value in call.headers.items():
        if _is_set(value) and value is not None:
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
    data, files = _form_fields(call.multipart if call.multipart is not None else call.form)
    return http.build_request(
        endpoint.method,
        url,
        headers=headers,
        json=_json_body(call.json, call.extra_body),
        content=None if isinstance(call.content, Omit) else call.content,
        data=data or None,
        files=files or None,
        timeout=timeout,
    )


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


__all__ = ["as_timeout", "build_request", "encode_path_segment", "with_body_flag"]
