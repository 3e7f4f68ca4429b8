"""The retry policy: takes a response (or none, after a transport error) and the attempt number, and
gives whether to retry and how long to wait first (the server's Retry-After, else jittered backoff)."""

from __future__ import annotations

import random
import time
from datetime import UTC

import httpx

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0  # a longer Retry-After is not waited for; the usual backoff applies instead
RETRYABLE_STATUS = frozenset({408, 409, 429})


def retry_after_seconds(headers: httpx.Headers | None) -> float | None:
    """`retry-after-ms`, else `Retry-After` as seconds or an HTTP date; None when absent or unparsable."""
    if headers is None:
        return None
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return float(millis) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    import email.utils  # only for HTTP-date Retry-After; costs 20 ms at import

    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:  # `-0000`: HTTP dates are always UTC
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp() - time.time()


def retry_delay(attempt: int, headers: httpx.Headers | None) -> float:
    """Seconds to wait before retry number `attempt + 1`: the server's wish when reasonable (0 to
    MAX_RETRY_AFTER seconds), else exponential backoff from INITIAL_RETRY_DELAY capped at
    MAX_RETRY_DELAY, less up to 25% jitter."""
    wanted = retry_after_seconds(headers)
    if wanted is not None and 0 <= wanted <= MAX_RETRY_AFTER:
        return wanted
    backoff = min(INITIAL_RETRY_DELAY * 2.0 ** min(attempt, 32), MAX_RETRY_DELAY)
    return backoff * (1 - 0.25 * random.random())


def should_retry_status(response: httpx.Response) -> bool:
    """The server's `x-should-retry` when it says, else: 408, 409, 429 and every 5xx are retried."""
    verdict: str | None = response.headers.get("x-should-retry")
    if verdict in ("true", "false"):
        return verdict == "true"
    return response.status_code in RETRYABLE_STATUS or response.status_code >= 500


__all__ = ["retry_after_seconds", "retry_delay", "should_retry_status"]
