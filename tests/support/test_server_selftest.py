"""Quick self-tests for the scriptable test server."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from .server import RecordedRequest, Reply, TestServer


@pytest.fixture
def server() -> Iterator[TestServer]:
    with TestServer() as srv:
        yield srv


def test_records_request_details(server: TestServer) -> None:
    server.enqueue(Reply(201, {"X-Reply": "yes"}, {"ok": True}))
    response = httpx.post(
        server.url + "/items/a%20b%2Fc?x=1&empty=&x=2&sp=a%20b",
        headers={"X-Custom": "Value", "Cookie": "session=abc; theme=dark"},
        json={"name": "thing"},
    )
    assert response.status_code == 201
    assert response.json() == {"ok": True}
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-reply"] == "yes"

    (req,) = server.requests
    assert req.method == "POST"
    assert req.path == "/items/a%20b%2Fc"
    assert req.query == "x=1&empty=&x=2&sp=a%20b"
    assert req.query_params == [("x", "1"), ("empty", ""), ("x", "2"), ("sp", "a b")]
    assert req.header("x-custom") == "Value"
    assert req.header("X-CUSTOM") == "Value"
    assert req.header("missing") is None
    assert ("X-Custom", "Value") in req.headers or ("x-custom", "Value") in req.headers
    assert req.cookies == {"session": "abc", "theme": "dark"}
    assert req.json() == {"name": "thing"}
    assert req.header("content-type") == "application/json"
    assert req.body == b'{"name":"thing"}'


def test_fifo_replies_keepalive_and_fallback(server: TestServer) -> None:
    server.enqueue(
        Reply(200, body=b"raw"),
        Reply(202, [("X-N", "2")], "text"),
        Reply(404, body=[1, 2]),
    )
    with httpx.Client(base_url=server.url) as client:
        first = client.get("/1")
        second = client.get("/2")
        third = client.get("/3")
        fourth = client.get("/4")
    assert (first.status_code, first.content) == (200, b"raw")
    assert (second.status_code, second.text, second.headers["x-n"]) == (202, "text", "2")
    assert second.headers["content-type"].startswith("text/plain")
    assert (third.status_code, third.json()) == (404, [1, 2])
    assert fourth.status_code == 500
    assert fourth.json()["error"] == "no reply scripted"
    assert [r.path for r in server.requests] == ["/1", "/2", "/3", "/4"]
    # all four requests travelled over one kept-alive connection
    assert len({r.connection_id for r in server.requests}) == 1


def test_dynamic_handler_after_queue(server: TestServer) -> None:
    def handler(req: RecordedRequest) -> Reply:
        return Reply(body={"echo": req.path, "q": req.query_params})

    server.set_handler(handler)
    server.enqueue(Reply(418))
    with httpx.Client(base_url=server.url) as client:
        assert client.get("/queued").status_code == 418
        assert client.get("/dyn", params={"a": "1"}).json() == {"echo": "/dyn", "q": [["a", "1"]]}
        assert client.delete("/other").json()["echo"] == "/other"


def test_handler_exception_becomes_500(server: TestServer) -> None:
    def handler(req: RecordedRequest) -> Reply:
        raise RuntimeError("boom")

    server.set_handler(handler)
    response = httpx.get(server.url + "/x")
    assert response.status_code == 500
    assert "boom" in response.json()["exception"]


def test_async_client_and_chunked_upload(server: TestServer) -> None:
    server.set_handler(lambda req: Reply(body={"len": len(req.body)}))

    async def upload() -> list[int]:
        async def chunks() -> AsyncIterator[bytes]:
            for part in (b"abc", b"defg", b"h"):
                yield part

        async with httpx.AsyncClient(base_url=server.url) as client:
            r1 = await client.post("/up", content=chunks())
            r2 = await client.put("/put", content=b"12345")
            return [r1.json()["len"], r2.json()["len"]]

    assert asyncio.run(upload()) == [8, 5]
    assert server.requests[0].body == b"abcdefgh"
    assert server.requests[0].header("transfer-encoding") == "chunked"


def test_head_and_no_content(server: TestServer) -> None:
    server.enqueue(Reply(body=b"0123456789"), Reply(204))
    with httpx.Client(base_url=server.url) as client:
        head = client.head("/h")
        assert head.headers["content-length"] == "10"
        assert head.content == b""
        assert client.delete("/d").status_code == 204
        server.enqueue(Reply(body="after"))
        assert client.get("/after").text == "after"
    assert len({r.connection_id for r in server.requests}) == 1


def test_drop_connection(server: TestServer) -> None:
    server.enqueue(Reply(drop_connection=True), Reply(body="recovered"))
    with httpx.Client(base_url=server.url) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/drop")
        assert client.get("/next").text == "recovered"
    assert len(server.requests) == 2


def test_close_mid_body(server: TestServer) -> None:
    server.enqueue(Reply(body=b"x" * 100, close_mid_body=True), Reply(body="ok"))
    with httpx.Client(base_url=server.url) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/partial")
        assert client.get("/next").text == "ok"


def test_drip_read_timeout(server: TestServer) -> None:
    server.enqueue(Reply(body=b"y" * 100, drip=0.2))
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(server.url + "/slow", timeout=httpx.Timeout(2.0, read=0.1))
    assert time.monotonic() - started < 1.0


def test_drip_completes(server: TestServer) -> None:
    server.enqueue(Reply(body=b"dripped", drip=0.005))
    assert httpx.get(server.url + "/drip").content == b"dripped"


def test_delay_read_timeout(server: TestServer) -> None:
    server.enqueue(Reply(body="late", delay=0.5))
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(server.url + "/late", timeout=httpx.Timeout(2.0, read=0.1))


def test_reset_and_wait_for_requests(server: TestServer) -> None:
    server.enqueue(Reply(), Reply())
    server.set_handler(lambda req: Reply(status=299))
    httpx.get(server.url + "/a")
    assert len(server.wait_for_requests(1)) == 1
    assert server.pending_replies == 1
    server.reset()
    assert server.requests == []
    assert server.pending_replies == 0
    assert httpx.get(server.url + "/b").status_code == 500  # handler cleared too
    with pytest.raises(TimeoutError):
        server.wait_for_requests(5, timeout=0.05)


def test_stop_is_fast_with_idle_and_busy_connections() -> None:
    before = set(threading.enumerate())
    srv = TestServer().start()
    srv.enqueue(Reply(body="idle"), Reply(body=b"z" * 1000, drip=0.5))
    client = httpx.Client(base_url=srv.url)
    assert client.get("/keepalive").text == "idle"  # leaves an idle keep-alive connection
    with client.stream("GET", "/busy") as response:  # a handler thread mid-drip
        next(response.iter_raw(1))
        started = time.monotonic()
        srv.stop()
        assert time.monotonic() - started < 0.5
    client.close()
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert leaked == []
