"""IR schemas -> the `models` module, through datamodel-code-generator's Python API (one call)."""

from __future__ import annotations

import keyword
import re
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Any

from ..errors import Diagnostic, SpecError, escape_pointer, unescape_pointer
from ..ir import Api
from ..lower.typemap import TypeMapper
from ..naming import RESERVED_CLASS_NAMES
from ..resolver import SCHEMA_PREFIX
from .model_modules import DEFINITION
from .model_names import library_class_names, schema_classes, settle_names

_ENUM_BASES = {"StrEnum": "OpenStrEnum", "IntEnum": "OpenIntEnum", "Enum": "OpenEnum"}


# Formats kept as the plain strings the server sent: no extra dependency (email-validator, ulid),
# and nothing a round trip would change (a password masked, base64 decoded, a string made an int).
# A format never changes the JSON type either: a number of `format: unixtime` may have a fraction, an
# integer of `format: date-time` is a number, not a date to write back as text.
_TYPE_MAPPINGS = [
    *("email=string", "idn-email=string", "uri=string", "ulid=string", "path=string", "password=string"),
    *("byte=string", "string+integer=string", "uuid1=uuid", "uuid3=uuid", "uuid4=uuid", "uuid5=uuid"),
    *("string+unixtime=string", "number+unixtime=number", "integer+date-time=integer"),
    *("number+date-time=number", "number+time=number", "number+time-delta=number"),
]
# A default of a format typed otherwise than `str` (`date: date = "2024-05-01"`) is validated when
# the model is built (the library writes `Field(default, validate_default=True)` for this key).
_VALIDATE_DEFAULT = "x-validate_default"


@dataclass(frozen=True)
class ModelsRequest:
    """What the models stage needs of the IR: plain data, so it can be sent to a worker process."""

    title: str
    version: str
    schemas: dict[str, Any]
    enum_names: frozenset[str]

    @classmethod
    def of(cls, api: Api) -> ModelsRequest:
        return cls(api.title, api.version, api.schemas, api.enum_names)


# The spec passed every check of the generator, yet the models library refused it: the generator's fault.
MODELS_HINT = "the spec passed the generator's checks: please report this with the spec (--debug shows the traceback)"


class ModelsError(SpecError):
    """The models stage failed: what went wrong, and the schemas (by class name) it concerns, which
    the caller locates in the spec."""

    def __init__(self, message: str, schemas: tuple[str, ...] = ()) -> None:
        super().__init__([Diagnostic(message, hint=MODELS_HINT)])
        self.message, self.schemas = message, schemas


# What a worker process answers: (True, the result) or (False, (the message, the schemas it concerns)).
Reported = tuple[bool, Any]


def render_models_reporting(request: ModelsRequest) -> Reported:
    """`render_models` for a worker process."""
    try:
        return True, render_models(request)
    except ModelsError as exc:
        return False, (exc.message, exc.schemas)


def render_models(api: ModelsRequest) -> str:
    """Source of `models.py` without its header; enums are made open (unknown values kept)."""
    if not api.schemas:
        return "from __future__ import annotations\n"
    source, classes = library_models(models_document(api), field_aliases(api.schemas))
    return finish_models(settle_names(source, classes), api)


def library_models_reporting(document: dict[str, Any], aliases: dict[str, str]) -> Reported:
    """`library_models` for a worker process: the source and each schema's class."""
    try:
        return True, library_models(document, aliases)
    except ModelsError as exc:
        return False, (exc.message, exc.schemas)


def models_document(api: ModelsRequest) -> dict[str, Any]:
    """The document the library reads: the schemas alone, each default checked against its schema."""
    return {
        "openapi": "3.1.0",
        "info": {"title": api.title, "version": api.version or "0"},
        "paths": {},
        "components": {"schemas": _typed_defaults(api.schemas)},
    }


