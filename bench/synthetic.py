"""Synthetic OpenAPI 3.1 specs of a chosen size, for the build-scaling measure (row 9).

N paths, each with one GET taking two query parameters and answering with a component model;
about N/4 component schemas (each operation returns schema `i % (N/4)`), 25 operations per tag.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OPERATIONS_PER_TAG = 25


def _schema(index: int) -> dict[str, Any]:
    return {
        "type": "object",
        "title": f"Item{index}",
        "description": f"Synthetic model number {index}.",
        "required": ["id", "name"],
        "properties": {
            "id": {"type": "string", "description": "Identifier"},
            "name": {"type": "string"},
            "count": {"type": "integer", "format": "int64"},
            "score": {"anyOf": [{"type": "number"}, {"type": "null"}]},
            "created_at": {"type": "string", "format": "date-time"},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
    }


def _operation(index: int, schemas: int) -> dict[str, Any]:
    return {
        "operationId": f"get_item_{index}",
        "tags": [f"group{index // OPERATIONS_PER_TAG}"],
        "summary": f"Get item {index}",
        "parameters": [
            {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer"}},
            {
                "name": "filter",
                "in": "query",
                "required": False,
                "schema": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            },
        ],
        "responses": {
            "200": {
                "description": "OK",
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/Item{index % schemas}"}}
                },
            }
        },
    }


def synthetic_spec(operations: int) -> dict[str, Any]:
    """An OpenAPI document with `operations` GET operations and max(1, operations // 4) schemas."""
    schemas = max(1, operations // 4)
    return {
        "openapi": "3.1.0",
        "info": {"title": f"Synthetic{operations}", "version": "1.0.0"},
        "servers": [{"url": "https://example.invalid"}],
        "paths": {f"/items{i}": {"get": _operation(i, schemas)} for i in range(operations)},
        "components": {"schemas": {f"Item{i}": _schema(i) for i in range(schemas)}},
    }


def write_synthetic_spec(folder: Path, operations: int) -> Path:
    """Writes the spec as JSON into `folder` and returns its path."""
    path = folder / f"synthetic-{operations}.json"
    path.write_text(json.dumps(synthetic_spec(operations), indent=1), encoding="utf-8")
    return path
