"""One operation as the spec writes it, with its resource path and method name decided -> the IR's
`Operation`, assembled from its parameters, body, responses, pagination and security."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..errors import Origin
from ..ir import Operation, SecurityScheme
from .bodies import request_body
from .context import LowerContext
from .mcp import mcp_tool
from .pagination import pagination
from .parameters import lower_parameters
from .polling import waits
from .responses import error_models, success_response
from .security import requirement_scopes, requirements
from .servers import operation_server
from .streams import stream_choice

# QUERY (OpenAPI 3.2) is safe and idempotent like GET; a custom method (`additionalOperations`) is not known to be.
IDEMPOTENT_METHODS = frozenset({"get", "put", "delete", "options", "head", "trace", "query"})


@dataclass(frozen=True)
class SpecOperation:
    """An operation object where it stands in `paths`, with the parameters its path item shares."""

    path: str
    method: str  # lower case, as a path item key
    operation: dict[str, Any]
    shared_parameters: list[Any]
    where: Origin
    http_method: str = ""  # as sent: upper case, or a custom method as `additionalOperations` spells it
    path_servers: Any = None  # the `servers` of its path item


def lower_operation(
    ctx: LowerContext,
    schemes: tuple[SecurityScheme, ...],
    found: SpecOperation,
    resource_path: tuple[str, ...],
    name: str,
    models_prefix: str = "",
) -> Operation:
    """`models_prefix` names the models hoisted from the operation (`CreateNoteBody`): the method
    name before the resource's words were taken out of it, so models of two resources' `create` differ."""
    prefix = models_prefix or name
    path, method, operation, where = found.path, found.method, found.operation, found.where
    # The order matters: inline schemas are hoisted, and problems reported, in this order.
    parameters = lower_parameters(
        ctx,
        path,
        found.shared_parameters,
        operation.get("parameters") or [],
        where,
        prefix,
        body="requestBody" in operation,
    )
    response = success_response(ctx, operation, where, prefix)
    errors = error_models(ctx, operation, prefix)
    paged = pagination(ctx, operation, method, where, response, parameters)
    body = request_body(ctx, operation, where, prefix, taken=(p.py_name for p in parameters))
    security = requirements(ctx, schemes, operation.get("security"), where.child("security"))
    idempotent = operation.get("x-idempotent")
    # A plain body or a stream, by the caller's choice.
    choice = stream_choice(ctx, parameters, body) if response.stream and response.kind != "stream" else None
    if choice is not None and choice.body_property and body is not None and body.expanded:
        # The choice's keyword carries the body's `stream`: no keyword of its own as a field.
        body = replace(body, fields=tuple(f for f in body.fields if f.wire_name != choice.body_property))
    endpoint_name = "_" + name.upper().strip("_")
    polled = waits(ctx, operation, where, response, parameters, body, endpoint_name)
    return Operation(
        operation_id=str(operation.get("operationId") or name),
        method_name=name,
        http_method=found.http_method or method.upper(),
        path=path,
        summary=str(operation.get("summary") or ""),
        description=str(operation.get("description") or ""),
        deprecated=operation.get("deprecated") is True,
        idempotent=idempotent
        if isinstance(idempotent, bool)
        else method in IDEMPOTENT_METHODS and found.http_method in ("", method.upper()),
        parameters=parameters,
        body=body,
        response=response,
        error_models=errors,
        pagination=paged,
        endpoint_name=endpoint_name,
        resource_path=resource_path,
        security=security,
        scopes=requirement_scopes(operation.get("security"), schemes),
        stream_choice=choice,
        waits=polled,
        mcp=mcp_tool(ctx, operation, where),
        server=operation_server(ctx, operation, found.path_servers, where),
    )
