"""Lenient reading of a JSON value that did not validate against its declared type: every part that
validates is typed as usual (a model's fields, a list's items, a map's values, at any depth), a part
that does not keeps the JSON value received, a missing required field reads as `None` and unknown
fields stay reachable. Each mismatch is logged once per process. Only a value that cannot be the
declared type at all at the top (a list where an object is declared) is refused, with `ShapeError`.

Called only after the strict validation failed, so the happy path costs nothing more."""

from __future__ import annotations

import functools
import logging
import types
import typing
from collections.abc import Callable
from typing import Annotated, Any, Union, get_args, get_origin

import pydantic
import typing_extensions
from pydantic.fields import FieldInfo

# `TypeAliasType("X", A | B)`: the models' unions; typing's own on the versions that have it.
_ALIAS_TYPES: tuple[type, ...] = tuple(
    {typing_extensions.TypeAliasType, getattr(typing, "TypeAliasType", typing_extensions.TypeAliasType)}
)
_MAX_LOGGED = 10_000  # distinct mismatches remembered (and so logged once) per process
_logged: set[tuple[str, str, str]] = set()


class ShapeError(ValueError):
    """A JSON value that cannot be the declared type at all: an array where an object is declared."""


class Reading:
    """One lenient reading, logging its mismatches: of what (`GET /files/{id}`), read as which type."""

    def __init__(self, what: str, model: str, logger: logging.Logger) -> None:
        self.what, self.model, self.logger = what, model, logger

    def mismatch(self, path: tuple[str | int, ...], problem: str) -> None:
        where = _path_text(path)
        key = (f"{self.what} {self.model}", _path_text(tuple("[]" if isinstance(p, int) else p for p in path)), problem)
        if key in _logged or len(_logged) >= _MAX_LOGGED:
            return
        _logged.add(key)
        self.logger.warning(
            "%s: the response does not match its schema: %s at %s: %s; kept as received",
            self.what,
            self.model,
            where,
            problem,
        )


def read_leniently(target: Any, value: Any, what: str, logger: logging.Logger) -> Any:
    """`value` (decoded JSON) read as `target` (a class of the models or any type a TypeAdapter takes).
    Raises `ShapeError` when the top-level value cannot be `target` at all."""
    if not _shape_fits(target, value):
        raise ShapeError(f"a JSON {_json_kind(value)} cannot be {_type_name(target)}")
    return _read(target, value, (), Reading(what, _type_name(target), logger))


def _read(target: Any, value: Any, path: tuple[str | int, ...], reading: Reading) -> Any:
    try:
        return _adapter(target).validate_python(value)
    except pydantic.ValidationError as exc:
        return _salvage(target, value, path, reading, exc)


def _salvage(
    target: Any, value: Any, path: tuple[str | int, ...], reading: Reading, exc: pydantic.ValidationError
) -> Any:
    """The parts of `value` that validate as `target`, the others as received."""
    inner = _unwrap(target)
    origin = get_origin(inner)
    if isinstance(inner, type) and issubclass(inner, pydantic.RootModel) and _shape_fits(inner, value):
        return inner.model_construct(_read(_field_type(inner, "root"), value, path, reading))
    if isinstance(inner, type) and issubclass(inner, pydantic.BaseModel) and isinstance(value, dict):
        return _model(inner, value, path, reading)
    if origin in (list, tuple, set, frozenset, typing.Sequence) and isinstance(value, list):
        args = get_args(inner)
        item = args[0] if args else Any
        return [_read(item, v, (*path, i), reading) for i, v in enumerate(value)]
    if origin in (dict, typing.Mapping) and isinstance(value, dict):
        args = get_args(inner)
        item = args[1] if len(args) == 2 else Any
        return {k: _read(item, v, (*path, str(k)), reading) for k, v in value.items()}
    if origin in (Union, types.UnionType):
        member = _closest_member(get_args(inner), value)
        if member is not None:
            return _read(member, value, path, reading)
    errors = exc.errors(include_url=False, include_input=False)
    first = errors[0] if errors else None
    if first is not None and first["loc"]:
        where = (*path, *(p for p in first["loc"] if isinstance(p, str | int)))
        reading.mismatch(where, first["msg"])
    else:
        reading.mismatch(path, first["msg"] if first is not None else "does not validate")
    return value


