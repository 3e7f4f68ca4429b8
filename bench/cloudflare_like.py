"""A synthetic spec of Cloudflare's size and shapes: 1,533 operations, 3,716 component schemas, about
4.2 MB of JSON (Cloudflare's public spec has those counts; no spec held here is that large).

Written as Cloudflare writes its API: products, each with its own copies of the common envelope
(`<product>_api-response-common`, `..._messages`, `..._result_info`) and many small named schemas
(identifiers, names, timestamps, enums), its resources answering `allOf` envelopes around the
resource (`{success, errors, messages, result}`), errors as `4XX` responses, path identifiers as
`$ref`d parameters, paging and ordering query parameters, nested objects and arrays, and request
bodies referring to the resource's fields. Deterministic: the same file every run.

    .venv/bin/python bench/cloudflare_like.py OUT.json [SCALE]   # writes it and prints its counts
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OPERATIONS, SCHEMAS = 1_533, 3_716
_PRODUCTS = 61
_RESOURCES_PER_PRODUCT = 5  # 5 operations each; the first two products have one more resource
_WORDS = [
    "zone",
    "account",
    "dns",
    "record",
    "rule",
    "list",
    "firewall",
    "worker",
    "route",
    "script",
    "queue",
    "bucket",
    "cache",
    "pool",
    "origin",
    "monitor",
    "tunnel",
    "policy",
    "member",
    "certificate",
    "token",
    "gateway",
    "stream",
    "video",
    "image",
    "page",
    "project",
    "deployment",
    "alert",
    "webhook",
    "rate",
    "limit",
    "filter",
    "ruleset",
    "waf",
    "access",
    "group",
    "device",
    "key",
    "secret",
    "binding",
    "namespace",
]
_TEXT = (
    "The {what} as the API returns it. Values set by the server are read-only; the others may be "
    "changed with an update. See the product's documentation for the limits that apply to {what}."
)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _word(index: int) -> str:
    return _WORDS[index % len(_WORDS)]


class _Spec:
    def __init__(self) -> None:
        self.schemas: dict[str, Any] = {}
        self.paths: dict[str, Any] = {}
        self.parameters: dict[str, Any] = {}
        self.operations = 0

    def schema(self, name: str, value: dict[str, Any]) -> str:
        self.schemas[name] = value
        return name

    def envelope(self, p: str) -> None:
        """The product's own copy of the common envelope, as Cloudflare repeats it per product."""
        message = {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "integer", "minimum": 1000},
                "message": {"type": "string"},
                "documentation_url": {"type": "string"},
                "source": {"type": "object", "properties": {"pointer": {"type": "string"}}},
            },
            "uniqueItems": True,
        }
        self.schema(f"{p}_messages", {"type": "array", "items": message, "example": []})
        self.schema(
            f"{p}_api-response-common",
            {
                "type": "object",
                "required": ["success", "errors", "messages"],
                "properties": {
                    "errors": _ref(f"{p}_messages"),
                    "messages": _ref(f"{p}_messages"),
                    "success": {
                        "type": "boolean",
                        "description": "Whether the API call was successful.",
                        "enum": [True],
                    },
                },
            },
        )
        self.schema(
            f"{p}_api-response-common-failure",
            {
                "type": "object",
                "required": ["success", "errors", "messages", "result"],
                "properties": {
                    "errors": {"allOf": [_ref(f"{p}_messages")], "example": [{"code": 7003, "message": "No route"}]},
                    "messages": {"allOf": [_ref(f"{p}_messages")], "example": []},
                    "result": {"type": "object", "nullable": True, "enum": [None]},
                    "success": {"type": "boolean", "enum": [False]},
                },
            },
        )
        self.schema(
            f"{p}_result_info",
            {
                "type": "object",
                "properties": {
                    "count": {"type": "number", "description": "Total number of results for the requested service."},
                    "page": {"type": "number", "description": "Current page within paginated list of results."},
                    "per_page": {"type": "number", "description": "Number of results per page of results."},
                    "total_count": {
                        "type": "number",
                        "description": "Total results available without any search parameters.",
                    },
                },
            },
        )
        self.schema(f"{p}_api-response-single", {"allOf": [_ref(f"{p}_api-response-common")], "type": "object"})
        self.schema(
            f"{p}_api-response-collection",
            {
                "allOf": [
                    _ref(f"{p}_api-response-common"),
                    {"properties": {"result_info": _ref(f"{p}_result_info")}},
                ],
                "type": "object",
            },
        )
        self.schema(
            f"{p}_identifier", {"type": "string", "maxLength": 32, "readOnly": True, "description": "Identifier."}
        )
        self.parameters[f"{p}_account_id"] = {
            "name": "account_id",
            "in": "path",
            "required": True,
            "schema": _ref(f"{p}_identifier"),
        }

    def resource(self, p: str, r: str, index: int) -> None:
        """One resource of a product: its small named schemas, the resource, its envelopes, and five
        operations (list, create, get, update, delete)."""
        what = f"{r.replace('_', ' ')}"
        prefix = f"{p}_{r}"
        status = self.schema(
            f"{prefix}_status",
            {"type": "string", "enum": ["active", "pending", "disabled", f"{_word(index)}_blocked"], "readOnly": True},
        )
        kind = self.schema(
            f"{prefix}_type",
            {"type": "string", "description": f"The type of {what}.", "enum": ["standard", "custom", _word(index + 3)]},
        )
        name = self.schema(f"{prefix}_name", {"type": "string", "maxLength": 255, "example": f"my-{r}"})
        self.schema(f"{prefix}_created_on", {"type": "string", "format": "date-time", "readOnly": True})
        self.schema(f"{prefix}_comment", {"type": "string", "description": _TEXT.format(what=what)})
        settings = self.schema(
            f"{prefix}_settings",
            {
                "type": "object",
                "description": f"Settings of the {what}.",
                "properties": {
                    "enabled": {"type": "boolean", "default": True},
                    "ttl": {
                        "anyOf": [{"type": "number", "minimum": 30, "maximum": 86400}, {"type": "number", "enum": [1]}]
                    },
                    "mode": {"type": "string", "enum": ["on", "off", "simulate"]},
                    "limits": {
                        "type": "object",
                        "properties": {
                            "requests": {"type": "integer"},
                            "period": {"type": "integer", "enum": [10, 60, 3600]},
                        },
                    },
                    "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 20},
                },
            },
        )
        fields = {
            "name": _ref(name),
            "type": _ref(kind),
            "comment": _ref(f"{prefix}_comment"),
            "settings": _ref(settings),
        }
        self.schema(
            f"{prefix}_editable",
            {"type": "object", "required": ["name"], "properties": fields, "description": _TEXT.format(what=what)},
        )
        resource = self.schema(
            prefix,
            {
                "allOf": [
                    _ref(f"{prefix}_editable"),
                    {
                        "type": "object",
                        "required": ["id", "status"],
                        "properties": {
                            "id": _ref(f"{p}_identifier"),
                            "status": _ref(status),
                            "created_on": _ref(f"{prefix}_created_on"),
                            "modified_on": {"type": "string", "format": "date-time", "readOnly": True},
                            "meta": {
                                "type": "object",
                                "properties": {"auto_added": {"type": "boolean"}, "source": {"type": "string"}},
                            },
                        },
                    },
                ]
            },
        )
        single = self.schema(
            f"{prefix}_response_single",
            {"allOf": [_ref(f"{p}_api-response-single"), {"properties": {"result": _ref(resource)}}]},
        )
        collection = self.schema(
            f"{prefix}_response_collection",
            {
                "allOf": [
                    _ref(f"{p}_api-response-collection"),
                    {"properties": {"result": {"type": "array", "items": _ref(resource)}}},
                ]
            },
        )
        base = f"/accounts/{{account_id}}/{p.replace('-', '_')}/{r}s"
        item = f"{base}/{{{r}_id}}"
        self.parameters[f"{prefix}_id"] = {
            "name": f"{r}_id",
            "in": "path",
            "required": True,
            "schema": _ref(f"{p}_identifier"),
        }
        account = {"$ref": f"#/components/parameters/{p}_account_id"}
        own = {"$ref": f"#/components/parameters/{prefix}_id"}
        failure = {"4XX": self._failure(p, what)}
        body = {"required": True, "content": {"application/json": {"schema": _ref(f"{prefix}_editable")}}}
        self.paths[base] = {
            "get": self._operation(
                f"{prefix}-list", f"List {what}s", [account, *self._listing(prefix)], None, collection, failure
            ),
            "post": self._operation(f"{prefix}-create", f"Create {what}", [account], body, single, failure),
        }
        self.paths[item] = {
            "get": self._operation(
                f"{prefix}-details", f"{what.capitalize()} details", [account, own], None, single, failure
            ),
            "patch": self._operation(f"{prefix}-update", f"Update {what}", [account, own], body, single, failure),
            "delete": self._operation(f"{prefix}-delete", f"Delete {what}", [account, own], None, single, failure),
        }

    def _listing(self, prefix: str) -> list[dict[str, Any]]:
        return [
            {"name": "page", "in": "query", "schema": {"type": "number", "default": 1, "minimum": 1}},
            {
                "name": "per_page",
                "in": "query",
                "schema": {"type": "number", "default": 20, "minimum": 5, "maximum": 50},
            },
            {"name": "order", "in": "query", "schema": {"type": "string", "enum": ["name", "status", "created_on"]}},
            {"name": "direction", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}},
            {"name": "match", "in": "query", "schema": {"type": "string", "enum": ["any", "all"], "default": "all"}},
            {"name": "name", "in": "query", "schema": _ref(f"{prefix}_name")},
        ]

    def _failure(self, p: str, what: str) -> dict[str, Any]:
        return {
            "description": f"{what.capitalize()} response failure",
            "content": {
                "application/json": {
                    "schema": {"allOf": [{"type": "object"}, _ref(f"{p}_api-response-common-failure")]}
                }
            },
        }

    def _operation(
        self,
        operation_id: str,
        summary: str,
        parameters: list[dict[str, Any]],
        body: dict[str, Any] | None,
        answer: str,
        failure: dict[str, Any],
    ) -> dict[str, Any]:
        self.operations += 1
        tag = operation_id.split("_", 1)[0]
        operation: dict[str, Any] = {
            "operationId": operation_id,
            "summary": summary,
            "description": _TEXT.format(what=summary.lower()),
            "tags": [tag],
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": f"{summary} response",
                    "content": {"application/json": {"schema": _ref(answer)}},
                },
                **failure,
            },
            "security": [{"api_email": [], "api_key": []}, {"api_token": []}],
        }
        if body is not None:
            operation["requestBody"] = body
        return operation


