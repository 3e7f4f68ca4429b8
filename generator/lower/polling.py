"""An operation's `x-poll` -> the `Wait`s polling it: each key checked as generator/extensions.py
describes it, the field path against the response schema and the success and failure values against
the field's enum, with a located error (and a did-you-mean where one fits) at the key that is wrong.
Clashes of a wait's name with the other methods of its resource are checked with them (resources.py)."""

from __future__ import annotations

import keyword
import math
from typing import Any

from ..errors import Origin
from ..extensions import POLL_KEYS, Key, nearest
from ..ir import Parameter, RequestBody, Response, Wait
from .context import LowerContext
from .field_paths import json_types, resolved, walk

# The keywords every wait method takes beside the operation's own.
POLL_KEYWORDS = ("poll_interval", "poll_timeout", "on_poll")
_KEYS = {key.name: key for key in POLL_KEYS}
_HINT = "see README: Waiting for a job"
_SCALARS = {"string", "integer", "number", "boolean"}


class _Entry:
    """One wait of an `x-poll` list being read: its keys, where they stand, and whether all were valid."""

    def __init__(self, ctx: LowerContext, declared: dict[str, Any], where: Origin) -> None:
        self.ctx, self.declared, self.where = ctx, declared, where
        self.ok = True

    def error(self, key: str | tuple[str | int, ...] | None, message: str, hint: str = _HINT) -> None:
        """Reports a problem at `key` of the wait (a path of keys: `("success", 0)`), or at the wait."""
        self.ok = False
        path = (key,) if isinstance(key, str) else key or ()
        self.ctx.problems.error(message, self.where.child(*path), hint)

    def number(self, key: Key) -> float | None:
        """A `seconds` or `factor` key: a number, at least 1 for a factor, above 0 for seconds."""
        value = self.declared.get(key.name, key.default)
        if value is None:
            return None
        bad = isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)
        if bad or (key.type == "factor" and value < 1) or (key.type == "seconds" and value <= 0):
            wanted = "a number of at least 1" if key.type == "factor" else "a number of seconds above 0"
            self.error(key.name, f"`x-poll` {key.name} must be {wanted}, not {value!r:.60}")
            return None
        return float(value)


def waits(
    ctx: LowerContext,
    operation: dict[str, Any],
    where: Origin,
    response: Response,
    taken: tuple[Parameter, ...],
    body: RequestBody | None,
    endpoint_name: str,
) -> tuple[Wait, ...]:
    """The waits `x-poll` declares on the operation; those with a problem are reported and left out."""
    raw = operation.get("x-poll")
    if raw is None:
        return ()
    x_where = ctx.origin(raw, where.child("x-poll"))
    if not isinstance(raw, list) or not raw:
        ctx.problems.error(
            "`x-poll` must be a list of waits",
            x_where,
            "write e.g. `x-poll: [{name: wait, field: status, success: [done], failure: [failed]}]`",
        )
        return ()
    if response.kind != "json" or response.schema is None or response.stream is not None or "x-pagination" in operation:
        ctx.problems.error(
            "`x-poll` needs an operation answering one JSON body, whose field it compares (not a list, not a stream)",
            x_where,
            "declare it on the operation that reads the job's status (a GET answering application/json)",
        )
        return ()
    keywords = (
        {p.py_name for p in taken}
        | ({body.py_name} if body else set())
        | {f.py_name for f in (body.fields if body else ())}
    )
    clash = sorted(keywords & set(POLL_KEYWORDS))
    if clash:
        ctx.problems.error(
            f"the operation has a parameter `{clash[0]}`, a keyword every wait method takes",
            x_where,
            "wait methods take poll_interval=, poll_timeout= and on_poll=: give the parameter another name",
        )
        return ()
    found: list[Wait] = []
    names: dict[str, Origin] = {}
    for index, declared in enumerate(raw):
        entry_where = ctx.origin(declared, x_where.child(index))
        if not isinstance(declared, dict):
            ctx.problems.error(f"a wait of `x-poll` must be a mapping, not {declared!r:.60}", entry_where, _HINT)
            continue
        entry = _Entry(ctx, declared, entry_where)
        wait = _wait(entry, response, endpoint_name)
        if wait is not None and wait.method_name in names:
            entry.error("name", f"two waits of the operation are named `{wait.method_name}`", "name each one apart")
        if wait is not None and entry.ok:
            names[wait.method_name] = entry.where
            found.append(wait)
    return tuple(found)


