"""The error hierarchy: every error the client raises derives from `APIError`, and `status_error_class`
gives the class of an HTTP error status (`NotFoundError` for 404, ...)."""

from __future__ import annotations

from typing import Any

import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "MissingCredentialsError",
    "NotFoundError",
    "PermissionDeniedError",
    "PollingFailedError",
    "PollingTimeoutError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "StreamDataError",
    "StreamEventError",
    "TokenError",
    "UnprocessableEntityError",
    "WebhookVerificationError",
]


class APIError(Exception):
    message: str
    request: httpx.Request | None

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request


class APIConnectionError(APIError):
    """The request never got a complete response: DNS, refused or dropped connection, protocol error.

    `received` holds the bytes of the body that did arrive when the connection broke mid-body (as
    sent on the wire, so still compressed if the server compressed it)."""

    received: bytes

    def __init__(
        self, message: str = "Connection error.", *, request: httpx.Request | None = None, received: bytes = b""
    ) -> None:
        super().__init__(message, request=request)
        self.received = received


class APITimeoutError(APIConnectionError):
    def __init__(
        self, message: str = "Request timed out.", *, request: httpx.Request | None = None, received: bytes = b""
    ) -> None:
        super().__init__(message, request=request, received=received)


class APIStatusError(APIError):
    """The server answered with a 4xx or 5xx status."""

    status_code: int
    response: httpx.Response
    body: Any  # the parsed error model, else the decoded JSON, else the text of the body
    request_id: str | None

    def __init__(self, message: str, *, response: httpx.Response, body: Any) -> None:
        super().__init__(message, request=response.request)
        self.response = response
        self.status_code = response.status_code
        self.body = body
        self.request_id = _request_id(response)


class BadRequestError(APIStatusError):
    """400"""


class AuthenticationError(APIStatusError):
    """401"""


class PermissionDeniedError(APIStatusError):
    """403"""


class NotFoundError(APIStatusError):
    """404"""


class ConflictError(APIStatusError):
    """409"""


class UnprocessableEntityError(APIStatusError):
    """422: the body is the API's validation-error model when it parses as one."""


class RateLimitError(APIStatusError):
    """429"""


class InternalServerError(APIStatusError):
    """5xx"""


class ResponseTooLargeError(APIError):
    """The response body grew past the client's `max_response_bytes`; the transfer was stopped."""

    limit: int

    def __init__(self, message: str, *, request: httpx.Request | None = None, limit: int) -> None:
        super().__init__(message, request=request)
        self.limit = limit


class ResponseValidationError(APIError):
    """A 2xx body did not match the schema. Nothing is lost: the raw body and response are kept."""

    status_code: int
    response: httpx.Response
    body: bytes
    request_id: str | None

    def __init__(self, message: str, *, response: httpx.Response, body: bytes) -> None:
        super().__init__(message, request=response.request)
        self.response = response
        self.status_code = response.status_code
        self.body = body
        self.request_id = _request_id(response)


class StreamDataError(ResponseValidationError):
    """An event of a stream whose data is not what the stream declares: not JSON where JSON is
    declared, or JSON its schema refuses. `event` is the event as it came (name, data, id); the
    events before it were delivered."""

    event: Any

    def __init__(self, message: str, *, response: httpx.Response, event: Any) -> None:
        super().__init__(message, response=response, body=event.raw)
        self.event = event


class StreamEventError(APIError):
    """A stream sent the event the API declares as its error event (`x-stream: {error-event: ...}`).

    `event` is the event as it came (name, data, id), `body` its data as JSON, else as text; the
    events before it were delivered."""

    response: httpx.Response
    event: Any
    body: Any

    def __init__(self, message: str, *, response: httpx.Response, event: Any, body: Any) -> None:
        super().__init__(message, request=response.request)
        self.response = response
        self.event = event
        self.body = body


class MissingCredentialsError(APIError):
    """A call's security requirement (its own `security`, else the API's) is met by no credential the
    client has: raised before anything is sent. The message names the keywords and environment
    variables that would meet it."""


class TokenError(APIError):
    """The OAuth 2 token endpoint refused to give a token. `error` and `error_description` are the
    RFC 6749 fields of its answer (`invalid_client`, ...), `status_code` its HTTP status."""

    error: str
    error_description: str | None
    status_code: int | None

    def __init__(
        self,
        message: str,
        *,
        error: str,
        error_description: str | None = None,
        status_code: int | None = None,
        request: httpx.Request | None = None,
    ) -> None:
        super().__init__(message, request=request)
        self.error = error
        self.error_description = error_description
        self.status_code = status_code


class WebhookVerificationError(APIError):
    """A webhook's signature, timestamp or headers did not pass verification; the message says which
    check failed (never the secret)."""


class _WaitEnded(APIError):
    """A wait method (the spec's `x-poll`) ended without a success value. `response` is the last
    response, parsed (the operation's return value), and `polls` the number of polls made."""

    response: Any
    polls: int

    def __init__(self, message: str, *, response: Any, polls: int, request: httpx.Request | None = None) -> None:
        super().__init__(message, request=request)
        self.response = response
        self.polls = polls


class PollingFailedError(_WaitEnded):
    """A wait polled until the field it compares held one of its failure values."""


class PollingTimeoutError(_WaitEnded):
    """A wait's time (its `poll_timeout`) ran out before the field held a success or failure value."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def _request_id(response: httpx.Response) -> str | None:
    """The server's id of the request, for support: every error that carries a response has it."""
    value: str | None = response.headers.get("x-request-id")
    return value


def status_error_class(status_code: int) -> type[APIStatusError]:
    if status_code >= 500:
        return InternalServerError
    return _BY_STATUS.get(status_code, APIStatusError)
