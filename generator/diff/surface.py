"""The IR (and where each part stands in the spec) -> the Python surface a caller of the generated package
sees: client classes, resources, methods with their parameters and return types, errors, pagination and
waits (`x-poll`), and the models with their fields and enum members, each model marked as read, passed
or both. The properties of an object request body are keyword arguments of its method, compared as
parameters.

This is the one place that reads the IR for the comparison: a new IR field (a body property, a new
pagination style, a stream) becomes comparable by adding it to a dataclass here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..ir import Api, Operation
from ..lower.typemap import TypeMapper
from .contract import Promise, ValueRules, promise, server_urls, value_rules
from .locations import Location, Locator
from .types import members, shown, split_union

_MODEL_NAME = re.compile(r"\b_models\.(\w+)")


@dataclass(frozen=True)
class Param:
    """One thing a method takes: a parameter, the request body, or the stream choice."""

    name: str  # the Python keyword (or positional parameter)
    wire: str  # where it goes on the wire: `query project_id`, `body`, ...
    annotation: str
    required: bool
    position: int | None  # for a positional parameter
    location: Location
    deprecated: bool = False
    rules: ValueRules = field(default_factory=ValueRules)  # the default the API applies and the constraints it checks


@dataclass(frozen=True)
class WaitMethod:
    """A wait (`x-poll`) beside its operation's method: what it compares, and the pace it defaults to."""

    name: str
    compares: str  # `job.status` is "completed", failing on "failed" or "cancelled"
    defaults: dict[str, str]  # `interval`, `backoff`, `max interval`, `timeout` -> the value, as shown
    location: Location


@dataclass(frozen=True)
class Method:
    resource: str  # `beta.batch`
    name: str
    endpoint: str  # `GET /api/v1/...`
    params: dict[str, Param]
    returns: str  # what the method returns, as annotated
    errors: dict[str, str]  # status (`422`, `4XX`, `default`) -> the error body's model
    pagination: dict[str, str]  # how it pages (declared or inferred), by key; empty when not paginated
    location: Location
    deprecated: bool = False
    promise: Promise = field(default_factory=Promise)  # media types, success statuses, own servers
    security: frozenset[frozenset[str]] | None = None  # the alternatives of schemes it requires
    security_location: Location | None = None
    waits: dict[str, WaitMethod] = field(default_factory=dict)  # by method name

    @property
    def qualified(self) -> str:
        return f"{self.resource}.{self.name}"


@dataclass(frozen=True)
class Field:
    name: str  # the property's name (the model's attribute)
    annotation: str
    required: bool
    location: Location
    deprecated: bool = False

    @property
    def nullable(self) -> bool:
        return "None" in members(self.annotation)


@dataclass(frozen=True)
class Model:
    name: str
    fields: dict[str, Field]
    enum: tuple[str, ...] | None  # the members of an enum class
    location: Location
    read: bool  # a response (or an error, or a stream's event) holds it
    passed: bool  # a parameter or a request body holds it; a body whose properties are keyword arguments
    # (compared there, as parameters) and nothing else is neither read nor passed
    stands_for: str | None = None  # a type alias (a union, an array, ...): the annotation it is


@dataclass(frozen=True)
class Surface:
    client: dict[str, tuple[str, Location]]  # `class`, `api key variable`, `base URL variable` -> value
    resources: dict[str, Location]  # `beta.batch` -> where its first operation stands
    methods: dict[str, Method]  # `beta.batch.get_status` -> the method
    models: dict[str, Model] = field(default_factory=dict)
    servers: tuple[str, ...] = ()  # the API's server URLs; the first is the client's default
    servers_location: Location | None = None
    # The events of `client.webhooks.unwrap` (`webhooks`, `x-webhooks`): name -> (its model, where).
    webhooks: dict[str, tuple[str, Location]] = field(default_factory=dict)

    def is_enum(self, name: str) -> bool:
        model = self.models.get(name)
        return model is not None and model.enum is not None

    def alias(self, name: str) -> str | None:
        """What model `name` stands for when it is a type alias (no class: a union of its members)."""
        model = self.models.get(name)
        return model.stands_for if model is not None else None


def extract(api: Api, where: Locator) -> Surface:
    methods = {}
    resources: dict[str, Location] = {}
    for op in api.operations():
        method = _method(op, where, api.enum_names, api.default_security)
        methods[method.qualified] = method
        resources.setdefault(method.resource, method.location)
    for resource in api.all_resources():
        resources.setdefault(".".join(resource.path), where.root("paths"))
    settings, root = api.settings, where.root("x-client")
    client = {
        "client class": (settings.class_name, root),
        "API key variable": (settings.api_key_env, root),
        "base URL variable": (settings.base_url_env, root),
    }
    servers = where.spec.document.get("servers")
    models = _models(api, where, methods)
    hooks = api.webhooks
    events = {e.name: (e.model, where.root(hooks.webhook_key, e.name)) for e in hooks.events} if hooks else {}
    return Surface(client, resources, methods, models, server_urls(servers), where.root("servers"), events)


