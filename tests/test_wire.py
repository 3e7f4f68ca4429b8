"""One round trip per seed endpoint (`beta.batch.get_status`, `beta.batch.list`) through the sync client,
checked on the wire (the loopback TestServer).

The exhaustive runtime behaviour (retries, errors, pagination, async) lives in tests/test_client_*.py.
"""

from __future__ import annotations

from typing import Any

from llamacloud import Client  # type: ignore[import-not-found, unused-ignore]
from llamacloud.models import (  # type: ignore[import-not-found, unused-ignore]
    BatchGetStatusResponse,
    BatchJob,
    BatchJobPage,
    BatchJobStatus,
)
from support.server import Reply, TestServer

API_KEY = "llx-wire-0123456789abcdef"

# Whole-second UTC timestamps and non-integral floats dump back to exactly these JSON values.
JOB: dict[str, Any] = {
    "id": "bjb-1",
    "job_type": "parse",
    "project_id": "proj-1",
    "status": "running",
    "total_items": 8,
    "completed_at": None,
    "created_at": "2024-05-01T12:00:00Z",
    "directory_id": "dir-1",
    "failed_items": 1,
    "processed_items": 3,
    "started_at": "2024-05-01T12:00:05Z",
    "workflow_id": "wf-1",
}


def make_client(server: TestServer) -> Any:
    return Client(api_key=API_KEY, base_url=server.url, max_retries=0)


def test_seed_get_status_round_trip(server: TestServer) -> None:
    reply = {"job": JOB, "progress_percentage": 37.5}
    server.enqueue(Reply(200, body=reply))
    with make_client(server) as client:
        result = client.beta.batch.get_status("bjb-1", organization_id="org-1", project_id="proj-1", session="sess-1")

    (request,) = server.requests
    assert request.method == "GET"
    assert request.path == "/api/v1/beta/batch-processing/bjb-1"
    assert request.query == "organization_id=org-1&project_id=proj-1"
    assert request.query_params == [("organization_id", "org-1"), ("project_id", "proj-1")]
    assert request.header_values("Cookie") == ["session=sess-1"]
    assert request.cookies == {"session": "sess-1"}
    assert request.header_values("Authorization") == [f"Bearer {API_KEY}"]
    assert request.body == b""

    assert type(result) is BatchGetStatusResponse
    assert result == BatchGetStatusResponse.model_validate(reply)
    assert result.model_dump(mode="json", exclude_unset=True) == reply
    assert result.job.status is BatchJobStatus.RUNNING


def test_seed_list_round_trip(server: TestServer) -> None:
    reply = {"items": [JOB], "next_page_token": None, "total_size": 5}
    server.enqueue(Reply(200, body=reply))
    with make_client(server) as client:
        page = client.beta.batch.list(
            directory_id="dir-1",
            job_type="parse",
            limit=2,
            offset=4,
            organization_id="org-1",
            project_id="proj-1",
            status=BatchJobStatus.RUNNING,
            session="sess-1",
        )
        items = list(page)  # offset 4 + 1 item reaches total_size 5: no second request

    (request,) = server.requests
    assert request.method == "GET"
    assert request.path == "/api/v1/beta/batch-processing"
    assert request.query_params == [
        ("directory_id", "dir-1"),
        ("job_type", "parse"),
        ("limit", "2"),
        ("offset", "4"),
        ("organization_id", "org-1"),
        ("project_id", "proj-1"),
        ("status", "running"),
    ]
    assert request.query == (
        "directory_id=dir-1&job_type=parse&limit=2&offset=4&organization_id=org-1&project_id=proj-1&status=running"
    )
    assert request.header_values("Cookie") == ["session=sess-1"]
    assert request.header_values("Authorization") == [f"Bearer {API_KEY}"]
    assert request.body == b""

    assert type(page.parsed_body) is BatchJobPage
    assert page.parsed_body == BatchJobPage.model_validate(reply)
    assert page.parsed_body.model_dump(mode="json", exclude_unset=True) == reply
    assert [type(item) for item in items] == [BatchJob]
    assert items == page.items == [BatchJob.model_validate(JOB)]
    assert (page.next_page_token, page.total_size, page.has_next_page()) == (None, 5, False)
