"""IR operations -> the command line's tables (`_commands.py`): command names, one flag per parameter,
one-line summaries and the items path of a paginated list; how the CLI behaves is templates/runtime/_cli.py."""

from __future__ import annotations

from typing import Any

from ..ir import BodyField, Operation, RequestBody

#: Flags every command has (`GLOBAL_FLAGS` of the CLI runtime) and the request body's flag: a
#: parameter whose flag would be one of them is prefixed with its location (`--query-format`).
CLI_RESERVED_FLAGS = frozenset(
    {
        "--help",
        "--version",
        "--api-key",
        "--base-url",
        "--format",
        "--max-items",
        "--timeout",
        "--max-retries",
        "--output",
        "--body",
    }
)


def kebab(name: str) -> str:
    return name.strip("_").replace("_", "-")


def cli_command(op: Operation) -> str:
    """`beta:batch get-status`: the resource path joined with ':', then the method in kebab case."""
    return ":".join(kebab(part) for part in op.resource_path) + " " + kebab(op.method_name)


def summary(op: Operation) -> str:
    lines = op.description.strip().splitlines()
    return op.summary.strip() or (lines[0] if lines else op.method_name.replace("_", " ").capitalize())


def _cli_flag(name: str, location: str, taken: set[str]) -> str:
    flag = "--" + kebab(name)
    if flag in taken:
        flag = f"--{location}-{kebab(name)}"
    base, n = flag, 2
    while flag in taken:
        flag, n = f"{base}-{n}", n + 1
    taken.add(flag)
    return flag


def cli_options(op: Operation) -> list[dict[str, Any]]:
    """One flag per parameter, named after its keyword in kebab case, and `--body` for a body."""
    taken, options = set(CLI_RESERVED_FLAGS), []
    for p in op.parameters:
        options.append(
            {
                "flag": _cli_flag(p.py_name, p.location, taken),
                "dest": p.py_name,
                "type": p.schema_type if p.schema_type != "null" else "string",
                "location": p.location,
                "required": p.required,
                "choices": p.enum_values,
                "help": p.description.strip(),
                "deprecated": p.deprecated,
                "wire": "",
            }
        )
    if op.body is not None and op.body.expanded:
        options += _body_field_options(op.body, taken)
    elif op.body is not None:
        kind = "binary" if op.body.kind == "binary" else "json"
        text = op.body.description.strip() or f"the {op.body.media_type} body"
        accepts = "@FILE, or - for stdin" if kind == "binary" else "JSON, @FILE, or - for stdin"
        options.append(
            {
                "flag": "--body",
                "dest": op.body.py_name,
                "type": kind,
                "location": "body",
                "required": op.body.required,
                "choices": (),
                "help": f"{text}: {accepts}",
                "deprecated": False,
                "wire": "",
            }
        )
    if op.stream_choice is not None:
        options.append(
            {
                "flag": _cli_flag(op.stream_choice.keyword, "response", taken),
                "dest": op.stream_choice.keyword,
                "type": "boolean",
                "location": "response",
                "required": False,
                "choices": (),
                "help": "true: print the answer's events as they arrive, one JSON line each; false: the whole answer",
                "deprecated": False,
                "wire": "",
            }
        )
    return options


def _body_field_options(body: RequestBody, taken: set[str]) -> list[dict[str, Any]]:
    """A flag per property of an object body, typed like a parameter's (nested objects as JSON, files
    as @PATH), then `--body` for the whole body as a JSON object, whose keys the flags override."""
    options = []
    for f in body.fields:
        kind = _field_type(f)
        options.append(
            {
                "flag": _cli_flag(f.py_name, "body", taken),
                "dest": f.py_name,
                "type": kind,
                "location": "body",
                "required": f.required,
                "choices": f.enum_values if kind in ("string", "integer", "number") else (),
                # The help says "(deprecated)" itself: a description's own mark would say it twice.
                "help": f.description.removeprefix("Deprecated.").strip() if f.deprecated else f.description,
                "deprecated": f.deprecated,
                "wire": f.wire_name,
            }
        )
    options.append(
        {
            "flag": "--body",
            "dest": "_body",
            "type": "object",
            "location": "body",
            "required": False,
            "choices": (),
            "help": "the whole body as a JSON object (JSON, @FILE, or - for stdin); the flags above override its keys",
            "deprecated": False,
            "wire": "",
        }
    )
    return options


def _field_type(f: BodyField) -> str:
    """How a body field's flag reads its value: as its JSON type, a JSON document, or files."""
    if f.file:
        return "files" if f.schema_type == "array" else "file"
    if f.schema_type == "array":
        return "array" if f.item_type == "string" else "json"
    if f.schema_type in ("string", "integer", "number", "boolean", "object"):
        return f.schema_type
    return "json"


def items_path(op: Operation) -> tuple[str, ...] | None:
    """The JSON path of a paginated list's items in each page (`()`: the body is the list)."""
    return None if op.pagination is None else op.pagination.items
