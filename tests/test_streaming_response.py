"""`with_streaming_response` on the wire: every method of both clients gains it; the response is known
before its body is read, the body comes as it arrives (bytes in pieces of any size, text, lines, a
file) or whole (`read()`, `parse()`, within `max_response_bytes`), and the connection closes with the
`with` block. Binary operations still return `bytes` by default.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import llamacloud  # type: ignore[import-not-found, unused-ignore]
import pytest
from conftest import STATUS_BODY, job
from conftest import run as run_llamacloud
from support.chunks import Chunks
from support.server import Reply, TestServer
from support.streams import (
    API_KEY,
    SSE_HEADERS,
    Delays,
    Flavour,
    chunks_of,
    entered,
    items,
    lines_of,
    models,
    record_delays,
    resolve,
    run,
    sse,
    streaming,
    texts_of,
    until,
)

OCTETS = {"Content-Type": "application/octet-stream", "X-Request-Id": "req-file-1"}
FILE = bytes(range(256)) * 64  # 16 KiB, every byte value


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> Flavour:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def delays() -> Iterator[Delays]:
    yield from record_delays()


def test_binary_operations_still_return_bytes(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, headers=OCTETS, body=FILE))

    async def scenario(client: Any) -> None:
        assert await resolve(client.files.download("f1")) == FILE

    run(flavour, scenario, server.url)
    assert server.requests[0].header("accept") == "application/octet-stream"


def test_iter_bytes_in_pieces_of_any_size(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(
        Reply(200, headers=OCTETS, body=Chunks.every(0.01, [FILE[:1000], FILE[1000:1001], FILE[1001:]])),
        Reply(200, headers=OCTETS, body=FILE),
    )

    async def scenario(client: Any) -> None:
        async with entered(client.files.with_streaming_response.download("f1")) as response:
            assert (response.status_code, response.request_id) == (200, "req-file-1")
            assert response.headers["content-type"] == "application/octet-stream"
            pieces = await chunks_of(response, 4096)
        assert b"".join(pieces) == FILE
        assert [len(p) for p in pieces] == [4096] * 4
        assert response.http_response.is_closed
        async with entered(client.files.with_streaming_response.download("f1")) as response:
            assert b"".join(await chunks_of(response)) == FILE

    run(flavour, scenario, server.url)


def test_stream_to_file_writes_the_body_as_it_arrives(flavour: Flavour, server: TestServer, tmp_path: Path) -> None:
    server.enqueue(
        Reply(200, headers={"Content-Type": "image/png"}, body=Chunks.every(0.01, [FILE[:5000], FILE[5000:]]))
    )
    target = tmp_path / "preview.png"

    async def scenario(client: Any) -> None:
        async with entered(client.files.with_streaming_response.preview("f1")) as response:
            await resolve(response.stream_to_file(target))

    run(flavour, scenario, server.url)
    assert target.read_bytes() == FILE
    assert server.requests[0].header("accept") == "image/png"


def test_the_response_is_known_before_its_body_arrives(flavour: Flavour, server: TestServer) -> None:
    body = Chunks([(0, b"first "), (1.0, b"second")])
    server.enqueue(Reply(200, headers=OCTETS, body=body))

    async def scenario(client: Any) -> None:
        started = time.monotonic()
        async with entered(client.files.with_streaming_response.download("f1")) as response:
            assert time.monotonic() - started < 0.8  # entered with the headers, the body still coming
            assert response.status_code == 200
            assert await resolve(response.read()) == b"first second"
            assert await resolve(response.parse()) == b"first second"

    run(flavour, scenario, server.url)


def test_text_and_lines_as_they_arrive(flavour: Flavour, server: TestServer) -> None:
    text = "één\r\ntwee\nthree\rvier"
    encoded = text.encode()
    headers = {"Content-Type": "text/plain; charset=utf-8"}
    cuts = [encoded[:1], encoded[1:6], encoded[6:]]  # `é` split between the first two chunks
    server.enqueue(
        Reply(200, headers=headers, body=Chunks.every(0.01, cuts)),
        Reply(200, headers=headers, body=Chunks.every(0.01, cuts)),
    )

    async def scenario(client: Any) -> None:
        async with entered(client.files.with_streaming_response.download("f1")) as response:
            assert "".join(await texts_of(response)) == text
        async with entered(client.files.with_streaming_response.download("f1")) as response:
            assert await lines_of(response) == ["één", "twee", "three", "vier"]

    run(flavour, scenario, server.url)


def test_parse_gives_the_usual_value_of_a_json_operation(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, body={"id": "r1", "status": "done"}))

    async def scenario(client: Any) -> None:
        async with entered(client.reports.with_streaming_response.get("r1")) as response:
            assert await resolve(response.parse()) == models.Report(id="r1", status="done")
            assert await resolve(response.read()) == b'{"id": "r1", "status": "done"}'

    run(flavour, scenario, server.url)


def test_parse_of_a_streaming_operation_gives_its_stream(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(
        Reply(200, headers=SSE_HEADERS, body=sse({"step": "a", "percent": 5}) + sse({"step": "b", "percent": 6}))
    )

    async def scenario(client: Any) -> None:
        async with entered(client.jobs.with_streaming_response.watch("j1")) as response:
            assert response.headers["content-type"] == "text/event-stream"
            stream = await resolve(response.parse())
            assert [p.step for p in await items(stream)] == ["a", "b"]

    run(flavour, scenario, server.url)


def test_read_is_bounded_by_max_response_bytes_and_iteration_is_not(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, headers=OCTETS, body=FILE), Reply(200, headers=OCTETS, body=FILE))

    async def scenario(client: Any) -> None:
        async with entered(client.files.with_streaming_response.download("f1")) as response:
            with pytest.raises(streaming.ResponseTooLargeError):
                await resolve(response.read())
        async with entered(client.files.with_streaming_response.download("f1")) as response:
            assert b"".join(await chunks_of(response)) == FILE

    run(flavour, scenario, server.url, max_response_bytes=1000)


def test_a_download_cut_midway_raises_after_the_bytes_that_came(
    flavour: Flavour, server: TestServer, delays: Delays
) -> None:
    server.enqueue(Reply(200, headers=OCTETS, body=Chunks.every(0.02, [FILE[:3000], FILE[3000:6000]], cut=True)))

    async def scenario(client: Any) -> None:
        received = bytearray()
        with pytest.raises(streaming.APIConnectionError) as caught:
            async with entered(client.files.with_streaming_response.download("f1")) as response:
                if isinstance(response, streaming.AsyncStreamedResponse):
                    async for chunk in response.iter_bytes():
                        received += chunk
                else:
                    for chunk in response.iter_bytes():
                        received += chunk
        assert bytes(received) == FILE[:6000]
        assert API_KEY not in str(caught.value)

    run(flavour, scenario, server.url, max_retries=2)
    assert len(server.requests) == 1 and delays.waited == []


def test_a_body_failing_before_its_first_byte_is_fetched_again(
    flavour: Flavour, server: TestServer, delays: Delays
) -> None:
    server.enqueue(Reply(200, headers=OCTETS, body=Chunks([], cut=True)), Reply(200, headers=OCTETS, body=FILE))

    async def scenario(client: Any) -> None:
        async with entered(client.files.with_streaming_response.download("f1")) as response:
            assert b"".join(await chunks_of(response)) == FILE

    run(flavour, scenario, server.url, max_retries=2)
    assert len(server.requests) == 2 and len(delays.waited) == 1


def test_leaving_the_block_unread_closes_the_connection(flavour: Flavour, server: TestServer) -> None:
    body = Chunks.every(0.02, [b"x" * 1000] * 500)
    server.enqueue(Reply(200, headers=OCTETS, body=body))

    async def scenario(client: Any) -> None:
        async with entered(client.files.with_streaming_response.download("f1")) as response:
            assert response.status_code == 200
        assert response.http_response.is_closed
        assert await until(body.finished) and body.client_closed

    run(flavour, scenario, server.url)


def test_an_error_status_raises_on_entering(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(404, body={"message": "gone"}))

    async def scenario(client: Any) -> None:
        with pytest.raises(streaming.NotFoundError):
            async with entered(client.files.with_streaming_response.download("f1")):
                pytest.fail("entered despite the 404")

    run(flavour, scenario, server.url)


def test_the_llamacloud_client_has_it_on_every_method_and_at_the_top(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(
        Reply(200, body=STATUS_BODY),
        Reply(200, body={"items": [job(1), job(2)], "total_size": 2}),
    )

    async def scenario(client: Any) -> None:
        async with entered(client.with_streaming_response.beta.batch.get_status("bjb-1")) as response:
            status = await resolve(response.parse())
            assert status.progress_percentage == STATUS_BODY["progress_percentage"]
        async with entered(client.beta.with_streaming_response.batch.list(limit=2)) as response:
            page = await resolve(response.parse())
            assert [j.id for j in page.items] == ["bjb-1", "bjb-2"]

    run_llamacloud(flavour, scenario, base_url=server.url, max_retries=0)
    assert [r.path for r in server.requests] == [
        "/api/v1/beta/batch-processing/bjb-1",
        "/api/v1/beta/batch-processing",
    ]
    assert isinstance(llamacloud.StreamedResponse, type)
