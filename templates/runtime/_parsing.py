"""Response parsing: the parsers the generated endpoints name (built lazily, models imported on first use),
and what a response becomes: the parsed value of a 2xx, `ResponseValidationError` for a 2xx that does
not match its schema, and the typed `APIStatusError` of an error status."""

from __future__ import annotations

import contextlib
import importlib
import json
import types
from collections.abc import Callable
from typing import Any, TypeVar

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


def json_parser(make_adapter: Callable[[], pydantic.TypeAdapter[T]]) -> Callable[[bytes], T]:
    """A parser for a non-model type; the TypeAdapter is built on first use, not at import."""
    adapter: list[pydantic.TypeAdapter[T]] = []

    def parse(body: bytes) -> T:
        if not adapter:
            adapter.append(make_adapter())
        return adapter[0].validate_json(body)

    return parse


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


def model_parser(get_model: Callable[[], type[T]]) -> Callable[[bytes], T]:
    """A parser of JSON bytes into a class of the models (a model, or an enum), which is looked up
    (and imported) on first use."""
    validate: list[Callable[[bytes], T]] = []

    def parse(body: bytes) -> T:
        if not validate:
            target: Any = get_model()
            method = getattr(target, "model_validate_json", None)
            validate.append(method if method is not None else pydantic.TypeAdapter(target).validate_json)
        return validate[0](body)

    return parse


# -- what a response becomes -----------------------------------------------------------------
def parse_response(endpoint: Endpoint[T], response: httpx.Response, scrub: Callable[[str], str]) -> T:
    """The value of a 2xx response; `scrub` takes the client's secrets out of an error message."""
    raw = response.content
    try:
        return endpoint.parse(raw)
    except ValueError as exc:  # pydantic.ValidationError included
        raise validation_error(exc, response, raw, scrub, f"The {response.status_code} response") from exc


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


def status_error(endpoint: Endpoint[Any], response: httpx.Response, scrub: Callable[[str], str]) -> APIStatusError:
    """The error of a response with an error status, its body parsed by the endpoint's error parser
    for the status (or kept as JSON or text when it does not match)."""
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
    summary = summary if len(summary) <= 500 else summary[:500] + "..."
    message = scrub(f"Error code: {response.status_code} - {summary}".rstrip(" -"))
    return status_error_class(response.status_code)(message, response=response, body=body)


__all__ = [
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
