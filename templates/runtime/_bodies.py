"""The request body of a call: takes the `Endpoint` and the `Call`, and gives what httpx sends: JSON
(with `extra_body` merged in), an `application/x-www-form-urlencoded` form, or a `multipart/form-data`
stream, each field serialised as the spec's `encoding` says. Omitted fields and None are not sent in a
form (a form has no null); a JSON body sends None as null where the caller gave it."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import urlencode

import pydantic

from ._files import file_part, is_file_input
from ._multipart import MultipartStream, Part
from ._operation import BodySpec, Call, Endpoint, PartEncoding
from ._values import is_set, jsonable, model_fields, plain, query_items, to_text

_DEFAULT = BodySpec()
_NO_ENCODING = PartEncoding()


class EncodedBody(NamedTuple):
    headers: Mapping[str, str]
    json: Any = None  # httpx's `json=`
    content: bytes | None = None
    stream: MultipartStream | None = None


_NOTHING = EncodedBody({})


def request_body(endpoint: Endpoint[Any], call: Call) -> EncodedBody:
    spec = endpoint.body or _DEFAULT
    if call.multipart is not None:
        fields = _given(call.multipart, call.extra_body, spec)
        return _NOTHING if fields is None else _multipart(fields, spec)
    if call.form is not None:
        fields = _given(call.form, call.extra_body, spec)
        return _NOTHING if fields is None else _form(fields, spec)
    return EncodedBody({}, json=_json(call.json, call.extra_body, spec))


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


def _style(encoding: PartEncoding) -> tuple[str, bool]:
    style = encoding.style or "form"
    return style, encoding.explode if encoding.explode is not None else style == "form"


def _form(fields: Mapping[str, Any], spec: BodySpec) -> EncodedBody:
    pairs: list[tuple[str, str]] = []
    for name, value in fields.items():
        if not is_set(value) or plain(value) is None:
            continue
        encoding = spec.encoding.get(name, _NO_ENCODING)
        if "json" in (encoding.content_type or "") and encoding.style is None:
            pairs.append((name, _json_text(value)))
        else:
            pairs += query_items({name: value}, {name: _style(encoding)})
    content = urlencode(pairs).encode("ascii")
    return EncodedBody({"Content-Type": "application/x-www-form-urlencoded"}, content=content)


def _multipart(fields: Mapping[str, Any], spec: BodySpec) -> EncodedBody:
    parts: list[Part] = []
    for name, value in fields.items():
        if not is_set(value) or plain(value) is None:
            continue
        encoding = spec.encoding.get(name, _NO_ENCODING)
        items = value if isinstance(value, list) else [value]
        if name in spec.files:
            parts += [_file(name, item, spec.files[name], encoding) for item in _files_given(value)]
        elif encoding.style is not None or encoding.explode is not None:
            pairs = query_items({name: value}, {name: _style(encoding)})
            parts += [_text_part(key, text, encoding) for key, text in pairs]
        else:
            parts += [_part(name, item, encoding) for item in items if plain(item) is not None]
    stream = MultipartStream(parts, os.urandom(16).hex().encode("ascii"))
    headers = {"Content-Type": stream.content_type, "Content-Length": str(stream.content_length)}
    return EncodedBody(headers, stream=stream)


def _files_given(value: object) -> list[object]:
    """The files of a file field: a list (or a tuple of files) holds several; a file tuple is one."""
    if isinstance(value, list):
        return value
    if isinstance(value, tuple) and not (2 <= len(value) <= 4 and isinstance(value[0], str | None)):
        return list(value)
    return [value]


def _file(name: str, value: object, keyword: str, encoding: PartEncoding) -> Part:
    # The spec's contentType may list types or use wildcards (`image/*`): only a single one is a default.
    given = encoding.content_type or ""
    file = file_part(value, keyword, given if given and not any(c in given for c in ",*") else None)
    return Part(name, file.source, file.content_type, file.filename, {**encoding.headers, **file.headers})


def _part(name: str, value: object, encoding: PartEncoding) -> Part:
    """A field's part: an object is JSON (`application/json` unless the spec says), a scalar text, and
    bytes, a file, a path or a file tuple a file part."""
    if is_file_input(value):
        return _file(name, value, name, encoding)
    if isinstance(value, pydantic.BaseModel | Mapping):
        content_type = encoding.content_type or "application/json"
        return Part(name, _json_text(value).encode("utf-8"), content_type, None, encoding.headers)
    return _text_part(name, to_text(value), encoding)


def _text_part(name: str, text: str, encoding: PartEncoding) -> Part:
    return Part(name, text.encode("utf-8"), encoding.content_type, None, encoding.headers)


def _json_text(value: object) -> str:
    return json.dumps(jsonable(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


__all__ = ["EncodedBody", "request_body"]
