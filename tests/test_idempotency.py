"""Safe retries of writes: with `x-client.idempotency-header` declared, every non-idempotent request
carries a fresh key that stays the same across its retries, and is retried like a GET; a caller's own
key wins. Checked on the wire, for the sync and the async client."""

from __future__ import annotations

import asyncio
import inspect
import re
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import pytest
from support.packages import built_package
from support.server import RecordedRequest, Reply, TestServer

from generator.cli import main

Flavour = Literal["sync", "async"]
KEY_HEADER = "Idempotency-Key"
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")

SPEC = """\
openapi: 3.1.0
info: {title: Jobs, version: '1'}
x-client: {idempotency-header: Idempotency-Key}
security: [{key: []}]
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Api-Key}
  schemas:
    Job:
      type: object
      required: [id]
      properties: {id: {type: string}}
  responses:
    Job:
      description: a job
      content: {application/json: {schema: {$ref: '#/components/schemas/Job'}}}
paths:
  /jobs:
    post:
      operationId: create_job
      x-method: create_job
      parameters: [{name: name, in: query, schema: {type: string}}]
      responses: {'201': {$ref: '#/components/responses/Job'}}
  /jobs/{job_id}:
    parameters: [{name: job_id, in: path, required: true, schema: {type: string}}]
    get:
      operationId: get_job
      x-method: get_job
      responses: {'200': {$ref: '#/components/responses/Job'}}
    put:
      operationId: replace_job
      x-method: replace_job
      responses: {'200': {$ref: '#/components/responses/Job'}}
    patch:
      operationId: update_job
      x-method: update_job
      responses: {'200': {$ref: '#/components/responses/Job'}}
  /jobs/{job_id}/cancel:
    parameters: [{name: job_id, in: path, required: true, schema: {type: string}}]
    post:
      operationId: cancel_job
      x-method: cancel_job
      x-idempotent: true
      responses: {'200': {$ref: '#/components/responses/Job'}}
"""


@pytest.fixture(scope="module")
def jobs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with built_package(tmp_path_factory.mktemp("idempotency"), SPEC, "idemjobs") as package:
        yield package


