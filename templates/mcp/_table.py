"""The MCP server's tools, read from `tools.json` beside this module (generated from the spec): one
`ToolSpec` per operation, the choice of tools by name (`--tools`, `--exclude`), the ranking of
`list_operations`, and each tool's definition as `tools/list` gives it, its JSON Schemas completed
with the components they refer to (`$defs`). Needs nothing beyond the standard library."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

#: Above this many tools the server offers the three tools of the dynamic mode instead.
DYNAMIC_ABOVE = 64
#: Characters of JSON of an output schema, its `$defs` included, above which a tool declares none: an
#: agent reads every schema it is given, and a response reaching a large API's every component (700 KB
#: for most of Stripe's) would fill its context. Its results are then structured content unchecked.
OUTPUT_SCHEMA_LIMIT = 50_000


@dataclass(frozen=True)
class Argument:
    """One argument of a tool: a keyword of the client method."""

    name: str
    location: str  # path, query, header, cookie or body
    file: str = ""  # one, many (a list of files) or content (a raw body); "": no file


@dataclass(frozen=True)
class Paging:
    """How a paginated operation's next page is asked for: `keyword`, the method's argument (None
    for the styles whose next page is a URL)."""

    style: str
    keyword: str | None
    wire: str | None
    location: str


@dataclass(frozen=True)
class ToolSpec:
    name: str
    title: str
    description: str
    method: tuple[str, ...]  # attribute path from the client: ("beta", "batch", "get_status")
    http_method: str
    path: str
    arguments: tuple[Argument, ...]
    input_schema: Mapping[str, Any]  # its refs point into the table's `defs`
    output_schema: Mapping[str, Any] | None
    annotations: Mapping[str, Any]
    response: str  # json, text, binary, none or stream
    paging: Paging | None
    stream_keyword: str | None  # the keyword choosing a stream (the tool always asks for the whole answer)

    def definition(self) -> dict[str, Any]:
        """The tool as `tools/list` gives it (MCP's field names)."""
        found: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "inputSchema": complete_schema(self.input_schema),
        }
        output = output_schema(self)
        if output is not None:
            found["outputSchema"] = output
        found["annotations"] = dict(self.annotations)
        return found


@dataclass(frozen=True)
class Server:
    """What the server says of itself."""

    name: str
    title: str
    version: str
    instructions: str


@cache
def _table() -> dict[str, Any]:
    text = resources.files(__name__.rpartition(".")[0]).joinpath("tools.json").read_text(encoding="utf-8")
    table: dict[str, Any] = json.loads(text)
    return table


def server_info() -> Server:
    from .._version import __version__

    found = _table()["server"]
    return Server(found["name"], found["title"], __version__, found["instructions"])


def all_tools() -> tuple[ToolSpec, ...]:
    """Every tool of the table, in spec order."""
    return tuple(_tool(raw) for raw in _table()["tools"])


def _tool(raw: Mapping[str, Any]) -> ToolSpec:
    paging = raw["paging"]
    return ToolSpec(
        name=raw["name"],
        title=raw["title"],
        description=raw["description"],
        method=tuple(raw["method"]),
        http_method=raw["http_method"],
        path=raw["path"],
        arguments=tuple(Argument(a["name"], a["in"], a.get("file", "")) for a in raw["arguments"]),
        input_schema=raw["input_schema"],
        output_schema=raw["output_schema"],
        annotations=raw["annotations"],
        response=raw["response"],
        paging=None if paging is None else Paging(paging["style"], paging["keyword"], paging["wire"], paging["in"]),
        stream_keyword=raw["stream_keyword"],
    )


_OUTPUTS: dict[str, dict[str, Any] | None] = {}


def output_schema(tool: ToolSpec) -> dict[str, Any] | None:
    """The output schema the tool declares, completed; None for none or one over OUTPUT_SCHEMA_LIMIT."""
    if tool.name not in _OUTPUTS:
        found = None if tool.output_schema is None else complete_schema(tool.output_schema)
        too_large = found is not None and len(json.dumps(found)) > OUTPUT_SCHEMA_LIMIT
        _OUTPUTS[tool.name] = None if too_large else found
    return _OUTPUTS[tool.name]


def complete_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """`schema` with the components it refers to, at any depth, as its `$defs`."""
    defs: dict[str, Any] = _table()["defs"]
    wanted, found = _refs(schema), {}
    while wanted:
        name = wanted.pop()
        if name not in found and name in defs:
            found[name] = defs[name]
            wanted |= _refs(defs[name])
    return {**schema, "$defs": dict(sorted(found.items()))} if found else dict(schema)


def _refs(value: Any) -> set[str]:
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                found.add(ref.removeprefix("#/$defs/"))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def select(tools: Iterable[ToolSpec], include: Sequence[str] = (), exclude: Sequence[str] = ()) -> list[ToolSpec]:
    """The tools whose name matches a glob of `include` (all, when it is empty) and none of `exclude`."""
    return [
        tool
        for tool in tools
        if (not include or any(fnmatch.fnmatchcase(tool.name, glob) for glob in include))
        and not any(fnmatch.fnmatchcase(tool.name, glob) for glob in exclude)
    ]


def rank(tools: Sequence[ToolSpec], search: str) -> list[ToolSpec]:
    """The tools matching a word of `search` at least, the best first: a word in the name counts
    most, then in the title, then in the path and description, and the whole search found as it is
    written more; ties go to the shorter name (the more general operation), then to the spec's order."""
    phrase = " ".join(search.lower().split())
    words = [w for w in re.split(r"[^a-z0-9]+", phrase) if len(w) > 1]
    if not words:
        return list(tools)
    scored = []
    for index, tool in enumerate(tools):
        name, title = tool.name.lower(), tool.title.lower()
        rest = " ".join(f"{tool.path} {tool.description}".lower().split())
        score = sum(4 * (w in name) + 3 * (w in title) + (w in rest) for w in words)
        if score:
            score += 10 * (phrase in f"{title} {rest}")
            scored.append((-score, len(name), index, tool))
    return [tool for *_, tool in sorted(scored, key=lambda entry: entry[:3])]


__all__ = [
    "DYNAMIC_ABOVE",
    "OUTPUT_SCHEMA_LIMIT",
    "Argument",
    "Paging",
    "Server",
    "ToolSpec",
    "all_tools",
    "output_schema",
    "rank",
    "select",
    "server_info",
]
