"""OAuth 2 tokens: takes an `oauth2` scheme's credentials (an access token, a client id and secret, a
refresh token) and gives the access token a call sends, fetched from the token endpoint (client
credentials or refresh token grant), cached per client family and scope set until shortly before it
expires, fetched by one caller at a time (threads or asyncio tasks), and renewed once after a 401."""

from __future__ import annotations

import base64
import logging
import math
import os
import threading
import time
import urllib.parse
import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import httpx

from ._exceptions import APIConnectionError, MissingCredentialsError, TokenError
from ._operation import AuthScheme

if TYPE_CHECKING:
    import asyncio

# The clock tokens expire by (a module attribute, so tests can move time on).
clock: Callable[[], float] = time.monotonic
# A token is used until this many seconds before it expires, or half its lifetime when that is shorter.
EXPIRY_MARGIN = 30.0

# scheme name, client id, scopes (sorted): a token serves the calls asking for exactly these scopes.
Key = tuple[str, str, tuple[str, ...]]


class Token(NamedTuple):
    access: str
    usable_until: float | None  # on the `clock`; None: until the API refuses it
    refresh: str | None = None

    def fresh(self) -> bool:
        return self.usable_until is None or clock() < self.usable_until


def usable_until(expires_in: float | None) -> float | None:
    if expires_in is None:
        return None
    return clock() + expires_in - min(EXPIRY_MARGIN, expires_in / 2)


class TokenStore:
    """The tokens of one client and its `with_options` copies, with a lock per key so that one caller
    fetches while the others wait for its token."""

    def __init__(self) -> None:
        self._tokens: dict[Key, Token] = {}
        self._guard = threading.Lock()
        self._locks: dict[Key, threading.Lock] = {}
        # By event loop (a lock belongs to one), dropped with the loop.
        self._async_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[Key, asyncio.Lock]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, key: Key) -> Token | None:
        return self._tokens.get(key)

    def put(self, key: Key, token: Token) -> None:
        self._tokens[key] = token

    def seed(self, key: Key, token: Token) -> Token:
        return self._tokens.setdefault(key, token)

    def invalidate(self, key: Key, access: str) -> None:
        """The API refused `access`: it is not used again (unless another caller replaced it already)."""
        token = self._tokens.get(key)
        if token is not None and token.access == access:
            self._tokens[key] = token._replace(usable_until=-math.inf)

    def lock(self, key: Key) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def async_lock(self, key: Key) -> asyncio.Lock:
        import asyncio  # imported on first use: a sync-only program never pays for asyncio

        loop = asyncio.get_running_loop()
        with self._guard:
            return self._async_locks.setdefault(loop, {}).setdefault(key, asyncio.Lock())

    def secrets(self) -> list[str]:
        return [s for t in list(self._tokens.values()) for s in (t.access, t.refresh) if s]


class OAuth2Credentials:
    """What one OAuth 2 scheme of a client holds: the keywords given, else their variables."""

    __slots__ = ("access_token", "client_id", "client_secret", "refresh_token", "scheme")

    def __init__(self, scheme: AuthScheme, given: Mapping[str, str]) -> None:
        envs = scheme.keyword_envs or ("",) * len(scheme.keywords)
        values = [
            given.get(k) or os.environ.get(e or "\0") or None for k, e in zip(scheme.keywords, envs, strict=False)
        ]
        self.scheme = scheme
        self.access_token, self.client_id, self.client_secret, self.refresh_token = (*values, None, None, None)[:4]

    def can_fetch(self) -> bool:
        """Whether a token can be fetched: client credentials, or a refresh token to spend."""
        scheme = self.scheme
        by_client = scheme.client_credentials and bool(scheme.token_url and self.client_id and self.client_secret)
        return by_client or bool(scheme.refresh_url and self.refresh_token)

    def usable(self) -> bool:
        return bool(self.access_token) or self.can_fetch()

    def secrets(self) -> list[str]:
        return [s for s in (self.access_token, self.client_secret, self.refresh_token) if s]

    def key(self, scopes: tuple[str, ...]) -> Key:
        return (self.scheme.name, self.client_id or "", tuple(sorted(scopes)))

    def token_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        base: httpx.URL,
        scopes: tuple[str, ...],
        previous: Token | None,
        params: Mapping[str, str],
    ) -> httpx.Request:
        """The token request: a refresh token spent where there is one, else client credentials;
        `params` are the user's extra form fields (`token_params=`)."""
        scheme = self.scheme
        refresh = (previous.refresh if previous is not None else None) or self.refresh_token
        form: dict[str, str]
        if refresh and scheme.refresh_url:
            url, form = scheme.refresh_url, {"grant_type": "refresh_token", "refresh_token": refresh}
        elif scheme.client_credentials and scheme.token_url and self.client_id and self.client_secret:
            url, form = scheme.token_url, {"grant_type": "client_credentials"}
        else:
            raise MissingCredentialsError(_cannot_fetch(scheme))
        if scopes:
            form["scope"] = " ".join(scopes)
        headers = {"Accept": "application/json"}
        if self.client_id and self.client_secret and scheme.token_auth != "client_secret_post":
            # RFC 6749 2.3.1: each part form-encoded, then HTTP basic.
            pair = f"{_form(self.client_id)}:{_form(self.client_secret)}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        elif self.client_id:
            form["client_id"] = self.client_id
            if self.client_secret:
                form["client_secret"] = self.client_secret
        form.update({k: v for k, v in params.items() if k not in form})
        return http.build_request("POST", base.join(url), data=form, headers=headers)


