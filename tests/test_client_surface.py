"""The public face of the generated client: method keywords against the official SDK, client options,
the environment, closing, `with_options` copies, User-Agent."""

from __future__ import annotations

import asyncio
import inspect
import ssl
from collections.abc import Callable
from typing import Any

import httpx
import llama_cloud
import llamacloud  # type: ignore[import-not-found, unused-ignore]
import pytest
from conftest import API_KEY, STATUS_BODY, AnyClient, Flavour, resolve, run
from llamacloud._runtime import _base_client  # type: ignore[import-not-found, unused-ignore]
from support.server import Reply, TestServer

_CALL_OPTIONS = {"extra_headers", "extra_query", "extra_body", "timeout"}


def _keywords(method: Callable[..., Any]) -> set[str]:
    return set(inspect.signature(method).parameters)


@pytest.mark.parametrize("name", ["get_status", "list"])
def test_seed_endpoints_take_the_official_sdks_keywords_plus_the_session_cookie(name: str) -> None:
    official_sync = llama_cloud.LlamaCloud(api_key="k", base_url="http://127.0.0.1:9").beta.batch
    official_async = llama_cloud.AsyncLlamaCloud(api_key="k", base_url="http://127.0.0.1:9").beta.batch
    ours_sync = llamacloud.Client(api_key="k").beta.batch
    ours_async = llamacloud.AsyncClient(api_key="k").beta.batch
    for official, ours in ((official_sync, ours_sync), (official_async, ours_async)):
        theirs = _keywords(getattr(official, name))
        mine = _keywords(getattr(ours, name))
        assert theirs <= mine
        assert mine - theirs == {"session"}
        assert theirs >= _CALL_OPTIONS
    assert _keywords(ours_sync.get_status) == {"job_id", "organization_id", "project_id", "session"} | _CALL_OPTIONS
    assert _keywords(ours_sync.list) == {
        "directory_id", "job_type", "limit", "offset", "organization_id", "project_id", "status", "session",
    } | _CALL_OPTIONS  # fmt: skip


def test_the_async_methods_are_coroutines_or_paginators() -> None:
    batch = llamacloud.AsyncClient(api_key="k").beta.batch
    assert inspect.iscoroutinefunction(batch.get_status)
    assert not inspect.iscoroutinefunction(batch.list)  # returns an AsyncPaginator, awaitable and iterable


