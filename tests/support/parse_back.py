"""Run in a fresh interpreter with a generated package on the path: `python parse_back.py PACKAGE CASES`.

CASES is a JSON file: a list of cases, each `{"target": ..., "instances": [...]}`, where the target is
- `{"class": "Name", "path": [...]}`: a class of `PACKAGE.models`, or a value inside one: each step of
  `path` is `["property", wire_name]`, `["items"]` or `["values"]` (an array's items, a map's values);
  with `"nullable": true`, the class or None (a schema admitting null is `Class | None` where used);
- `{"endpoint": [METHOD, path], "status": "200"}`: the parser the package uses for that response.

Each instance is parsed from its JSON text as the client parses a body and dumped back as
`model_dump(mode="json", by_alias=True, exclude_unset=True)` does. Prints, as JSON, one list per case
with one result per instance: `{"dumped": value}`, `{"refused": why}`, or `{"missing": why}` when the
target is not found.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import pkgutil
import sys
import types
import typing
from collections.abc import Callable
from typing import Any

import pydantic


def dumped(value: Any) -> Any:
    """`value` as JSON data, models by alias with the fields that were set."""
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, list | tuple):
        return [dumped(v) for v in value]
    if isinstance(value, dict):
        return {k: dumped(v) for k, v in value.items()}
    return pydantic.TypeAdapter(Any).dump_python(value, mode="json")


def members(annotation: Any) -> list[Any]:
    """The types a union annotation is made of (itself when it is none); aliases and `Annotated` opened."""
    value = getattr(annotation, "__value__", None)  # a `TypeAliasType`
    if value is not None:
        return members(value)
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in members(arg)]
    return [annotation]


def step(annotation: Any, move: list[str]) -> Any:
    """The annotation of the value `move` reaches inside a value of `annotation`."""
    found: list[Any] = []
    for member in members(annotation):
        if isinstance(member, type) and issubclass(member, pydantic.RootModel):
            member = member.model_fields["root"].annotation
            with contextlib.suppress(LookupError):
                found.append(step(member, move))
            continue
        origin = typing.get_origin(member)
        if move[0] == "property" and isinstance(member, type) and issubclass(member, pydantic.BaseModel):
            for name, info in member.model_fields.items():
                if (info.alias or name) == move[1]:
                    found.append(info.annotation)
        elif move[0] == "items" and origin in (list, typing.Sequence, tuple):
            found.append(typing.get_args(member)[0])
        elif move[0] == "values" and origin is dict:
            found.append(typing.get_args(member)[1])
        elif move[0] == "values" and isinstance(member, type) and issubclass(member, pydantic.BaseModel):
            # Undeclared keys: `__pydantic_extra__: dict[str, T]` when typed, else anything.
            extra = typing.get_type_hints(member).get("__pydantic_extra__")
            found.append(typing.get_args(extra)[1] if typing.get_origin(extra) is dict else Any)
    if not found:
        raise LookupError(f"no {'/'.join(move)} in {annotation!r}")
    return found[0] if len(found) == 1 else typing.Union[tuple(found)]  # noqa: UP007


def endpoints(package: str) -> dict[tuple[str, str], list[Any]]:
    """Every operation's `Endpoint` of the package, by (method, path)."""
    found: dict[tuple[str, str], list[Any]] = {}
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        if ".models" in info.name or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if type(value).__name__ == "Endpoint" and hasattr(value, "parse"):
                found.setdefault((value.method, value.path), []).append(value)
    return found


def parsers(target: dict[str, Any], package: str, cache: dict[str, Any]) -> list[Callable[[str], Any]]:
    if "class" in target:
        models = importlib.import_module(package + ".models")
        annotation: Any = getattr(models, target["class"])
        for move in target.get("path", []):
            annotation = step(annotation, move)
        if target.get("nullable"):  # what holds a schema that admits null holds `Class | None`
            annotation = annotation | None
        adapter = pydantic.TypeAdapter(annotation)
        return [adapter.validate_json]
    if "by_endpoint" not in cache:
        cache["by_endpoint"] = endpoints(package)
    method, path = target["endpoint"]
    matching = cache["by_endpoint"].get((method, path)) or cache["by_endpoint"].get((method, path.split("#")[0]), [])
    status = target["status"]
    found = []
    for endpoint in matching:
        if status.startswith("2"):
            found.append(endpoint.parse)
            continue
        errors = endpoint.errors
        for key in (int(status) if status.isdigit() else status, status[:1] + "XX", "default"):
            if key in errors:
                found.append(errors[key])
                break
    if not found:
        raise LookupError(f"no parser for {method} {path} {status}")
    return [_from_text(parse) for parse in found]


def _from_text(parse: Callable[[bytes], Any]) -> Callable[[str], Any]:
    return lambda text: parse(text.encode())


def main() -> None:
    package, cases_file = sys.argv[1], sys.argv[2]
    with open(cases_file, encoding="utf-8") as handle:
        cases = json.load(handle)
    cache: dict[str, Any] = {}
    out = []
    for case in cases:
        try:
            parse_all = parsers(case["target"], package, cache)
        except (LookupError, AttributeError) as exc:
            out.append([{"missing": str(exc)[:300]} for _ in case["instances"]])
            continue
        results = []
        for value in case["instances"]:
            text = json.dumps(value)
            why = ""
            for parse in parse_all:  # several operations may share a path (`/files/{id}#shared_link`)
                try:
                    result = {"dumped": dumped(parse(text))}
                    break
                except Exception as exc:
                    why = why or str(exc)[:800]
            else:
                result = {"refused": why}
            results.append(result)
        out.append(results)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
