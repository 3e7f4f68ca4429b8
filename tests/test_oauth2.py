"""OAuth 2 on the wire (fixtures `oauth2` and `oauth2_post`): the client fetches a token from the local
token endpoint with client credentials, caches it per scope set until shortly before it expires, lets
one caller fetch while concurrent threads and tasks wait, renews it once after a 401, spends a refresh
token, raises `TokenError` for the endpoint's errors and `MissingCredentialsError` before sending, and
never lets a secret into a log line or an error."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from support.fixtures import Flavour, fixture_package
from support.messages import RecordedRequest
from support.server import Reply, TestServer

SECRET = "s3cr3t-client-secret"
CLIENT_ID = "vault-client-7"
SECRET_JSON = {"name": "db", "value": "hunter2"}
_ENV = ("VAULT_ACCESS_TOKEN", "VAULT_CLIENT_ID", "VAULT_CLIENT_SECRET", "VAULT_REFRESH_TOKEN", "VAULT_API_KEY")


@pytest.fixture(autouse=True)
def _no_credentials_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*_ENV, "LEDGER_ACCESS_TOKEN", "LEDGER_CLIENT_ID", "LEDGER_CLIENT_SECRET", "LEDGER_REFRESH_TOKEN"):
        monkeypatch.delenv(name, raising=False)


class Clock:
    """The runtime's token clock, moved on by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moved = Clock()
    for package in ("oauth2", "oauth2_post"):
        monkeypatch.setattr(fixture_package(package, "_runtime._oauth2"), "clock", moved)
    return moved


class TokenServer:
    """The API and its token endpoint on the loopback server: tokens `tok-1`, `tok-2`, ... in order;
    the API accepts the tokens in `valid` (all of them unless set)."""

    def __init__(self, server: TestServer, expires_in: int | None = 3600, delay: float = 0.0) -> None:
        self.server, self.expires_in, self.delay = server, expires_in, delay
        self.issued = 0
        self.valid: set[str] | None = None
        self.error: Reply | None = None
        self.refresh_token: str | None = None
        self._lock = threading.Lock()
        server.set_handler(self.handle)

    def handle(self, request: RecordedRequest) -> Reply:
        if request.path.startswith(("/oauth/", "/oauth2/")):
            if self.error is not None:
                return self.error
            with self._lock:
                self.issued += 1
                token = f"tok-{self.issued}"
            body: dict[str, Any] = {"access_token": token, "token_type": "Bearer"}
            if self.expires_in is not None:
                body["expires_in"] = self.expires_in
            if self.refresh_token:
                body["refresh_token"] = self.refresh_token
            return Reply(200, body=body, delay=self.delay)
        bearer = (request.header("authorization") or "").removeprefix("Bearer ")
        if self.valid is not None and bearer not in self.valid:
            return Reply(401, body={"error": "expired token"})
        if request.path == "/health":
            return Reply(200, body={"ok": True})
        if request.path == "/entries":
            return Reply(200, body=["e-1"])
        if request.path == "/audit":
            return Reply(200, body=[{"action": "read"}])
        return Reply(200, body=SECRET_JSON)

    def token_requests(self) -> list[RecordedRequest]:
        return [r for r in self.server.requests if r.path.startswith(("/oauth/", "/oauth2/"))]

    def api_requests(self) -> list[RecordedRequest]:
        return [r for r in self.server.requests if not r.path.startswith(("/oauth/", "/oauth2/"))]


def form(request: RecordedRequest) -> list[tuple[str, str]]:
    return urllib.parse.parse_qsl(request.body.decode(), keep_blank_values=True)


def call(flavour: Flavour, make: Callable[[], Any], scenario: Callable[[Any], Any]) -> Any:
    """`scenario(client)` on a client `make` gives, awaiting what it returns on the async client."""

    async def main() -> Any:
        client = make()
        try:
            result = scenario(client)
            return await result if asyncio.iscoroutine(result) else result
        finally:
            closed = client.close()
            if asyncio.iscoroutine(closed):
                await closed

    return asyncio.run(main())


def vault(flavour: Flavour, server: TestServer, **options: Any) -> Callable[[], Any]:
    package = fixture_package("oauth2")
    cls = package.Client if flavour == "sync" else package.AsyncClient
    given = {"client_id": CLIENT_ID, "client_secret": SECRET, "base_url": server.url, "max_retries": 0, **options}
    return lambda: cls(**given)


async def _gather(*calls: Any) -> list[Any]:
    return list(await asyncio.gather(*calls))


def twice(client: Any) -> Any:
    first = client.secrets.get("db")
    if asyncio.iscoroutine(first):

        async def both() -> list[Any]:
            return [await first, await client.secrets.get("db")]

        return both()
    return [first, client.secrets.get("db")]


