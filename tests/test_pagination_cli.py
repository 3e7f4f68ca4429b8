"""The generated command line pages every `x-pagination` style (tests/fixtures/pagination): with
`--format jsonl` it prints one line per item of every page, exactly as the server sent it, and
`--max-items N` stops after N items without fetching the pages beyond them."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
from support.server import RecordedRequest, Reply, TestServer

_ROOT = str(goldens.fixture_expected("pagination").parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from pagination.__main__ import main  # type: ignore[import-not-found, unused-ignore]  # noqa: E402

API_KEY = "pg-cli-key-3e8d0a"


def params(request: RecordedRequest) -> dict[str, str]:
    return dict(request.query_params)


def five_per_style(server: TestServer) -> Callable[[RecordedRequest], Reply]:
    """A server answering every list of the fixture with items i0..i4, two a page, in each style."""

    def window(start: int, size: int = 2) -> list[int]:
        return list(range(start, min(start + size, 5)))

    def handle(request: RecordedRequest) -> Reply:
        q = params(request)
        if request.path == "/jobs":
            offset = int(q.get("offset", "0"))
            return Reply(200, body={"items": [{"id": f"i{i}"} for i in window(offset)], "meta": {"total": 5}})
        if request.path == "/events":
            start = int(q.get("page_token", "c0")[1:])
            following = f"c{start + 2}" if start + 2 < 5 else None
            return Reply(
                200, body={"data": {"items": [{"id": f"i{i}"} for i in window(start)]}, "meta": {"next": following}}
            )
        if request.path == "/events/search":
            start = int((request.json().get("page_token") or "c0")[1:])
            following = f"c{start + 2}" if start + 2 < 5 else None
            return Reply(200, body={"items": [{"id": f"i{i}"} for i in window(start)], "next_page_token": following})
        if request.path == "/products":
            page = int(q.get("page", "1"))
            return Reply(200, body={"results": [{"sku": f"i{i}"} for i in window((page - 1) * 2)], "total_pages": 3})
        if request.path == "/tags":
            page = int(q.get("p", "0"))
            return Reply(200, body=[{"name": f"i{i}"} for i in window(page * 2)])
        if request.path == "/orders":
            page = int(q.get("page", "1"))
            following = f"/orders?page={page + 1}" if page < 3 else None
            return Reply(
                200, body={"results": [{"id": f"i{i}"} for i in window((page - 1) * 2)], "links": {"next": following}}
            )
        page = int(q.get("page", "1"))  # /repos
        links = {"Link": f'<{server.url}/repos?page={page + 1}>; rel="next"'} if page < 3 else {}
        return Reply(200, headers=links, body=[{"full_name": f"i{i}"} for i in window((page - 1) * 2)])

    return handle


COMMANDS = {
    "offset": (["jobs", "list"], "id"),
    "cursor": (["events", "list"], "id"),
    "cursor in the body": (["events", "search", "--query", "shoes"], "id"),
    "page": (["products", "list"], "sku"),
    "page, root array": (["tags", "list"], "name"),
    "next-url": (["orders", "list"], "id"),
    "link-header": (["repos", "list"], "full_name"),
}


def cli(server: TestServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    monkeypatch.setenv("PAGING_API_KEY", API_KEY)
    monkeypatch.setenv("PAGING_BASE_URL", server.url)
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert (code, err) == (0, ""), err
    return out


@pytest.mark.parametrize("style", COMMANDS)
def test_jsonl_prints_every_item_of_every_page(
    server: TestServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], style: str
) -> None:
    server.set_handler(five_per_style(server))
    words, key = COMMANDS[style]
    out = cli(server, monkeypatch, capsys, *words, "--format", "jsonl")
    assert out.splitlines() == [json.dumps({key: f"i{i}"}, separators=(",", ":")) for i in range(5)]
    pages = 4 if style == "page, root array" else 3  # only an empty page ends a listing with no total
    assert len(server.requests) == pages
    assert all(r.header("authorization") == f"Bearer {API_KEY}" for r in server.requests)


@pytest.mark.parametrize("style", COMMANDS)
def test_max_items_stops_the_listing(
    server: TestServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], style: str
) -> None:
    server.set_handler(five_per_style(server))
    words, key = COMMANDS[style]
    out = cli(server, monkeypatch, capsys, *words, "--format", "jsonl", "--max-items", "3")
    assert [json.loads(line)[key] for line in out.splitlines()] == ["i0", "i1", "i2"]
    assert len(server.requests) == 2  # the third page is never asked for


def test_json_prints_the_first_page_as_sent(
    server: TestServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server.set_handler(five_per_style(server))
    out = cli(server, monkeypatch, capsys, "tags", "list", "--prefix", "i")
    assert json.loads(out) == [{"name": "i0"}, {"name": "i1"}]
    assert [r.target for r in server.requests] == ["/tags?prefix=i"]
