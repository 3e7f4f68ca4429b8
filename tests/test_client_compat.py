"""Forward compatibility (unknown enum values and fields), raw responses, and debug logging."""

from __future__ import annotations

import logging
import re

import httpx
import llamacloud  # type: ignore[import-not-found, unused-ignore]
import pytest
from conftest import API_KEY, JOB, STATUS_BODY, AnyClient, Flavour, first_page, job, resolve, run
from llamacloud._runtime import _base_client  # type: ignore[import-not-found, unused-ignore]
from llamacloud.models import BatchGetStatusResponse, BatchJobStatus, BatchJobType  # type: ignore[import-not-found, unused-ignore]
from support.fixtures import client_options, fixture_package
from support.server import Reply, TestServer


def test_unknown_enum_values_and_fields_are_kept(flavour: Flavour, server: TestServer) -> None:
    future_job = {**JOB, "status": "queued", "job_type": "summarize", "priority": 5, "labels": {"a": "b"}}
    server.enqueue(
        Reply(200, body={"job": future_job, "progress_percentage": 0, "eta_seconds": 30}),
        Reply(200, body={"items": [job(1, status="paused"), job(2)], "cursor": "c-1"}),
    )

    async def scenario(client: AnyClient) -> None:
        status = await resolve(client.beta.batch.get_status("bjb-1"))
        assert status.job.status == "queued"
        assert isinstance(status.job.status, BatchJobStatus)
        assert status.job.status.value == "queued"
        assert status.job.job_type == "summarize"
        assert isinstance(status.job.job_type, BatchJobType)
        assert status.job.model_extra == {"priority": 5, "labels": {"a": "b"}}
        assert status.model_extra == {"eta_seconds": 30}
        assert status.model_dump(mode="json")["job"]["status"] == "queued"
        page = await first_page(client.beta.batch.list())
        assert [item.status for item in page.items] == ["paused", BatchJobStatus.RUNNING]
        assert page.items[1].status is BatchJobStatus.RUNNING
        assert page.parsed_body.model_extra == {"cursor": "c-1"}

    run(flavour, scenario, base_url=server.url)


def test_missing_optional_fields_are_none(flavour: Flavour, server: TestServer) -> None:
    minimal = {
        "id": "bjb-1",
        "job_type": "classify",
        "project_id": "p",
        "status": "completed",
        "total_items": 0,
    }
    server.enqueue(Reply(200, body={"job": minimal, "progress_percentage": 100}))

    async def scenario(client: AnyClient) -> None:
        status = await resolve(client.beta.batch.get_status("bjb-1"))
        assert status.job.job_type is BatchJobType.CLASSIFY
        optional = [
            "completed_at",
            "created_at",
            "directory_id",
            "effective_at",
            "error_message",
            "failed_items",
        ]
        optional += [
            "job_record_id",
            "processed_items",
            "skipped_items",
            "started_at",
            "updated_at",
            "workflow_id",
        ]
        assert {name: getattr(status.job, name) for name in optional} == dict.fromkeys(optional)
        assert status.job.model_extra == {}

    run(flavour, scenario, base_url=server.url)


def test_with_raw_response_gives_status_headers_and_parse(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(
        Reply(200, headers={"x-request-id": "req-1"}, body=STATUS_BODY),
        Reply(200, headers={"x-request-id": "req-2"}, body=STATUS_BODY),
    )

    async def scenario(client: AnyClient) -> None:
        for raw_batch in (client.beta.batch.with_raw_response, client.with_raw_response.beta.batch):
            raw = await resolve(raw_batch.get_status("bjb-1", project_id="proj-1"))
            assert isinstance(raw, llamacloud.RawResponse)
            assert raw.status_code == 200
            assert raw.headers["x-request-id"] in ("req-1", "req-2")
            assert raw.url == httpx.URL(server.url + "/api/v1/beta/batch-processing/bjb-1?project_id=proj-1")
            parsed = raw.parse()
            assert isinstance(parsed, BatchGetStatusResponse)
            assert parsed.job.id == "bjb-1"
            assert raw.parse() is parsed
        # The raw flag applies to the one wrapped call only.
        server.enqueue(Reply(200, body=STATUS_BODY))
        plain = await resolve(client.beta.batch.get_status("bjb-1"))
        assert isinstance(plain, BatchGetStatusResponse)

    run(flavour, scenario, base_url=server.url)
    assert len(server.requests) == 3


def test_raw_parse_of_an_off_schema_body_raises_then(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, body={"unexpected": True}))

    async def scenario(client: AnyClient) -> None:
        raw = await resolve(client.beta.batch.with_raw_response.get_status("bjb-1"))
        assert raw.content == b'{"unexpected": true}'
        with pytest.raises(llamacloud.ResponseValidationError):
            raw.parse()

    run(flavour, scenario, base_url=server.url, strict_response_validation=True)


