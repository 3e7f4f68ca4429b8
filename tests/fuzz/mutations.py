"""Random breakage of real specs: a `Corpus` indexes every file of a spec, `mutations(corpus)` draws
edits of it, and `materialise` writes the edited spec to a scratch folder.

Edits work on the parsed data (delete a key, change a type, replace a value with one of the wrong
type, break a `$ref`, duplicate an operationId, rename a path parameter, inject hostile text,
rename or add keys, copy one subtree over another, make a reference point at itself) or on the
file's bytes (truncate, insert YAML/JSON syntax, invalid UTF-8, duplicate or drop a line).
Locations are drawn from the original files; an edit whose location an earlier edit removed does
nothing.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from .text import hostile_text, names

REPO = Path(__file__).resolve().parents[2]
SPEC_DIR = REPO / "spec"
PLATFORM_SPEC = REPO / "tests" / "real_specs" / "llamacloud-platform.json"

Segment = str | int
Location = tuple[str, tuple[Segment, ...]]  # (file, path inside its data)
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

WRONG_VALUES: tuple[Any, ...] = (
    None, True, False, 0, -1, 1.5, 10**40, float("nan"), float("inf"), "", "x", "{{ x }}",
    [], [None], [1, "a"], {}, {"x": 1}, {"$ref": "#/nope"}, {"type": "object"}, {"type": "string"},
    "#/components/schemas/BatchJob", {"properties": []}, {"items": None}, {"anyOf": []},
)  # fmt: skip
TYPE_VALUES: tuple[Any, ...] = (
    "string", "integer", "number", "boolean", "null", "array", "object", "file", "strin", "Object",
    "", None, 1, [], ["string", "null"], ["null"], ["object", "array"], ["string", "string"],
    ["integer", "number", "null"], {"type": "x"},
)  # fmt: skip
BAD_REFS: tuple[Any, ...] = (
    "#/components/schemas/Nope", "#/nope/x", "#", "", "#/", "#/components/schemas", "#/paths",
    "#/components/schemas/", "#components/schemas/X", "nope.yaml#/X", "nope.yaml", "../outside.yaml#/X",
    "../../../../etc/passwd", "/etc/passwd#/x", "file:///etc/passwd", "http://127.0.0.1:9/x.yaml#/a",
    "https://example.com/spec.yaml", "#/info/title", "#/openapi", "%zz", "#%zz", "#/x~2", "#/x~",
    "#/components/schemas/%7E", "#/components/parameters/OrganizationId", "#/components/responses",
    "schemas/batch.yaml", "schemas/batch.yaml#/", "paths/batch.yaml#/list", "openapi.yaml",
    "./openapi.yaml#/components", "schemas/errors.yaml#/ValidationError",
    "schemas/../schemas/errors.yaml#/ValidationError", "schemas", ".", "..", "../schemas/batch.yaml",
    "../openapi.yaml#/paths", "#/components/schemas/BatchJob/properties/id",
    "../schemas/batch.yaml#/BatchJob/properties/status", "llamacloud-platform.json#/info",
    "#/components/schemas/APIKey/properties", 5, None, [], {"$ref": "#/x"},
)  # fmt: skip
ADDITIONS: tuple[tuple[Any, Any], ...] = (
    ("x-fuzz", {"a": [1, None]}), ("nullable", True), ("nullable", "yes"), ("enum", []),
    ("enum", [1, "a"]), ("enum", ["a", "a"]), ("enum", [None]), ("default", {"x": [1]}),
    ("default", float("nan")), ("default", "\"\"\"'''\\"), ("additionalProperties", False),
    ("additionalProperties", {"type": "integer"}), ("required", ["nope", 1, None]), ("required", True),
    ("allOf", [{"$ref": "#/nope"}]), ("allOf", [{"type": "string"}, {"type": "integer"}]),
    ("anyOf", [{"type": "null"}]), ("oneOf", []), ("readOnly", True), ("writeOnly", True),
    ("discriminator", {"propertyName": "nope"}), ("format", "binary"), ("format", "date-time"),
    ("type", "object"), ("items", {"$ref": "#/components/schemas/Nope"}), ("const", None),
    ("$ref", "#/components/schemas/BatchJob"), ("properties", {"class": {"type": "string"}}),
    ("x-pagination", {"style": "offset", "items": "nope"}), ("x-resource", ""), ("x-method", "class"),
    ("x-method", ""), ("x-idempotent", "yes"), ("operationId", ""), ("tags", [None]),
    ("parameters", [{"name": "p", "in": "path", "schema": {"type": "string"}}]),
    ("requestBody", {"content": {}}), ("responses", {}), ("security", [{"nope": []}]),
    ("content", {"application/json": {}}), ("in", "body"), ("style", "deepObject"),
    ("explode", "no"), ("schema", None), ("minimum", "0"), ("maxLength", -1), ("pattern", "(["),
    ("exclusiveMinimum", True), ("multipleOf", 0), ("uniqueItems", True), ("$defs", {"x": {}}),
)  # fmt: skip
TEXT_FRAGMENTS: tuple[bytes, ...] = (
    b":", b"- ", b"\t", b"{", b"[", b"]", b"}", b",", b"&a ", b"*a", b"*nope ",
    b"!!python/object/apply:os.system ['true'] ", b"!!binary ", b"%TAG ! tag:x:\n", b"---\n", b"...\n",
    b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xc3", b"'", b'"', b"#", b"<<: *a\n", b"? ", b"|", b">",
    b"@", b"`", b"\r", b"\n  x: 1\n", b"\n", b"  ", b"\\u0000", b'"\\ud800"', b"NaN", b"1e999",
    b"[[[[[[[[[[[[[[[[[[[[", b"{}", b"null", b"~",
)  # fmt: skip
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def pointer(path: tuple[Segment, ...]) -> str:
    return "".join("/" + str(s).replace("~", "~0").replace("/", "~1") for s in path)


@dataclass(frozen=True)
class Mutation:
    """One edit. `value` is the new value, key, (key, value) pair, source path or text edit."""

    kind: str
    file: str
    path: tuple[Segment, ...] = ()
    value: Any = None

    def __repr__(self) -> str:
        shown = "" if self.value is None and self.kind in ("delete",) else f", {self.value!r:.200}"
        return f"{self.kind}({self.file}#{pointer(self.path)}{shown})"


@dataclass
class Corpus:
    """Every file of one spec, parsed, with the locations each kind of edit applies to."""

    root: str  # the root file, relative to the folder
    texts: dict[str, bytes]
    folder: Path | None = None  # copied whole before edits (other files, relative $refs)
    nodes: list[Location] = field(default_factory=list)
    keys: list[Location] = field(default_factory=list)  # mapping entries (path ends with the key)
    mappings: list[Location] = field(default_factory=list)
    strings: list[Location] = field(default_factory=list)
    refs: list[Location] = field(default_factory=list)  # paths ending in "$ref"
    types: list[Location] = field(default_factory=list)  # paths ending in "type" (schemas)
    enums: list[Location] = field(default_factory=list)
    operation_ids: list[Location] = field(default_factory=list)
    operation_id_values: list[str] = field(default_factory=list)
    path_parameter_names: list[Location] = field(default_factory=list)
    path_keys: list[Location] = field(default_factory=list)
    operations: list[Location] = field(default_factory=list)
    ref_targets: list[str] = field(default_factory=list)  # every $ref string in the spec

    @classmethod
    def of(cls, root: Path, files: list[Path], *, copy_folder: bool) -> Corpus:
        folder = root.parent
        texts = {f.relative_to(folder).as_posix(): f.read_bytes() for f in files}
        corpus = cls(root.relative_to(folder).as_posix(), texts, folder if copy_folder else None)
        for name in sorted(texts):
            corpus._index(name, corpus.parse(name))
        return corpus

    def parse(self, name: str) -> Any:
        text = self.texts[name].decode("utf-8")
        return json.loads(text) if name.endswith(".json") else yaml.load(text, Loader=_Loader)

    def _index(self, name: str, data: Any) -> None:
        for path, value in _walk(data):
            location = (name, path)
            if path:
                self.nodes.append(location)
            last = path[-1] if path else None
            if path and isinstance(last, str):
                self.keys.append(location)
            if isinstance(value, dict):
                self.mappings.append(location)
                if value.get("in") == "path" and isinstance(value.get("name"), str):
                    self.path_parameter_names.append((name, (*path, "name")))
            elif isinstance(value, str):
                self.strings.append(location)
            if last == "$ref":
                self.refs.append(location)
                if isinstance(value, str):
                    self.ref_targets.append(value)
            elif last == "type" and isinstance(value, str | list):
                self.types.append(location)
            elif last == "enum" and isinstance(value, list):
                self.enums.append(location)
            elif last == "operationId" and isinstance(value, str):
                self.operation_ids.append(location)
                self.operation_id_values.append(value)
            elif last in HTTP_METHODS and isinstance(value, dict) and "responses" in value:
                self.operations.append(location)
            if len(path) == 2 and path[0] == "paths" and isinstance(last, str) and "{" in last:
                self.path_keys.append(location)


def _walk(data: Any, path: tuple[Segment, ...] = ()) -> Iterator[tuple[tuple[Segment, ...], Any]]:
    stack: list[tuple[tuple[Segment, ...], Any]] = [(path, data)]
    while stack:
        here, value = stack.pop()
        yield here, value
        if isinstance(value, dict):
            stack.extend(((*here, k), v) for k, v in reversed(list(value.items())) if isinstance(k, str))
        elif isinstance(value, list):
            stack.extend(((*here, i), v) for i, v in reversed(list(enumerate(value))))


def spec_folder_corpus() -> Corpus:
    return Corpus.of(SPEC_DIR / "openapi.yaml", sorted(SPEC_DIR.rglob("*.yaml")), copy_folder=True)


def platform_corpus() -> Corpus:
    return Corpus.of(PLATFORM_SPEC, [PLATFORM_SPEC], copy_folder=False)


# -- drawing ----------------------------------------------------------------------------------------
def _hostile_values() -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(WRONG_VALUES), hostile_text(allow_long=False))


def _new_keys() -> st.SearchStrategy[Any]:
    return st.one_of(names(), hostile_text(allow_long=False), st.sampled_from([None, 200, True, 1.5, "$ref", ""]))


def mutations(corpus: Corpus, *, max_size: int = 3) -> st.SearchStrategy[list[Mutation]]:
    """One to `max_size` edits of `corpus`, weighted towards the places generators trip over."""

    def at(kind: str, places: list[Location], values: st.SearchStrategy[Any]) -> st.SearchStrategy[Mutation]:
        return st.builds(lambda loc, value: Mutation(kind, loc[0], loc[1], value), st.sampled_from(places), values)

    by_file: dict[str, list[tuple[Segment, ...]]] = {}
    for name, path in corpus.nodes:
        by_file.setdefault(name, []).append(path)
    choices: list[st.SearchStrategy[Mutation]] = [
        at("delete", corpus.nodes, st.none()),
        at("replace", corpus.nodes, _hostile_values()),
        at("inject", corpus.strings, hostile_text()),
        at("rename_key", corpus.keys, _new_keys()),
        at("add_key", corpus.mappings, st.one_of(st.sampled_from(ADDITIONS), st.tuples(names(), _hostile_values()))),
        # A subtree of the same file copied over this one.
        st.sampled_from(corpus.nodes).flatmap(
            lambda loc: st.sampled_from(by_file[loc[0]]).map(lambda source: Mutation("copy", loc[0], loc[1], source))
        ),
        at("self_ref", corpus.mappings, st.integers(0, 3)),
        st.builds(
            lambda name, edit, offset, fragment: Mutation("text", name, (), (edit, offset, fragment)),
            st.sampled_from(sorted(corpus.texts)),
            st.sampled_from(("insert", "truncate", "duplicate_line", "drop_line")),
            st.floats(0, 1),
            st.sampled_from(TEXT_FRAGMENTS),
        ),
    ]
    if corpus.refs:
        targets = st.one_of(st.sampled_from(BAD_REFS), st.sampled_from(corpus.ref_targets or ["#"]))
        choices += [at("replace", corpus.refs, targets)] * 3
    if corpus.types:
        choices += [at("replace", corpus.types, st.sampled_from(TYPE_VALUES))] * 2
    if corpus.enums:
        choices.append(
            at("replace", corpus.enums, st.sampled_from(([], [1, "a"], ["a", "a"], [None], "a", [[1]], [{}])))
        )
    if corpus.operation_ids and len(corpus.operation_id_values) > 1:
        choices += [at("replace", corpus.operation_ids, st.sampled_from(corpus.operation_id_values))] * 2
    if corpus.path_parameter_names:
        new_names = st.one_of(names(), st.sampled_from(("", "job_id", "JOB_ID", "job-id", "{x}", "a/b")))
        choices += [at("replace", corpus.path_parameter_names, new_names)] * 2
    if corpus.path_keys:
        choices.append(at("rename_path", corpus.path_keys, st.one_of(names(), st.sampled_from(("", "{", "}{", "{}")))))
    if corpus.operations:
        choices.append(at("add_key", corpus.operations, st.sampled_from(ADDITIONS)))
    return st.lists(st.one_of(*choices), min_size=1, max_size=max_size)


# -- applying -----------------------------------------------------------------------------------
def _parent(data: Any, path: tuple[Segment, ...]) -> tuple[Any, Segment] | None:
    """The container holding `path` and the key in it, if the path still exists."""
    node = data
    for segment in path[:-1]:
        if not _has(node, segment):
            return None
        node = node[segment]
    return (node, path[-1]) if _has(node, path[-1]) else None


def _has(node: Any, segment: Segment) -> bool:
    return (isinstance(node, dict) and segment in node) or (
        isinstance(node, list) and isinstance(segment, int) and segment < len(node)
    )


def _get(data: Any, path: tuple[Segment, ...]) -> tuple[bool, Any]:
    if not path:
        return True, data
    found = _parent(data, path)
    return (True, found[0][found[1]]) if found is not None else (False, None)


def apply(files: dict[str, Any], mutation: Mutation) -> bool:
    """Applies a data edit in place; False when its location no longer exists."""
    data = files[mutation.file]
    kind, path, value = mutation.kind, mutation.path, mutation.value
    if kind in ("add_key", "self_ref"):
        exists, node = _get(data, path)
        if not exists or not isinstance(node, dict):
            return False
        if kind == "add_key":
            key, new = value
            node[key] = copy.deepcopy(new)
        else:  # a reference to this object or one of its parents: a cycle
            up = path[: max(0, len(path) - int(value))]
            node.clear()
            node["$ref"] = "#" + pointer(up)
        return True
    if not path:
        return False
    found = _parent(data, path)
    if found is None:
        return False
    container, key = found
    if kind == "delete":
        del container[key]
    elif kind in ("replace", "inject"):
        container[key] = copy.deepcopy(value)
    elif kind == "copy":
        exists, source = _get(data, tuple(value))
        if not exists:
            return False
        container[key] = copy.deepcopy(source)
    elif kind in ("rename_key", "rename_path"):
        if not isinstance(container, dict):
            return False
        if kind == "rename_path":
            start, end = str(key).find("{"), str(key).find("}")
            new_key: Any = str(key)[: start + 1] + str(value) + str(key)[end:] if 0 <= start < end else value
        else:
            new_key = value
        items = [(new_key if k == key else k, v) for k, v in container.items()]
        container.clear()
        container.update(items)
    else:
        raise ValueError(f"unknown mutation {kind}")
    return True


def _edit_text(text: bytes, edit: str, where: float, fragment: bytes) -> bytes:
    offset = int(where * len(text))
    if edit == "insert":
        return text[:offset] + fragment + text[offset:]
    if edit == "truncate":
        return text[:offset]
    lines = text.splitlines(keepends=True)
    if not lines:
        return text
    index = min(int(where * len(lines)), len(lines) - 1)
    if edit == "duplicate_line":
        return b"".join([*lines[: index + 1], lines[index], *lines[index + 1 :]])
    return b"".join([*lines[:index], *lines[index + 1 :]])  # drop_line


def _dump(name: str, data: Any) -> bytes:
    if name.endswith(".json"):
        return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8", "surrogatepass")
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120).encode(
        "utf-8", "surrogatepass"
    )


def materialise(corpus: Corpus, edits: list[Mutation], folder: Path) -> tuple[Path, list[Mutation]]:
    """Writes the edited spec into `folder`; returns its root file and the edits that applied."""
    folder.mkdir(parents=True, exist_ok=True)
    if corpus.folder is not None:
        shutil.copytree(corpus.folder, folder, dirs_exist_ok=True)
    data_edits = [m for m in edits if m.kind != "text"]
    touched = sorted({m.file for m in data_edits})
    files = {name: corpus.parse(name) for name in touched}
    applied = [m for m in data_edits if apply(files, m)]
    texts = dict(corpus.texts)
    for name in sorted({m.file for m in applied}):
        texts[name] = _dump(name, files[name])
    for m in edits:
        if m.kind == "text":
            edit, where, fragment = m.value
            texts[m.file] = _edit_text(texts[m.file], edit, where, fragment)
            applied.append(m)
    for name, text in texts.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(text)
    return folder / corpus.root, applied
