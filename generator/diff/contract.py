"""What an operation promises beyond the Python signature, read from the resolved spec: the media types
its request body takes and its success responses answer, its success statuses, the servers it names
itself, and, for a value a caller sends, the default the API applies and the constraints it checks.

The IR keeps what the generated code needs (one media type, one response); the comparison needs the
whole promise, so it reads the operation as written (every `$ref` already followed by the resolver).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..errors import unescape_pointer
from ..resolver import SCHEMA_PREFIX

# The keywords that decide which values a request may carry (JSON Schema validation).
CONSTRAINTS = (
    *("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"),
    *("minLength", "maxLength", "minItems", "maxItems", "pattern", "multipleOf", "enum"),
)


@dataclass(frozen=True)
class ValueRules:
    """The default and the constraints of a value a caller sends, each as JSON text."""

    default: str | None = None
    constraints: tuple[tuple[str, str], ...] = ()  # keyword -> value, in CONSTRAINTS order

    @property
    def by_keyword(self) -> dict[str, Any]:
        return {keyword: json.loads(value) for keyword, value in self.constraints}


@dataclass(frozen=True)
class Promise:
    """An operation's media types, success statuses and own servers."""

    request_media: tuple[str, ...] = ()
    response_media: tuple[str, ...] = ()  # of every success response
    success: tuple[str, ...] = ()  # `200`, `2XX`...
    servers: tuple[str, ...] = ()  # the operation's own (else its path item's) server URLs


def promise(item: Any, operation: Any) -> Promise:
    if not isinstance(operation, dict):
        return Promise()
    body = operation.get("requestBody")
    content = body.get("content") if isinstance(body, dict) else None
    request_media = tuple(str(m) for m in content) if isinstance(content, dict) else ()
    responses = operation.get("responses")
    success: list[str] = []
    media: list[str] = []
    for status, response in responses.items() if isinstance(responses, dict) else ():
        if str(status).startswith("2"):
            success.append(str(status))
            answered = response.get("content") if isinstance(response, dict) else None
            media += [str(m) for m in answered if str(m) not in media] if isinstance(answered, dict) else []
    servers = operation.get("servers")
    if not isinstance(servers, list) and isinstance(item, dict):
        servers = item.get("servers")
    return Promise(request_media, tuple(media), tuple(success), server_urls(servers))


def server_urls(servers: Any) -> tuple[str, ...]:
    if not isinstance(servers, list):
        return ()
    return tuple(str(s["url"]) for s in servers if isinstance(s, dict) and isinstance(s.get("url"), str))


def value_rules(schema: Any, components: Any) -> ValueRules:
    """The default and constraints of `schema`, through `$ref`s, `allOf` parts and the one branch of an
    `anyOf`/`oneOf` with `null` (the nearest place writing a keyword wins)."""
    found: dict[str, Any] = {}
    _collect(schema, components, found, set())
    default = json.dumps(found.pop("default"), sort_keys=True) if "default" in found else None
    constraints = tuple((k, json.dumps(found[k], sort_keys=True)) for k in CONSTRAINTS if k in found)
    return ValueRules(default, constraints)


def _collect(schema: Any, components: Any, found: dict[str, Any], seen: set[str]) -> None:
    if not isinstance(schema, dict):
        return
    for keyword in ("default", *CONSTRAINTS):
        if keyword in schema and keyword not in found:
            found[keyword] = schema[keyword]
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX) and ref not in seen and isinstance(components, dict):
        seen.add(ref)
        _collect(components.get(unescape_pointer(ref[len(SCHEMA_PREFIX) :])), components, found, seen)
    parts = schema.get("allOf")
    for part in parts if isinstance(parts, list) else []:
        _collect(part, components, found, seen)
    for keyword in ("anyOf", "oneOf"):
        branches = schema.get(keyword)
        if isinstance(branches, list):
            real = [b for b in branches if not (isinstance(b, dict) and b.get("type") == "null")]
            if len(real) == 1:
                _collect(real[0], components, found, seen)
