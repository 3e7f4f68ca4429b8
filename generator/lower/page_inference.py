"""Pagination recognised from the operation itself, where it declares no `x-pagination`: the common
styles of list endpoints, read from a GET operation's query parameters, its JSON response's properties
and its declared headers. Takes the operation and its lowered parameters and response; gives the
`Pagination` its method's pager follows (marked `inferred`) and a located note saying what was
recognised, or None when nothing was (the method then returns the body as it is)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from ..errors import Origin
from ..ir import Pagination, Parameter, Response
from .context import LowerContext
from .field_paths import json_types, properties, resolved, walk

# The names of a page's list, when the response has more than one array.
_ITEM_LISTS = ("data", "items", "entries", "results", "records", "values", "elements", "objects", "list")
# A cursor taken from the last item's `id`, and the one taken from the first, paging the other way.
_FORWARD = ("after", "starting_after")
_BACKWARD = ("before", "ending_before")
# A token of the next page in the body, and the query parameter it goes back as.
_TOKENS = ("next_marker", "next_cursor", "nextCursor", "next_page_token", "nextPageToken", "next_token", "next_page")
_TOKEN_PARAMS = ("marker", "cursor", "page_token", "pageToken", "next_token", "page")
# Objects a token or a next URL may stand in, one level down (`meta.next_cursor`, `links.next`).
_WRAPPERS = ("meta", "pagination", "paging", "response_metadata", "links", "_links", "cursor")
_NEXT_URLS = ("next", "next_page_url", "nextPageUrl", "next_url")
_TOTALS = ("total", "total_count", "totalCount", "total_size", "total_results", "totalResults", "total_items")
_TOTAL_PAGES = ("total_pages", "totalPages", "page_count", "pageCount")
_PAGE_SIZES = ("per_page", "page_size", "pageSize", "perPage")
_LIMITS = ("limit", "page_size", "per_page", "pageSize", "perPage")
# Booleans of the body saying whether this page is the last one.
_MORE = ("has_more", "hasMore")
_LAST = ("is_last", "isLast", "last_page")


class _Shape:
    """What an operation offers to page by: its query parameters and its response's fields."""

    def __init__(self, ctx: LowerContext, response: Response, parameters: tuple[Parameter, ...]) -> None:
        self.ctx = ctx
        self.schema = response.schema
        self.params = {p.wire_name: p for p in parameters if p.location == "query"}
        self.fields = properties(ctx.schemas, response.schema)

    def kinds(self, path: tuple[str, ...]) -> set[str]:
        walked = walk(self.ctx.schemas, self.schema, path)
        return json_types(self.ctx.schemas, walked.schema) if walked.schema is not None else set()

    def param(self, names: Iterable[str], kinds: set[str] | None = None) -> str | None:
        """The first of `names` that is a query parameter (of one of `kinds` of JSON type, when given)."""
        for name in names:
            if name in self.params and (kinds is None or self.params[name].schema_type in kinds):
                return name
        return None

    def field(self, names: Iterable[str], kinds: set[str], nested: bool = False) -> tuple[str, ...]:
        """The path of the first of `names` holding one of `kinds` (a top-level property, else one
        inside a wrapper object such as `meta` or `links` when `nested`); () when none."""
        wanted = tuple(names)
        for name in wanted:
            if name in self.fields and self.kinds((name,)) & kinds:
                return (name,)
        for wrapper in _WRAPPERS if nested else ():
            if wrapper in self.fields and "object" in self.kinds((wrapper,)):
                inner = properties(self.ctx.schemas, self.fields[wrapper])
                for name in wanted:
                    if name in inner and self.kinds((wrapper, name)) & kinds:
                        return (wrapper, name)
        return ()

    def is_url(self, path: tuple[str, ...]) -> bool:
        """Whether the string at `path` says it is a URL (by its format or its description)."""
        walked = walk(self.ctx.schemas, self.schema, path).schema or {}
        described = str(walked.get("description") or "").lower()
        return walked.get("format") in ("uri", "url", "uri-reference") or "url" in described or "link" in described

    def items(self) -> tuple[tuple[str, ...], Any] | None:
        """The page's list: the response's only array property, else the one named as lists are."""
        arrays = [name for name in self.fields if self.kinds((name,)) == {"array"}]
        chosen = arrays[0] if len(arrays) == 1 else next((n for n in _ITEM_LISTS if n in arrays), None)
        if chosen is None:
            return None
        return (chosen,), walk(self.ctx.schemas, self.schema, (chosen,)).schema_items()

    def says_list(self) -> bool:
        """Whether the body says it is a list (`object: list`, OpenAI's and Stripe's lists)."""
        if "object" not in self.fields:
            return False
        marker = walk(self.ctx.schemas, self.schema, ("object",)).schema or {}
        return marker.get("const") == "list" or marker.get("enum") == ["list"]

    def has_id(self, item: Any) -> bool:
        """Whether every item has an `id` (each member of a union of items too)."""
        current = resolved(self.ctx.schemas, item)
        variants = current.get("oneOf") or current.get("anyOf")
        if isinstance(variants, list) and variants and "properties" not in current:
            return all(self.has_id(v) for v in variants if not (isinstance(v, dict) and v.get("type") == "null"))
        return "id" in properties(self.ctx.schemas, current)