def library_models(document: dict[str, Any], aliases: dict[str, str]) -> tuple[str, dict[str, str]]:
    """datamodel-code-generator's source of the models of `document`, as it writes it, and the class
    it made of each schema (the name may not be the schema's: model_names.py)."""
    from datamodel_code_generator import generate
    from datamodel_code_generator.enums import DataModelType, InputFileType
    from datamodel_code_generator.format import DatetimeClassType, PythonVersion

    try:
        with warnings.catch_warnings(), library_class_names() as references:
            warnings.simplefilter("ignore")
            source = generate(
                document,
                input_file_type=InputFileType.OpenAPI,
                output_model_type=DataModelType.PydanticV2BaseModel,
                target_python_version=PythonVersion.PY_311,
                use_standard_collections=True,
                use_union_operator=True,
                use_type_alias=True,
                use_schema_description=True,
                use_field_description=True,
                use_double_quotes=True,
                disable_timestamp=True,
                # Annotations evaluated when the class is made, not strings compiled when it is
                # first used (most of the import time of a large module of models).
                disable_future_imports=True,
                field_constraints=True,
                capitalise_enum_members=True,
                set_default_enum_member=True,
                type_mappings=_TYPE_MAPPINGS,
                aliases=aliases,
                field_extra_keys_without_x_prefix={_VALIDATE_DEFAULT},
                use_subclass_enum=True,
                use_specialized_enum=True,
                output_datetime_class=DatetimeClassType.Datetime,
                extra_fields="allow",
                allow_population_by_field_name=True,
                formatters=[],
                custom_file_header="",
            )
    except Exception as exc:  # the library raises many kinds; report them as one clear error
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        named = tuple(dict.fromkeys(unescape_pointer(m) for m in _SCHEMA_POINTER.findall(str(exc))))
        raise ModelsError(f"datamodel-code-generator could not generate the models: {message}", named) from exc
    if not isinstance(source, str):
        raise ModelsError("datamodel-code-generator returned several modules; expected one")
    if not references:
        raise ModelsError("datamodel-code-generator's parser kept no names of the schemas it parsed")
    return source, schema_classes(references, document["components"]["schemas"])


# A schema named in a message of the library.
_SCHEMA_POINTER = re.compile(r"#/components/schemas/([^/\s'\"]+)")


def finish_models(source: str, api: ModelsRequest) -> str:
    """The library's source made the package's: checked, enums opened, arrays of themselves typed."""
    return _tidy(_rewrite_classes(source, api))


# A field pydantic refuses beside `model_config` (it reads it as a v1 `class Config`), and builtin
# types a later field's annotation may name (`int: list[X]` then `count: int`).
_PYDANTIC_REFUSES = frozenset({"Config"})
_BUILTIN_TYPES = frozenset({"int", "str", "float", "bool", "bytes", "list", "dict", "set", "frozenset", "tuple"})


def field_aliases(schemas: dict[str, Any]) -> dict[str, str]:
    """Field names for the properties the library would name badly: one that is a name models.py
    imports (`Field`, `BaseModel`: the library renames the import and misses some uses), `Config`
    or a builtin type, and one Python would read as another (`ﬁle` is `file`, `Ⅸ` is `IX`: NFKC), which the alias
    would not match."""
    names: set[str] = set()
    stack: list[Any] = [schemas]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            properties = value.get("properties")
            if isinstance(properties, dict):
                names.update(k for k in properties if isinstance(k, str))
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    aliases: dict[str, str] = {}
    for name in sorted(names):
        normal = unicodedata.normalize("NFKC", name)
        if name in RESERVED_CLASS_NAMES or name in _PYDANTIC_REFUSES or name in _BUILTIN_TYPES:
            aliases[name] = name + "_"
        elif normal != name:
            field = re.sub(r"\W", "_", normal).lower()
            field = "field_" + field if not field or field[0].isdigit() else field
            while field in names or field in RESERVED_CLASS_NAMES or keyword.iskeyword(field):
                field += "_"
            aliases[name] = field
    return aliases


