"""`servers` on a path item or an operation -> the `Server` the operation is sent to, when it is not
the API's own (the client's base URL). The first server listed is the one used, as at the top level."""

from __future__ import annotations

import re
from typing import Any

from ..errors import Origin
from ..ir import Server
from .context import LowerContext

_VARIABLE = re.compile(r"\{([^{}]+)\}")


def operation_server(ctx: LowerContext, operation: dict[str, Any], path_servers: Any, where: Origin) -> Server | None:
    """The operation's own `servers`, else its path item's; None when neither names a server, or
    when the one named is the API's first server (the client's base URL)."""
    servers, at = operation.get("servers"), where.child("servers")
    if servers is None:
        servers, at = path_servers, ctx.origin(path_servers, at)
    if servers is None or servers == []:
        return None
    first = servers[0] if isinstance(servers, list) else None
    if not isinstance(first, dict) or not isinstance(first.get("url"), str):
        ctx.problems.warning(
            "`servers` must be a list of server objects with a `url`; the API's server is used",
            at,
            "write `servers: [{url: 'https://upload.example.com'}]`",
        )
        return None
    url = first["url"]
    top = ctx.doc.get("servers")
    if isinstance(top, list) and top and isinstance(top[0], dict) and top[0] == first:
        return None
    declared: dict[str, Any] = first["variables"] if isinstance(first.get("variables"), dict) else {}
    variables: list[tuple[str, str]] = []
    for name in _VARIABLE.findall(url):
        variable = declared.get(name)
        if isinstance(variable, dict) and "default" in variable:
            variables.append((name, str(variable["default"])))
        else:
            ctx.problems.warning(
                f"the server variable `{name}` of {url} has no default: the caller must give it",
                ctx.origin(first, at),
                f"declare `variables: {{{name}: {{default: ...}}}}`, or pass `server_variables=` to the client",
            )
    return Server(url, tuple(variables), str(first.get("description") or ""))
