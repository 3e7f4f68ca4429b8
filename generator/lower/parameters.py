"""An operation's parameters, merged with those its path item shares -> the method's `Parameter`s:
Python names, annotations and wire styles, path parameters in template order."""

from __future__ import annotations

import re
from typing import Any

from ..errors import Origin, flow_scalar
from ..ir import Parameter
from ..naming import RESERVED_PARAMETERS, pascal, safe_identifier, snake
from ..resolver import UNRESOLVED
from .content import media_types
from .context import LowerContext
from .typemap import union

_PATH_TEMPLATE = re.compile(r"\{([^{}]*)\}")
# RFC 9110 `token`: what a header (and a cookie) name may hold; anything else cannot be sent.
HTTP_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_LOCATIONS = ("path", "query", "header", "cookie")
_PARAMETER_HINT = (
    "write it as `- {name: id, in: query, schema: {type: string}}` or `- $ref: '#/components/parameters/Id'`"
)

Merged = dict[tuple[str, str], tuple[dict[str, Any], Origin]]  # (name, in) -> (parameter, where)


def lower_parameters(
    ctx: LowerContext, path: str, shared: list[Any], own: Any, where: Origin, method_name: str, *, body: bool = False
) -> tuple[Parameter, ...]:
    """The parameters of the operation at `where`; `body` reserves the name `body` for its request body."""
    merged = _merge(ctx, shared, own, where)
    template_names = _PATH_TEMPLATE.findall(path)
    result: list[Parameter] = []
    reserved = RESERVED_PARAMETERS | ({"body"} if body else set())
    used = set(reserved)
    for (wire, location), (raw, p_where) in merged.items():
        if location == "querystring" and ctx.version >= (3, 2):
            if not _form_querystring(ctx, wire, raw, p_where):
                continue
            # The whole query string as one object: its properties are the query's fields.
            location = "query"
        elif location not in _LOCATIONS:
            ctx.problems.error(
                f"parameter {wire!r} has unknown location `in: {location}`",
                p_where.child("in"),
                "use path, query, header or cookie",
            )
            continue
        if "schema" not in raw and "content" not in raw:
            ctx.problems.error(
                f"parameter {wire!r} has neither `schema` nor `content`",
                p_where,
                "add a `schema`, e.g. `schema: {type: string}`",
            )
            continue
        if location in ("header", "cookie") and not HTTP_TOKEN.fullmatch(wire):
            ctx.problems.error(
                f"{location} parameter name {wire!r} is not a valid HTTP token",
                p_where.child("name"),
                "use letters, digits and !#$%&'*+-.^_`|~ only (no spaces, colons or quotes)",
            )
            continue
        schema = _schema_of(ctx, raw, p_where)
        ctx.checker.check(schema, p_where.child("schema"))
        # An inline object in the query becomes a model (`search` + `filter` -> `SearchFilter`),
        # and a plain mapping is accepted too; other inline schemas (enums) stay literal types.
        inline_object = (
            location == "query"
            and isinstance(schema, dict)
            and "enum" not in schema
            and ctx.normalizer.hoistable(schema)
        )
        hoist_as = pascal(method_name) + pascal(wire) if inline_object else ""
        schema = ctx.local_schema(schema, hoist_as)
        required = raw.get("required") is True
        if location == "path":
            if wire not in template_names:
                ctx.problems.error(
                    f"path parameter {wire!r} is not in the path template {path!r}",
                    p_where.child("name"),
                    "rename the parameter or add {" + wire + "} to the path",
                )
                continue
            if not required:
                ctx.problems.warning(
                    f"path parameter {wire!r} is not marked `required: true`; taken as required, as every path"
                    " parameter is",
                    p_where.child("required") if "required" in raw else p_where,
                    "add `required: true`",
                )
                required = True
        py_name = safe_identifier(snake(wire), reserved)
        if not py_name:
            ctx.problems.error(
                f"parameter name {wire!r} is empty after cleaning",
                p_where.child("name"),
                "use letters in it",
            )
            continue
        if py_name in used:  # the same name in another location: `version` and `header_version`
            base = py_name = f"{location}_{snake(wire)}"
            n = 2
            while py_name in used:
                py_name, n = f"{base}_{n}", n + 1
        used.add(py_name)
        annotation = ctx.types.annotation(schema, accept_literals=True)
        if inline_object:
            annotation = union([annotation, "Mapping[str, Any]"])
        result.append(
            Parameter(
                wire_name=wire,
                py_name=py_name,
                location=location,  # type: ignore[arg-type]
                required=required,
                annotation=annotation,
                description=str(raw.get("description") or ""),
                nullable=ctx.types.nullable(schema),
                style=str(raw.get("style") or ("form" if location in ("query", "cookie") else "simple")),
                explode=raw.get("explode", location in ("query", "cookie")) is not False,
                enum_values=ctx.types.enum_values(schema),
                schema_type=ctx.types.json_type(schema),
                deprecated=raw.get("deprecated") is True,
                schema=schema,
            )
        )
    _check_template_declared(ctx, path, template_names, merged, result, where)
    # Path parameters keep the order of the template; the rest keep spec order.
    path_params = sorted((p for p in result if p.location == "path"), key=lambda p: template_names.index(p.wire_name))
    return tuple(path_params + [p for p in result if p.location != "path"])


