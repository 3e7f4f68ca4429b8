"""Responses are read leniently by default and strictly on request: a 2xx JSON body that breaks its
schema (a required field missing, a pattern broken, a wrong type deep in a list) still returns the
declared type, every part that validates typed, the rest as received, each mismatch logged once at
WARNING; `strict_response_validation=True` raises `ResponseValidationError` as before. A body that is
not JSON, or JSON of another shape than declared, raises in both modes, naming the operation."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from support.packages import built_package
from support.server import Reply, TestServer

SPEC = """
openapi: 3.1.0
info: {title: Drift, version: '1'}
servers: [{url: 'https://drift.example'}]
paths:
  /folders/{id}:
    get:
      operationId: get_folder
      x-resource: folders
      x-method: get
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Folder'}}}}
        '404': {description: gone, content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}}
  /folders:
    get:
      operationId: list_folders
      x-resource: folders
      x-method: list
      responses:
        '200':
          description: ok
          content:
            application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Folder'}}}
components:
  schemas:
    Folder:
      type: object
      required: [id, name, entries]
      properties:
        id: {type: string, pattern: '^[0-9]+$'}
        name: {type: string}
        shared_link: {$ref: '#/components/schemas/SharedLink'}
        entries: {type: array, items: {$ref: '#/components/schemas/Entry'}}
    SharedLink:
      type: object
      required: [url, accessed]
      properties:
        url: {type: string}
        accessed: {type: string}
    Entry:
      type: object
      required: [id, size]
      properties:
        id: {type: string}
        size: {type: integer}
        tags: {type: array, items: {$ref: '#/components/schemas/Tag'}}
    Tag:
      type: object
      required: [name]
      properties:
        name: {type: string}
        weight: {type: integer}
    Problem:
      type: object
      required: [code, message]
      properties:
        code: {type: string}
        message: {type: string}
