"""An operation's `x-pagination` -> the `Pagination` its method's pager follows, checked against the
page model's properties and the operation's query parameters."""

from __future__ import annotations

from typing import Any

from ..errors import Origin
from ..ir import Pagination, Parameter, Response
from ..naming import safe_identifier
from ..resolver import UNRESOLVED
from .context import LowerContext


def pagination(
    ctx: LowerContext,
    operation: dict[str, Any],
    where: Origin,
    response: Response,
    parameters: tuple[Parameter, ...],
) -> Pagination | None:
    declared = operation.get("x-pagination")
    if declared is None:
        return None
    p_where = ctx.origin(declared, where.child("x-pagination"))
    if not isinstance(declared, dict) or declared.get("style") != "offset":
        ctx.problems.error("`x-pagination` must be a mapping with `style: offset`", p_where, "see README: Pagination")
        return None
    page_model = response.model
    if page_model is not None and UNRESOLVED in ctx.schemas[page_model]:
        return None  # its broken $ref is reported already
    if page_model is None:
        ctx.problems.error(
            "a paginated operation must return an object schema",
            p_where,
            "answer 200 with an object holding the page's list under the key `x-pagination` names in `items`",
        )
        return None
    properties = ctx.schemas[page_model].get("properties") or {}
    wire_params = {p.wire_name for p in parameters if p.location == "query"}

    def field(key: str, required: bool) -> str | None:
        value = declared.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or value not in properties:
            ctx.problems.error(
                f"`x-pagination.{key}` must name a property of {page_model}",
                p_where.child(key),
                "properties: " + ", ".join(properties),
            )
            return None
        return safe_identifier(value, frozenset({"model_config", "json", "copy", "schema"}))

    def param(key: str, required: bool) -> str | None:
        value = declared.get(key)
        if value is None and not required:
            return None
        if value not in wire_params:
            ctx.problems.error(
                f"`x-pagination.{key}` must name a query parameter of the operation",
                p_where.child(key),
                "query parameters: " + ", ".join(sorted(wire_params)),
            )
            return None
        return str(value)

    items = field("items", True)
    offset = param("offset-param", True)
    if items is None or offset is None:
        return None
    item_schema = properties[declared["items"]].get("items")
    return Pagination(
        style="offset",
        items=items,
        next_token=field("next-token", False),
        total=field("total", False),
        offset_param=offset,
        limit_param=param("limit-param", False),
        item_annotation=ctx.types.annotation(item_schema),
        page_model=page_model,
    )
