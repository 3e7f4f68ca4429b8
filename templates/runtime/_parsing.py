"""Response parsing: the parsers the generated endpoints name (built lazily, models imported on first use),
and what a response becomes: the parsed value of a 2xx, `ResponseValidationError` for a 2xx that does
not match its schema, and the typed `APIStatusError` of an error status."""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import types
from collections.abc import Callable
from typing import Any, Generic, Literal, TypeVar, cast, overload

import httpx
import pydantic

from ._exceptions import APIStatusError, ResponseValidationError, status_error_class
from ._operation import Endpoint

T = TypeVar("T")


# -- parsers of a 2xx body -------------------------------------------------------------------
def parse_none(body: bytes) -> None:
    return None


def parse_bytes(body: bytes) -> bytes:
    return body


def parse_text(body: bytes) -> str:
    return body.decode("utf-8", errors="replace")


def parse_json(body: bytes) -> Any:
    return json.loads(body)


class JsonParser(Generic[T]):
    """A parser of JSON bytes into a type of the models, built on first use (not at import). Called,
    it validates strictly; `lenient` reads a body that did not validate (see `_lenient`)."""

    __slots__ = ("_make", "_target", "_validate")

    def __init__(self, make: Callable[[], tuple[Any, Callable[[bytes], T]]]) -> None:
        self._make = make  # -> (the type, its strict validator of JSON bytes)
        self._validate: Callable[[bytes], T] | None = None
        self._target: Any = None

    def __call__(self, body: bytes) -> T:
        if self._validate is None:
            self._target, self._validate = self._make()
        return self._validate(body)

    def lenient(self, body: bytes, what: str, logger: logging.Logger) -> T:
        """`body` read leniently; raises `ValueError` for a body that is not JSON and `ShapeError` for
        JSON that cannot be the type at all."""
        if self._validate is None:
            self._target, self._validate = self._make()
        from ._lenient import read_leniently  # imported on first use: a body that matches never needs it

        value: T = read_leniently(self._target, json.loads(body), what, logger)
        return value


class _EmptyIsNone(JsonParser[T]):
    """A `JsonParser` of a response that may also come empty (a 204 beside a 200): empty is None."""

    __slots__ = ()

    def __call__(self, body: bytes) -> T:
        return super().__call__(body) if body else cast(T, None)


@overload
def json_parser(
    make_adapter: Callable[[], pydantic.TypeAdapter[T]], *, empty: Literal[False] = False
) -> Callable[[bytes], T]: ...
@overload
def json_parser(
    make_adapter: Callable[[], pydantic.TypeAdapter[T]], *, empty: Literal[True]
) -> Callable[[bytes], Any]: ...
def json_parser(make_adapter: Callable[[], pydantic.TypeAdapter[T]], *, empty: bool = False) -> Callable[[bytes], Any]:
    """A parser for a non-model type; the TypeAdapter is built on first use, not at import. With
    `empty`, an empty body is None: the endpoint's annotation says `T | None` itself (type checkers
    solve `T` from that annotation before they read the adapter's lambda, and an explicit
    `TypeAdapter[Model]` then fails to be a `TypeAdapter[Model | None]`)."""

    def make() -> tuple[Any, Callable[[bytes], T]]:
        adapter = make_adapter()
        return getattr(adapter, "_type", Any), adapter.validate_json

    return _EmptyIsNone(make) if empty else JsonParser(make)


class LazyModule:
    """A module imported on first use: the models of a large API are most of its import time, and a
    program that touches one resource should not pay for all of them."""

    def __init__(self, name: str, package: str | None) -> None:
        self._name, self._package = name, package
        self._module: types.ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name, self._package)
        return getattr(self._module, attribute)


