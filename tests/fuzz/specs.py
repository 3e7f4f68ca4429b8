"""Random but valid OpenAPI 3.0/3.1/3.2 documents, as a hypothesis strategy (`openapi_documents()`).

What is drawn: component schemas of every shape (objects, arrays, maps, string and integer enums,
anyOf/oneOf with and without null, allOf, aliases, tagged unions with a discriminator, constrained
primitives with formats and defaults) with `$ref`s between them, recursion included; operations
with path/query/header/cookie parameters, request bodies (JSON, multipart, form, binary) and
responses (JSON, text, binary, empty, errors); security schemes; and awkward names and hostile
text everywhere a spec allows free text. And what real specs do that the generator reads leniently:
enum values YAML 1.1 would misread (`on`, `2024-05-01`, `012`, written plain in YAML 1.2), enums of
mixed types and of arrays or objects, `$ref`s inside examples, enum values, defaults and `x-` values,
`null` defaults where the type allows no null, a union's default fitting one member alone,
operations without `responses` (3.1 and 3.2), and 3.2 documents (`$self`, hierarchical tags,
`query`, `additionalOperations`, `in: querystring`, `itemSchema`).

With `lenient=True`, also what real specs get wrong and the generator builds with a warning:
`enum: []`, an enum value listed twice, a path parameter without `required: true`, a `schema:`
beside `application/json` in a response's `content`, an extension a typo away from the generator's
own (`x-methd`), and in 3.0 an operation without `responses`.

A document is valid by construction: `$ref`s at the top of a component (aliases, union members,
allOf parents) only point at components drawn after it, so no schema is its own alias; recursion
goes through properties, items and map values. `tests/test_fuzz.py` checks a sample against
openapi-spec-validator.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote

from hypothesis import strategies as st

from generator.naming import pascal

from .text import cleanable, component_names, hostile_text, http_tokens, names, path_parameter_names, segments

T = TypeVar("T")
Draw = Callable[[st.SearchStrategy[T]], T]
Schema = dict[str, Any]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
STRING_FORMATS = (
    "date-time", "date", "time", "binary", "byte", "email", "uuid", "uri", "password", "ipv4",
    "hostname", "x-custom",
)  # fmt: skip
FORMAT_DEFAULTS = {
    "date-time": "2024-05-01T12:00:00Z",
    "date": "2024-05-01",
    "time": "12:00:00",
    "email": "a@example.com",
    "uuid": "00000000-0000-0000-0000-000000000001",
    "uri": "https://example.com/",
    "ipv4": "127.0.0.1",
}
# (pattern, a string it matches): regexes with quotes, backslashes and braces.
PATTERNS = (
    ("^[a-z]+$", "abc"),
    (r"^\d{3}-\d{2}$", "123-45"),
    ("^['\"]x['\"]$", '"x"'),
    (r"^\\\{\}$", "\\{}"),
    ("^(a|b)*$", "ab"),
    (r"^[\u00e9]+$", "é"),
)
COMPONENT_KINDS = ("object", "object", "enum_str", "enum_int", "array", "map", "union", "alias", "primitive", "allOf")
SUCCESS_CODES = ("200", "200", "201", "202", "204", "2XX", "default")
ERROR_CODES = ("400", "404", "409", "422", "4XX", "500", "503")
JSON_TYPES = ("application/json", "application/json", "application/problem+json", "application/vnd.x+json")
# Strings YAML 1.1 reads as booleans, dates or numbers; YAML 1.2 (and the generator) as strings.
YAML_11_TRAPS = ("on", "off", "yes", "no", "y", "n", "2024-05-01", "2024-05-01T12:00:00Z", "012", "1:30", "0b101")


# The generator refuses a client class name (`x-client.branded-name`) with no letter or digit,
# that is a keyword, starts with a digit or is the name of another export of the package
# (documented; exit 2): valid documents keep clear of it.
PACKAGE_EXPORTS = frozenset(
    {
        *("APIConnectionError", "APIError", "APIStatusError", "APITimeoutError", "AsyncPage"),
        *("AsyncPaginator", "AuthenticationError", "BadRequestError", "ConflictError", "NotGiven"),
        *("InternalServerError", "NotFoundError", "Omit", "PermissionDeniedError", "RateLimitError"),
        *("RawResponse", "ResponseTooLargeError", "ResponseValidationError", "SyncPage"),
        *("UnprocessableEntityError", "AsyncClient", "SyncAPIClient", "AsyncAPIClient", "AuthScheme"),
        *("ClassVar", "TYPE_CHECKING"),
    }
)
ENV_NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True)


def client_class_name_ok(name: str) -> bool:
    cls = pascal(name)
    return bool(cls) and (
        cls.isidentifier()
        and not keyword.iskeyword(cls)
        and cls not in PACKAGE_EXPORTS
        and ("Async" + cls not in PACKAGE_EXPORTS or cls == "Client")
    )


def ref(name: str, section: str = "schemas") -> Schema:
    """A `$ref` to a component, escaped as a JSON pointer inside a URI fragment."""
    escaped = name.replace("~", "~0").replace("/", "~1")
    return {"$ref": f"#/components/{section}/" + quote(escaped, safe="")}


@dataclass
class _Builder:
    draw: Draw[Any]
    v31: bool  # 3.1 or later: JSON Schema 2020-12 idioms
    component_names: list[str]
    kinds: list[str]
    budget: int = 60  # schema nodes left to draw: keeps documents small
    components: dict[str, Any] = field(default_factory=dict)
    v32: bool = False
    self_uri: str = ""  # the 3.2 document's `$self`, when it has one
    strict: bool = False  # only what OpenAPI allows, for a validator (no `$ref` as data but examples')
    lenient: bool = False  # also what the generator warns about (see the module's docstring)

    # -- small pieces --------------------------------------------------------------------------
    def flag(self, p: float = 0.5) -> bool:
        return bool(self.draw(st.integers(0, 99)) < p * 100)

    def text(self) -> str:
        return str(self.draw(hostile_text()))

    def decorate(self, schema: Schema) -> Schema:
        """Optional title, description, example and flags, as a spec writer would add them."""
        if self.flag(0.3):
            schema["description"] = self.text()
        if self.flag(0.15):
            schema["title"] = self.text()
        if self.flag(0.1):
            schema["deprecated"] = True
        if self.flag(0.04):
            # Data that looks like a reference (a SCIM schema URN): never followed.
            schema["example"] = {"schemas": [{"$ref": "urn:ietf:params:scim:schemas:core:2.0:User"}]}
        if not self.strict and self.flag(0.04):
            schema["x-origin"] = {"$ref": "#/not/a/reference", "note": self.text()}  # an extension's value is data
        return schema

    def nullable(self, schema: Schema) -> Schema:
        """`schema` that also allows null, written the way the spec version allows."""
        if not self.v31:
            if "$ref" in schema or "allOf" in schema:
                return {"allOf": [schema], "nullable": True} if self.flag() else {**schema, "nullable": True}
            result = {**schema, "nullable": True}
            if isinstance(result.get("enum"), list) and None not in result["enum"]:
                result["enum"] = [*result["enum"], None]
            return result
        kind = schema.get("type")
        if isinstance(kind, str) and "enum" not in schema and self.flag():
            return {**schema, "type": [kind, "null"]}
        return {"anyOf": [schema, {"type": "null"}]} if self.flag() else {"oneOf": [schema, {"type": "null"}]}

    # -- schemas -------------------------------------------------------------------------------
    def primitive(self, *, allow_null: bool = True) -> Schema:
        kinds = ["string", "string", "integer", "number", "boolean", "any"]
        if self.v31 and allow_null:
            kinds.append("null")
        kind = self.draw(st.sampled_from(kinds))
        if kind == "any":
            return self.decorate({})
        if kind == "null":
            return {"type": "null"}
        schema: Schema = {"type": kind}
        if kind == "string":
            self.string(schema)
        elif kind in ("integer", "number"):
            self.number(schema, integer=kind == "integer")
        elif self.flag(0.3):
            schema["default"] = self.draw(st.booleans())
        if self.v31 and self.flag(0.1):
            schema["examples"] = [schema.get("default", "x")]
        if not self.strict and self.flag(0.04):
            schema["default"] = None  # a null the type does not allow: the default is dropped
        return self.decorate(schema)

    def string(self, schema: Schema) -> None:
        fmt = self.draw(st.sampled_from((None, *STRING_FORMATS)))
        if fmt is not None:
            schema["format"] = fmt
        if self.flag(0.2):
            pattern, match = self.draw(st.sampled_from(PATTERNS))
            schema["pattern"] = pattern
            if fmt is None and self.flag(0.3):
                schema["default"] = match
            return
        if fmt in FORMAT_DEFAULTS:
            if self.flag(0.3):
                schema["default"] = FORMAT_DEFAULTS[fmt] if self.flag(0.8) else self.text()
            return
        low = self.draw(st.integers(0, 5)) if self.flag(0.2) else None
        high = self.draw(st.integers(low or 0, 40)) if self.flag(0.2) else None
        if low is not None:
            schema["minLength"] = low
        if high is not None:
            schema["maxLength"] = high
        if self.flag(0.3):
            schema["default"] = self.text()[:high].ljust(low or 0, "x")

    def number(self, schema: Schema, *, integer: bool) -> None:
        if self.flag(0.3):
            schema["format"] = self.draw(st.sampled_from(("int32", "int64") if integer else ("float", "double")))
        limit = 2**31 - 1 if schema.get("format") == "int32" else 2**40
        values = st.integers(-limit, limit) if integer else st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False)
        low = self.draw(values) if self.flag(0.3) else None
        high = self.draw(values) if self.flag(0.3) else None
        if low is not None and high is not None and low > high:
            low, high = high, low
        if low is not None:
            if self.flag(0.3):
                if self.v31:
                    schema["exclusiveMinimum"] = low
                else:
                    schema["minimum"] = low
                    schema["exclusiveMinimum"] = True
            else:
                schema["minimum"] = low
        if high is not None:
            schema["maximum"] = high
        if integer and self.flag(0.1):
            schema["multipleOf"] = self.draw(st.integers(1, 10))
        elif not integer and self.flag(0.1):
            schema["multipleOf"] = 0.5
        if self.flag(0.3):
            candidates: list[Any] = [0, 1, -1, low, high, 1.5]
            if low is not None and high is not None:
                candidates.append((low + high) // 2 if integer else (low + high) / 2)
            fitting = [c for c in candidates if c is not None and _fits(schema, c, integer=integer)]
            if fitting:
                schema["default"] = self.draw(st.sampled_from(fitting))

    def enum(self, *, integer: bool) -> Schema:
        if self.flag(0.12):
            return self.mixed_enum()
        if self.flag(0.05):
            # Arrays and objects (an object holding `$ref` is data): the open type of their values.
            values: list[Any] = [[]] if self.flag() or self.strict else [[1, "a"], {"$ref": "#/not/a/reference"}]
            return self.decorate({"enum": values})
        if self.lenient and self.flag(0.08):
            return self.decorate({"type": "integer" if integer else "string", "enum": []})  # warned, ignored
        if integer:
            values = self.draw(
                st.lists(
                    st.one_of(st.integers(-5, 5), st.sampled_from([2**31, -(2**31), 2**63 - 1, 10**20])),
                    min_size=1,
                    max_size=5,
                    unique=True,
                )
            )
            schema: Schema = {"type": "integer", "enum": values}
        else:
            values = self.draw(
                st.lists(
                    st.one_of(
                        names(),
                        hostile_text(allow_long=False),
                        st.sampled_from(["", "A", "a", "a-b", "a_b", "a b"]),
                        st.sampled_from(YAML_11_TRAPS),
                    ),
                    min_size=1,
                    max_size=6,
                    unique=True,
                )
            )
            schema = {"type": "string", "enum": values}
        if self.flag(0.3):
            schema["default"] = self.draw(st.sampled_from(values))
        if self.lenient and self.flag(0.08):
            schema["enum"] = [*values, values[0]]  # a value listed twice: warned, listed once
        return self.decorate(schema)

    def mixed_enum(self) -> Schema:
        """An enum of mixed value types (no `type`): strings, integers, booleans, and null in 3.1."""
        scalars = st.one_of(names(), st.integers(2, 9), st.integers(-9, -2), st.booleans())
        values: list[Any] = self.draw(st.lists(scalars, min_size=2, max_size=5, unique_by=lambda v: (type(v), v)))
        if len({type(v) for v in values}) == 1:
            values.append(7 if isinstance(values[0], str) else "x")
        if self.v31 and self.flag(0.3):
            values.append(None)
        return self.decorate({"enum": values})

    def ref_to(self, targets: list[int]) -> Schema | None:
        if not targets:
            return None
        schema = ref(self.component_names[self.draw(st.sampled_from(targets))])
        if self.self_uri and self.flag(0.3):
            # The same component by its absolute address under the document's `$self`.
            schema["$ref"] = self.self_uri + schema["$ref"]
        if self.v31 and self.flag(0.15):
            schema["description"] = self.text()
        return schema

    def schema(self, depth: int, owner: int | None, nested: bool) -> Schema:
        """A schema anywhere in a tree. `owner` is the component being drawn (None outside
        components); unless `nested` (under properties, items or a map), references only point at
        components drawn after the owner, so no component is its own alias."""
        self.budget -= 1
        n = len(self.component_names)
        targets = list(range(n)) if nested or owner is None else list(range(owner + 1, n))
        shapes = ["primitive", "primitive", "enum"]
        if targets:
            shapes += ["ref", "ref"]
        if depth < 3 and self.budget > 0:
            shapes += ["object", "array", "map", "anyOf", "oneOf", "allOf", "nullable"]
        shape = self.draw(st.sampled_from(shapes))
        if shape == "ref":
            return self.ref_to(targets) or self.primitive()
        if shape == "enum":
            return self.enum(integer=self.flag(0.3))
        if shape == "object":
            return self.object(depth + 1, owner)
        if shape == "array":
            return self.array(depth + 1, owner, nested)
        if shape == "map":
            return self.map(depth + 1, owner)
        if shape in ("anyOf", "oneOf"):
            return self.union(shape, depth + 1, owner, nested)
        if shape == "allOf":
            return self.all_of(depth + 1, owner, nested)
        if shape == "nullable":
            return self.nullable(self.schema(depth + 1, owner, nested))
        return self.primitive()

    def object(self, depth: int, owner: int | None) -> Schema:
        properties = {
            name: self.schema(depth, owner, nested=True)
            for name in self.draw(st.lists(names(), max_size=5, unique=True))
        }
        schema: Schema = {"type": "object"} if self.flag(0.9) else {}
        if properties or self.flag():
            schema["properties"] = properties
        if properties and self.flag(0.6):
            schema["required"] = self.draw(st.lists(st.sampled_from(sorted(properties)), min_size=1, unique=True))
            for name in schema["required"]:
                if self.flag(0.1):
                    properties[name] = {**properties[name], "readOnly": True}
        extra = self.draw(st.sampled_from(("absent", "absent", "true", "false", "schema")))
        if extra == "true":
            schema["additionalProperties"] = True
        elif extra == "false":
            schema["additionalProperties"] = False
        elif extra == "schema":
            schema["additionalProperties"] = self.schema(depth, owner, nested=True)
        return self.decorate(schema)

    def array(self, depth: int, owner: int | None, nested: bool) -> Schema:
        # Items may refer to any component, the array itself included (`A: array of A`).
        schema: Schema = {"type": "array", "items": self.schema(depth, owner, nested=True)}
        if self.flag(0.2):
            schema["minItems"] = self.draw(st.integers(0, 3))
        if self.flag(0.2):
            schema["maxItems"] = self.draw(st.integers(schema.get("minItems", 0), 10))
        if self.flag(0.15):
            schema["uniqueItems"] = True
        return self.decorate(schema)

    def map(self, depth: int, owner: int | None) -> Schema:
        return self.decorate({"type": "object", "additionalProperties": self.schema(depth, owner, nested=True)})

    def union(self, key: str, depth: int, owner: int | None, nested: bool) -> Schema:
        if self.flag(0.05):
            # A number or the word "auto", defaulting to the word: the default fits the second member.
            word = {"type": "string", "enum": ["auto"]}
            return self.decorate({key: [{"type": "number", "minimum": 0}, word], "default": "auto"})
        variants = [self.schema(depth, owner, nested) for _ in range(self.draw(st.integers(1, 4)))]
        if self.v31 and self.flag(0.4):
            variants.append({"type": "null"})
        schema: Schema = {key: variants}
        if not self.v31 and self.flag(0.3):
            schema["nullable"] = True
        return self.decorate(schema)

    def all_of(self, depth: int, owner: int | None, nested: bool) -> Schema:
        n = len(self.component_names)
        later = range(n) if nested or owner is None else range(owner + 1, n)
        parents = [i for i in later if self.kinds[i] == "object"]
        parts: list[Schema] = []
        if parents and self.flag(0.7):
            parts.append(ref(self.component_names[self.draw(st.sampled_from(parents))]))
        if not parts or self.flag():
            parts.append(self.object(depth, owner))
        return self.decorate({"allOf": parts})

    def component(self, index: int) -> Schema:
        kind = self.kinds[index]
        later = list(range(index + 1, len(self.component_names)))
        if kind == "object":
            return self.object(0, index)
        if kind in ("enum_str", "enum_int"):
            schema = self.enum(integer=kind == "enum_int")
            return self.nullable(schema) if self.flag(0.15) else schema
        if kind == "array":
            return self.array(0, index, nested=False)
        if kind == "map":
            return self.map(0, index)
        if kind == "union":
            return self.union(self.draw(st.sampled_from(("anyOf", "oneOf"))), 1, index, nested=False)
        if kind == "alias":
            return self.ref_to(later) or self.primitive()
        if kind == "allOf":
            return self.all_of(1, index, nested=False)
        return self.primitive(allow_null=False)

    # -- tagged unions -------------------------------------------------------------------------
    def tagged_union(self, union_name: str, member_names: list[str]) -> None:
        """Member objects that each fix a tag property, and a oneOf of them with a discriminator."""
        tag = self.draw(names())
        values = self.draw(
            st.lists(
                names(),
                min_size=len(member_names),
                max_size=len(member_names),
                unique=True,
            )
        )
        mapping: dict[str, str] = {}
        for member, value in zip(member_names, values, strict=True):
            tag_schema: Schema = (
                {"type": "string", "const": value}
                if self.v31 and self.flag()
                else {
                    "type": "string",
                    "enum": [value],
                }
            )
            body = self.object(1, None)
            body.setdefault("properties", {})[tag] = tag_schema
            body["type"] = "object"
            body["required"] = sorted({*body.get("required", []), tag})
            self.components[member] = body
            mapping[value] = ref(member)["$ref"]
        union: Schema = {"oneOf": [ref(m) for m in member_names], "discriminator": {"propertyName": tag}}
        if self.flag():
            union["discriminator"]["mapping"] = mapping
        self.components[union_name] = self.decorate(union)


def _fits(schema: Schema, value: Any, *, integer: bool) -> bool:
    """Whether `value` keeps the bounds and `multipleOf` of a number schema (3.0 or 3.1 style)."""
    if integer and not isinstance(value, int):
        return False
    low, high = schema.get("minimum"), schema.get("maximum")
    exclusive = schema.get("exclusiveMinimum")
    if low is not None and value < low:
        return False
    if exclusive is True and low is not None and value <= low:
        return False
    if isinstance(exclusive, int | float) and not isinstance(exclusive, bool) and value <= exclusive:
        return False
    if high is not None and value > high:
        return False
    step = schema.get("multipleOf")
    return step is None or (value / step) == int(value / step)


@dataclass
class _Operations:
    """Draws operations: parameters of every location, bodies, responses and security."""

    b: _Builder
    schemes: dict[str, Schema]
    parameters: dict[str, Schema] = field(default_factory=dict)  # components/parameters
    used_operation_ids: set[str] = field(default_factory=set)

    def parameter(self, name: str, location: str) -> Schema:
        b = self.b
        parameter: Schema = {"name": name, "in": location}
        if location == "path":
            if not (b.lenient and b.flag(0.15)):  # else warned, taken as required
                parameter["required"] = True
            kind = b.draw(st.sampled_from(("string", "string", "integer")))
            schema: Schema = {"type": kind}
            if kind == "string" and b.flag(0.2):
                schema["format"] = b.draw(st.sampled_from(("uuid", "date")))
        else:
            if b.flag(0.3):
                parameter["required"] = True
            if location == "query" and b.flag(0.2):
                schema = {"type": "array", "items": b.primitive(allow_null=False)}
                if b.flag():
                    parameter["style"] = b.draw(st.sampled_from(("form", "spaceDelimited", "pipeDelimited")))
                    parameter["explode"] = b.flag()
            else:
                schema = b.schema(2, None, nested=True)
        if "style" not in parameter and b.flag(0.1):  # `content` excludes `style` and `explode`
            parameter["content"] = {"application/json": {"schema": schema}}
        else:
            parameter["schema"] = schema
        if b.flag(0.3):
            parameter["description"] = b.text()
        if b.flag(0.05):
            parameter["deprecated"] = True
        if b.flag(0.1) and "schema" in parameter:
            parameter["example"] = b.text() if schema.get("type") == "string" else None
            if parameter["example"] is None:
                del parameter["example"]
        return parameter

    def querystring(self) -> Schema:
        """The whole query string as one form object (3.2 `in: querystring`)."""
        b = self.b
        properties = {
            name: b.primitive(allow_null=False)
            for name in b.draw(st.lists(cleanable(names()), min_size=1, max_size=3, unique=True))
        }
        name = b.draw(cleanable(names()))
        form = {"application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": properties}}}
        return {"name": name, "in": "querystring", "content": form}

    def request_body(self) -> Schema:
        b = self.b
        kind = b.draw(st.sampled_from(("json", "json", "json", "multipart", "form", "binary")))
        if kind == "json":
            media = {b.draw(st.sampled_from(JSON_TYPES)): {"schema": b.schema(0, None, nested=True)}}
        elif kind in ("multipart", "form"):
            properties: dict[str, Schema] = {}
            for name in b.draw(st.lists(cleanable(names()), min_size=1, max_size=4, unique=True)):
                if kind == "multipart" and b.flag(0.4):
                    properties[name] = {"type": "string", "format": "binary"}
                else:
                    properties[name] = b.primitive(allow_null=False)
            body: Schema = {"type": "object", "properties": properties}
            if b.flag():
                body["required"] = sorted(properties)[:1]
            media_type = "multipart/form-data" if kind == "multipart" else "application/x-www-form-urlencoded"
            media = {media_type: {"schema": body}}
        else:
            media_type = b.draw(st.sampled_from(("application/octet-stream", "image/png", "text/plain")))
            media = {media_type: {"schema": {"type": "string", "format": "binary"}}}
        request: Schema = {"content": media}
        if b.flag(0.5):
            request["required"] = True
        if b.flag(0.2):
            request["description"] = b.text()
        return request

    def response(self, code: str) -> Schema:
        b = self.b
        response: Schema = {"description": b.text() or "a response"}
        if code == "204":
            return response
        kinds = ("json", "json", "json", "text", "binary", "none", *(("jsonl",) if b.v32 else ()))
        kind = b.draw(st.sampled_from(kinds))
        if kind == "json":
            media: Schema = {"schema": b.schema(0, None, nested=True)}
            if b.flag(0.05):
                media["examples"] = {"one": {"value": {"$ref": "#/not/a/reference"}}}
            response["content"] = {b.draw(st.sampled_from(JSON_TYPES)): media}
            if b.lenient and b.flag(0.1):
                # `schema` slipped beside the media type: warned, read as the media type's.
                response["content"] = {"application/json": {}, "schema": media["schema"]}
        elif kind == "jsonl":  # a sequence of items (3.2 `itemSchema`)
            response["content"] = {"application/jsonl": {"itemSchema": b.schema(1, None, nested=True)}}
        elif kind == "text":
            response["content"] = {"text/plain": {"schema": {"type": "string"}}}
        elif kind == "binary":
            media_type = b.draw(st.sampled_from(("application/octet-stream", "application/pdf")))
            response["content"] = {media_type: {"schema": {"type": "string", "format": "binary"}}}
        return response

    def security(self) -> list[Schema]:
        """A security requirement list: one scheme, two together, alternatives, or none (`[]`, `[{}]`)."""
        b = self.b
        names_ = sorted(self.schemes)
        shape = b.draw(st.sampled_from(("one", "one", "both", "either", "none", "optional")))
        if shape == "none":
            return []
        if shape == "optional":
            return [{}, {b.draw(st.sampled_from(names_)): []}]
        if shape == "both" and len(names_) > 1:
            return [{names_[0]: [], names_[1]: []}]
        if shape == "either" and len(names_) > 1:
            return [{names_[0]: []}, {names_[1]: []}]
        return [{b.draw(st.sampled_from(names_)): []}]

    def operation(self, method: str, path_params: list[str]) -> Schema:
        b = self.b
        op: Schema = {}
        id_shape = b.draw(st.sampled_from(("name", "name", "fastapi", "absent")))
        if id_shape != "absent":
            operation_id = b.draw(cleanable(names()))
            if id_shape == "fastapi":
                operation_id = f"{snake_like(operation_id)}_api_v1_items_{method}"
            if operation_id not in self.used_operation_ids:
                self.used_operation_ids.add(operation_id)
                op["operationId"] = operation_id
        if b.flag(0.3):
            op["summary"] = b.text()
        if b.flag(0.3):
            op["description"] = b.text()
        if b.flag(0.05):
            op["deprecated"] = True
        grouping = b.draw(st.sampled_from(("tag", "tag", "path", "x-resource")))
        if grouping == "tag":
            op["tags"] = [b.draw(cleanable(names()))]
        elif grouping == "x-resource":
            part = cleanable(names().map(lambda n: n.replace(".", "_")))
            op["x-resource"] = ".".join(b.draw(st.lists(part, min_size=1, max_size=2)))
        if b.flag(0.1):
            op["x-method"] = b.draw(cleanable(names()))
        elif b.lenient and b.flag(0.05):
            op["x-methd"] = b.draw(cleanable(names()))  # a typo of x-method: warned, not read
        parameters: list[Schema] = [self.parameter(name, "path") for name in path_params]
        taken = {(name, "path") for name in path_params}
        for _ in range(b.draw(st.integers(0, 5))):
            location = b.draw(st.sampled_from(("query", "query", "header", "cookie")))
            name = b.draw(cleanable(names()) if location == "query" else cleanable(http_tokens(names())))
            if (name, location) in taken:
                continue
            taken.add((name, location))
            parameter = self.parameter(name, location)
            if b.flag(0.2):
                key = b.draw(component_names())
                if key not in self.parameters:
                    self.parameters[key] = parameter
                    parameter = ref(key, "parameters")
            parameters.append(parameter)
        if parameters:
            op["parameters"] = parameters
        with_body = method in ("post", "put", "patch", "query") or (method == "delete" and b.flag(0.1))
        if with_body and b.flag(0.8):
            op["requestBody"] = self.request_body()
        if b.v32 and not any(p.get("in") == "query" for p in parameters if isinstance(p, dict)) and b.flag(0.1):
            op.setdefault("parameters", []).append(self.querystring())
        codes = b.draw(st.lists(st.sampled_from(SUCCESS_CODES + ERROR_CODES), min_size=1, max_size=4, unique=True))
        if not (b.v31 or b.lenient) or b.flag(0.95):  # optional since 3.1; in 3.0, warned
            op["responses"] = {code: self.response(code) for code in codes}
        if self.schemes and b.flag(0.3):
            op["security"] = self.security()
        return op

    def paginated(self, path_params: list[str]) -> Schema:
        """A list operation with `x-pagination` in one of its styles, its page object (or a root array)
        and the query parameters the style names. Field paths are lists: a drawn name may hold a dot."""
        b = self.b
        items, next_token, total, offset, limit = b.draw(
            st.lists(cleanable(names()), min_size=5, max_size=5, unique=True)
        )
        item_schema = b.schema(1, None, nested=True)
        page: Schema = {
            "type": "object",
            "required": [items],
            "properties": {
                items: {"type": "array", "items": item_schema},
                next_token: b.nullable({"type": "string"}),
                total: {"type": "integer"},
            },
        }
        style = b.draw(st.sampled_from(("offset", "cursor", "page", "next-url", "link-header")))
        advanced = {"type": "string"} if style == "cursor" else {"type": "integer", "minimum": 0}
        parameters = [self.parameter(name, "path") for name in path_params]
        parameters += [
            {"name": offset, "in": "query", "schema": advanced},
            {"name": limit, "in": "query", "schema": {"type": "integer"}},
        ]
        pagination: Schema = {"style": style, "items": [items]}
        if style == "offset":
            pagination["offset-param"] = offset
            if b.flag():
                pagination |= {"limit-param": limit, "next-token": [next_token], "total": [total]}
        elif style == "cursor":
            pagination |= {"next-token": [next_token], "token-param": offset}
        elif style == "page":
            pagination |= {"page-param": offset, "first-page": b.draw(st.sampled_from((0, 1)))}
            if b.flag():
                pagination |= {"limit-param": limit, "total": [total], "total-pages": [total]}
        elif style == "next-url":
            pagination["next-url"] = [next_token]
        elif b.flag():  # link-header over the root array
            page = {"type": "array", "items": item_schema}
            del pagination["items"]
        operation_id = f"list_{len(self.used_operation_ids)}_page"
        self.used_operation_ids.add(operation_id)
        return {
            "operationId": operation_id,
            "parameters": parameters,
            "x-pagination": pagination,
            "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": page}}}},
        }


def _security_schemes(b: _Builder) -> dict[str, Schema]:
    schemes: dict[str, Schema] = {}
    for name in b.draw(st.lists(component_names(), max_size=3, unique=True)):
        kind = b.draw(st.sampled_from(("bearer", "basic", "header", "query", "cookie", "oauth2", "oidc")))
        if kind == "bearer":
            schemes[name] = {"type": "http", "scheme": b.draw(st.sampled_from(("bearer", "Bearer")))}
        elif kind == "basic":
            schemes[name] = {"type": "http", "scheme": "basic"}
        elif kind == "oauth2":
            schemes[name] = {
                "type": "oauth2",
                "flows": {"clientCredentials": {"tokenUrl": "https://auth.example.com/token", "scopes": {}}},
            }
        elif kind == "oidc":
            schemes[name] = {"type": "openIdConnect", "openIdConnectUrl": "https://auth.example.com/.well-known"}
        else:
            schemes[name] = {"type": "apiKey", "in": kind, "name": b.draw(names())}
        if b.flag(0.3):
            schemes[name]["description"] = b.text()
    return schemes


def snake_like(name: str) -> str:
    """A FastAPI-style function name from any name: word characters only."""
    return "".join(c if c.isalnum() else "_" for c in name) or "op"


@st.composite
def openapi_documents(draw: Draw[Any], *, strict: bool = False, lenient: bool = False) -> dict[str, Any]:
    """One valid OpenAPI document (a plain dict, ready for JSON or YAML). Unless `strict`, a
    document may name its component schemas outside `^[a-zA-Z0-9._-]+$` (unicode, punctuation),
    as real specs do although OpenAPI says they should not. `lenient`: also what the generator
    builds with a warning (see the module's docstring)."""
    version = draw(st.sampled_from(("3.0.3", "3.1.0", "3.0.0", "3.1.1", "3.2.0")))
    schema_names = cleanable(names() if not strict and draw(st.integers(0, 99)) < 20 else component_names())
    all_names = draw(st.lists(schema_names, max_size=9, unique=True))
    tagged_count = draw(st.sampled_from((0, 0, 2, 3))) if len(all_names) >= 5 else 0
    plain = all_names[: len(all_names) - tagged_count]
    kinds = [draw(st.sampled_from(COMPONENT_KINDS)) for _ in plain]
    v32 = version.startswith("3.2")
    b = _Builder(draw, not version.startswith("3.0"), plain, kinds, v32=v32, strict=strict, lenient=lenient)
    # `strict`: no `$self`, whose references a validator would fetch from the network.
    if v32 and not strict and b.flag(0.5):
        b.self_uri = "https://api.example.com/v1/openapi.yaml"
    for index, name in enumerate(plain):
        b.components[name] = b.component(index)
    if tagged_count:
        members = all_names[len(plain) :]
        b.tagged_union(members[0], members[1:])

    document: dict[str, Any] = {
        "openapi": version,
        "info": {"title": b.text() or "t", "version": b.text() or "1"},
    }
    if b.self_uri:
        document["$self"] = b.self_uri
    if b.flag(0.4):
        document["info"]["description"] = b.text()
    if b.flag(0.6):
        url = draw(
            st.sampled_from(
                (
                    "https://api.example.com",
                    "https://api.example.com/v1/",
                    "http://127.0.0.1:9",
                    "/relative",
                    "https://{region}.example.com/{base}",
                    'https://x.test/"; import os',
                )
            )
        )
        server: Schema = {"url": url}
        if "{" in url:
            server["variables"] = {"region": {"default": "eu"}, "base": {"default": "v1"}}
        document["servers"] = [server]
    if b.flag(0.2):
        document["x-client"] = {
            "branded-name": draw(names().filter(client_class_name_ok)),
            "api-key-env": draw(ENV_NAMES),
            "base-url-env": draw(ENV_NAMES),
        }
    schemes = _security_schemes(b)
    ops = _Operations(b, schemes)
    if schemes and b.flag(0.5):
        document["security"] = ops.security()

    paths: dict[str, Any] = {}
    shapes: set[str] = set()
    for index in range(draw(st.integers(0, 4))):
        parts: list[str] = []
        path_params: list[str] = []
        for _ in range(draw(st.integers(1, 3))):
            if parts and b.flag(0.4):
                name = draw(cleanable(path_parameter_names()))
                if name not in path_params:
                    path_params.append(name)
                    parts.append("{" + name + "}")
                    continue
            parts.append(draw(cleanable(segments())))
        shape = "/".join("{}" if p.startswith("{") else p for p in parts)
        if shape in shapes:
            parts.append(f"x{index}")
            shape += f"/x{index}"
        shapes.add(shape)
        item: dict[str, Any] = {}
        if b.flag(0.1):
            item["get"] = ops.paginated(path_params)
        else:
            shared = path_params if path_params and b.flag(0.2) else []
            if shared:
                item["parameters"] = [ops.parameter(name, "path") for name in shared]
            choices = (*HTTP_METHODS, "query", "PURGE") if v32 else HTTP_METHODS
            methods = draw(st.lists(st.sampled_from(choices), min_size=1, max_size=3, unique=True))
            for method in methods:
                operation = ops.operation(method.lower(), [p for p in path_params if p not in shared])
                if method.isupper():  # a method of its own (3.2 `additionalOperations`)
                    item.setdefault("additionalOperations", {})[method] = operation
                else:
                    item[method] = operation
        if b.flag(0.1):
            item["summary"] = b.text()
        paths["/" + "/".join(parts)] = item
    document["paths"] = paths

    components: dict[str, Any] = {}
    if b.components:
        components["schemas"] = b.components
    if ops.parameters:
        components["parameters"] = ops.parameters
    if schemes:
        components["securitySchemes"] = schemes
    if components:
        document["components"] = components
    operations = [op for item in paths.values() for op in item.values() if isinstance(op, dict)]
    operations += [op for item in paths.values() for op in item.get("additionalOperations", {}).values()]
    tags = sorted({op["tags"][0] for op in operations if op.get("tags")})
    if tags and b.flag():
        document["tags"] = [{"name": t, "description": b.text()} for t in tags]
        if v32 and b.flag():
            # Hierarchical tags: each under a section of its own, which no operation names.
            for index, tag in enumerate(document["tags"]):
                tag["parent"] = f"Section {index % 2}"
            document["tags"] += [{"name": f"Section {i}", "kind": "nav"} for i in range(min(2, len(tags)))]
    return document