def test_a_token_is_fetched_with_client_credentials_once_and_sent_as_bearer(
    flavour: Flavour, server: TestServer, clock: Clock
) -> None:
    tokens = TokenServer(server)
    results = call(flavour, vault(flavour, server), twice)
    assert [r.value for r in results] == ["hunter2", "hunter2"]
    (fetch,) = tokens.token_requests()
    assert (fetch.method, fetch.path) == ("POST", "/oauth/token")
    assert fetch.header("content-type") == "application/x-www-form-urlencoded"
    assert fetch.body == b"grant_type=client_credentials&scope=secrets.read"
    assert fetch.header("authorization") == "Basic " + base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    assert [r.header("authorization") for r in tokens.api_requests()] == ["Bearer tok-1", "Bearer tok-1"]


def test_each_scope_set_has_its_token(flavour: Flavour, server: TestServer, clock: Clock) -> None:
    tokens = TokenServer(server)

    async def scenario(client: Any) -> None:
        for made in (lambda: client.secrets.get("db"), lambda: client.secrets.put("db", value="x")) * 2:
            result = made()
            await result if asyncio.iscoroutine(result) else None

    call(flavour, vault(flavour, server), scenario)
    scopes = [dict(form(r))["scope"] for r in tokens.token_requests()]
    assert scopes == ["secrets.read", "secrets.read secrets.write"]
    sent = [(r.method, r.header("authorization")) for r in tokens.api_requests()]
    assert sent == [("GET", "Bearer tok-1"), ("PUT", "Bearer tok-2")] * 2


@pytest.mark.parametrize(("expires_in", "fresh_for"), [(3600, 3570.0), (40, 20.0)])
def test_a_token_is_used_until_30_seconds_before_it_expires_or_half_its_life(
    flavour: Flavour, server: TestServer, clock: Clock, expires_in: int, fresh_for: float
) -> None:
    tokens = TokenServer(server, expires_in=expires_in)

    async def scenario(client: Any) -> list[str]:
        async def get() -> Any:
            result = client.secrets.get("db")
            return await result if asyncio.iscoroutine(result) else result

        await get()
        clock.now += fresh_for - 0.5
        await get()  # still fresh
        clock.now += 1.0
        await get()  # past the margin: a new token
        return [r.header("authorization") or "" for r in tokens.api_requests()]

    sent = call(flavour, vault(flavour, server), scenario)
    assert sent == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]
    assert len(tokens.token_requests()) == 2


def test_twenty_threads_share_one_fetch(server: TestServer, clock: Clock) -> None:
    tokens = TokenServer(server, delay=0.3)
    client = vault("sync", server)()
    barrier = threading.Barrier(20)
    values: list[str] = []

    def worker() -> None:
        barrier.wait()
        values.append(client.secrets.get("db").value)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client.close()
    assert values == ["hunter2"] * 20
    assert len(tokens.token_requests()) == 1
    assert {r.header("authorization") for r in tokens.api_requests()} == {"Bearer tok-1"}


def test_twenty_tasks_share_one_fetch(server: TestServer, clock: Clock) -> None:
    tokens = TokenServer(server, delay=0.3)

    async def scenario(client: Any) -> list[Any]:
        return await _gather(*[client.secrets.get("db") for _ in range(20)])

    results = call("async", vault("async", server), scenario)
    assert [r.value for r in results] == ["hunter2"] * 20
    assert len(tokens.token_requests()) == 1
    assert len(tokens.api_requests()) == 20


def test_with_options_copies_share_the_token(flavour: Flavour, server: TestServer, clock: Clock) -> None:
    tokens = TokenServer(server)

    async def scenario(client: Any) -> None:
        for each in (client, client.with_options(timeout=5.0), client.with_options(max_retries=1)):
            result = each.secrets.get("db")
            await result if asyncio.iscoroutine(result) else None

    call(flavour, vault(flavour, server), scenario)
    assert len(tokens.token_requests()) == 1
    assert len(tokens.api_requests()) == 3


def test_a_401_renews_the_token_once_and_retries_once(flavour: Flavour, server: TestServer, clock: Clock) -> None:
    tokens = TokenServer(server)
    tokens.valid = {"tok-2"}  # the first token is refused: the API revoked it
    result = call(flavour, vault(flavour, server), lambda client: client.secrets.get("db"))
    assert result.value == "hunter2"
    assert [r.header("authorization") for r in tokens.api_requests()] == ["Bearer tok-1", "Bearer tok-2"]
    assert len(tokens.token_requests()) == 2


