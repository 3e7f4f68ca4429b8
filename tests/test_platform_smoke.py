"""The whole LlamaCloud platform API (`tests/real_specs/llamacloud-platform.json`, 209 operations, 273
schemas) built with default settings: nothing dropped, good names without configuration, a package
that imports and passes `mypy --strict` and `ruff check`, and a spread of calls checked on the wire.

The build runs once per test run, shared by the parallel workers; mypy and ruff run in tests of their own.
The platform spec has no array query parameter, so query arrays (form/explode, explode=false,
deepObject) are covered by the `params` fixture in tests/test_openapi_coverage.py.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import inspect
import json
import keyword
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import types
import typing
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import pytest
from support.server import RecordedRequest, Reply, TestServer
from support.shared import MYPY_STRICT, Wanted, build_once, kept_mypy_cache

from generator.naming import (
    clean_schema_name,
    method_name_from_operation_id,
    readable_body_name,
    schema_name_qualifiers,
    snake,
    without_resource_words,
)
from generator.pipeline import load_api

SPEC = Path(__file__).resolve().parents[1] / "tests" / "real_specs" / "llamacloud-platform.json"
PACKAGE = "llamaplatform"
OPERATIONS = 209
SCHEMAS = 273
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
API_KEY = "llx-platform-smoke-0123456789"
Flavour = Literal["sync", "async"]


@dataclass
class Platform:
    out: Path  # the folder holding the package folder

    @property
    def package(self) -> ModuleType:
        return importlib.import_module(PACKAGE)

    @property
    def models(self) -> ModuleType:
        return importlib.import_module(f"{PACKAGE}.models")


def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SPEC.read_text(encoding="utf-8"))
    return loaded


def spec_operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in spec()["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


@pytest.fixture(scope="session")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """The package built once per run (shared by the parallel workers), importable in this process."""
    done = build_once(tmp_path_factory, Wanted(SPEC, PACKAGE, seed=None))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{OPERATIONS} operations" in done.stdout
    sys.path.insert(0, str(done.out))
    try:
        yield Platform(done.out)
    finally:
        sys.path.remove(str(done.out))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def checked_by(command: list[str], platform: Platform) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=platform.out,  # no project configuration: the flags alone decide
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        timeout=300,
    )


def walk(resource: Any, path: tuple[str, ...] = ()) -> dict[tuple[str, str], Any]:
    """(resource path, method name) -> bound method, for a client and every resource under it."""
    found: dict[tuple[str, str], Any] = {}
    for name, attr in vars(type(resource)).items():
        if name.startswith("_") or name == "with_raw_response":
            continue
        if isinstance(attr, functools.cached_property):
            found |= walk(getattr(resource, name), (*path, name))
        elif inspect.isfunction(attr):
            found[(".".join(path), name)] = getattr(resource, name)
    return found


# -- nothing dropped ---------------------------------------------------------------------------
def test_every_operation_is_a_method_of_both_clients(platform: Platform) -> None:
    assert len(spec_operations()) == OPERATIONS
    sync_client = platform.package.Client(api_key=API_KEY, base_url="http://127.0.0.1:9")
    async_client = platform.package.AsyncClient(api_key=API_KEY, base_url="http://127.0.0.1:9")
    sync_methods, async_methods = walk(sync_client), walk(async_client)
    assert len(sync_methods) == OPERATIONS
    assert sorted(sync_methods) == sorted(async_methods)
    # Async: coroutine functions, but a list returning its pages (`async for`, or `await` the first one).
    paged = {key for key, method in async_methods.items() if "AsyncPaginator[" in str(method.__annotations__["return"])}
    assert paged and all(inspect.iscoroutinefunction(m) for k, m in async_methods.items() if k not in paged)
    assert not any(inspect.iscoroutinefunction(method) for method in sync_methods.values())
    assert set(sync_methods) == set(default_names().values())


def default_names() -> dict[str, tuple[str, str]]:
    """operationId -> (resource, method) by the documented rules: the first tag is the resource; the
    operationId less FastAPI's suffix is the method, less the resource's own words when what is left
    is a plain name that no other method of the resource would have too."""
    long_names = {
        operation["operationId"]: (
            snake(operation["tags"][0]),
            method_name_from_operation_id(operation["operationId"], path, method),
        )
        for path, method, operation in spec_operations()
    }
    short = {op: (resource, without_resource_words(name, resource)) for op, (resource, name) in long_names.items()}
    taken = [pair for pair in short.values()]
    names = {}
    for op, (resource, name) in long_names.items():
        candidate = short[op]
        plain = candidate[1].isidentifier() and not keyword.iskeyword(candidate[1])
        unique = taken.count(candidate) == 1 and (
            candidate[1] == name or (resource, candidate[1]) not in long_names.values()
        )
        names[op] = candidate if plain and unique else (resource, name)
    return names


def test_every_operation_has_its_endpoint(platform: Platform) -> None:
    """Each (HTTP method, path) of the spec is described by exactly one endpoint of a resource module."""
    endpoint_type = importlib.import_module(f"{PACKAGE}._runtime._base_client").Endpoint
    described = []
    for module_path in sorted((platform.out / PACKAGE / "resources").glob("*.py")):
        module = importlib.import_module(f"{PACKAGE}.resources.{module_path.stem}")
        described += [(v.method, v.path) for v in vars(module).values() if isinstance(v, endpoint_type)]
    assert sorted(described) == sorted((method.upper(), path) for path, method, _ in spec_operations())


def test_every_schema_is_a_model_class(platform: Platform) -> None:
    from pydantic import BaseModel

    names = list(spec()["components"]["schemas"])
    assert len(names) == SCHEMAS
    groups: dict[str, list[str]] = {}
    methods = {
        op["operationId"]: method_name_from_operation_id(op["operationId"], p, m) for p, m, op in spec_operations()
    }
    bodies: dict[str, int] = {}
    for name in names:
        readable = readable_body_name(name, methods)
        if readable is not None:  # FastAPI's `Body_<operationId>`: `UploadFileBody`, `UploadFileBody2`, ...
            bodies[readable] = bodies.get(readable, 0) + 1
            readable += str(bodies[readable]) if bodies[readable] > 1 else ""
        groups.setdefault(readable or clean_schema_name(name), []).append(name)
    classes: dict[str, type] = {}
    for cls_name, members in groups.items():
        wanted = [cls_name] if len(members) == 1 else [qualified(m, cls_name) for m in members]
        for name, wanted_name in zip(members, wanted, strict=True):
            cls = getattr(platform.models, wanted_name, None)
            assert isinstance(cls, type), f"{name}: no class {wanted_name}"
            assert issubclass(cls, BaseModel) or cls.__module__.startswith(platform.models.__name__ + "._"), name
            classes[name] = cls
    assert len(set(classes.values())) == SCHEMAS  # distinct classes, one per schema
    assert {k: v for k, v in groups.items() if len(v) > 1} == {
        "ChatMessage": [
            "llama_index__core__base__llms__types__ChatMessage",
            "src__app__schema__chat__ChatMessage",
        ]
    }


def qualified(schema: str, cls_name: str) -> str:
    """A cleaned name two schemas share, prefixed by the nearest module word that changes it:
    `src__app__schema__chat__ChatMessage` -> `SchemaChatMessage` (`Chat` would change nothing)."""
    return next(q + cls_name for q in schema_name_qualifiers(schema) if not cls_name.startswith(q))


def test_colliding_chat_messages_stay_distinct(platform: Platform) -> None:
    m = platform.models
    assert m.TypesChatMessage is not m.SchemaChatMessage
    assert {"role", "blocks"} <= set(m.TypesChatMessage.model_fields)
    assert {"id", "index", "role", "content"} <= set(m.SchemaChatMessage.model_fields)
    # Each reference points at its own ChatMessage.
    assert list_of(m.SchemaChatMessage) in typing.get_args(typing.get_type_hints(m.PlaygroundSession)["chat_messages"])
    assert m.TypesChatMessage in _flatten(typing.get_type_hints(m.EditSuggestionCreate).values())


def test_framework_body_schemas_have_readable_names(platform: Platform) -> None:
    m = platform.models
    # Three operations are `upload_file`: their bodies are numbered in the order of the schemas.
    assert "file" in m.UploadFileBody.model_fields  # Body_upload_file_api_parsing_upload_post
    assert set(m.UploadFileBody2.model_fields) == {"upload_file"}  # Body_upload_file_api_v1_files_post
    assert "file" in m.UploadFileBody3.model_fields  # Body_upload_file_api_v1_parsing_upload_post
    assert "upload_file" in m.ImportPipelineMetadataBody.model_fields
    assert not any(name.startswith("Body") for name in dir(m))


def list_of(item: Any) -> Any:
    """`list[item]` for a class known only at run time."""
    return types.GenericAlias(list, (item,))


def _flatten(annotations: Any) -> list[Any]:
    found: list[Any] = []
    for annotation in annotations:
        found.append(annotation)
        found += _flatten(typing.get_args(annotation))
    return found


def test_method_names_need_no_configuration(platform: Platform) -> None:
    client = platform.package.Client(api_key=API_KEY, base_url="http://127.0.0.1:9")
    for dotted in (
        "api_keys.list_keys",
        "api_keys.delete",  # delete_api_key: no stutter
        "files.upload",
        "parsing.get_job_image_result",
        "pipelines.get_playground_session",
        "pipelines.list_files",  # list_pipeline_files
        "data_sinks.list",
        "embedding_model_configs.upsert",
        "embedding_model_configs.list",
        "reports.update",
        # Both would be `get`: each keeps its longer name.
        "chat_apps.get_chat_apps",
        "chat_apps.get_chat_app",
    ):
        resource, method = dotted.rsplit(".", 1)
        assert callable(getattr(getattr(client, resource), method)), dotted
    for resource, method in walk(client):
        # No FastAPI route suffix left (`..._api_v1_files_post`); `force_delete` is a name of its own.
        assert "_api_v" not in method and not re.search(r"_api_\w*_(get|post|put|patch|delete)$", method)
        assert method.isidentifier() and resource.replace(".", "_").isidentifier()


# -- the package is sound ----------------------------------------------------------------------
def test_every_module_imports(platform: Platform) -> None:
    root = platform.package
    names = [info.name for info in pkgutil.walk_packages(root.__path__, root.__name__ + ".")]
    for name in names:
        importlib.import_module(name)
    assert f"{PACKAGE}.models" in names and len(names) > 20


@pytest.mark.slow
def test_package_passes_mypy_strict(platform: Platform, tmp_path_factory: pytest.TempPathFactory) -> None:
    # A copy at a path that stays the same between runs, so the kept cache re-checks only what changed.
    with kept_mypy_cache(tmp_path_factory, "platform") as cache:
        folder = cache.with_name(cache.name + "-files")
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(platform.out / PACKAGE, folder / PACKAGE)
        done = subprocess.run(
            [sys.executable, "-m", "mypy", *MYPY_STRICT, "--cache-dir", str(cache), "--no-error-summary", PACKAGE],
            cwd=folder,  # no project configuration: the flags alone decide
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
            timeout=300,
        )
    assert (done.returncode, done.stdout) == (0, "")


def test_package_passes_ruff_check(platform: Platform) -> None:
    done = checked_by([sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", PACKAGE], platform)
    assert done.returncode == 0, done.stdout


# -- on the wire -------------------------------------------------------------------------------
KEY_ID = str(uuid.UUID(int=1))
PROJECT_ID = str(uuid.UUID(int=2))
REPORT_ID = str(uuid.UUID(int=3))
API_KEY_BODY = {"id": KEY_ID, "user_id": "u1", "redacted_api_key": "llx-...89", "name": "ci"}
FILE_BODY = {
    "id": str(uuid.UUID(int=4)),
    "name": "a.txt",
    "external_file_id": "a.txt",
    "project_id": PROJECT_ID,
}
REPORT_BODY = {
    "name": "r",
    "report_id": REPORT_ID,
    "report": None,
    "plan": None,
    "version": 2,
    "last_updated": "2024-05-01T12:00:00Z",
    "status": "completed",
    "total_versions": 2,
}
EMBEDDING_CONFIGS = [
    {"id": KEY_ID, "name": "o", "project_id": PROJECT_ID, "embedding_config": {"type": "OPENAI_EMBEDDING"}},
    {"id": KEY_ID, "name": "c", "project_id": PROJECT_ID, "embedding_config": {"type": "COHERE_EMBEDDING"}},
]
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\xff\xd9"


def multipart_parts(request: RecordedRequest) -> list[Message]:
    head = f"Content-Type: {request.header('Content-Type')}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    return list(message.iter_parts())


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_smoke_on_the_wire(platform: Platform, server: TestServer, flavour: Flavour) -> None:
    m = platform.models
    server.enqueue(
        Reply(200, body=API_KEY_BODY),  # POST, JSON body
        Reply(200, body={**API_KEY_BODY, "name": "renamed"}),  # PUT, JSON body
        Reply(200, body=REPORT_BODY),  # PATCH, JSON body
        Reply(200, body=FILE_BODY),  # multipart upload
        Reply(204),  # no content
        Reply(200, headers={"Content-Type": "image/jpeg"}, body=JPEG),  # binary download
        Reply(200, body=[API_KEY_BODY, API_KEY_BODY]),  # array
        Reply(200, body=EMBEDDING_CONFIGS),  # discriminated unions inside
    )

    async def scenario(client: Any) -> list[Any]:
        calls: list[Callable[[], Any]] = [
            lambda: client.api_keys.generate_key(name="ci", project_id=PROJECT_ID),
            lambda: client.api_keys.update_existing(KEY_ID, name="renamed"),
            lambda: client.reports.update(REPORT_ID, content={"id": REPORT_ID, "blocks": []}, project_id=PROJECT_ID),
            lambda: client.files.upload(upload_file=("a.txt", b"hello\x00", "text/plain"), project_id=PROJECT_ID),
            lambda: client.api_keys.delete(KEY_ID, session="sess-1"),
            lambda: client.parsing.get_job_image_result("job-1", "page 1.jpg"),
            lambda: client.api_keys.list_keys(project_id=PROJECT_ID),
            lambda: client.embedding_model_configs.list(project_id=PROJECT_ID),
        ]
        results = []
        for make in calls:
            result = make()
            results.append(await result if inspect.isawaitable(result) else result)
        return results

    async def main() -> list[Any]:
        options = {"api_key": API_KEY, "base_url": server.url, "max_retries": 0}
        if flavour == "sync":
            with platform.package.Client(**options) as sync_client:
                return await scenario(sync_client)
        async with platform.package.AsyncClient(**options) as async_client:
            return await scenario(async_client)

    with pytest.warns(DeprecationWarning, match="reports.update is deprecated"):  # the API says so
        created, updated, report, uploaded, deleted, image, keys, configs = asyncio.run(main())
    post, put, patch, upload, delete, download, listing, unions = server.requests
    for request in server.requests:
        assert request.header("Authorization") == f"Bearer {API_KEY}"

    assert (post.method, post.path, post.query) == ("POST", "/api/v1/api-keys", "")
    assert post.header("Content-Type") == "application/json"
    assert post.json() == {"name": "ci", "project_id": PROJECT_ID}
    assert type(created) is m.APIKey and str(created.id) == KEY_ID

    assert (put.method, put.path, put.json()) == ("PUT", f"/api/v1/api-keys/{KEY_ID}", {"name": "renamed"})
    assert type(updated) is m.APIKey and updated.name == "renamed"

    assert (patch.method, patch.path) == ("PATCH", f"/api/v1/reports/{REPORT_ID}")
    assert patch.query_params == [("project_id", PROJECT_ID)]
    assert patch.json() == {"content": {"id": REPORT_ID, "blocks": []}}
    assert type(report) is m.ReportResponse and report.status is m.ReportState.COMPLETED

    assert (upload.method, upload.path, upload.query_params) == (
        "POST",
        "/api/v1/files",
        [("project_id", PROJECT_ID)],
    )
    assert (upload.header("Content-Type") or "").startswith("multipart/form-data; boundary=")
    (part,) = multipart_parts(upload)
    assert part.get_param("name", header="content-disposition") == "upload_file"
    assert (part.get_filename(), part.get_content_type()) == ("a.txt", "text/plain")
    assert part.get_payload(decode=True) == b"hello\x00"
    assert type(uploaded) is m.File

    assert (delete.method, delete.path, delete.body) == ("DELETE", f"/api/v1/api-keys/{KEY_ID}", b"")
    assert delete.cookies == {"session": "sess-1"}
    assert deleted is None

    assert (download.method, download.path) == ("GET", "/api/v1/parsing/job/job-1/result/image/page%201.jpg")
    assert image == JPEG

    assert (listing.path, listing.query_params) == ("/api/v1/api-keys", [("project_id", PROJECT_ID)])
    assert [type(k) for k in keys] == [m.APIKey, m.APIKey]

    assert (unions.path, unions.query_params) == (
        "/api/v1/embedding-model-configs",
        [("project_id", PROJECT_ID)],
    )
    assert [type(c.embedding_config) for c in configs] == [m.OpenAIEmbeddingConfig, m.CohereEmbeddingConfig]


# -- every multipart operation sends multipart ---------------------------------------------------
def multipart_operations() -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(path, method, operation, body schema) of each operation whose body is multipart/form-data."""
    schemas = spec()["components"]["schemas"]
    found = []
    for path, method, operation in spec_operations():
        content = (operation.get("requestBody") or {}).get("content") or {}
        if "multipart/form-data" in content:
            ref = content["multipart/form-data"]["schema"]["$ref"]
            found.append((path, method, operation, schemas[ref.rsplit("/", 1)[-1]]))
    return found


