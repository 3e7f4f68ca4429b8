"""`paths` -> the tree of resources the client exposes: each operation's resource path and method
name decided (unique, clear of the client's own attributes), then lowered into its node."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..errors import Origin
from ..ir import Resource, SecurityScheme
from ..naming import method_name_from_operation_id, pascal, safe_identifier, snake
from .context import LowerContext
from .operations import SpecOperation, lower_operation

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Public attributes of the generated clients and resources, which a resource may not replace.
CLIENT_ATTRIBUTES = frozenset(
    {
        *("api_key", "base_url", "close", "default_headers", "is_closed", "max_response_bytes", "max_retries"),
        *("request", "request_page", "retry_non_idempotent", "timeout", "user_agent", "with_options"),
        *("with_raw_response", "on_request", "on_response"),
    }
)
_RESOURCE_ATTRIBUTES = frozenset({"with_raw_response"})


def build_resources(ctx: LowerContext, schemes: tuple[SecurityScheme, ...]) -> list[Resource]:
    """The top-level resources, each holding its operations and sub-resources in spec order."""
    root = Resource(attr_name="", class_name="", path=())
    seen_ids: dict[str, Origin] = {}
    seen_methods: dict[tuple[tuple[str, ...], str], Origin] = {}
    for found in iter_operations(ctx):
        path, method, operation, where = found.path, found.method, found.operation, found.where
        operation_id = operation.get("operationId")
        if isinstance(operation_id, str):
            if operation_id in seen_ids:
                ctx.problems.error(
                    f"duplicate operationId {operation_id!r}",
                    where.child("operationId"),
                    f"it is also used at {seen_ids[operation_id].pointer}; operationIds must be unique",
                )
            seen_ids.setdefault(operation_id, where.child("operationId"))
        resource_path = _resource_path(ctx, path, operation, where)
        name = _method_name(ctx, path, method, operation, where)
        if not name or not resource_path:
            continue
        key = (resource_path, name)
        if key in seen_methods and "x-method" not in operation:
            # A derived name: fall back to the whole operationId, then to a number.
            fallback = snake(str(operation.get("operationId") or f"{method} {path}"))
            name, n = safe_identifier(fallback), 2
            while (resource_path, name) in seen_methods:
                name, n = f"{safe_identifier(fallback)}_{n}", n + 1
            key = (resource_path, name)
        if key in seen_methods:
            ctx.problems.error(
                f"two operations would both be `{'.'.join(resource_path)}.{name}()`",
                where,
                f"the other is at {seen_methods[key].pointer}; give one of them another `x-method`",
            )
            continue
        seen_methods[key] = where
        lowered = lower_operation(ctx, schemes, found, resource_path, name)
        _resource_node(root, resource_path).operations.append(lowered)
    _check_method_resource_clashes(ctx, seen_methods)
    return root.children


def iter_operations(ctx: LowerContext) -> Iterator[SpecOperation]:
    """Every operation of `paths` in spec order; a path item or operation that is not a mapping is reported."""
    paths = ctx.doc.get("paths") or {}
    for path, item in paths.items():
        where = ctx.origin(item, ctx.top.child("paths", path))
        if not isinstance(item, dict):
            ctx.problems.error(
                "a path item must be a mapping",
                where,
                "map HTTP methods to operations: `get: {responses: {'200': {description: OK}}}`",
            )
            continue
        shared = item.get("parameters") or []
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            op_where = ctx.origin(operation, where.child(method))
            if not isinstance(operation, dict):
                ctx.problems.error(
                    "an operation must be a mapping", op_where, "write `responses: {'200': {description: OK}}` under it"
                )
                continue
            yield SpecOperation(str(path), method, operation, shared if isinstance(shared, list) else [], op_where)


def _check_method_resource_clashes(ctx: LowerContext, seen_methods: dict[tuple[tuple[str, ...], str], Origin]) -> None:
    """A method and a sub-resource would be one attribute (`files.upload()` and `files.upload.go()`)."""
    resource_paths = {path[:depth] for path, _ in seen_methods for depth in range(1, len(path) + 1)}
    for (resource_path, name), where in seen_methods.items():
        if (*resource_path, name) in resource_paths:
            dotted = ".".join((*resource_path, name))
            ctx.problems.error(
                f"the method `{dotted}()` has the name of the resource `{dotted}`",
                where,
                "give the operation another `x-method`, or the other operations another `x-resource`",
            )


def _resource_node(root: Resource, path: tuple[str, ...]) -> Resource:
    node = root
    for depth, part in enumerate(path, start=1):
        for child in node.children:
            if child.attr_name == part:
                node = child
                break
        else:
            child = Resource(
                attr_name=part,
                class_name="".join(pascal(p) for p in path[:depth]) + "Resource",
                path=path[:depth],
            )
            node.children.append(child)
            node = child
    return node


def _resource_path(ctx: LowerContext, path: str, operation: dict[str, Any], where: Origin) -> tuple[str, ...]:
    """`x-resource` split at dots, else the first tag, else the first meaningful path segment."""
    declared = operation.get("x-resource")
    if isinstance(declared, str):
        names = declared.split(".")
    else:
        tags = operation.get("tags")
        if isinstance(tags, list) and tags and isinstance(tags[0], str):
            names = [tags[0]]
        else:
            segments = [s for s in path.split("/") if s and not s.startswith("{")]
            meaningful = [s for s in segments if not re.fullmatch(r"api|v\d+", s)]
            names = [meaningful[0] if meaningful else "default"]
    # A top-level resource is an attribute of the client, beside its own (`close`, `timeout`).
    parts = tuple(
        safe_identifier(snake(name), CLIENT_ATTRIBUTES if depth == 0 else _RESOURCE_ATTRIBUTES)
        for depth, name in enumerate(names)
    )
    if any(not p for p in parts):
        ctx.problems.error(
            "the resource name is empty after cleaning",
            where.child("x-resource" if isinstance(declared, str) else "tags"),
            "use letters in `x-resource` or the first tag",
        )
        return ()
    return parts


def _method_name(ctx: LowerContext, path: str, method: str, operation: dict[str, Any], where: Origin) -> str:
    """`x-method`, else one made from the operationId, else from the HTTP method and path."""
    declared = operation.get("x-method")
    if isinstance(declared, str):
        name, source = snake(declared), "x-method"
    elif isinstance(operation.get("operationId"), str):
        name = method_name_from_operation_id(operation["operationId"], path, method)
        source = "operationId"
    else:
        name, source = snake(f"{method} {path}"), "path"
    if not name:
        ctx.problems.error(
            f"the method name is empty after cleaning {source}", where.child(source), "use letters in it"
        )
        return ""
    return safe_identifier(name, frozenset({"with_raw_response", "with_streaming_response", "with_options"}))
