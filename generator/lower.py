"""Resolved spec -> IR. Decides every name and type; reports every problem with its location."""

from __future__ import annotations

import functools
import keyword
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, Literal

from . import __version__
from .errors import Collector, Origin, escape_pointer
from .ir import (
    Api,
    ClientSettings,
    Operation,
    Pagination,
    Parameter,
    RequestBody,
    Resource,
    Response,
    SecurityScheme,
)
from .naming import (
    RESERVED_PARAMETERS,
    clean_schema_name,
    method_name_from_operation_id,
    pascal,
    safe_class_name,
    safe_identifier,
    schema_name_qualifiers,
    snake,
)
from .normalize import SchemaNormalizer
from .resolver import SCHEMA_PREFIX, UNRESOLVED, ResolvedSpec
from .typemap import KNOWN_TYPES, MODELS, TypeMapper, ref_name, union

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_BODY_PREFERENCE = {"json": 0, "form": 1, "multipart": 2}
IDEMPOTENT_METHODS = frozenset({"get", "put", "delete", "options", "head", "trace"})
_PATH_TEMPLATE = re.compile(r"\{([^{}]*)\}")


def lower(spec: ResolvedSpec, package: str, spec_hash: str) -> Api:
    return _Lowering(spec, package, spec_hash).run()


