"""`with_raw_response`: its wrappers mark the one call they make, and the client, reading the mark, gives
that call's HTTP response with the parsed value on demand (a `RawResponse`) instead of the value."""

from __future__ import annotations

import contextvars
import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, ForwardRef, Generic, ParamSpec, TypeVar, cast

import httpx

T = TypeVar("T")
P = ParamSpec("P")
F = TypeVar("F", bound=Callable[..., Any])

# Set by the `with_raw_response` wrappers for the one call they make.
_RAW_RESPONSE: contextvars.ContextVar[bool] = contextvars.ContextVar("raw_response", default=False)


def consume_raw_flag() -> bool:
    """Whether the call starting now was made through `with_raw_response` (read once, by the client)."""
    if _RAW_RESPONSE.get():
        _RAW_RESPONSE.set(False)
        return True
    return False


def deliver(response: httpx.Response, parse: Callable[[], T], raw: bool) -> T:
    """The parsed value, or for `with_raw_response` the response with `.parse()` for that value."""
    if not raw:
        return parse()
    return cast(T, RawResponse(response, parse))


class RawResponse(Generic[T]):
    def __init__(self, response: httpx.Response, parse: Callable[[], T]) -> None:
        self.http_response = response
        self._parse = parse
        self._parsed: list[T] = []

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def content(self) -> bytes:
        return self.http_response.content

    @property
    def text(self) -> str:
        return self.http_response.text

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    def parse(self) -> T:
        """The value the plain method would have returned (parsed once, then cached)."""
        if not self._parsed:
            self._parsed.append(self._parse())
        return self._parsed[0]

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}] {self.http_response.request.method} {self.url}>"


def to_raw_response_wrapper(method: Callable[P, T]) -> Callable[P, RawResponse[T]]:
    @functools.wraps(method)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        token = _RAW_RESPONSE.set(True)
        try:
            return cast(RawResponse[T], method(*args, **kwargs))
        finally:
            _RAW_RESPONSE.reset(token)

    return _returning_raw(wrapped, method)


def async_to_raw_response_wrapper(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[RawResponse[T]]]:
    @functools.wraps(method)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        token = _RAW_RESPONSE.set(True)
        try:
            return cast(RawResponse[T], await method(*args, **kwargs))
        finally:
            _RAW_RESPONSE.reset(token)

    return _returning_raw(wrapped, method)


def _returning_raw(wrapped: F, method: Callable[..., Any]) -> F:
    """`wrapped`, annotated as returning a `RawResponse` of what `method` returns, so that
    `inspect.signature` and `typing.get_type_hints` tell the truth (`functools.wraps` copied the
    method's own return type)."""
    annotations: dict[str, Any] = dict(getattr(method, "__annotations__", {}))
    signature = inspect.signature(method)
    if "return" in annotations:
        shown, annotations["return"] = _raw_return(annotations["return"])
        signature = signature.replace(return_annotation=shown)
    wrapped.__annotations__ = annotations
    wrapped.__signature__ = signature  # type: ignore[attr-defined]
    return wrapped


def _raw_return(returned: Any) -> tuple[Any, Any]:
    """(as `inspect.signature` shows it, as `typing.get_type_hints` reads it) for a method returning
    `returned`. The generated methods' annotations are strings naming what their own module imports:
    they stay forward references, which `get_type_hints` evaluates in that module (`__wrapped__`)."""
    raw: Any = RawResponse
    if not isinstance(returned, str):
        return raw[returned], raw[returned]
    if returned.startswith("AsyncPaginator[") and returned.endswith("]"):
        # An async list method returns a paginator; awaited, as the wrapper does, it gives its first page.
        from ._pagination import AsyncPage

        item = returned.removeprefix("AsyncPaginator[")[:-1]
        page: Any = AsyncPage
        return f"RawResponse[AsyncPage[{item}]]", raw[page[ForwardRef(item)]]
    return f"RawResponse[{returned}]", raw[ForwardRef(returned)]


__all__ = ["RawResponse", "async_to_raw_response_wrapper", "consume_raw_flag", "deliver", "to_raw_response_wrapper"]