def test_a_second_401_is_the_callers(flavour: Flavour, server: TestServer, clock: Clock) -> None:
    package = fixture_package("oauth2")
    tokens = TokenServer(server)
    tokens.valid = set()
    with pytest.raises(package.AuthenticationError):
        call(flavour, vault(flavour, server), lambda client: client.secrets.get("db"))
    assert len(tokens.api_requests()) == 2  # the call and its one retry
    assert len(tokens.token_requests()) == 2


def test_a_given_access_token_is_sent_and_not_renewed_without_a_way_to(
    flavour: Flavour, server: TestServer, clock: Clock
) -> None:
    package = fixture_package("oauth2")
    tokens = TokenServer(server)
    tokens.valid = {"given-token-1"}
    make = vault(flavour, server, client_id=None, client_secret=None, access_token="given-token-1")
    assert call(flavour, make, lambda client: client.secrets.get("db")).value == "hunter2"
    tokens.valid = set()
    with pytest.raises(package.AuthenticationError):
        call(flavour, make, lambda client: client.secrets.get("db"))
    assert tokens.token_requests() == []
    assert [r.header("authorization") for r in tokens.api_requests()] == ["Bearer given-token-1"] * 2


def test_token_endpoint_errors_raise_token_error(flavour: Flavour, server: TestServer, clock: Clock) -> None:
    package = fixture_package("oauth2")
    tokens = TokenServer(server)
    tokens.error = Reply(401, body={"error": "invalid_client", "error_description": "Unknown client"})
    with pytest.raises(package.TokenError) as caught:
        call(flavour, vault(flavour, server), lambda client: client.secrets.get("db"))
    error = caught.value
    assert isinstance(error, package.APIError)
    assert (error.error, error.error_description, error.status_code) == (
        "invalid_client",
        "Unknown client",
        401,
    )
    assert str(error) == "The token endpoint refused to give a token: invalid_client (Unknown client) [HTTP 401]"
    assert tokens.api_requests() == []
    tokens.error = Reply(200, body={"token_type": "Bearer"})  # no access_token
    with pytest.raises(package.TokenError) as caught:
        call(flavour, vault(flavour, server), lambda client: client.secrets.get("db"))
    assert caught.value.error == "invalid_token_response"


def test_missing_credentials_raise_before_sending_and_name_the_keywords(flavour: Flavour, server: TestServer) -> None:
    package = fixture_package("oauth2")
    TokenServer(server)
    cls = package.Client if flavour == "sync" else package.AsyncClient
    make = lambda: cls(base_url=server.url, max_retries=0)  # noqa: E731 - never raises at construction
    assert call(flavour, make, lambda client: client.health.get()).ok is True  # `security: []`
    with pytest.raises(package.MissingCredentialsError) as caught:
        call(flavour, make, lambda client: client.secrets.get("db"))
    assert isinstance(caught.value, package.APIError)
    assert str(caught.value) == (
        "No credentials for this call: pass `access_token=` or `client_id=` and `client_secret=` or "
        "`refresh_token=` to the client or set VAULT_ACCESS_TOKEN or VAULT_CLIENT_ID or VAULT_CLIENT_SECRET "
        "or VAULT_REFRESH_TOKEN."
    )
    with pytest.raises(package.MissingCredentialsError) as caught:
        call(flavour, make, lambda client: client.audit.list())
    assert str(caught.value) == (
        "No API key: pass `api_key=` to the client or set the VAULT_API_KEY environment variable."
    )
    assert [r.path for r in server.requests] == ["/health"]


