"""Errors on the wire: one class per status family, parsed bodies, malformed and off-schema 2xx bodies,
HTML error pages, timeouts, dropped connections, and the API key kept out of every text."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable

import llamacloud  # type: ignore[import-not-found, unused-ignore]
import pytest
from conftest import API_KEY, JOB, STATUS_BODY, AnyClient, Flavour, first_page, resolve, run
from llamacloud.models import HTTPValidationError  # type: ignore[import-not-found, unused-ignore]
from support.server import Reply, TestServer

VALIDATION_BODY = {
    "detail": [{"loc": ["query", "limit"], "msg": "Input should be a valid integer", "type": "int_parsing"}]
}
HTML_502 = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, llamacloud.BadRequestError),
        (401, llamacloud.AuthenticationError),
        (403, llamacloud.PermissionDeniedError),
        (404, llamacloud.NotFoundError),
        (409, llamacloud.ConflictError),
        (418, llamacloud.APIStatusError),
        (429, llamacloud.RateLimitError),
        (500, llamacloud.InternalServerError),
        (503, llamacloud.InternalServerError),
    ],
)
def test_each_status_family_has_its_error_class(
    flavour: Flavour, server: TestServer, status: int, error_class: type[llamacloud.APIStatusError]
) -> None:
    body = {"detail": f"status {status}"}
    server.enqueue(Reply(status, headers={"x-request-id": f"req-{status}"}, body=body))

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.APIStatusError) as caught:
            await resolve(client.beta.batch.get_status("bjb-1"))
        error = caught.value
        assert type(error) is error_class
        assert isinstance(error, llamacloud.APIError)
        assert error.status_code == status
        assert error.response.status_code == status
        assert error.body == body
        assert error.request_id == f"req-{status}"
        assert str(error) == f'Error code: {status} - {{"detail": "status {status}"}}'
        assert error.request is not None
        assert error.request.url.path == "/api/v1/beta/batch-processing/bjb-1"

    run(flavour, scenario, base_url=server.url, max_retries=0)
    assert len(server.requests) == 1


def test_a_422_body_parses_into_the_validation_error_model(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(422, body=VALIDATION_BODY), Reply(422, body=VALIDATION_BODY))

    async def scenario(client: AnyClient) -> None:
        errors: list[llamacloud.UnprocessableEntityError] = []
        with pytest.raises(llamacloud.UnprocessableEntityError) as on_get:
            await resolve(client.beta.batch.get_status("bjb-1"))
        errors.append(on_get.value)
        with pytest.raises(llamacloud.UnprocessableEntityError) as on_list:
            await first_page(client.beta.batch.list(limit=1))
        errors.append(on_list.value)
        for error in errors:
            assert error.status_code == 422
            assert error.request_id is None
            assert isinstance(error.body, HTTPValidationError)
            assert error.body.detail is not None
            assert [(d.loc, d.msg, d.type) for d in error.body.detail] == [
                (["query", "limit"], "Input should be a valid integer", "int_parsing")
            ]

    run(flavour, scenario, base_url=server.url, max_retries=0)
    assert len(server.requests) == 2


def test_a_422_body_off_the_model_is_read_leniently_or_kept_as_json(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(422, body={"detail": "not a list"}), Reply(422, body={"detail": "not a list"}))

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.UnprocessableEntityError) as caught:
            await resolve(client.beta.batch.get_status("bjb-1"))
        assert type(caught.value.body) is llamacloud.models.HTTPValidationError
        assert caught.value.body.detail == "not a list"
        with pytest.raises(llamacloud.UnprocessableEntityError) as strict:
            await resolve(client.with_options(strict_response_validation=True).beta.batch.get_status("bjb-1"))
        assert strict.value.body == {"detail": "not a list"}

    run(flavour, scenario, base_url=server.url, max_retries=0)


def test_an_html_502_keeps_the_page_as_text(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(502, headers={"Content-Type": "text/html"}, body=HTML_502))

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.InternalServerError) as caught:
            await resolve(client.beta.batch.get_status("bjb-1"))
        assert caught.value.status_code == 502
        assert caught.value.body == HTML_502
        assert str(caught.value) == f"Error code: 502 - {HTML_502}"

    run(flavour, scenario, base_url=server.url, max_retries=0)


def test_a_long_error_body_is_cut_in_the_message_but_kept_whole(flavour: Flavour, server: TestServer) -> None:
    page = "x" * 2000
    server.enqueue(Reply(500, body=page))

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.InternalServerError) as caught:
            await resolve(client.beta.batch.get_status("bjb-1"))
        assert str(caught.value) == "Error code: 500 - " + "x" * 500 + "..."
        assert caught.value.body == page

    run(flavour, scenario, base_url=server.url, max_retries=0)


def test_malformed_json_in_a_2xx_raises_response_validation_error(flavour: Flavour, server: TestServer) -> None:
    raw = b'{"job": {"id": "bjb-1", '
    server.enqueue(Reply(200, headers={"Content-Type": "application/json"}, body=raw))

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.ResponseValidationError) as caught:
            await resolve(client.beta.batch.get_status("bjb-1"))
        error = caught.value
        assert error.body == raw
        assert error.status_code == 200
        assert error.response.content == raw
        assert str(error) == (
            "The 200 response of GET /api/v1/beta/batch-processing/{job_id} did not match the schema: "
            "1 error(s), first at body: Invalid JSON: EOF while parsing a value at line 1 column 24"
        )

    run(flavour, scenario, base_url=server.url)
    assert len(server.requests) == 1  # a 2xx is never retried


def test_a_2xx_body_off_the_schema_raises_response_validation_error(flavour: Flavour, server: TestServer) -> None:
    body = {"job": {**JOB, "total_items": "many"}, "progress_percentage": 1}
    server.enqueue(Reply(200, body=body), Reply(200, body={"items": [{"id": 7}]}))

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.ResponseValidationError) as caught:
            await resolve(client.beta.batch.get_status("bjb-1"))
        assert json.loads(caught.value.body) == body
        assert str(caught.value) == (
            "The 200 response of GET /api/v1/beta/batch-processing/{job_id} did not match the schema: "
            "1 error(s), first at job.total_items: "
            "Input should be a valid integer, unable to parse string as an integer"
        )
        with pytest.raises(llamacloud.ResponseValidationError, match=r"5 error\(s\), first at items\.0\.id: "):
            await first_page(client.beta.batch.list())

    run(flavour, scenario, base_url=server.url, strict_response_validation=True)


def test_a_timeout_raises_api_timeout_error(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, body=STATUS_BODY, delay=1.0))

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.APITimeoutError) as caught:
            await resolve(client.beta.batch.get_status("bjb-1"))
        assert isinstance(caught.value, llamacloud.APIConnectionError)
        assert str(caught.value) == "Request timed out."
        assert caught.value.request is not None

    run(flavour, scenario, base_url=server.url, timeout=0.1, max_retries=0)
    assert len(server.requests) == 1


def test_a_body_that_stops_halfway_is_a_connection_error(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, body=STATUS_BODY, close_mid_body=True), Reply(drop_connection=True))

    async def scenario(client: AnyClient) -> None:
        for _ in range(2):
            with pytest.raises(llamacloud.APIConnectionError) as caught:
                await resolve(client.beta.batch.get_status("bjb-1"))
            assert type(caught.value) is llamacloud.APIConnectionError
            assert str(caught.value).startswith("Connection error: ")

    run(flavour, scenario, base_url=server.url, max_retries=0)
    assert len(server.requests) == 2


def test_nothing_listening_is_a_connection_error(flavour: Flavour) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.APIConnectionError) as caught:
            await resolve(client.beta.batch.get_status("bjb-1"))
        assert type(caught.value) is llamacloud.APIConnectionError

    run(flavour, scenario, base_url=f"http://127.0.0.1:{port}", max_retries=0)


def test_the_api_key_appears_in_no_error_repr_or_log(
    flavour: Flavour, server: TestServer, caplog: pytest.LogCaptureFixture, delays: list[float]
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, httpx's and httpcore's
    echo = {"detail": f"invalid key Bearer {API_KEY}", "key": API_KEY}
    server.enqueue(
        Reply(503, body=echo),  # retried, then
        Reply(401, body=echo),
        Reply(200, body={"job": {"id": API_KEY}, "progress_percentage": API_KEY}),
        Reply(200, body=STATUS_BODY, delay=1.0),
        Reply(drop_connection=True),
        Reply(200, body=STATUS_BODY),
    )
    texts: list[str] = []

    async def scenario(client: AnyClient) -> None:
        texts.append(repr(client))
        failing: list[Callable[[], object]] = [
            lambda: client.with_options(max_retries=1).beta.batch.get_status("bjb-1"),  # 503 retried, 401
            lambda: client.with_options(strict_response_validation=True).beta.batch.get_status("bjb-1"),  # off schema
            lambda: client.with_options(timeout=0.1).beta.batch.get_status("bjb-1"),
            lambda: client.beta.batch.get_status("bjb-1"),  # dropped connection
        ]
        for call in failing:
            with pytest.raises(llamacloud.APIError) as caught:
                await resolve(call())
            texts.extend([str(caught.value), repr(caught.value), repr(caught.value.request)])
        raw = await resolve(client.beta.batch.with_raw_response.get_status("bjb-1"))
        texts.extend([repr(raw), repr(raw.headers), repr(raw.http_response.request.headers)])

    run(flavour, scenario, base_url=server.url, max_retries=0)
    assert len(server.requests) == 6
    assert server.requests[0].header("authorization") == f"Bearer {API_KEY}"  # it was sent, only never shown
    # The credential is redacted in the form it is sent in ("Bearer <key>") as well as alone.
    assert texts[1] == 'Error code: 401 - {"detail": "invalid key <redacted>", "key": "<redacted>"}'
    assert [type(text) for text in texts] == [str] * 16
    assert "'authorization': '<redacted>'" in caplog.text
    assert "retry GET" in caplog.text
    for text in [*texts, caplog.text]:
        assert API_KEY not in text
