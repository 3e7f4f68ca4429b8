"""Event streams on the wire: the `streaming` fixture package's sync and async clients against the
loopback server, which sends its bodies in chunks, with delays, and cuts connections.

Items come typed as they arrive; a declared terminator ends the stream and a declared error event
raises; the read timeout bounds each read, never the whole stream; retries happen only before the
first event; a stream that breaks later raises once everything received is out; breaking out of the
loop closes the connection (the server sees the hang-up).
"""

from __future__ import annotations

import contextlib
import io
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from support.chunks import Chunks
from support.server import Reply, TestServer
from support.streams import (
    API_KEY,
    SSE_HEADERS,
    STREAMING_FOLDER,
    Delays,
    Flavour,
    events,
    into,
    items,
    jsonl,
    models,
    record_delays,
    resolve,
    run,
    sse,
    streaming,
    until,
)


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> Flavour:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def delays() -> Iterator[Delays]:
    yield from record_delays()


CHUNKS = [{"id": "c1", "delta": "Hel", "index": 0}, {"id": "c1", "delta": "lo", "index": 1}]


# -- typed items, terminator, error events, the formats ------------------------------------------
def test_stream_true_gives_typed_chunks_until_the_terminator(flavour: Flavour, server: TestServer) -> None:
    body = b"".join([sse(CHUNKS[0]), b": keep-alive\n\n", sse(CHUNKS[1]), sse("[DONE]"), sse({"id": "after"})])
    server.enqueue(Reply(200, headers=SSE_HEADERS, body=body))

    async def scenario(client: Any) -> None:
        stream = await resolve(client.chat.create_completion(prompt="hi", stream=True))
        assert isinstance(stream, streaming.AsyncStream if flavour == "async" else streaming.Stream)
        assert (stream.response.status_code, stream.request_id) == (200, "req-stream-1")
        found = await items(stream)
        assert found == [models.CompletionChunk(**chunk) for chunk in CHUNKS]
        assert stream.response.is_closed

    run(flavour, scenario, server.url)
    (request,) = server.requests
    assert request.json() == {"prompt": "hi", "stream": True}
    assert request.header("accept") == "text/event-stream"
    assert request.header("authorization") == f"Bearer {API_KEY}"


def test_without_stream_the_same_call_gives_the_whole_json(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, body={"id": "c1", "text": "Hello"}))

    async def scenario(client: Any) -> None:
        completion = await resolve(client.chat.create_completion(prompt="hi", extra_body={"stream": True}))
        assert completion == models.Completion(id="c1", text="Hello")

    run(flavour, scenario, server.url)
    (request,) = server.requests
    assert request.json() == {"prompt": "hi", "stream": False}  # the keyword decides, over the body's
    assert request.header("accept") == "application/json"


