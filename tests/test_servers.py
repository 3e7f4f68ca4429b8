"""`servers` on a path item or an operation are honoured (tests/fixtures/servers): each call goes to
its operation's own server, else its path item's, else the client's base URL, with the server's
variables filled from their defaults or from `server_variables=`; `server_urls=` (keyed by the URL as
the spec writes it) sends such an operation elsewhere; a relative server URL resolves against the
client's base URL; `base_url=` and `SERVERS_BASE_URL` replace the API's own server only. Two local
servers: the API's and another standing for every other host."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
from support.packages import built_package
from support.server import RecordedRequest, Reply, TestServer

FILE = {"id": "f1"}
UPLOAD = "https://upload.servers.test/api/2.0"
REGIONAL = "https://{upload-host}/api/2.0"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    spec = Path(goldens.fixture_spec("servers")).read_text(encoding="utf-8")
    with built_package(tmp_path_factory.mktemp("servers"), spec, "servers") as package:
        yield package


@pytest.fixture
def other() -> Iterator[TestServer]:
    """The second local server: every host but the API's."""
    with TestServer() as srv:
        yield srv


def answer(request: RecordedRequest) -> Reply:
    if request.path.endswith("/token"):
        return Reply(200, body={"access_token": "t"})
    if request.path.endswith("/reports"):
        return Reply(200, body=["r1"])
    if request.path.endswith("/same"):
        return Reply(204)
    return Reply(200, body=FILE)


class Forwarding(httpx.BaseTransport):
    """Sends every request for another host than the API's to the second local server, as a proxy
    would, keeping the URL the client asked for."""

    def __init__(self, api: TestServer, other: TestServer) -> None:
        self.api, self.other = httpx.URL(api.url), httpx.URL(other.url)
        self.asked: list[str] = []
        self._http = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.asked.append(str(request.url))
        if (request.url.host, request.url.port) != (self.api.host, self.api.port):
            request.url = request.url.copy_with(scheme="http", host=self.other.host, port=self.other.port)
        return self._http.handle_request(request)


def seen(server: TestServer) -> list[tuple[str, str, str | None]]:
    return [
        (r.method, r.path, dict((k.lower(), v) for k, v in r.headers).get("authorization")) for r in server.requests
    ]


def calls(client: object) -> list[object]:
    files = client.files  # type: ignore[attr-defined]
    return [
        files.get("f1"),
        files.get_content_info("f1"),
        files.put_content("f1"),
        client.auth.post_oauth2_token(),  # type: ignore[attr-defined]
        client.reports.list(),  # type: ignore[attr-defined]
        client.same.get(),  # type: ignore[attr-defined]
    ]


def test_each_operation_goes_to_its_declared_server(servers: ModuleType, server: TestServer, other: TestServer) -> None:
    server.set_handler(answer)
    other.set_handler(answer)
    transport = Forwarding(server, other)
    client = servers.Client(api_key="k", base_url=server.url, http_client=httpx.Client(transport=transport))
    results = calls(client)
    assert [type(r).__name__ for r in results] == [
        "File",
        "File",
        "File",
        "PostOauth2TokenResponse",
        "list",
        "NoneType",
    ]
    assert transport.asked == [
        f"{server.url}/files/f1",
        "https://upload.servers.test/api/2.0/files/f1/content",  # the path item's server
        "https://upload-eu.servers.test/api/2.0/files/f1/content",  # the operation's, its variable's default
        "https://api.servers.test/oauth2/token",
        f"{server.url}/reporting/v3/reports",  # relative: against the base URL
        f"{server.url}/same",  # the API's own server, repeated on the path
    ]
    assert seen(other) == [
        ("GET", "/api/2.0/files/f1/content", "Bearer k"),
        ("PUT", "/api/2.0/files/f1/content", "Bearer k"),
        ("POST", "/oauth2/token", None),
    ]