class _Lowering:
    def __init__(self, spec: ResolvedSpec, package: str, spec_hash: str) -> None:
        self.spec = spec
        self.doc = spec.document
        self.package = package
        self.spec_hash = spec_hash
        self.problems = Collector()
        self.problems.diagnostics.extend(spec.diagnostics)
        self.top = Origin(spec.root)
        self._reported: set[int] = set()  # ids of values already reported as broken
        self._checked: set[int] = set()  # ids of schemas already checked

    def origin(self, value: object, fallback: Origin) -> Origin:
        return self.spec.origins.get(id(value), fallback)

    # -- entry ---------------------------------------------------------------------------
    def run(self) -> Api:
        before = len(self.problems.diagnostics)
        self.check_version()
        if len(self.problems.diagnostics) > before:
            self.problems.raise_if_any()  # not an OpenAPI 3 document: nothing else would make sense
        self.class_names = self.name_schemas()
        self.schemas = self.rename_schemas()
        self.check_schemas()
        self.types = TypeMapper(self.schemas)
        self.schemes = self.security()
        resources = self.build_resources()
        self.normalizer.settle_inheritance()
        self.normalizer.hoist_self_items()
        enums = frozenset(n for n, s in self.schemas.items() if isinstance(s, dict) and "enum" in s)
        api = Api(
            title=str(self.info.get("title") or self.package),
            version=str(self.info.get("version") or ""),
            description=str(self.info.get("description") or ""),
            package=self.package,
            settings=self.client_settings,
            security=self.schemes,
            default_security=self.requirements(self.doc.get("security"), self.top.child("security")),
            resources=resources,
            schemas=self.schemas,
            enum_names=enums,
            spec_hash=self.spec_hash,
            generator_version=__version__,
        )
        self.problems.raise_if_any()
        return api

    @property
    def info(self) -> dict[str, Any]:
        info = self.doc.get("info")
        return info if isinstance(info, dict) else {}

    def check_version(self) -> None:
        if "swagger" in self.doc:
            self.problems.error(
                f"Swagger {self.doc['swagger']} (OpenAPI 2.0) is not supported",
                self.top.child("swagger"),
                "convert it to OpenAPI 3 first (for example with swagger2openapi)",
            )
            return
        version = self.doc.get("openapi")
        if version is None:
            self.problems.error("missing `openapi` version field", self.top, "add `openapi: 3.1.0` at the top")
        elif not re.fullmatch(r"3\.[01]\.\d+", str(version)):
            self.problems.error(
                f"unsupported OpenAPI version {version!r}",
                self.top.child("openapi"),
                "this generator reads OpenAPI 3.0.x and 3.1.x",
            )
        if not isinstance(self.doc.get("paths") or {}, dict):
            self.problems.error("`paths` must be a mapping", self.top.child("paths"))

    # -- schemas -------------------------------------------------------------------------
    def raw_schemas(self) -> dict[str, Any]:
        components = self.doc.get("components")
        schemas = components.get("schemas") if isinstance(components, dict) else None
        return schemas if isinstance(schemas, dict) else {}

    def name_schemas(self) -> dict[str, str]:
        """Component name -> class name. Collisions get the nearest distinguishing qualifier."""
        names = list(self.raw_schemas())
        wanted = {name: safe_class_name(clean_schema_name(name)) for name in names}
        for name, cls in wanted.items():
            if not cls:
                self.problems.error(
                    f"schema name {name!r} has no letters or digits to make a class name from",
                    self.top.child("components", "schemas", name),
                    "rename the schema",
                )
        result: dict[str, str] = {}
        taken: set[str] = set()
        groups: dict[str, list[str]] = {}
        for name in names:
            groups.setdefault(wanted[name] or "Schema", []).append(name)
        for cls, members in groups.items():
            if len(members) == 1:
                result[members[0]] = cls
                taken.add(cls)
        for cls, members in groups.items():
            if len(members) == 1:
                continue
            for name in members:
                candidate = cls
                for qualifier in schema_name_qualifiers(name):
                    candidate = qualifier + candidate if not candidate.startswith(qualifier) else candidate
                    if candidate not in taken and candidate != cls:
                        break
                n = 2
                base = candidate
                while candidate in taken:
                    candidate, n = f"{base}{n}", n + 1
                result[name] = candidate
                taken.add(candidate)
        return result

    def rename_schemas(self) -> dict[str, Any]:
        """Schemas keyed by class name, with every reference rewritten to the class name."""

        def rewrite(value: Any) -> Any:
            if isinstance(value, dict):
                out = {k: rewrite(v) for k, v in value.items()}
                name = ref_name(value)
                if name is not None and name in self.class_names:
                    out["$ref"] = SCHEMA_PREFIX + escape_pointer(self.class_names[name])
                return out
            if isinstance(value, list):
                return [rewrite(v) for v in value]
            return value

        self._rewrite = rewrite
        schemas = {self.class_names[name]: rewrite(schema) for name, schema in self.raw_schemas().items()}
        self.normalizer = SchemaNormalizer(schemas)
        self.normalizer.normalize_components()
        return schemas

    def check_schemas(self) -> None:
        raw = self.raw_schemas()
        for name, schema in raw.items():
            self.check_schema(schema, self.top.child("components", "schemas", name))
        self.check_alias_cycles(raw)

    def check_alias_cycles(self, raw: dict[str, Any]) -> None:
        """A schema that is only itself (`A: {$ref: B}`, `B: {$ref: A}`; `A: {anyOf: [{$ref: A}]}`)
        has no type. Recursion through properties, items or map values is fine."""
        aliases = {name: _aliased(schema) for name, schema in raw.items()}
        state: dict[str, int] = {}  # 1: on the current path, 2: done

        def visit(name: str, trail: list[str]) -> None:
            state[name] = 1
            for target in aliases.get(name, ()):
                if state.get(target) == 1:
                    cycle = [*trail[trail.index(target) :], target] if target in trail else [name, target]
                    self.problems.error(
                        "schema refers to itself with no object or array in between: " + " -> ".join(cycle),
                        self.origin(raw[target], self.top.child("components", "schemas", target)),
                        "make one of them an object or an array, or point the $ref elsewhere",
                    )
                elif target in aliases and target not in state:
                    visit(target, [*trail, target])
            state[name] = 2

        for name in aliases:
            if name not in state:
                visit(name, [name])

    def check_schema(self, schema: Any, where: Origin) -> None:
        if id(schema) in self._checked:  # a schema shared by several operations is reported once
            return
        self._checked.add(id(schema))
        if not isinstance(schema, dict):
            if not isinstance(schema, bool):
                self.problems.error("a schema must be a mapping", where)
            return
        where = self.origin(schema, where)
        kind = schema.get("type")
        kinds = kind if isinstance(kind, list) else [kind]
        if not all(k is None or isinstance(k, str) for k in kinds):
            self.problems.error(
                f"`type` must be a type name or a list of them, not {kind!r}",
                where.child("type"),
                "use one of " + ", ".join(sorted(KNOWN_TYPES)),
            )
            kinds = []
        for k in kinds:
            if k is not None and k not in KNOWN_TYPES:
                self.problems.error(
                    f"unknown type {k!r}",
                    where.child("type"),
                    "use one of " + ", ".join(sorted(KNOWN_TYPES)),
                )
        for key, value in schema.items():
            expected = _KEYWORD_VALUES.get(key)
            if expected is not None and value is not None and not expected[0](value):
                self.problems.error(f"`{key}` must be {expected[1]}, not {value!r:.60}", where.child(key))
        enum = schema.get("enum")
        if enum is not None:
            self.check_enum(enum, where.child("enum"))
        for key in ("properties", "patternProperties", "$defs"):
            children = schema.get(key)
            if isinstance(children, dict):
                for child_name, child in children.items():
                    self.check_schema(child, where.child(key, child_name))
        for key in ("items", "additionalProperties", "not"):
            if isinstance(schema.get(key), dict):
                self.check_schema(schema[key], where.child(key))
        for key in ("allOf", "anyOf", "oneOf"):
            variants = schema.get(key)
            if isinstance(variants, list):
                for index, variant in enumerate(variants):
                    self.check_schema(variant, where.child(key, index))

    def check_enum(self, enum: Any, where: Origin) -> None:
        if not isinstance(enum, list) or not enum:
            self.problems.error("`enum` must be a non-empty list", where)
            return
        seen: list[Any] = []
        for value in enum:
            if any(value == s and type(value) is type(s) for s in seen):
                self.problems.error(f"enum value {value!r} is listed twice", where, "remove the duplicate")
            seen.append(value)
        kinds = {type(v).__name__ for v in enum if v is not None}
        if len(kinds) > 1:
            self.problems.error(
                f"enum mixes value types ({', '.join(sorted(kinds))})",
                where,
                "use values of one type, or split the schema with anyOf",
            )

    # -- operations ----------------------------------------------------------------------
    def iter_operations(self) -> Iterator[tuple[str, str, dict[str, Any], list[Any], Origin]]:
        paths = self.doc.get("paths") or {}
        for path, item in paths.items():
            where = self.origin(item, self.top.child("paths", path))
            if not isinstance(item, dict):
                self.problems.error("a path item must be a mapping", where)
                continue
            shared = item.get("parameters") or []
            for method in HTTP_METHODS:
                operation = item.get(method)
                if operation is None:
                    continue
                op_where = self.origin(operation, where.child(method))
                if not isinstance(operation, dict):
                    self.problems.error("an operation must be a mapping", op_where)
                    continue
                yield str(path), method, operation, shared if isinstance(shared, list) else [], op_where

    def build_resources(self) -> list[Resource]:
        root = Resource(attr_name="", class_name="", path=())
        seen_ids: dict[str, Origin] = {}
        seen_methods: dict[tuple[tuple[str, ...], str], Origin] = {}
        for path, method, operation, shared, where in self.iter_operations():
            operation_id = operation.get("operationId")
            if isinstance(operation_id, str):
                if operation_id in seen_ids:
                    self.problems.error(
                        f"duplicate operationId {operation_id!r}",
                        where.child("operationId"),
                        f"it is also used at {seen_ids[operation_id].pointer}; operationIds must be unique",
                    )
                seen_ids.setdefault(operation_id, where.child("operationId"))
            resource_path = self.resource_path(path, operation, where)
            name = self.method_name(path, method, operation, where)
            if not name or not resource_path:
                continue
            key = (resource_path, name)
            if key in seen_methods and "x-method" not in operation:
                # A derived name: fall back to the whole operationId, then to a number.
                fallback = snake(str(operation.get("operationId") or f"{method} {path}"))
                name, n = safe_identifier(fallback), 2
                while (resource_path, name) in seen_methods:
                    name, n = f"{safe_identifier(fallback)}_{n}", n + 1
                key = (resource_path, name)
            if key in seen_methods:
                self.problems.error(
                    f"two operations would both be `{'.'.join(resource_path)}.{name}()`",
                    where,
                    f"the other is at {seen_methods[key].pointer}; give one of them another `x-method`",
                )
                continue
            seen_methods[key] = where
            lowered = self.operation(path, method, operation, shared, where, resource_path, name)
            if lowered is not None:
                self.resource_node(root, resource_path).operations.append(lowered)
        # A method and a sub-resource would be one attribute (`files.upload()` and `files.upload.go()`).
        resource_paths = {path[:depth] for path, _ in seen_methods for depth in range(1, len(path) + 1)}
        for (resource_path, name), where in seen_methods.items():
            if (*resource_path, name) in resource_paths:
                dotted = ".".join((*resource_path, name))
                self.problems.error(
                    f"the method `{dotted}()` has the name of the resource `{dotted}`",
                    where,
                    "give the operation another `x-method`, or the other operations another `x-resource`",
                )
        return root.children

    def resource_node(self, root: Resource, path: tuple[str, ...]) -> Resource:
        node = root
        for depth, part in enumerate(path, start=1):
            for child in node.children:
                if child.attr_name == part:
                    node = child
                    break
            else:
                child = Resource(
                    attr_name=part,
                    class_name="".join(pascal(p) for p in path[:depth]) + "Resource",
                    path=path[:depth],
                )
                node.children.append(child)
                node = child
        return node

    def resource_path(self, path: str, operation: dict[str, Any], where: Origin) -> tuple[str, ...]:
        declared = operation.get("x-resource")
        if isinstance(declared, str):
            names = declared.split(".")
        else:
            tags = operation.get("tags")
            if isinstance(tags, list) and tags and isinstance(tags[0], str):
                names = [tags[0]]
            else:
                segments = [s for s in path.split("/") if s and not s.startswith("{")]
                meaningful = [s for s in segments if not re.fullmatch(r"api|v\d+", s)]
                names = [meaningful[0] if meaningful else "default"]
        # A top-level resource is an attribute of the client, beside its own (`close`, `timeout`).
        parts = tuple(
            safe_identifier(snake(name), CLIENT_ATTRIBUTES if depth == 0 else _RESOURCE_ATTRIBUTES)
            for depth, name in enumerate(names)
        )
        if any(not p for p in parts):
            self.problems.error(
                "the resource name is empty after cleaning",
                where.child("x-resource" if isinstance(declared, str) else "tags"),
                "use letters in `x-resource` or the first tag",
            )
            return ()
        return parts

    def method_name(self, path: str, method: str, operation: dict[str, Any], where: Origin) -> str:
        declared = operation.get("x-method")
        if isinstance(declared, str):
            name, source = snake(declared), "x-method"
        elif isinstance(operation.get("operationId"), str):
            name = method_name_from_operation_id(operation["operationId"], path, method)
            source = "operationId"
        else:
            name, source = snake(f"{method} {path}"), "path"
        if not name:
            self.problems.error(
                f"the method name is empty after cleaning {source}", where.child(source), "use letters in it"
            )
            return ""
        return safe_identifier(name, frozenset({"with_raw_response", "with_options"}))

    def operation(
        self,
        path: str,
        method: str,
        operation: dict[str, Any],
        shared: list[Any],
        where: Origin,
        resource_path: tuple[str, ...],
        name: str,
    ) -> Operation | None:
        self.current_method = name
        parameters = self.parameters(
            path, shared, operation.get("parameters") or [], where, body="requestBody" in operation
        )
        response = self.response(operation, where, name)
        errors = self.error_models(operation, name)
        pagination = self.pagination(operation, where, response, parameters)
        idempotent = operation.get("x-idempotent")
        return Operation(
            operation_id=str(operation.get("operationId") or name),
            method_name=name,
            http_method=method.upper(),
            path=path,
            summary=str(operation.get("summary") or ""),
            description=str(operation.get("description") or ""),
            deprecated=operation.get("deprecated") is True,
            idempotent=idempotent if isinstance(idempotent, bool) else method in IDEMPOTENT_METHODS,
            parameters=parameters,
            body=self.request_body(operation, where),
            response=response,
            error_models=errors,
            pagination=pagination,
            endpoint_name="_" + name.upper().strip("_"),
            resource_path=resource_path,
            security=self.requirements(operation.get("security"), where.child("security")),
        )

    def parameters(
        self, path: str, shared: list[Any], own: list[Any], where: Origin, *, body: bool = False
    ) -> tuple[Parameter, ...]:
        merged: dict[tuple[str, str], tuple[dict[str, Any], Origin]] = {}
        for raw in shared:
            if isinstance(raw, dict) and UNRESOLVED not in raw:
                merged[(str(raw.get("name")), str(raw.get("in")))] = (raw, self.origin(raw, where))
            elif not isinstance(raw, dict) and id(shared) not in self._reported:
                self._reported.add(id(shared))  # once for the path item, not once per operation
                item = Origin(where.file, where.pointer.rsplit("/", 1)[0])  # the operation's path item
                self.problems.error("a parameter must be a mapping", item.child("parameters"))
        if not isinstance(own, list):
            self.problems.error("`parameters` must be a list", where.child("parameters"))
            own = []
        for index, raw in enumerate(own):
            p_where = self.origin(raw, where.child("parameters", index))
            if isinstance(raw, dict) and UNRESOLVED in raw:
                continue  # its broken $ref is reported already
            if not isinstance(raw, dict):
                self.problems.error("a parameter must be a mapping", p_where)
                continue
            merged[(str(raw.get("name")), str(raw.get("in")))] = (raw, p_where)
        template_names = _PATH_TEMPLATE.findall(path)
        result: list[Parameter] = []
        reserved = RESERVED_PARAMETERS | ({"body"} if body else set())
        used = set(reserved)
        for (wire, location), (raw, p_where) in merged.items():
            if location not in ("path", "query", "header", "cookie"):
                self.problems.error(
                    f"parameter {wire!r} has unknown location `in: {location}`",
                    p_where.child("in"),
                    "use path, query, header or cookie",
                )
                continue
            if "schema" not in raw and "content" not in raw:
                self.problems.error(
                    f"parameter {wire!r} has neither `schema` nor `content`",
                    p_where,
                    "add a `schema`, e.g. `schema: {type: string}`",
                )
                continue
            schema = raw.get("schema")
            if schema is None:
                content = raw.get("content")
                first: Any = next(iter(content.values()), {}) if isinstance(content, dict) else {}
                schema = first.get("schema") if isinstance(first, dict) else {}
            self.check_schema(schema, p_where.child("schema"))
            # An inline object in the query becomes a model (`search` + `filter` -> `SearchFilter`),
            # and a plain mapping is accepted too; other inline schemas (enums) stay literal types.
            inline_object = (
                location == "query"
                and isinstance(schema, dict)
                and "enum" not in schema
                and self.normalizer.hoistable(schema)
            )
            hoist_as = pascal(self.current_method) + pascal(wire) if inline_object else ""
            schema = self.local_schema(schema, hoist_as)
            required = raw.get("required") is True
            if location == "path":
                if wire not in template_names:
                    self.problems.error(
                        f"path parameter {wire!r} is not in the path template {path!r}",
                        p_where.child("name"),
                        "rename the parameter or add {" + wire + "} to the path",
                    )
                    continue
                if not required:
                    self.problems.error(
                        f"path parameter {wire!r} must be required",
                        p_where,
                        "set `required: true`; path parameters are always required",
                    )
            py_name = safe_identifier(snake(wire), reserved)
            if not py_name:
                self.problems.error(
                    f"parameter name {wire!r} is empty after cleaning",
                    p_where.child("name"),
                    "use letters in it",
                )
                continue
            if py_name in used:  # the same name in another location: `version` and `header_version`
                base = py_name = f"{location}_{snake(wire)}"
                n = 2
                while py_name in used:
                    py_name, n = f"{base}_{n}", n + 1
            used.add(py_name)
            annotation = self.types.annotation(schema, accept_literals=True)
            if inline_object:
                annotation = union([annotation, "Mapping[str, Any]"])
            result.append(
                Parameter(
                    wire_name=wire,
                    py_name=py_name,
                    location=location,  # type: ignore[arg-type]
                    required=required,
                    annotation=annotation,
                    description=str(raw.get("description") or ""),
                    nullable=self.types.nullable(schema),
                    style=str(raw.get("style") or ("form" if location in ("query", "cookie") else "simple")),
                    explode=raw.get("explode", location in ("query", "cookie")) is not False,
                    enum_values=self.types.enum_values(schema),
                    schema_type=self.types.json_type(schema),
                    deprecated=raw.get("deprecated") is True,
                )
            )
        declared_path = {p.wire_name for p in result if p.location == "path"}
        for missing in template_names:
            if missing not in declared_path and not any(w == missing and loc == "path" for (w, loc) in merged):
                self.problems.error(
                    f"path template {path!r} has {{{missing}}} but no path parameter {missing!r} is declared",
                    where.child("parameters"),
                    f"add `- name: {missing}, in: path, required: true, schema: {{type: string}}`",
                )
        # Path parameters keep the order of the template; the rest keep spec order.
        path_params = sorted(
            (p for p in result if p.location == "path"), key=lambda p: template_names.index(p.wire_name)
        )
        return tuple(path_params + [p for p in result if p.location != "path"])

    def request_body(self, operation: dict[str, Any], where: Origin) -> RequestBody | None:
        body = operation.get("requestBody")
        if not isinstance(body, dict):
            return None
        content = body.get("content")
        if not isinstance(content, dict) or not content:
            self.problems.error("a request body needs `content`", self.origin(body, where.child("requestBody")))
            return None
        # Several media types carry the same payload: JSON is preferred, then the forms, then the first.
        media_type = min(content, key=lambda m: _BODY_PREFERENCE.get(_body_kind(str(m)), 9))
        media = content[media_type]
        schema = media.get("schema") if isinstance(media, dict) else None
        schema = self.local_schema(
            schema, pascal(self.current_method) + "Body", where.child("requestBody", "content", media_type, "schema")
        )
        kind = _body_kind(media_type)
        annotation = "bytes" if kind == "binary" else self.types.annotation(schema, accept_literals=True)
        model = ref_name(schema) if isinstance(schema, dict) else None
        target = self.schemas.get(model) if model is not None else None
        if kind == "json" and isinstance(target, dict) and any(k in target for k in ("oneOf", "anyOf")):
            # A union model also takes one of its members as they are: `Shape` or `Circle`.
            annotation = union([annotation, self.types.annotation(target, accept_literals=True)])
        if kind in ("multipart", "form"):
            # A mapping lets callers pass file tuples (name, bytes, content type) the model cannot hold.
            annotation = union([annotation, "Mapping[str, Any]"])
        return RequestBody(
            media_type=media_type,
            kind=kind,
            required=body.get("required") is True,
            py_name="body",
            annotation=annotation,
            description=str(body.get("description") or ""),
        )

    def response(self, operation: dict[str, Any], where: Origin, name: str) -> Response:
        nothing = Response(kind="none", annotation="None", parser="_runtime.parse_none")
        responses = operation.get("responses")
        if not isinstance(responses, dict) or not responses:
            self.problems.error(
                "an operation needs `responses`", where.child("responses"), "add at least a 200 response"
            )
            return nothing
        by_code = {str(code): answer for code, answer in responses.items()}  # YAML may give int keys
        # Every 2xx is a possible answer; with none declared, `default` describes success too.
        success = sorted(code for code in by_code if code.startswith("2")) or (
            ["default"] if "default" in by_code else []
        )
        bodies: list[tuple[str, str, dict[str, Any]]] = []  # (status code, media type, media object)
        empty = False  # some success has no body (a 204 beside a 200)
        for code in success:
            answer = by_code[code]
            content = answer.get("content") if isinstance(answer, dict) else None
            if not isinstance(content, dict) or not content:
                empty = True
                continue
            media_type = str(next((m for m in content if "json" in str(m)), next(iter(content))))
            media = content[media_type] if isinstance(content[media_type], dict) else {}
            bodies.append((code, media_type, media))
        if not bodies:
            return nothing
        media_type, media = bodies[0][1], bodies[0][2]
        example = media.get("example")
        if "json" not in media_type:
            if media_type.startswith("text/"):
                return Response(kind="text", annotation="str", parser="_runtime.parse_text", media_type=media_type)
            return Response(kind="binary", annotation="bytes", parser="_runtime.parse_bytes", media_type=media_type)
        # Each distinct schema of a JSON success: the first hoisted as `<Method>Response`, the others
        # as `<Method>Response<code>`; the method returns their union.
        schemas: list[Any] = []
        seen: list[Any] = []
        for code, other_type, other in bodies:
            raw = other.get("schema")
            if "json" not in other_type or raw in seen:
                continue
            seen.append(raw)
            suffix = pascal(code) if schemas else ""
            schemas.append(self.local_schema(raw, pascal(name) + "Response" + suffix, where.child("responses", code)))
        annotation = union([self.types.annotation(schema) for schema in schemas])
        model = ref_name(schemas[0]) if len(schemas) == 1 and isinstance(schemas[0], dict) else None
        union_members = self._union_members(model)
        if model is not None and model in self.schemas and not self._is_root_model(model):
            parser = f"_runtime.model_parser(lambda: {MODELS}.{model})"
        elif model is not None and union_members is not None:
            # A union model: validated by its class (discriminator and all), returned unwrapped.
            annotation, parser, model = union_members, f"_runtime.root_parser(lambda: {MODELS}.{model})", None
        else:
            model = None
            parser = (
                f"_runtime.json_parser(lambda: pydantic.TypeAdapter({annotation}))"
                if annotation != "Any"
                else "_runtime.parse_json"
            )
        if empty:  # an empty body (a 204) is None, any other is parsed
            parse = (
                f"{MODELS}.{model}.model_validate_json(body)"
                if model is not None
                else f"{parser}(body)"
                if parser.startswith("_runtime.root_parser")
                else f"pydantic.TypeAdapter({annotation}).validate_json(body)"
                if annotation != "Any"
                else "_runtime.parse_json(body)"
            )
            annotation = union([annotation, "None"])
            parser = f"lambda body: {parse} if body else None"
        return Response(
            kind="json",
            annotation=annotation,
            parser=parser,
            media_type=media_type,
            model=model,
            example=example,
        )

    def local_schema(self, schema: Any, hoist_as: str, where: Origin | None = None) -> Any:
        """An operation's schema with references renamed to classes; inline objects and enums are
        hoisted under `hoist_as` (made unique) when it is given. Checked first when `where` is given."""
        if where is not None and schema is not None:
            self.check_schema(schema, self.origin(schema, where))
        if hoist_as:
            return self.normalizer.child(self._rewrite(schema), hoist_as)
        return self.normalizer.normalize(self._rewrite(schema), "Inline")

    def _union_members(self, name: str | None) -> str | None:
        """`A | B` for a component that is only a union of models (and maybe null), else None."""
        schema = self.schemas.get(name) if name is not None else None
        if not isinstance(schema, dict) or set(schema) - {
            "oneOf",
            "anyOf",
            "discriminator",
            "title",
            "description",
        }:
            return None
        variants = schema.get("oneOf") or schema.get("anyOf")
        if not isinstance(variants, list) or len(variants) < 2:
            return None
        if not all(isinstance(v, dict) and (ref_name(v) is not None or v.get("type") == "null") for v in variants):
            return None
        return self.types.annotation(schema)

    def _is_root_model(self, name: str) -> bool:
        schema = self.schemas.get(name)
        if not isinstance(schema, dict):
            return True
        return (
            schema.get("type") not in (None, "object")
            or "enum" in schema
            or any(k in schema for k in ("anyOf", "oneOf"))
        )

    def error_models(self, operation: dict[str, Any], name: str) -> tuple[tuple[int | str, str], ...]:
        """Status code (or `4XX`, `5XX`, `default`) -> model class of each error response with a JSON
        object body; an inline schema is hoisted as `<Method>Error<code>`."""
        found: list[tuple[int | str, str]] = []
        responses = operation.get("responses")
        if not isinstance(responses, dict):
            return ()
        for raw_code, response in responses.items():
            text = str(raw_code).upper()
            code: int | str
            if text.isdigit() and int(text) >= 400:
                code = int(text)
            elif text in ("4XX", "5XX") or (text == "DEFAULT" and self.has_success(responses)):
                code = text.lower() if text == "DEFAULT" else text
            else:
                continue
            if not isinstance(response, dict):
                continue
            content = response.get("content")
            if not isinstance(content, dict):
                continue
            for media_type, media in content.items():
                if "json" in media_type and isinstance(media, dict) and isinstance(media.get("schema"), dict):
                    schema = self.local_schema(
                        media["schema"], f"{pascal(name)}Error{pascal(str(code))}", self.top.child("paths")
                    )
                    cls = ref_name(schema) if isinstance(schema, dict) else None
                    if cls is not None and cls in self.schemas:
                        found.append((code, cls))
                    break
        # Exact codes first, then the ranges, then `default`: the order the runtime looks them up in.
        return tuple(sorted(found, key=lambda item: (isinstance(item[0], str), str(item[0]))))

    @staticmethod
    def has_success(responses: dict[Any, Any]) -> bool:
        """`default` describes errors only when a 2xx is declared beside it (else it is the success)."""
        return any(str(code).startswith("2") for code in responses)

    def pagination(
        self,
        operation: dict[str, Any],
        where: Origin,
        response: Response,
        parameters: tuple[Parameter, ...],
    ) -> Pagination | None:
        declared = operation.get("x-pagination")
        if declared is None:
            return None
        p_where = self.origin(declared, where.child("x-pagination"))
        if not isinstance(declared, dict) or declared.get("style") != "offset":
            self.problems.error(
                "`x-pagination` must be a mapping with `style: offset`", p_where, "see README: Pagination"
            )
            return None
        page_model = response.model
        if page_model is not None and UNRESOLVED in self.schemas[page_model]:
            return None  # its broken $ref is reported already
        if page_model is None:
            self.problems.error("a paginated operation must return an object schema", p_where)
            return None
        properties = self.schemas[page_model].get("properties") or {}
        wire_params = {p.wire_name for p in parameters if p.location == "query"}

        def field(key: str, required: bool) -> str | None:
            value = declared.get(key)
            if value is None and not required:
                return None
            if not isinstance(value, str) or value not in properties:
                self.problems.error(
                    f"`x-pagination.{key}` must name a property of {page_model}",
                    p_where.child(key),
                    "properties: " + ", ".join(properties),
                )
                return None
            return safe_identifier(value, frozenset({"model_config", "json", "copy", "schema"}))

        def param(key: str, required: bool) -> str | None:
            value = declared.get(key)
            if value is None and not required:
                return None
            if value not in wire_params:
                self.problems.error(
                    f"`x-pagination.{key}` must name a query parameter of the operation",
                    p_where.child(key),
                    "query parameters: " + ", ".join(sorted(wire_params)),
                )
                return None
            return str(value)

        items = field("items", True)
        offset = param("offset-param", True)
        if items is None or offset is None:
            return None
        item_schema = properties[declared["items"]].get("items")
        return Pagination(
            style="offset",
            items=items,
            next_token=field("next-token", False),
            total=field("total", False),
            offset_param=offset,
            limit_param=param("limit-param", False),
            item_annotation=self.types.annotation(item_schema),
            page_model=page_model,
        )

    # -- client-wide ---------------------------------------------------------------------
    @functools.cached_property
    def client_settings(self) -> ClientSettings:
        declared = self.doc.get("x-client")
        where = self.origin(declared, self.top.child("x-client"))
        declared = declared if isinstance(declared, dict) else {}
        env_prefix = snake(self.package).upper()
        servers = self.doc.get("servers")
        base_url = ""
        if isinstance(servers, list) and servers and isinstance(servers[0], dict):
            base_url = str(servers[0].get("url") or "")
        return ClientSettings(
            class_name=self.client_class_name(declared.get("branded-name"), where.child("branded-name")),
            api_key_env=self.env_name(declared.get("api-key-env"), f"{env_prefix}_API_KEY", where.child("api-key-env")),
            base_url_env=self.env_name(
                declared.get("base-url-env"), f"{env_prefix}_BASE_URL", where.child("base-url-env")
            ),
            default_base_url=base_url,
        )

    def client_class_name(self, declared: object, where: Origin) -> str:
        """`x-client.branded-name` as a class name, else one made from the package name. The class
        and its `Async` twin sit beside the package's other exports, so they may not take those names."""
        if declared is None:
            name = pascal(self.package) or "Api"
            name = "Api" + name if name[0].isdigit() else name
            return name + "Api" if _clashes_with_exports(name) or keyword.iskeyword(name) else name
        name = pascal(str(declared))
        if not name or name[0].isdigit() or keyword.iskeyword(name):
            problem = f"gives no usable class name (`{name}`)" if name else "has no letters or digits"
        elif _clashes_with_exports(name):
            problem = f"gives the class `{name}`, which clashes with another name the package exports"
        else:
            return name
        self.problems.error(f"x-client branded-name {declared!r} {problem}", where, "use a name such as `Acme`")
        return "Api"

    def env_name(self, declared: object, default: str, where: Origin) -> str:
        if declared is None:
            return default
        if isinstance(declared, str) and ENV_NAME.fullmatch(declared):
            return declared
        self.problems.error(
            f"{declared!r} is not an environment variable name",
            where,
            "use letters, digits and underscores, not starting with a digit (e.g. `ACME_API_KEY`)",
        )
        return default

    def security(self) -> tuple[SecurityScheme, ...]:
        """The schemes, each with the client keyword and environment variables of its credential:
        the first token scheme takes `api_key`, basic takes `username`/`password`, others their name."""
        components = self.doc.get("components")
        schemes = components.get("securitySchemes") if isinstance(components, dict) else None
        if not isinstance(schemes, dict):
            return ()
        prefix = snake(self.package).upper()
        result: list[SecurityScheme] = []
        options: set[str] = set()
        for name, scheme in schemes.items():
            if not isinstance(scheme, dict):
                continue
            kind, http_scheme = scheme.get("type"), str(scheme.get("scheme", "")).lower()
            where = self.origin(scheme, self.top.child("components", "securitySchemes", name))
            if kind == "http" and http_scheme == "basic":
                envs = (f"{prefix}_USERNAME", f"{prefix}_PASSWORD")
                result.append(SecurityScheme(name=name, kind="basic", option="username", envs=envs))
                continue
            if (kind == "http" and http_scheme == "bearer") or kind in ("oauth2", "openIdConnect"):
                entry = SecurityScheme(name=name, kind="bearer")
            elif kind == "apiKey" and scheme.get("in") in ("header", "query", "cookie") and scheme.get("name"):
                entry = SecurityScheme(name=name, kind="api_key", location=scheme["in"], parameter=str(scheme["name"]))
            else:
                self.problems.error(
                    f"security scheme {name!r} is not supported as written (type {kind!r})",
                    where,
                    "use http bearer or basic, or apiKey with `in` (header, query or cookie) and `name`",
                )
                continue
            if "api_key" not in options:
                option, env = "api_key", self.client_settings.api_key_env
            else:
                option = safe_identifier(snake(name), RESERVED_PARAMETERS) or "credential"
                env = f"{prefix}_{option.upper()}"
            options.add(option)
            result.append(replace(entry, option=option, envs=(env,)))
        return tuple(result)

    def requirements(self, value: Any, where: Origin) -> tuple[tuple[str, ...], ...] | None:
        """A `security` list as alternatives of scheme names; None when absent."""
        if value is None:
            return None
        if not isinstance(value, list):
            self.problems.error("`security` must be a list of requirement objects", where)
            return None
        known = {s.name for s in self.schemes}
        alternatives: list[tuple[str, ...]] = []
        for index, requirement in enumerate(value):
            if not isinstance(requirement, dict):
                self.problems.error("a security requirement must be a mapping", where.child(index))
                continue
            for name in requirement:
                if name not in known:
                    self.problems.error(
                        f"security requirement names an unknown scheme {name!r}",
                        where.child(index, name),
                        "declare it under components/securitySchemes"
                        + (f" ({', '.join(sorted(known))} are)" if known else ""),
                    )
            alternatives.append(tuple(str(n) for n in requirement if n in known))
        return tuple(dict.fromkeys(alternatives))