def test_with_no_body_flag_the_choice_is_the_accept_header(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(
        Reply(200, headers=SSE_HEADERS, body=sse({"percent": 50}) + sse({"percent": 100})),
        Reply(200, body={"id": "r1", "status": "done"}),
    )

    async def scenario(client: Any) -> None:
        stream = await resolve(client.reports.get("r1", stream="sales", stream_=True))
        assert [p.percent for p in await items(stream)] == [50, 100]
        report = await resolve(client.reports.get("r1", stream="sales"))
        assert report.status == "done"

    run(flavour, scenario, server.url)
    streamed, whole = server.requests
    assert (streamed.target, streamed.header("accept")) == ("/reports/r1?stream=sales", "text/event-stream")
    assert (whole.target, whole.header("accept")) == ("/reports/r1?stream=sales", "application/json")
    assert streamed.body == whole.body == b""


def test_an_error_event_raises_after_the_events_before_it(flavour: Flavour, server: TestServer) -> None:
    error = {"message": f"disk full (key {API_KEY})", "code": 507}
    body = sse({"step": "load", "percent": 10}, id="1") + sse(error, event="error", id="2") + sse({"step": "x"})
    server.enqueue(Reply(200, headers=SSE_HEADERS, body=body))

    async def scenario(client: Any) -> None:
        found: list[Any] = []
        with pytest.raises(streaming.StreamEventError) as caught:
            await into(found, await resolve(client.jobs.watch("j1")))
        assert found == [models.JobProgress(step="load", percent=10)]
        assert caught.value.body == error
        assert caught.value.event.event == "error" and caught.value.event.id == "2"
        assert "disk full" in str(caught.value) and API_KEY not in str(caught.value)
        assert isinstance(caught.value, streaming.APIError)
        assert caught.value.response.status_code == 200

    run(flavour, scenario, server.url)


def test_multi_line_data_and_text_events(flavour: Flavour, server: TestServer) -> None:
    body = sse("line one\nline two") + b"event: log\nid: 9\nretry: 500\ndata: {not json}\n\n"
    server.enqueue(Reply(200, headers=SSE_HEADERS, body=body), Reply(200, headers=SSE_HEADERS, body=body))

    async def scenario(client: Any) -> None:
        assert await items(await resolve(client.jobs.tail_log("j1"))) == ["line one\nline two", "{not json}"]
        raw = await events(await resolve(client.jobs.tail_log("j1")))
        assert [(e.event, e.data, e.id, e.retry) for e in raw] == [
            ("message", "line one\nline two", None, None),
            ("log", "{not json}", "9", 500),
        ]

    run(flavour, scenario, server.url)


def test_json_lines_ndjson_and_json_sequences(flavour: Flavour, server: TestServer) -> None:
    results = [{"item": "a", "ok": True}, {"item": "b", "ok": False}]
    samples = [{"name": "cpu", "value": 0.5}, {"name": "mem", "value": 2}]
    server.enqueue(
        Reply(
            200,
            headers={"Content-Type": "application/x-ndjson"},
            body=Chunks.every(0.01, [jsonl(results)[:9], jsonl(results)[9:]]),
        ),
        Reply(200, headers={"Content-Type": "application/jsonl"}, body=jsonl(samples).rstrip(b"\n")),
        Reply(
            200, headers={"Content-Type": "application/json-seq"}, body=b"".join(b"\x1e" + jsonl([s]) for s in samples)
        ),
    )

    async def scenario(client: Any) -> None:
        assert await items(await resolve(client.jobs.export_results("j1"))) == [models.JobResult(**r) for r in results]
        metrics = await items(await resolve(client.metrics.stream()))
        assert [(m.name, m.value) for m in metrics] == [("cpu", 0.5), ("mem", 2)]
        assert type(metrics[0]).__name__ == "StreamMetricsEvent"  # the inline item schema, hoisted
        sequence = await items(await resolve(client.metrics.sequence()))
        assert sequence == [models.Sample(**s) for s in samples]

    run(flavour, scenario, server.url)
    assert [r.header("accept") for r in server.requests] == [
        "application/x-ndjson",
        "application/jsonl",
        "application/json-seq",
    ]


def test_an_event_not_matching_its_schema_is_a_validation_error(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, headers=SSE_HEADERS, body=sse(CHUNKS[0]) + sse({"id": 5})))

    async def scenario(client: Any) -> None:
        found: list[Any] = []
        with pytest.raises(streaming.ResponseValidationError) as caught:
            await into(found, await resolve(client.chat.create_completion(prompt="p", stream=True)))
        assert len(found) == 1
        assert caught.value.body == b'{"id": 5}'
        assert isinstance(caught.value, streaming.StreamDataError)
        assert str(caught.value).startswith("The event 'message' of the 200 stream did not match the schema: ")

    run(flavour, scenario, server.url)


def test_an_event_whose_data_is_not_json_raises_naming_the_event(flavour: Flavour, server: TestServer) -> None:
    body = sse(CHUNKS[0]) + b"event: delta\nid: 7\ndata: Hello there\n\n" + sse("[DONE]")
    server.enqueue(Reply(200, headers=SSE_HEADERS, body=body))

    async def scenario(client: Any) -> None:
        found: list[Any] = []
        with pytest.raises(streaming.StreamDataError) as caught:
            await into(found, await resolve(client.chat.create_completion(prompt="p", stream=True)))
        assert found == [models.CompletionChunk(**CHUNKS[0])]
        assert str(caught.value) == (
            "The event 'delta' (id '7') of the 200 stream is not JSON, as the stream declares: data 'Hello there'"
        )
        assert (caught.value.event.event, caught.value.event.id, caught.value.body) == ("delta", "7", b"Hello there")
        assert isinstance(caught.value, streaming.ResponseValidationError)

    run(flavour, scenario, server.url)


