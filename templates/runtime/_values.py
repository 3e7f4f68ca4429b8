"""How a value goes on the wire: the text of a scalar, the JSON of a model or a mapping, and the pairs
of a query string or a form field serialised by their OpenAPI style and explode (a form field's from
the spec's `encoding`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

import pydantic

from ._operation import PartEncoding
from ._types import NotGiven, Omit

_DELIMITERS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


def is_set(value: object) -> bool:
    return not isinstance(value, Omit | NotGiven)


def plain(value: object) -> object:
    """An enum member as its value (a member whose value is null is None, never the text "None")."""
    return value.value if isinstance(value, Enum) else value


def to_text(value: object) -> str:
    value = plain(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def jsonable(value: Any) -> Any:
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        return {k: jsonable(v) for k, v in value.items() if is_set(v)}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def model_fields(model: pydantic.BaseModel) -> dict[str, Any]:
    """The fields of a model the caller set, by wire name (its alias), values as they are."""
    fields = type(model).model_fields
    return {fields[name].alias or name: getattr(model, name) for name in fields if name in model.model_fields_set}


def query_items(
    values: Mapping[str, Any], styles: Mapping[str, tuple[str, bool]] | None = None
) -> list[tuple[str, str]]:
    """The query pairs of `values`, each serialised by its OpenAPI `(style, explode)`, `form` with
    explode by default: lists repeat the key, objects send one pair per property.

    Omitted values are not sent, and neither is `None`: a query string has no null, and sending
    `None` as the text "None" or as an empty value would mean something else."""
    items: list[tuple[str, str]] = []
    for key, value in values.items():
        value = plain(value)
        if not is_set(value) or value is None:
            continue
        style, explode = (styles or {}).get(key, ("form", True))
        if isinstance(value, pydantic.BaseModel):
            value = value.model_dump(mode="json", by_alias=True, exclude_unset=True)
        if isinstance(value, list | tuple):
            texts = [to_text(v) for v in value if plain(v) is not None]
            if explode and style == "form":
                items.extend((key, text) for text in texts)
            else:
                items.append((key, _DELIMITERS.get(style, ",").join(texts)))
        elif isinstance(value, Mapping):
            pairs = [(str(k), to_text(v)) for k, v in value.items() if is_set(v) and plain(v) is not None]
            if style == "deepObject":
                items.extend((f"{key}[{k}]", v) for k, v in pairs)
            elif explode:
                items.extend(pairs)
            else:
                items.append((key, ",".join(f"{k},{v}" for k, v in pairs)))
        else:
            items.append((key, to_text(value)))
    return items


def style_of(encoding: PartEncoding) -> tuple[str, bool]:
    """The (style, explode) of a form field: `form`, exploded, unless the spec's `encoding` says."""
    style = encoding.style or "form"
    return style, encoding.explode if encoding.explode is not None else style == "form"


def json_text(value: object) -> str:
    """`value` as compact JSON text, NaN and infinities refused: the bytes every call sends, on any
    httpx (`json=` is left unused since its spacing changed with httpx 0.28)."""
    return json.dumps(jsonable(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


__all__ = ["is_set", "json_text", "jsonable", "model_fields", "plain", "query_items", "style_of", "to_text"]
