"""Schemas of request bodies -> the annotations of what a caller passes: the model or a plain dict
checked by a generated `TypedDict` (`_models.JobConfig | _params.JobConfigParam`), files as `FileTypes`
in multipart bodies; and, once every body is lowered, the `ParamsType`s those annotations name."""

from __future__ import annotations

import keyword
from collections.abc import Mapping
from typing import Any

from ..errors import escape_pointer
from ..ir import ParamsKey, ParamsType
from ..naming import params_class_name
from ..resolver import SCHEMA_PREFIX
from .typemap import MODELS, TypeMapper, ref_name, union

PARAMS = "_params"  # how resource modules import the params module
FILE_TYPES = "FileTypes"
# Keys the class syntax of a TypedDict would read as a name its annotations use.
_CLASS_UNSAFE = frozenset(
    {"str", "int", "float", "bool", "bytes", "list", "dict", "None", "True", "False", "type", "object"}
    | {"datetime", "Any", "Literal", "Mapping", "Required", "Sequence", "TypedDict", MODELS, FILE_TYPES}
)


def is_file(schema: Any) -> bool:
    """A multipart file: `format: binary`, or a `contentMediaType` / `contentEncoding` string."""
    if not isinstance(schema, dict) or _non_null_type(schema) != "string":
        return False
    return schema.get("format") == "binary" or "contentMediaType" in schema or "contentEncoding" in schema


def is_file_field(schema: Any) -> bool:
    """A file or a list of files (or null)."""
    if not isinstance(schema, dict):
        return False
    variants = [v for v in schema.get("anyOf") or schema.get("oneOf") or [] if not _is_null(v)]
    if variants:
        return len(variants) == 1 and is_file_field(variants[0])
    if _non_null_type(schema) == "array":
        return is_file(schema.get("items"))
    return is_file(schema)


def file_media_type(schema: Any) -> str | None:
    """The `contentMediaType` of a file field (or of its items), when the schema gives one."""
    if not isinstance(schema, dict):
        return None
    if isinstance(schema.get("contentMediaType"), str):
        return str(schema["contentMediaType"])
    variants = [v for v in schema.get("anyOf") or schema.get("oneOf") or [] if not _is_null(v)]
    return file_media_type(variants[0] if len(variants) == 1 else schema.get("items"))


def object_properties(schema: Any, schemas: Mapping[str, Any]) -> list[tuple[str, Any, bool]] | None:
    """(wire name, schema, required) of each property of an object schema, its `allOf` parts and the
    components they refer to, in spec order (parts first); None when it is no object (a union, an
    array, a primitive) or a cycle."""
    found: dict[str, Any] = {}
    required: set[str] = set()
    if not _collect(schema, schemas, found, required, frozenset()):
        return None
    return [(key, value, key in required) for key, value in found.items()]


def _collect(
    schema: Any, schemas: Mapping[str, Any], found: dict[str, Any], required: set[str], trail: frozenset[str]
) -> bool:
    if not isinstance(schema, dict):
        return False
    name = ref_name(schema)
    if name is not None:
        if name in trail or name not in schemas:
            return False
        return _collect(schemas[name], schemas, found, required, trail | {name})
    kind = schema.get("type", "object")
    if kind != "object" or any(k in schema for k in ("anyOf", "oneOf", "enum", "const")):
        return False
    for part in schema.get("allOf") or []:
        if not _collect(part, schemas, found, required, trail):
            return False
    properties = schema.get("properties")
    for key, value in (properties if isinstance(properties, dict) else {}).items():
        found.pop(str(key), None)  # the nearest part's schema wins, in its place
        found[str(key)] = value
    if isinstance(schema.get("required"), list):
        required.update(str(k) for k in schema["required"])
    return True


def open_object(schema: Any, schemas: Mapping[str, Any], trail: frozenset[str] = frozenset()) -> bool:
    """Whether the object takes properties beyond those it declares (`additionalProperties` given and
    not false, or `patternProperties`), itself or through an `allOf` part."""
    if not isinstance(schema, dict):
        return False
    name = ref_name(schema)
    if name is not None:
        return name not in trail and open_object(schemas.get(name), schemas, trail | {name})
    extra = schema.get("additionalProperties")
    if (extra is not None and extra is not False) or "patternProperties" in schema:
        return True
    return any(open_object(part, schemas, trail) for part in schema.get("allOf") or [])


def sent_properties(schema: Any, schemas: Mapping[str, Any]) -> list[tuple[str, Any, bool]]:
    """The properties a request carries: `readOnly` ones are the server's to set."""
    found = object_properties(schema, schemas) or []
    return [(key, value, required) for key, value, required in found if not _read_only(value)]


