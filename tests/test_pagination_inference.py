"""Pagination recognised without `x-pagination` (tests/fixtures/inferred_pagination, its client committed
under `expected/`): the build's summary and `--verbose` notes, and each recognised style on the wire for
the sync and the async client, the exact request of every page, a page saying it is the last one
ending the listing with no other request, and `x-pagination: false` leaving the body as it is."""

from __future__ import annotations

import asyncio
import inspect
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
from support.server import RecordedRequest, Reply, TestServer

_ROOT = str(goldens.fixture_expected("inferred_pagination").parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import inferred_pagination  # type: ignore[import-not-found, unused-ignore]  # noqa: E402
from inferred_pagination import models  # type: ignore[import-not-found, unused-ignore]  # noqa: E402

Flavour = Literal["sync", "async"]
SPEC = goldens.fixture_spec("inferred_pagination")


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> Flavour:
    return request.param  # type: ignore[no-any-return]


def run(flavour: Flavour, server: TestServer, scenario: Callable[[Any], Any]) -> Any:
    async def main() -> Any:
        options = {"api_key": "key", "base_url": server.url, "max_retries": 0}
        if flavour == "sync":
            with inferred_pagination.Client(**options) as client:
                result = scenario(client)
                return await result if inspect.isawaitable(result) else result
        async with inferred_pagination.AsyncClient(**options) as aclient:
            return await scenario(aclient)

    return asyncio.run(main())


async def every_item(listing: Any) -> list[Any]:
    if isinstance(listing, inferred_pagination.AsyncPaginator | inferred_pagination.AsyncPage):
        return [item async for item in listing]
    return list(listing)


async def first_page(listing: Any) -> Any:
    return await listing if isinstance(listing, inferred_pagination.AsyncPaginator) else listing


def targets(server: TestServer) -> list[str]:
    return [request.target for request in server.requests]


# -- the build -----------------------------------------------------------------------------------
def test_the_summary_counts_and_verbose_locates_each_inferred_pagination(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "generator", "build", "--isolated", "--spec", str(SPEC), "--out", str(tmp_path)]
    quiet = subprocess.run([*command, "--package", "quiet"], capture_output=True, text=True, check=True)
    assert ": 9 operations, 8 paginated (8 inferred), " in quiet.stdout
    assert quiet.stderr == ""
    verbose = subprocess.run([*command, "--package", "loud", "--verbose"], capture_output=True, text=True, check=True)
    notes = re.findall(r"^note: .*spec\.yaml:(\d+):\d+ #(\S+): (.*)$", verbose.stderr, re.MULTILINE)
    assert [(pointer, message) for _, pointer, message in notes] == [
        (
            "/paths/~1files/get",
            "paginated by inference, as `x-pagination: {style: cursor, items: data, token-param: after, "
            "item-token: id, reverse-param: before, limit-param: limit, has-more: has_more}`",
        ),
        (
            "/paths/~1folders~1{folder_id}~1items/get",
            "paginated by inference, as `x-pagination: {style: cursor, items: entries, token-param: marker, "
            "offset-param: offset, next-token: next_marker, total: total_count, limit-param: limit}`",
        ),
        (
            "/paths/~1events/get",
            "paginated by inference, as `x-pagination: {style: cursor, items: events, token-param: page_token, "
            "next-token: meta.next_page_token, is-last: is_last}`",
        ),
        (
            "/paths/~1articles/get",
            "paginated by inference, as `x-pagination: {style: next-url, items: results, next-url: next}`",
        ),
        ("/paths/~1repos/get", "paginated by inference, as `x-pagination: {style: link-header}`"),
        (
            "/paths/~1comments/get",
            "paginated by inference, as `x-pagination: {style: offset, items: entries, offset-param: offset, "
            "total: total_count, limit-param: limit}`",
        ),
        (
            "/paths/~1droplets/get",
            "paginated by inference, as `x-pagination: {style: page, items: droplets, page-param: page, "
            "total: meta.total, limit-param: per_page}`",
        ),
        ("/paths/~1engines/get", "paginated by inference, as `x-pagination: {style: single, items: data}`"),
    ]
    lines = SPEC.read_text(encoding="utf-8").splitlines()
    assert [lines[int(line) - 2].strip() for line, _, _ in notes] == ["get:"] * 8  # each at its operation
    again = subprocess.run([*command, "--package", "loud", "--verbose"], capture_output=True, text=True, check=True)
    assert "cached" in again.stdout and again.stderr == verbose.stderr  # a cache hit says the same


# -- cursor from the last item's id ----------------------------------------------------------------
FILES = [{"id": f"file-{n}", "filename": f"f{n}.txt"} for n in range(5)]


def file_page(start: int, stop: int, more: bool) -> dict[str, Any]:
    data = FILES[start:stop]
    return {"object": "list", "data": data, "first_id": data[0]["id"], "last_id": data[-1]["id"], "has_more": more}


def test_the_cursor_is_the_last_items_id_and_has_more_false_ends_without_a_request(
    flavour: Flavour, server: TestServer
) -> None:
    server.enqueue(Reply(200, body=file_page(0, 2, True)), Reply(200, body=file_page(2, 4, True)))
    server.enqueue(Reply(200, body=file_page(4, 5, False)))

    async def scenario(client: Any) -> list[Any]:
        return await every_item(client.files.list(limit=2))

    found = run(flavour, server, scenario)
    assert found == [models.File(**f) for f in FILES]
    # Three pages, three requests: the last one said `has_more: false`, so no fourth request is made.
    assert targets(server) == ["/files?limit=2", "/files?after=file-1&limit=2", "/files?after=file-3&limit=2"]


def test_page_items_and_the_parsed_body(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, body=file_page(0, 2, False)))

    async def scenario(client: Any) -> Any:
        return await first_page(client.files.list())

    page = run(flavour, server, scenario)
    assert page.items[0].id == "file-0"  # the API's `data`, as `items`
    assert page.parsed_body == models.FileList(**file_page(0, 2, False))
    assert page.parsed_body.data[1].id == "file-1" and page.parsed_body.has_more is False
    assert not hasattr(page, "data")
    assert page.has_next_page() is False


