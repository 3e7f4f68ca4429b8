"""Skips a build whose inputs and output are unchanged since the last one.

The key covers every spec file the last build read, the generator's own code and templates, the
build's settings, the files of its template overrides and custom code, and the versions of the
tools that shape the output. A hit also requires the files
on disk to be exactly those the last build wrote, so a hand-edited output is never taken as fresh.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from . import __version__
from .config import BuildConfig
from .custom import folder_files
from .errors import Diagnostic, Origin
from .writer import read_tree

CACHE_DIR = ".generator-cache"
_GENERATOR_ROOT = Path(__file__).resolve().parent
_TOOLS = ("datamodel-code-generator", "jinja2", "ruff", "pyyaml", "jsonpath-rfc9535")


@dataclass(frozen=True)
class Stamp:
    key: str
    spec_files: list[str]
    operations: int
    models: int
    files: dict[str, str] = field(default_factory=dict)  # relative path -> sha256 of the bytes written
    # The build's warnings, located: a cache hit reports them again rather than dropping them.
    warnings: list[dict[str, str | int | None]] = field(default_factory=list)
    paginated: int = 0
    inferred: int = 0
    notes: list[dict[str, str | int | None]] = field(default_factory=list)  # shown again under --verbose

    def diagnostics(self, *, notes: bool = False) -> tuple[Diagnostic, ...]:
        if notes:
            return tuple(replace(_diagnostic(entry), level="note") for entry in self.notes)
        return tuple(_diagnostic(entry) for entry in self.warnings)


def _entry(warning: Diagnostic) -> dict[str, str | int | None]:
    origin = warning.origin
    return {
        "message": warning.message,
        "hint": warning.hint,
        "file": str(origin.file) if origin is not None else None,
        "pointer": origin.pointer if origin is not None else None,
        "line": warning.line,
        "column": warning.column,
    }


def _diagnostic(entry: dict[str, str | int | None]) -> Diagnostic:
    file, pointer, line, column = entry.get("file"), entry.get("pointer"), entry.get("line"), entry.get("column")
    hint = entry.get("hint")
    return Diagnostic(
        str(entry.get("message", "")),
        Origin(Path(file), str(pointer or "")) if isinstance(file, str) else None,
        hint if isinstance(hint, str) else None,
        line if isinstance(line, int) else None,
        column if isinstance(column, int) else None,
        level="warning",
    )


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@cache
def generator_fingerprint() -> str:
    """The generator's code, templates and pinned tool versions."""
    h = hashlib.sha256(__version__.encode())
    for tool in _TOOLS:
        try:
            h.update(f"{tool}={version(tool)}".encode())
        except PackageNotFoundError:
            h.update(f"{tool}=?".encode())
    for root in (_GENERATOR_ROOT, _GENERATOR_ROOT.parent / "templates"):
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def key(config: BuildConfig, spec_files: list[Path]) -> str | None:
    """The build's inputs: the spec files and the overlays applied (in order), the settings that shape
    the output, and the files of the template overrides and of the custom code (listed afresh: a file
    added there changes the key)."""
    settings = (
        config.package,
        config.spec,
        config.package_version,
        config.client_class,
        config.templates,
        config.custom,
        config.location,  # the README's install commands name it
    )
    h = hashlib.sha256("\0".join([generator_fingerprint(), *map(str, settings)]).encode())
    # The overlays applied, in order: leaving one out (or reordering them) is another build.
    h.update("\0".join(str(o) for o in config.overlays).encode() + b"\0\0")
    for path in [*sorted(spec_files), *folder_files(config.templates), *folder_files(config.custom)]:
        try:
            h.update(str(path).encode() + b"\0" + path.read_bytes())
        except OSError:
            return None
    return h.hexdigest()


def _stamp_path(config: BuildConfig) -> Path:
    return config.out / CACHE_DIR / f"{config.package}.json"


def fresh_stamp(config: BuildConfig) -> Stamp | None:
    """The last build's stamp, when building again would write exactly what is on disk."""
    try:
        stamp = Stamp(**json.loads(_stamp_path(config).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    if key(config, [Path(p) for p in stamp.spec_files]) != stamp.key:
        return None
    on_disk = {path: digest(data) for path, data in read_tree(config.target).items()}
    return stamp if on_disk == stamp.files else None


def save_stamp(
    config: BuildConfig,
    spec_files: list[Path],
    operations: int,
    models: int,
    files: dict[str, bytes],
    warnings: tuple[Diagnostic, ...] = (),
    *,
    paginated: int = 0,
    inferred: int = 0,
    notes: tuple[Diagnostic, ...] = (),
) -> None:
    build_key = key(config, spec_files)
    if build_key is None:
        return
    stamp = Stamp(
        key=build_key,
        spec_files=[str(p) for p in sorted(spec_files)],
        operations=operations,
        models=models,
        files={path: digest(data) for path, data in files.items()},
        warnings=[_entry(w) for w in warnings],
        paginated=paginated,
        inferred=inferred,
        notes=[_entry(n) for n in notes],
    )
    path = _stamp_path(config)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / ".gitignore").write_text("*\n", encoding="utf-8")
        path.write_text(json.dumps(asdict(stamp), indent=1, sort_keys=True), encoding="utf-8")
    except OSError:
        pass  # the cache only saves time; a build that cannot record it is still a good build
