"""`components/securitySchemes` -> the client's credential schemes, and `security` lists -> the
alternatives of scheme names an operation (or the whole API) accepts."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ..errors import Origin
from ..ir import OAuth2Settings, SecurityScheme
from ..naming import RESERVED_PARAMETERS, safe_identifier, snake
from ..resolver import UNRESOLVED
from .context import LowerContext
from .settings import ClientSettingsReader

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SECURITY_HINT = "a list of mappings from scheme names to scopes: `security: [{bearerAuth: []}]`, or `security: []`"


def security_schemes(ctx: LowerContext, client: ClientSettingsReader) -> tuple[SecurityScheme, ...]:
    """The schemes, each with the client keywords and environment variables of its credentials:
    the first token scheme takes `api_key`, basic takes `username`/`password`, OAuth 2 its token
    keywords (`access_token`, `client_id`, ...), others their name."""
    components = ctx.doc.get("components")
    schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    if not isinstance(schemes, dict):
        return ()
    prefix = client.env_prefix
    result: list[SecurityScheme] = []
    for name, scheme in schemes.items():
        if not isinstance(scheme, dict) or UNRESOLVED in scheme:  # a broken `$ref`, reported already
            continue
        kind, http_scheme = scheme.get("type"), str(scheme.get("scheme", "")).lower()
        where = ctx.origin(scheme, ctx.top.child("components", "securitySchemes", name))
        metadata = scheme.get("oauth2MetadataUrl") if kind == "oauth2" else None
        common = {"deprecated": scheme.get("deprecated") is True, "metadata_url": str(metadata or "")}
        if kind == "http" and http_scheme == "basic":
            envs = (f"{prefix}_USERNAME", f"{prefix}_PASSWORD")
            result.append(SecurityScheme(name=name, kind="basic", option="username", envs=envs, **common))  # type: ignore[arg-type]
        elif kind == "http" and http_scheme == "bearer":
            result.append(SecurityScheme(name=name, kind="bearer", **common))  # type: ignore[arg-type]
        elif kind in ("oauth2", "openIdConnect"):
            flows = scheme.get("flows") if kind == "oauth2" else None
            oauth2 = oauth2_settings(flows if isinstance(flows, dict) else {})
            result.append(SecurityScheme(name=name, kind="oauth2", oauth2=oauth2, **common))  # type: ignore[arg-type]
        elif kind == "apiKey" and scheme.get("in") in ("header", "query", "cookie") and scheme.get("name"):
            entry = SecurityScheme(
                name=name,
                kind="api_key",
                location=scheme["in"],
                parameter=str(scheme["name"]),
                **common,  # type: ignore[arg-type]
            )
            result.append(entry)
        else:
            ctx.problems.error(
                f"security scheme {name!r} is not supported as written (type {kind!r})",
                where,
                "use http bearer or basic, apiKey with `in` (header, query or cookie) and `name`, or oauth2",
            )
    named = _with_options(result, client.settings.api_key_env, prefix)
    return auth_settings(ctx, client, named)


def oauth2_settings(flows: dict[str, Any]) -> OAuth2Settings:
    """Where an OAuth 2 scheme's tokens come from: the client credentials flow's token URL, else the
    first flow's that has one; its `refreshUrl`, else the token URL."""
    ordered = [flows.get(f) for f in ("clientCredentials", "authorizationCode", "password", "implicit")]
    found = [f for f in ordered if isinstance(f, dict)]
    with_token = [f for f in found if isinstance(f.get("tokenUrl"), str) and f["tokenUrl"]]
    first = with_token[0] if with_token else {}
    scopes = [str(s) for f in found if isinstance(f.get("scopes"), dict) for s in f["scopes"]]
    token_url = str(first.get("tokenUrl") or "")
    return OAuth2Settings(
        token_url=token_url,
        refresh_url=str(first.get("refreshUrl") or token_url),
        client_credentials=isinstance(flows.get("clientCredentials"), dict) and bool(token_url),
        scopes=tuple(dict.fromkeys(scopes)),
    )


