"""load -> resolve -> lower -> render (models + client) -> format -> write, one direction."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .config import BuildConfig
from .errors import Diagnostic, SpecError
from .formatting import format_tree
from .ir import Api
from .loader import SourceFiles
from .lower import lower
from .models import render_models
from .render import render_package
from .resolver import resolve
from .writer import Drift, drift, read_tree, stage_dir, swap_in, write_files


@dataclass(frozen=True)
class BuildResult:
    api: Api
    files: dict[str, bytes]
    seconds: float
    drift: Drift | None = None  # set by --check


def spec_hash(sources: SourceFiles, root: Path) -> str:
    digest = hashlib.sha256()
    for path in sources.files:
        try:
            name = path.relative_to(root.parent).as_posix()
        except ValueError:
            name = path.name
        digest.update(name.encode() + b"\0" + sources.text(path).encode() + b"\0")
    return digest.hexdigest()[:12]


def load_api(spec: Path, package: str, *, allow_remote_refs: bool = False) -> Api:
    """Spec file -> IR; raises SpecError with every problem found."""
    if not spec.is_file():
        raise SpecError([Diagnostic(f"spec file not found: {spec}", hint="pass --spec PATH")])
    sources = SourceFiles()
    try:
        resolved = resolve(spec, sources, allow_remote=allow_remote_refs)
        return lower(resolved, package, spec_hash(sources, spec.resolve()))
    except SpecError as exc:
        exc.locate = sources.position  # type: ignore[attr-defined]
        raise


def generate_into(folder: Path, api: Api) -> dict[str, bytes]:
    write_files(folder, render_package(api, render_models(api)))
    format_tree(folder)
    return read_tree(folder)


def build(config: BuildConfig) -> BuildResult:
    started = time.perf_counter()
    api = load_api(config.spec, config.package, allow_remote_refs=config.allow_remote_refs)
    if config.check:
        with tempfile.TemporaryDirectory(prefix="generator-check-") as scratch:
            files = generate_into(Path(scratch) / config.package, api)
        found = drift(files, read_tree(config.target))
        return BuildResult(api, files, time.perf_counter() - started, found)
    staging = stage_dir(config.target)
    try:
        files = generate_into(staging, api)
        swap_in(staging, config.target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(api, files, time.perf_counter() - started)
