"""A mock of an API made from its spec: every operation answered with its first success response,
whose body is the spec's own example of it (the media type's `example`, its first `examples` value, or
the schema's example), as the spec writes it, even where it breaks the schema; a body with no example
of its own is put together from the examples of its schema's parts (every property, one item per
array), as mock servers do, a part with none sampled (samples.py). Event streams send their example
as one event. Used as the handler of the loopback `TestServer`.

Requests are matched on method and path alone, whatever host the client sent them to: an operation
with its own server (`server_urls=` pointed here) is answered like any other."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from support.samples import sample
from support.server import RecordedRequest, Reply

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")
_STREAMS = frozenset({"text/event-stream", "application/jsonl", "application/x-ndjson", "application/json-seq"})
_NONE = object()


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as the spec writes it
    pattern: re.Pattern[str]
    parameters: int  # `{...}` segments: a literal path wins over a templated one
    operation: dict[str, Any]


@dataclass
class ExampleMock:
    """The handler answering every operation of `document` (a resolved spec) from its examples."""

    document: Mapping[str, Any]
    routes: list[Route] = field(default_factory=list)
    answered: list[tuple[str, str, str]] = field(default_factory=list)  # (method, spec path, how: example|sample)

    def __post_init__(self) -> None:
        for path, item in (self.document.get("paths") or {}).items():
            plain = str(path).split("#", 1)[0]  # Box's `/oauth2/token#refresh`: the fragment is never sent
            pieces = re.split(r"\{[^}]*\}", plain)
            pattern = re.compile("[^/]+".join(re.escape(piece) for piece in pieces) + "$")
            for method, operation in item.items() if isinstance(item, dict) else ():
                if method in _METHODS and isinstance(operation, dict):
                    self.routes.append(Route(method.upper(), str(path), pattern, len(pieces) - 1, operation))
        self.routes.sort(key=lambda r: (r.parameters, -len(r.path)))

    def __call__(self, request: RecordedRequest) -> Reply:
        for route in self.routes:
            if route.method == request.method and route.pattern.match(request.path):
                return self.reply(route, request)
        return Reply(404, body={"detail": f"no operation for {request.method} {request.path}"})

    def reply(self, route: Route, request: RecordedRequest) -> Reply:
        responses = route.operation.get("responses") or {}
        codes = sorted(str(c) for c in responses if str(c).startswith("2")) or ["default"]
        response = self.deref(responses.get(codes[0]) or responses.get(_int(codes[0])) or {})
        status = int(codes[0]) if codes[0].isdigit() else 200
        content = response.get("content") or {} if isinstance(response, dict) else {}
        if not content or status in (204, 304):
            self.answered.append((route.method, route.path, "empty"))
            return Reply(status)
        accepted = request.header("Accept") or ""
        media = accepted if accepted in content else next((m for m in content if "json" in m), next(iter(content)))
        item = self.deref(content[media]) or {}
        example = self.example(item)
        how = "example" if example is not _NONE else "sample"
        if example is _NONE:
            example = self.compose(item.get("schema"), ())
        self.answered.append((route.method, route.path, how))
        headers = {"Content-Type": media}
        if media in _STREAMS:
            return Reply(status, headers=headers, body=_stream(media, example if how == "example" else _NONE))
        if "json" in media:
            return Reply(status, headers=headers, body=json.dumps(example).encode())
        body = example.encode() if isinstance(example, str) else b"\x00binary"
        return Reply(status, headers=headers, body=body)

    def example(self, item: Mapping[str, Any]) -> Any:
        """The media type's own example, else the first of its `examples`, else its schema's."""
        if "example" in item:
            return item["example"]
        examples = item.get("examples")
        if isinstance(examples, dict):
            for value in examples.values():
                value = self.deref(value)
                if isinstance(value, dict) and "value" in value:
                    return value["value"]
        schema = self.deref(item.get("schema"))
        if isinstance(schema, dict):
            if "example" in schema:
                return schema["example"]
            if isinstance(schema.get("examples"), list) and schema["examples"]:
                return schema["examples"][0]
        return _NONE

    def compose(self, schema: Any, seen: tuple[str, ...]) -> Any:
        """A body put together from the examples of the schema's parts, as a mock server builds one:
        a part's own `example` as written, every property of an object (an optional one that would
        recur left out), one item of an array, the first variant of a union; a part with no example gets
        its `default`, its first `enum` value, or a sample of its type."""
        ref = schema.get("$ref") if isinstance(schema, dict) else None
        if isinstance(ref, str):
            if ref in seen or len(seen) > 12:
                return sample(schema, self.components)
            return self.compose(self.deref(schema), (*seen, ref))
        if not isinstance(schema, dict):
            return None
        if "example" in schema:
            return schema["example"]
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            return schema["examples"][0]
        for key in ("const", "default"):
            if key in schema:
                return schema[key]
        if schema.get("enum"):
            return next((v for v in schema["enum"] if v is not None), None)
        if isinstance(schema.get("allOf"), list):
            parts = [self.compose(part, seen) for part in schema["allOf"]]
            merged = {k: v for part in parts if isinstance(part, dict) for k, v in part.items()}
            return merged if merged or not parts else parts[0]
        variants = [v for v in schema.get("oneOf") or schema.get("anyOf") or [] if self.deref(v).get("type") != "null"]
        if variants:
            return self.compose(variants[0], seen)
        kind = schema.get("type")
        kind = next((k for k in kind if k != "null"), "null") if isinstance(kind, list) else kind
        if kind == "object" or "properties" in schema:
            required = set(schema.get("required") or [])
            return {
                name: self.compose(sub, seen)
                for name, sub in (schema.get("properties") or {}).items()
                if name in required or not self.recurs(sub, seen)
            }
        if kind == "array":
            return [self.compose(schema.get("items"), seen)] if isinstance(schema.get("items"), dict) else []
        return sample(schema, self.components)

    def recurs(self, schema: Any, seen: tuple[str, ...]) -> bool:
        """Whether an optional property would lead back into a schema being composed (or too deep)."""
        if len(seen) > 6:
            return True
        refs = json.dumps(schema)
        return any(f'"{ref}"' in refs for ref in seen)

    @property
    def components(self) -> Mapping[str, Any]:
        return (self.document.get("components") or {}).get("schemas") or {}

    def deref(self, value: Any) -> Any:
        for _ in range(20):
            ref = value.get("$ref") if isinstance(value, dict) else None
            if not isinstance(ref, str) or not ref.startswith("#/"):
                return value
            node: Any = self.document
            for part in ref[2:].split("/"):
                node = node.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(node, dict) else None
            value = node
        return value


def _int(code: str) -> Any:
    return int(code) if code.isdigit() else code


def _stream(media: str, example: Any) -> bytes:
    """A stream of the example as its one event (a text example as written), or of no event."""
    if example is _NONE or example is None:
        return b""
    if isinstance(example, str):
        return example.encode()
    data = json.dumps(example)
    return (f"data: {data}\n\n" if media == "text/event-stream" else data + "\n").encode()
