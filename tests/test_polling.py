"""Waiting for a job (the spec's `x-poll` on Get Batch Job Status): `client.beta.batch.wait(job_id)` on
the sync and the async client, against the loopback server. What the wait polls, how long it sleeps
between polls (recorded instead of slept, with a fake clock for the deadline), what ends it, what
`on_poll` sees, `Retry-After`, HTTP errors, cancellation, and the command line's `beta:batch wait`.

The pace (interval, backoff, bound, timeout) and the final values are read from the `PollSpec` the
package runs on, which the spec's `x-poll` decided (tests/test_golden.py holds it to the spec)."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import llamacloud  # type: ignore[import-not-found, unused-ignore]
import pytest
from conftest import API_KEY, JOB, AnyClient, Flavour, resolve, run
from llamacloud.__main__ import main  # type: ignore[import-not-found, unused-ignore]
from llamacloud._cli._output import LastBody  # type: ignore[import-not-found, unused-ignore]
from llamacloud._cli._wait import Progress  # type: ignore[import-not-found, unused-ignore]
from llamacloud._runtime import _base_client, _polling  # type: ignore[import-not-found, unused-ignore]
from llamacloud.resources.beta_batch import (  # type: ignore[import-not-found, unused-ignore]
    _GET_STATUS__POLL_WAIT as SPEC,
)
from support.server import Reply, TestServer

STATUS_PATH = "/api/v1/beta/batch-processing/bjb-1"
SUCCESS, FAILURES = SPEC.success[0], SPEC.failure


def status(value: str, percent: float = 40.0) -> dict[str, Any]:
    return {"job": {**JOB, "status": value}, "progress_percentage": percent}


class Clock:
    """The runtime's clock and sleeps, faked: each sleep is recorded and moves the clock on."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(_polling, "monotonic", lambda: fake.now)
    monkeypatch.setattr(_base_client, "sleep", fake.sleep)
    monkeypatch.setattr(_base_client, "async_sleep", fake.async_sleep)
    return fake


def paced(polls: int, interval: float = SPEC.interval) -> list[float]:
    """The sleeps between `polls` polls at the spec's pace starting at `interval`: each one the one
    before times the backoff, up to the bound."""
    found: list[float] = []
    for _ in range(polls - 1):
        found.append(interval)
        interval = interval * SPEC.backoff
        if SPEC.max_interval is not None:
            interval = min(interval, max(SPEC.max_interval, found[0]))
    return found


def wait(client: AnyClient, **options: Any) -> Any:
    return client.beta.batch.wait("bjb-1", **options)


# -- the wait, on both clients -----------------------------------------------------------------------


def test_the_spec_declares_what_the_issue_asks() -> None:
    assert (SPEC.method, SPEC.field) == ("beta.batch.wait", ("job", "status"))
    assert (SPEC.success, SPEC.failure) == (("completed",), ("failed", "cancelled"))


def test_pending_running_completed_returns_after_three_polls(
    server: TestServer, clock: Clock, flavour: Flavour
) -> None:
    server.enqueue(Reply(200, body=status("pending")), Reply(200, body=status("running")))
    server.enqueue(Reply(200, body=status(SUCCESS, 100.0)))
    seen: list[Any] = []

    async def scenario(client: AnyClient) -> None:
        done = await resolve(wait(client, on_poll=seen.append))
        assert isinstance(done, llamacloud.models.BatchGetStatusResponse)
        assert (done.job.status, done.progress_percentage) == (SUCCESS, 100.0)

    run(flavour, scenario, base_url=server.url)
    assert [r.target for r in server.requests] == [STATUS_PATH] * 3
    assert all(r.method == "GET" and r.header("authorization") == f"Bearer {API_KEY}" for r in server.requests)
    assert clock.slept == paced(3)  # the spec's interval, then times its backoff
    assert [s.job.status for s in seen] == ["pending", "running", SUCCESS]  # the final one included