def _method(
    op: Operation, where: Locator, enums: frozenset[str], default_security: tuple[tuple[str, ...], ...] | None
) -> Method:
    params: dict[str, Param] = {}
    position = 0
    components = where.component_schemas
    for p in op.parameters:
        located = where.parameter(op.path, op.http_method, p.wire_name, p.location)
        written = where.parameter_object(op.path, op.http_method, p.wire_name, p.location) or {}
        params[p.py_name] = Param(
            p.py_name,
            f"{p.location} {p.wire_name}",
            _without_enum_literals(p.annotation, enums),
            p.required,
            position if p.location == "path" else None,
            located,
            p.deprecated,
            value_rules(written.get("schema"), components),
        )
        position += p.location == "path"
    body = op.body
    if body is not None and body.expanded:  # each property is a keyword argument of its own
        for f in body.fields:
            located = where.body_property(op.path, op.http_method, body.media_type, f.wire_name)
            schema = where.body_property_schema(op.path, op.http_method, body.media_type, f.wire_name)
            rules = value_rules(schema, components)
            params[f.py_name] = Param(
                f.py_name, f"body {f.wire_name}", f.annotation, f.required, None, located, f.deprecated, rules
            )
    elif body is not None:
        located = where.body(op.path, op.http_method)
        params[body.py_name] = Param(body.py_name, f"{body.kind} body", body.annotation, body.required, None, located)
    if op.stream_choice is not None:
        keyword = op.stream_choice.keyword
        params[keyword] = Param(
            keyword, "the stream choice", "bool", False, None, where.operation(op.path, op.http_method)
        )
    response = op.response
    if op.pagination is not None:
        returns = f"SyncPage[{op.pagination.item_annotation}]"
    elif response.kind == "stream" and response.stream is not None:
        returns = f"Stream[{response.stream.item_annotation}]"
    elif response.stream is not None:  # a plain body, or a stream when the caller asks for one
        returns = f"{response.annotation} | Stream[{response.stream.item_annotation}]"
    else:
        returns = response.annotation
    paging = op.pagination
    pagination = {} if paging is None else {
        "style": paging.style,
        "items": ".".join(paging.items) or "(the whole response)",
        "next": ".".join(paging.next),
        "total": ".".join(paging.total),
        "total pages": ".".join(paging.total_pages),
        "parameter": f"{paging.param} (in the {paging.param_in})" if paging.param else "",
        "limit parameter": paging.limit_param or "",
        "first page": str(paging.first_page) if paging.style == "page" else "",
        "item token": ".".join(paging.item_token),
        "reverse parameter": paging.reverse_param or "",
        "offset parameter": paging.offset_param or "" if paging.style == "cursor" else "",
        "has more": ".".join(paging.has_more),
        "is last": ".".join(paging.is_last),
    }  # fmt: skip
    operation = where.operation_object(op.path, op.http_method)
    required = op.security if op.security is not None else default_security
    own = isinstance(operation, dict) and "security" in operation
    return Method(
        resource=".".join(op.resource_path),
        name=op.method_name,
        endpoint=f"{op.http_method} {op.path}",
        params=params,
        returns=returns,
        errors={str(status): model for status, model, _ in op.error_models},
        pagination={k: v for k, v in pagination.items() if v},
        location=where.operation(op.path, op.http_method),
        deprecated=op.deprecated,
        promise=promise(where.path_item(op.path), operation),
        security=None if required is None else frozenset(frozenset(a) for a in required),
        security_location=where.at(operation, None, "security") if own else where.root("security"),
        waits=_waits(op, operation, where),
    )


def _waits(op: Operation, operation: Any, where: Locator) -> dict[str, WaitMethod]:
    declared = operation.get("x-poll") if isinstance(operation, dict) else None
    entries = {e.get("name"): e for e in declared if isinstance(e, dict)} if isinstance(declared, list) else {}
    fallback = where.operation(op.path, op.http_method)
    found = {}
    for wait in op.waits:
        compares = f"`{'.'.join(wait.field)}` is {' or '.join(json.dumps(v) for v in wait.success)}"
        if wait.failure:
            compares += f", failing on {' or '.join(json.dumps(v) for v in wait.failure)}"
        defaults = {
            "interval": f"{wait.interval:g} s",
            "backoff": f"{wait.backoff:g}",
            "max interval": "none" if wait.max_interval is None else f"{wait.max_interval:g} s",
            "timeout": "none" if wait.timeout is None else f"{wait.timeout:g} s",
        }
        entry = entries.get(wait.method_name)
        location = where.at(entry) if entry is not None else fallback
        found[wait.method_name] = WaitMethod(wait.method_name, compares, defaults, location)
    return found