def test_credentials_come_from_the_environment(
    flavour: Flavour, server: TestServer, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VAULT_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("VAULT_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("VAULT_API_KEY", "admin-key-1234")
    tokens = TokenServer(server)
    package = fixture_package("oauth2")
    cls = package.Client if flavour == "sync" else package.AsyncClient

    def scenario(client: Any) -> Any:
        calls = [client.secrets.get("db"), client.audit.list()]
        return _gather(*calls) if flavour == "async" else calls

    call(flavour, lambda: cls(base_url=server.url), scenario)
    assert (
        tokens.token_requests()[0].header(
            "authorization",
        )
        == "Basic " + base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    )
    audit = next(r for r in tokens.api_requests() if r.path == "/audit")
    assert audit.header("x-admin-key") == "admin-key-1234" and audit.header("authorization") is None


def test_the_secret_goes_in_the_form_with_extra_fields_and_a_refresh_token_is_spent(
    flavour: Flavour, server: TestServer, clock: Clock
) -> None:
    package = fixture_package("oauth2_post")
    tokens = TokenServer(server, expires_in=60)
    tokens.refresh_token = "refresh-2"
    cls = package.Client if flavour == "sync" else package.AsyncClient
    options = {"client_id": "ledger-1", "client_secret": SECRET, "base_url": server.url, "max_retries": 0}
    params = {"box_subject_type": "enterprise", "box_subject_id": "42"}

    async def scenario(client: Any) -> None:
        async def entries() -> Any:
            result = client.entries.list()
            return await result if asyncio.iscoroutine(result) else result

        await entries()
        clock.now += 31  # past the margin: the refresh token the endpoint gave is spent
        await entries()

    call(flavour, lambda: cls(token_params=params, **options), scenario)
    first, second = tokens.token_requests()
    assert first.path == "/oauth2/token" and first.header("authorization") is None
    assert form(first) == [
        ("grant_type", "client_credentials"),
        ("client_id", "ledger-1"),
        ("client_secret", SECRET),
        ("box_subject_type", "enterprise"),
        ("box_subject_id", "42"),
    ]
    assert second.path == "/oauth2/refresh"
    assert form(second)[:2] == [("grant_type", "refresh_token"), ("refresh_token", "refresh-2")]
    # A refresh token given by the user is spent first, with no client credentials at all.
    server.reset()
    tokens = TokenServer(server)
    call(flavour, lambda: cls(refresh_token="user-refresh-1", base_url=server.url), lambda c: c.entries.list())
    (spent,) = tokens.token_requests()
    assert (spent.path, form(spent)) == (
        "/oauth2/refresh",
        [("grant_type", "refresh_token"), ("refresh_token", "user-refresh-1")],
    )


@pytest.fixture
def records() -> Iterator[list[logging.LogRecord]]:
    """Every log record of the run, at debug level, whatever the logger."""
    found: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = found.append  # type: ignore[method-assign]
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield found
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_no_secret_or_token_reaches_a_log_a_repr_or_an_error(
    flavour: Flavour, server: TestServer, clock: Clock, records: list[logging.LogRecord]
) -> None:
    package = fixture_package("oauth2")
    tokens = TokenServer(server)
    tokens.valid = set()  # every token refused: 401, renewed, 401 again
    texts: list[str] = []
    make = vault(flavour, server, refresh_token="refresh-secret-9", api_key="admin-key-secret")
    for scenario in (lambda c: c.secrets.get("db"), lambda c: c.audit.list()):
        tokens.valid = set() if len(texts) == 0 else {"nothing"}
        try:
            call(flavour, make, scenario)
        except package.APIError as error:
            texts += [str(error), repr(error), json.dumps(getattr(error, "body", None))]
    tokens.error = Reply(400, body={"error": "invalid_grant", "error_description": "refresh-secret-9 is spent"})
    with pytest.raises(package.TokenError) as caught:
        call(flavour, vault(flavour, server, refresh_token="refresh-secret-9"), lambda c: c.secrets.get("db"))
    texts += [str(caught.value), repr(caught.value), str(caught.value.error_description)]
    texts += [repr(make()), *(r.getMessage() for r in records)]
    assert any("token request POST" in text for text in texts)
    for secret in (SECRET, "refresh-secret-9", "admin-key-secret", "tok-1", "tok-2", "tok-3"):
        assert not [text for text in texts if secret in text], secret


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python -m oauth2 ...` of the fixture, with `env` alone (and the path to the package)."""
    root = str(fixture_package("oauth2").__path__[0].rsplit("/", 1)[0])
    base = {k: v for k, v in os.environ.items() if not k.startswith("VAULT_")} | {"PYTHONPATH": root}
    command = [sys.executable, "-m", "oauth2", *args]
    return subprocess.run(command, env=base | env, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.slow
def test_the_command_line_takes_each_credential_as_a_flag_or_from_the_environment(server: TestServer) -> None:
    tokens = TokenServer(server)
    helped = cli("--help", env={})
    for flag in ("--api-key", "--access-token", "--client-id", "--client-secret", "--refresh-token"):
        assert flag in helped.stdout, flag
    assert "VAULT_CLIENT_SECRET" in helped.stdout
    flags = ("--client-id", CLIENT_ID, "--client-secret", SECRET, "--base-url", server.url)
    done = cli("secrets", "get", "--name", "db", *flags, env={"VAULT_LOG": "debug"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == SECRET_JSON
    assert "token request POST" in done.stderr
    for secret in (SECRET, "tok-1"):
        assert secret not in done.stderr + done.stdout
    done = cli("secrets", "get", "--name", "db", env={"VAULT_CLIENT_ID": CLIENT_ID, "VAULT_CLIENT_SECRET": SECRET,
               "VAULT_BASE_URL": server.url})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [r.header("authorization") for r in tokens.token_requests()] == [
        "Basic " + base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    ] * 2
    missing = cli("secrets", "get", "--name", "db", "--base-url", server.url, env={})
    assert missing.returncode == 2  # as for a missing flag: nothing was sent
    assert "No credentials for this call: pass `access_token=`" in missing.stderr