def cloudflare_like_spec(scale: float = 1.0) -> dict[str, Any]:
    """The spec, trimmed to exactly OPERATIONS operations and SCHEMAS component schemas; `scale`
    makes it that much smaller or larger (the same shapes, in proportion), to see how a build grows."""
    spec = _Spec()
    for product in range(round(_PRODUCTS * scale)):
        p = f"{_word(product)}-{_word(product * 7 + 1)}{product}"
        spec.envelope(p)
        for r in range(_RESOURCES_PER_PRODUCT + (product < 2)):
            spec.resource(p, f"{_word(product + r * 3)}_{_word(r + product)}{r}", product * _RESOURCES_PER_PRODUCT + r)
    paths = _trimmed_paths(spec.paths, round(OPERATIONS * scale))
    schemas = _padded(spec.schemas, round(SCHEMAS * scale))
    return {
        "openapi": "3.0.3",
        "info": {"title": "Cloudflare-like API", "version": "4.0.0"},
        "servers": [{"url": "https://api.cloudflare-like.example/client/v4"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "parameters": spec.parameters,
            "securitySchemes": {
                "api_email": {"type": "apiKey", "in": "header", "name": "X-Auth-Email"},
                "api_key": {"type": "apiKey", "in": "header", "name": "X-Auth-Key"},
                "api_token": {"type": "http", "scheme": "bearer"},
            },
        },
    }


def _trimmed_paths(paths: dict[str, Any], wanted: int) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    count = 0
    for path, item in paths.items():
        methods = {}
        for method, operation in item.items():
            if count < wanted:
                methods[method] = operation
                count += 1
        if methods:
            kept[path] = methods
    if count < wanted:
        raise SystemExit(f"only {count} operations made; {wanted} wanted")
    return kept


def _padded(schemas: dict[str, Any], wanted: int) -> dict[str, Any]:
    """Exactly `wanted` schemas: the ones made, then unreferenced small ones (Cloudflare has many)."""
    result = dict(schemas)
    index = 0
    while len(result) < wanted:
        result[f"shared_{_word(index)}_{index}"] = {
            "type": "string",
            "description": _TEXT.format(what=_word(index)),
            "enum": [_word(index), _word(index + 1)],
        }
        index += 1
    if len(result) > wanted:
        raise SystemExit(f"{len(result)} schemas made; at most {wanted} wanted")
    return result


def write_cloudflare_like_spec(path: Path, scale: float = 1.0) -> Path:
    path.write_text(json.dumps(cloudflare_like_spec(scale), indent=1), encoding="utf-8")
    return path


if __name__ == "__main__":
    target = write_cloudflare_like_spec(Path(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else 1.0)
    spec = json.loads(target.read_text(encoding="utf-8"))
    operations = sum(len(item) for item in spec["paths"].values())
    schemas = len(spec["components"]["schemas"])
    print(f"{target}: {operations} operations, {schemas} schemas, {target.stat().st_size / 1e6:.1f} MB")