@overload
def model_parser(get_model: Callable[[], type[T]], *, empty: Literal[False] = False) -> Callable[[bytes], T]: ...
@overload
def model_parser(get_model: Callable[[], type[T]], *, empty: Literal[True]) -> Callable[[bytes], T | None]: ...
def model_parser(get_model: Callable[[], type[T]], *, empty: bool = False) -> Callable[[bytes], T | None]:
    """A parser of JSON bytes into a class of the models (a model, or an enum), which is looked up
    (and imported) on first use. With `empty`, an empty body is None."""

    def make() -> tuple[Any, Callable[[bytes], T]]:
        target: Any = get_model()
        method = getattr(target, "model_validate_json", None)
        return target, method if method is not None else pydantic.TypeAdapter(target).validate_json

    return _EmptyIsNone(make) if empty else JsonParser(make)


# -- what a response becomes -----------------------------------------------------------------
def parse_response(
    endpoint: Endpoint[T], response: httpx.Response, scrub: Callable[[str], str], lenient: logging.Logger | None = None
) -> T:
    """The value of a 2xx response; `scrub` takes the client's secrets out of an error message. With
    a `lenient` logger (the client's default), a JSON body that does not match its schema is read
    leniently, each mismatch logged there once; without, it raises `ResponseValidationError`."""
    raw = response.content
    try:
        return endpoint.parse(raw)
    except ValueError as exc:  # pydantic.ValidationError included
        what = f"The {response.status_code} response of {endpoint.method} {endpoint.path}"
        if lenient is not None and isinstance(exc, pydantic.ValidationError) and isinstance(endpoint.parse, JsonParser):
            try:
                value: T = endpoint.parse.lenient(raw, f"{endpoint.method} {endpoint.path}", lenient)
                return value
            except ValueError as refused:  # JSON of another shape, or not JSON (as the validation said)
                from ._lenient import ShapeError

                shown = refused if isinstance(refused, ShapeError) else exc
                raise validation_error(shown, response, raw, scrub, what) from exc
        raise validation_error(exc, response, raw, scrub, what) from exc


def validation_error(
    exc: ValueError, response: httpx.Response, raw: bytes, scrub: Callable[[str], str], what: str
) -> ResponseValidationError:
    """The error of a body (or of one event's data, `raw`) that did not match its schema."""
    # Name the first problem, not the input: the body may hold anything, echoed secrets included.
    errors = exc.errors(include_input=False, include_url=False) if isinstance(exc, pydantic.ValidationError) else []
    if errors:
        where = ".".join(str(part) for part in errors[0]["loc"]) or "body"
        detail = f"{len(errors)} error(s), first at {where}: {errors[0]['msg']}"
    else:
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return ResponseValidationError(scrub(f"{what} did not match the schema: {detail}"), response=response, body=raw)


def status_error(
    endpoint: Endpoint[Any],
    response: httpx.Response,
    scrub: Callable[[str], str],
    lenient: logging.Logger | None = None,
) -> APIStatusError:
    """The error of a response with an error status, its body parsed by the endpoint's error parser
    for the status: read leniently with a `lenient` logger, else kept as JSON or text when it does
    not match."""
    raw = response.content
    body: Any
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = raw.decode("utf-8", errors="replace")
    summary = body if isinstance(body, str) else json.dumps(body) if body is not None else ""
    code = response.status_code
    parser = endpoint.errors.get(code) or endpoint.errors.get(f"{code // 100}XX") or endpoint.errors.get("default")
    if parser is not None and raw:
        # pydantic.ValidationError is a ValueError: a body the model refuses stays decoded JSON or text
        with contextlib.suppress(ValueError):
            body = parser(raw)
            lenient = None
        if lenient is not None and isinstance(parser, JsonParser) and not isinstance(body, str):
            with contextlib.suppress(ValueError):
                body = parser.lenient(raw, f"{endpoint.method} {endpoint.path} ({code})", lenient)
    summary = summary if len(summary) <= 500 else summary[:500] + "..."
    message = scrub(f"Error code: {response.status_code} - {summary}".rstrip(" -"))
    return status_error_class(response.status_code)(message, response=response, body=body)


__all__ = [
    "JsonParser",
    "LazyModule",
    "json_parser",
    "model_parser",
    "parse_bytes",
    "parse_json",
    "parse_none",
    "parse_response",
    "parse_text",
    "status_error",
    "validation_error",
]