# Public attributes of the generated clients and resources, which a resource may not replace.
CLIENT_ATTRIBUTES = frozenset(
    {
        *("api_key", "base_url", "close", "default_headers", "is_closed", "max_response_bytes", "max_retries"),
        *("request", "request_page", "retry_non_idempotent", "timeout", "user_agent", "with_options"),
        "with_raw_response",
    }
)
_RESOURCE_ATTRIBUTES = frozenset({"with_raw_response"})
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# What the package's `__init__` and `_client` define besides the client classes.
_PACKAGE_NAMES = frozenset(
    {
        *("APIConnectionError", "APIError", "APIStatusError", "APITimeoutError", "AuthenticationError"),
        *("BadRequestError", "ConflictError", "InternalServerError", "NotFoundError", "PermissionDeniedError"),
        *("RateLimitError", "ResponseTooLargeError", "ResponseValidationError", "UnprocessableEntityError"),
        *("AsyncPage", "AsyncPaginator", "SyncPage", "RawResponse", "NotGiven", "Omit", "AsyncClient"),
        *("SyncAPIClient", "AsyncAPIClient", "AuthScheme", "ClassVar", "TYPE_CHECKING"),
    }
)


def _clashes_with_exports(class_name: str) -> bool:
    """`Client` itself is fine (`Client = Client`); `AsyncClient`, `Page` (-> `AsyncPage`) are not."""
    return class_name in _PACKAGE_NAMES or f"Async{class_name}" in _PACKAGE_NAMES - {"AsyncClient"}


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value  # not NaN


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _schema_or_bool(value: object) -> bool:
    return isinstance(value, dict | bool)


