"""Applies OpenAPI Overlay 1.0 documents to the spec's root file, in order, before anything reads it.

Takes the root spec file and the overlay files; changes the loaded root document in place and gives
where each inserted value is written (so a problem in it points into the overlay) and the warnings.
Targets are RFC 9535 JSONPath queries over the root file as written: `$ref`s are not followed.

Merging follows the Overlay text: an `update` of an object merges its properties into the object
(objects merged recursively, anything else replaced), an `update` of an array appends it as one
more entry, and `remove: true` takes each selected node out of its object or array. A `null` in an
update never replaces an object or an array (the Overlay examples write `components:` with no
value beside other changes).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Collector, Diagnostic, Origin, SpecError
from .loader import SourceFiles

_VERSION = re.compile(r"1\.0\.\d+")


@dataclass
class Overlaid:
    """What applying the overlays left for the later stages."""

    # id() of each mapping or list an overlay inserted -> where the overlay writes it.
    origins: dict[int, Origin] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # The inserted values themselves, so no id() above is reused while the build runs.
    inserted: list[object] = field(default_factory=list)


def apply_overlays(spec: Path, overlays: tuple[Path, ...], sources: SourceFiles) -> Overlaid:
    result = Overlaid()
    if not overlays:
        return result
    document = sources.load(spec)
    if not isinstance(document, dict):
        return result  # the resolver says what is wrong with it
    for path in overlays:
        if not path.is_file():
            hint = "check --overlay or `overlays` in [tool.generator]"
            raise SpecError([Diagnostic(f"overlay file not found: {path}", hint=hint)])
        problems = Collector()
        _Applier(path, sources.load(path), document, problems, result).apply()
        problems.raise_if_any()
        result.diagnostics += problems.warnings
    return result


@dataclass
class _Applier:
    path: Path
    overlay: Any
    document: dict[str, Any]
    problems: Collector
    result: Overlaid

    def apply(self) -> None:
        top = Origin(self.path)
        overlay = self.overlay
        if not isinstance(overlay, dict):
            self.problems.error("an overlay must be a mapping", top, "start from `overlay: 1.0.0`")
            return
        version = overlay.get("overlay")
        if version is None:
            self.problems.error("missing `overlay` version field", top, "add `overlay: 1.0.0` at the top")
        elif not _VERSION.fullmatch(str(version)):
            self.problems.error(
                f"unsupported Overlay version {version!r}", top.child("overlay"), "this generator applies Overlay 1.0.x"
            )
        info = overlay.get("info")
        if not isinstance(info, dict) or not all(isinstance(info.get(k), str) for k in ("title", "version")):
            self.problems.warning(
                "an overlay's `info` needs a `title` and a `version`", top.child("info") if info is not None else top
            )
        actions = overlay.get("actions")
        if not isinstance(actions, list) or not actions:
            self.problems.error(
                "`actions` must be a non-empty list",
                top.child("actions") if actions else top,
                "list what to change: `actions: [{target: '$.info', update: {title: New}}]`",
            )
            return
        if self.problems.has_errors():
            return
        for index, action in enumerate(actions):
            self.action(action, top.child("actions", index))

    def action(self, action: Any, where: Origin) -> None:
        import jsonpath_rfc9535 as jsonpath

        if not isinstance(action, dict):
            self.problems.error(
                "an action must be a mapping with a `target`",
                where,
                "write `- {target: '$.info', update: {title: New}}`",
            )
            return
        target, remove = action.get("target"), action.get("remove", False)
        if not isinstance(target, str) or not target.startswith("$"):
            self.problems.error(
                "an action's `target` must be a JSONPath query (`$...`)",
                where.child("target"),
                "start it at the root: `target: '$.paths'`",
            )
            return
        if not isinstance(remove, bool):
            self.problems.error("`remove` must be true or false", where.child("remove"), "write `remove: true`")
            return
        if not remove and "update" not in action:
            self.problems.warning("the action has neither `update` nor `remove: true`: it does nothing", where)
            return
        try:
            nodes = jsonpath.compile(target).find(self.document)
        except jsonpath.JSONPathError as exc:
            message = str(exc).split(", line 1,")[0]
            self.problems.error(f"invalid JSONPath {target!r}: {message}", where.child("target"), "see RFC 9535")
            return
        if not nodes:
            self.problems.warning(
                f"the target {target!r} selects nothing in the spec",
                where.child("target"),
                "check the path against the spec's root file ($refs are not followed)",
            )
            return
        locations = [tuple(node.location) for node in nodes]
        if remove:
            self.remove(locations, where)
        else:
            for location, node in zip(locations, nodes, strict=True):
                self.update(node.value, action["update"], location, where)

    def remove(self, locations: list[tuple[str | int, ...]], where: Origin) -> None:
        if () in locations:
            self.problems.error(
                "an action cannot remove the whole document",
                where.child("target"),
                "target what to remove inside it, e.g. `target: \"$.paths['/old']\"`",
            )
            return
        # Array entries go last first, so the indexes of the others still hold.
        for location in sorted(locations, key=lambda loc: [(isinstance(p, int), p) for p in loc], reverse=True):
            parent = self._at(location[:-1])
            key = location[-1]
            if isinstance(parent, dict):
                parent.pop(key, None)
            elif isinstance(parent, list) and isinstance(key, int) and key < len(parent):
                del parent[key]

    def update(self, value: Any, update: Any, location: tuple[str | int, ...], action: Origin) -> None:
        if isinstance(value, list):
            value.append(self._copy(update, action.child("update")))
        elif isinstance(value, dict) and isinstance(update, dict):
            self._merge(value, update, action.child("update"))
        elif isinstance(value, dict):
            self.problems.error(
                "the target selects an object: `update` must be a mapping",
                action.child("update"),
                "give the keys to set: `update: {description: New text}`",
            )
        else:
            shown = "$" + "".join(f"[{p!r}]" for p in location)
            self.problems.error(
                f"the target selects {shown}, a {_kind(value)}: an overlay updates objects and arrays",
                action.child("target"),
                "target the object that holds it and give the new value in `update`",
            )

    def _merge(self, into: dict[str, Any], update: dict[str, Any], where: Origin) -> None:
        for key, new in update.items():
            old = into.get(key)
            if isinstance(old, dict) and isinstance(new, dict):
                self._merge(old, new, where.child(key))
            elif new is None and isinstance(old, dict | list):
                continue
            else:
                into[key] = self._copy(new, where.child(key))

    def _copy(self, value: Any, where: Origin) -> Any:
        """A deep copy of overlay data, each mapping and list recorded with its place in the overlay."""
        copied = copy.deepcopy(value)
        stack: list[tuple[Any, Origin]] = [(copied, where)]
        while stack:
            node, at = stack.pop()
            if isinstance(node, dict):
                self.result.origins[id(node)] = at
                self.result.inserted.append(node)
                stack.extend((v, at.child(k)) for k, v in node.items())
            elif isinstance(node, list):
                self.result.origins[id(node)] = at
                self.result.inserted.append(node)
                stack.extend((v, at.child(i)) for i, v in enumerate(node))
        return copied

    def _at(self, location: tuple[str | int, ...]) -> Any:
        value: Any = self.document
        for part in location:
            value = value[part]
        return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "boolean", str: "string", int: "number", float: "number"}.get(type(value), type(value).__name__)
