"""`components/securitySchemes` -> the client's credential schemes, and `security` lists -> the
alternatives of scheme names an operation (or the whole API) accepts."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..errors import Origin
from ..ir import SecurityScheme
from ..naming import RESERVED_PARAMETERS, safe_identifier, snake
from ..resolver import UNRESOLVED
from .context import LowerContext
from .settings import ClientSettingsReader

_SECURITY_HINT = "a list of mappings from scheme names to scopes: `security: [{bearerAuth: []}]`, or `security: []`"


def security_schemes(ctx: LowerContext, client: ClientSettingsReader) -> tuple[SecurityScheme, ...]:
    """The schemes, each with the client keyword and environment variables of its credential:
    the first token scheme takes `api_key`, basic takes `username`/`password`, others their name."""
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
            continue
        if (kind == "http" and http_scheme == "bearer") or kind in ("oauth2", "openIdConnect"):
            entry = SecurityScheme(name=name, kind="bearer", **common)  # type: ignore[arg-type]
        elif kind == "apiKey" and scheme.get("in") in ("header", "query", "cookie") and scheme.get("name"):
            entry = SecurityScheme(
                name=name,
                kind="api_key",
                location=scheme["in"],
                parameter=str(scheme["name"]),
                **common,  # type: ignore[arg-type]
            )
        else:
            ctx.problems.error(
                f"security scheme {name!r} is not supported as written (type {kind!r})",
                where,
                "use http bearer or basic, or apiKey with `in` (header, query or cookie) and `name`",
            )
            continue
        metadata = scheme.get("oauth2MetadataUrl") if kind == "oauth2" else None
        result.append(replace(entry, deprecated=scheme.get("deprecated") is True, metadata_url=str(metadata or "")))
    return _with_options(result, client.settings.api_key_env, prefix)


def _with_options(schemes: list[SecurityScheme], api_key_env: str, prefix: str) -> tuple[SecurityScheme, ...]:
    """Each token scheme's client keyword: `api_key` for the first one the API does not deprecate
    (OpenAPI 3.2 `deprecated`), the scheme's own name for the others."""
    tokens = [s for s in schemes if s.kind != "basic"]
    primary = next((s for s in tokens if not s.deprecated), tokens[0] if tokens else None)
    result: list[SecurityScheme] = []
    for scheme in schemes:
        if scheme.kind == "basic":
            result.append(scheme)
        elif scheme is primary:
            result.append(replace(scheme, option="api_key", envs=(api_key_env,)))
        else:
            option = safe_identifier(snake(scheme.name), RESERVED_PARAMETERS) or "credential"
            result.append(replace(scheme, option=option, envs=(f"{prefix}_{option.upper()}",)))
    return tuple(result)


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