def test_before_pages_the_other_way_from_the_first_item(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, body=file_page(3, 5, True)), Reply(200, body=file_page(1, 3, False)))

    async def scenario(client: Any) -> list[Any]:
        return await every_item(client.files.list(before="file-5", limit=2))

    assert [f.id for f in run(flavour, server, scenario)] == ["file-3", "file-4", "file-1", "file-2"]
    assert targets(server) == ["/files?before=file-5&limit=2", "/files?before=file-3&limit=2"]


# -- tokens: Box's next_marker, a token in a wrapper ending at is_last ------------------------------
def test_box_markers_page_until_no_next_marker(flavour: Flavour, server: TestServer) -> None:
    entries = [{"id": str(n), "type": "file", "name": f"n{n}"} for n in range(3)]
    server.enqueue(
        Reply(200, body={"entries": entries[:2], "limit": 2, "next_marker": "m-2", "order": []}),
        Reply(200, body={"entries": entries[2:], "limit": 2, "next_marker": None}),
    )

    async def scenario(client: Any) -> list[Any]:
        return await every_item(client.folders.list_items("0", usemarker=True, limit=2))

    assert [e.id for e in run(flavour, server, scenario)] == ["0", "1", "2"]
    assert targets(server) == [
        "/folders/0/items?usemarker=true&limit=2",
        "/folders/0/items?usemarker=true&marker=m-2&limit=2",
    ]


def test_box_lists_without_markers_page_by_offset_below_the_total(flavour: Flavour, server: TestServer) -> None:
    entries = [{"id": str(n), "type": "folder"} for n in range(3)]
    server.enqueue(
        Reply(200, body={"entries": entries[:2], "limit": 2, "total_count": 3}),
        Reply(200, body={"entries": entries[2:], "limit": 2, "total_count": 3}),
    )

    async def scenario(client: Any) -> list[Any]:
        return await every_item(client.folders.list_items("0", limit=2))

    assert [e.id for e in run(flavour, server, scenario)] == ["0", "1", "2"]
    assert targets(server) == ["/folders/0/items?limit=2", "/folders/0/items?offset=2&limit=2"]


