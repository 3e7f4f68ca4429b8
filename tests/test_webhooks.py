"""Webhooks (fixture `webhooks`, and a 3.0 spec's `x-webhooks`): one model per event and their union,
`client.webhooks.unwrap(...)` and `verify_signature(...)` by the Standard Webhooks rules (HMAC-SHA256
over `id.timestamp.body`, a `whsec_` secret, several signatures, 5 minutes either way), every failure a
`WebhookVerificationError` that never shows the secret, and an unlisted event type a generic event."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import typing
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from support.fixtures import fixture_package
from support.packages import built_package

KEY = b"orders-webhook-key-0123456789abcdef"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
CREATED = {"id": "evt_1", "type": "order.created", "created_at": 1700000000, "data": {"id": "o-1", "total": 1250}}
REFUNDED = {"id": "evt_2", "type": "order.refunded", "data": {"order_id": "o-1", "amount": 300}}


def sign(body: bytes, *, key: bytes = KEY, msg_id: str = "msg_1", at: int | None = None) -> dict[str, str]:
    """The three Standard Webhooks headers of `body`, signed with `key` at time `at` (now)."""
    stamp = str(int(time.time()) if at is None else at)
    digest = hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": stamp,
        "webhook-signature": "v1," + base64.b64encode(digest).decode(),
    }


@pytest.fixture
def package(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.delenv("ORDERS_WEBHOOK_SECRET", raising=False)
    return fixture_package("webhooks")


def test_each_event_has_its_model_and_the_union_tells_them_apart(package: ModuleType) -> None:
    models = fixture_package("webhooks", "models")
    client = package.Client(api_key="k", webhook_secret=SECRET)
    body = json.dumps(CREATED).encode()
    created = client.webhooks.unwrap(body, sign(body))
    assert type(created) is models.OrderCreatedEvent
    assert (created.id, created.data.total) == ("evt_1", 1250)
    body = json.dumps(REFUNDED)  # a str payload as well as bytes
    refunded = client.webhooks.unwrap(body, sign(body.encode()))
    assert type(refunded) is models.OrderRefundedEvent
    assert refunded.data.amount == 300
    union, discriminated = typing.get_args(models.WebhookEvent.__value__)  # Annotated[A | B, Field(...)]
    assert discriminated.discriminator == "type"
    members = {m.__name__ for m in typing.get_args(union)}
    assert members == {"OrderCreatedEvent", "OrderRefundedEvent"}


def test_an_unlisted_event_type_unwraps_to_a_generic_event(package: ModuleType) -> None:
    client = package.Client(api_key="k", webhook_secret=SECRET)
    payload = {"id": "evt_3", "type": "order.shipped", "data": {"carrier": "post"}}
    body = json.dumps(payload).encode()
    event = client.webhooks.unwrap(body, sign(body))
    assert type(event) is package.UnknownWebhookEvent
    assert (event.type, event.data) == ("order.shipped", payload)


def test_the_secret_comes_from_the_argument_the_keyword_or_the_environment(
    package: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = json.dumps(CREATED).encode()
    headers = sign(body)
    with pytest.raises(package.WebhookVerificationError) as caught:
        package.Client(api_key="k").webhooks.verify_signature(body, headers)
    assert str(caught.value) == (
        "No webhook secret: pass `secret=` or the client's `webhook_secret=` or set ORDERS_WEBHOOK_SECRET."
    )
    assert package.Client(api_key="k").webhooks.verify_signature(body, headers, secret=SECRET) is None
    assert package.Client(api_key="k", webhook_secret=SECRET).with_options(max_retries=0).webhooks.unwrap(body, headers)
    monkeypatch.setenv("ORDERS_WEBHOOK_SECRET", SECRET)
    assert package.AsyncClient(api_key="k").webhooks.unwrap(body, headers).id == "evt_1"


def test_a_rotated_key_verifies_when_any_signature_matches(package: ModuleType) -> None:
    client = package.Client(api_key="k", webhook_secret=SECRET)
    body = json.dumps(CREATED).encode()
    old = sign(body, key=b"the-previous-key-0000000000000000")
    new = sign(body)
    signatures = f"v1a,c29tZXRoaW5n {old['webhook-signature']} {new['webhook-signature']}"
    assert client.webhooks.unwrap(body, {**new, "webhook-signature": signatures}).id == "evt_1"
    # Header names in any case, as frameworks give them.
    assert client.webhooks.unwrap(body, {k.title(): v for k, v in new.items()}).id == "evt_1"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("tampered", "No webhook signature matches the payload (v1, HMAC-SHA256)."),
        ("other key", "No webhook signature matches the payload (v1, HMAC-SHA256)."),
        ("other id", "No webhook signature matches the payload (v1, HMAC-SHA256)."),
        ("expired", "The webhook timestamp is too old (301 s, tolerance 300 s)."),
        ("future", "The webhook timestamp is in the future (301 s, tolerance 300 s)."),
        ("no id", "The webhook has no webhook-id header."),
        ("no signature", "The webhook has no webhook-signature header."),
        ("bad timestamp", "The webhook-timestamp header is not a number of seconds."),
        ("bad secret", "The webhook secret is not base64 (after its `whsec_` prefix)."),
    ],
)
def test_every_failed_check_raises_and_says_which(package: ModuleType, change: str, message: str) -> None:
    client = package.Client(api_key="k", webhook_secret=SECRET)
    body = json.dumps(CREATED).encode()
    now = int(time.time())
    headers = sign(body, at=now)
    secret: str | None = None
    if change == "tampered":
        body = body.replace(b"1250", b"9999")
    elif change == "other key":
        headers = sign(body, key=b"someone-else-entirely-000000000000", at=now)
    elif change == "other id":
        headers["webhook-id"] = "msg_2"
    elif change in ("expired", "future"):
        headers = sign(body, at=now - 301 if change == "expired" else now + 301)
    elif change == "no id":
        del headers["webhook-id"]
    elif change == "no signature":
        del headers["webhook-signature"]
    elif change == "bad timestamp":
        headers["webhook-timestamp"] = "yesterday"
    elif change == "bad secret":
        secret = "whsec_***not base64***"
    for method in (client.webhooks.unwrap, client.webhooks.verify_signature):
        with pytest.raises(package.WebhookVerificationError) as caught:
            method(body, headers, secret=secret)
        said = str(caught.value)
        if change in ("expired", "future"):  # seconds pass on a busy machine between signing and checking
            seconds = re.search(r"\((\d+) s,", said)
            assert seconds is not None and 300 <= int(seconds.group(1)) <= 330, said
            said = said.replace(f"({seconds.group(1)} s,", "(301 s,")
        assert said == message
        assert isinstance(caught.value, package.APIError)
        assert SECRET not in repr(caught.value) and base64.b64encode(KEY).decode() not in str(caught.value)


def test_the_tolerance_is_a_keyword(package: ModuleType) -> None:
    client = package.Client(api_key="k", webhook_secret=SECRET)
    body = json.dumps(CREATED).encode()
    headers = sign(body, at=int(time.time()) - 600)
    assert client.webhooks.unwrap(body, headers, tolerance=900).id == "evt_1"
    with pytest.raises(package.WebhookVerificationError):
        client.webhooks.verify_signature(body, headers, tolerance=60)
    assert repr(client.webhooks) == "Webhooks()"


SPEC_30 = """
openapi: 3.0.3
info: {title: Shop, version: '1'}
servers: [{url: 'https://shop.example'}]
paths: {}
components:
  schemas:
    Paid:
      type: object
      required: [kind, amount]
      properties:
        kind: {type: string, enum: [paid]}
        amount: {type: integer}
x-webhooks:
  paid:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Paid'}
      responses: {'200': {description: ok}}
"""


def test_a_30_specs_x_webhooks_generate_the_same(tmp_path: Path) -> None:
    with built_package(tmp_path, SPEC_30, "shop") as shop:
        body = json.dumps({"kind": "paid", "amount": 5}).encode()
        event: Any = shop.Client(webhook_secret=SECRET).webhooks.unwrap(body, sign(body))
        assert type(event).__name__ == "Paid" and event.amount == 5