def test_a_first_success_returns_at_once(server: TestServer, clock: Clock, flavour: Flavour) -> None:
    server.enqueue(Reply(200, body=status(SUCCESS)))

    async def scenario(client: AnyClient) -> None:
        assert (await resolve(wait(client))).job.status == SUCCESS

    run(flavour, scenario, base_url=server.url)
    assert (len(server.requests), clock.slept) == (1, [])


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failure_value_raises_with_the_last_response(
    server: TestServer, clock: Clock, flavour: Flavour, failure: str
) -> None:
    server.enqueue(Reply(200, body=status("running")), Reply(200, body=status(failure, 55.0)))

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.PollingFailedError) as raised:
            await resolve(wait(client))
        error = raised.value
        assert isinstance(error, llamacloud.APIError)
        assert error.polls == 2
        assert isinstance(error.response, llamacloud.models.BatchGetStatusResponse)
        assert (error.response.job.status, error.response.progress_percentage) == (failure, 55.0)
        assert str(error) == f"beta.batch.wait: job.status is {json.dumps(failure)} after 2 polls"

    run(flavour, scenario, base_url=server.url)
    assert len(server.requests) == 2


def test_the_spec_timeout_raises_on_time(server: TestServer, clock: Clock, flavour: Flavour) -> None:
    """The spec's timeout, on the fake clock: the last poll is made at the deadline itself."""
    assert SPEC.timeout is not None
    server.set_handler(lambda _: Reply(200, body=status("running")))
    started = clock.now

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.PollingTimeoutError) as raised:
            await resolve(wait(client))
        assert raised.value.polls == len(server.requests)
        assert raised.value.response.job.status == "running"
        assert f"gave up after {SPEC.timeout:g} s and {raised.value.polls} polls" in str(raised.value)

    run(flavour, scenario, base_url=server.url)
    assert clock.now - started == SPEC.timeout
    full = paced(len(server.requests) - 1)  # every sleep at the spec's pace, then the rest up to the deadline
    assert clock.slept == [*full, SPEC.timeout - sum(full)]


def test_the_callers_pace_wins(server: TestServer, clock: Clock, flavour: Flavour) -> None:
    server.set_handler(lambda _: Reply(200, body=status("running")))

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.PollingTimeoutError) as raised:
            await resolve(wait(client, poll_interval=0.5, poll_timeout=1.0))
        assert raised.value.polls == 3

    run(flavour, scenario, base_url=server.url)
    assert clock.slept == [0.5, 0.5 * SPEC.backoff - 0.25]  # the second cut at the deadline


def test_no_timeout_waits_as_long_as_it_takes(server: TestServer, clock: Clock, flavour: Flavour) -> None:
    polls = 12
    server.set_handler(lambda _: Reply(200, body=status("running" if len(server.requests) < polls else SUCCESS)))

    async def scenario(client: AnyClient) -> None:
        assert (await resolve(wait(client, poll_timeout=None))).job.status == SUCCESS

    run(flavour, scenario, base_url=server.url)
    assert clock.slept == paced(polls)
    assert SPEC.max_interval is not None and clock.slept[-1] == SPEC.max_interval  # grown up to the bound


def test_a_value_the_spec_does_not_list_keeps_polling(server: TestServer, clock: Clock, flavour: Flavour) -> None:
    """`dispatched` is listed but neither success nor failure; `paused` is not listed at all (the
    models' enums are open): both keep the wait going."""
    server.enqueue(Reply(200, body=status("dispatched")), Reply(200, body=status("paused")))
    server.enqueue(Reply(200, body=status(SUCCESS)))

    async def scenario(client: AnyClient) -> None:
        assert (await resolve(wait(client))).job.status == SUCCESS

    run(flavour, scenario, base_url=server.url)
    assert len(server.requests) == 3