def fetch(http: httpx.Client, request: httpx.Request, scrub: Callable[[str], str], log: logging.Logger) -> Token:
    _log_request(log, request, scrub)
    try:
        response = http.send(request)
        response.read()
    except httpx.HTTPError as exc:
        raise APIConnectionError(scrub(f"Token request failed: {type(exc).__name__}: {exc}"), request=request) from None
    return read_token(response, request, scrub, log)


async def async_fetch(
    http: httpx.AsyncClient, request: httpx.Request, scrub: Callable[[str], str], log: logging.Logger
) -> Token:
    _log_request(log, request, scrub)
    try:
        response = await http.send(request)
        await response.aread()
    except httpx.HTTPError as exc:
        raise APIConnectionError(scrub(f"Token request failed: {type(exc).__name__}: {exc}"), request=request) from None
    return read_token(response, request, scrub, log)


def read_token(
    response: httpx.Response, request: httpx.Request, scrub: Callable[[str], str], log: logging.Logger
) -> Token:
    """The token of a token endpoint's answer (RFC 6749 5.1), or its error (5.2) as `TokenError`."""
    log.debug("token response %s status=%d", scrub(str(request.url)), response.status_code)
    try:
        data: Any = response.json()
    except ValueError:
        data = None
    data = data if isinstance(data, dict) else {}
    access, expires_in = data.get("access_token"), data.get("expires_in")
    if response.is_success and isinstance(access, str) and access:
        try:
            lifetime = float(expires_in) if expires_in is not None else None
        except (TypeError, ValueError):
            lifetime = None
        refresh = data.get("refresh_token")
        previous = _refresh_of(request)
        return Token(access, usable_until(lifetime), refresh if isinstance(refresh, str) and refresh else previous)
    error = str(data.get("error") or ("invalid_token_response" if response.is_success else "server_error"))
    description = data.get("error_description")
    description = scrub(str(description)) if description is not None else None
    message = f"The token endpoint refused to give a token: {error}" + (f" ({description})" if description else "")
    raise TokenError(
        scrub(message + f" [HTTP {response.status_code}]"),
        error=scrub(error),
        error_description=description,
        status_code=response.status_code,
        request=request,
    )


def _refresh_of(request: httpx.Request) -> str | None:
    """The refresh token a refresh request spent: kept when the answer gives no new one."""
    fields = dict(urllib.parse.parse_qsl(request.content.decode(), keep_blank_values=True))
    return fields.get("refresh_token") if fields.get("grant_type") == "refresh_token" else None


def _log_request(log: logging.Logger, request: httpx.Request, scrub: Callable[[str], str]) -> None:
    if log.isEnabledFor(logging.DEBUG):
        fields = dict(urllib.parse.parse_qsl(request.content.decode(), keep_blank_values=True))
        log.debug(
            "token request POST %s grant_type=%s scope=%s",
            scrub(str(request.url)),
            fields.get("grant_type", ""),
            fields.get("scope", ""),
        )


def _form(value: str) -> str:
    return urllib.parse.quote_plus(value)


def _cannot_fetch(scheme: AuthScheme) -> str:
    words = scheme.keywords
    wanted = [f"`{words[0]}=`"] + ([f"`{words[1]}=` and `{words[2]}=`"] if scheme.client_credentials else [])
    wanted += [f"`{words[3]}=`"] if scheme.refresh_url else []
    return f"No way to get a token for {scheme.name}: pass " + " or ".join(wanted) + " to the client."


__all__ = [
    "EXPIRY_MARGIN",
    "Key",
    "OAuth2Credentials",
    "Token",
    "TokenStore",
    "async_fetch",
    "clock",
    "fetch",
    "usable_until",
]
