"""The options every client takes, as typed dictionaries: a generated client that adds credential
keywords of its own (an OAuth 2 client id, a second API key, a webhook secret) takes the others as
`**options: Unpack[ClientOptions[...]]`, so each keyword stays typed. Gives `ClientOptions`,
`CopyOptions` (those of `with_options`) and `with_credentials`, which folds the added keywords in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypedDict, TypeVar

import httpx

from ._types import NotGiven

_HttpT = TypeVar("_HttpT", httpx.Client, httpx.AsyncClient)


class ClientOptions(TypedDict, Generic[_HttpT], total=False):
    api_key: str | None
    base_url: str | httpx.URL | None
    timeout: float | httpx.Timeout | NotGiven | None
    max_retries: int
    default_headers: Mapping[str, str] | None
    http_client: _HttpT | None
    retry_non_idempotent: bool
    username: str | None
    password: str | None
    credentials: Mapping[str, str] | None
    max_response_bytes: int
    strict_response_validation: bool
    server_urls: Mapping[str, str] | None
    server_variables: Mapping[str, str] | None


class CopyOptions(TypedDict, Generic[_HttpT], total=False):
    api_key: str | None
    base_url: str | httpx.URL | None
    timeout: float | httpx.Timeout | NotGiven | None
    max_retries: int | None
    default_headers: Mapping[str, str] | None
    http_client: _HttpT | None
    retry_non_idempotent: bool | None
    username: str | None
    password: str | None
    credentials: Mapping[str, str] | None
    max_response_bytes: int | None
    strict_response_validation: bool | None
    server_urls: Mapping[str, str] | None
    server_variables: Mapping[str, str] | None


def with_credentials(options: Mapping[str, Any], **given: str | None) -> dict[str, Any]:
    """`options` with the credential keywords `given` (those not None) added to its `credentials`."""
    added = {k: v for k, v in given.items() if v is not None}
    result = dict(options)
    if added:
        result["credentials"] = {**(options.get("credentials") or {}), **added}
    return result


__all__ = ["ClientOptions", "CopyOptions", "with_credentials"]
