"""The generated client under faults: each gives its documented error, keeps what arrived where it
can, and never leaks a credential. Both clients, against a real server on 127.0.0.1."""

from __future__ import annotations

import json
from typing import Any

import llamacloud  # type: ignore[import-not-found, unused-ignore]
import pytest
from conftest import API_KEY, STATUS_BODY, AnyClient, Flavour, resolve, run
from support.server import Reply, TestServer

PATH = "/api/v1/beta/batch-processing/bjb-1"


def no_secret(error: BaseException) -> None:
    for text in (str(error), repr(error), repr(getattr(error, "request", None))):
        assert API_KEY not in text


def test_connection_closed_mid_body_keeps_what_arrived(flavour: Flavour, server: TestServer) -> None:
    body = json.dumps(STATUS_BODY).encode()
    server.enqueue(Reply(200, body=body, close_mid_body=True))

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.APIConnectionError) as caught:
            await resolve(client.beta.batch.get_status("bjb-1"))
        assert not isinstance(caught.value, llamacloud.APITimeoutError)
        assert caught.value.received == body[: len(caught.value.received)]
        assert 0 < len(caught.value.received) < len(body)
        no_secret(caught.value)

    run(flavour, scenario, base_url=server.url, max_retries=0)


def test_a_body_far_larger_than_expected_is_cut_off(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, body=b'{"job": "' + b"x" * 200_000 + b'"}'))

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.ResponseTooLargeError) as caught:
            await resolve(client.beta.batch.get_status("bjb-1"))
        assert caught.value.limit == 10_000
        assert "max_response_bytes (10000)" in str(caught.value)
        no_secret(caught.value)

    run(flavour, scenario, base_url=server.url, max_retries=0, max_response_bytes=10_000)


def test_invalid_utf8_keeps_the_raw_body(flavour: Flavour, server: TestServer) -> None:
    raw = b'{"job": {"id": "\xff\xfe"}, "progress_percentage": 1}'
    server.enqueue(Reply(200, body=raw, headers={"Content-Type": "application/json"}))

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.ResponseValidationError) as caught:
            await resolve(client.beta.batch.get_status("bjb-1"))
        assert caught.value.body == raw
        assert caught.value.status_code == 200
        no_secret(caught.value)

    run(flavour, scenario, base_url=server.url, max_retries=0)


def test_a_lying_content_type_is_judged_by_the_body(flavour: Flavour, server: TestServer) -> None:
    html = b"<html><body>maintenance</body></html>"
    server.enqueue(
        Reply(200, body=html, headers={"Content-Type": "application/json"}),
        Reply(200, body=json.dumps(STATUS_BODY).encode(), headers={"Content-Type": "text/html"}),
    )

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.ResponseValidationError) as caught:
            await resolve(client.beta.batch.get_status("bjb-1"))
        assert caught.value.body == html
        status = await resolve(client.beta.batch.get_status("bjb-1"))
        assert status.progress_percentage == STATUS_BODY["progress_percentage"]

    run(flavour, scenario, base_url=server.url, max_retries=0)


def test_a_redirect_to_another_host_carries_no_credential(flavour: Flavour, server: TestServer) -> None:
    with TestServer() as other:
        other.enqueue(Reply(200, body=STATUS_BODY))
        server.enqueue(Reply(302, headers={"Location": f"{other.url}/elsewhere?key=1"}))

        async def scenario(client: AnyClient) -> None:
            status = await resolve(client.beta.batch.get_status("bjb-1", session="s-cookie"))
            assert status.job.id == STATUS_BODY["job"]["id"]

        run(flavour, scenario, base_url=server.url, max_retries=0)
        first, moved = server.requests[0], other.requests[0]
        assert first.header("authorization") == f"Bearer {API_KEY}"
        assert (moved.path, moved.query) == ("/elsewhere", "key=1")
        assert moved.header("authorization") is None
        assert moved.header("cookie") is None
        assert all(API_KEY not in value for _, value in moved.headers)


def test_a_redirect_on_the_same_host_keeps_the_credential(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(307, headers={"Location": "/moved"}), Reply(200, body=STATUS_BODY))

    async def scenario(client: AnyClient) -> None:
        await resolve(client.beta.batch.get_status("bjb-1"))

    run(flavour, scenario, base_url=server.url, max_retries=0)
    assert [r.path for r in server.requests] == [PATH, "/moved"]
    assert server.requests[1].header("authorization") == f"Bearer {API_KEY}"


def test_endless_redirects_end_in_a_status_error(flavour: Flavour, server: TestServer) -> None:
    server.set_handler(lambda request: Reply(302, headers={"Location": "/again"}))

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.APIStatusError) as caught:
            await resolve(client.beta.batch.get_status("bjb-1"))
        assert caught.value.status_code == 302

    run(flavour, scenario, base_url=server.url, max_retries=0)
    assert len(server.requests) == 6  # the call and five redirects


def test_a_slow_drip_still_times_out(flavour: Flavour, server: TestServer) -> None:
    body = json.dumps(STATUS_BODY).encode()
    server.enqueue(Reply(200, body=body, drip=0.02))  # every byte well within the read timeout

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.APITimeoutError) as caught:
            await resolve(client.with_options(timeout=0.4).beta.batch.get_status("bjb-1"))
        assert 0 < len(caught.value.received) < len(body)
        assert body.startswith(caught.value.received)
        no_secret(caught.value)

    options: dict[str, Any] = {"base_url": server.url, "max_retries": 0}
    run(flavour, scenario, **options)


def test_responses_already_read_by_the_transport_are_accepted(flavour: Flavour) -> None:
    """httpx reads a response made from bytes (a MockTransport's, say) before the client sees it."""
    import asyncio

    import httpx

    body = json.dumps(STATUS_BODY).encode()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    if flavour == "sync":
        client = llamacloud.Client(
            api_key=API_KEY, base_url="http://test", http_client=httpx.Client(transport=transport)
        )
        status = client.beta.batch.get_status("bjb-1")
    else:
        aclient = llamacloud.AsyncClient(
            api_key=API_KEY, base_url="http://test", http_client=httpx.AsyncClient(transport=transport)
        )
        status = asyncio.run(aclient.beta.batch.get_status("bjb-1"))
    assert status.progress_percentage == STATUS_BODY["progress_percentage"]
