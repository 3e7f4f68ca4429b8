"""Error bodies are typed by exact status, then by range (`4XX`), then by `default`."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest
from support.packages import built_package
from support.server import Reply, TestServer

SPEC = """
openapi: 3.1.0
info: {title: Ranges, version: '1'}
paths:
  /thing:
    get:
      operationId: get_thing
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: object}}}}
        '404': {description: gone, content: {application/json: {schema: {$ref: '#/components/schemas/Gone'}}}}
        4XX: {description: client, content: {application/json: {schema: {$ref: '#/components/schemas/Client'}}}}
        default: {description: other, content: {application/json: {schema: {$ref: '#/components/schemas/Other'}}}}
components:
  schemas:
    Gone: {type: object, required: [gone], properties: {gone: {type: string}}}
    Client: {type: object, required: [client], properties: {client: {type: string}}}
    Other: {type: object, required: [other], properties: {other: {type: string}}}
"""


@pytest.fixture(scope="module")
def ranges(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with built_package(tmp_path_factory.mktemp("ranges"), SPEC, "ranges") as package:
        yield package


@pytest.mark.parametrize(
    ("status", "body", "error", "model"),
    [
        (404, {"gone": "yes"}, "NotFoundError", "Gone"),
        (418, {"client": "teapot"}, "APIStatusError", "Client"),
        (422, {"client": "bad"}, "UnprocessableEntityError", "Client"),
        (503, {"other": "down"}, "InternalServerError", "Other"),
    ],
)
def test_error_body_model_by_status_then_range_then_default(
    ranges: ModuleType, server: TestServer, status: int, body: dict[str, str], error: str, model: str
) -> None:
    server.enqueue(Reply(status, body=body))
    client = ranges.Client(base_url=server.url, max_retries=0)
    with pytest.raises(getattr(ranges, error)) as caught:
        client.thing.get()  # `get_thing` of `thing`: the resource's words go
    assert type(caught.value.body) is getattr(ranges.models, model)
    assert caught.value.body.model_dump() == body
