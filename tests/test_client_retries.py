"""Retries: which failures are retried, how long the client waits (Retry-After in each form, backoff
with jitter), when it gives up, and which operations may be retried at all."""

from __future__ import annotations

import email.utils
import os
import random
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import llamacloud  # type: ignore[import-not-found, unused-ignore]
import pytest
from conftest import STATUS_BODY, AnyClient, Flavour, resolve, run
from llamacloud._runtime._base_client import (  # type: ignore[import-not-found, unused-ignore]
    Call,
    Endpoint,
    parse_json,
    retry_after_seconds,
    retry_delay,
)
from support.server import Reply, TestServer


def http_date(seconds_from_now: int) -> tuple[str, float]:
    """An HTTP date that many whole seconds ahead, and the exact instant it names."""
    instant = float(int(time.time()) + seconds_from_now)
    return email.utils.format_datetime(datetime.fromtimestamp(instant, UTC), usegmt=True), instant


def first_backoff(delay: float) -> bool:
    return 0.375 <= delay <= 0.5


# -- retry_after_seconds / retry_delay, directly --------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "3"}, 3.0),
        ({"Retry-After": "0"}, 0.0),
        ({"Retry-After": "1.5"}, 1.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "1500", "Retry-After": "9"}, 1.5),  # the finer one wins
        ({"retry-after-ms": "soon", "Retry-After": "9"}, 9.0),  # an unreadable one is skipped
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": ""}, None),
        ({}, None),
    ],
)
def test_retry_after_seconds(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after_seconds(httpx.Headers(headers)) == expected


def test_retry_after_seconds_reads_http_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "time", lambda: 1_700_000_000.25)  # Tue, 14 Nov 2023 22:13:20.25 GMT
    saved_tz = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"  # so a date read as local time would be hours off
    time.tzset()
    try:
        assert retry_after_seconds(httpx.Headers({"Retry-After": "Tue, 14 Nov 2023 22:13:30 GMT"})) == 9.75
        # `-0000` gives a naive datetime in Python; an HTTP date is UTC all the same.
        assert retry_after_seconds(httpx.Headers({"Retry-After": "Tue, 14 Nov 2023 22:13:30 -0000"})) == 9.75
        assert retry_after_seconds(httpx.Headers({"Retry-After": "Tue, 14 Nov 2023 22:13:00 GMT"})) == -20.25
        assert retry_after_seconds(None) is None
    finally:
        if saved_tz is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved_tz
        time.tzset()


@pytest.mark.parametrize(
    ("attempt", "backoff"), [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 8.0), (90, 8.0)]
)
def test_retry_delay_backs_off_exponentially_with_bounded_jitter(
    monkeypatch: pytest.MonkeyPatch, attempt: int, backoff: float
) -> None:
    monkeypatch.setattr(random, "random", lambda: 0.0)
    assert retry_delay(attempt, None) == backoff
    monkeypatch.setattr(random, "random", lambda: 1.0)
    assert retry_delay(attempt, None) == backoff * 0.75
    monkeypatch.undo()
    samples = {retry_delay(attempt, httpx.Headers()) for _ in range(200)}
    assert all(backoff * 0.75 <= sample <= backoff for sample in samples)
    assert len(samples) > 100  # jittered, not constant


def test_retry_delay_honours_the_server_up_to_a_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(random, "random", lambda: 0.0)
    assert retry_delay(0, httpx.Headers({"Retry-After": "7"})) == 7.0
    assert retry_delay(3, httpx.Headers({"retry-after-ms": "20"})) == 0.02
    assert retry_delay(0, httpx.Headers({"Retry-After": "60"})) == 60.0
    # Too long a wait, a date in the past or garbage: the usual backoff instead.
    assert retry_delay(0, httpx.Headers({"Retry-After": "61"})) == 0.5
    assert retry_delay(1, httpx.Headers({"Retry-After": "-1"})) == 1.0
    assert retry_delay(2, httpx.Headers({"Retry-After": "Mon, 01 Jan 2001 00:00:00 GMT"})) == 2.0
    assert retry_delay(2, httpx.Headers({"Retry-After": "later"})) == 2.0
    assert retry_delay(2, httpx.Headers({"retry-after-ms": "nan"})) == 2.0


