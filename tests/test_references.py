"""Reference Objects are followed everywhere OpenAPI 3.0, 3.1 and 3.2 allow them: one table, a row per
place. Each row puts `{$ref: ...}` at one place of a small spec and says what must follow from it in
the IR (or, where the IR keeps nothing of that place, in the resolved document). Every row is built
under each OpenAPI version that allows a reference there, without a warning; and the same `$ref`
pointing at nothing is an error located at that place, which proves the reference is read there and
not skipped as data or as an unknown field.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from support.fixtures import Flavour, fixture_package, run
from support.server import Reply, TestServer

from generator.errors import SpecError
from generator.ir import Api, Operation
from generator.loader import SourceFiles
from generator.pipeline import load_api
from generator.resolver import resolve

VERSIONS = {(3, 0): "3.0.3", (3, 1): "3.1.0", (3, 2): "3.2.0"}
THING = {"$ref": "#/components/schemas/Thing"}
JSON_THING = {"application/json": {"schema": THING}}


def base_spec(version: str) -> dict[str, Any]:
    """Two operations on /things, a model and an error model: what every row adds its `$ref` to."""
    return {
        "openapi": version,
        "info": {"title": "Refs", "version": "1"},
        "paths": {
            "/things": {
                "get": {
                    "operationId": "list_things",
                    "responses": {"200": {"description": "ok", "content": copy.deepcopy(JSON_THING)}},
                },
                "post": {
                    "operationId": "create_thing",
                    "requestBody": {"content": copy.deepcopy(JSON_THING)},
                    "responses": {"201": {"description": "made", "content": copy.deepcopy(JSON_THING)}},
                },
            }
        },
        "components": {
            "schemas": {
                "Thing": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
                "Problem": {"type": "object", "properties": {"message": {"type": "string"}}},
                "Upload": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}, "note": {"type": "string"}},
                },
            }
        },
    }


@dataclass(frozen=True)
class Row:
    """`ref` (a component, or a file beside the spec) placed at `at` (a JSON pointer; the key is
    created); `components` and `files` are what it points at; `got` reads the IR (or the resolved
    document), which must give `want`."""

    name: str
    at: str
    ref: str
    got: Callable[[Api, dict[str, Any]], Any]
    want: Any
    components: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, Any] = field(default_factory=dict)
    since: tuple[int, int] = (3, 0)
    siblings: dict[str, Any] = field(default_factory=dict)  # beside the `$ref` (3.1's summary/description)
    before: Callable[[dict[str, Any]], None] | None = None  # other changes the row needs


def operation(api: Api, operation_id: str) -> Operation:
    return next(op for op in api.operations() if op.operation_id == operation_id)


def at(document: dict[str, Any], pointer: str) -> Any:
    value: Any = document
    for part in pointer.strip("/").split("/"):
        key = part.replace("~1", "/").replace("~0", "~")
        value = value[int(key)] if isinstance(value, list) else value[key]
    return value


THINGS = "/paths/~1things"
PROBLEM = {
    "description": "failed",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
LIMIT = {"name": "limit", "in": "query", "description": "At most this many.", "schema": {"type": "integer"}}
ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}


def _multipart(spec: dict[str, Any]) -> None:
    spec["paths"]["/uploads"] = {
        "post": {
            "operationId": "upload",
            "requestBody": {
                "content": {
                    "multipart/form-data": {
                        "schema": {"$ref": "#/components/schemas/Upload"},
                        "encoding": {"file": {"contentType": "image/png", "headers": {}}},
                    }
                }
            },
            "responses": {"204": {"description": "done"}},
        }
    }


def _errors(api: Api, document: dict[str, Any]) -> Any:
    return tuple((status, model) for status, model, _parser in operation(api, "list_things").error_models)


def _parameters(api: Api, document: dict[str, Any]) -> Any:
    return [(p.wire_name, p.location, p.annotation, p.description) for p in operation(api, "list_things").parameters]


def _returns(api: Api, document: dict[str, Any]) -> Any:
    return operation(api, "list_things").response.annotation


def _in_document(pointer: str) -> Callable[[Api, dict[str, Any]], Any]:
    return lambda api, document: at(document, pointer)


SEEN = {"200": {"description": "seen"}}
LIMIT_PARAMETER = [("limit", "query", "int", "At most this many.")]
ROWS = [
    Row(
        "a response, by status",
        f"{THINGS}/get/responses/200",
        "#/components/responses/Things",
        _returns,
        "_models.ThingList",
        components={
            "responses": {
                "Things": {
                    "description": "ok",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingList"}}},
                }
            },
            "schemas": {"ThingList": {"type": "object", "properties": {"data": {"type": "array", "items": THING}}}},
        },
    ),
    Row(
        "the `default` response",
        f"{THINGS}/get/responses/default",
        "#/components/responses/Error",
        _errors,
        (("default", "Problem"),),
        components={"responses": {"Error": PROBLEM}},
    ),
    Row(
        "a response range (`4XX`)",
        f"{THINGS}/get/responses/4XX",
        "#/components/responses/Error",
        _errors,
        (("4XX", "Problem"),),
        components={"responses": {"Error": PROBLEM}},
    ),
    Row(
        "a response named `default` in components",
        f"{THINGS}/get/responses/500",
        "#/components/responses/default",
        _errors,
        ((500, "Problem"),),
        components={"responses": {"default": PROBLEM}},
    ),
    Row(
        "a response in another file",
        f"{THINGS}/get/responses/404",
        "responses.yaml#/NotFound",
        _errors,
        ((404, "Problem"),),
        files={
            "responses.yaml": {
                "NotFound": {
                    "description": "not found",
                    "content": {"application/json": {"schema": {"$ref": "openapi.yaml#/components/schemas/Problem"}}},
                }
            }
        },
    ),
    Row(
        "a response in components that is a reference to another file",
        f"{THINGS}/get/responses/409",
        "#/components/responses/Conflict",
        _errors,
        ((409, "Problem"),),
        components={"responses": {"Conflict": {"$ref": "responses.yaml#/Conflict"}}},
        files={
            "responses.yaml": {
                "Conflict": {
                    "description": "conflict",
                    "content": {"application/json": {"schema": {"$ref": "openapi.yaml#/components/schemas/Problem"}}},
                }
            }
        },
    ),
    Row(
        "a parameter of an operation",
        f"{THINGS}/get/parameters/0",
        "#/components/parameters/Limit",
        _parameters,
        LIMIT_PARAMETER,
        components={"parameters": {"Limit": LIMIT}},
    ),
    Row(
        "a parameter of a path item",
        f"{THINGS}/parameters/0",
        "#/components/parameters/Limit",
        _parameters,
        LIMIT_PARAMETER,
        components={"parameters": {"Limit": LIMIT}},
        before=lambda spec: spec["paths"]["/things"].pop("post"),
    ),
    Row(
        "a parameter whose reference has a description of its own (3.1)",
        f"{THINGS}/get/parameters/0",
        "#/components/parameters/Limit",
        _parameters,
        [("limit", "query", "int", "The page size.")],
        components={"parameters": {"Limit": LIMIT}},
        since=(3, 1),
        siblings={"description": "The page size."},
    ),
    Row(
        "a request body",
        f"{THINGS}/post/requestBody",
        "#/components/requestBodies/NewThing",
        lambda api, doc: [f.py_name for f in operation(api, "create_thing").body.fields],  # type: ignore[union-attr]
        ["name"],
        components={
            "requestBodies": {
                "NewThing": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}
                    },
                }
            }
        },
    ),
    Row(
        "a header of a multipart part (`encoding`)",
        "/paths/~1uploads/post/requestBody/content/multipart~1form-data/encoding/file/headers/X-Part",
        "#/components/headers/Part",
        lambda api, doc: operation(api, "upload").body.encoding[0].headers,  # type: ignore[union-attr]
        (("X-Part", "scan"),),
        components={"headers": {"Part": {"schema": {"type": "string", "enum": ["scan"]}}}},
        before=_multipart,
    ),
    Row(
        "a header of a response",
        f"{THINGS}/get/responses/200/headers/X-Rate-Limit",
        "#/components/headers/Rate",
        _in_document(f"{THINGS}/get/responses/200/headers/X-Rate-Limit"),
        {"description": "Calls left.", "schema": {"type": "integer"}},
        components={"headers": {"Rate": {"description": "Calls left.", "schema": {"type": "integer"}}}},
    ),
    Row(
        "a named example of a media type",
        f"{THINGS}/get/responses/200/content/application~1json/examples/one",
        "#/components/examples/One",
        lambda api, doc: operation(api, "list_things").response.example,
        {"id": "t-1"},
        components={"examples": {"One": {"summary": "one thing", "value": {"id": "t-1"}}}},
    ),
    Row(
        "a named example of a parameter, named `default` in components",
        f"{THINGS}/get/parameters/0/examples/small",
        "#/components/examples/default",
        _in_document(f"{THINGS}/get/parameters/0/examples/small"),
        {"value": 5},
        components={"examples": {"default": {"value": 5}}},
        before=lambda spec: spec["paths"]["/things"]["get"].update(parameters=[{**LIMIT}]),
    ),
    Row(
        "a link of a response",
        f"{THINGS}/post/responses/201/links/list",
        "#/components/links/List",
        _in_document(f"{THINGS}/post/responses/201/links/list"),
        {"operationId": "list_things", "parameters": {"after": "$response.body#/id"}},
        components={"links": {"List": {"operationId": "list_things", "parameters": {"after": "$response.body#/id"}}}},
    ),
    Row(
        "a callback of an operation",
        f"{THINGS}/post/callbacks/made",
        "#/components/callbacks/Made",
        _in_document(f"{THINGS}/post/callbacks/made/{{$request.body#~1hook}}/post/responses/200"),
        {"description": "seen"},
        components={
            "callbacks": {"Made": {"{$request.body#/hook}": {"post": {"responses": {"200": {"description": "seen"}}}}}}
        },
    ),
    Row(
        "a path item under `paths`, in another file",
        "/paths/~1things~1{id}",
        "things.yaml#/Thing",
        lambda api, doc: (operation(api, "get_thing").http_method, operation(api, "get_thing").path),
        ("GET", "/things/{id}"),
        files={
            "things.yaml": {
                "Thing": {
                    "get": {
                        "operationId": "get_thing",
                        "parameters": [ID],
                        "responses": {"204": {"description": "there"}},
                    }
                }
            }
        },
    ),
    Row(
        "a path item in components (3.1)",
        "/paths/~1things~1{id}",
        "#/components/pathItems/Thing",
        lambda api, doc: (operation(api, "drop_thing").http_method, operation(api, "drop_thing").path),
        ("DELETE", "/things/{id}"),
        components={
            "pathItems": {
                "Thing": {
                    "delete": {
                        "operationId": "drop_thing",
                        "parameters": [ID],
                        "responses": {"204": {"description": "gone"}},
                    }
                }
            }
        },
        since=(3, 1),
    ),
    Row(
        "a webhook (3.1)",
        "/webhooks/made",
        "#/components/pathItems/Made",
        _in_document("/webhooks/made/post/requestBody/description"),
        "a new thing",
        components={
            "pathItems": {
                "Made": {
                    "post": {
                        "requestBody": {"description": "a new thing", "content": copy.deepcopy(JSON_THING)},
                        "responses": {"200": {"description": "seen"}},
                    }
                }
            }
        },
        since=(3, 1),
    ),
    Row(
        "a security scheme",
        "/components/securitySchemes/token",
        "schemes.yaml#/Token",
        lambda api, doc: [(s.name, s.kind, s.location, s.parameter) for s in api.security],
        [("token", "api_key", "header", "X-Token")],
        files={"schemes.yaml": {"Token": {"type": "apiKey", "in": "header", "name": "X-Token"}}},
        before=lambda spec: spec.update(security=[{"token": []}]),
    ),
    Row(
        "a media type (3.2)",
        f"{THINGS}/get/responses/200/content/application~1json",
        "#/components/mediaTypes/ProblemJson",
        _returns,
        "_models.Problem",
        components={"mediaTypes": {"ProblemJson": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
        since=(3, 2),
    ),
]


def _cases() -> list[Any]:
    return [
        pytest.param(row, version, id=f"{row.name} [{text}]")
        for row in ROWS
        for version, text in VERSIONS.items()
        if version >= row.since
    ]


def _write(folder: Path, row: Row, version: str, ref: str) -> Path:
    spec = base_spec(version)
    if row.before is not None:
        row.before(spec)
    for section, entries in row.components.items():
        spec["components"].setdefault(section, {}).update(copy.deepcopy(entries))
    parent_pointer, _, last = row.at.rpartition("/")
    parent: Any = spec
    for part in parent_pointer.strip("/").split("/"):
        key: Any = part.replace("~1", "/").replace("~0", "~")
        if isinstance(parent, list):
            key = int(key)
        elif key not in parent:
            parent[key] = [] if last.isdigit() else {}
        parent = parent[key]
    reference = {"$ref": ref, **row.siblings}
    name = last.replace("~1", "/").replace("~0", "~")
    if isinstance(parent, list):
        parent.insert(int(name), reference)
    else:
        parent[name] = reference
    for file_name, content in row.files.items():
        (folder / file_name).write_text(json.dumps(content), encoding="utf-8")
    path = folder / "openapi.yaml"
    path.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("row", "version"), _cases())
def test_a_reference_is_followed(row: Row, version: tuple[int, int], tmp_path: Path) -> None:
    spec = _write(tmp_path, row, VERSIONS[version], row.ref)
    api, _ = load_api(spec, "refs")
    assert [w.message for w in api.warnings] == []
    document = resolve(spec, SourceFiles()).document
    assert row.got(api, document) == row.want


@pytest.mark.parametrize(("row", "version"), _cases())
def test_a_reference_to_nothing_is_an_error_at_its_place(row: Row, version: tuple[int, int], tmp_path: Path) -> None:
    file_part, _, pointer = row.ref.partition("#")
    missing = f"{file_part}#{pointer.rsplit('/', 1)[0]}/Missing"
    spec = _write(tmp_path, row, VERSIONS[version], missing)
    with pytest.raises(SpecError) as raised:
        load_api(spec, "refs")
    errors = [(d.origin and d.origin.file.name, d.origin and d.origin.pointer, d.message) for d in raised.value.errors]
    assert errors == [("openapi.yaml", row.at, f"$ref target {missing} does not exist")]


# -- DigitalOcean's way: the `shared_responses` fixture ---------------------------------------------
# Its package is committed under tests/fixtures/shared_responses/expected/ (built, compared byte for
# byte, imported and type-checked by tests/test_golden.py); here it is driven on the loopback server.
DO_ERROR = {"id": "example_error", "message": "some error message"}


@pytest.mark.parametrize(
    ("operation", "status", "error"),
    [
        ("list", 401, "AuthenticationError"),
        ("list", 429, "RateLimitError"),
        ("list", 500, "InternalServerError"),
        ("list", 418, "APIStatusError"),  # no status of its own: `default`
        ("get", 404, "NotFoundError"),  # `4XX`
        ("get", 503, "InternalServerError"),  # `5XX`
        ("get", 302, "APIStatusError"),  # `default`, a redirect with no location to follow
    ],
)
def test_shared_error_responses_keep_their_model(
    operation: str, status: int, error: str, server: TestServer, flavour: Flavour
) -> None:
    package = fixture_package("shared_responses")
    server.enqueue(Reply(status, body=DO_ERROR))
    call = (lambda c: c.droplets.list(per_page=2)) if operation == "list" else (lambda c: c.droplets.get(3164444))
    with pytest.raises(package.APIStatusError) as caught:
        run(flavour, "shared_responses", server, call)
    assert type(caught.value).__name__ == error
    assert type(caught.value.body) is package.models.Error
    assert caught.value.body.model_dump(exclude_unset=True) == DO_ERROR


def test_shared_parameters_and_responses_reach_the_client(server: TestServer, flavour: Flavour) -> None:
    droplet = {"id": 3164444, "name": "example.com", "memory": 1024, "status": "active"}
    server.enqueue(
        Reply(200, body={"droplets": [droplet], "meta": {"total": 1}}), Reply(200, body={"droplet": droplet})
    )
    listed, got = run(
        flavour,
        "shared_responses",
        server,
        lambda c: [c.droplets.list(per_page=2, page=3), c.droplets.get(3164444)],
    )
    # The list pages by inference (`page`/`per_page` parameters, a total in `meta`): its first page.
    assert [(d.id, d.status) for d in listed.items] == [(3164444, "active")]
    assert listed.parsed_body.meta.total == 1 and not listed.has_next_page()
    assert got.droplet.name == "example.com"
    assert [r.target for r in server.requests] == ["/v2/droplets?per_page=2&page=3", "/v2/droplets/3164444"]
