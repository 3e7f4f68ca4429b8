"""`paths` -> the tree of resources the client exposes: each operation's resource path and method
name decided (operation_names.py; unique, clear of the client's own attributes), then lowered into
its node, in spec order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from ..errors import Origin
from ..ir import Operation, Resource, SecurityScheme
from ..naming import pascal, safe_identifier, snake
from .context import LowerContext
from .operation_names import CLIENT_ATTRIBUTES, name_operations
from .operations import SpecOperation, lower_operation

__all__ = ["CLIENT_ATTRIBUTES", "build_resources", "iter_operations"]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def build_resources(ctx: LowerContext, schemes: tuple[SecurityScheme, ...]) -> list[Resource]:
    """The top-level resources, each holding its operations and sub-resources in spec order."""
    root = Resource(attr_name="", class_name="", path=())
    seen_ids: dict[str, Origin] = {}
    seen_methods: dict[tuple[tuple[str, ...], str], Origin] = {}
    placed: dict[tuple[tuple[str, ...], str], SpecOperation] = {}
    found = list(iter_operations(ctx))
    for op, ((resource_path, name, declared), models_prefix) in zip(found, name_operations(ctx, found), strict=True):
        operation, where = op.operation, op.where
        operation_id = operation.get("operationId")
        if isinstance(operation_id, str):
            if operation_id in seen_ids:
                ctx.problems.error(
                    f"duplicate operationId {operation_id!r}",
                    where.child("operationId"),
                    f"it is also used at {seen_ids[operation_id].pointer}; operationIds must be unique",
                )
            seen_ids.setdefault(operation_id, where.child("operationId"))
        if not name or not resource_path:
            continue
        key = (resource_path, name)
        if key in seen_methods and not declared:
            # A derived name: fall back to the whole operationId, then to a number.
            fallback = snake(str(operation.get("operationId") or f"{op.method} {op.path}"))
            name, n = safe_identifier(fallback), 2
            while (resource_path, name) in seen_methods:
                name, n = f"{safe_identifier(fallback)}_{n}", n + 1
            key, models_prefix = (resource_path, name), name
        if key in seen_methods:
            ctx.problems.error(
                f"two operations would both be `{'.'.join(resource_path)}.{name}()`",
                where,
                f"the other is at {seen_methods[key].pointer}; give one of them another `x-method`",
            )
            continue
        seen_methods[key] = where
        placed[key] = op
        lowered = lower_operation(ctx, schemes, op, resource_path, name, models_prefix)
        _resource_node(root, resource_path).operations.append(lowered)
    _check_method_resource_clashes(ctx, seen_methods)
    _check_wait_clashes(ctx, _all(root), placed)
    for resource in _all(root):
        if any(op.method_name == "list" for op in resource.operations):
            resource.operations = [_builtin_lists(op) for op in resource.operations]
    return root.children


def _all(root: Resource) -> list[Resource]:
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.children)
    return found


_LIST = re.compile(r"(?<![\w.])list\[")


def _builtin_lists(op: Operation) -> Operation:
    """The annotations of `op` with `builtins.list`: in a resource class with a method `list`, a bare
    `list[...]` would name that method."""

    def fix(annotation: str) -> str:
        return _LIST.sub("builtins.list[", annotation)

    body = op.body
    if body is not None:
        fields = tuple(replace(f, annotation=fix(f.annotation)) for f in body.fields)
        body = replace(body, annotation=fix(body.annotation), fields=fields)
    response = replace(op.response, annotation=fix(op.response.annotation))
    if response.stream is not None:
        response = replace(
            response, stream=replace(response.stream, item_annotation=fix(response.stream.item_annotation))
        )
    return replace(
        op,
        parameters=tuple(replace(p, annotation=fix(p.annotation)) for p in op.parameters),
        body=body,
        response=response,
        pagination=replace(op.pagination, item_annotation=fix(op.pagination.item_annotation))
        if op.pagination is not None
        else None,
    )


def iter_operations(ctx: LowerContext) -> Iterator[SpecOperation]:
    """Every operation of `paths` in spec order (3.2: `query` and `additionalOperations` too); a path
    item or operation that is not a mapping is reported."""
    paths = ctx.doc.get("paths") or {}
    v32 = ctx.version >= (3, 2)
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
        methods: list[tuple[str, str, object, Origin]] = [
            (method, method.upper(), item.get(method), where.child(method))
            for method in (*HTTP_METHODS, "query")
            if method != "query" or v32
        ]
        extra = item.get("additionalOperations") if v32 else None
        if extra is not None and not isinstance(extra, dict):
            ctx.problems.error(
                "`additionalOperations` must be a mapping of HTTP methods",
                where.child("additionalOperations"),
                "map methods to operations: `additionalOperations: {LINK: {responses: {'204': {description: OK}}}}`",
            )
        for custom, operation in extra.items() if isinstance(extra, dict) else ():
            at = where.child("additionalOperations", str(custom))
            if str(custom).lower() in (*HTTP_METHODS, "query"):
                ctx.problems.warning(
                    f"`{custom}` in `additionalOperations` is a method with a field of its own",
                    at,
                    f"declare it as `{str(custom).lower()}:` on the path item",
                )
            methods.append((str(custom).lower(), str(custom), operation, at))
        for method, http_method, operation, op_where in methods:
            if operation is None:
                continue
            op_where = ctx.origin(operation, op_where)
            if not isinstance(operation, dict):
                ctx.problems.error(
                    "an operation must be a mapping", op_where, "write `responses: {'200': {description: OK}}` under it"
                )
                continue
            shared_list = shared if isinstance(shared, list) else []
            yield SpecOperation(str(path), method, operation, shared_list, op_where, http_method, item.get("servers"))


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


# What a resource class defines besides its methods: a wait may not take these names.
_RESOURCE_ATTRIBUTES = frozenset({"with_raw_response", "with_streaming_response"})


def _check_wait_clashes(
    ctx: LowerContext, resources: list[Resource], placed: dict[tuple[tuple[str, ...], str], SpecOperation]
) -> None:
    """A wait (`x-poll`) is a method of its operation's resource: its name must be free there."""
    for resource in resources:
        taken = {op.method_name: "a method" for op in resource.operations}
        taken |= {child.attr_name: "a sub-resource" for child in resource.children}
        taken |= dict.fromkeys(_RESOURCE_ATTRIBUTES, "an attribute of every resource")
        for op in resource.operations:
            found = placed[(op.resource_path, op.method_name)]
            for wait in op.waits:
                what = taken.get(wait.method_name)
                if what is None:
                    taken[wait.method_name] = "a wait"
                    continue
                dotted = ".".join((*resource.path, wait.method_name))
                ctx.problems.error(
                    f"the wait `{dotted}()` has the name of {what} of `{'.'.join(resource.path)}`",
                    _wait_name_origin(ctx, found, wait.method_name),
                    f"give the wait another `name`, such as `wait_for_{op.method_name}`",
                )


def _wait_name_origin(ctx: LowerContext, found: SpecOperation, name: str) -> Origin:
    """Where the wait `name` of an operation is named in its `x-poll` list."""
    declared = found.operation.get("x-poll")
    x_where = ctx.origin(declared, found.where.child("x-poll"))
    for index, entry in enumerate(declared if isinstance(declared, list) else []):
        if isinstance(entry, dict) and entry.get("name") == name:
            return ctx.origin(entry, x_where.child(index)).child("name")
    return x_where


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
