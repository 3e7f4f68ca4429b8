"""A command's request body from its flags: takes the parsed flags of an object body's fields and the
whole body given as `--body` JSON, and gives the client method's keyword arguments. A field's own flag
wins over the same key in `--body`; keys `--body` has beyond the fields go as `extra_body`; a required
field must come from one of the two."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from ._table import Command
from ._values import file_reference

WHOLE_BODY = "_body"  # the keyword the parser stores `--body` under, for a body of fields


def body_arguments(command: Command, arguments: dict[str, Any], error: Callable[[str], NoReturn]) -> dict[str, Any]:
    fields = [o for o in command.options if o.location == "body" and o.wire]
    if not fields:
        return arguments
    merged = {k: v for k, v in arguments.items() if k != WHOLE_BODY}
    whole = arguments.get(WHOLE_BODY)
    extra: dict[str, Any] = {}
    by_wire = {o.wire: o for o in fields}
    for key, value in (whole or {}).items():
        option = by_wire.get(key)
        if option is None:
            extra[key] = value
        elif option.dest not in merged:
            merged[option.dest] = file_reference(value) if option.type in ("file", "files") else value
    if extra:
        merged["extra_body"] = extra
    missing = [o.flag for o in fields if o.required and o.dest not in merged]
    if missing:
        error(f"the following arguments are required: {', '.join(missing)} (or their keys in --body)")
    return merged


__all__ = ["WHOLE_BODY", "body_arguments"]
