"""Waiting for an operation to reach a final state (the spec's `x-poll`): a `PollSpec` says which field of
the response is compared, with which values, and how often; a `Poll` takes each poll's parsed value and
HTTP response, and gives how long to wait before the next, or ends the wait: it returns on a success
value, raises `PollingFailedError` on a failure value and `PollingTimeoutError` at the deadline. The
client sends each poll (`_base_client.request_poll`), so retries and errors are its usual ones."""

from __future__ import annotations

import inspect
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple, TypeVar

import httpx

from ._exceptions import PollingFailedError, PollingTimeoutError
from ._retries import retry_after_seconds
from ._types import NotGiven

T = TypeVar("T")
# A caller's `poll_interval=` or `poll_timeout=` (`not_given`: the spec's; a timeout of None: none).
PollOption = float | None | NotGiven
# What a wait method gives each answer: a function, or on the async client a coroutine function too.
OnPoll = Callable[[T], object] | None
# Read at each poll, so a test may put a clock of its own here.
monotonic = time.monotonic
MISSING: Any = object()  # the field is not in the body: a value no wait lists


class PollSpec(NamedTuple):
    """One wait method: the path of the compared field by wire names, its final values, and its pace."""

    method: str  # `beta.batch.wait`, as messages name it
    field: tuple[str, ...]
    success: tuple[Any, ...]
    failure: tuple[Any, ...] = ()
    interval: float = 2.0  # seconds before the second poll
    backoff: float = 1.0  # each interval is the one before times this ...
    max_interval: float | None = None  # ... up to this (a Retry-After too); None: no bound
    timeout: float | None = None  # seconds from the first poll to PollingTimeoutError; None: none


class Poll:
    """One wait in progress. `interval` and `timeout` are the caller's (`not_given`: the spec's);
    a `timeout` of None waits as long as it takes."""

    def __init__(self, spec: PollSpec, interval: PollOption, timeout: PollOption) -> None:
        self.spec = spec
        self.polls = 0
        self.next_interval = spec.interval if isinstance(interval, NotGiven) or interval is None else interval
        limit = spec.timeout if isinstance(timeout, NotGiven) else timeout
        if self.next_interval < 0 or (limit is not None and limit < 0):
            raise ValueError("poll_interval and poll_timeout must be 0 or more")
        # The caller's interval is never cut down by the spec's bound, only the backoff's growth.
        self.cap = None if spec.max_interval is None else max(spec.max_interval, self.next_interval)
        self.deadline = None if limit is None else monotonic() + limit
        self.limit = limit

    def answered(self, value: Any, response: httpx.Response) -> float | None:
        """After a poll answering `value` (parsed) with `response`: None when it is final (a success
        value), else the seconds to wait before polling again. Raises at a failure value, and at the
        deadline (a last poll is made at the deadline itself)."""
        self.polls += 1
        found = field_value(response.content, self.spec.field)
        if listed(found, self.spec.success):
            return None
        shown = self._shown(found)
        if listed(found, self.spec.failure):
            message = f"{self.spec.method}: {shown} after {self._count()}"
            raise PollingFailedError(message, response=value, polls=self.polls, request=response.request)
        now = monotonic()
        if self.deadline is not None and now >= self.deadline:
            message = f"{self.spec.method}: gave up after {self.limit:g} s and {self._count()}; {shown}"
            raise PollingTimeoutError(message, response=value, polls=self.polls, request=response.request)
        delay = self._delay(response.headers)
        return delay if self.deadline is None else max(0.0, min(delay, self.deadline - now))

    def _delay(self, headers: httpx.Headers) -> float:
        """The server's Retry-After (within the bound), else the interval, which then grows by the backoff."""
        scheduled = self.next_interval
        grown = scheduled * self.spec.backoff
        self.next_interval = grown if self.cap is None else min(grown, self.cap)
        wanted = retry_after_seconds(headers)
        if wanted is None:
            return scheduled
        wanted = max(0.0, wanted)
        return wanted if self.cap is None else min(wanted, self.cap)

    def _shown(self, found: Any) -> str:
        where = ".".join(self.spec.field)
        return f"{where} is missing" if found is MISSING else f"{where} is {json.dumps(found)}"

    def _count(self) -> str:
        return f"{self.polls} poll{'s' if self.polls != 1 else ''}"


def wait(
    polled: Callable[[], tuple[T, httpx.Response]], poll: Poll, on_poll: OnPoll[T], sleep: Callable[[float], None]
) -> T:
    """Polls (`polled` makes one poll: its parsed value and response) until `poll` says the answer is final."""
    while True:
        value, response = polled()
        if on_poll is not None:
            on_poll(value)
        delay = poll.answered(value, response)
        if delay is None:
            return value
        sleep(delay)


async def async_wait(
    polled: Callable[[], Awaitable[tuple[T, httpx.Response]]],
    poll: Poll,
    on_poll: OnPoll[T],
    sleep: Callable[[float], Awaitable[None]],
) -> T:
    """As `wait`, awaiting each poll, each sleep, and `on_poll` when it gives an awaitable."""
    while True:
        value, response = await polled()
        if on_poll is not None and inspect.isawaitable(seen := on_poll(value)):
            await seen
        delay = poll.answered(value, response)
        if delay is None:
            return value
        await sleep(delay)


def field_value(body: bytes, path: tuple[str, ...]) -> Any:
    """The JSON value at `path` (wire names) of a JSON body; `MISSING` when there is none."""
    try:
        value = json.loads(body)
    except ValueError:
        return MISSING
    for step in path:
        if not isinstance(value, dict) or step not in value:
            return MISSING
        value = value[step]
    return value


def listed(value: Any, values: tuple[Any, ...]) -> bool:
    """`value in values`, where `True` is not `1`: JSON tells booleans from numbers."""
    return any(isinstance(v, bool) == isinstance(value, bool) and v == value for v in values)


__all__ = [
    "MISSING",
    "OnPoll",
    "Poll",
    "PollOption",
    "PollSpec",
    "async_wait",
    "field_value",
    "listed",
    "monotonic",
    "wait",
]