class ParamTypes:
    """The annotations of request body values; records each model whose `TypedDict` they name."""

    def __init__(self, schemas: Mapping[str, Any], types: TypeMapper) -> None:
        self.schemas = schemas  # live: schemas hoisted later are seen too
        self.types = types
        self.wanted: dict[str, None] = {}  # models named as `_params.<Model>Param`, in order met
        self.names: dict[str, str] = {}  # model -> its TypedDict's name, decided once

    def annotation(
        self, schema: Any, *, files: bool = False, seen: frozenset[str] = frozenset(), local: bool = False
    ) -> str:
        """The type a caller passes for a value of `schema`; with `files`, file schemas are `FileTypes`.
        `local`: as written in the params module itself, its TypedDicts unqualified."""
        if not isinstance(schema, dict) or not schema:
            return "Any"
        name = ref_name(schema)
        if name is not None:
            return self._model(name, seen, local)
        if files and is_file(schema):
            return FILE_TYPES
        if "const" in schema or isinstance(schema.get("enum"), list):
            return self.types.annotation(schema, accept_literals=True)
        for key in ("anyOf", "oneOf"):
            variants = schema.get(key)
            if isinstance(variants, list) and variants:
                return union([self.annotation(v, files=files, seen=seen, local=local) for v in variants])
        all_of = schema.get("allOf")
        if isinstance(all_of, list) and len(all_of) == 1:
            return self.annotation(all_of[0], files=files, seen=seen, local=local)
        kind = schema.get("type")
        if isinstance(kind, list):
            return union([self.annotation({**schema, "type": k}, files=files, seen=seen, local=local) for k in kind])
        if kind == "array":
            items = self.annotation(schema.get("items"), files=files, seen=seen, local=local)
            # A list of models or dicts is a Sequence: `list` is invariant, and a `list[Model]` the
            # caller holds would not pass for `list[Model | ModelParam]`. Files come as a list: a tuple
            # is one file.
            return f"Sequence[{items}]" if _holds_objects(items) else f"list[{items}]"
        if kind == "object" or "properties" in schema or "additionalProperties" in schema:
            extra = schema.get("additionalProperties")
            value = self.annotation(extra, seen=seen, local=local) if isinstance(extra, dict) and extra else "Any"
            return "dict[str, Any]" if value == "Any" else f"Mapping[str, {value}]"
        return self.types.annotation(schema, accept_literals=True)

    def _model(self, name: str, seen: frozenset[str], local: bool) -> str:
        target = self.schemas.get(name)
        model = f"{MODELS}.{name}"
        if not isinstance(target, dict) or "enum" in target or name in seen:
            return self.types.annotation({"$ref": _ref(name)}, accept_literals=True)
        if self.expressible(name):
            self.wanted.setdefault(name)
            return f"{model} | {'' if local else PARAMS + '.'}{self.params_name(name)}"
        if object_properties(target, self.schemas) is not None:
            return f"{model} | Mapping[str, Any]"
        # A union or an alias (an array, a string): what it stands for, models or plain data.
        if self.types.is_class(name):
            return union([model, self.annotation(target, seen=seen | {name}, local=local)])
        return self.annotation(target, seen=seen | {name}, local=local)

    def params_name(self, model: str) -> str:
        """`ClassifyJob` -> `ClassifyJobParam`; `PromptCacheOptionsParam` keeps its name (naming.py)."""
        if model not in self.names:
            self.names[model] = params_class_name(model, self.schemas)
        return self.names[model]

    def expressible(self, name: str) -> bool:
        """Whether a `TypedDict` can stand for the model: an object with properties and no others."""
        target = self.schemas.get(name)
        if not isinstance(target, dict) or open_object(target, self.schemas):
            return False
        return bool(sent_properties(target, self.schemas))

    def params_types(self) -> list[ParamsType]:
        """The `TypedDict` of every model an annotation named, and of the models their keys name."""
        made: dict[str, ParamsType] = {}
        while len(made) < len(self.wanted):
            name = next(n for n in self.wanted if n not in made)
            made[name] = self._params_type(name)
        return [made[name] for name in sorted(made)]

    def _params_type(self, name: str) -> ParamsType:
        target = self.schemas[name]
        keys = tuple(
            ParamsKey(
                wire_name=key,
                annotation=self.annotation(value, local=True),
                required=required,
                description=_description(value),
                deprecated=isinstance(value, dict) and value.get("deprecated") is True,
            )
            for key, value, required in sent_properties(target, self.schemas)
        )
        functional = any(
            not (k.wire_name.isidentifier() and k.wire_name.isascii())
            or keyword.iskeyword(k.wire_name)
            or k.wire_name in _CLASS_UNSAFE
            or k.wire_name.startswith("__")
            for k in keys
        )
        return ParamsType(
            name=self.params_name(name),
            model=name,
            description=str(target.get("description") or "").strip(),
            keys=keys,
            functional=functional,
        )


def _holds_objects(annotation: str) -> bool:
    return any(mark in annotation for mark in (f"{MODELS}.", "Mapping[", "dict[", FILE_TYPES))


def _ref(name: str) -> str:
    return SCHEMA_PREFIX + escape_pointer(name)


def _description(schema: Any) -> str:
    return str(schema.get("description") or "").strip() if isinstance(schema, dict) else ""


def _read_only(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("readOnly") is True


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null"


def _non_null_type(schema: dict[str, Any]) -> Any:
    """The schema's type less `null`; a schema without one is taken for a string (`format: binary`)."""
    kind = schema.get("type")
    if isinstance(kind, list):
        rest = [k for k in kind if k != "null"]
        return rest[0] if len(rest) == 1 else None
    return kind if kind is not None else "string"
