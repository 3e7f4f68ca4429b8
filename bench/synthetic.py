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
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/Item{index % schemas}"}}},
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


def _model(index: int) -> dict[str, Any]:
    """A model as big specs write them: an inline enum (its own class), a nested object (hoisted),
    a nullable union, a map, and but for the first of each group of 25 (which stands alone)
    references to that first model, once as an array and once in a union, and every tenth an
    `allOf` over it. References stay within the group, so nothing nests deeper as the spec grows."""
    base = index - index % OPERATIONS_PER_TAG
    first = f"#/components/schemas/Model{base}"
    body: dict[str, Any] = {
        "type": "object",
        "description": f"Synthetic model number {index}.",
        "required": ["id", "status"],
        "properties": {
            "id": {"type": "string", "description": "Identifier"},
            "status": {"type": "string", "enum": ["active", "inactive", f"state_{index}"], "default": "active"},
            "amount": {"type": "integer", "minimum": 0},
            "ratio": {"anyOf": [{"type": "number"}, {"type": "null"}]},
            "created": {"type": "string", "format": "date-time"},
            "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
            "address": {
                "type": "object",
                "properties": {"line1": {"type": "string"}, "city": {"type": "string"}},
            },
        },
    }
    if index == base:
        return body
    body["properties"]["parent"] = {"anyOf": [{"type": "string"}, {"$ref": first}]}
    body["properties"]["children"] = {"type": "array", "items": {"$ref": first}}
    return {"allOf": [{"$ref": first}, body]} if index % 10 == 9 else body


def synthetic_models_spec(models: int) -> dict[str, Any]:
    """An OpenAPI document with `models` component schemas (each giving three classes: the model,
    its enum and its nested object) and one GET per four models, answering one of them."""
    operations = max(1, models // 4)
    paths = {
        f"/models{i}": {
            "get": {
                "operationId": f"get_model_{i}",
                "tags": [f"group{i // OPERATIONS_PER_TAG}"],
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/Model{i * 4}"}}},
                    }
                },
            }
        }
        for i in range(operations)
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": f"SyntheticModels{models}", "version": "1.0.0"},
        "servers": [{"url": "https://example.invalid"}],
        "paths": paths,
        "components": {"schemas": {f"Model{i}": _model(i) for i in range(models)}},
    }


def write_synthetic_models_spec(folder: Path, models: int) -> Path:
    """Writes `synthetic_models_spec(models)` as JSON into `folder` and returns its path."""
    path = folder / f"synthetic-models-{models}.json"
    path.write_text(json.dumps(synthetic_models_spec(models), indent=1), encoding="utf-8")
    return path
