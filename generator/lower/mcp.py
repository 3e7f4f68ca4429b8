"""An operation's `x-mcp` -> its `McpTool`: `false` leaves the operation out of the generated MCP
server, a mapping renames its tool (`name`) or rewrites its description (`description`). Each key is
checked as generator/extensions.py describes it, with a located error at the key that is wrong."""

from __future__ import annotations

import re
from typing import Any

from ..errors import Origin
from ..ir import McpTool
from .context import LowerContext

# What MCP clients accept as a tool name.
TOOL_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
MCP_NAME, MCP_DESCRIPTION = "name", "description"
MCP_KEYS = frozenset({MCP_NAME, MCP_DESCRIPTION})  # the keys read here
_HINT = "write `x-mcp: false`, or `x-mcp: {name: get_job, description: ...}` (see README: MCP server)"


def mcp_tool(ctx: LowerContext, operation: dict[str, Any], where: Origin) -> McpTool:
    """The tool `x-mcp` declares for the operation; a wrong key is reported and left at its default."""
    if "x-mcp" not in operation:
        return McpTool()
    raw = operation["x-mcp"]
    x_where = ctx.origin(raw, where.child("x-mcp"))
    if raw is False or raw is True:
        return McpTool(enabled=raw)
    if not isinstance(raw, dict):
        ctx.problems.error(f"`x-mcp` must be false or a mapping, not {raw!r:.60}", x_where, _HINT)
        return McpTool()
    name, description = raw.get(MCP_NAME, ""), raw.get(MCP_DESCRIPTION, "")
    if not isinstance(name, str) or (name and not TOOL_NAME.fullmatch(name)):
        ctx.problems.error(
            f"`x-mcp` name must be 1 to 64 letters, digits, `_` or `-`, not {name!r:.60}",
            x_where.child("name"),
            _HINT,
        )
        name = ""
    if not isinstance(description, str):
        ctx.problems.error(
            f"`x-mcp` description must be a string, not {description!r:.60}", x_where.child("description"), _HINT
        )
        description = ""
    return McpTool(name=name, description=description.strip())