def test_is_last_ends_even_with_a_token(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(
        Reply(200, body={"events": [{"id": "e1"}], "meta": {"next_page_token": "t2"}, "is_last": False}),
        Reply(200, body={"events": [{"id": "e2"}], "meta": {"next_page_token": "t3"}, "is_last": True}),
    )

    async def scenario(client: Any) -> list[Any]:
        return await every_item(client.events.list())

    assert [e.id for e in run(flavour, server, scenario)] == ["e1", "e2"]
    assert targets(server) == ["/events", "/events?page_token=t2"]


# -- next URL, Link header, offset, page --------------------------------------------------------
def test_a_next_url_in_the_body_and_a_link_header(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(
        Reply(200, body={"count": 2, "next": f"{server.url}/articles?cursor=b", "results": [{"id": 1}]}),
        Reply(200, body={"count": 2, "next": None, "results": [{"id": 2}]}),
        Reply(200, body=[{"name": "a"}], headers={"Link": f'<{server.url}/repos?per_page=1&page=2>; rel="next"'}),
        Reply(200, body=[{"name": "b"}]),
    )

    async def scenario(client: Any) -> tuple[list[Any], list[Any]]:
        return await every_item(client.articles.list()), await every_item(client.repos.list(per_page=1))

    articles, repos = run(flavour, server, scenario)
    assert ([a.id for a in articles], [r.name for r in repos]) == ([1, 2], ["a", "b"])
    assert targets(server) == ["/articles", "/articles?cursor=b", "/repos?per_page=1", "/repos?per_page=1&page=2"]


def test_offset_until_the_total_and_page_numbers(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(
        Reply(200, body={"total_count": 3, "entries": [{"id": "c1"}, {"id": "c2"}]}),
        Reply(200, body={"total_count": 3, "entries": [{"id": "c3"}]}),
        Reply(200, body={"droplets": [{"id": 1}, {"id": 2}], "meta": {"total": 3}}),
        Reply(200, body={"droplets": [{"id": 3}], "meta": {"total": 3}}),
    )

    async def scenario(client: Any) -> tuple[list[Any], list[Any]]:
        comments = await every_item(client.comments.list(limit=2))
        return comments, await every_item(client.droplets.list(per_page=2))

    comments, droplets = run(flavour, server, scenario)
    assert ([c.id for c in comments], [d.id for d in droplets]) == (["c1", "c2", "c3"], [1, 2, 3])
    assert targets(server) == [
        "/comments?limit=2",
        "/comments?offset=2&limit=2",  # the parameters in the order the spec declares them
        "/droplets?per_page=2",
        "/droplets?page=2&per_page=2",
    ]


def test_a_list_with_nothing_to_page_by_is_one_page(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, body={"object": "list", "data": [{"id": "e1"}, {"id": "e2"}]}))

    async def scenario(client: Any) -> list[Any]:
        page = await first_page(client.engines.list())
        assert page.has_next_page() is False
        return await every_item(page)

    assert [e.id for e in run(flavour, server, scenario)] == ["e1", "e2"]
    assert targets(server) == ["/engines"]


def test_x_pagination_false_returns_the_body_as_it_is(flavour: Flavour, server: TestServer) -> None:
    body = {"data": [{"id": "m1"}], "has_more": True}
    server.enqueue(Reply(200, body=body))

    async def scenario(client: Any) -> Any:
        result = client.models.list()
        return await result if inspect.isawaitable(result) else result

    assert run(flavour, server, scenario) == models.ModelList(**body)
    assert targets(server) == ["/models"]


def test_a_handler_sees_no_request_after_the_last_page(flavour: Flavour, server: TestServer) -> None:
    seen: list[RecordedRequest] = []

    def handler(request: RecordedRequest) -> Reply:
        seen.append(request)
        return Reply(200, body=file_page(0, 2, False) if len(seen) == 1 else file_page(2, 4, False))

    server.set_handler(handler)

    async def scenario(client: Any) -> list[Any]:
        return await every_item(client.files.list())

    assert len(run(flavour, server, scenario)) == 2
    assert len(seen) == 1
