"""The MCP server over the client: `create_mcp_server(client)` gives an `mcp` SDK server offering one
tool per operation (or, above `DYNAMIC_ABOVE` tools or when asked, the three tools of the dynamic
mode: `list_operations`, `describe_operation`, `invoke_operation`), each call run by `_call` in a
worker thread. Needs the `mcp` extra."""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Callable, Sequence
from typing import Any

import anyio.to_thread

from .._runtime._base_client import SyncAPIClient
from .._runtime._exceptions import APIError
from ._call import call_tool, error_result
from ._table import DYNAMIC_ABOVE, ToolSpec, all_tools, rank, select, server_info

LIST_LIMIT = 200  # operations `list_operations` gives at most

_DYNAMIC_TOOLS: list[dict[str, Any]] = [
    {
        "name": "list_operations",
        "title": "List operations",
        "description": "The API's operations matching `search` (words of a name, summary, path or description),"
        " the best matches first; each with the name `describe_operation` and `invoke_operation` take.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "search": {"type": "string", "description": "words to look for; empty: every operation"},
                "limit": {"type": "integer", "minimum": 1, "maximum": LIST_LIMIT, "default": 20},
            },
            "additionalProperties": False,
        },
        "annotations": {"title": "List operations", "readOnlyHint": True},
    },
    {
        "name": "describe_operation",
        "title": "Describe an operation",
        "description": "An operation's description, the JSON Schema of its arguments and of its result.",
        "inputSchema": {
            "type": "object",
            "properties": {"name": {"type": "string", "description": "the operation's name"}},
            "required": ["name"],
            "additionalProperties": False,
        },
        "annotations": {"title": "Describe an operation", "readOnlyHint": True},
    },
    {
        "name": "invoke_operation",
        "title": "Invoke an operation",
        "description": "Calls an operation with `arguments` as `describe_operation` gives their schema.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "description": "the operation's name"},
                "arguments": {"type": "object", "description": "the operation's arguments", "default": {}},
            },
            "required": ["name"],
            "additionalProperties": False,
        },
        "annotations": {"title": "Invoke an operation", "readOnlyHint": False},
    },
]


def create_mcp_server(
    client: SyncAPIClient | None = None,
    *,
    tools: Sequence[str] = (),
    exclude: Sequence[str] = (),
    dynamic: bool | None = None,
) -> Any:
    """An MCP server (the `mcp` SDK's low-level `Server`) whose tools call `client`'s methods.

    `client`: made from the environment when not given (a missing credential makes every call an error
    result naming its variable). `tools`/`exclude`: globs of tool names kept and left out. `dynamic`:
    the three tools of the dynamic mode instead of one per operation (default: above 64 tools)."""
    import mcp_types as types  # type: ignore[import-not-found,unused-ignore]
    from mcp.server.lowlevel import Server  # type: ignore[import-not-found,unused-ignore]

    made: SyncAPIClient | APIError = client if client is not None else _client_from_environment()
    chosen = select(all_tools(), tools, exclude)
    by_name = {tool.name: tool for tool in chosen}
    if dynamic is None:
        dynamic = len(chosen) > DYNAMIC_ABOVE
    info = server_info()

    async def run(tool: ToolSpec, arguments: dict[str, Any]) -> dict[str, Any]:
        work = functools.partial(call_tool, made, tool, arguments)
        return await anyio.to_thread.run_sync(work)

    async def on_list_tools(ctx: Any, params: Any) -> Any:
        listed = _DYNAMIC_TOOLS if dynamic else [tool.definition() for tool in chosen]
        return types.ListToolsResult.model_validate({"tools": listed})

    async def on_call_tool(ctx: Any, params: Any) -> Any:
        name: str = params.name
        arguments: dict[str, Any] = dict(params.arguments or {})
        if dynamic:
            result = await _dynamic(name, arguments, chosen, by_name, run)
        elif name in by_name:
            result = await run(by_name[name], arguments)
        else:
            result = error_result(f"unknown tool `{name}`")
        return types.CallToolResult.model_validate(result)

    return Server(
        info.name,
        version=info.version,
        title=info.title,
        instructions=info.instructions,
        on_list_tools=on_list_tools,
        on_call_tool=on_call_tool,
    )


def _client_from_environment() -> SyncAPIClient | APIError:
    from .._client import Client

    try:
        return Client()
    except APIError as exc:  # no credential: the server starts, and each call says which variable
        return exc


async def _dynamic(
    name: str,
    arguments: dict[str, Any],
    chosen: Sequence[ToolSpec],
    by_name: dict[str, ToolSpec],
    run: Callable[[ToolSpec, dict[str, Any]], Any],
) -> dict[str, Any]:
    if name == "list_operations":
        search = str(arguments.get("search") or "")
        limit = arguments.get("limit", 20)
        limit = min(max(limit, 1), LIST_LIMIT) if isinstance(limit, int) else 20
        matches = rank(chosen, search)
        shown = [{"name": t.name, "title": t.title, "method": t.http_method, "path": t.path} for t in matches[:limit]]
        return _json({"operations": shown, "matches": len(matches)})
    if name in ("describe_operation", "invoke_operation"):
        wanted = str(arguments.get("name") or "")
        tool = by_name.get(wanted)
        if tool is None:
            close = difflib.get_close_matches(wanted, list(by_name), n=3, cutoff=0.6)
            hint = f"; close: {', '.join(close)}" if close else ""
            return error_result(f"unknown operation `{wanted}` (list_operations gives the names{hint})")
        if name == "describe_operation":
            return _json({**tool.definition(), "method": tool.http_method, "path": tool.path})
        given = arguments.get("arguments") or {}
        if not isinstance(given, dict):
            return error_result("argument `arguments`: must be an object")
        result: dict[str, Any] = await run(tool, given)
        return result
    return error_result(f"unknown tool `{name}` (list_operations, describe_operation, invoke_operation)")


def _json(value: dict[str, Any]) -> dict[str, Any]:
    return {"content": [{"type": "text", "text": json.dumps(value, ensure_ascii=False)}], "structuredContent": value}


__all__ = ["create_mcp_server"]
