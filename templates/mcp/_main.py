"""`python -m <package> mcp [--transport stdio|http] [--host H] [--port N] [--tools GLOB] [--exclude GLOB]
[--dynamic]`: serves the client's operations as MCP tools, on stdio (the default: an MCP client starts
the command) or as Streamable HTTP at `http://HOST:PORT/mcp`. Credentials come from the environment
variables the client reads. Without the `mcp` package installed it says how to install it, and exits 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from ._table import DYNAMIC_ABOVE, server_info

EXIT_USAGE = 2


def main(argv: Sequence[str]) -> int:
    info = server_info()
    parser = argparse.ArgumentParser(
        prog=f"{info.name} mcp",
        description=f"Serve the {info.title}'s operations as MCP tools (one per operation).",
    )
    parser.add_argument("--transport", choices=("stdio", "http"), default="stdio", help="default: stdio")
    parser.add_argument("--host", default="127.0.0.1", help="the address served over http (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="the port served over http (default: 8000)")
    parser.add_argument(
        "--tools", action="append", default=[], metavar="GLOB", help="keep the tools whose name matches (repeatable)"
    )
    parser.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB", help="leave out the tools whose name matches"
    )
    parser.add_argument(
        "--dynamic",
        action="store_true",
        help=f"offer list_operations, describe_operation and invoke_operation (default above {DYNAMIC_ABOVE} tools)",
    )
    args = parser.parse_args(list(argv))
    try:
        import mcp  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
    except ImportError:
        print(
            f"{info.name} mcp: error: the MCP server needs the `mcp` package: "
            f'pip install "{info.name}[mcp]" (or pip install mcp)',
            file=sys.stderr,
        )
        return EXIT_USAGE
    from ._server import create_mcp_server

    server = create_mcp_server(tools=args.tools, exclude=args.exclude, dynamic=True if args.dynamic else None)
    import anyio

    try:
        if args.transport == "http":
            anyio.run(_serve_http, server, args.host, args.port)
        else:
            anyio.run(_serve_stdio, server)
    except KeyboardInterrupt:
        return 130
    return 0


async def _serve_stdio(server: Any) -> None:
    from mcp.server.stdio import stdio_server  # type: ignore[import-not-found,unused-ignore]

    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


async def _serve_http(server: Any, host: str, port: int) -> None:
    import uvicorn  # type: ignore[import-not-found,unused-ignore]

    app = server.streamable_http_app(host=host)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning")
    print(f"serving MCP (Streamable HTTP) at http://{host}:{port}/mcp", file=sys.stderr, flush=True)
    await uvicorn.Server(config).serve()


__all__ = ["main"]
