"""Small defects of the generated client, each pinned: type hints that resolve on every method of both
clients (of every golden package), `request_id` on every error that carries a response, raw-response
methods that say they return a `RawResponse`, and header names that are no HTTP token refused at build."""

from __future__ import annotations

import importlib
import inspect
import sys
import typing
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from typing import Any

import llamacloud  # type: ignore[import-not-found, unused-ignore]
import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
from conftest import AnyClient, Flavour, resolve, run
from support.server import Reply, TestServer

for _name in goldens.FIXTURES:
    _root = str(goldens.fixture_expected(_name).parent)
    if _root not in sys.path:
        sys.path.insert(0, _root)

PACKAGES = (goldens.MAIN_PACKAGE, *goldens.FIXTURES)
CREDENTIALS = {"api_key": "k-123456", "username": "user", "password": "pass"}


def methods(obj: object, package: str, seen: set[int] | None = None) -> Iterator[tuple[str, Callable[..., Any]]]:
    """Every method reachable from a client: its own, its resources' (sub-resources included) and
    their `with_raw_response` twins, each with a dotted name."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    label = type(obj).__name__
    for name, attribute in inspect.getmembers(type(obj)):
        if name.startswith("__") and name != "__init__":
            continue
        if isinstance(attribute, cached_property):
            child = getattr(obj, name)
            if type(child).__module__.startswith(package + "."):
                yield from methods(child, package, seen)
        elif inspect.isfunction(attribute):
            yield f"{label}.{name}", getattr(obj, name)
    for name, value in vars(obj).items():  # the raw-response wrappers are set on the instance
        if callable(value) and not name.startswith("_"):
            yield f"{label}.{name}", value


@pytest.mark.parametrize("package", PACKAGES)
def test_type_hints_resolve_on_every_method_of_both_clients(package: str) -> None:
    module = importlib.import_module(package)
    omit_type: Any = importlib.import_module(f"{package}._runtime._types").Omit
    raw_response = importlib.import_module(f"{package}._runtime._response").RawResponse
    for cls in (module.Client, module.AsyncClient):
        client = cls(**CREDENTIALS, base_url="http://127.0.0.1:9")
        found = dict(methods(client, package))
        for label, method in found.items():
            hints = typing.get_type_hints(method)  # raised NameError: Omit in modules not using Omit
            if "extra_headers" in hints:
                assert hints["extra_headers"] == Mapping[str, str | omit_type] | None, label
            if label.split(".")[0].endswith("ResourceWithRawResponse") and not label.endswith("__init__"):
                assert typing.get_origin(hints["return"]) is raw_response, label
        raw = [
            label
            for label in found
            if label.split(".")[0].endswith("ResourceWithRawResponse") and not label.endswith("__init__")
        ]
        plain = [label.replace("WithRawResponse.", ".") for label in raw]
        assert raw and all(label in found for label in plain), "each raw method has its plain twin"


def test_raw_response_methods_say_they_return_a_raw_response() -> None:
    models = importlib.import_module("llamacloud.models")
    raw_response = importlib.import_module("llamacloud._runtime._response").RawResponse
    pagination = importlib.import_module("llamacloud._runtime._pagination")
    sync = llamacloud.Client(api_key="k-123456", base_url="http://127.0.0.1:9")
    asynchronous = llamacloud.AsyncClient(api_key="k-123456", base_url="http://127.0.0.1:9")
    cases: list[tuple[Any, Any, Any]] = [
        (sync.beta.batch.get_status, sync.beta.batch.with_raw_response.get_status, models.BatchGetStatusResponse),
        (sync.beta.batch.list, sync.beta.batch.with_raw_response.list, pagination.SyncPage[models.BatchJob]),
        (
            asynchronous.beta.batch.get_status,
            asynchronous.beta.batch.with_raw_response.get_status,
            models.BatchGetStatusResponse,
        ),
        # Awaited by its raw wrapper, an async list gives its first page, not a paginator.
        (
            asynchronous.beta.batch.list,
            asynchronous.beta.batch.with_raw_response.list,
            pagination.AsyncPage[models.BatchJob],
        ),
    ]
    for method, raw, parsed in cases:
        signature, raw_signature = inspect.signature(method), inspect.signature(raw)
        assert raw_signature.parameters == signature.parameters
        assert str(raw_signature.return_annotation).startswith("RawResponse[")
        assert typing.get_type_hints(raw)["return"] == raw_response[parsed]
        assert typing.get_type_hints(method)["return"] != raw_response[parsed]  # the method itself is untouched
    assert inspect.iscoroutinefunction(asynchronous.beta.batch.with_raw_response.get_status)


def test_a_response_validation_error_has_the_request_id(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, headers={"x-request-id": "req-7f3a"}, body={"job": "not a job"}))
    raised: list[Exception] = []

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.ResponseValidationError) as caught:
            await resolve(client.beta.batch.get_status("bjb-1"))
        raised.append(caught.value)

    run(flavour, scenario, base_url=server.url, strict_response_validation=True)
    (error,) = raised
    assert isinstance(error, llamacloud.ResponseValidationError)
    assert (error.request_id, error.status_code, error.body) == ("req-7f3a", 200, b'{"job": "not a job"}')


def test_an_error_without_a_request_id_header_has_none(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, body=[1, 2]), Reply(404, body={"detail": "no such job"}))
    raised: list[Any] = []

    async def scenario(client: AnyClient) -> None:
        for _ in range(2):
            with pytest.raises(llamacloud.APIError) as caught:
                await resolve(client.beta.batch.get_status("bjb-1"))
            raised.append(caught.value)

    run(flavour, scenario, base_url=server.url, max_retries=0)
    assert [type(e).__name__ for e in raised] == ["ResponseValidationError", "NotFoundError"]
    assert [e.request_id for e in raised] == [None, None]