def _keyword(name: str) -> str:
    """`AdminApiKeyAuth` -> `admin_api_key`: the scheme's snake_case name, a trailing `_auth` dropped."""
    word = snake(name)
    word = word[: -len("_auth")] if word.endswith("_auth") and len(word) > len("_auth") else word
    return safe_identifier(word, RESERVED_PARAMETERS) or "credential"


def _with_options(schemes: list[SecurityScheme], api_key_env: str, prefix: str) -> list[SecurityScheme]:
    """Each token scheme's client keyword: `api_key` for the first apiKey or bearer one the API does
    not deprecate (OpenAPI 3.2 `deprecated`), its own name for the others; OAuth 2 schemes take the
    token keywords, prefixed by the scheme's name where there are several."""
    tokens = [s for s in schemes if s.kind in ("bearer", "api_key")]
    primary = next((s for s in tokens if not s.deprecated), None)  # a deprecated one keeps its own name
    several = sum(s.kind == "oauth2" for s in schemes) > 1
    result: list[SecurityScheme] = []
    for scheme in schemes:
        if scheme.kind == "basic":
            result.append(scheme)
        elif scheme.oauth2 is not None:
            lead = _keyword(scheme.name) + "_" if several else ""
            words = tuple(lead + w for w in ("access_token", "client_id", "client_secret", "refresh_token"))
            envs = tuple(f"{prefix}_{w.upper()}" for w in words)
            oauth2 = replace(scheme.oauth2, keywords=words, envs=envs)  # type: ignore[arg-type]
            result.append(replace(scheme, option=words[0], envs=envs[:1], oauth2=oauth2))
        elif scheme is primary:
            result.append(replace(scheme, option="api_key", envs=(api_key_env,)))
        else:
            option, n = _keyword(scheme.name), 2
            while option in _CLIENT_KEYWORDS or any(option in s.keywords for s in result):
                option, n = f"{_keyword(scheme.name)}_{n}", n + 1
            result.append(replace(scheme, option=option, envs=(f"{prefix}_{option.upper()}",)))
    return result


# The client's own keywords, which no credential may take.
_CLIENT_KEYWORDS = frozenset(
    {
        *("api_key", "username", "password", "credentials", "base_url", "timeout", "max_retries"),
        *("default_headers", "http_client", "retry_non_idempotent", "max_response_bytes", "token_params"),
        "webhook_secret",
    }
)


def auth_settings(
    ctx: LowerContext, client: ClientSettingsReader, schemes: list[SecurityScheme]
) -> tuple[SecurityScheme, ...]:
    """`x-client: {auth: {<scheme>: {keyword, env, token-auth}}}` applied: another keyword or
    variable for a scheme's credential, and how an OAuth 2 client secret is sent."""
    declared = ctx.doc.get("x-client")
    auth = declared.get("auth") if isinstance(declared, dict) else None
    if auth is None:
        return tuple(schemes)
    where = ctx.origin(auth, ctx.top.child("x-client", "auth"))
    by_name = {s.name: s for s in schemes}
    if not isinstance(auth, dict):
        ctx.problems.error("x-client auth must map scheme names to settings", where, _AUTH_HINT)
        return tuple(schemes)
    for name, entry in auth.items():
        scheme, at = by_name.get(str(name)), where.child(str(name))
        if scheme is None or not isinstance(entry, dict):
            problem = "is not a mapping" if scheme is not None else "names no security scheme"
            ctx.problems.error(f"x-client auth {name!r} {problem}", at, _AUTH_HINT)
            continue
        by_name[scheme.name] = _renamed(ctx, client, scheme, entry, at)
    return tuple(by_name[s.name] for s in schemes)


_AUTH_HINT = "write `x-client: {auth: {bearerAuth: {keyword: token, env: ACME_TOKEN}}}`"
_TOKEN_AUTH = ("client_secret_basic", "client_secret_post")


