"""OpenAPI 3.2 (issue 14): the `oas32` fixture (tests/fixtures/oas32/spec.yaml) as its client sees it.

Its output is committed under `expected/` and checked byte for byte, imported and type-checked by
tests/test_golden.py; here the committed package is driven against the loopback TestServer: a
hierarchical tag gives the resource path, `query` and `additionalOperations` send their methods,
an `in: querystring` form sends its fields as the query, a `$ref` under the document's `$self` is
the file beside it, `itemSchema` types the items of a JSON Lines stream, named servers
and the 3.2 fields of security schemes reach the client and its README.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any, Literal

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
from support.server import Reply, TestServer

from generator.pipeline import load_api

NAME = "oas32"
SPEC = goldens.fixture_spec(NAME)
TOKEN = "oauth-token-32"
Flavour = Literal["sync", "async"]

_root = str(goldens.fixture_expected(NAME).parent)
if _root not in sys.path:
    sys.path.insert(0, _root)


def package() -> ModuleType:
    return importlib.import_module(NAME)


def call(flavour: Flavour, server: TestServer, action: Callable[[Any], Any]) -> Any:
    options = {"access_token": TOKEN, "base_url": server.url, "max_retries": 0}

    async def main() -> Any:
        if flavour == "sync":
            with package().Client(**options) as sync_client:
                return action(sync_client)
        async with package().AsyncClient(**options) as async_client:
            result = action(async_client)
            return await result if inspect.isawaitable(result) else result

    return asyncio.run(main())


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> Flavour:
    return request.param  # type: ignore[no-any-return]


def test_the_build_reads_32_without_a_warning() -> None:
    api, _ = load_api(SPEC, NAME)
    assert api.warnings == ()
    assert sorted((op.http_method, op.path) for op in api.operations()) == [
        ("GET", "/events"),
        ("GET", "/jobs/{job_id}"),
        ("PURGE", "/widgets/{widget_id}"),
        ("QUERY", "/widgets"),
    ]


def test_hierarchical_tags_give_the_resource_path(server: TestServer, flavour: Flavour) -> None:
    """`Jobs` has the parent `Batch`, whose parent is `Beta`; the badge tag `Internal` is no place."""
    server.enqueue(Reply(200, body={"id": "j1", "status": "running"}))
    job = call(flavour, server, lambda c: c.beta.batch.jobs.get("j1"))
    (request,) = server.requests
    assert (request.method, request.path) == ("GET", "/jobs/j1")
    # The Job schema is `$ref`'d by an absolute URI under `$self`: read from schemas.yaml beside it.
    models = importlib.import_module(f"{NAME}.models")
    assert type(job) is models.Job and job.status is models.JobStatus.RUNNING


def test_query_method_sends_its_body(server: TestServer, flavour: Flavour) -> None:
    models = importlib.import_module(f"{NAME}.models")
    server.enqueue(Reply(200, body=[{"id": "w1", "name": "gear"}]))
    found = call(flavour, server, lambda c: c.widgets.search(name_contains="ge"))
    (request,) = server.requests
    assert (request.method, request.path, request.json()) == ("QUERY", "/widgets", {"name_contains": "ge"})
    # The response schema is a reusable media type (`components/mediaTypes`), referenced from `content`.
    assert found == [models.Widget(id="w1", name="gear")]


def test_additional_operation_sends_its_own_method(server: TestServer, flavour: Flavour) -> None:
    server.enqueue(Reply(204))
    assert call(flavour, server, lambda c: c.widgets.purge("w 1")) is None
    (request,) = server.requests
    assert (request.method, request.path) == ("PURGE", "/widgets/w%201")


def test_custom_and_query_methods_are_retried_as_their_semantics_say() -> None:
    api, _ = load_api(SPEC, NAME)
    idempotent = {op.http_method: op.idempotent for op in api.operations()}
    assert idempotent["QUERY"] is True  # safe and idempotent, like GET
    assert idempotent["PURGE"] is False  # unknown to HTTP: not retried unless `x-idempotent` says so


def test_querystring_form_sends_its_fields_as_the_query(server: TestServer, flavour: Flavour) -> None:
    server.enqueue(Reply(200, body=b'{"kind": "made"}\n{"kind": "sold", "widget_id": "w-1"}\n'))

    async def read_async(c: Any) -> list[Any]:
        stream = await c.widgets.list_events(filter_={"kind": "made", "limit": 2})
        return [event async for event in stream]

    def read_sync(c: Any) -> list[Any]:
        return list(c.widgets.list_events(filter_={"kind": "made", "limit": 2}))

    events = call(flavour, server, read_sync if flavour == "sync" else read_async)
    (request,) = server.requests
    assert request.query_params == [("kind", "made"), ("limit", "2")]
    assert [(e.kind, e.widget_id) for e in events] == [("made", None), ("sold", "w-1")]
    assert all(type(e).__name__ == "Event" for e in events)


def test_item_schema_types_the_items_of_a_sequence() -> None:
    api, _ = load_api(SPEC, NAME)
    (events,) = [op for op in api.operations() if op.method_name == "list_events"]
    assert events.response.media_type == "application/jsonl"
    assert events.response.kind == "stream"
    assert events.response.stream is not None
    assert events.response.stream.item_annotation == "_models.Event"


def test_security_schemes_and_servers_of_32() -> None:
    """The deprecated key does not take `api_key` (no scheme does); the OAuth 2 one takes `access_token`."""
    api, _ = load_api(SPEC, NAME)
    by_name = {s.name: s for s in api.security}
    assert (by_name["oauth"].option, by_name["oauth"].deprecated) == ("access_token", False)
    assert by_name["oauth"].metadata_url == "https://auth.example.com/.well-known/oauth-authorization-server"
    assert (by_name["legacyKey"].option, by_name["legacyKey"].deprecated) == ("legacy_key", True)
    assert api.settings.servers == (
        ("production", "https://api.example.com/v2", "The live API."),
        ("sandbox", "https://sandbox.example.com/v2", ""),
    )
    readme = (goldens.fixture_expected(NAME) / "README.md").read_text(encoding="utf-8")
    assert "- `sandbox`: `https://sandbox.example.com/v2`" in readme
    assert "- `legacyKey` (`legacy_key=`): deprecated by the API" in readme


def test_oauth_token_is_sent_as_bearer(server: TestServer) -> None:
    server.enqueue(Reply(204))
    call("sync", server, lambda c: c.widgets.purge("w1"))
    (request,) = server.requests
    assert request.header("Authorization") == f"Bearer {TOKEN}"
    assert request.header("X-Legacy-Key") is None