def test_terminator_null_delivers_done_as_data(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, headers=SSE_HEADERS, body=sse("one") + sse("[DONE]") + sse("two")))

    async def scenario(client: Any) -> None:
        assert await items(await resolve(client.jobs.tail_log("j1"))) == ["one", "[DONE]", "two"]

    run(flavour, scenario, server.url)


def test_an_error_status_raises_at_the_call_with_its_typed_body(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(404, body={"message": "no such job"}))

    async def scenario(client: Any) -> None:
        with pytest.raises(streaming.NotFoundError) as caught:
            await resolve(client.jobs.watch("j1"))
        assert caught.value.body == models.Error(message="no such job")

    run(flavour, scenario, server.url)


def test_with_raw_response_reads_the_stream_whole_then_parses_it(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, headers=SSE_HEADERS, body=sse(CHUNKS[0]) + sse("[DONE]")))

    async def scenario(client: Any) -> None:
        raw = await resolve(client.chat.with_raw_response.create_completion(prompt="p", stream=True))
        assert raw.content.startswith(b"data: ")
        assert await items(raw.parse()) == [models.CompletionChunk(**CHUNKS[0])]

    run(flavour, scenario, server.url)


# -- timeouts ---------------------------------------------------------------------------------
def test_a_stream_outlives_the_timeout_while_it_keeps_sending(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(
        Reply(200, headers=SSE_HEADERS, body=Chunks.every(0.3, [sse({"step": str(i), "percent": i}) for i in range(9)]))
    )

    async def scenario(client: Any) -> None:
        started = time.monotonic()
        found = await items(await resolve(client.jobs.watch("j1")))
        assert [p.percent for p in found] == list(range(9))
        assert time.monotonic() - started > 2.2  # the body took longer than the 1 s timeout

    run(flavour, scenario, server.url, timeout=1.0)


def test_a_pause_longer_than_the_read_timeout_ends_it_after_what_arrived(
    flavour: Flavour, server: TestServer, delays: Delays
) -> None:
    server.enqueue(
        Reply(
            200,
            headers=SSE_HEADERS,
            body=Chunks([(0, sse({"step": "a", "percent": 1})), (2.0, sse({"step": "b", "percent": 2}))]),
        )
    )

    async def scenario(client: Any) -> None:
        found: list[Any] = []
        with pytest.raises(streaming.APITimeoutError) as caught:
            await into(found, await resolve(client.jobs.watch("j1")))
        assert [p.step for p in found] == ["a"]
        assert API_KEY not in str(caught.value)

    run(flavour, scenario, server.url, timeout=0.5, max_retries=2)
    assert len(server.requests) == 1 and delays.waited == []  # no retry once an event was out


def test_a_buffered_call_keeps_the_deadline_of_the_whole_response(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(
        Reply(200, headers={"Content-Type": "application/octet-stream"}, body=Chunks.every(0.3, [b"x" * 10] * 8))
    )

    async def scenario(client: Any) -> None:
        started = time.monotonic()
        with pytest.raises(streaming.APITimeoutError):
            await resolve(client.files.download("f1"))
        assert time.monotonic() - started < 2.0

    run(flavour, scenario, server.url, timeout=1.0)


# -- faults and retries -----------------------------------------------------------------------
def test_a_cut_mid_stream_raises_after_every_complete_event(
    flavour: Flavour, server: TestServer, delays: Delays
) -> None:
    parts = [sse({"step": "a", "percent": 1}), sse({"step": "b", "percent": 2}), b'data: {"step": "c", "per']
    server.enqueue(Reply(200, headers=SSE_HEADERS, body=Chunks.every(0.02, parts, cut=True)))

    async def scenario(client: Any) -> None:
        found: list[Any] = []
        with pytest.raises(streaming.APIConnectionError) as caught:
            await into(found, await resolve(client.jobs.watch("j1")))
        assert not isinstance(caught.value, streaming.APITimeoutError)
        assert [p.step for p in found] == ["a", "b"]
        assert API_KEY not in str(caught.value)

    run(flavour, scenario, server.url, max_retries=2)
    assert len(server.requests) == 1 and delays.waited == []


def test_a_cut_before_the_first_event_is_retried(flavour: Flavour, server: TestServer, delays: Delays) -> None:
    server.enqueue(
        Reply(200, headers=SSE_HEADERS, body=Chunks([(0, b'data: {"step": "a", "per')], cut=True)),
        Reply(503, headers={"Retry-After": "0"}),
        Reply(200, headers=SSE_HEADERS, body=sse({"step": "a", "percent": 1}) + sse({"step": "b", "percent": 2})),
    )

    async def scenario(client: Any) -> None:
        assert [p.step for p in await items(await resolve(client.jobs.watch("j1")))] == ["a", "b"]

    run(flavour, scenario, server.url, max_retries=2)
    assert len(server.requests) == 3 and len(delays.waited) == 2


def test_retries_spent_before_the_first_event_raise_the_connection_error(
    flavour: Flavour, server: TestServer, delays: Delays
) -> None:
    cut = Reply(200, headers=SSE_HEADERS, body=Chunks([(0, b"data: {")], cut=True))
    server.enqueue(cut, Reply(200, headers=SSE_HEADERS, body=Chunks([(0, b"data: {")], cut=True)))

    async def scenario(client: Any) -> None:
        with pytest.raises(streaming.APIConnectionError):
            await items(await resolve(client.jobs.watch("j1")))

    run(flavour, scenario, server.url, max_retries=1)
    assert len(server.requests) == 2 and len(delays.waited) == 1


def test_a_non_idempotent_stream_is_not_retried(flavour: Flavour, server: TestServer, delays: Delays) -> None:
    server.enqueue(Reply(200, headers=SSE_HEADERS, body=Chunks([(0, b"data: {")], cut=True)))

    async def scenario(client: Any) -> None:
        with pytest.raises(streaming.APIConnectionError):
            await items(await resolve(client.chat.create_completion(prompt="p", stream=True)))

    run(flavour, scenario, server.url, max_retries=2)
    assert len(server.requests) == 1 and delays.waited == []


# -- closing ----------------------------------------------------------------------------------
def test_breaking_out_of_the_loop_closes_the_connection(flavour: Flavour, server: TestServer) -> None:
    body = Chunks.every(0.02, [sse({"step": str(i), "percent": i}) for i in range(500)])
    server.enqueue(Reply(200, headers=SSE_HEADERS, body=body))

    async def scenario(client: Any) -> None:
        stream = await resolve(client.jobs.watch("j1"))
        assert [p.percent for p in await items(stream, limit=2)] == [0, 1]
        assert await until(body.finished), "the server is still sending"
        assert body.client_closed and body.sent < 50

    run(flavour, scenario, server.url)


def test_leaving_the_with_block_closes_the_connection(flavour: Flavour, server: TestServer) -> None:
    body = Chunks.every(0.02, [sse({"step": str(i), "percent": i}) for i in range(500)])
    server.enqueue(Reply(200, headers=SSE_HEADERS, body=body))

    async def scenario(client: Any) -> None:
        stream = await resolve(client.jobs.watch("j1"))
        if flavour == "async":
            async with stream:
                assert (await stream.__aiter__().__anext__()).percent == 0
        else:
            with stream:
                assert next(iter(stream)).percent == 0
        assert stream.response.is_closed
        assert await until(body.finished) and body.client_closed
        assert await items(stream) == []  # read once: a closed stream gives nothing more

    run(flavour, scenario, server.url)


# -- the package README's streaming examples, as written -------------------------------------------
def test_the_readme_streaming_examples_run_sync_and_async(server: TestServer, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (STREAMING_FOLDER / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Streaming\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```python\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)
    assert len(blocks) == 2 and "async for event in stream" in blocks[1]
    body = sse(CHUNKS[0]) + sse(CHUNKS[1]) + sse("[DONE]") + sse({"id": "never read"})
    monkeypatch.setenv("STREAMING_BASE_URL", server.url)
    monkeypatch.setenv("STREAMING_API_KEY", API_KEY)
    for code in blocks:
        server.enqueue(Reply(200, headers=SSE_HEADERS, body=body))
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, "README.md", "exec"), {"__name__": "__main__"})
        assert printed.getvalue().splitlines() == [str(models.CompletionChunk(**chunk)) for chunk in CHUNKS]
    assert [r.json() for r in server.requests] == [{"prompt": "prompt", "stream": True}] * 2
