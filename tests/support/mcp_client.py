"""Driving a generated package's MCP server with the `mcp` SDK's own client: over stdio (the server
started as `python -m <package> mcp`), over Streamable HTTP (`--transport http`, a subprocess), or in
this process (`create_mcp_server(...)` handed to the client). Results come back as the plain JSON of
the wire (MCP's field names), so tests compare what an MCP client receives.

`python tests/support/mcp_client.py PACKAGE_PARENT PACKAGE` prints the package's `tools/list` as
JSON (the goldens under tests/mcp_goldens/ are made so, by tests/update_goldens.py)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from mcp import Client
from mcp.client.stdio import StdioServerParameters


def wire(model: Any) -> dict[str, Any]:
    """An SDK result as the JSON of the wire, without the `_meta` the SDK adds of itself."""
    found: dict[str, Any] = model.model_dump(by_alias=True, exclude_none=True, mode="json")
    meta = {k: v for k, v in found.pop("_meta", {}).items() if not k.startswith("io.modelcontextprotocol/")}
    for key in ("ttlMs", "cacheScope", "resultType", "nextCursor"):
        found.pop(key, None)
    return {**found, **({"_meta": meta} if meta else {})}


def package_env(parent: Path, **extra: str) -> dict[str, str]:
    """A server's environment: the package importable from `parent`, none of the caller's settings
    of the test APIs, and `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLAMA_CLOUD_", "NOTES_", "STRIPE_"))}
    env.update(PYTHONPATH=str(parent), **extra)
    return env


def stdio(package: str, env: Mapping[str, str], *args: str) -> Client:
    return Client(StdioServerParameters(command=sys.executable, args=["-m", package, "mcp", *args], env=dict(env)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def http_server(package: str, env: Mapping[str, str], *args: str) -> Iterator[str]:
    """`python -m <package> mcp --transport http` on a free port; yields the URL of its `/mcp`."""
    port = free_port()
    command = [sys.executable, "-m", package, "mcp", "--transport", "http", "--port", str(port), *args]
    process = subprocess.Popen(command, env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the MCP server did not start: {process.communicate(timeout=5)}")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        process.communicate(timeout=10)


@contextlib.asynccontextmanager
async def connected(target: Any) -> AsyncIterator[Client]:
    async with Client(target) if not isinstance(target, Client) else target as client:
        yield client


async def call(client: Client, name: str, arguments: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return wire(await client.call_tool(name, dict(arguments or {})))


async def tools_list(client: Client) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = wire(await client.list_tools())["tools"]
    return listed


def text_of(result: Mapping[str, Any]) -> str:
    return "\n".join(block["text"] for block in result["content"] if block["type"] == "text")


def main(argv: Sequence[str]) -> int:
    import anyio

    parent, package = Path(argv[0]), argv[1]

    async def run() -> list[dict[str, Any]]:
        async with stdio(package, package_env(parent)) as client:
            return await tools_list(client)

    print(json.dumps(anyio.run(run), indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
