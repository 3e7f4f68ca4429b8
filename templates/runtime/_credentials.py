"""Credentials: takes the API's `AuthScheme`s and the keywords given to the client, and gives the values
each operation sends (read from the keywords or the environment), text scrubbed of every secret, and
redirect headers and URLs stripped of them."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping

import httpx

from ._exceptions import APIError
from ._operation import AuthScheme

# Where one credential goes on the wire: (location, header/parameter/cookie name, value).
Placement = tuple[str, str, str]


class Credentials:
    """The credentials of one client, fixed at construction (`with_options` makes a new client)."""

    __slots__ = ("_default_security", "_placements", "_schemes", "_scrubbed", "_secrets", "given")

    def __init__(
        self,
        schemes: tuple[AuthScheme, ...],
        default_security: tuple[tuple[str, ...], ...] | None,
        given: Mapping[str, str | None],
    ) -> None:
        """Raises APIError when the API needs credentials and none is given or in the environment."""
        self.given = {k: v for k, v in given.items() if v is not None}  # by keyword, for with_options
        self._schemes = schemes
        self._default_security = default_security
        self._secrets: dict[str, str] = {}  # scheme name -> the value sent on the wire
        for scheme in schemes:
            secret = _secret(scheme, self.given)
            if secret:
                self._secrets[scheme.name] = secret
        if schemes and not self._secrets and _credentials_required(default_security):
            raise APIError(_missing_credentials(schemes))
        # Longest first, so a secret holding another is replaced whole.
        self._scrubbed = [
            s for s in sorted({*self.given.values(), *self._secrets.values()}, key=len, reverse=True) if len(s) >= 4
        ]
        # By the operation's `security`: the same few alternatives serve every operation of an API.
        self._placements: dict[tuple[tuple[str, ...], ...] | None, tuple[Placement, ...]] = {}

    def for_operation(self, security: tuple[tuple[str, ...], ...] | None) -> tuple[Placement, ...]:
        """What to send for an operation with this `security` (None: the API's default)."""
        placements = self._placements.get(security)
        if placements is None:
            placements = self._placements[security] = tuple(
                (s.location, s.parameter, self._secrets[s.name]) for s in self._schemes_for(security)
            )
        return placements

    def _schemes_for(self, security: tuple[tuple[str, ...], ...] | None) -> list[AuthScheme]:
        """The first alternative the client has every credential for; with no security declared
        anywhere, every credential the client has."""
        alternatives = security if security is not None else self._default_security
        if alternatives is None:
            return [s for s in self._schemes if s.name in self._secrets]
        by_name = {s.name: s for s in self._schemes}
        for names in alternatives:
            if all(name in self._secrets for name in names):
                return [by_name[name] for name in names]
        return []

    def scrub(self, text: str) -> str:
        """`text` with every credential the client holds replaced, in any form it is sent in."""
        for secret in self._scrubbed:
            text = text.replace(secret, "<redacted>")
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


def _credentials_required(default: tuple[tuple[str, ...], ...] | None) -> bool:
    # An empty alternative (`{}` in the spec's `security`) lets calls go out anonymously.
    return default is None or all(names for names in default)


def _missing_credentials(schemes: tuple[AuthScheme, ...]) -> str:
    keywords = sorted({"username=` and `password" if s.kind == "basic" else s.option for s in schemes})
    envs = [env for s in schemes for env in s.envs]
    if keywords == ["api_key"] and len(envs) == 1:
        return f"No API key: pass `api_key=` to the client or set the {envs[0]} environment variable."
    return (
        "No credentials: pass `"
        + "=` or `".join(keywords)
        + "=` to the client"
        + (f" or set {' or '.join(envs)}" if envs else "")
        + "."
    )


__all__ = ["Credentials", "Placement", "is_other_origin"]