def _schemas_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict | bool) for v in value)


# The value each schema keyword takes (JSON Schema / OpenAPI), checked before the models library
# sees it, so a wrong one is reported where it stands.
_KEYWORD_VALUES: dict[str, tuple[Callable[[object], bool], str]] = {
    **dict.fromkeys(("title", "description", "format", "pattern", "$ref"), (lambda v: isinstance(v, str), "a string")),
    **dict.fromkeys(("minimum", "maximum"), (_number, "a number")),
    "multipleOf": (lambda v: _number(v) and v > 0, "a number above 0"),  # type: ignore[operator]
    **dict.fromkeys(
        ("exclusiveMinimum", "exclusiveMaximum"), (lambda v: _number(v) or isinstance(v, bool), "a number")
    ),
    **dict.fromkeys(
        ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"),
        (_count, "a whole number, 0 or more"),
    ),
    **dict.fromkeys(
        ("uniqueItems", "nullable", "readOnly", "writeOnly", "deprecated"),
        (lambda v: isinstance(v, bool), "true or false"),
    ),
    "required": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of property names"),
    **dict.fromkeys(("properties", "patternProperties"), (lambda v: isinstance(v, dict), "a mapping of schemas")),
    "items": (lambda v: _schema_or_bool(v) or _schemas_list(v), "a schema"),
    **dict.fromkeys(("additionalProperties", "additionalItems", "propertyNames", "not"), (_schema_or_bool, "a schema")),
    **dict.fromkeys(("allOf", "anyOf", "oneOf", "prefixItems"), (_schemas_list, "a list of schemas")),
    "discriminator": (
        lambda v: isinstance(v, str) or (isinstance(v, dict) and isinstance(v.get("propertyName"), str)),
        "a mapping with a `propertyName`",
    ),
}


def _aliased(schema: Any) -> set[str]:
    """The components `schema` is made of directly: `$ref`s at its top and in its allOf/anyOf/oneOf."""
    found: set[str] = set()
    if isinstance(schema, dict):
        name = ref_name(schema)
        if name is not None:
            found.add(name)
        for key in ("allOf", "anyOf", "oneOf"):
            if isinstance(schema.get(key), list):
                for member in schema[key]:
                    found |= _aliased(member)
    return found


def _body_kind(media_type: str) -> Literal["json", "multipart", "form", "binary"]:
    if "json" in media_type:
        return "json"
    if media_type.startswith("multipart/"):
        return "multipart"
    if media_type == "application/x-www-form-urlencoded":
        return "form"
    return "binary"