def _form_querystring(ctx: LowerContext, wire: str, raw: dict[str, Any], where: Origin) -> bool:
    """Whether an `in: querystring` parameter (OpenAPI 3.2) is a form: its fields are sent as the query.
    Another media type (the query string as JSON, say) is reported and the parameter left out."""
    content = raw.get("content")
    media = list(media_types(ctx, content, where.child("content"))) if isinstance(content, dict) else []
    if media and media[0] == "application/x-www-form-urlencoded":
        return True
    ctx.problems.warning(
        f"querystring parameter {wire!r} is not `application/x-www-form-urlencoded` content; left out of the method",
        where.child("content") if media else where,
        "describe the query string as a form (`content: {application/x-www-form-urlencoded: {schema: ...}}`),"
        " or pass it with `extra_query`",
    )
    return False


def _merge(ctx: LowerContext, shared: list[Any], own: Any, where: Origin) -> Merged:
    """The path item's parameters overridden by the operation's own (same name and location)."""
    merged: Merged = {}
    for raw in shared:
        if isinstance(raw, dict) and UNRESOLVED not in raw:
            merged[(str(raw.get("name")), str(raw.get("in")))] = (raw, ctx.origin(raw, where))
        elif not isinstance(raw, dict) and id(shared) not in ctx.reported:
            ctx.reported.add(id(shared))  # once for the path item, not once per operation
            item = Origin(where.file, where.pointer.rsplit("/", 1)[0])  # the operation's path item
            ctx.problems.error("a parameter must be a mapping", item.child("parameters"), _PARAMETER_HINT)
    if not isinstance(own, list):
        ctx.problems.error("`parameters` must be a list", where.child("parameters"), _PARAMETER_HINT)
        own = []
    for index, raw in enumerate(own):
        p_where = ctx.origin(raw, where.child("parameters", index))
        if isinstance(raw, dict) and UNRESOLVED in raw:
            continue  # its broken $ref is reported already
        if not isinstance(raw, dict):
            ctx.problems.error("a parameter must be a mapping", p_where, _PARAMETER_HINT)
            continue
        merged[(str(raw.get("name")), str(raw.get("in")))] = (raw, p_where)
    return merged


def _schema_of(ctx: LowerContext, raw: dict[str, Any], where: Origin) -> Any:
    """The parameter's `schema`, else the schema of the first media type of its `content`."""
    schema = raw.get("schema")
    if schema is None:
        content = raw.get("content")
        if isinstance(content, dict):
            content = media_types(ctx, content, where.child("content"))
        first: Any = next(iter(content.values()), {}) if isinstance(content, dict) and content else {}
        schema = first.get("schema") if isinstance(first, dict) else {}
    return schema


def _check_template_declared(
    ctx: LowerContext,
    path: str,
    template_names: list[str],
    merged: Merged,
    result: list[Parameter],
    where: Origin,
) -> None:
    """Every `{name}` of the path template has a path parameter."""
    declared_path = {p.wire_name for p in result if p.location == "path"}
    for missing in template_names:
        if missing not in declared_path and not any(w == missing and loc == "path" for (w, loc) in merged):
            ctx.problems.error(
                f"path template {path!r} has {{{missing}}} but no path parameter {missing!r} is declared",
                where.child("parameters"),
                f"add `- {{name: {flow_scalar(missing)}, in: path, required: true, schema: {{type: string}}}}`",
            )
