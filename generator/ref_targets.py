"""Where a `$ref` points: a file (local, or fetched when remote references are allowed) and a JSON
pointer into it, and the value found there. Absolute references under a document's `$self` (its
base URI, OpenAPI 3.2) are read from the local file that stands at that address."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from .errors import Collector, Origin, SpecError, unescape_pointer
from .loader import SourceFiles, is_remote, remote_path, remote_url

Target = tuple[Path, str]
_ABSOLUTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


class TargetFinder:
    def __init__(self, root: Path, sources: SourceFiles, allow_remote: bool, problems: Collector) -> None:
        self.root = root
        self.root_dir = root.parent
        self.sources = sources
        self.allow_remote = allow_remote
        self.problems = problems
        self.bases: dict[str, Path] = {}  # `$self` URI of a document read -> its local file
        self._based: set[Path] = set()

    def target_of(self, ref: object, where: Origin, base: Path | None = None) -> Target | None:
        """The file and pointer `ref` names, relative to `base` (by default the file `where` is in,
        which is where a problem is reported)."""
        if not isinstance(ref, str):
            self.problems.error("$ref must be a string", where, "write `$ref: '#/components/schemas/Name'`")
            return None
        document = base or where.file
        self._note_base(document)
        file_part, _, fragment = ref.partition("#")
        if is_remote(document) and file_part:
            # Inside a fetched document, a relative reference is relative to its URL.
            file_part = urljoin(remote_url(document), file_part)
        local = self._under_base(file_part) if _ABSOLUTE.match(file_part) else None
        if local is not None:
            path = local
        elif _ABSOLUTE.match(file_part):
            if not self.allow_remote:
                hint = "pass --allow-remote-refs to fetch it, or copy it beside the spec and refer to it there"
                self.problems.error(f"remote $ref {ref!r} is not fetched", where, hint)
                return None
            path = remote_path(file_part)
        elif file_part:
            path = (document.parent / unquote(file_part)).resolve()
        else:
            path = document
        if path is not document and not is_remote(path) and not path.is_relative_to(self.root_dir):
            self.problems.error(
                f"$ref {ref!r} leaves the spec's folder {self.root_dir}",
                where,
                "keep every referenced file inside the folder of the root spec",
            )
            return None
        pointer = unquote(fragment)
        if pointer and not pointer.startswith("/"):
            self.problems.error(
                f"$ref {ref!r}: the part after '#' must be a JSON pointer",
                where,
                "start it with a slash: `$ref: 'schemas.yaml#/Name'`",
            )
            return None
        return path, pointer

    def fetch(self, target: Target, where: Origin) -> tuple[bool, Any]:
        path, pointer = target
        try:
            value = self.sources.load(path, where)
        except SpecError as exc:
            self.problems.diagnostics.extend(exc.diagnostics)
            return False, None
        for segment in (unescape_pointer(s) for s in pointer.split("/")[1:]) if pointer else ():
            if isinstance(value, dict) and segment in value:
                value = value[segment]
            elif isinstance(value, list) and segment.isdigit() and int(segment) < len(value):
                value = value[int(segment)]
            else:
                display = f"{path.name}#{pointer}" if path != self.root else f"#{pointer}"
                self.problems.error(
                    f"$ref target {display} does not exist", where, "check the spelling of the reference"
                )
                return False, None
        return True, value

    def _note_base(self, path: Path) -> None:
        """Records the `$self` of the document at `path` (read already), once."""
        if path in self._based or is_remote(path):
            return
        self._based.add(path)
        try:
            document = self.sources.load(path)
        except SpecError:
            return
        base = document.get("$self") if isinstance(document, dict) else None
        if base is None:
            return
        if not isinstance(base, str) or "#" in base or not _ABSOLUTE.match(base):
            self.problems.warning(
                f"`$self` must be an absolute URI without a fragment, not {base!r}; ignored",
                Origin(path, "/$self"),
                "e.g. `$self: https://example.com/openapi.yaml`",
            )
            return
        self.bases.setdefault(base, path)

    def _under_base(self, url: str) -> Path | None:
        """The local file at `url` when it is a document's `$self`, or beside it."""
        for base, path in self.bases.items():
            if url == base:
                return path
            folder = base.rsplit("/", 1)[0] + "/"
            if url.startswith(folder) and not urlsplit(url).query:
                return (path.parent / unquote(url[len(folder) :])).resolve()
        return None