def test_server_variables_fill_the_servers_variables(
    servers: ModuleType, server: TestServer, other: TestServer
) -> None:
    other.set_handler(answer)
    transport = Forwarding(server, other)
    client = servers.Client(
        api_key="k",
        base_url=server.url,
        http_client=httpx.Client(transport=transport),
        server_variables={"upload-host": "upload-us.servers.test"},
    )
    client.files.put_content("f1")
    assert transport.asked == ["https://upload-us.servers.test/api/2.0/files/f1/content"]


def test_server_urls_send_operations_with_their_own_server_elsewhere(
    servers: ModuleType, server: TestServer, other: TestServer
) -> None:
    server.set_handler(answer)
    other.set_handler(answer)
    client = servers.Client(
        api_key="k",
        base_url=server.url,
        server_urls={UPLOAD: other.url + "/up", "https://api.servers.test": other.url + "/auth/"},
    )
    regional = client.with_options(server_urls={REGIONAL: other.url + "/regional"})
    calls(regional)
    assert seen(server) == [
        ("GET", "/files/f1", "Bearer k"),
        ("GET", "/reporting/v3/reports", "Bearer k"),
        ("GET", "/same", "Bearer k"),
    ]
    assert seen(other) == [
        ("GET", "/up/files/f1/content", "Bearer k"),
        ("PUT", "/regional/files/f1/content", "Bearer k"),
        ("POST", "/auth/oauth2/token", None),
    ]


def test_a_filled_in_server_url_can_be_overridden_too(
    servers: ModuleType, server: TestServer, other: TestServer
) -> None:
    other.set_handler(answer)
    client = servers.Client(
        api_key="k", base_url=server.url, server_urls={"https://upload-eu.servers.test/api/2.0": other.url}
    )
    client.files.put_content("f1")
    assert seen(other) == [("PUT", "/files/f1/content", "Bearer k")]


def test_the_base_url_variable_replaces_the_apis_server_only(
    servers: ModuleType, server: TestServer, other: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.set_handler(answer)
    other.set_handler(answer)
    monkeypatch.setenv("SERVERS_BASE_URL", server.url + "/prefix/")
    transport = Forwarding(server, other)
    client = servers.Client(api_key="k", http_client=httpx.Client(transport=transport))
    client.files.get("f1")
    client.files.get_content_info("f1")
    client.reports.list()
    assert transport.asked == [
        f"{server.url}/prefix/files/f1",
        "https://upload.servers.test/api/2.0/files/f1/content",
        f"{server.url}/reporting/v3/reports",  # `/reporting/v3` is absolute-path: the base's path goes
    ]


def test_the_async_client_routes_alike(servers: ModuleType, server: TestServer, other: TestServer) -> None:
    server.set_handler(answer)
    other.set_handler(answer)

    async def run() -> None:
        async with servers.AsyncClient(api_key="k", base_url=server.url, server_urls={UPLOAD: other.url}) as client:
            await client.files.get("f1")
            await client.files.get_content_info("f1")

    asyncio.run(run())
    assert seen(server) == [("GET", "/files/f1", "Bearer k")]
    assert seen(other) == [("GET", "/files/f1/content", "Bearer k")]


def test_a_variable_without_a_default_must_be_given(tmp_path: Path, server: TestServer) -> None:
    spec = """
    openapi: 3.1.0
    info: {title: Tenants, version: '1'}
    servers: [{url: 'https://api.tenants.test'}]
    paths:
      /ping:
        servers: [{url: 'https://{tenant}.tenants.test', variables: {tenant: {enum: [a, b]}}}]
        get:
          operationId: ping
          responses: {'204': {description: ok}}
    """
    with built_package(tmp_path, spec, "tenants") as tenants:
        client = tenants.Client(base_url=server.url)
        with pytest.raises(
            ValueError, match=r"needs the variable `tenant`: pass server_variables=\{'tenant': \.\.\.\}"
        ):
            client.ping.ping()
        server.enqueue(Reply(204))
        tenants.Client(base_url=server.url, server_urls={"https://{tenant}.tenants.test": server.url}).ping.ping()
        assert [r.path for r in server.requests] == ["/ping"]
