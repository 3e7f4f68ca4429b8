"""The exact request on the wire for every parameter of the seed endpoints, `beta.batch.get_status` and
`beta.batch.list`, for the sync and the async client."""

from __future__ import annotations

import time

import httpx
import llamacloud  # type: ignore[import-not-found, unused-ignore]
import pytest
from conftest import API_KEY, STATUS_BODY, AnyClient, Flavour, first_page, resolve, run
from llamacloud.models import BatchJobStatus, BatchJobType  # type: ignore[import-not-found, unused-ignore]
from support.server import RecordedRequest, Reply, TestServer

LIST_PATH = "/api/v1/beta/batch-processing"
STATUS_PATH = "/api/v1/beta/batch-processing/"
EMPTY_PAGE: dict[str, list[object]] = {"items": []}
# What every request carries besides the parameters (httpx adds Host, Accept-Encoding, Connection).
BASE_HEADERS = {"host", "accept", "accept-encoding", "connection", "user-agent", "authorization"}


def _assert_identity(request: RecordedRequest) -> None:
    assert request.method == "GET"
    assert request.header("authorization") == f"Bearer {API_KEY}"
    assert request.header("user-agent") == f"llamacloud-python/{llamacloud.__version__} httpx/{httpx.__version__}"
    assert request.header("accept") == "application/json"
    assert request.body == b""


def test_seed_get_status_sends_every_parameter(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, body=STATUS_BODY))

    async def scenario(client: AnyClient) -> None:
        status = await resolve(
            client.beta.batch.get_status("bjb-1", organization_id="org-1", project_id="proj-1", session="sess=1;x")
        )
        assert status.job.id == "bjb-1"
        assert status.progress_percentage == 40.0

    run(flavour, scenario, base_url=server.url)
    (request,) = server.requests
    _assert_identity(request)
    assert request.path == STATUS_PATH + "bjb-1"
    assert request.query_params == [("organization_id", "org-1"), ("project_id", "proj-1")]
    assert request.header("cookie") == "session=sess=1%3Bx"
    assert request.cookies == {"session": "sess=1%3Bx"}
    assert {name.lower() for name, _ in request.headers} == BASE_HEADERS | {"cookie"}


def test_seed_list_sends_every_parameter(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, body=EMPTY_PAGE), Reply(200, body=EMPTY_PAGE))

    async def scenario(client: AnyClient) -> None:
        await first_page(
            client.beta.batch.list(
                directory_id="dir-1",
                job_type="extract",
                limit=25,
                offset=50,
                organization_id="org-1",
                project_id="proj-1",
                status="running",
                session="s-1",
            )
        )
        # The models' enums are accepted as well as their literal values.
        await first_page(client.beta.batch.list(job_type=BatchJobType.CLASSIFY, status=BatchJobStatus.FAILED))

    run(flavour, scenario, base_url=server.url)
    first, second = server.requests
    for request in (first, second):
        _assert_identity(request)
        assert request.path == LIST_PATH
    assert first.query_params == [
        ("directory_id", "dir-1"),
        ("job_type", "extract"),
        ("limit", "25"),
        ("offset", "50"),
        ("organization_id", "org-1"),
        ("project_id", "proj-1"),
        ("status", "running"),
    ]
    assert first.cookies == {"session": "s-1"}
    assert {name.lower() for name, _ in first.headers} == BASE_HEADERS | {"cookie"}
    assert second.query == "job_type=classify&status=failed"
    assert {name.lower() for name, _ in second.headers} == BASE_HEADERS


def test_omitted_and_none_parameters_are_not_sent(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, body=STATUS_BODY), Reply(200, body=STATUS_BODY), Reply(200, body=EMPTY_PAGE))

    async def scenario(client: AnyClient) -> None:
        await resolve(client.beta.batch.get_status("bjb-1"))
        # A query string and a cookie have no null: None is the same as leaving the parameter out.
        await resolve(client.beta.batch.get_status("bjb-1", organization_id=None, project_id=None, session=None))
        await first_page(
            client.beta.batch.list(
                directory_id=None,
                job_type=None,
                organization_id=None,
                project_id=None,
                status=None,
                session=None,
            )
        )

    run(flavour, scenario, base_url=server.url)
    assert [request.target for request in server.requests] == [STATUS_PATH + "bjb-1"] * 2 + [LIST_PATH]
    for request in server.requests:
        assert {name.lower() for name, _ in request.headers} == BASE_HEADERS