def _without_enum_literals(annotation: str, enums: frozenset[str]) -> str:
    """A parameter taking an enum also takes its values as plain strings (`Status | Literal['a', ...]`):
    the literal repeats the enum, whose members are compared on the model, so it is left out here."""
    parts = split_union(annotation)
    if not any(m.group(1) in enums for part in parts if (m := _MODEL_NAME.fullmatch(part))):
        return annotation
    return " | ".join(part for part in parts if not part.startswith("Literal["))


def _models(api: Api, where: Locator, methods: dict[str, Method]) -> dict[str, Model]:
    types = TypeMapper(api.schemas)
    fields_of = {name: _fields(name, schema, types, where) for name, schema in api.schemas.items()}
    read = _reachable(
        [m.returns for m in methods.values()] + [e for m in methods.values() for e in m.errors.values()], fields_of
    )
    passed = _reachable([p.annotation for m in methods.values() for p in m.params.values()], fields_of)
    spelt_out = {op.body.model for op in api.operations() if op.body is not None and op.body.expanded and op.body.model}
    found = {}
    for name, schema in api.schemas.items():
        enum = schema.get("enum") if isinstance(schema, dict) else None
        location = where.schema(name) or _first_use(name, methods, fields_of) or where.root("components", "schemas")
        # Imported by name only: count it as both.
        unused = name not in read and name not in passed and name not in spelt_out
        found[name] = Model(
            name=name,
            fields=fields_of[name],
            enum=tuple(str(v) for v in enum if v is not None) if isinstance(enum, list) else None,
            location=location,
            read=name in read or unused,
            passed=name in passed or unused,
            stands_for=None if types.is_class(name) else types.annotation(schema),
        )
    return found


def _fields(name: str, schema: Any, types: TypeMapper, where: Locator) -> dict[str, Field]:
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        return {}
    listed = schema.get("required")
    required = listed if isinstance(listed, list) else []
    fallback = where.schema(name) or where.root("components", "schemas")
    return {
        str(prop): Field(
            str(prop),
            types.annotation(value),
            prop in required,
            where.schema_part(name, "properties", str(prop)) or fallback,
            isinstance(value, dict) and value.get("deprecated") is True,
        )
        for prop, value in schema["properties"].items()
    }


def _reachable(annotations: list[str], fields_of: dict[str, dict[str, Field]]) -> set[str]:
    """The model classes the annotations name, and those their fields name, and so on."""
    found: set[str] = set()
    stack = [name for text in annotations for name in _MODEL_NAME.findall(text)]
    while stack:
        name = stack.pop()
        if name in found or name not in fields_of:
            continue
        found.add(name)
        stack.extend(n for f in fields_of[name].values() for n in _MODEL_NAME.findall(f.annotation))
    return found


def _first_use(name: str, methods: dict[str, Method], fields_of: dict[str, dict[str, Field]]) -> Location | None:
    """Where a model hoisted from an inline schema is written: the property or the operation naming it."""
    for fields in fields_of.values():
        for f in fields.values():
            if name in _MODEL_NAME.findall(f.annotation):
                return f.location
    for method in methods.values():
        texts = [method.returns, *method.errors.values(), *(p.annotation for p in method.params.values())]
        if any(name in _MODEL_NAME.findall(text) for text in texts):
            return method.location
    return None


def load(spec: Path, overlays: tuple[Path, ...] = ()) -> Surface:
    """The surface of the package `spec` (with `overlays` applied) generates; raises SpecError (with
    `locate`) for a bad spec."""
    from ..errors import Diagnostic, SpecError
    from ..loader import SourceFiles
    from ..lower import lower
    from ..overlay import apply_overlays
    from ..resolver import resolve

    if not spec.is_file():
        raise SpecError([Diagnostic(f"spec file not found: {spec}", hint="check the path")])
    sources = SourceFiles()
    try:
        overlaid = apply_overlays(spec.resolve(), overlays, sources)
        resolved = resolve(spec.resolve(), sources, inserted=overlaid.origins)
        resolved.diagnostics[:0] = overlaid.diagnostics
        api = lower(resolved, "client", "")
    except SpecError as exc:
        exc.locate = sources.position  # type: ignore[attr-defined]
        raise
    return extract(api, Locator(resolved))


__all__ = ["Field", "Location", "Method", "Model", "Param", "Surface", "WaitMethod", "extract", "load", "shown"]