def _model(
    model: type[pydantic.BaseModel], value: dict[str, Any], path: tuple[str | int, ...], reading: Reading
) -> Any:
    """A model built field by field: each field read leniently, a missing required one `None`."""
    values: dict[str, Any] = {}
    present: set[str] = set()
    known: set[str] = set()
    for name, field in model.model_fields.items():
        key = field.alias or name
        known.update((key, name))
        if key in value or name in value:
            raw = value[key] if key in value else value[name]
            values[name] = _read(_field_type(model, name), raw, (*path, key), reading)
            present.add(name)
        elif field.is_required():
            reading.mismatch((*path, key), "required field missing")
            values[name] = None
    extra = {k: v for k, v in value.items() if k not in known}
    if model.model_config.get("extra") != "allow":
        extra = {}
    return model.model_construct(_fields_set=present, **values, **extra)


def _closest_member(members: tuple[Any, ...], value: Any) -> Any:
    """The union member `value` is most likely meant to be: of those whose shape fits, the one
    with the fewest validation errors."""
    best: tuple[int, Any] | None = None
    for member in members:
        if member is type(None) or not _shape_fits(member, value) or not _structured(member):
            continue
        try:
            _adapter(member).validate_python(value)
        except pydantic.ValidationError as exc:
            count = exc.error_count()
        else:
            return member
        if best is None or count < best[0]:
            best = (count, member)
    return None if best is None else best[1]


def _structured(target: Any) -> bool:
    """A model, list or map: a type with parts worth reading one by one."""
    inner = _unwrap(target)
    if isinstance(inner, type):
        return issubclass(inner, pydantic.BaseModel)
    return get_origin(inner) in (list, tuple, set, frozenset, dict, typing.Sequence, typing.Mapping, Union)


def _shape_fits(target: Any, value: Any) -> bool:
    """Whether `value` has the JSON kind `target` needs (an object for a model, an array for a list);
    scalars always fit, as their mismatches are field-level ones."""
    inner = _unwrap(target)
    origin = get_origin(inner)
    if origin in (Union, types.UnionType):
        return any(_shape_fits(member, value) for member in get_args(inner))
    if isinstance(inner, type) and issubclass(inner, pydantic.RootModel):
        return _shape_fits(_field_type(inner, "root"), value)
    if isinstance(inner, type) and issubclass(inner, pydantic.BaseModel):
        return isinstance(value, dict)
    if origin in (list, tuple, set, frozenset, typing.Sequence):
        return isinstance(value, list)
    if origin in (dict, typing.Mapping):
        return isinstance(value, dict)
    return not isinstance(value, list | dict) or inner is Any or inner is object


def _unwrap(target: Any) -> Any:
    """`target` without `Annotated` metadata and type aliases (`type X = A | B`)."""
    while True:
        if get_origin(target) is Annotated:
            target = get_args(target)[0]
        elif isinstance(target, _ALIAS_TYPES):
            target = getattr(target, "__value__")  # noqa: B009
        else:
            return target


@functools.cache
def _field_type(model: type[pydantic.BaseModel], name: str) -> Any:
    """A field's type with its constraints (`pattern`, bounds) and discriminator, for a TypeAdapter."""
    field: FieldInfo = model.model_fields[name]
    extra: list[Any] = list(field.metadata)
    if field.discriminator is not None:
        extra.append(pydantic.Field(discriminator=field.discriminator))
    return Annotated[(field.annotation, *extra)] if extra else field.annotation


_adapters: dict[Any, pydantic.TypeAdapter[Any]] = {}


def _adapter(target: Any) -> pydantic.TypeAdapter[Any]:
    try:
        found = _adapters.get(target)
    except TypeError:  # unhashable metadata
        return pydantic.TypeAdapter(target)
    if found is None:
        found = _adapters[target] = pydantic.TypeAdapter(target)
    return found


def _path_text(path: tuple[str | int, ...]) -> str:
    text = "".join(f"[{p}]" if isinstance(p, int) or p == "[]" else f".{p}" for p in path).lstrip(".")
    return f"`{text}`" if text else "the top level"


def _json_kind(value: Any) -> str:
    kinds: list[tuple[type, str]] = [(dict, "object"), (list, "array"), (str, "string"), (bool, "boolean")]
    return next((name for kind, name in kinds if isinstance(value, kind)), "number" if value is not None else "null")


def _type_name(target: Any) -> str:
    inner = _unwrap(target)
    return inner.__name__ if isinstance(inner, type) else str(inner).replace("typing.", "")


def lenient_reader(target: Callable[[], Any]) -> Callable[[Any, str, logging.Logger], Any]:
    """A reader of decoded JSON as the type `target()` gives (looked up on first use)."""

    def read(value: Any, what: str, logger: logging.Logger) -> Any:
        return read_leniently(target(), value, what, logger)

    return read


__all__ = ["ShapeError", "lenient_reader", "read_leniently"]
