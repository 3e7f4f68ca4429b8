"""`beta.batch.list` pagination: every job across every page, lazily, with or without `total_size`,
the caller's limit on every page, and no endless loop whatever the server does."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from typing import Any, Literal

import llamacloud  # type: ignore[import-not-found, unused-ignore]
import pytest
from conftest import AnyClient, Flavour, every_item, every_page, first_page, job, next_page, run
from support.server import Handler, RecordedRequest, Reply, TestServer

Token = Literal["while-more", "always", "never"]
GIVE_UP = 10


def jobs_server(
    count: int,
    *,
    total: bool,
    token: Token,
    max_page: int | None = None,
    ignore_offset: bool = False,
    token_per_request: bool = False,
) -> Handler:
    """A server over `count` jobs bjb-0..: `total` sends total_size; `token` sends next_page_token while
    more jobs remain, always, or never; `max_page` caps the page below the asked limit. A server that
    ignores the offset gives up after GIVE_UP requests, so a client without a loop guard fails the test
    instead of hanging it."""
    served = itertools.count(1)

    def handle(request: RecordedRequest) -> Reply:
        number = next(served)
        params = dict(request.query_params)
        limit = int(params.get("limit", "3"))
        if max_page is not None:
            limit = min(limit, max_page)
        offset = 0 if ignore_offset else int(params.get("offset", "0"))
        if ignore_offset and number > GIVE_UP:
            return Reply(200, body={"items": []})
        body: dict[str, Any] = {"items": [job(i) for i in range(offset, min(offset + limit, count))]}
        if total:
            body["total_size"] = count
        if token == "always" or (token == "while-more" and offset + limit < count):
            body["next_page_token"] = f"tok-{number}" if token_per_request else "tok"
        return Reply(200, body=body)

    return handle


def offsets(server: TestServer) -> list[str | None]:
    return [dict(request.query_params).get("offset") for request in server.requests]


def ids(jobs: list[Any]) -> list[str]:
    return [item.id for item in jobs]


ALL_SEVEN = [f"bjb-{n}" for n in range(7)]


@pytest.mark.parametrize(
    ("total", "token", "requests"),
    [
        (True, "never", 3),  # the official SDK's rule: offset + items < total_size
        (False, "while-more", 3),  # no total_size: the official SDK would stop after the first page
        (True, "while-more", 3),
        (False, "always", 4),  # a token even on the last page: the empty page after it ends the listing
    ],
)
def test_iterating_yields_every_job_across_pages(
    flavour: Flavour, server: TestServer, total: bool, token: Token, requests: int
) -> None:
    server.set_handler(jobs_server(7, total=total, token=token))
    seen: list[Any] = []

    async def scenario(client: AnyClient) -> None:
        seen.extend(await every_item(client.beta.batch.list(limit=3, status="running", session="s-1")))

    run(flavour, scenario, base_url=server.url)
    assert ids(seen) == ALL_SEVEN
    assert offsets(server) == [None, "3", "6", "7"][:requests]
    for request in server.requests:
        assert request.path == "/api/v1/beta/batch-processing"
        assert [(k, v) for k, v in request.query_params if k != "offset"] == [
            ("limit", "3"),
            ("status", "running"),
        ]
        assert request.cookies == {"session": "s-1"}


def test_the_offset_advances_by_the_items_received(flavour: Flavour, server: TestServer) -> None:
    server.set_handler(jobs_server(7, total=False, token="while-more", max_page=2))
    seen: list[Any] = []

    async def scenario(client: AnyClient) -> None:
        seen.extend(await every_item(client.beta.batch.list(limit=5, offset=1)))

    run(flavour, scenario, base_url=server.url)
    assert ids(seen) == ALL_SEVEN[1:]
    assert offsets(server) == ["1", "3", "5"]
    assert [dict(r.query_params)["limit"] for r in server.requests] == ["5"] * 3


def test_page_objects(flavour: Flavour, server: TestServer) -> None:
    server.set_handler(jobs_server(7, total=True, token="while-more"))

    async def scenario(client: AnyClient) -> None:
        page = await first_page(client.beta.batch.list(limit=3))
        assert (ids(page.items), page.total_size, page.next_page_token) == (ALL_SEVEN[:3], 7, "tok")
        assert page.has_next_page() is True
        second = await next_page(page)
        assert (ids(second.items), second.total_size, second.next_page_token) == (ALL_SEVEN[3:6], 7, "tok")
        third = await next_page(second)
        assert (ids(third.items), third.next_page_token, third.has_next_page()) == (["bjb-6"], None, False)
        with pytest.raises(RuntimeError, match="no next page"):
            await next_page(third)
        assert [ids(p.items) for p in await every_page(page)] == [ALL_SEVEN[:3], ALL_SEVEN[3:6], ["bjb-6"]]
        assert page.parsed_body.model_extra == {}
        assert repr(page).endswith("Page(items=3, offset=0, total_size=7)")
        assert repr(third).endswith("Page(items=1, offset=6, total_size=7)")

    run(flavour, scenario, base_url=server.url)
    assert offsets(server) == [None, "3", "6", "3", "6"]


def test_an_empty_first_page_ends_the_listing(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, body={"items": [], "next_page_token": "tok", "total_size": 5}))

    async def scenario(client: AnyClient) -> None:
        assert await every_item(client.beta.batch.list()) == []

    run(flavour, scenario, base_url=server.url)
    assert len(server.requests) == 1


@pytest.mark.parametrize("token_per_request", [False, True])
def test_a_server_ignoring_the_offset_cannot_loop_forever(
    flavour: Flavour, server: TestServer, token_per_request: bool
) -> None:
    # Same three jobs every time, always "more" to come, with a fresh token or the same one.
    server.set_handler(
        jobs_server(7, total=False, token="always", ignore_offset=True, token_per_request=token_per_request)
    )
    seen: list[Any] = []

    async def scenario(client: AnyClient) -> None:
        seen.extend(await every_item(client.beta.batch.list(limit=3)))

    run(flavour, scenario, base_url=server.url)
    assert ids(seen) == ALL_SEVEN[:3]
    assert offsets(server) == [None, "3"]


def test_a_server_cycling_through_pages_cannot_loop_forever(flavour: Flavour, server: TestServer) -> None:
    def cycling(request: RecordedRequest) -> Reply:
        if len(server.requests) > GIVE_UP:
            return Reply(200, body={"items": []})
        start = int(dict(request.query_params).get("offset", "0")) % 4  # pages A, B, A, B, ...
        return Reply(200, body={"items": [job(start), job(start + 1)], "next_page_token": "tok", "total_size": 99})

    server.set_handler(cycling)
    seen: list[Any] = []

    async def scenario(client: AnyClient) -> None:
        seen.extend(await every_item(client.beta.batch.list(limit=2)))

    run(flavour, scenario, base_url=server.url)
    assert ids(seen) == ["bjb-0", "bjb-1", "bjb-2", "bjb-3"]
    assert offsets(server) == [None, "2", "4"]


def test_sync_iteration_is_lazy(server: TestServer) -> None:
    server.set_handler(jobs_server(7, total=False, token="while-more"))
    with llamacloud.Client(api_key="k", base_url=server.url) as client:
        jobs: Iterator[Any] = iter(client.beta.batch.list(limit=3))
        assert [next(jobs).id for _ in range(3)] == ALL_SEVEN[:3]
        assert len(server.requests) == 1
        assert next(jobs).id == "bjb-3"
        assert len(server.requests) == 2
    assert offsets(server) == [None, "3"]


def test_async_iteration_is_lazy(server: TestServer) -> None:
    server.set_handler(jobs_server(7, total=False, token="while-more"))

    async def scenario(client: AnyClient) -> None:
        assert isinstance(client, llamacloud.AsyncClient)
        listing = client.beta.batch.list(limit=3)
        assert isinstance(listing, llamacloud.AsyncPaginator)
        assert server.requests == []  # nothing is sent until awaited or iterated
        jobs: AsyncIterator[Any] = aiter(listing)
        assert [(await anext(jobs)).id for _ in range(3)] == ALL_SEVEN[:3]
        assert len(server.requests) == 1
        assert (await anext(jobs)).id == "bjb-3"
        assert len(server.requests) == 2
        page = await listing  # awaiting gives the first page (fetched again)
        assert isinstance(page, llamacloud.AsyncPage)
        assert ids(page.items) == ALL_SEVEN[:3]
        assert ids([item async for item in page]) == ALL_SEVEN

    run("async", scenario, base_url=server.url)
    assert offsets(server) == [None, "3", None, "3", "6"]


def test_a_raw_first_page_still_iterates_every_page(flavour: Flavour, server: TestServer) -> None:
    server.set_handler(jobs_server(7, total=True, token="never"))

    async def scenario(client: AnyClient) -> None:
        if isinstance(client, llamacloud.AsyncClient):
            araw = await client.beta.batch.with_raw_response.list(limit=3)
            assert (araw.status_code, araw.headers["content-type"]) == (200, "application/json")
            apage = araw.parse()
            assert apage is araw.parse()
            assert ids(apage.items) == ALL_SEVEN[:3]
            assert ids([item async for item in apage]) == ALL_SEVEN
        else:
            raw = client.beta.batch.with_raw_response.list(limit=3)
            assert (raw.status_code, raw.headers["content-type"]) == (200, "application/json")
            page = raw.parse()
            assert page is raw.parse()
            assert ids(page.items) == ALL_SEVEN[:3]
            assert ids(list(page)) == ALL_SEVEN

    run(flavour, scenario, base_url=server.url)
    assert offsets(server) == [None, "3", "6"]