def _wait(entry: _Entry, response: Response, endpoint_name: str) -> Wait | None:
    for written in entry.declared:
        if written not in _KEYS:
            meant = nearest(str(written), _KEYS)
            entry.error(
                str(written),
                f"unknown `x-poll` key {str(written)!r}" + (f"; did you mean `{meant}`?" if meant else ""),
                f"rename it `{meant}`" if meant else "keys: " + ", ".join(_KEYS),
            )
    for key in POLL_KEYS:
        if key.required and key.name not in entry.declared:
            entry.error(None, f"a wait of `x-poll` needs `{key.name}`: {key.meaning}")
    name = _method_name(entry)
    field, schema = _field(entry, response)
    success = _values(entry, "success", schema)
    failure = _values(entry, "failure", schema)
    for value in success:
        if _same_in(value, failure):
            entry.error("failure", f"`x-poll` value {value!r} is both a success and a failure")
    interval, backoff, max_interval, timeout = (entry.number(_KEYS[k]) for k in _NUMBERS)
    if interval is not None and max_interval is not None and max_interval < interval:
        entry.error("max-interval", f"`x-poll` max-interval ({max_interval:g}) is shorter than interval ({interval:g})")
    if not entry.ok or name is None or interval is None or backoff is None:
        return None
    return Wait(
        method_name=name,
        field=field,
        success=success,
        failure=failure,
        interval=interval,
        backoff=backoff,
        max_interval=max_interval,
        timeout=timeout,
        spec_name=f"{endpoint_name}__POLL_{name.upper()}",
    )


_NUMBERS = ("interval", "backoff", "max-interval", "timeout")


def _method_name(entry: _Entry) -> str | None:
    value = entry.declared.get("name")
    if value is None:
        return None
    if not isinstance(value, str) or not value.isidentifier() or not value.isascii() or keyword.iskeyword(value):
        entry.error("name", f"`x-poll` name {value!r:.60} is not a Python method name", "use e.g. `wait`")
        return None
    if value.startswith("_") or value != value.lower():
        entry.error("name", f"`x-poll` name {value!r} is not a public method name in snake case", "use e.g. `wait`")
        return None
    return value


def _field(entry: _Entry, response: Response) -> tuple[tuple[str, ...], dict[str, Any] | None]:
    """The field path as declared (`job.status` or a list of names) and the schema it leads to."""
    value = entry.declared.get("field")
    if value is None:
        return (), None
    if isinstance(value, str) and value and all(value.split(".")):
        path = tuple(value.split("."))
    elif isinstance(value, list) and value and all(isinstance(step, str) and step for step in value):
        path = tuple(value)
    else:
        entry.error("field", "`x-poll` field must be a field path such as `status` or `job.status`")
        return (), None
    schemas = entry.ctx.schemas
    walked = walk(schemas, response.schema, path)
    if walked.broken:  # its broken $ref is reported already
        entry.ok = False
        return path, None
    if walked.schema is None:
        meant = nearest(walked.missing or "", walked.known)
        entry.error(
            "field",
            f"`x-poll` field ({'.'.join(path)}) names no property of the response: {walked.missing!r} is not one"
            + (f"; did you mean `{meant}`?" if meant else ""),
            "properties there: " + (", ".join(walked.known) or "none"),
        )
        return path, None
    kinds = json_types(schemas, walked.schema)
    if kinds and not kinds & _SCALARS:
        entry.error(
            "field",
            f"`x-poll` field ({'.'.join(path)}) must be a string, number or boolean, not {'/'.join(sorted(kinds))}",
        )
    return path, walked.schema


def _values(entry: _Entry, key: str, schema: dict[str, Any] | None) -> tuple[Any, ...]:
    """A list of JSON scalars, each one the field can hold: of its type, and one of its enum if it has one."""
    value = entry.declared.get(key)
    if value is None:  # left out: none (`success` is required, and reported missing)
        return ()
    if not isinstance(value, list) or (key == "success" and not value):
        entry.error(key, f"`x-poll` {key} must be a list of the field's values, such as `[completed]`")
        return ()
    allowed = _enum(entry.ctx, schema)
    kinds = json_types(entry.ctx.schemas, schema) if schema is not None else set()
    found: list[Any] = []
    for index, item in enumerate(value):
        at = (key, index)
        if not isinstance(item, str | int | float | bool):
            entry.error(at, f"`x-poll` {key} values must be strings, numbers or booleans, not {item!r:.60}")
        elif allowed is not None and not _same_in(item, allowed):
            listed = [v for v in allowed if isinstance(v, str)]
            meant = nearest(item, listed) if isinstance(item, str) else None
            entry.error(
                at,
                f"`x-poll` {key} value {item!r} is not a value of the field"
                + (f"; did you mean `{meant}`?" if meant else ""),
                "its values: " + ", ".join(map(str, allowed)),
            )
        elif kinds and allowed is None and not _json_type(item) & kinds:
            entry.error(at, f"`x-poll` {key} value {item!r} is not of the field's type ({'/'.join(sorted(kinds))})")
        else:
            found.append(item)
    return tuple(found)


def _enum(ctx: LowerContext, schema: dict[str, Any] | None) -> list[Any] | None:
    """The values the field's schema lists (through `$ref`s and a nullable wrapper), or None."""
    enum = resolved(ctx.schemas, schema).get("enum") if schema is not None else None
    return [v for v in enum if v is not None] if isinstance(enum, list) and enum else None


def _json_type(value: Any) -> set[str]:
    if isinstance(value, bool):
        return {"boolean"}
    if isinstance(value, int):
        return {"integer", "number"}
    return {"number"} if isinstance(value, float) else {"string"}


def _same_in(value: Any, values: Any) -> bool:
    """`value in values`, where `True` is not `1`: JSON tells booleans from numbers."""
    return any(isinstance(v, bool) == isinstance(value, bool) and v == value for v in values)
