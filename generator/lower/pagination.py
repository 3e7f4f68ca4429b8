"""An operation's `x-pagination` -> the `Pagination` its method's pager follows. Each style is declared by
a few keys; every field path is checked against the response schema and every parameter against the
operation, with an error at the key that is wrong. Without `x-pagination`, the common styles are
recognised from the operation (`page_inference.py`); `x-pagination: false` turns that off."""

from __future__ import annotations

from typing import Any

from ..errors import Origin
from ..ir import PAGINATION_STYLES, Pagination, Parameter, Response
from ..resolver import UNRESOLVED
from .context import LowerContext
from .field_paths import json_types, properties, walk
from .page_inference import infer_pagination
from .typemap import ref_name

# The keys each style takes; the required ones first.
_STOPS = ("has-more", "is-last")  # any style: the page says it is the last one
STYLE_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "offset": (("offset-param",), ("items", "limit-param", "next-token", "total", *_STOPS)),
    "cursor": (
        ("token-param",),
        (
            "next-token",
            "item-token",
            "reverse-param",
            "offset-param",
            "total",
            "items",
            "token-in",
            "limit-param",
            *_STOPS,
        ),
    ),
    "page": (("page-param",), ("items", "first-page", "limit-param", "total", "total-pages", *_STOPS)),
    "next-url": (("next-url",), ("items", *_STOPS)),
    "link-header": ((), ("items", *_STOPS)),
    "single": ((), ("items",)),  # one page is the whole listing (OpenAI's models)
}
# What a field path may hold: the JSON types it must allow, and how to say so.
_FIELD_TYPES = {
    "next-token": ({"string", "integer"}, "a string or an integer"),
    "total": ({"integer", "number"}, "a number"),
    "total-pages": ({"integer", "number"}, "a number"),
    "next-url": ({"string"}, "a string"),
    "has-more": ({"boolean"}, "a boolean"),
    "is-last": ({"boolean"}, "a boolean"),
}
_HINT = "see README: Pagination is declared"
# Every key a style takes: one outside these is left to the placement check, which warns it is not read.
PAGINATION_KEYS = frozenset({"style"}).union(*(required + optional for required, optional in STYLE_KEYS.values()))


class _Declaration:
    """One `x-pagination` mapping being read: its values, where they stand, and the problems found."""

    def __init__(self, ctx: LowerContext, declared: dict[str, Any], where: Origin, response: Response) -> None:
        self.ctx = ctx
        self.declared = declared
        self.where = where
        self.response = response
        self.ok = True

    def error(self, key: str | None, message: str, hint: str = _HINT) -> None:
        self.ok = False
        self.ctx.problems.error(message, self.where.child(key) if key else self.where, hint)

    def path(self, key: str) -> tuple[str, ...] | None:
        """A field path as declared: `meta.next` or a list of property names (for names holding a dot)."""
        value = self.declared.get(key)
        if isinstance(value, str) and value and all(value.split(".")):
            return tuple(value.split("."))
        if isinstance(value, list) and value and all(isinstance(step, str) and step for step in value):
            return tuple(value)
        self.error(key, f"`x-pagination.{key}` must be a field path such as `next` or `meta.next`")
        return None

    def field(self, key: str) -> tuple[str, ...]:
        """A field path of the response that must lead to a value of the key's JSON type; () when absent."""
        if key not in self.declared:
            return ()
        path = self.path(key)
        if path is None:
            return ()
        walked = walk(self.ctx.schemas, self.response.schema, path)
        if walked.schema is None:
            self.error(
                key,
                f"`x-pagination.{key}` ({'.'.join(path)}) names no property of the response: "
                f"{walked.missing!r} is not one",
                "properties there: " + (", ".join(walked.known) or "none"),
            )
            return ()
        kinds = json_types(self.ctx.schemas, walked.schema)
        allowed, wanted = _FIELD_TYPES[key]
        if kinds and not kinds & allowed:
            self.error(key, f"`x-pagination.{key}` ({'.'.join(path)}) must be {wanted}, not {'/'.join(sorted(kinds))}")
        return path

    def query_param(self, key: str, wire_params: set[str]) -> str | None:
        if key not in self.declared:
            return None
        value = self.declared[key]
        if value not in wire_params:
            self.error(
                key,
                f"`x-pagination.{key}` ({value!r}) is not a query parameter of the operation",
                "query parameters: " + (", ".join(sorted(wire_params)) or "none"),
            )
            return None
        return str(value)