"""

LINK = {"url": "https://drift.example/s/abc"}  # `accessed` is required, never sent
ENTRIES = [
    {"id": "e1", "size": 3, "tags": [{"name": "a", "weight": 1}]},
    {"id": "e2", "size": 4, "tags": [{"name": "b", "weight": 2}, {"name": "c", "weight": "heavy"}]},
]
FOLDER = {"id": "12", "name": "Docs", "shared_link": LINK, "entries": ENTRIES, "color": "blue"}


@pytest.fixture(scope="module")
def drift(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with built_package(tmp_path_factory.mktemp("drift"), SPEC, "drift") as package:
        yield package


@pytest.fixture(autouse=True)
def _fresh_log_memory() -> None:
    """Each test sees its mismatches logged: the memory of what was logged is per process."""
    pytest.importorskip("drift._runtime._lenient")._logged.clear()


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "drift" and r.levelno == logging.WARNING]


def test_a_missing_required_field_reads_as_none_and_is_logged_once(
    drift: ModuleType, server: TestServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = drift.Client(base_url=server.url, max_retries=0)
    for _ in range(2):
        server.enqueue(Reply(200, body=FOLDER))
    with caplog.at_level(logging.WARNING, logger="drift"):
        first = client.folders.get("12")
        second = client.folders.get("12")
    for folder in (first, second):
        assert type(folder) is drift.models.Folder
        assert type(folder.shared_link) is drift.models.SharedLink
        assert (folder.shared_link.url, folder.shared_link.accessed) == (LINK["url"], None)
    assert warnings_of(caplog) == [
        "GET /folders/{id}: the response does not match its schema: Folder at `shared_link.accessed`: "
        "required field missing; kept as received",
        "GET /folders/{id}: the response does not match its schema: Folder at `entries[1].tags[1].weight`: "
        "Input should be a valid integer, unable to parse string as an integer; kept as received",
    ]


def test_a_wrong_type_deep_in_a_list_keeps_the_value_and_types_the_rest(drift: ModuleType, server: TestServer) -> None:
    server.enqueue(Reply(200, body=FOLDER))
    folder = drift.Client(base_url=server.url, max_retries=0).folders.get("12")
    assert [type(e).__name__ for e in folder.entries] == ["Entry", "Entry"]
    tags = folder.entries[1].tags
    assert [type(t).__name__ for t in tags] == ["Tag", "Tag"]
    assert [(t.name, t.weight) for t in tags] == [("b", 2), ("c", "heavy")]
    assert folder.entries[0].tags[0].weight == 1
    assert folder.color == "blue"  # an unknown field stays reachable
    assert folder.model_extra == {"color": "blue"}


def test_a_broken_pattern_keeps_the_string(
    drift: ModuleType, server: TestServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.enqueue(Reply(200, body={"id": "folder-12", "name": "Docs", "entries": []}))
    with caplog.at_level(logging.WARNING, logger="drift"):
        folder = drift.Client(base_url=server.url, max_retries=0).folders.get("12")
    assert (type(folder).__name__, folder.id, folder.name, folder.entries) == ("Folder", "folder-12", "Docs", [])
    assert warnings_of(caplog) == [
        "GET /folders/{id}: the response does not match its schema: Folder at `id`: "
        "String should match pattern '^[0-9]+$'; kept as received"
    ]


def test_a_list_with_one_bad_item_gives_models_for_the_others(drift: ModuleType, server: TestServer) -> None:
    good = {"id": "1", "name": "One", "entries": []}
    server.enqueue(Reply(200, body=[good, {"id": "2", "entries": [{"id": "e", "size": "big"}]}, "junk"]))
    folders = drift.Client(base_url=server.url, max_retries=0).folders.list()
    assert [type(f).__name__ for f in folders] == ["Folder", "Folder", "str"]
    assert folders[0] == drift.models.Folder.model_validate(good)
    assert (folders[1].name, folders[1].entries[0].size) == (None, "big")
    assert folders[2] == "junk"


@pytest.mark.parametrize(
    "body",
    [
        FOLDER,
        {"id": "folder-12", "name": "Docs", "entries": []},
        {"id": "12", "name": "Docs", "entries": [{"id": "e", "size": 1, "tags": [{"name": 7}]}]},
    ],
    ids=["required-missing", "pattern-broken", "deep-wrong-type"],
)
def test_strict_response_validation_raises_as_before(drift: ModuleType, server: TestServer, body: Any) -> None:
    server.enqueue(Reply(200, body=body))
    client = drift.Client(base_url=server.url, max_retries=0, strict_response_validation=True)
    with pytest.raises(drift.ResponseValidationError, match=r"^The 200 response of GET /folders/\{id\} did not match"):
        client.folders.get("12")
    server.enqueue(Reply(200, body=body))
    lenient = client.with_options(strict_response_validation=False)
    assert type(lenient.folders.get("12")).__name__ == "Folder"
    strict_again = lenient.with_options(max_retries=0)
    assert strict_again.strict_response_validation is False
    assert drift.Client(base_url=server.url).with_options(strict_response_validation=True).strict_response_validation


@pytest.mark.parametrize(
    ("reply", "detail"),
    [
        (Reply(200, body=[FOLDER]), "a JSON array cannot be Folder"),
        (Reply(200, body=b"<b>busy</b>", headers={"Content-Type": "application/json"}), "Invalid JSON: expected"),
    ],
    ids=["array-for-object", "not-json"],
)
@pytest.mark.parametrize("strict", [False, True])
def test_a_body_of_another_shape_or_not_json_raises_naming_the_operation(
    drift: ModuleType, server: TestServer, reply: Reply, detail: str, strict: bool
) -> None:
    server.enqueue(reply)
    client = drift.Client(base_url=server.url, max_retries=0, strict_response_validation=strict)
    with pytest.raises(drift.ResponseValidationError) as caught:
        client.folders.get("12")
    message = str(caught.value)
    assert message.startswith("The 200 response of GET /folders/{id} did not match the schema")
    if not strict or detail.startswith("Invalid JSON"):
        assert detail in message


def test_an_error_body_is_read_leniently_and_the_status_error_raised(drift: ModuleType, server: TestServer) -> None:
    server.enqueue(Reply(404, body={"code": "not_found", "request_id": "r1"}))  # `message` missing
    with pytest.raises(drift.NotFoundError) as caught:
        drift.Client(base_url=server.url, max_retries=0).folders.get("12")
    body = caught.value.body
    assert (type(body).__name__, body.code, body.message, body.request_id) == ("Problem", "not_found", None, "r1")
    server.enqueue(Reply(404, body={"code": "not_found"}))
    with pytest.raises(drift.NotFoundError) as strict:
        drift.Client(base_url=server.url, max_retries=0, strict_response_validation=True).folders.get("12")
    assert strict.value.body == {"code": "not_found"}  # as today: the JSON received


def test_the_async_client_reads_leniently_too(drift: ModuleType, server: TestServer) -> None:
    server.enqueue(Reply(200, body=FOLDER))
    server.enqueue(Reply(200, body=FOLDER))

    async def calls() -> tuple[Any, Any]:
        async with drift.AsyncClient(base_url=server.url, max_retries=0) as client:
            folder = await client.folders.get("12")
            strict = client.with_options(strict_response_validation=True)
            try:
                await strict.folders.get("12")
            except drift.ResponseValidationError as exc:
                return folder, exc
            return folder, None

    folder, error = asyncio.run(calls())
    assert (type(folder).__name__, folder.shared_link.accessed) == ("Folder", None)
    assert isinstance(error, drift.ResponseValidationError)
