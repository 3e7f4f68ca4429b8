"""Waits of every shape (tests/fixtures/polling): two waits on one operation (a nested enum field with
failure values and a backoff; a boolean at the root), a field path whose last name holds a dot, and a
wait taking the operation's query and header parameters, sent again on every poll. Each against the
loopback server, on the sync and the async client and on the command line, its pace read from the
`PollSpec` the fixture's `x-poll` gave."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)
from support.server import Reply, TestServer

_ROOT = str(goldens.fixture_expected("polling").parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import polling  # type: ignore[import-not-found, unused-ignore]  # noqa: E402
from polling.__main__ import main  # type: ignore[import-not-found, unused-ignore]  # noqa: E402
from polling._runtime import _base_client  # type: ignore[import-not-found, unused-ignore]  # noqa: E402
from polling.resources import deployments, exports, reports  # type: ignore[import-not-found, unused-ignore]  # noqa: E402

API_KEY = "poll-key-5b1e"
EXPORT, READY = exports._GET__POLL_WAIT, exports._GET__POLL_WAIT_UNTIL_DOWNLOADABLE
LIVE, ROWS = deployments._GET__POLL_WAIT_UNTIL_LIVE, reports._GET__POLL_WAIT_FOR_ROWS


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits between polls, recorded instead of slept."""
    waited: list[float] = []

    async def async_sleep(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(_base_client, "sleep", waited.append)
    monkeypatch.setattr(_base_client, "async_sleep", async_sleep)
    return waited


def answer(server: TestServer, *bodies: Any) -> None:
    """The bodies in turn, the last one ever after."""
    server.set_handler(lambda _: Reply(200, body=bodies[min(len(server.requests), len(bodies)) - 1]))


def call(flavour: str, server: TestServer, method: str, *args: Any, **kwargs: Any) -> Any:
    """`client.<method>(*args, **kwargs)` on the sync or the async client; what it returned or raised."""

    async def run() -> Any:
        if flavour == "sync":
            with polling.Polling(api_key=API_KEY, base_url=server.url) as client:
                target: Any = client
                for name in method.split("."):
                    target = getattr(target, name)
                return target(*args, **kwargs)
        async with polling.AsyncPolling(api_key=API_KEY, base_url=server.url) as aclient:
            target = aclient
            for name in method.split("."):
                target = getattr(target, name)
            return await target(*args, **kwargs)

    return asyncio.run(run())


def export(phase: str, downloadable: bool = False) -> dict[str, Any]:
    return {"id": "e1", "state": {"phase": phase, "detail": None}, "downloadable": downloadable}


def test_the_fixture_declares_each_wait_as_written() -> None:
    assert (EXPORT.field, EXPORT.success, EXPORT.failure) == (("state", "phase"), ("done",), ("error", "expired"))
    assert (READY.field, READY.success, READY.failure) == (("downloadable",), (True,), ())
    assert LIVE.field == ("meta", "build.state")  # a list path: the dot is part of the name
    assert (ROWS.success, ROWS.failure) == ((100,), (-1,))


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_nested_field_with_backoff(server: TestServer, slept: list[float], flavour: str) -> None:
    answer(server, export("queued"), export("running"), export("running"), export("running"), export("done"))
    done = call(flavour, server, "exports.wait", "e1", poll_timeout=None)
    assert done.state.phase == "done"
    assert [r.target for r in server.requests] == ["/exports/e1"] * 5
    assert all(r.header("x-api-key") == API_KEY for r in server.requests)
    grown = [EXPORT.interval * EXPORT.backoff**i for i in range(4)]
    assert slept == [min(s, EXPORT.max_interval) for s in grown]


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_two_waits_on_one_operation_compare_their_own_fields(
    server: TestServer, slept: list[float], flavour: str
) -> None:
    """The same answers end one wait and not the other: `downloadable` comes true while the phase is
    still running, and a phase of `error` is no failure to the wait on `downloadable`."""
    answer(server, export("running"), export("running", downloadable=True), export("done", downloadable=True))
    assert call(flavour, server, "exports.wait_until_downloadable", "e1").downloadable is True
    assert (len(server.requests), slept) == (2, [READY.interval])
    server.reset()
    answer(server, export("error"), export("error", downloadable=True))
    assert call(flavour, server, "exports.wait_until_downloadable", "e1").state.phase == "error"
    server.reset()
    answer(server, export("running", downloadable=True), export("expired", downloadable=True))
    error = call_raising(flavour, server, "exports.wait", "e1")
    assert isinstance(error, polling.PollingFailedError)
    assert (error.polls, error.response.state.phase) == (2, "expired")


def call_raising(flavour: str, server: TestServer, method: str, *args: Any, **kwargs: Any) -> Exception:
    with pytest.raises(polling.APIError) as raised:
        call(flavour, server, method, *args, **kwargs)
    return raised.value


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_field_name_holding_a_dot(server: TestServer, slept: list[float], flavour: str) -> None:
    deployment = {"id": "d1", "meta": {"build.state": "building", "build": {"state": "live"}}}
    crashed = {"id": "d1", "meta": {"build.state": "crashed"}}
    answer(server, deployment, crashed)  # `meta.build.state` as a path would say live: it is not read
    error = call_raising(flavour, server, "deployments.wait_until_live", "d1")
    assert isinstance(error, polling.PollingFailedError)
    assert str(error) == 'deployments.wait_until_live: meta.build.state is "crashed" after 2 polls'
    assert slept == [LIVE.interval]


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_each_poll_sends_the_operations_parameters(server: TestServer, slept: list[float], flavour: str) -> None:
    answer(server, {"name": "r", "row_count": 40}, {"name": "r", "row_count": 100})
    with pytest.warns(DeprecationWarning, match=r"^reports\.get is deprecated by the API$") as warned:
        report = call(flavour, server, "reports.wait_for_rows", name="q3 sales", x_tenant="acme")
    assert len(warned) == 1  # once per wait, not once per poll
    assert report.row_count == 100
    assert [r.target for r in server.requests] == ["/reports?name=q3+sales"] * 2
    assert [r.header("x-tenant") for r in server.requests] == ["acme", "acme"]
    server.reset()
    answer(server, {"name": "r", "row_count": -1})
    with pytest.warns(DeprecationWarning):
        error = call_raising(flavour, server, "reports.wait_for_rows", name="r")
    assert isinstance(error, polling.PollingFailedError) and error.polls == 1


def cli(server: TestServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    monkeypatch.setenv("POLLING_API_KEY", API_KEY)
    monkeypatch.setenv("POLLING_BASE_URL", server.url)
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_each_wait_is_a_command(
    server: TestServer, slept: list[float], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(server, export("queued"), export("running", downloadable=True), export("done", downloadable=True))
    code, out, err = cli(server, monkeypatch, capsys, "exports", "wait", "--export-id", "e1")
    assert (code, json.loads(out)) == (0, export("done", downloadable=True))
    assert err == 'state.phase: "queued"\nstate.phase: "running"\n'
    server.reset()
    answer(server, export("queued"), export("running", downloadable=True))
    code, out, err = cli(server, monkeypatch, capsys, "exports", "wait-until-downloadable", "--export-id", "e1")
    assert (code, json.loads(out), err) == (0, export("running", downloadable=True), "downloadable: false\n")


def test_cli_a_dotted_name_a_failure_and_the_parameters(
    server: TestServer, slept: list[float], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answer(server, {"id": "d1", "meta": {"build.state": "building"}}, {"id": "d1", "meta": {"build.state": "crashed"}})
    code, out, err = cli(server, monkeypatch, capsys, "deployments", "wait-until-live", "--deployment-id", "d1")
    assert (code, json.loads(out)["meta"]) == (1, {"build.state": "crashed"})
    assert err.splitlines()[0] == 'meta.build.state: "building"'
    server.reset()
    answer(server, {"name": "r", "row_count": 7})
    argv = ("reports", "wait-for-rows", "--name", "r", "--x-tenant", "acme", "--poll-timeout", "0")
    with pytest.warns(DeprecationWarning):  # the operation is deprecated
        code, out, err = cli(server, monkeypatch, capsys, *argv)
    assert (code, json.loads(out)) == (3, {"name": "r", "row_count": 7})
    assert err.splitlines() == [
        "row_count: 7",
        "polling: error: reports.wait_for_rows: gave up after 0 s and 1 poll; row_count is 7",
    ]
    assert server.requests[0].header("x-tenant") == "acme"