def pagination(
    ctx: LowerContext,
    operation: dict[str, Any],
    method: str,
    where: Origin,
    response: Response,
    parameters: tuple[Parameter, ...],
) -> Pagination | None:
    """The operation's pagination: as `x-pagination` declares it, else as recognised from the
    operation (`x-pagination: false`: none)."""
    raw = operation.get("x-pagination")
    if raw is False:
        return None
    if raw is None:
        return infer_pagination(ctx, operation, method, where, response, parameters)
    p_where = ctx.origin(raw, where.child("x-pagination"))
    style = raw.get("style") if isinstance(raw, dict) else None
    if not isinstance(raw, dict) or style not in STYLE_KEYS:
        ctx.problems.error(
            "`x-pagination` must be a mapping with a `style`: " + ", ".join(PAGINATION_STYLES),
            p_where.child("style") if isinstance(raw, dict) and "style" in raw else p_where,
            _HINT,
        )
        return None
    target = ref_name(response.schema) if isinstance(response.schema, dict) else None
    if target is not None and UNRESOLVED in ctx.schemas.get(target, {}):
        return None  # its broken $ref is reported already
    required, optional = STYLE_KEYS[style]
    known = {key: value for key, value in raw.items() if key in required + optional}
    declaration = _Declaration(ctx, known, p_where, response)
    for key in raw:
        if key in PAGINATION_KEYS and key != "style" and key not in known:
            declaration.error(
                str(key),
                f"`x-pagination` of style {style} has no key {key!r}",
                "its keys: " + ", ".join((*required, *optional)),
            )
    for key in required:
        if key not in raw:
            declaration.error(None, f"`x-pagination` of style {style} needs `{key}`", _HINT)
    if style == "cursor" and "next-token" not in raw and "item-token" not in raw:
        declaration.error(None, "`x-pagination` of style cursor needs `next-token` or `item-token`", _HINT)
    if response.kind != "json" or response.schema is None:
        declaration.error(None, "a paginated operation must answer with one JSON schema (an object or an array)")
        return None
    items, item_schema = _items(declaration)
    wire_params = {p.wire_name for p in parameters if p.location == "query"}
    param = _param(declaration, style, wire_params, operation)
    found = Pagination(
        style=style,
        items=items,
        item_annotation=ctx.types.annotation(item_schema),
        param=param,
        param_in="body" if known.get("token-in") == "body" else "query",
        next=declaration.field("next-url") or declaration.field("next-token"),
        total=declaration.field("total"),
        total_pages=declaration.field("total-pages"),
        limit_param=declaration.query_param("limit-param", wire_params),
        first_page=_first_page(declaration),
        has_more=declaration.field("has-more"),
        is_last=declaration.field("is-last"),
        item_token=_item_token(declaration, item_schema),
        reverse_param=declaration.query_param("reverse-param", wire_params),
        offset_param=declaration.query_param("offset-param", wire_params) if style == "cursor" else None,
    )
    return found if declaration.ok else None


def _items(declaration: _Declaration) -> tuple[tuple[str, ...], Any]:
    """The path of the page's list and the schema of one item; the path is () when the body is the list."""
    schemas, response = declaration.ctx.schemas, declaration.response
    root_kinds = json_types(schemas, response.schema)
    if "items" not in declaration.declared:
        if root_kinds == {"array"}:
            return (), walk(schemas, response.schema, ()).schema_items()
        declaration.error(None, "`x-pagination` needs `items`: the path of the page's list in the response")
        return (), None
    path = declaration.path("items")
    if path is None:
        return (), None
    walked = walk(schemas, response.schema, path)
    if walked.schema is None:
        declaration.error(
            "items",
            f"`x-pagination.items` ({'.'.join(path)}) names no property of the response: {walked.missing!r} is not one",
            "properties there: " + (", ".join(walked.known) or "none"),
        )
        return (), None
    if json_types(schemas, walked.schema) != {"array"}:
        declaration.error("items", f"`x-pagination.items` ({'.'.join(path)}) must be an array")
        return (), None
    return path, walked.schema_items()


def _param(declaration: _Declaration, style: str, wire_params: set[str], operation: dict[str, Any]) -> str | None:
    """The parameter the style advances: a query parameter, or for a cursor in the body a body field."""
    key = {"offset": "offset-param", "page": "page-param", "cursor": "token-param"}.get(style)
    if key is None:
        return None
    where_token = declaration.declared.get("token-in", "query")
    if where_token not in ("query", "body"):
        declaration.error("token-in", "`x-pagination.token-in` must be `query` or `body`")
        return None
    if style != "cursor" or where_token == "query":
        return declaration.query_param(key, wire_params)
    fields = _body_fields(declaration.ctx, operation)
    value = declaration.declared.get(key)
    if fields is None:
        declaration.error(key, "`x-pagination.token-in: body` needs a JSON object request body")
        return None
    if value not in fields:
        declaration.error(
            key,
            f"`x-pagination.{key}` ({value!r}) is not a property of the request body",
            "properties: " + (", ".join(fields) or "none"),
        )
        return None
    return str(value)


def _body_fields(ctx: LowerContext, operation: dict[str, Any]) -> list[str] | None:
    """The top-level properties of the operation's JSON request body; None without one."""
    body = operation.get("requestBody")
    content = body.get("content") if isinstance(body, dict) else None
    if not isinstance(content, dict):
        return None
    media = next((m for t, m in content.items() if "json" in str(t) and isinstance(m, dict)), None)
    if media is None or "object" not in json_types(ctx.schemas, ctx.rename_refs(media.get("schema"))):
        return None
    return list(properties(ctx.schemas, ctx.rename_refs(media.get("schema"))))


def _item_token(declaration: _Declaration, item_schema: Any) -> tuple[str, ...]:
    """`item-token`: a field path into one item (its `id`), whose value on the last item is the cursor."""
    if "item-token" not in declaration.declared:
        return ()
    path = declaration.path("item-token")
    if path is None:
        return ()
    walked = walk(declaration.ctx.schemas, item_schema, path)
    if walked.schema is None:
        declaration.error(
            "item-token",
            f"`x-pagination.item-token` ({'.'.join(path)}) names no property of an item: {walked.missing!r} is not one",
            "properties there: " + (", ".join(walked.known) or "none"),
        )
        return ()
    return path


def _first_page(declaration: _Declaration) -> int:
    value = declaration.declared.get("first-page", 1)
    if isinstance(value, bool) or not isinstance(value, int):
        declaration.error("first-page", "`x-pagination.first-page` must be an integer (the number of the first page)")
        return 1
    return value
