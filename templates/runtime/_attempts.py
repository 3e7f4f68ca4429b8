"""The attempts of one call, without their I/O: takes the request and what each attempt ended with, and
gives the seconds to wait before the next one or the error to give up with, logging each step."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import Any

import httpx

from ._exceptions import APIConnectionError, APITimeoutError
from ._operation import Endpoint
from ._parsing import status_error
from ._retries import retry_delay, should_retry_status

# The package's logger, named by its import path (this module is `<package>._runtime._attempts`): a
# vendored package logs under the project that vendors it (`mylib._vendor.pkg`). `x-client.logger`
# names another (the client's `_logger_name`).
log = logging.getLogger(__name__.rsplit(".", 2)[0])
_REDACTED_HEADERS = frozenset({"authorization", "cookie", "x-api-key", "api-key", "proxy-authorization"})


class Attempts:
    """The retry loop of one call: the sync and async clients only send and sleep.

    `failed` and `answered` return the seconds to wait before the next attempt, or raise the error
    to give up with; `answered` returns None for a response to keep.
    """

    def __init__(
        self,
        request: httpx.Request,
        endpoint: Endpoint[Any],
        retries: int,
        scrub: Callable[[str], str],
        logger: logging.Logger = log,
        lenient: logging.Logger | None = None,
    ) -> None:
        """`retries`: how many attempts may follow the first; `scrub` takes secrets out of messages;
        `logger` gets a debug line per request, response and retry; `lenient`, when given, reads an
        error body that does not match its schema leniently (see `status_error`)."""
        self.request = request
        self._logger = logger
        self._endpoint = endpoint
        self._retries = retries
        self._scrub = scrub
        self._lenient = lenient
        self._number = 0  # of the current attempt, from 0
        self._started = 0.0

    def start(self) -> httpx.Request:
        self._started = time.monotonic()
        if self._logger.isEnabledFor(logging.DEBUG):
            self._logger.debug(
                "request %s %s attempt=%d headers=%s",
                self.request.method,
                self._url(),
                self._number + 1,
                self._scrub(str(redact_headers(self.request.headers))),  # an API key in a header of its own too
            )
        return self.request

    def failed(self, exc: httpx.HTTPError) -> float:
        reason = self._scrub(f"{type(exc).__name__}: {exc}".rstrip(": "))
        self._log("failed", reason)
        if self._number >= self._retries:
            raise transport_error(exc, self.request, self._scrub) from exc
        return self._retry(retry_delay(self._number, None), reason)

    def answered(self, response: httpx.Response) -> float | None:
        self._log("response", f"status={response.status_code}")
        if response.is_success:
            return None
        if self._number < self._retries and should_retry_status(response):
            return self._retry(retry_delay(self._number, response.headers), f"status {response.status_code}")
        raise status_error(self._endpoint, response, self._scrub, self._lenient)

    def _retry(self, delay: float, reason: str) -> float:
        self._log("retry", f"in {delay:.2f}s ({reason})")
        self._number += 1
        return delay

    def _url(self) -> str:
        return self._scrub(str(self.request.url))

    def _log(self, event: str, detail: str) -> None:
        if not self._logger.isEnabledFor(logging.DEBUG):
            return  # the URL is scrubbed and formatted only for a log that is written
        self._logger.debug(
            "%s %s %s attempt=%d elapsed=%.3fs %s",
            event,
            self.request.method,
            self._url(),
            self._number + 1,
            time.monotonic() - self._started,
            detail,
        )


def transport_error(exc: httpx.HTTPError, request: httpx.Request, scrub: Callable[[str], str]) -> APIConnectionError:
    """The error for a request that got no complete response, with the bytes of the body that did
    arrive (kept on `exc` by the exchange)."""
    received = getattr(exc, "received", b"")
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(request=request, received=received)
    message = scrub(f"Connection error: {exc}") if str(exc) else "Connection error."
    return APIConnectionError(message, request=request, received=received)


def redact_headers(headers: httpx.Headers) -> dict[str, str]:
    return {k: ("<redacted>" if k.lower() in _REDACTED_HEADERS else v) for k, v in headers.items()}


def enable_env_logging(variable: str, logger: logging.Logger) -> None:
    """`<PACKAGE>_LOG=debug` (or info) turns on the client's log output without touching `logging`."""
    level = os.environ.get(variable, "").upper()
    if level not in ("DEBUG", "INFO") or logger.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)


__all__ = ["Attempts", "enable_env_logging", "log", "redact_headers", "transport_error"]