@pytest.mark.parametrize(
    ("job_id", "segment"),
    [
        ("a/b", "a%2Fb"),
        ("../x", "..%2Fx"),
        ("..", "%2E%2E"),
        (".", "%2E"),
        ("?", "%3F"),
        ("#frag", "%23frag"),
        ("a b", "a%20b"),
        ("ünï/ç", "%C3%BCn%C3%AF%2F%C3%A7"),
        ("100%", "100%25"),
        ("a?limit=1&b", "a%3Flimit%3D1%26b"),
    ],
)
def test_path_parameters_cannot_change_the_path(
    flavour: Flavour, server: TestServer, job_id: str, segment: str
) -> None:
    server.enqueue(Reply(200, body=STATUS_BODY))

    async def scenario(client: AnyClient) -> None:
        await resolve(client.beta.batch.get_status(job_id))

    run(flavour, scenario, base_url=server.url + "/prefix")
    (request,) = server.requests
    assert request.path == "/prefix" + STATUS_PATH + segment
    assert request.query == ""


@pytest.mark.parametrize("job_id", ["", None])
def test_an_empty_path_parameter_fails_before_any_request(
    flavour: Flavour, server: TestServer, job_id: str | None
) -> None:
    async def scenario(client: AnyClient) -> None:
        with pytest.raises(ValueError) as caught:
            await resolve(client.beta.batch.get_status(job_id))  # type: ignore[arg-type, unused-ignore]
        assert str(caught.value) == f"Expected a non-empty value for `job_id` but received {job_id!r}"

    run(flavour, scenario, base_url=server.url)
    assert server.requests == []


def test_extra_headers_query_and_body(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, body=STATUS_BODY), Reply(200, body=EMPTY_PAGE))

    async def scenario(client: AnyClient) -> None:
        await resolve(
            client.beta.batch.get_status(
                "bjb-1",
                project_id="proj-1",
                extra_headers={"X-Trace": "t-1", "User-Agent": "mine/2", "X-Team": llamacloud.omit},
                extra_query={"project_id": "proj-2", "debug": "true"},
                extra_body={"hint": [1, 2]},
            )
        )
        await first_page(client.beta.batch.list(limit=5, extra_query={"page_size_hint": 5}))

    run(flavour, scenario, base_url=server.url, default_headers={"X-Team": "blue"})
    first, second = server.requests
    assert first.path == STATUS_PATH + "bjb-1"
    assert first.query_params == [("project_id", "proj-2"), ("debug", "true")]
    assert first.header("x-trace") == "t-1"
    assert first.header("user-agent") == "mine/2"
    assert first.header("x-team") is None
    assert first.header("content-type") == "application/json"
    assert first.json() == {"hint": [1, 2]}
    assert second.query_params == [("limit", "5"), ("page_size_hint", "5")]
    assert second.header("x-team") == "blue"
    assert second.body == b""


def test_extra_body_that_is_not_an_object_is_sent_as_given(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, body=STATUS_BODY))

    async def scenario(client: AnyClient) -> None:
        await resolve(client.beta.batch.get_status("bjb-1", extra_body=["a", None, 1]))

    run(flavour, scenario, base_url=server.url)
    (request,) = server.requests
    assert request.body == b'["a",null,1]'


def test_a_per_call_timeout_overrides_the_clients(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, body=STATUS_BODY, delay=0.3), Reply(200, body=STATUS_BODY, delay=0.3))

    async def scenario(client: AnyClient) -> None:
        # A client timeout of 0.1 s would fail this call; the call's own 5 s lets it through.
        status = await resolve(client.beta.batch.get_status("bjb-1", timeout=5.0))
        assert status.job.id == "bjb-1"
        started = time.monotonic()
        with pytest.raises(llamacloud.APITimeoutError):
            await resolve(client.with_options(timeout=5.0).beta.batch.get_status("bjb-1", timeout=0.05))
        assert time.monotonic() - started < 0.25

    run(flavour, scenario, base_url=server.url, timeout=0.1, max_retries=0)
    assert len(server.requests) == 2
