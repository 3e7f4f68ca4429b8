"""The committed packages of the golden fixtures (`tests/fixtures/<name>/expected/<name>`), imported as a
user would, and one scenario run on their sync or their async client against the loopback server."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any, Literal

import update_goldens as goldens  # tests/ is on sys.path (conftest.py)

from support.server import TestServer

Flavour = Literal["sync", "async"]
API_KEY = "fixture-key-0123456789"


def fixture_package(name: str, module: str = "") -> ModuleType:
    """The fixture's package (or one of its modules: `models`, `params`)."""
    root = str(goldens.fixture_expected(name).parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    return importlib.import_module(f"{name}.{module}" if module else name)


def client_options(server: TestServer, **options: Any) -> dict[str, Any]:
    return {"api_key": API_KEY, "base_url": server.url, "max_retries": 0, **options}


def run(flavour: Flavour, name: str, server: TestServer, scenario: Callable[[Any], Any], **options: Any) -> Any:
    """`scenario(client)` on the sync or the async client of fixture `name`; its (awaited) result.
    A scenario may return a list of calls' results: each awaitable one is awaited in turn."""
    package = fixture_package(name)

    async def settle(result: Any) -> Any:
        if isinstance(result, list):
            return [await settle(item) for item in result]
        return await result if inspect.isawaitable(result) else result

    async def main() -> Any:
        if flavour == "sync":
            with package.Client(**client_options(server, **options)) as sync_client:
                return await settle(scenario(sync_client))
        async with package.AsyncClient(**client_options(server, **options)) as async_client:
            return await settle(scenario(async_client))

    return asyncio.run(main())
