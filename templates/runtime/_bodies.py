"""The request body of a call: takes the `Endpoint` and the `Call`, and gives what httpx sends: JSON
(with `extra_body` merged in), an `application/x-www-form-urlencoded` form, or a `multipart/form-data`
stream, each field serialised as the spec's `encoding` says. Omitted fields and None are not sent in a
form (a form has no null); a JSON body sends None as null where the caller gave it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlencode

import pydantic

from ._operation import BodySpec, Call, Endpoint, PartEncoding
from ._values import is_set, json_text, jsonable, model_fields, plain, query_items, style_of

if TYPE_CHECKING:
    from ._multipart import MultipartStream  # imported when a multipart body is sent

_DEFAULT = BodySpec()
_NO_ENCODING = PartEncoding()


class EncodedBody(NamedTuple):
    headers: Mapping[str, str]
    content: bytes | None = None
    stream: MultipartStream | None = None


_NOTHING = EncodedBody({})


def request_body(endpoint: Endpoint[Any], call: Call) -> EncodedBody:
    spec = endpoint.body or _DEFAULT
    if call.multipart is not None:
        fields = _given(call.multipart, call.extra_body, spec)
        if fields is None:
            return _NOTHING
        from ._multipart import multipart_stream  # on first use: most calls send JSON or nothing

        stream = multipart_stream(fields, spec)
        headers = {"Content-Type": stream.content_type, "Content-Length": str(stream.content_length)}
        return EncodedBody(headers, stream=stream)
    if call.form is not None:
        fields = _given(call.form, call.extra_body, spec)
        return _NOTHING if fields is None else _form(fields, spec)
    body = _json(call.json, call.extra_body, spec)
    if body is None:
        return _NOTHING
    return EncodedBody({"Content-Type": "application/json"}, content=json_text(body).encode())


def _json(body: Any, extra: object, spec: BodySpec) -> Any:
    """The JSON body: the operation's, with the caller's `extra_body` merged in (or instead of none)."""
    if not is_set(body) or (spec.optional and isinstance(body, Mapping) and not any(map(is_set, body.values()))):
        body = None  # an optional body left out
    if extra is None:
        return jsonable(body) if body is not None else None
    if body is None:
        return jsonable(extra)
    merged, more = jsonable(body), jsonable(extra)
    if not isinstance(merged, dict) or not isinstance(more, dict):
        raise TypeError("extra_body can only add properties to a JSON object body")
    return {**merged, **more}


def _given(body: Any, extra: object, spec: BodySpec) -> dict[str, Any] | None:
    """The fields of a form or multipart body by wire name, `extra_body`'s added; None: no body at all."""
    fields = _fields(body, "body")
    if spec.optional and not any(map(is_set, fields.values())) and extra is None:
        return None
    if extra is not None:
        fields.update(_fields(extra, "extra_body"))
    return fields


def _fields(value: Any, what: str) -> dict[str, Any]:
    if not is_set(value) or value is None:
        return {}
    if isinstance(value, pydantic.BaseModel):
        return model_fields(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{what} of a form or multipart body takes a mapping of fields, not {type(value).__name__}")


def _form(fields: Mapping[str, Any], spec: BodySpec) -> EncodedBody:
    pairs: list[tuple[str, str]] = []
    for name, value in fields.items():
        if not is_set(value) or plain(value) is None:
            continue
        encoding = spec.encoding.get(name, _NO_ENCODING)
        if "json" in (encoding.content_type or "") and encoding.style is None:
            pairs.append((name, json_text(value)))
        else:
            pairs += query_items({name: value}, {name: style_of(encoding)})
    content = urlencode(pairs).encode("ascii")
    return EncodedBody({"Content-Type": "application/x-www-form-urlencoded"}, content=content)


__all__ = ["EncodedBody", "request_body"]