# -- on the wire -------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried(flavour: Flavour, server: TestServer, delays: list[float], status: int) -> None:
    server.enqueue(Reply(status, body={"detail": "busy"}), Reply(200, body=STATUS_BODY))

    async def scenario(client: AnyClient) -> None:
        status_ = await resolve(client.beta.batch.get_status("bjb-1", project_id="proj-1"))
        assert status_.job.id == "bjb-1"

    run(flavour, scenario, base_url=server.url)
    first, second = server.requests
    assert first.target == second.target == "/api/v1/beta/batch-processing/bjb-1?project_id=proj-1"
    assert len(delays) == 1
    assert first_backoff(delays[0])


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "2"}, 2.0),
        ({"Retry-After": "0"}, 0.0),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "1500", "Retry-After": "9"}, 1.5),
        ({"Retry-After": "120"}, None),  # over the cap: backoff
        ({"Retry-After": "soon"}, None),  # unreadable: backoff
    ],
)
def test_retry_after_is_honoured(
    flavour: Flavour, server: TestServer, delays: list[float], headers: dict[str, str], expected: float | None
) -> None:
    server.enqueue(Reply(429, headers=headers, body={}), Reply(200, body=STATUS_BODY))

    async def scenario(client: AnyClient) -> None:
        await resolve(client.beta.batch.get_status("bjb-1"))

    run(flavour, scenario, base_url=server.url)
    assert len(server.requests) == 2
    assert len(delays) == 1
    if expected is None:
        assert first_backoff(delays[0])
    else:
        assert delays[0] == expected


def test_retry_after_as_an_http_date_is_honoured(flavour: Flavour, server: TestServer, delays: list[float]) -> None:
    date, instant = http_date(5)
    server.enqueue(Reply(503, headers={"Retry-After": date}, body={}), Reply(200, body=STATUS_BODY))
    sent_at: list[float] = []

    async def scenario(client: AnyClient) -> None:
        sent_at.append(time.time())
        await resolve(client.beta.batch.get_status("bjb-1"))

    run(flavour, scenario, base_url=server.url)
    assert len(server.requests) == 2
    assert len(delays) == 1
    assert instant - time.time() <= delays[0] <= instant - sent_at[0]
    assert 3.0 < delays[0] <= 5.0


def test_gives_up_after_max_retries(flavour: Flavour, server: TestServer, delays: list[float]) -> None:
    server.enqueue(*[Reply(429, headers={"x-request-id": f"r{n}"}, body={"n": n}) for n in range(4)])

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.RateLimitError) as caught:
            await resolve(client.beta.batch.get_status("bjb-1"))
        assert caught.value.body == {"n": 2}  # the last answer
        assert caught.value.request_id == "r2"

    run(flavour, scenario, base_url=server.url)  # the default: 2 retries
    assert len(server.requests) == 3
    assert server.pending_replies == 1
    assert len(delays) == 2
    assert first_backoff(delays[0])
    assert 0.75 <= delays[1] <= 1.0


def test_max_retries_is_per_client(flavour: Flavour, server: TestServer, delays: list[float]) -> None:
    server.enqueue(*[Reply(500, body={}) for _ in range(6)])

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.InternalServerError):
            await resolve(client.beta.batch.get_status("bjb-1"))
        assert len(server.requests) == 1
        with pytest.raises(llamacloud.InternalServerError):
            await resolve(client.with_options(max_retries=4).beta.batch.get_status("bjb-1"))
        assert len(server.requests) == 6

    run(flavour, scenario, base_url=server.url, max_retries=0)
    assert len(delays) == 4


