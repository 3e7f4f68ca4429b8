"""Every `x-pagination` style on the wire (tests/fixtures/pagination, its client committed under
`expected/`), for the sync and the async client: iteration over every page, `iter_pages()` straight on
what the list method returns, `has_next_page()` and `get_next_page()`, the exact request of each page
(the caller's filters and page size on every one), each style's stopping rules, and a server that
serves a page again, which must end the listing instead of looping."""

from __future__ import annotations

import asyncio
import inspect
import itertools
import sys
from collections.abc import Callable, Iterator
from typing import Any, Literal

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
from support.server import RecordedRequest, Reply, TestServer

_ROOT = str(goldens.fixture_expected("pagination").parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import pagination  # type: ignore[import-not-found, unused-ignore]  # noqa: E402

Flavour = Literal["sync", "async"]
API_KEY = "pg-key-5f1e9c2a7b"
GIVE_UP = 8  # a server that loops answers an empty page after this many requests, so a test fails, not hangs


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> Flavour:
    return request.param  # type: ignore[no-any-return]


def run(flavour: Flavour, server: TestServer, scenario: Callable[[Any], Any]) -> Any:
    """`scenario(client)` with the client of `flavour`; a coroutine it returns is awaited."""

    async def main() -> Any:
        if flavour == "sync":
            with pagination.Client(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
                result = scenario(client)
                return await result if inspect.isawaitable(result) else result
        async with pagination.AsyncClient(api_key=API_KEY, base_url=server.url, max_retries=0) as aclient:
            return await scenario(aclient)

    return asyncio.run(main())


async def every_item(listing: Any) -> list[Any]:
    if isinstance(listing, pagination.AsyncPaginator):
        return [item async for item in listing]
    return list(listing)


async def every_page(listing: Any) -> list[Any]:
    """`iter_pages()` on what the list method returned: no `await` first, on either client."""
    if isinstance(listing, pagination.AsyncPaginator):
        return [page async for page in listing.iter_pages()]
    return list(listing.iter_pages())


async def first_page(listing: Any) -> Any:
    return await listing if isinstance(listing, pagination.AsyncPaginator) else listing


async def next_page(page: Any) -> Any:
    following = page.get_next_page()
    return await following if inspect.isawaitable(following) else following


def items(run_result: Any, key: str) -> list[str]:
    return [getattr(item, key) for item in run_result]


def targets(server: TestServer) -> list[str]:
    return [request.target for request in server.requests]


def give_up(handler: Callable[[RecordedRequest], Reply], empty: Any) -> Callable[[RecordedRequest], Reply]:
    counter = itertools.count(1)
    return lambda request: Reply(200, body=empty) if next(counter) > GIVE_UP else handler(request)


def query(request: RecordedRequest) -> dict[str, str]:
    return dict(request.query_params)


# -- offset -------------------------------------------------------------------------------------
def jobs_server(count: int, *, ignore_offset: bool = False) -> Callable[[RecordedRequest], Reply]:
    def handle(request: RecordedRequest) -> Reply:
        offset = 0 if ignore_offset else int(query(request).get("offset", "0"))
        limit = int(query(request).get("limit", "3"))
        jobs = [{"id": f"j{i}", "status": "open"} for i in range(offset, min(offset + limit, count))]
        return Reply(200, body={"items": jobs, "meta": {"total": count if not ignore_offset else 99}})

    return give_up(handle, {"items": []})


def test_offset_follows_every_page_to_the_total(flavour: Flavour, server: TestServer) -> None:
    server.set_handler(jobs_server(7))
    seen = run(flavour, server, lambda client: every_item(client.jobs.list(status="open", limit=3)))
    assert items(seen, "id") == [f"j{i}" for i in range(7)]
    assert targets(server) == [
        "/jobs?status=open&limit=3",
        "/jobs?status=open&offset=3&limit=3",
        "/jobs?status=open&offset=6&limit=3",
    ]  # the total (under `meta`) is reached: no fourth request
    assert all(r.header("authorization") == f"Bearer {API_KEY}" for r in server.requests)


def test_offset_pages(flavour: Flavour, server: TestServer) -> None:
    server.set_handler(jobs_server(7))

    async def scenario(client: Any) -> list[Any]:
        page = await first_page(client.jobs.list(limit=3))
        assert (page.offset, page.total_size, page.has_next_page()) == (0, 7, True)
        second = await next_page(page)
        assert (items(second.items, "id"), second.offset, second.has_next_page()) == (["j3", "j4", "j5"], 3, True)
        third = await next_page(second)
        assert (items(third.items, "id"), third.offset, third.has_next_page()) == (["j6"], 6, False)
        assert repr(third).endswith("Page(items=1, offset=6, total_size=7)")
        with pytest.raises(RuntimeError, match="no next page"):
            await next_page(third)
        return await every_page(client.jobs.list(limit=3))

    pages = run(flavour, server, scenario)
    assert [items(p.items, "id") for p in pages] == [["j0", "j1", "j2"], ["j3", "j4", "j5"], ["j6"]]


def test_offset_ignored_by_the_server_ends_the_listing(flavour: Flavour, server: TestServer) -> None:
    server.set_handler(jobs_server(7, ignore_offset=True))
    seen = run(flavour, server, lambda client: every_item(client.jobs.list(limit=3)))
    assert items(seen, "id") == ["j0", "j1", "j2"]
    assert targets(server) == ["/jobs?limit=3", "/jobs?offset=3&limit=3"]


# -- cursor in the query ------------------------------------------------------------------------
def events_server(count: int, *, repeat_token: bool = False, ignore_token: bool = False) -> Any:
    """Cursors `c<start>`; `repeat_token` answers the second page with the cursor it was sent;
    `ignore_token` serves the first page for every cursor, with a fresh one each time."""
    served = itertools.count(1)

    def handle(request: RecordedRequest) -> Reply:
        number = next(served)
        token = query(request).get("page_token")
        start = 0 if token is None or ignore_token else int(token[1:])
        size = int(query(request).get("page_size", "2"))
        stop = min(start + size, count)
        events = [{"id": f"e{i}", "kind": "click"} for i in range(start, stop)]
        following = f"c{stop}" if stop < count else None
        if repeat_token and token is not None:
            following = token
        if ignore_token:
            following = f"c{number * size}"
        return Reply(200, body={"data": {"items": events}, "meta": {"next": following}})

    return give_up(handle, {"data": {"items": []}})


def test_cursor_in_the_query_follows_the_token_from_a_nested_field(flavour: Flavour, server: TestServer) -> None:
    server.set_handler(events_server(5))

    async def scenario(client: Any) -> list[Any]:
        page = await first_page(client.events.list(kind="click", page_size=2))
        assert (page.next_page_token, page.has_next_page(), page.total_size) == ("c2", True, None)
        assert repr(page).endswith("Page(items=2, has_next_page=True)")
        return await every_item(client.events.list(kind="click", page_size=2))

    seen = run(flavour, server, scenario)
    assert items(seen, "id") == ["e0", "e1", "e2", "e3", "e4"]
    assert targets(server)[1:] == [
        "/events?kind=click&page_size=2",
        "/events?kind=click&page_token=c2&page_size=2",
        "/events?kind=click&page_token=c4&page_size=2",
    ]  # the last page has `meta.next: null`


def test_cursor_pages_and_the_last_one(flavour: Flavour, server: TestServer) -> None:
    server.set_handler(events_server(3))
    pages = run(flavour, server, lambda client: every_page(client.events.list(page_size=2)))
    assert [items(p.items, "id") for p in pages] == [["e0", "e1"], ["e2"]]
    assert [(p.next_page_token, p.has_next_page()) for p in pages] == [("c2", True), (None, False)]


def test_cursor_sent_back_again_ends_the_listing(flavour: Flavour, server: TestServer) -> None:
    server.set_handler(events_server(9, repeat_token=True))
    seen = run(flavour, server, lambda client: every_item(client.events.list(page_size=2)))
    assert items(seen, "id") == ["e0", "e1", "e2", "e3"]
    assert targets(server) == ["/events?page_size=2", "/events?page_token=c2&page_size=2"]


def test_cursor_ignored_by_the_server_ends_the_listing(flavour: Flavour, server: TestServer) -> None:
    server.set_handler(events_server(9, ignore_token=True))  # the same two events, a fresh cursor each time
    seen = run(flavour, server, lambda client: every_item(client.events.list(page_size=2)))
    assert items(seen, "id") == ["e0", "e1"]
    assert len(server.requests) == 2


# -- cursor in the body of a POST ---------------------------------------------------------------
def search_server(count: int, *, repeat_token: bool = False) -> Any:
    def handle(request: RecordedRequest) -> Reply:
        body = request.json()
        token = body.get("page_token")
        start = int(token[1:]) if token else 0
        stop = min(start + body.get("page_size", 2), count)
        following = token if repeat_token and token else f"c{stop}" if stop < count else None
        return Reply(200, body={"items": [{"id": f"e{i}"} for i in range(start, stop)], "next_page_token": following})

    return give_up(handle, {"items": []})


def test_cursor_in_the_body_goes_back_in_the_body(flavour: Flavour, server: TestServer) -> None:
    server.set_handler(search_server(5))
    filters = {"query": "kind:click", "page_size": 2}
    seen = run(flavour, server, lambda client: every_item(client.events.search(extra_body=filters)))
    assert items(seen, "id") == ["e0", "e1", "e2", "e3", "e4"]
    assert [(r.method, r.target) for r in server.requests] == [("POST", "/events/search")] * 3
    assert [r.json() for r in server.requests] == [
        filters,
        {**filters, "page_token": "c2"},
        {**filters, "page_token": "c4"},
    ]
    assert all(r.header("content-type") == "application/json" for r in server.requests)


def test_cursor_in_the_body_sent_back_again_ends_the_listing(flavour: Flavour, server: TestServer) -> None:
    server.set_handler(search_server(9, repeat_token=True))
    pages = run(flavour, server, lambda client: every_page(client.events.search(extra_body={"page_size": 3})))
    assert [items(p.items, "id") for p in pages] == [["e0", "e1", "e2"], ["e3", "e4", "e5"]]
    assert [r.json().get("page_token") for r in server.requests] == [None, "c3"]


# -- page number --------------------------------------------------------------------------------
Totals = Literal["pages", "count", "none"]


def products_server(count: int, totals: Totals, *, ignore_page: bool = False) -> Any:
    """Pages from 1 of `per_page` products; sends the total pages, the total items, or neither."""

    def handle(request: RecordedRequest) -> Reply:
        page = 1 if ignore_page else int(query(request).get("page", "1"))
        size = int(query(request).get("per_page", "3"))
        start = (page - 1) * size
        body: dict[str, Any] = {"results": [{"sku": f"p{i}"} for i in range(start, min(start + size, count))]}
        if totals == "pages":
            body["total_pages"] = -(-count // size)
        elif totals == "count":
            body["count"] = count
        return Reply(200, body=body)

    return give_up(handle, {"results": []})


@pytest.mark.parametrize(("totals", "requests"), [("pages", 3), ("count", 3), ("none", 4)])
def test_page_numbers_advance_by_one_to_the_total(
    flavour: Flavour, server: TestServer, totals: Totals, requests: int
) -> None:
    server.set_handler(products_server(7, totals))
    seen = run(flavour, server, lambda client: every_item(client.products.list(category="tools", per_page=3)))
    assert items(seen, "sku") == [f"p{i}" for i in range(7)]
    expected = ["/products?category=tools&per_page=3"]
    expected += [f"/products?category=tools&page={n}&per_page=3" for n in (2, 3, 4)]
    assert targets(server) == expected[:requests]  # with no total, the empty fourth page ends it


def test_page_numbers_from_a_later_page(flavour: Flavour, server: TestServer) -> None:
    server.set_handler(products_server(7, "count"))

    async def scenario(client: Any) -> list[Any]:
        page = await first_page(client.products.list(page=2, per_page=3))
        assert (items(page.items, "sku"), page.offset, page.total_size, page.has_next_page()) == (
            ["p3", "p4", "p5"],
            3,
            7,
            True,
        )
        last = await next_page(page)
        assert (items(last.items, "sku"), last.offset, last.has_next_page()) == (["p6"], 6, False)
        assert repr(last).endswith("Page(items=1, total_size=7)")
        return await every_page(client.products.list(page=2))  # no page size given: counted from the pages

    pages = run(flavour, server, scenario)
    assert [items(p.items, "sku") for p in pages] == [["p3", "p4", "p5"], ["p6"]]
    assert targets(server)[-2:] == ["/products?page=2", "/products?page=3"]


def test_page_number_ignored_by_the_server_ends_the_listing(flavour: Flavour, server: TestServer) -> None:
    server.set_handler(products_server(7, "none", ignore_page=True))
    seen = run(flavour, server, lambda client: every_item(client.products.list()))
    assert items(seen, "sku") == ["p0", "p1", "p2"]
    assert targets(server) == ["/products", "/products?page=2"]


def tags_server(count: int) -> Any:
    def handle(request: RecordedRequest) -> Reply:
        page = int(query(request).get("p", "0"))
        return Reply(200, body=[{"name": f"t{i}"} for i in range(page * 2, min(page * 2 + 2, count))])

    return give_up(handle, [])


def test_page_numbers_from_zero_over_a_root_array(flavour: Flavour, server: TestServer) -> None:
    server.set_handler(tags_server(5))
    pages = run(flavour, server, lambda client: every_page(client.tags.list(prefix="t")))
    # With no total, only an empty page says the listing is over; it is a page of the listing too.
    assert [items(p.items, "name") for p in pages] == [["t0", "t1"], ["t2", "t3"], ["t4"], []]
    assert [type(p.parsed_body) for p in pages] == [list] * 4  # the page is the list the server sent
    assert [p.has_next_page() for p in pages] == [True, True, True, False]
    assert targets(server) == ["/tags?prefix=t", "/tags?prefix=t&p=1", "/tags?prefix=t&p=2", "/tags?prefix=t&p=3"]


# -- next URL in the body -----------------------------------------------------------------------
def orders_server(nexts: list[str | None]) -> Any:
    """Page n (from 1, by the `cursor` the URL carries) holds order o<n> and points at `nexts[n - 1]`."""

    def handle(request: RecordedRequest) -> Reply:
        number = int(query(request).get("cursor", "1"))
        if number > len(nexts):
            return Reply(200, body={"results": []})
        return Reply(200, body={"results": [{"id": f"o{number}"}], "links": {"next": nexts[number - 1]}})

    return give_up(handle, {"results": []})


def test_next_url_is_followed_as_it_is(flavour: Flavour, server: TestServer) -> None:
    nexts = ["/orders?status=open&cursor=2", f"{server.url}/orders?cursor=3&status=open", None]
    server.set_handler(orders_server(nexts))

    async def scenario(client: Any) -> list[Any]:
        listing = client.orders.list(status="open", session="s-1", extra_headers={"X-Trace": "t-9"})
        page = await first_page(listing)
        assert (page.next_page_url, page.has_next_page()) == (f"{server.url}/orders?status=open&cursor=2", True)
        return await every_item(listing)

    seen = run(flavour, server, scenario)
    assert items(seen, "id") == ["o1", "o2", "o3"]
    assert targets(server)[-3:] == [
        "/orders?status=open",
        "/orders?status=open&cursor=2",
        "/orders?cursor=3&status=open",
    ]
    for request in server.requests:  # the same origin: credentials, cookies and headers go along
        assert request.header("authorization") == f"Bearer {API_KEY}"
        assert (request.cookies, request.header("x-trace")) == ({"session": "s-1"}, "t-9")


def test_next_url_on_another_origin_gets_no_credentials(flavour: Flavour, server: TestServer) -> None:
    with TestServer() as elsewhere:
        server.set_handler(orders_server([f"{elsewhere.url}/v2/orders?page=2"]))
        elsewhere.set_handler(lambda request: Reply(200, body={"results": [{"id": "x1"}], "links": {"next": None}}))
        seen = run(flavour, server, lambda c: every_item(c.orders.list(session="s-1", extra_headers={"X-Trace": "t"})))
        (request,) = elsewhere.requests
    assert items(seen, "id") == ["o1", "x1"]
    assert request.target == "/v2/orders?page=2"
    assert (request.header("authorization"), request.cookies) == (None, {})
    assert request.header("x-trace") == "t"  # the caller's own header is no credential


def test_next_url_pointing_at_the_same_page_ends_the_listing(flavour: Flavour, server: TestServer) -> None:
    server.set_handler(orders_server(["/orders?status=open"]))
    pages = run(flavour, server, lambda client: every_page(client.orders.list(status="open")))
    assert [(items(p.items, "id"), p.has_next_page()) for p in pages] == [(["o1"], False)]
    assert len(server.requests) == 1


# -- Link header --------------------------------------------------------------------------------
def repos_server(server: TestServer) -> Any:
    """Three pages of two repositories, linked by `Link` headers written three different ways."""

    def handle(request: RecordedRequest) -> Reply:
        page = int(query(request).get("page", "1"))
        repos = [{"full_name": f"r{i}"} for i in range((page - 1) * 2, page * 2)]
        links = {
            1: [
                (
                    "Link",
                    f'<{server.url}/repos?page=1>; rel="first", '
                    '<?sort=name&per_page=2&page=2>; title="Next, then; more"; rel="next", '
                    f"<{server.url}/repos?page=3>; rel=last",
                )
            ],
            2: [
                ("Link", "</repos?sort=name&per_page=2&page=1>; rel=prev"),
                ("Link", f'<{server.url}/repos?sort=name&per_page=2&page=3> ;REL="last  Next"'),
            ],
            3: [("Link", '</repos?sort=name&per_page=2&page=2>; rel="prev"')],
        }[page]
        return Reply(200, headers=links, body=repos)

    return give_up(handle, [])


def test_link_header_next_links_are_followed(flavour: Flavour, server: TestServer) -> None:
    server.set_handler(repos_server(server))

    async def scenario(client: Any) -> list[Any]:
        page = await first_page(client.repos.list(sort="name", per_page=2))
        assert page.next_page_url == f"{server.url}/repos?sort=name&per_page=2&page=2"  # resolved
        return await every_page(client.repos.list(sort="name", per_page=2))

    pages = run(flavour, server, scenario)
    assert [items(p.items, "full_name") for p in pages] == [["r0", "r1"], ["r2", "r3"], ["r4", "r5"]]
    assert [p.has_next_page() for p in pages] == [True, True, False]
    assert targets(server)[1:] == [
        "/repos?sort=name&per_page=2",
        "/repos?sort=name&per_page=2&page=2",
        "/repos?sort=name&per_page=2&page=3",
    ]


def test_link_header_pointing_at_the_same_page_ends_the_listing(flavour: Flavour, server: TestServer) -> None:
    server.set_handler(lambda request: Reply(200, headers={"Link": '<>; rel="next"'}, body=[{"full_name": "r0"}]))
    seen = run(flavour, server, lambda client: every_item(client.repos.list()))
    assert items(seen, "full_name") == ["r0"]
    assert len(server.requests) == 1


def test_a_raw_first_page_still_iterates(flavour: Flavour, server: TestServer) -> None:
    server.set_handler(repos_server(server))

    async def scenario(client: Any) -> list[str]:
        raw = client.repos.with_raw_response.list(sort="name", per_page=2)
        raw = await raw if inspect.isawaitable(raw) else raw
        assert raw.headers["link"].startswith(f"<{server.url}/repos?page=1>")
        return items(await every_item_of_page(raw.parse()), "full_name")

    assert run(flavour, server, scenario) == [f"r{i}" for i in range(6)]


async def every_item_of_page(page: Any) -> list[Any]:
    if isinstance(page, pagination.AsyncPage):
        return [item async for item in page]
    return list(page)


def test_pages_are_fetched_lazily(server: TestServer) -> None:
    server.set_handler(events_server(6))
    with pagination.Client(api_key=API_KEY, base_url=server.url) as client:
        events: Iterator[Any] = iter(client.events.list(page_size=2))
        assert [next(events).id for _ in range(2)] == ["e0", "e1"]
        assert len(server.requests) == 1
        assert next(events).id == "e2"
        assert len(server.requests) == 2


WALKS: dict[str, tuple[Callable[[TestServer], Any], Callable[[Any], Any], str]] = {
    "cursor": (lambda s: events_server(5), lambda c: c.events.list(page_size=2), "id"),
    "cursor in the body": (lambda s: search_server(5), lambda c: c.events.search(extra_body={"page_size": 2}), "id"),
    "page": (lambda s: products_server(5, "pages"), lambda c: c.products.list(per_page=2), "sku"),
    "next-url": (
        lambda s: orders_server(["/orders?cursor=2", "/orders?cursor=3", None]),
        lambda c: c.orders.list(),
        "id",
    ),
    "link-header": (repos_server, lambda c: c.repos.list(), "full_name"),
}


@pytest.mark.parametrize("style", WALKS)
def test_get_next_page_walks_to_the_last_page(flavour: Flavour, server: TestServer, style: str) -> None:
    handler, listing, key = WALKS[style]
    server.set_handler(handler(server))

    async def scenario(client: Any) -> list[tuple[list[str], bool]]:
        page = await first_page(listing(client))
        walked = [(items(page.items, key), page.has_next_page())]
        while page.has_next_page():
            page = await next_page(page)
            walked.append((items(page.items, key), page.has_next_page()))
        with pytest.raises(RuntimeError, match="no next page; check has_next_page"):
            await next_page(page)
        return walked

    walked = run(flavour, server, scenario)
    assert [more for _, more in walked] == [True, True, False]
    sizes = {"next-url": [1, 1, 1], "link-header": [2, 2, 2]}.get(style, [2, 2, 1])
    assert [len(found) for found, _ in walked] == sizes
    assert len(server.requests) == 3
