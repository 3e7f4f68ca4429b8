"""Webhooks: takes an event's raw body and headers as the API sent them, and gives the typed event
after checking its signature the Standard Webhooks way (`webhook-id`, `webhook-timestamp` and
`webhook-signature` headers; HMAC-SHA256 over `id.timestamp.body` with a `whsec_` base64 secret;
any of several `v1,` signatures; a timestamp within a tolerance). An event type the spec does not
list yet gives an `UnknownWebhookEvent`."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable, Mapping
from typing import Any, Generic, NamedTuple, TypeVar

import pydantic

from ._exceptions import WebhookVerificationError

T = TypeVar("T")
DEFAULT_TOLERANCE = 300  # seconds, in both directions
# The current time, in seconds since the epoch (a module attribute, so tests can set it).
now: Callable[[], float] = time.time


class UnknownWebhookEvent(pydantic.BaseModel):
    """An event of a type the spec does not list (yet): its `type` and the whole payload as `data`."""

    type: str | None
    data: dict[str, Any]


class WebhookSpec(NamedTuple, Generic[T]):
    """The webhooks of an API: how a payload is parsed into one of its events, and which tags it knows."""

    parse: Callable[[bytes], T]  # into the union of every event
    tag_property: str = "type"
    tags: frozenset[str] = frozenset()  # the tags of the events listed; empty: events told apart by shape
    secret_env: str = ""  # the variable holding the secret


class Webhooks(Generic[T]):
    """`client.webhooks`: `unwrap` verifies an event and gives it typed; `verify_signature` only verifies."""

    def __init__(self, spec: WebhookSpec[T], secret: str | None = None) -> None:
        self._spec = spec
        self._secret = secret

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def unwrap(
        self,
        payload: bytes | str,
        headers: Mapping[str, str],
        *,
        secret: str | None = None,
        tolerance: float = DEFAULT_TOLERANCE,
    ) -> T | UnknownWebhookEvent:
        """The event in `payload` (the raw body), once its signature is verified: its model, or an
        `UnknownWebhookEvent` for a type the spec does not list. Raises `WebhookVerificationError`."""
        self.verify_signature(payload, headers, secret=secret, tolerance=tolerance)
        body = payload.encode() if isinstance(payload, str) else payload
        try:
            data = json.loads(body)
        except ValueError:
            raise WebhookVerificationError("The webhook payload is not JSON.") from None
        tag = data.get(self._spec.tag_property) if isinstance(data, dict) else None
        if isinstance(data, dict) and self._spec.tags and tag not in self._spec.tags:
            return UnknownWebhookEvent(type=tag if isinstance(tag, str) else None, data=data)
        return self._spec.parse(body)

    def verify_signature(
        self,
        payload: bytes | str,
        headers: Mapping[str, str],
        *,
        secret: str | None = None,
        tolerance: float = DEFAULT_TOLERANCE,
    ) -> None:
        """Raises `WebhookVerificationError` unless one of the event's signatures matches and its
        timestamp is within `tolerance` seconds of now. The secret is `secret`, else the client's
        `webhook_secret=`, else its environment variable."""
        lowered = {str(k).lower(): str(v) for k, v in headers.items()}
        missing = [h for h in ("webhook-id", "webhook-timestamp", "webhook-signature") if not lowered.get(h)]
        if missing:
            raise WebhookVerificationError(f"The webhook has no {' or '.join(missing)} header.")
        key = _key(secret or self._secret or os.environ.get(self._spec.secret_env or "\0"), self._spec.secret_env)
        stamp = lowered["webhook-timestamp"]
        if not stamp.isdigit():
            raise WebhookVerificationError("The webhook-timestamp header is not a number of seconds.")
        age = now() - int(stamp)
        if age > tolerance:
            raise WebhookVerificationError(
                f"The webhook timestamp is too old ({round(age)} s, tolerance {tolerance:g} s)."
            )
        if -age > tolerance:
            raise WebhookVerificationError(
                f"The webhook timestamp is in the future ({round(-age)} s, tolerance {tolerance:g} s)."
            )
        body = payload.encode() if isinstance(payload, str) else payload
        signed = lowered["webhook-id"].encode() + b"." + stamp.encode() + b"." + body
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
        found = False
        for entry in lowered["webhook-signature"].split():
            version, _, signature = entry.partition(",")
            if version == "v1" and hmac.compare_digest(signature.encode(), expected):
                found = True  # no early exit: every signature is compared
        if not found:
            raise WebhookVerificationError("No webhook signature matches the payload (v1, HMAC-SHA256).")


def _key(secret: str | None, env: str) -> bytes:
    """The HMAC key of a `whsec_`-prefixed base64 secret (the prefix may be left out)."""
    if not secret:
        where = f" or set {env}" if env else ""
        raise WebhookVerificationError(f"No webhook secret: pass `secret=` or the client's `webhook_secret=`{where}.")
    encoded = secret.removeprefix("whsec_")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise WebhookVerificationError("The webhook secret is not base64 (after its `whsec_` prefix).") from None


__all__ = ["DEFAULT_TOLERANCE", "UnknownWebhookEvent", "WebhookSpec", "Webhooks", "now"]