_LINE = re.compile(r"^(?P<event>request|response|retry|failed) GET (?P<url>\S+) attempt=(?P<attempt>\d) (?P<rest>.*)$")


def test_debug_log_of_requests_and_retries(
    flavour: Flavour, server: TestServer, caplog: pytest.LogCaptureFixture, delays: list[float]
) -> None:
    caplog.set_level(logging.DEBUG, logger="llamacloud")
    server.enqueue(Reply(503, headers={"Retry-After": "0"}, body={}), Reply(200, body=STATUS_BODY))

    async def scenario(client: AnyClient) -> None:
        await resolve(client.beta.batch.get_status("bjb-1", session="cookie-secret"))

    run(flavour, scenario, base_url=server.url)
    records = [r for r in caplog.records if r.name == "llamacloud"]
    assert {r.levelno for r in records} == {logging.DEBUG}
    lines = [r.getMessage() for r in records]
    matches = [_LINE.match(line) for line in lines]
    assert all(matches), lines
    url = server.url + "/api/v1/beta/batch-processing/bjb-1"
    assert [(m["event"], m["url"], m["attempt"]) for m in matches if m] == [
        ("request", url, "1"),
        ("response", url, "1"),
        ("retry", url, "1"),
        ("request", url, "2"),
        ("response", url, "2"),
    ]
    rests = [m["rest"] for m in matches if m]
    assert re.fullmatch(r"elapsed=\d+\.\d{3}s status=503", rests[1])
    assert re.fullmatch(r"elapsed=\d+\.\d{3}s in 0\.00s \(status 503\)", rests[2])
    assert re.fullmatch(r"elapsed=\d+\.\d{3}s status=200", rests[4])
    assert "'authorization': '<redacted>'" in rests[0]
    assert "'cookie': '<redacted>'" in rests[0]
    for line in lines:
        assert API_KEY not in line
        assert "cookie-secret" not in line


def test_llamacloud_log_env_turns_on_debug_output(
    flavour: Flavour, server: TestServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    logger = logging.getLogger("llamacloud")
    assert logger is _base_client.log
    saved = (logger.handlers[:], logger.level)
    logger.handlers.clear()  # the variable only adds a handler to a logger nobody has configured
    monkeypatch.setenv("LLAMACLOUD_LOG", "debug")
    server.enqueue(Reply(200, body=STATUS_BODY))

    async def scenario(client: AnyClient) -> None:
        await resolve(client.beta.batch.get_status("bjb-1"))

    try:
        run(flavour, scenario, base_url=server.url)
        assert len(logger.handlers) == 1
        assert logger.level == logging.DEBUG
    finally:
        logger.handlers[:] = saved[0]
        logger.setLevel(saved[1])
    err = capsys.readouterr().err
    assert re.search(r"\[.+ llamacloud DEBUG\] request GET http://127\.0\.0\.1:\d+/\S+/bjb-1 attempt=1 ", err)
    assert re.search(r"\[.+ llamacloud DEBUG\] response GET \S+ attempt=1 elapsed=\d+\.\d{3}s status=200\n", err)
    assert "'authorization': '<redacted>'" in err
    assert API_KEY not in err


def test_x_client_names_the_logger_and_its_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], server: TestServer
) -> None:
    """The `writes` fixture's spec declares `x-client: {logger: acme.writes, log-env: WRITES_DEBUG}`."""
    writes = fixture_package("writes")
    logger = logging.getLogger("acme.writes")
    saved = (logger.handlers[:], logger.level)
    logger.handlers.clear()
    monkeypatch.setenv("WRITES_DEBUG", "debug")
    monkeypatch.setenv("WRITES_LOG", "")  # the default name is not read
    server.enqueue(Reply(200, body={"job_id": "bjb-1", "status": "cancelled"}))
    try:
        with writes.Client(**client_options(server)) as client:
            client.beta.batch.cancel("bjb-1")
        assert (len(logger.handlers), logger.level) == (1, logging.DEBUG)
    finally:
        logger.handlers[:] = saved[0]
        logger.setLevel(saved[1])
    err = capsys.readouterr().err
    assert re.search(r"\[.+ acme\.writes DEBUG\] request POST http://127\.0\.0\.1:\d+/\S+/bjb-1/cancel attempt=1 ", err)
    assert not logging.getLogger("writes").handlers
