"""Security schemes on the wire: the client takes each scheme's credential and sends what each
operation's `security` asks for (bearer, basic, API keys in header, query or cookie, anonymous)."""

from __future__ import annotations

import base64
import inspect
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from support.packages import built_package
from support.server import Reply, TestServer

from generator.cli import main

SPEC = """
openapi: 3.1.0
info: {title: Secure, version: '1'}
servers: [{url: 'https://secure.example'}]
security: [{bearer: []}, {basic: []}]
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    basic: {type: http, scheme: basic}
    queryKey: {type: apiKey, in: query, name: key}
    cookieKey: {type: apiKey, in: cookie, name: sid}
    headerKey: {type: apiKey, in: header, name: X-API-Key}
paths:
  /default:
    get: {operationId: by_default, responses: {'204': {description: none}}}
  /query-and-cookie:
    get:
      operationId: by_query_and_cookie
      security: [{queryKey: [], cookieKey: []}]
      responses: {'204': {description: none}}
  /header-or-basic:
    get:
      operationId: by_header_or_basic
      security: [{headerKey: []}, {basic: []}]
      responses: {'204': {description: none}}
  /public:
    get:
      operationId: public
      security: []
      responses: {'204': {description: none}}
"""


@pytest.fixture(scope="module")
def secure(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with built_package(tmp_path_factory.mktemp("secure"), SPEC, "secure") as package:
        yield package


def calls(server: TestServer, client: Any) -> list[Any]:
    server.set_handler(lambda request: Reply(status=204))
    client.default.by()  # `by_default` of `default`: the resource's words go
    client.query_and_cookie.by()
    client.header_or_basic.by()
    client.public.public()  # nothing would be left
    return list(server.requests)


def test_each_operation_sends_the_first_alternative_it_has_credentials_for(
    secure: ModuleType, server: TestServer
) -> None:
    client = secure.Client(
        api_key="tok-123456",
        base_url=server.url,
        username="ann",
        password="pa:ss",
        credentials={"query_key": "qk-123456", "cookie_key": "ck-123456", "header_key": "hk-123456"},
    )
    default, query_cookie, header_basic, public = calls(server, client)
    assert default.header("authorization") == "Bearer tok-123456"
    assert query_cookie.query_params == [("key", "qk-123456")]
    assert query_cookie.cookies == {"sid": "ck-123456"}
    assert query_cookie.header("authorization") is None
    assert header_basic.header("x-api-key") == "hk-123456"
    assert header_basic.header("authorization") is None
    assert public.header("authorization") is None and public.query_params == [] and public.cookies == {}


def test_basic_credentials_and_the_fallback_alternative(secure: ModuleType, server: TestServer) -> None:
    client = secure.Client(base_url=server.url, username="ann", password="pa:ss")
    server.set_handler(lambda request: Reply(status=204))
    client.default.by()
    client.header_or_basic.by()
    with pytest.raises(secure.MissingCredentialsError):
        client.query_and_cookie.by()  # nothing it can satisfy: refused before sending
    default, header_basic = server.requests
    basic = "Basic " + base64.b64encode(b"ann:pa:ss").decode()
    assert default.header("authorization") == basic  # the second alternative of the API's default
    assert header_basic.header("authorization") == basic


def test_each_credential_is_a_typed_keyword_of_the_client_and_with_options(
    secure: ModuleType, server: TestServer
) -> None:
    for method in (secure.Client.__init__, secure.Client.with_options, secure.AsyncClient.__init__):
        parameters = inspect.signature(method).parameters
        assert {"query_key", "cookie_key", "header_key"} <= set(parameters)
        assert parameters["query_key"].annotation in ("str | None", str | None)
    client = secure.Client(base_url=server.url, query_key="qk-1234", cookie_key="ck-1234")
    copy = client.with_options(cookie_key="ck-5678")
    server.set_handler(lambda request: Reply(status=204))
    client.query_and_cookie.by()
    copy.query_and_cookie.by()
    assert [(r.query_params, r.cookies) for r in server.requests] == [
        ([("key", "qk-1234")], {"sid": "ck-1234"}),
        ([("key", "qk-1234")], {"sid": "ck-5678"}),
    ]


def test_credentials_come_from_environment_variables(
    secure: ModuleType, server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECURE_API_KEY", "env-token-1")
    monkeypatch.setenv("SECURE_QUERY_KEY", "env-query-1")
    monkeypatch.setenv("SECURE_COOKIE_KEY", "env-cookie-1")
    monkeypatch.setenv("SECURE_HEADER_KEY", "env-header-1")
    default, query_cookie, *_ = calls(server, secure.Client(base_url=server.url))
    assert default.header("authorization") == "Bearer env-token-1"
    assert query_cookie.query_params == [("key", "env-query-1")]
    assert query_cookie.cookies == {"sid": "env-cookie-1"}


def test_missing_credentials_name_every_keyword_and_variable(
    secure: ModuleType, server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SECURE_API_KEY", "SECURE_USERNAME", "SECURE_PASSWORD", "SECURE_QUERY_KEY", "SECURE_HEADER_KEY"):
        monkeypatch.delenv(name, raising=False)
    client = secure.Client(base_url=server.url)  # the constructor requires nothing
    server.set_handler(lambda request: Reply(status=204))
    with pytest.raises(secure.MissingCredentialsError) as caught:
        client.default.by()
    assert str(caught.value) == (
        "No credentials for this call: pass `api_key=` or `username=` and `password=` to the client or set "
        "SECURE_API_KEY or SECURE_USERNAME or SECURE_PASSWORD."
    )
    with pytest.raises(secure.MissingCredentialsError) as caught:
        client.header_or_basic.by()
    assert "`header_key=`" in str(caught.value) and "SECURE_HEADER_KEY" in str(caught.value)
    assert client.public.public() is None  # `security: []` needs nothing
    assert [r.path for r in server.requests] == ["/public"]


def test_credentials_never_show_in_errors(secure: ModuleType, server: TestServer) -> None:
    client = secure.Client(base_url=server.url, username="ann", password="hunter22", max_retries=0)
    server.set_handler(lambda request: Reply(status=401, body={"echo": request.header("authorization")}))
    with pytest.raises(secure.AuthenticationError) as caught:
        client.default.by()
    assert "hunter22" not in str(caught.value)
    assert base64.b64encode(b"ann:hunter22").decode() not in str(caught.value)
    assert repr(client).count("hunter22") == 0


def test_with_options_keeps_every_credential(secure: ModuleType, server: TestServer) -> None:
    client = secure.Client(base_url=server.url, credentials={"query_key": "qk-123456", "cookie_key": "ck-123456"})
    copy = client.with_options(max_retries=0)
    server.set_handler(lambda request: Reply(status=204))
    copy.query_and_cookie.by()
    assert server.requests[-1].query_params == [("key", "qk-123456")]


RENAMED = """
openapi: 3.1.0
info: {title: Acme, version: '1'}
servers: [{url: 'https://acme.example'}]
security: [{ApiKeyAuth: []}]
x-client:
  auth:
    PartnerTokenAuth: {keyword: partner, env: ACME_PARTNER}
components:
  securitySchemes:
    ApiKeyAuth: {type: http, scheme: bearer}
    AdminApiKeyAuth: {type: http, scheme: bearer}
    PartnerTokenAuth: {type: apiKey, in: header, name: X-Partner}
paths:
  /admin:
    get:
      operationId: admin
      security: [{AdminApiKeyAuth: []}]
      responses: {'204': {description: none}}
  /partner:
    get:
      operationId: partner
      security: [{PartnerTokenAuth: []}]
      responses: {'204': {description: none}}
"""


def test_keywords_are_named_after_their_schemes_or_as_x_client_auth_says(
    tmp_path: Path, server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with built_package(tmp_path, RENAMED, "acme") as acme:
        keywords = set(inspect.signature(acme.Client.__init__).parameters)
        assert {"admin_api_key", "partner"} <= keywords and "partner_token" not in keywords
        monkeypatch.setenv("ACME_PARTNER", "partner-env-1")
        server.set_handler(lambda request: Reply(status=204))
        client = acme.Client(base_url=server.url, admin_api_key="admin-123")
        client.admin.admin()
        client.partner.partner()
        admin, partner = server.requests
        assert admin.header("authorization") == "Bearer admin-123"
        assert partner.header("x-partner") == "partner-env-1"
        monkeypatch.delenv("ACME_ADMIN_API_KEY", raising=False)
        with pytest.raises(acme.MissingCredentialsError) as caught:
            acme.Client(base_url=server.url).admin.admin()
        assert str(caught.value) == (
            "No credentials for this call: pass `admin_api_key=` to the client or set ACME_ADMIN_API_KEY."
        )


BAD_AUTH = """
openapi: 3.1.0
info: {title: Acme, version: '1'}
x-client:
  auth:
    Missing: {keyword: gone}
    tok: {keyword: 2fast, token-auth: private_key_jwt, colour: red}
components:
  securitySchemes:
    tok: {type: oauth2, flows: {clientCredentials: {tokenUrl: /token, scopes: {}}}}
paths: {}
"""


def test_x_client_auth_mistakes_are_located_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(BAD_AUTH, encoding="utf-8")
    code = main(["build", "--isolated", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "acme"])
    err = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "out").exists()
    for fragment in (
        "#/x-client/auth/Missing: x-client auth 'Missing' names no security scheme",
        "#/x-client/auth/tok/keyword: x-client auth keyword '2fast' is no Python name",
        "#/x-client/auth/tok/token-auth: x-client auth token-auth 'private_key_jwt' is unknown",
        "#/x-client/auth/tok/colour: x-client auth key 'colour' is unknown",
    ):
        assert fragment in err, err