def test_connection_failures_are_retried_then_given_up(
    flavour: Flavour, server: TestServer, delays: list[float]
) -> None:
    server.enqueue(
        Reply(drop_connection=True),
        Reply(200, body=STATUS_BODY, close_mid_body=True),
        Reply(200, body=STATUS_BODY),
        *[Reply(drop_connection=True) for _ in range(3)],
    )

    async def scenario(client: AnyClient) -> None:
        status = await resolve(client.beta.batch.get_status("bjb-1"))
        assert status.job.id == "bjb-1"
        with pytest.raises(llamacloud.APIConnectionError) as caught:
            await resolve(client.beta.batch.get_status("bjb-2"))
        assert type(caught.value) is llamacloud.APIConnectionError

    run(flavour, scenario, base_url=server.url)
    assert [request.path.rsplit("/", 1)[1] for request in server.requests] == ["bjb-1"] * 3 + ["bjb-2"] * 3
    assert len(delays) == 4


def test_timeouts_are_retried_then_given_up(flavour: Flavour, server: TestServer, delays: list[float]) -> None:
    server.enqueue(
        Reply(200, body=STATUS_BODY, delay=0.5),
        Reply(200, body=STATUS_BODY),
        Reply(200, body=STATUS_BODY, delay=0.5),
        Reply(200, body=STATUS_BODY, delay=0.5),
    )

    async def scenario(client: AnyClient) -> None:
        status = await resolve(client.beta.batch.get_status("bjb-1"))
        assert status.job.id == "bjb-1"
        with pytest.raises(llamacloud.APITimeoutError):
            await resolve(client.beta.batch.get_status("bjb-1"))

    run(flavour, scenario, base_url=server.url, timeout=0.1, max_retries=1)
    assert len(server.requests) == 4
    assert len(delays) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_not_retried(flavour: Flavour, server: TestServer, delays: list[float], status: int) -> None:
    server.enqueue(Reply(status, body={}), Reply(200, body=STATUS_BODY))

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.APIStatusError) as caught:
            await resolve(client.beta.batch.get_status("bjb-1"))
        assert caught.value.status_code == status

    run(flavour, scenario, base_url=server.url)
    assert len(server.requests) == 1
    assert delays == []


def test_the_server_can_say_whether_to_retry(flavour: Flavour, server: TestServer, delays: list[float]) -> None:
    server.enqueue(
        Reply(503, headers={"x-should-retry": "false"}, body={}),
        Reply(400, headers={"x-should-retry": "true"}, body={}),
        Reply(200, body=STATUS_BODY),
    )

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.InternalServerError):
            await resolve(client.beta.batch.get_status("bjb-1"))
        await resolve(client.beta.batch.get_status("bjb-1"))

    run(flavour, scenario, base_url=server.url)
    assert len(server.requests) == 3
    assert len(delays) == 1


_CREATE: Endpoint[Any] = Endpoint("POST", "/api/v1/things", parse_json, idempotent=False)
# What the generator emits for a POST marked `x-idempotent: true` in the spec.
_CREATE_IDEMPOTENT: Endpoint[Any] = Endpoint("POST", "/api/v1/things", parse_json, idempotent=True)


@pytest.mark.parametrize(
    ("endpoint", "opt_in", "requests"),
    [(_CREATE, False, 1), (_CREATE, True, 2), (_CREATE_IDEMPOTENT, False, 2)],
)
def test_non_idempotent_operations_are_retried_only_when_allowed(
    flavour: Flavour,
    server: TestServer,
    delays: list[float],
    endpoint: Endpoint[Any],
    opt_in: bool,
    requests: int,
) -> None:
    server.enqueue(Reply(503, body={}), Reply(201, body={"id": "t-1"}))

    async def scenario(client: AnyClient) -> None:
        if requests == 1:
            with pytest.raises(llamacloud.InternalServerError):
                await resolve(client.request(endpoint, Call(json={"name": "x"})))
        else:
            assert await resolve(client.request(endpoint, Call(json={"name": "x"}))) == {"id": "t-1"}

    run(flavour, scenario, base_url=server.url, retry_non_idempotent=opt_in)
    assert [(r.method, r.path, r.json()) for r in server.requests] == [
        ("POST", "/api/v1/things", {"name": "x"})
    ] * requests
    assert len(delays) == requests - 1