@pytest.fixture(scope="module")
def unkeyed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The same API without `idempotency-header`."""
    spec = SPEC.replace("x-client: {idempotency-header: Idempotency-Key}\n", "")
    with built_package(tmp_path_factory.mktemp("unkeyed"), spec, "unkeyedjobs") as package:
        yield package


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> Flavour:
    return request.param  # type: ignore[no-any-return]


def no_sleep(monkeypatch: pytest.MonkeyPatch, package: ModuleType) -> list[float]:
    waited: list[float] = []

    async def async_sleep(seconds: float) -> None:
        waited.append(seconds)

    base_client = package._runtime._base_client
    monkeypatch.setattr(base_client, "sleep", waited.append)
    monkeypatch.setattr(base_client, "async_sleep", async_sleep)
    return waited


def call(flavour: Flavour, package: ModuleType, server: TestServer, action: Callable[[Any], Any]) -> list[Any]:
    """Run `action(client)` (awaited on the async client) and give back what it returned or raised."""
    options = {"api_key": "k-12345678", "base_url": server.url, "max_retries": 2}
    outcome: list[Any] = []

    async def main() -> None:
        client_class = package.Client if flavour == "sync" else package.AsyncClient
        client = client_class(**options)
        try:
            result = action(client)
            outcome.append(await result if inspect.isawaitable(result) else result)
        except package.APIError as exc:
            outcome.append(exc)
        finally:
            closing = client.close()
            if inspect.isawaitable(closing):
                await closing

    asyncio.run(main())
    return outcome


def keys(server: TestServer) -> list[list[str]]:
    return [request.header_values(KEY_HEADER) for request in server.requests]


def only_key(request: RecordedRequest) -> str:
    (value,) = request.header_values(KEY_HEADER)
    return value


@pytest.mark.parametrize("method", ["create_job", "update_job"])
def test_a_write_carries_one_key_kept_across_its_retries(
    flavour: Flavour, jobs: ModuleType, server: TestServer, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    waited = no_sleep(monkeypatch, jobs)
    server.enqueue(Reply(500), Reply(503), Reply(200, body={"id": "j-1"}))
    args = {"create_job": ((), {"name": "nightly"}), "update_job": (("j-1",), {})}[method]
    (job,) = call(flavour, jobs, server, lambda client: getattr(client.jobs, method)(*args[0], **args[1]))
    assert job.id == "j-1"
    assert len(server.requests) == 3 and len(waited) == 2  # retried like a GET
    first = only_key(server.requests[0])
    assert UUID4.fullmatch(first)
    assert [only_key(r) for r in server.requests] == [first] * 3
    assert [r.method for r in server.requests] == ["POST" if method == "create_job" else "PATCH"] * 3


def test_each_call_gets_a_fresh_key(flavour: Flavour, jobs: ModuleType, server: TestServer) -> None:
    server.set_handler(lambda request: Reply(201, body={"id": "j-1"}))

    def twice(client: Any) -> Any:
        if isinstance(client, jobs.AsyncClient):

            async def both() -> None:
                await client.jobs.create_job(name="a")
                await client.jobs.create_job(name="a")

            return both()
        client.jobs.create_job(name="a")
        return client.jobs.create_job(name="a")

    call(flavour, jobs, server, twice)
    first, second = (only_key(r) for r in server.requests)
    assert UUID4.fullmatch(first) and UUID4.fullmatch(second) and first != second


def test_the_callers_own_key_wins(
    flavour: Flavour, jobs: ModuleType, server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_sleep(monkeypatch, jobs)
    server.enqueue(Reply(500), Reply(201, body={"id": "j-1"}))
    call(flavour, jobs, server, lambda c: c.jobs.create_job(extra_headers={"idempotency-key": "order-17"}))
    assert keys(server) == [["order-17"], ["order-17"]]  # one header, the caller's, on both attempts


def test_a_key_left_out_by_the_caller_is_not_sent_and_the_write_not_retried(
    flavour: Flavour, jobs: ModuleType, server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_sleep(monkeypatch, jobs)
    server.enqueue(Reply(500), Reply(201, body={"id": "j-1"}))
    omit = jobs.Omit()
    (error,) = call(flavour, jobs, server, lambda c: c.jobs.create_job(extra_headers={KEY_HEADER: omit}))
    assert isinstance(error, jobs.InternalServerError)
    assert keys(server) == [[]]


@pytest.mark.parametrize(("method", "verb"), [("get_job", "GET"), ("replace_job", "PUT"), ("cancel_job", "POST")])
def test_idempotent_operations_send_no_key(
    flavour: Flavour, jobs: ModuleType, server: TestServer, monkeypatch: pytest.MonkeyPatch, method: str, verb: str
) -> None:
    no_sleep(monkeypatch, jobs)
    server.enqueue(Reply(500), Reply(200, body={"id": "j-1"}))
    call(flavour, jobs, server, lambda client: getattr(client.jobs, method)("j-1"))
    assert [r.method for r in server.requests] == [verb, verb]  # retried: idempotent by method or x-idempotent
    assert keys(server) == [[], []]


def test_without_the_setting_a_write_has_no_key_and_is_not_retried(
    flavour: Flavour, unkeyed: ModuleType, server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_sleep(monkeypatch, unkeyed)
    server.enqueue(Reply(500), Reply(201, body={"id": "j-1"}))
    (error,) = call(flavour, unkeyed, server, lambda c: c.jobs.create_job(name="a"))
    assert isinstance(error, unkeyed.InternalServerError)
    assert keys(server) == [[]]


def test_an_idempotency_header_that_is_no_header_name_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(SPEC.replace("Idempotency-Key}", "'Idempotency Key'}"), encoding="utf-8")
    code = main(["build", "--isolated", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "pkg"])
    err = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "out" / "pkg").exists()
    assert (
        "openapi.yaml:3:32 #/x-client/idempotency-header: x-client idempotency-header 'Idempotency Key' "
        "is not a header name" in err
    )
    assert "hint: use an HTTP token such as `Idempotency-Key`" in err


def test_the_generated_client_names_the_header(jobs: ModuleType) -> None:
    source = Path(str(jobs.__file__)).with_name("_client.py").read_text(encoding="utf-8")
    assert (
        textwrap.dedent("""\
        _idempotency_header: ClassVar[str | None] = "Idempotency-Key"
    """).strip()
        in source
    )
    assert jobs.Client._idempotency_header == KEY_HEADER