def test_retry_after_sets_the_next_interval_within_the_bound(
    server: TestServer, clock: Clock, flavour: Flavour
) -> None:
    assert SPEC.max_interval is not None
    server.enqueue(Reply(200, headers={"Retry-After": "7"}, body=status("running")))
    server.enqueue(Reply(200, headers={"Retry-After": str(int(SPEC.max_interval) * 10)}, body=status("running")))
    server.enqueue(Reply(200, headers={"retry-after-ms": "250"}, body=status("running")))
    server.enqueue(Reply(200, body=status(SUCCESS)))

    async def scenario(client: AnyClient) -> None:
        await resolve(wait(client))

    run(flavour, scenario, base_url=server.url)
    assert clock.slept == [7.0, SPEC.max_interval, 0.25]


def test_retryable_http_errors_are_retried_and_others_end_the_wait(
    server: TestServer, clock: Clock, flavour: Flavour
) -> None:
    server.enqueue(Reply(200, body=status("running")), Reply(503, body={"detail": "busy"}))
    server.enqueue(Reply(200, body=status("running")), Reply(404, body={"detail": "no such job"}))

    async def scenario(client: AnyClient) -> None:
        with pytest.raises(llamacloud.NotFoundError):
            await resolve(wait(client))

    run(flavour, scenario, base_url=server.url)
    assert len(server.requests) == 4  # the 503 retried as any GET is; the 404 raised as any call raises
    assert clock.slept[0] == SPEC.interval and len(clock.slept) == 3  # a poll interval, a retry, an interval


def test_a_negative_pace_is_refused_before_sending(server: TestServer, flavour: Flavour) -> None:
    async def scenario(client: AnyClient) -> None:
        with pytest.raises(ValueError, match="poll_interval and poll_timeout must be 0 or more"):
            await resolve(wait(client, poll_interval=-1))

    run(flavour, scenario, base_url=server.url)
    assert server.requests == []


def test_the_async_on_poll_may_be_a_coroutine(server: TestServer, clock: Clock) -> None:
    server.enqueue(Reply(200, body=status("running")), Reply(200, body=status(SUCCESS)))
    seen: list[str] = []

    async def on_poll(response: Any) -> None:
        await asyncio.sleep(0)
        seen.append(response.job.status)

    async def scenario(client: AnyClient) -> None:
        await resolve(wait(client, on_poll=on_poll))

    run("async", scenario, base_url=server.url)
    assert seen == ["running", SUCCESS]


def test_the_async_wait_is_cancellable_and_leaves_no_task(server: TestServer) -> None:
    """Real asyncio sleeps of 50 ms between polls: a wait cancelled in its sleep raises CancelledError,
    and afterwards only the test's own task runs and no poll is sent any more (a wait left running
    would poll again within 50 ms); `asyncio.timeout` around a wait stops it the same way."""
    server.set_handler(lambda _: Reply(200, body=status("running")))

    async def main() -> None:
        async with llamacloud.AsyncClient(api_key=API_KEY, base_url=server.url) as client:
            polled = asyncio.Event()

            def on_poll(_: Any) -> None:
                if len(server.requests) == 2:
                    polled.set()  # the wait goes on to sleep before this task runs again

            task = asyncio.create_task(client.beta.batch.wait("bjb-1", poll_interval=0.05, on_poll=on_poll))
            await polled.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert asyncio.all_tasks() == {asyncio.current_task()}
            await asyncio.sleep(0.3)
            assert len(server.requests) == 2

            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.3):
                    await client.beta.batch.wait("bjb-1", poll_interval=0.05)
            assert asyncio.all_tasks() == {asyncio.current_task()}
            await asyncio.sleep(0.2)  # a poll in flight when the time ran out may still arrive
            stopped = len(server.requests)
            await asyncio.sleep(0.3)
            assert len(server.requests) == stopped > 3

    asyncio.run(main())


# -- the command line ------------------------------------------------------------------------------

