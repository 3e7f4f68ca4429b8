"""Smallest valid instances of JSON schemas, and the reply a server would give to an operation of a spec:
its first success response with a sample body (a finished one, for an operation a wait polls). For
running examples against the loopback server."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from support.server import RecordedRequest, Reply

_PREFIX = "#/components/schemas/"
_FORMATS = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "12:00:00",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "email": "a@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
}
_STREAMS = frozenset({"text/event-stream", "application/jsonl", "application/x-ndjson", "application/json-seq"})
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")


def sample(schema: Any, components: Mapping[str, Any], depth: int = 0) -> Any:
    """A minimal value of `schema`: the required properties only, the first variant of a union."""
    if not isinstance(schema, dict) or depth > 30:
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(_PREFIX):
        return sample(components.get(ref[len(_PREFIX) :].replace("~1", "/").replace("~0", "~")), components, depth + 1)
    if "const" in schema:
        return schema["const"]
    if _nullable(schema):
        return None
    values = [v for v in schema.get("enum") or [] if v is not None]
    if values:
        return values[0]
    variants = [v for v in schema.get("oneOf") or schema.get("anyOf") or [] if v.get("type") != "null"]
    if variants:
        return _variant(schema, variants, components, depth)
    if isinstance(schema.get("allOf"), list):
        # A nullable part (Box's bases are) does not make the whole null: its object is sampled.
        parts = [sample(_present(part, components), components, depth + 1) for part in schema["allOf"]]
        if not all(isinstance(part, dict) for part in parts):
            return parts[0]
        return {k: v for part in parts for k, v in part.items()}
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "array":
        return [sample(schema.get("items"), components, depth + 1) for _ in range(int(schema.get("minItems", 0)))]
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties") or {}
        return {k: sample(properties.get(k), components, depth + 1) for k in schema.get("required") or []}
    return _scalar(schema, kind)


def _present(schema: Any, components: Mapping[str, Any]) -> Any:
    """`schema` (a reference followed) without the null it may admit."""
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    if isinstance(ref, str) and ref.startswith(_PREFIX):
        schema = components.get(ref[len(_PREFIX) :].replace("~1", "/").replace("~0", "~"))
    if not isinstance(schema, dict):
        return schema
    kind = schema.get("type")
    present = {k: v for k, v in schema.items() if k != "nullable"}
    if isinstance(kind, list):
        present["type"] = next((k for k in kind if k != "null"), "null")
    return present


def _nullable(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    variants = schema.get("anyOf") or schema.get("oneOf") or []
    return (
        schema.get("nullable") is True
        or (isinstance(kind, list) and "null" in kind)
        or any(isinstance(v, dict) and v.get("type") == "null" for v in variants)
    )


def _variant(schema: dict[str, Any], variants: list[Any], components: Mapping[str, Any], depth: int) -> Any:
    value = sample(variants[0], components, depth + 1)
    discriminator = schema.get("discriminator")
    if isinstance(discriminator, dict) and isinstance(value, dict):
        mapping = discriminator.get("mapping") or {}
        first = variants[0].get("$ref", "")
        key = next((k for k, target in mapping.items() if target == first), first.rsplit("/", 1)[-1])
        value[discriminator["propertyName"]] = key
    return value


def _scalar(schema: dict[str, Any], kind: Any) -> Any:
    example = schema.get("example")
    if kind == "string" and isinstance(example, str) and re.search(str(schema.get("pattern", "")), example):
        return example  # a pattern's own example fits it; "x" may not
    if kind == "string":
        text = _FORMATS.get(str(schema.get("format")), "x")
        return text * max(1, int(schema.get("minLength", 1))) if text == "x" else text
    if kind in ("integer", "number"):
        low, exclusive = schema.get("minimum", 0), schema.get("exclusiveMinimum")
        if isinstance(exclusive, int | float) and not isinstance(exclusive, bool):
            low, exclusive = exclusive, True  # 3.1: the bound itself
        value = low + (1 if exclusive is True else 0)
        return int(value) if kind == "integer" else float(value)
    if kind == "boolean":
        return True
    return None


def operations(document: Mapping[str, Any]) -> list[tuple[str, re.Pattern[str], dict[str, Any]]]:
    """(HTTP method, a pattern of the path's requests, operation) of each operation of a resolved spec."""
    found = []
    for path, item in (document.get("paths") or {}).items():
        pieces = re.split(r"\{[^}]*\}", path)  # the literal text between parameters
        pattern = re.compile("[^/]+".join(re.escape(piece) for piece in pieces) + "$")
        declared = [(m, op) for m, op in item.items() if m in _METHODS]
        declared += list((item.get("additionalOperations") or {}).items())  # OpenAPI 3.2: spelt as sent
        for method, operation in declared:
            if isinstance(operation, dict):
                found.append((method.upper() if method in _METHODS else method, pattern, operation))
    return found


def reply_for(document: Mapping[str, Any], request: RecordedRequest) -> Reply:
    """The first success response of the operation the request is for, with a sample body."""
    components = (document.get("components") or {}).get("schemas") or {}
    for method, pattern, operation in operations(document):
        if method != request.method or not pattern.match(request.path):
            continue
        responses = operation.get("responses") or {}
        codes = sorted(str(c) for c in responses if str(c).startswith("2")) or ["default"]
        response = responses.get(codes[0]) or responses.get(int(codes[0]) if codes[0].isdigit() else codes[0]) or {}
        status = int(codes[0]) if codes[0].isdigit() else 200
        content = response.get("content") or {}
        if not content:
            return Reply(status)
        accepted = request.header("Accept") or ""
        media = accepted if accepted in content else next((m for m in content if "json" in m), next(iter(content)))
        if media in _STREAMS:  # a stream of no event: valid, whatever its events would be
            return Reply(status, headers={"Content-Type": media}, body=b"")
        if "json" in media:
            body = json.dumps(_finished(sample(content[media].get("schema"), components), operation)).encode()
            return Reply(status, headers={"Content-Type": media}, body=body)
        return Reply(status, headers={"Content-Type": media}, body=b"text" if media.startswith("text/") else b"\x00")
    return Reply(404, body={"detail": f"no operation for {request.method} {request.path}"})


def _finished(body: Any, operation: Mapping[str, Any]) -> Any:
    """`body` with the field of each wait the operation declares (`x-poll`) at its first success value,
    so an example of a wait returns on its first poll, as a finished job would."""
    waits = operation.get("x-poll")
    for wait in waits if isinstance(waits, list) else []:
        field, success = wait.get("field"), wait.get("success")
        path = field.split(".") if isinstance(field, str) else field
        parent = body
        for step in path[:-1]:
            parent = parent.get(step) if isinstance(parent, dict) else None
        if isinstance(parent, dict) and success:
            parent[path[-1]] = success[0]
    return body
