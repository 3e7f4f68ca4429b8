"""Shared test set-up: import paths, the loopback server, and helpers that drive the sync and the async
generated client through the same scenario.

`generated/` (the generated package) and `tests/` (for `support.server`) go on sys.path here. mypy does
not read sys.path, so the `llamacloud` imports carry an ignore that only matters when `generated/` is
not on its path: `MYPYPATH=generated mypy --strict ...` checks the tests against the real client.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, Literal, TypeAlias, TypeVar, cast

import pytest

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT / "generated", ROOT / "tests"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import update_goldens  # noqa: E402

update_goldens.use_bytecode_cache()

import llamacloud  # type: ignore[import-not-found, unused-ignore]  # noqa: E402
from llamacloud._runtime import _base_client  # type: ignore[import-not-found, unused-ignore]  # noqa: E402
from support.server import TestServer  # noqa: E402

T = TypeVar("T")
Flavour = Literal["sync", "async"]
AnyClient: TypeAlias = "llamacloud.Client | llamacloud.AsyncClient"
Scenario = Callable[[AnyClient], Awaitable[None]]

#: Long and distinctive, so a leak is found by a plain substring search.
API_KEY = "llx-test-9f2c41e07b5d4a83-SECRET"

JOB: dict[str, Any] = {
    "id": "bjb-1",
    "job_type": "parse",
    "project_id": "proj-1",
    "status": "running",
    "total_items": 10,
    "processed_items": 4,
    "created_at": "2024-05-01T12:00:00Z",
}
STATUS_BODY: dict[str, Any] = {"job": JOB, "progress_percentage": 40.0}


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: a worker more than cores, since many tests wait (on a server, a subprocess, a
    shared build another worker makes) and a third worker fills those waits."""
    return (os.cpu_count() or 1) + 1


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `slow` (several seconds each: mypy over a package, a fuzz run) go first, so that
    parallel workers start with them and end together on short tests."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def job(index: int, **changes: Any) -> dict[str, Any]:
    """A valid BatchJob body with id `bjb-<index>`."""
    return {**JOB, "id": f"bjb-{index}", **changes}


@pytest.fixture(scope="session")
def _shared_server() -> Iterator[TestServer]:
    with TestServer() as srv:
        yield srv


@pytest.fixture
def server(_shared_server: TestServer) -> TestServer:
    """The loopback server, with no requests, replies or handler left from an earlier test."""
    _shared_server.reset()
    return _shared_server


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> Flavour:
    return cast(Flavour, request.param)


@pytest.fixture
def delays(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The runtime's waits between attempts, recorded instead of slept."""
    waited: list[float] = []

    async def async_sleep(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(_base_client, "sleep", waited.append)
    monkeypatch.setattr(_base_client, "async_sleep", async_sleep)
    return waited


def run(flavour: Flavour, scenario: Scenario, **options: Any) -> None:
    """Build the client of `flavour` inside an event loop, run `scenario` with it, then close it.

    A sync client simply blocks inside the loop; the server runs in its own thread.
    """
    options.setdefault("api_key", API_KEY)

    async def main() -> None:
        if flavour == "sync":
            with llamacloud.Client(**options) as client:
                await scenario(client)
        else:
            async with llamacloud.AsyncClient(**options) as aclient:
                await scenario(aclient)

    asyncio.run(main())


async def resolve(value: Awaitable[T] | T) -> T:
    """The value of a sync call, or the awaited value of an async one."""
    if inspect.isawaitable(value):
        return cast(T, await value)
    return value


async def first_page(
    listing: llamacloud.SyncPage[T] | llamacloud.AsyncPaginator[T],
) -> llamacloud.SyncPage[T] | llamacloud.AsyncPage[T]:
    if isinstance(listing, llamacloud.AsyncPaginator):
        page: llamacloud.AsyncPage[T] = await listing
        return page
    return listing


async def next_page(
    page: llamacloud.SyncPage[T] | llamacloud.AsyncPage[T],
) -> llamacloud.SyncPage[T] | llamacloud.AsyncPage[T]:
    if isinstance(page, llamacloud.AsyncPage):
        following: llamacloud.AsyncPage[T] = await page.get_next_page()
        return following
    return page.get_next_page()


async def every_item(listing: llamacloud.SyncPage[T] | llamacloud.AsyncPaginator[T]) -> list[T]:
    """Iterate a listing the way a user would: `for` on the sync client, `async for` on the async one."""
    if isinstance(listing, llamacloud.AsyncPaginator):
        return [item async for item in listing]
    return list(listing)


async def every_page(
    page: llamacloud.SyncPage[T] | llamacloud.AsyncPage[T],
) -> list[llamacloud.SyncPage[T] | llamacloud.AsyncPage[T]]:
    if isinstance(page, llamacloud.AsyncPage):
        return [p async for p in page.iter_pages()]
    return list(page.iter_pages())