def _format_types() -> dict[str, Any]:
    import datetime
    import decimal
    import ipaddress
    import uuid

    from pydantic import NaiveDatetime

    return {
        "date": datetime.date,
        "date-time": datetime.datetime,
        "date-time-local": NaiveDatetime,
        "time": datetime.time,
        "time-local": datetime.time,
        "duration": datetime.timedelta,
        "binary": bytes,
        "decimal": decimal.Decimal,
        **dict.fromkeys(("uuid", "uuid1", "uuid3", "uuid4", "uuid5"), uuid.UUID),
        "ipv4": ipaddress.IPv4Address,
        "ipv6": ipaddress.IPv6Address,
        "ipv4-network": ipaddress.IPv4Network,
        "ipv6-network": ipaddress.IPv6Network,
    }


# A class statement as the library writes it: `class Name(Base1, Base2):` on a line of its own.
_CLASS_HEADER = re.compile(r"^class (\w+)\((.*)\):$", re.MULTILINE)
# An array of itself as the library writes it, its items untyped (which mypy --strict refuses).
_UNTYPED_ALIAS = re.compile(r'^(\w+) = TypeAliasType\("\1", list\)$', re.MULTILINE)
# The configuration the library writes in each model, and what makes the model build on first use.
_CONFIG = "    model_config = ConfigDict(\n"
_DEFERRED = "        defer_build=True,\n"


def _self_referencing(api: ModelsRequest) -> frozenset[str]:
    """Names of the schemas that are arrays of themselves (`A: {type: array, items: {$ref: A}}`)."""
    names: set[str] = set()
    for name, schema in api.schemas.items():
        items = schema.get("items") if isinstance(schema, dict) else None
        if isinstance(items, dict) and items.get("$ref") == SCHEMA_PREFIX + escape_pointer(name):
            names.add(name)
    return frozenset(names)


def _rewrite_classes(source: str, api: ModelsRequest) -> str:
    """One pass over the class statements, so the cost stays linear in the source, however many
    enums: enum classes derive from the runtime's open enums (values added to the API later still
    parse); an array of itself, which the library writes `list`, is typed `"list[A]"`; and every
    model defers building its validator to its first use (`defer_build`), so importing a module of
    models costs little. Every schema must be a class or an alias of its own name."""
    classes: set[str] = set()
    pieces: list[str] = []
    done = 0
    for header in _CLASS_HEADER.finditer(source):
        name, bases = header.group(1), header.group(2)
        classes.add(name)
        if name in api.enum_names and bases in _ENUM_BASES:
            pieces += [source[done : header.start()], f"class {name}({_ENUM_BASES[bases]}):"]
            done = header.end()
    pieces.append(source[done:])
    source = "".join(pieces)
    self_referencing = _self_referencing(api)
    source = _UNTYPED_ALIAS.sub(
        # The value as a string: mypy resolves a self-reference there, not in `list["A"]`.
        lambda m: f'{m[1]} = TypeAliasType("{m[1]}", "list[{m[1]}]")' if m[1] in self_referencing else m[0],
        source,
    )
    defined = {match.group(1) for match in DEFINITION.finditer(source)}
    # Every schema is a class, or the build fails naming it: nothing is dropped silently.
    missing = sorted(set(api.schemas) - defined)
    if missing:
        raise ModelsError(f"datamodel-code-generator did not emit the model(s) {', '.join(missing)}", tuple(missing))
    # A class or an alias the library names itself (an inline value it wraps) may take a schema's
    # name, the schema's own class then going by another (`CustomerModel`): the client would parse
    # into the wrong type. A schema that is a class whose name went to an alias is the sign of it.
    types = TypeMapper(api.schemas)
    taken = sorted(name for name in defined - classes if name in api.schemas and types.is_class(name))
    if taken:
        raise ModelsError(
            f"datamodel-code-generator gave the name of the model(s) {', '.join(taken)} to another type", tuple(taken)
        )
    return source.replace(_CONFIG, _CONFIG + _DEFERRED)


