"""Every example of an OpenAPI document, with the schema it illustrates and what parses it in the
generated package: a schema's `example` and `examples`, a media type's or a parameter's `example`,
and Example Objects' `value` (references followed). See parse_back.py for the targets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from support.instances import SCHEMA_PREFIX, escape, unescape


@dataclass(frozen=True)
class Example:
    where: str  # JSON pointer of the example in the document
    schema: Any  # the schema it illustrates (references into the document)
    value: Any
    target: dict[str, Any] | None  # what parses it in the generated package (see parse_back.py); None: nothing


def examples(document: dict[str, Any], names: dict[str, str]) -> list[Example]:
    """Every example of the document with the schema it is for and what parses it: a component's class
    (`names`: component -> class) for one inside a component schema, the operation's parser for a
    response's, the body's class for a request body's that refers to a component, nothing for a
    parameter's (parameters are sent, not parsed)."""
    found: list[Example] = []
    components = document.get("components") or {}

    def deref(value: Any) -> Any:
        seen = 0
        while isinstance(value, dict) and isinstance(value.get("$ref"), str) and seen < 10:
            ref = value["$ref"]
            if not ref.startswith("#/"):
                return None
            node: Any = document
            for part in ref[2:].split("/"):
                node = node.get(unescape(part)) if isinstance(node, dict) else None
            value, seen = node, seen + 1
        return value

    def schema_examples(schema: Any, where: str, checked: Any, target: dict[str, Any] | None) -> None:
        """A schema's own `example`/`examples`, and those of the schemas inside it; `checked`: the schema
        an example here illustrates (an `allOf` part's example illustrates the whole)."""
        if not isinstance(schema, dict):
            return
        if "example" in schema:
            found.append(Example(f"{where}/example", checked, schema["example"], target))
        if isinstance(schema.get("examples"), list):
            found.extend(Example(f"{where}/examples/{i}", checked, v, target) for i, v in enumerate(schema["examples"]))
        for key, value in schema.items():
            if key in ("properties", "patternProperties") and isinstance(value, dict):
                for name, sub in value.items():
                    move = ["property", name] if key == "properties" else ["values"]
                    at = f"{where}/{key}/{escape(name)}"
                    schema_examples(sub, at, _pointer(at, sub), _moved(target, move))
            elif key in ("items", "additionalProperties") and isinstance(value, dict):
                at = f"{where}/{key}"
                move = ["items"] if key == "items" else ["values"]
                schema_examples(value, at, _pointer(at, value), _moved(target, move))
            elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
                for i, sub in enumerate(value):
                    at = f"{where}/{key}/{i}"
                    # An example beside a reference in an `allOf` describes the whole value.
                    whole = key == "allOf" and isinstance(sub, dict) and "$ref" not in sub
                    schema_examples(sub, at, checked if whole else _pointer(at, sub), target)

    def holder(item: dict[str, Any], at: str, schema: Any, target: dict[str, Any] | None) -> None:
        """The `example` and `examples` (Example Objects) of a media type or a parameter."""
        if not isinstance(schema, dict):
            return
        if "example" in item:
            found.append(Example(f"{at}/example", schema, item["example"], target))
        if isinstance(item.get("examples"), dict):
            for name, example in item["examples"].items():
                example = deref(example)
                if isinstance(example, dict) and "value" in example:
                    found.append(Example(f"{at}/examples/{escape(name)}/value", schema, example["value"], target))

    def media(content: Any, where: str, target: Any) -> None:
        for media_type, item in (content or {}).items() if isinstance(content, dict) else ():
            item = deref(item)
            if isinstance(item, dict) and "json" in str(media_type):
                schema = item.get("schema")
                own = target
                if own is None and isinstance(schema, dict):
                    own = _class_target(schema, names)
                holder(item, f"{where}/{escape(media_type)}", schema, own)

    for name, schema in (components.get("schemas") or {}).items():
        pointer = f"{SCHEMA_PREFIX}{escape(name)}"
        schema_examples(schema, pointer, {"$ref": pointer}, {"class": names[name], "path": []})
    for path, item in (document.get("paths") or {}).items():
        for method, operation in item.items() if isinstance(item, dict) else ():
            if not isinstance(operation, dict) or method.startswith("x-") or method in ("parameters", "servers"):
                continue
            at = f"#/paths/{escape(path)}/{method}"
            for i, parameter in enumerate(operation.get("parameters") or []):
                parameter = deref(parameter)
                if isinstance(parameter, dict):
                    holder(parameter, f"{at}/parameters/{i}", parameter.get("schema"), None)
            body = deref(operation.get("requestBody"))
            if isinstance(body, dict):
                media(body.get("content"), f"{at}/requestBody/content", None)
            for code, response in (operation.get("responses") or {}).items():
                response = deref(response)
                if isinstance(response, dict):
                    endpoint = {"endpoint": [method.upper(), path], "status": str(code).upper()}
                    media(response.get("content"), f"{at}/responses/{escape(code)}/content", endpoint)
    return found


def _pointer(at: str, schema: Any) -> Any:
    """The schema at `at`, as a reference (one that is a reference already, as it is)."""
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        return {"$ref": schema["$ref"]}
    return {"$ref": at}


def _moved(target: dict[str, Any] | None, move: list[str]) -> dict[str, Any] | None:
    return None if target is None else {**target, "path": [*target["path"], move]}


def _class_target(schema: dict[str, Any], names: dict[str, str]) -> dict[str, Any] | None:
    """The class of a body schema that refers to a component."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
        name = unescape(ref[len(SCHEMA_PREFIX) :])
        return {"class": names[name], "path": []} if name in names else None
    return None
