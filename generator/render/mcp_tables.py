"""IR operations -> the MCP server's table (`_mcp/tools.json`): one tool per operation, its name
(`<resource path>_<method>`, at most 64 characters, unique), description, JSON Schemas of its input
(the method's keywords: parameters and body properties) and output (a JSON object response), hints,
and what the server needs to call the client method and shape its result. The server itself is
templates/mcp/.

The schemas are JSON Schema 2020-12: the components they refer to are kept once, under `defs`, and
each tool's `$defs` are gathered from there when the server starts. Written as JSON (not Python): a
large API's schemas would only slow the type checker down, and the server reads them only when it
starts."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from ..ir import Api, BodyField, Operation

TOOL_NAME_LIMIT = 64
DESCRIPTION_LIMIT = 1500  # characters of a tool's description: an agent reads every tool's
_COMPONENT = "#/components/schemas/"
# Keywords of OpenAPI's schema object that JSON Schema has no use for.
_DROPPED = frozenset({"discriminator", "xml", "externalDocs", "example"})
# A file a tool takes: a local path, or the content in base64.
UPLOAD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "a file: `path` of a local file, or `base64` of its content (with a `filename`)",
    "properties": {
        "path": {"type": "string", "description": "the path of a local file"},
        "base64": {"type": "string", "description": "the file's content, base64-encoded"},
        "filename": {"type": "string", "description": "the file name sent (default: the path's)"},
        "content_type": {"type": "string", "description": "the media type sent"},
    },
    "additionalProperties": False,
    "oneOf": [{"required": ["path"]}, {"required": ["base64"]}],
}


def json_schema(schema: Any) -> Any:
    """An OpenAPI schema (refs naming classes) as JSON Schema with its refs into `$defs`."""
    if isinstance(schema, list):
        return [json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    found: dict[str, Any] = {}
    for key, value in schema.items():
        if key.startswith("x-") or key in _DROPPED:
            continue
        if key == "$ref" and isinstance(value, str) and value.startswith(_COMPONENT):
            found[key] = "#/$defs/" + value.removeprefix(_COMPONENT)
        elif key in ("properties", "patternProperties", "$defs", "dependentSchemas"):
            found[key] = {name: json_schema(sub) for name, sub in value.items()} if isinstance(value, dict) else value
        elif key in ("enum", "const", "default", "examples", "required"):
            found[key] = value
        else:
            found[key] = json_schema(value)
    return found


def _key(op: Operation) -> tuple[str, ...]:
    return (*op.resource_path, op.method_name)


def tool_names(api: Api) -> dict[tuple[str, ...], str]:
    """Operation (its resource path and method) -> tool name: `x-mcp` names first, then `<resource path>_<method>`
    snake case, a long one cut with a hash of it, a taken one numbered; in spec order."""
    names: dict[tuple[str, ...], str] = {}
    taken: set[str] = set()
    operations = [op for op in api.operations() if op.mcp.enabled]
    for op in operations:  # declared names are kept as they are
        if op.mcp.name:
            names[_key(op)] = op.mcp.name
            taken.add(op.mcp.name)
    for op in operations:
        if _key(op) in names:
            continue
        name = re.sub(r"[^A-Za-z0-9_]+", "_", "_".join((*op.resource_path, op.method_name))).strip("_").lower()
        name = re.sub(r"_+", "_", name) or "operation"
        if len(name) > TOOL_NAME_LIMIT:
            digest = hashlib.sha256(name.encode()).hexdigest()[:8]
            name = name[: TOOL_NAME_LIMIT - 9].rstrip("_") + "_" + digest
        base, n = name, 2
        while name in taken:
            suffix = f"_{n}"
            name, n = base[: TOOL_NAME_LIMIT - len(suffix)] + suffix, n + 1
        taken.add(name)
        names[_key(op)] = name
    return names


# The HTML tags some specs write their descriptions with (`<p>Retrieves a Customer.</p>`): an agent reads text.
_HTML_TAG = re.compile(r"</?(?:p|br|code|strong|em|b|i|ul|ol|li|a)(?:\s[^<>]*)?/?>", re.IGNORECASE)


def _description(op: Operation) -> str:
    parts = (_HTML_TAG.sub("", text).strip() for text in (op.summary, op.description))
    text = op.mcp.description or "\n\n".join(part for part in parts if part)
    text = text or op.method_name.replace("_", " ").strip().capitalize()
    if op.deprecated:
        text = "Deprecated. " + text
    if len(text) > DESCRIPTION_LIMIT:
        text = text[: DESCRIPTION_LIMIT - 1].rstrip() + "…"
    return text


def _described(schema: Any, description: str) -> dict[str, Any]:
    found = dict(json_schema(schema)) if isinstance(schema, dict) else {}
    if description.strip() and "description" not in found:
        found["description"] = description.strip()
    return found


def _field_schema(f: BodyField) -> dict[str, Any]:
    if f.file:
        one = _described(UPLOAD_SCHEMA, f.description)
        return (
            {"type": "array", "items": UPLOAD_SCHEMA, "description": f.description} if f.schema_type == "array" else one
        )
    return _described(f.schema, f.description)


def _input(op: Operation) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The tool's input schema, and each argument's place in the method call."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    arguments: list[dict[str, Any]] = []
    for p in op.parameters:
        properties[p.py_name] = _described(p.schema or {"type": p.schema_type}, p.description)
        arguments.append({"name": p.py_name, "in": p.location})
        if p.required:
            required.append(p.py_name)
    body = op.body
    if body is not None and body.expanded:
        for f in body.fields:
            properties[f.py_name] = _field_schema(f)
            file = ("many" if f.schema_type == "array" else "one") if f.file else ""
            arguments.append({"name": f.py_name, "in": "body", "file": file})
            if f.required:
                required.append(f.py_name)
    elif body is not None:
        binary = body.kind == "binary"
        properties[body.py_name] = _described(UPLOAD_SCHEMA if binary else body.schema, body.description)
        arguments.append({"name": body.py_name, "in": "body", "file": "content" if binary else ""})
        if body.required:
            required.append(body.py_name)
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema, arguments


def _output_schema(schema: Any, schemas: dict[str, Any]) -> Any:
    """A response schema that is a JSON object's, its refs at the top followed (MCP wants an output
    schema of `type: object` at its root); None for any other."""
    seen: set[str] = set()
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        name = schema["$ref"].removeprefix(_COMPONENT)
        if name in seen or name not in schemas:
            return None
        seen.add(name)
        schema = schemas[name]
    return json_schema(schema) if isinstance(schema, dict) and schema.get("type") == "object" else None


def _paging(op: Operation) -> dict[str, Any] | None:
    """How the tool's result names the next page: the keyword that fetches it, by the method's name."""
    paged = op.pagination
    if paged is None:
        return None
    keyword = None
    if paged.param is not None:
        if paged.param_in == "query":
            keyword = next((p.py_name for p in op.parameters if p.wire_name == paged.param), None)
        elif op.body is not None:
            keyword = next((f.py_name for f in op.body.fields if f.wire_name == paged.param), None)
    return {"style": paged.style, "wire": paged.param, "in": paged.param_in, "keyword": keyword}


def _annotations(op: Operation, title: str) -> dict[str, Any]:
    read_only = op.http_method in ("GET", "HEAD")
    found: dict[str, Any] = {"title": title, "readOnlyHint": read_only}
    if not read_only:
        found["destructiveHint"] = op.http_method == "DELETE"
        found["idempotentHint"] = op.idempotent
    return found


def _refs(value: Any, into: set[str]) -> None:
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            into.add(ref.removeprefix("#/$defs/"))
        for sub in value.values():
            _refs(sub, into)
    elif isinstance(value, list):
        for sub in value:
            _refs(sub, into)


def mcp_table(api: Api) -> dict[str, Any]:
    """The table `_mcp/tools.json` holds."""
    names = tool_names(api)
    tools = []
    for op in api.operations():
        if _key(op) not in names:
            continue
        input_schema, arguments = _input(op)
        title = op.summary.strip() or op.method_name.replace("_", " ").strip().capitalize()
        output = op.response.schema if op.response.kind == "json" else None
        tools.append(
            {
                "name": names[_key(op)],
                "title": title,
                "description": _description(op),
                "method": [*op.resource_path, op.method_name],
                "http_method": op.http_method,
                "path": op.path,
                "arguments": arguments,
                "input_schema": input_schema,
                "output_schema": _output_schema(output, api.schemas),
                "annotations": _annotations(op, title),
                "response": op.response.kind,
                "paging": _paging(op),
                "stream_keyword": op.stream_choice.keyword if op.stream_choice is not None else None,
            }
        )
    wanted: set[str] = set()
    _refs(tools, wanted)
    defs: dict[str, Any] = {}
    while wanted:
        name = wanted.pop()
        if name in defs or name not in api.schemas:
            continue
        defs[name] = json_schema(api.schemas[name])
        _refs(defs[name], wanted)
    server = {"name": api.package, "title": api.display_name, "instructions": _instructions(api)}
    return {"server": server, "tools": tools, "defs": dict(sorted(defs.items()))}


def _instructions(api: Api) -> str:
    about = api.description.strip().split("\n\n")[0].strip()
    return (f"{about}\n\n" if about else "") + (
        f"Each tool calls one operation of the {api.display_name}. A tool's result is the response's JSON; an"
        " error result gives the HTTP status, the error body and the request id. A paginated list returns one"
        " page and names the arguments that fetch the next one."
    )


def mcp_json(api: Api, header: str) -> str:
    """The table as the JSON text written, indented so a spec edit shows as a small diff; its first
    line carries the generator's header (`header`, a Python comment), as every generated file's does."""
    body = json.dumps(mcp_table(api), indent=1, ensure_ascii=False)
    return "{" + json.dumps("generated") + ": " + json.dumps(header.lstrip("# ")) + ",\n" + body[2:] + "\n"