def _renamed(
    ctx: LowerContext, client: ClientSettingsReader, scheme: SecurityScheme, entry: dict[str, Any], at: Origin
) -> SecurityScheme:
    for key in entry:
        if key not in ("keyword", "env", "token-auth"):
            ctx.problems.error(f"x-client auth key {key!r} is unknown", at.child(str(key)), _AUTH_HINT)
    keyword = entry.get("keyword")
    if keyword is not None and (not isinstance(keyword, str) or not IDENTIFIER.fullmatch(keyword)):
        ctx.problems.error(f"x-client auth keyword {keyword!r} is no Python name", at.child("keyword"), _AUTH_HINT)
        keyword = None
    option = safe_identifier(keyword, RESERVED_PARAMETERS) if keyword else scheme.option
    env = client.env_name(entry.get("env"), scheme.envs[0] if scheme.envs else "", at.child("env"))
    token_auth = entry.get("token-auth")
    if token_auth is not None and token_auth not in _TOKEN_AUTH:
        ctx.problems.error(
            f"x-client auth token-auth {token_auth!r} is unknown", at.child("token-auth"), " or ".join(_TOKEN_AUTH)
        )
        token_auth = None
    if scheme.kind == "basic":
        return scheme
    if scheme.oauth2 is None:
        return replace(scheme, option=option, envs=(env,) if env else scheme.envs)
    words, envs = scheme.oauth2.keywords, scheme.oauth2.envs
    oauth2 = replace(
        scheme.oauth2,
        keywords=(option, *words[1:]),
        envs=(env or envs[0], *envs[1:]),
        token_auth=str(token_auth or scheme.oauth2.token_auth),
    )
    return replace(scheme, option=option, envs=(env or envs[0],), oauth2=oauth2)


def requirement_scopes(value: Any, schemes: tuple[SecurityScheme, ...]) -> dict[str, tuple[str, ...]] | None:
    """The OAuth 2 scopes a `security` list asks of each scheme (over its alternatives); None when absent."""
    if not isinstance(value, list):
        return None
    oauth2 = {s.name for s in schemes if s.oauth2 is not None}
    found: dict[str, dict[str, None]] = {}
    for requirement in value:
        for name, scopes in requirement.items() if isinstance(requirement, dict) else ():
            if name in oauth2 and isinstance(scopes, list):
                found.setdefault(name, {}).update(dict.fromkeys(str(s) for s in scopes))
    return {name: tuple(scopes) for name, scopes in found.items() if scopes}


def requirements(
    ctx: LowerContext, schemes: tuple[SecurityScheme, ...], value: Any, where: Origin
) -> tuple[tuple[str, ...], ...] | None:
    """A `security` list as alternatives of scheme names; None when absent."""
    if value is None:
        return None
    if not isinstance(value, list):
        ctx.problems.error("`security` must be a list of requirement objects", where, _SECURITY_HINT)
        return None
    components = ctx.doc.get("components")
    declared = components.get("securitySchemes") if isinstance(components, dict) else None
    broken = (
        {n for n, s in declared.items() if isinstance(s, dict) and UNRESOLVED in s}
        if isinstance(declared, dict)
        else set()
    )
    known = {s.name for s in schemes} | broken  # a broken `$ref` is reported once, where it stands
    alternatives: list[tuple[str, ...]] = []
    for index, requirement in enumerate(value):
        if not isinstance(requirement, dict):
            ctx.problems.error("a security requirement must be a mapping", where.child(index), _SECURITY_HINT)
            continue
        for name in requirement:
            if name not in known:
                ctx.problems.error(
                    f"security requirement names an unknown scheme {name!r}",
                    where.child(index, name),
                    "declare it under components/securitySchemes"
                    + (f" ({', '.join(sorted(known))} are)" if known else ""),
                )
        alternatives.append(tuple(str(n) for n in requirement if n in known))
    return tuple(dict.fromkeys(alternatives))