def _tidy(source: str) -> str:
    """The library's output as the package's module: the runtime's open enums imported, its banner
    dropped."""
    # Typed extra properties come as `__annotations__ = {"__pydantic_extra__": Dict[str, T]}`; the
    # builtin `dict` keeps `ruff check` clean (the unused `Dict` import is pruned when formatting).
    source = re.sub(r"""(["']__pydantic_extra__["']: )Dict\[""", r"\1dict[", source)
    # The library's own banner names an input file that does not exist; the package header says enough.
    source = (
        "\n".join(
            line
            for line in source.split("\n")  # not splitlines: a string literal may hold U+2028
            if not line.startswith(("# generated by datamodel-codegen", "#   filename:"))
        ).lstrip("\n")
        + "\n"
    )
    imports = "\nfrom pydantic import ConfigDict\n\nfrom ._runtime._types import OpenEnum, OpenIntEnum, OpenStrEnum\n"
    return imports.lstrip("\n") + source


def _typed_defaults(schemas: dict[str, Any]) -> dict[str, Any]:
    """The schemas with each default checked against its own schema. One that does not fit (`"yes"`
    for a boolean, `"zzz"` outside an enum, `"tomorrow"` for a date) is dropped: the model would
    hold a value of the wrong type, or fail every response that leaves the field out. One of a
    typed string format (date, uuid, ...; an array of them) is marked for validation, so the model
    holds a `date`, not the string."""
    from pydantic import TypeAdapter, ValidationError

    format_types = _format_types()

    def python_type(schema: dict[str, Any]) -> Any:
        kind = schema.get("type")
        kinds = [k for k in kind if k != "null"] if isinstance(kind, list) else [kind]
        if kinds == ["string"]:
            return format_types.get(str(schema.get("format")))
        if kinds == ["array"] and isinstance(schema.get("items"), dict):
            item = python_type(schema["items"])
            return None if item is None else list.__class_getitem__(item)
        return None

    def visit(value: Any) -> Any:
        if isinstance(value, list):
            return [visit(v) for v in value]
        if not isinstance(value, dict):
            return value
        result = {k: visit(v) for k, v in value.items()}
        if "default" not in result:
            return result
        if not _fits(result["default"], result, schemas, frozenset()):
            del result["default"]  # `null` too, where the value cannot be null (`root: int = None`)
            return result
        typed = python_type(result)
        if typed is not None and result["default"] is not None:
            try:
                TypeAdapter(typed).validate_python(result["default"])
            except (ValidationError, TypeError, ValueError):
                del result["default"]
            else:
                result[_VALIDATE_DEFAULT] = True
        return result

    return {name: visit(schema) for name, schema in schemas.items()}


_JSON_TYPES: dict[str, Any] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


def _fits(value: Any, schema: Any, schemas: dict[str, Any], seen: frozenset[str]) -> bool:
    """Whether `value` has the JSON type, enum value and items `schema` asks for (references
    followed; other constraints are the server's business)."""
    if not isinstance(schema, dict):
        return True
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
        name = unescape_pointer(ref[len(SCHEMA_PREFIX) :])
        if name in seen or name not in schemas:
            return True
        if not _fits(value, schemas[name], schemas, seen | {name}):
            return False
    for key in ("anyOf", "oneOf"):
        members = schema.get(key)
        if isinstance(members, list) and members and not any(_fits(value, m, schemas, seen) for m in members):
            return False
    parts = schema.get("allOf")
    if isinstance(parts, list) and not all(_fits(value, part, schemas, seen) for part in parts):
        return False
    enum = schema.get("enum")
    if isinstance(enum, list) and not any(value == e and type(value) is type(e) for e in enum):
        return False
    kind = schema.get("type")
    kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []
    known = [_JSON_TYPES[k] for k in kinds if isinstance(k, str) and k in _JSON_TYPES]
    if known and not any(check(value) for check in known):
        return False
    items = schema.get("items")
    if isinstance(value, list) and isinstance(items, dict):
        return all(_fits(v, items, schemas, seen) for v in value)
    return True
