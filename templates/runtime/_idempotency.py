"""Idempotency keys: takes the request of a non-idempotent operation and the header the API names for
them (`x-client.idempotency-header`), and gives it a fresh key unless the caller chose one, so that the
server can tell a retry from a new request and the request may be retried like a GET."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

import httpx

from ._types import Omit


def add_idempotency_key(request: httpx.Request, header: str, extra_headers: Mapping[str, object] | None) -> bool:
    """Whether `request` carries a key: the caller's own (through `extra_headers` or a header parameter)
    wins; `extra_headers={header: omit}` sends none. A new key is made once per call, and the same
    request, key and all, is sent again by every retry."""
    if header in request.headers:  # case-insensitive
        return True
    lower = header.lower()
    if any(name.lower() == lower and isinstance(value, Omit) for name, value in (extra_headers or {}).items()):
        return False
    request.headers[header] = str(uuid.uuid4())
    return True


__all__ = ["add_idempotency_key"]