def infer_pagination(
    ctx: LowerContext,
    operation: dict[str, Any],
    method: str,
    where: Origin,
    response: Response,
    parameters: tuple[Parameter, ...],
) -> Pagination | None:
    """The pagination of a GET list operation that declares none, with a located note saying how it
    pages; None when no style is recognised."""
    if method.lower() != "get" or response.kind != "json" or response.schema is None:
        return None
    shape = _Shape(ctx, response, parameters)
    found = _link_header(ctx, operation, shape) or _listed(shape)
    if found is None:
        return None
    ctx.problems.note(
        f"paginated by inference, as `x-pagination: {declaration(found)}`",
        where,
        "declare `x-pagination` to page otherwise, or `x-pagination: false` to return the body as it is",
    )
    return found


def _listed(shape: _Shape) -> Pagination | None:
    """A page with a list property, in the first style its fields and parameters fit."""
    listed = shape.items()
    if listed is None or not shape.fields:
        return None
    items, item = listed
    annotation = shape.ctx.types.annotation(item)
    more = shape.field(_MORE, {"boolean"})
    last = shape.field(_LAST, {"boolean"})
    base = Pagination("cursor", items, annotation, has_more=more, is_last=last, inferred=True)
    limit = shape.param(_LIMITS, {"integer", "number"})
    forward, backward = shape.param(_FORWARD), shape.param(_BACKWARD)
    if more and (forward or backward) and shape.has_id(item):
        return _with(base, param=forward, reverse_param=backward, item_token=("id",), limit_param=limit)
    token, token_param = shape.field(_TOKENS, {"string"}, nested=True), shape.param(_TOKEN_PARAMS, {"string"})
    total = shape.field(_TOTALS, {"integer", "number"}, nested=True)
    offset = shape.param(("offset",), {"integer", "number"})
    if token and token_param:
        # With an offset and a total too (Box's lists page by marker only when asked to), the offset
        # goes on when no token comes.
        both = {"offset_param": offset, "total": total} if offset and total else {}
        return _with(base, param=token_param, next=token, limit_param=limit, **both)
    next_url = shape.field(_NEXT_URLS, {"string"}, nested=True)
    if next_url and not shape.is_url(next_url) and (forward or token_param):
        # A `next` that is a cursor, not a URL (`Cursor to fetch the next page`): sent back as `after`.
        return _with(base, param=forward or token_param, next=next_url, limit_param=limit)
    if next_url:
        return _with(base, style="next-url", next=next_url)
    if offset and total:
        return _with(base, style="offset", param=offset, total=total, limit_param=limit)
    page, size = shape.param(("page",), {"integer", "number"}), shape.param(_PAGE_SIZES, {"integer", "number"})
    if page and size:
        pages = shape.field(_TOTAL_PAGES, {"integer", "number"}, nested=True)
        return _with(base, style="page", param=page, total=total, total_pages=pages, limit_param=size)
    if shape.says_list():  # `object: list` and nothing to page by: one page is the whole listing
        return _with(base, style="single", has_more=(), is_last=())
    return None


def _link_header(ctx: LowerContext, operation: dict[str, Any], shape: _Shape) -> Pagination | None:
    """An RFC 8288 `Link` header declared on a 2xx response: the page is the root array, or the
    response's list."""
    responses = operation.get("responses")
    declared = False
    for code, answer in responses.items() if isinstance(responses, dict) else ():
        headers = answer.get("headers") if str(code).startswith("2") and isinstance(answer, dict) else None
        declared = declared or (isinstance(headers, dict) and any(str(h).lower() == "link" for h in headers))
    if not declared:
        return None
    if json_types(ctx.schemas, shape.schema) == {"array"}:
        item = walk(ctx.schemas, shape.schema, ()).schema_items()
        return Pagination("link-header", (), ctx.types.annotation(item), inferred=True)
    listed = shape.items()
    if listed is None:
        return None
    return Pagination("link-header", listed[0], ctx.types.annotation(listed[1]), inferred=True)


def _with(base: Pagination, **changes: Any) -> Pagination:
    return replace(base, **changes)


def declaration(found: Pagination) -> str:
    """The `x-pagination` that would declare `found`, as YAML flow: what the note shows."""
    keys: list[tuple[str, Any]] = [("style", found.style), ("items", ".".join(found.items) or None)]
    param_key = {"offset": "offset-param", "page": "page-param", "cursor": "token-param"}.get(found.style)
    keys += [(param_key or "", found.param), ("item-token", ".".join(found.item_token) or None)]
    keys += [("reverse-param", found.reverse_param)]
    keys += [("offset-param", found.offset_param if found.style == "cursor" else None)]
    keys += [("next-url" if found.style == "next-url" else "next-token", ".".join(found.next) or None)]
    keys += [("total", ".".join(found.total) or None), ("total-pages", ".".join(found.total_pages) or None)]
    keys += [("limit-param", found.limit_param), ("has-more", ".".join(found.has_more) or None)]
    keys += [("is-last", ".".join(found.is_last) or None)]
    return "{" + ", ".join(f"{key}: {value}" for key, value in keys if key and value) + "}"


__all__ = ["declaration", "infer_pagination"]