WAIT = ("beta:batch", "wait", "--job-id", "bjb-1")


def cli(
    server: TestServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[int, str, str]:
    monkeypatch.setenv("LLAMA_CLOUD_API_KEY", API_KEY)
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", server.url)
    code = main([*WAIT, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def serve(server: TestServer, *values: str) -> list[dict[str, Any]]:
    """A server answering the statuses in turn, the last one ever after; the bodies it sends."""
    bodies = [status(v, 10.0 * i) for i, v in enumerate(values)]
    server.set_handler(lambda _: Reply(200, body=bodies[min(len(server.requests), len(bodies)) - 1]))
    return bodies


def test_cli_wait_prints_each_status_to_stderr_and_the_final_json_to_stdout(
    server: TestServer, clock: Clock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bodies = serve(server, "pending", "running", SUCCESS)
    code, out, err = cli(server, monkeypatch, capsys, "--poll-interval", "5")
    assert code == 0
    assert json.loads(out) == bodies[-1]
    assert err == 'job.status: "pending"\njob.status: "running"\n'
    assert clock.slept == [5.0, 5.0 * SPEC.backoff]  # --poll-interval, grown by the spec's backoff
    assert len(server.requests) == 3


@pytest.mark.parametrize("failure", FAILURES)
def test_cli_wait_exits_1_on_a_failure_value(
    server: TestServer,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    failure: str,
) -> None:
    bodies = serve(server, "running", failure)
    code, out, err = cli(server, monkeypatch, capsys)
    assert code == 1
    assert json.loads(out) == bodies[-1]  # the last response, for a script to read
    assert err.splitlines() == [
        'job.status: "running"',
        f"llamacloud: error: beta.batch.wait: job.status is {json.dumps(failure)} after 2 polls",
    ]


def test_cli_wait_exits_3_when_poll_timeout_runs_out(
    server: TestServer, clock: Clock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bodies = serve(server, "pending", "running")
    code, out, err = cli(server, monkeypatch, capsys, "--poll-interval", "2", "--poll-timeout", "3")
    assert code == 3
    assert json.loads(out) == bodies[-1]
    assert clock.slept == [2.0, 1.0]  # the second sleep cut at the deadline, where the last poll is made
    assert (
        err.splitlines()[-1]
        == 'llamacloud: error: beta.batch.wait: gave up after 3 s and 3 polls; job.status is "running"'
    )


@pytest.mark.parametrize("flag", ["--poll-interval", "--poll-timeout"])
@pytest.mark.parametrize("value", ["-1", "soon"])
def test_cli_wait_refuses_a_bad_pace_as_a_usage_error(
    server: TestServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], flag: str, value: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli(server, monkeypatch, capsys, flag, value)
    assert exited.value.code == 2
    assert flag in capsys.readouterr().err
    assert server.requests == []


def test_cli_wait_on_an_http_error_exits_as_any_command(
    server: TestServer, clock: Clock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server.enqueue(Reply(200, body=status("running")), Reply(404, body={"detail": "no such job"}))
    code, out, err = cli(server, monkeypatch, capsys)
    assert (code, out) == (3, "")
    assert err.splitlines()[0] == 'job.status: "running"' and "404" in err.splitlines()[1]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_status_is_one_progress_line_cleared_at_the_end() -> None:
    last, shown = LastBody(), Terminal()
    progress = Progress(SPEC.field, SPEC.success + SPEC.failure, last, shown)
    for value in ("pending", "running", SUCCESS):
        last.body = json.dumps(status(value)).encode()
        progress(None)
    progress.close()
    lines = shown.getvalue().split("\r\x1b[K")
    assert lines[0] == "" and lines[-1] == ""  # each rewrites the line, and the end clears it
    assert [line.split(" (poll")[0] for line in lines[1:-1]] == ['job.status: "pending"', 'job.status: "running"']
    assert "\n" not in shown.getvalue()