def test_defaults_match_the_official_sdk_timeout(flavour: Flavour, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LLAMA_CLOUD_BASE_URL", raising=False)

    async def scenario(client: AnyClient) -> None:
        assert client.timeout == httpx.Timeout(60.0, connect=5.0)
        assert client.timeout == llama_cloud._constants.DEFAULT_TIMEOUT
        assert client.max_retries == 2
        assert str(client.base_url) == "https://api.cloud.llamaindex.ai/"
        assert client.retry_non_idempotent is False

    run(flavour, scenario)


def test_api_key_and_base_url_come_from_the_environment(
    flavour: Flavour, server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLAMA_CLOUD_API_KEY", "env-key-123")
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", server.url + "/")
    server.enqueue(Reply(200, body=STATUS_BODY))

    async def scenario(client: AnyClient) -> None:
        await resolve(client.beta.batch.get_status("bjb-1"))

    run(flavour, scenario, api_key=None)
    (request,) = server.requests
    assert request.header("authorization") == "Bearer env-key-123"
    assert request.target == "/api/v1/beta/batch-processing/bjb-1"


@pytest.mark.parametrize("client_class", [llamacloud.Client, llamacloud.AsyncClient])
def test_a_missing_api_key_names_the_variable(
    client_class: type[AnyClient], server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The constructor never requires the key: a call needing it raises before anything is sent."""
    monkeypatch.delenv("LLAMA_CLOUD_API_KEY", raising=False)
    client = client_class(base_url=server.url)

    async def scenario() -> None:
        await resolve(client.beta.batch.get_status("bjb-1"))

    with pytest.raises(llamacloud.MissingCredentialsError) as caught:
        asyncio.run(scenario())
    assert isinstance(caught.value, llamacloud.APIError)
    assert str(caught.value) == (
        "No API key: pass `api_key=` to the client or set the LLAMA_CLOUD_API_KEY environment variable."
    )
    assert server.requests == []


def test_explicit_options_win_over_the_environment(
    flavour: Flavour, server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLAMA_CLOUD_API_KEY", "env-key")
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    server.enqueue(Reply(200, body=STATUS_BODY))

    async def scenario(client: AnyClient) -> None:
        await resolve(client.beta.batch.get_status("bjb-1"))

    run(flavour, scenario, base_url=server.url, default_headers={"X-Team": "blue"})
    (request,) = server.requests
    assert request.header("authorization") == f"Bearer {API_KEY}"
    assert request.header("x-team") == "blue"


def test_user_agent_names_the_package_and_version(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(Reply(200, body=STATUS_BODY))

    async def scenario(client: AnyClient) -> None:
        await resolve(client.beta.batch.get_status("bjb-1"))

    run(flavour, scenario, base_url=server.url)
    expected = f"llamacloud-python/{llamacloud.__version__} httpx/{httpx.__version__}"
    assert server.requests[0].header("user-agent") == expected


def test_close_closes_only_a_pool_the_client_created(server: TestServer) -> None:
    server.enqueue(*[Reply(200, body=STATUS_BODY) for _ in range(2)])
    injected = httpx.Client(headers={"X-Pool": "mine"})
    with llamacloud.Client(api_key=API_KEY, base_url=server.url, http_client=injected) as client:
        client.beta.batch.get_status("bjb-1")
    assert client.is_closed() is False
    assert injected.is_closed is False
    injected.close()
    assert server.requests[0].header("x-pool") == "mine"

    with llamacloud.Client(api_key=API_KEY, base_url=server.url) as own:
        own.beta.batch.get_status("bjb-1")
        assert own.is_closed() is False
    assert own.is_closed() is True


def test_async_close_closes_only_a_pool_the_client_created(server: TestServer) -> None:
    server.enqueue(*[Reply(200, body=STATUS_BODY) for _ in range(2)])

    async def main() -> None:
        injected = httpx.AsyncClient()
        async with llamacloud.AsyncClient(api_key=API_KEY, base_url=server.url, http_client=injected) as client:
            await client.beta.batch.get_status("bjb-1")
        assert injected.is_closed is False
        await injected.aclose()

        async with llamacloud.AsyncClient(api_key=API_KEY, base_url=server.url) as own:
            await own.beta.batch.get_status("bjb-1")
        assert own.is_closed() is True

    asyncio.run(main())
    assert len(server.requests) == 2


def test_with_options_copies_and_shares_the_pool(flavour: Flavour, server: TestServer) -> None:
    server.enqueue(*[Reply(200, body=STATUS_BODY) for _ in range(2)])

    async def scenario(client: AnyClient) -> None:
        copy = client.with_options(max_retries=5, timeout=3.0, default_headers={"X-Copy": "1"})
        assert (copy.max_retries, copy.timeout, copy.default_headers) == (
            5,
            3.0,
            {"X-Team": "blue", "X-Copy": "1"},
        )
        assert (client.max_retries, client.timeout, client.default_headers) == (
            2, httpx.Timeout(60.0, connect=5.0), {"X-Team": "blue"},
        )  # fmt: skip
        assert copy.api_key == API_KEY
        assert copy.base_url == client.base_url
        await resolve(copy.beta.batch.get_status("bjb-1"))
        await resolve(copy.close())  # the pool belongs to the original: still open
        assert client.is_closed() is False
        await resolve(client.beta.batch.get_status("bjb-2"))

    run(flavour, scenario, base_url=server.url, default_headers={"X-Team": "blue"})
    assert [(r.path, r.header("x-copy"), r.header("x-team")) for r in server.requests] == [
        ("/api/v1/beta/batch-processing/bjb-1", "1", "blue"),
        ("/api/v1/beta/batch-processing/bjb-2", None, "blue"),
    ]


def test_repr_shows_no_api_key(flavour: Flavour) -> None:
    async def scenario(client: AnyClient) -> None:
        name = "LlamaCloud" if flavour == "sync" else "AsyncLlamaCloud"
        assert repr(client) == f"{name}(base_url='http://127.0.0.1:9/')"
        assert repr(client.with_options(max_retries=1)) == f"{name}(base_url='http://127.0.0.1:9/')"

    run(flavour, scenario, base_url="http://127.0.0.1:9")


def test_created_pools_share_one_verifying_ssl_context() -> None:
    context = _base_client._default_ssl_context()
    assert _base_client._default_ssl_context() is context  # the CA bundle is loaded once per process
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname is True
    assert context.cert_store_stats()["x509_ca"] > 0
    for client in (llamacloud.Client(api_key="k"), llamacloud.AsyncClient(api_key="k")):
        assert vars(client._http._transport)["_pool"]._ssl_context is context  # httpx 0.28 internals