def _is_file(schema: dict[str, Any]) -> bool:
    """A binary string, a list of them, or either or null."""
    if schema.get("format") == "binary":
        return True
    return _is_file(schema["items"]) if "items" in schema else any(_is_file(v) for v in schema.get("anyOf", []))


def test_every_multipart_operation_sends_multipart(platform: Platform, server: TestServer) -> None:
    operations = multipart_operations()
    assert len(operations) == 9  # the spec's count: uploads, imports, screenshots, classify, reports
    client = platform.package.Client(api_key=API_KEY, base_url=server.url, max_retries=0)
    methods = {(op.http_method, op.path): op for op in load_api(SPEC, PACKAGE)[0].operations()}
    for path, method, operation, body in operations:
        server.reset()
        server.enqueue(Reply(200, body={}))
        lowered = methods[(method.upper(), path)]
        target = functools.reduce(getattr, lowered.resource_path, client).with_raw_response
        method_name = lowered.method_name
        arguments: dict[str, Any] = {}
        for name, schema in body["properties"].items():
            if _is_file(schema):  # every file field, given as a file tuple (a list of one for a list)
                one = ("a.bin", b"\x00file")
                arguments[name] = [one] if "items" in str(schema) else one
            elif name in body.get("required", []):
                arguments[name] = str(uuid.UUID(int=5)) if "uuid" in str(schema) else "text"
        positional = [str(uuid.UUID(int=6)) for p in operation.get("parameters", []) if p["in"] == "path"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # the reports are deprecated
            raw = getattr(target, method_name)(*positional, **arguments)
        assert raw.status_code == 200
        (request,) = server.requests
        assert (request.header("Content-Type") or "").startswith("multipart/form-data; boundary="), path
        parts = {part.get_param("name", header="content-disposition"): part for part in multipart_parts(request)}
        assert set(parts) == set(arguments), path
        for name, value in arguments.items():
            if isinstance(value, str):
                assert parts[name].get_payload(decode=True) == value.encode(), (path, name)
            else:
                assert (parts[name].get_filename(), parts[name].get_payload(decode=True)) == ("a.bin", b"\x00file")
