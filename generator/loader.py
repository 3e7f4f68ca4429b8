"""Reads spec files (YAML or JSON) safely; finds line and column of a JSON pointer on demand."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import yaml

from .errors import Diagnostic, Origin, SpecError, unescape_pointer
from .yaml12 import Yaml12Loader
from .yaml_errors import explain

_Loader: type[yaml.SafeLoader] = Yaml12Loader
_DEPTH_HINT = "move deeply nested schemas into components/schemas and refer to them with $ref"


class SourceFiles:
    """Every file of one spec, parsed once. Positions are computed only when an error needs them."""

    def __init__(self) -> None:
        self._data: dict[Path, Any] = {}
        self._text: dict[Path, str] = {}
        self._nodes: dict[Path, yaml.Node | None] = {}
        self._failed: set[Path] = set()
        self._resolved: dict[Path, Path] = {}  # a path as asked for -> the file it names

    @property
    def files(self) -> list[Path]:
        return sorted(self._text)

    def text(self, path: Path) -> str:
        return self._text[path]

    def load(self, path: Path, referenced_from: Origin | None = None) -> Any:
        resolved = self._resolved.get(path)
        if resolved is None:
            resolved = self._resolved[path] = path if is_remote(path) else path.resolve()
        path = resolved
        if path in self._data:
            return self._data[path]
        if path in self._failed:
            raise SpecError([])  # reported when it was first read
        try:
            return self._read(path, referenced_from)
        except SpecError:
            self._failed.add(path)
            raise

    def _read(self, path: Path, referenced_from: Origin | None) -> Any:
        try:
            raw = _fetch(remote_url(path)) if is_remote(path) else path.read_bytes()
        except FileNotFoundError:
            raise SpecError(
                [Diagnostic(f"file not found: {path}", referenced_from, "check the path of the $ref")]
            ) from None
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise SpecError(
                [Diagnostic(f"cannot read {path}: {reason}", referenced_from, "check the file's permissions")]
            ) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SpecError(
                [Diagnostic(f"not valid UTF-8 (byte {exc.start})", Origin(path), "save the file as UTF-8")]
            ) from None
        # Only a file that parsed is ever composed again for positions: composing one that failed
        # (say, nested 50,000 deep) could overflow the native stack.
        self._data[path] = _parse(text, path)
        self._text[path] = text
        return self._data[path]

    def position(self, origin: Origin) -> tuple[int, int] | None:
        """1-based line and column of the value at `origin`, or of its nearest existing parent."""
        path = origin.file
        if path not in self._text:
            return None
        if path not in self._nodes:
            text = self._text[path]
            if path.suffix == ".json":
                # JSON may hold characters YAML refuses (DEL, C1 controls) or reads as line breaks
                # (NEL, U+2028, U+2029); one `?` for each keeps every line and column where it was.
                text = _YAML_UNPRINTABLE.sub("?", text)
            try:
                self._nodes[path] = yaml.compose(text, Loader=_Loader)
            except yaml.YAMLError:
                self._nodes[path] = None
        node = self._nodes[path]
        if node is None:
            return None
        for segment in _segments(origin.pointer):
            child = _child(node, segment)
            if child is None:
                break
            node = child
        return node.start_mark.line + 1, node.start_mark.column + 1


# Documents fetched for `--allow-remote-refs` stand under this folder, one file per URL, so every
# later stage (positions, errors, hashes) treats them like local files.
REMOTE_ROOT = Path("/__remote__")
MAX_REMOTE_BYTES = 50 * 1024 * 1024
REMOTE_TIMEOUT = 20.0


def remote_path(url: str) -> Path:
    return REMOTE_ROOT / quote(url, safe="")


def is_remote(path: Path) -> bool:
    return path.parent == REMOTE_ROOT


def remote_url(path: Path) -> str:
    return unquote(path.name)


def _fetch(url: str) -> bytes:
    """The bytes at `url` (only ever called when the user passed --allow-remote-refs)."""
    try:
        with urllib.request.urlopen(url, timeout=REMOTE_TIMEOUT) as answer:
            data: bytes = answer.read(MAX_REMOTE_BYTES + 1)
    except (OSError, ValueError) as exc:
        raise OSError(f"cannot fetch {url}: {getattr(exc, 'reason', exc)}") from None
    if len(data) > MAX_REMOTE_BYTES:
        raise OSError(f"{url} is larger than {MAX_REMOTE_BYTES} bytes")
    return data


# A spec far beyond any real API still fits; an alias bomb or runaway nesting does not.
MAX_EXPANDED_NODES = 20_000_000
MAX_DEPTH = 300


def _check_size(data: Any, path: Path) -> None:
    """Rejects documents whose YAML aliases expand enormously or that nest absurdly deep.

    Shared (aliased) values are sized once and counted at every place they appear, so the check
    is linear in the document even when the expansion it measures is not.
    """
    expanded: dict[int, int] = {}
    depth_of: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in expanded:
            continue
        children = list(node.values()) if isinstance(node, dict) else node if isinstance(node, list) else []
        containers = [c for c in children if isinstance(c, dict | list)]
        if not children_done:
            stack.append((node, True))
            stack.extend((c, False) for c in containers if id(c) not in expanded)
            if len(stack) > MAX_DEPTH * 1000 and len(stack) > 10 * len(expanded) + MAX_DEPTH:
                break
            continue
        expanded[key] = 1 + len(children) + sum(expanded.get(id(c), 0) for c in containers)
        depth_of[key] = 1 + max((depth_of.get(id(c), 0) for c in containers), default=0)
        if expanded[key] > MAX_EXPANDED_NODES:
            raise SpecError(
                [
                    Diagnostic(
                        f"the document expands to more than {MAX_EXPANDED_NODES:,} values through YAML aliases",
                        Origin(path),
                        "remove the anchors and aliases that repeat large parts (an alias bomb?)",
                    )
                ]
            )
        if depth_of[key] > MAX_DEPTH:
            raise SpecError(
                [Diagnostic(f"the document nests deeper than {MAX_DEPTH} levels", Origin(path), _DEPTH_HINT)]
            )


def _parse(text: str, path: Path) -> Any:
    try:
        data, aliased = _parse_text(text, path)
    except RecursionError:
        raise SpecError(
            [Diagnostic(f"the document nests deeper than {MAX_DEPTH} levels", Origin(path), _DEPTH_HINT)]
        ) from None
    if aliased:  # only aliases expand a document beyond its text (a YAML one: its depth is checked)
        _check_size(data, path)
    elif path.suffix == ".json" and _deeper_than(data, MAX_DEPTH):
        raise SpecError([Diagnostic(f"the document nests deeper than {MAX_DEPTH} levels", Origin(path), _DEPTH_HINT)])
    return data


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether a document without aliases nests deeper than `limit` (one visit per value)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if type(node) is dict else node if type(node) is list else ()
        for child in children:
            if type(child) is dict or type(child) is list:
                if depth >= limit:
                    return True
                stack.append((child, depth + 1))
    return False


def _check_yaml_depth(text: str, path: Path) -> bool:
    """libyaml composes nested nodes recursively in native code: a document nested thousands deep
    would overflow the C stack, so depth is measured first on the (iterative) event stream. Gives
    whether the document uses aliases."""
    depth = 0
    aliased = False
    for event in yaml.parse(text, Loader=_Loader):
        kind = type(event)
        if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            depth += 1
            if depth > MAX_DEPTH:
                raise SpecError(
                    [Diagnostic(f"the document nests deeper than {MAX_DEPTH} levels", Origin(path), _DEPTH_HINT)]
                )
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            depth -= 1
        elif kind is yaml.AliasEvent:
            aliased = True
    return aliased


def _parse_text(text: str, path: Path) -> tuple[Any, bool]:
    """The document, and whether it uses aliases (JSON has none)."""
    if path.suffix == ".json":
        try:
            return json.loads(text, parse_constant=_not_json), False
        except json.JSONDecodeError as exc:
            raise SpecError(
                [
                    Diagnostic(
                        f"invalid JSON: {exc.msg}", Origin(path), "fix the JSON syntax there", exc.lineno, exc.colno
                    )
                ]
            ) from None
        except _NotJson as exc:
            found = re.search(rf"(?<![\w\"]){re.escape(exc.args[0])}(?![\w\"])", text)
            line, column = _line_column(text, found.start()) if found else (None, None)
            raise SpecError(
                [
                    Diagnostic(
                        f"invalid JSON: {exc.args[0]} is not a JSON number",
                        Origin(path),
                        "write a number, or `null` for none",
                        line,
                        column,
                    )
                ]
            ) from None
    try:
        aliased = _check_yaml_depth(text, path)
        return yaml.load(text, Loader=_Loader), aliased
    except yaml.MarkedYAMLError as exc:
        mistake = explain(text, exc)
        raise SpecError(
            [Diagnostic(mistake.message, Origin(path), mistake.hint, mistake.line, mistake.column)]
        ) from None
    except yaml.YAMLError as exc:
        raise SpecError([Diagnostic(f"invalid YAML: {exc}", Origin(path), "fix the YAML syntax")]) from None


class _NotJson(ValueError):
    """`NaN`, `Infinity` or `-Infinity`, which Python's JSON reader takes and JSON does not have."""


def _not_json(constant: str) -> Any:
    raise _NotJson(constant)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


_YAML_UNPRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _segments(pointer: str) -> list[str]:
    return [unescape_pointer(s) for s in pointer.split("/")[1:]] if pointer else []


def _child(node: yaml.Node, segment: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == segment:
                return value  # type: ignore[no-any-return]
    elif isinstance(node, yaml.SequenceNode) and segment.isdigit():
        index = int(segment)
        if index < len(node.value):
            return node.value[index]  # type: ignore[no-any-return]
    return None
