"""Credentials: takes the API's `AuthScheme`s and the keywords given to the client, and gives the values
each operation sends (read from the keywords or the environment; OAuth 2 tokens through `_oauth2`),
text scrubbed of every secret, and redirect headers and URLs stripped of them."""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Mapping
from typing import Any

import httpx

from ._exceptions import MissingCredentialsError
from ._oauth2 import Key, OAuth2Credentials, Token, TokenStore, async_fetch, fetch
from ._operation import AuthScheme, Endpoint

# Where one credential goes on the wire: (location, header/parameter/cookie name, value).
Placement = tuple[str, str, str]


class Credentials:
    """The credentials of one client, fixed at construction (`with_options` makes a new client that
    shares the tokens fetched). Nothing is required at construction: a call whose requirement no
    credential meets raises `MissingCredentialsError` before anything is sent."""

    __slots__ = (
        "_default_scopes",
        "_default_security",
        "_http",
        "_oauth2",
        "_placements",
        "_schemes",
        "_scrubbed",
        "_secrets",
        "given",
        "store",
        "token_params",
    )

    def __init__(
        self,
        schemes: tuple[AuthScheme, ...],
        default_security: tuple[tuple[str, ...], ...] | None,
        given: Mapping[str, str | None],
        default_scopes: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.given = {k: v for k, v in given.items() if v is not None}  # by keyword, for with_options
        self._schemes = schemes
        self._default_security = default_security
        self._default_scopes = dict(default_scopes or {})
        self._secrets: dict[str, str] = {}  # scheme name -> the value sent on the wire
        self._oauth2: dict[str, OAuth2Credentials] = {}  # scheme name -> what it holds, when usable
        for scheme in schemes:
            if scheme.kind == "oauth2":
                held = OAuth2Credentials(scheme, self.given)
                if held.usable():
                    self._oauth2[scheme.name] = held
                continue
            secret = _secret(scheme, self.given)
            if secret:
                self._secrets[scheme.name] = secret
        self.store = TokenStore()  # replaced by the original's in a `with_options` copy
        self.token_params: dict[str, str] = {}  # extra form fields of token requests (`token_params=`)
        self._http: tuple[Any, httpx.URL, logging.Logger] | None = None  # set by `bind`
        held_secrets = [s for h in self._oauth2.values() for s in h.secrets()]
        # Longest first, so a secret holding another is replaced whole.
        self._scrubbed = [
            s
            for s in sorted({*self.given.values(), *self._secrets.values(), *held_secrets}, key=len, reverse=True)
            if len(s) >= 4
        ]
        # By the operation's `security`: the same few alternatives serve every operation of an API.
        self._placements: dict[tuple[tuple[str, ...], ...] | None, tuple[AuthScheme, ...]] = {}

    def bind(self, http: httpx.Client | httpx.AsyncClient, base: httpx.URL, log: logging.Logger) -> None:
        """The client's pool, base URL and logger: where tokens are fetched from, and logged."""
        self._http = (http, base, log)

    def share_tokens(self, original: Credentials) -> None:
        """Use `original`'s token cache (a `with_options` copy): tokens are fetched once per family."""
        self.store = original.store
        self.token_params = dict(original.token_params)

    def schemes_for(self, security: tuple[tuple[str, ...], ...] | None) -> tuple[AuthScheme, ...]:
        """The schemes a call with this `security` (None: the API's default) authenticates with;
        raises `MissingCredentialsError` when the client has no credential for any alternative."""
        chosen = self._placements.get(security)
        if chosen is None:
            chosen = self._placements[security] = tuple(self._choose(security))
        return chosen

    def for_operation(
        self, security: tuple[tuple[str, ...], ...] | None, tokens: Mapping[str, str] | None = None
    ) -> tuple[Placement, ...]:
        """What to send for an operation with this `security`; `tokens` are the OAuth 2 access tokens
        by scheme name (`tokens()` gives them)."""
        tokens = tokens or {}
        return tuple(
            (s.location, s.parameter, "Bearer " + tokens[s.name] if s.kind == "oauth2" else self._secrets[s.name])
            for s in self.schemes_for(security)
            if s.kind != "oauth2" or s.name in tokens
        )

    def needs(self, endpoint: Endpoint[Any]) -> list[tuple[OAuth2Credentials, tuple[str, ...]]]:
        """The OAuth 2 schemes a call of `endpoint` sends a token of, each with the scopes it asks."""
        scopes = endpoint.scopes if endpoint.security is not None else None
        scopes = self._default_scopes if scopes is None else scopes
        return [
            (self._oauth2[s.name], tuple(scopes.get(s.name, ())))
            for s in self.schemes_for(endpoint.security)
            if s.kind == "oauth2"
        ]

    def token(self, held: OAuth2Credentials, key: Key) -> Token | None:
        """The cached token of `key`, the access token given to the client standing in for a first one."""
        token = self.store.get(key)
        if token is None and held.access_token:
            token = self.store.seed(key, Token(held.access_token, None, held.refresh_token))
        return token

    # -- OAuth 2 tokens: fetched by one caller per key, the others waiting for its token ---------
    def fetch_tokens(self, endpoint: Endpoint[Any]) -> Tokens | None:
        """The access tokens a call of `endpoint` sends, by scheme name, fetched where needed."""
        if not self._oauth2 or self._http is None:  # no OAuth 2 credential: nothing to fetch
            return None
        http, base, log = self._http
        found = Tokens()
        for held, scopes in self.needs(endpoint):
            key = held.key(scopes)
            token = self.token(held, key)
            if token is None or not token.fresh():
                with self.store.lock(key):
                    token = self.token(held, key)
                    if token is None or not token.fresh():
                        request = held.token_request(http, base, scopes, token, self.token_params)
                        token = fetch(http, request, self.scrub, log)
                        self.store.put(key, token)
            found.add(held, key, token.access)
        return found

    async def async_fetch_tokens(self, endpoint: Endpoint[Any]) -> Tokens | None:
        if not self._oauth2 or self._http is None:
            return None
        http, base, log = self._http
        found = Tokens()
        for held, scopes in self.needs(endpoint):
            key = held.key(scopes)
            token = self.token(held, key)
            if token is None or not token.fresh():
                async with self.store.async_lock(key):
                    token = self.token(held, key)
                    if token is None or not token.fresh():
                        request = held.token_request(http, base, scopes, token, self.token_params)
                        token = await async_fetch(http, request, self.scrub, log)
                        self.store.put(key, token)
            found.add(held, key, token.access)
        return found

    def renewable(self, request: httpx.Request) -> Tokens | None:
        """The tokens of a request the API answered 401, when they can be renewed (once per call):
        they are dropped from the cache, and the request marked renewed."""
        used = request.extensions.get("oauth2_tokens")
        if not isinstance(used, Tokens) or used.renewed or not any(h.can_fetch() for h, _, _ in used.used):
            return None
        used.renewed = True
        for _, key, access in used.used:
            self.store.invalidate(key, access)
        return used

    def renew(self, request: httpx.Request) -> bool:
        """After a 401: new tokens in `request`, fetched once; False when there is no way to renew."""
        used = self.renewable(request)
        if used is None or self._http is None:
            return False
        http, base, log = self._http
        for held, key, _ in used.used:
            with self.store.lock(key):
                token = self.token(held, key)
                if token is None or not token.fresh():
                    token = fetch(
                        http, held.token_request(http, base, key[2], token, self.token_params), self.scrub, log
                    )
                    self.store.put(key, token)
            request.headers[held.scheme.parameter] = "Bearer " + token.access
        return True

    async def async_renew(self, request: httpx.Request) -> bool:
        used = self.renewable(request)
        if used is None or self._http is None:
            return False
        http, base, log = self._http
        for held, key, _ in used.used:
            async with self.store.async_lock(key):
                token = self.token(held, key)
                if token is None or not token.fresh():
                    request_ = held.token_request(http, base, key[2], token, self.token_params)
                    token = await async_fetch(http, request_, self.scrub, log)
                    self.store.put(key, token)
            request.headers[held.scheme.parameter] = "Bearer " + token.access
        return True

    def scrub(self, text: str) -> str:
        """`text` with every credential the client holds replaced, in any form it is sent in."""
        for secret in self._scrubbed:
            text = text.replace(secret, "<redacted>")
        if self._oauth2:
            for secret in sorted(self.store.secrets(), key=len, reverse=True):
                text = text.replace(secret, "<redacted>") if len(secret) >= 4 else text
        return text

    def strip(self, headers: httpx.Headers, url: httpx.URL) -> httpx.URL:
        """For a request to another origin: removes every auth header and cookie from `headers`, and
        gives `url` without the query parameters that carry a credential."""
        for scheme in self._schemes:
            if scheme.location == "header":
                headers.pop(scheme.parameter, None)
        headers.pop("authorization", None)
        headers.pop("cookie", None)
        secret_params = {s.parameter for s in self._schemes if s.location == "query"}
        return url.copy_with(params=[(k, v) for k, v in url.params.multi_items() if k not in secret_params])

    def _choose(self, security: tuple[tuple[str, ...], ...] | None) -> list[AuthScheme]:
        """The first alternative the client has every credential for; with no security declared
        anywhere, every credential the client has."""
        alternatives = security if security is not None else self._default_security
        if alternatives is None:
            return [s for s in self._schemes if self._has(s)]
        if not alternatives:  # `security: []`: nothing needed
            return []
        by_name = {s.name: s for s in self._schemes}
        for names in alternatives:
            if all(name in by_name and self._has(by_name[name]) for name in names):
                return [by_name[name] for name in names]
        wanted = [by_name[n] for names in alternatives for n in names if n in by_name]
        raise MissingCredentialsError(_missing_credentials(tuple(dict.fromkeys(wanted))))

    def _has(self, scheme: AuthScheme) -> bool:
        return scheme.name in (self._oauth2 if scheme.kind == "oauth2" else self._secrets)


class Tokens(dict[str, str]):
    """The access tokens of one call by scheme name, and where each came from (to renew them)."""

    def __init__(self) -> None:
        super().__init__()
        self.used: list[tuple[OAuth2Credentials, Key, str]] = []
        self.renewed = False

    def add(self, held: OAuth2Credentials, key: Key, access: str) -> None:
        self[held.scheme.name] = access
        self.used.append((held, key, access))


def is_other_origin(url: httpx.URL, than: httpx.URL) -> bool:
    """Whether `url` is on another origin (scheme, host and port) than `than`: credentials stay home."""
    return (url.scheme, url.host, url.port) != (than.scheme, than.host, than.port)


def _secret(scheme: AuthScheme, given: Mapping[str, str]) -> str | None:
    """The value `scheme` sends, from the keyword given to the client or its environment variable."""
    if scheme.kind == "basic":
        user_env, password_env = (*scheme.envs, "", "")[:2]
        user = given.get("username") or os.environ.get(user_env or "\0")
        password = given.get("password") or os.environ.get(password_env or "\0")
        if not user or password is None:
            return None
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    value = given.get(scheme.option) or next((os.environ[e] for e in scheme.envs if os.environ.get(e)), None)
    if not value:
        return None
    return "Bearer " + value if scheme.kind == "bearer" else value


def _missing_credentials(schemes: tuple[AuthScheme, ...]) -> str:
    keywords = sorted({word for s in schemes for word in _keywords(s)})
    envs = list(dict.fromkeys(env for s in schemes for env in (s.keyword_envs or s.envs) if env))
    if keywords == ["api_key"] and len(envs) == 1:
        return f"No API key: pass `api_key=` to the client or set the {envs[0]} environment variable."
    return (
        "No credentials for this call: pass `"
        + "=` or `".join(keywords)
        + "=` to the client"
        + (f" or set {' or '.join(envs)}" if envs else "")
        + "."
    )


def _keywords(scheme: AuthScheme) -> list[str]:
    """The keywords that give `scheme` a credential, as the message names them."""
    if scheme.kind == "basic":
        return ["username=` and `password"]
    if scheme.kind != "oauth2":
        return [scheme.option]
    access, client_id, secret, refresh = (*scheme.keywords, "", "", "", "")[:4]
    found = [access]
    found += [f"{client_id}=` and `{secret}"] if scheme.client_credentials else []
    return found + ([refresh] if scheme.refresh_url else [])


__all__ = ["Credentials", "Placement", "Tokens", "is_other_origin"]
