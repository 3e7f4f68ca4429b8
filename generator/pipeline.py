"""load -> resolve -> lower -> render (models + client) -> format -> write, one direction."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import fresh_stamp, save_stamp
from .config import BuildConfig
from .errors import Diagnostic, SpecError
from .render.models_worker import ModelsWorker
from .writer import Drift, drift, read_tree, stage_dir, swap_in, write_files

if TYPE_CHECKING:
    from .ir import Api
    from .loader import SourceFiles
    from .render.package import Extras


@dataclass(frozen=True)
class BuildResult:
    operations: int
    models: int
    files: int
    seconds: float
    drift: Drift | None = None  # set by --check
    cached: bool = False  # nothing to do: inputs and output unchanged since the last build
    warnings: tuple[Diagnostic, ...] = ()  # located, ready to print
    paginated: int = 0  # methods that page
    inferred: int = 0  # of them, those whose pagination was recognised, not declared
    notes: tuple[Diagnostic, ...] = ()  # located: what the build inferred, shown under --verbose


def spec_hash(sources: SourceFiles, root: Path) -> str:
    digest = hashlib.sha256()
    for path in sources.files:
        try:
            name = path.relative_to(root.parent).as_posix()
        except ValueError:
            name = path.name
        digest.update(name.encode() + b"\0" + sources.text(path).encode() + b"\0")
    return digest.hexdigest()[:12]


def load_api(
    spec: Path, package: str, *, allow_remote_refs: bool = False, overlays: tuple[Path, ...] = ()
) -> tuple[Api, list[Path]]:
    """Spec file (and overlays) -> IR, its warnings located, and the files read; raises SpecError
    with every problem found."""
    api, sources = read_spec(spec, package, allow_remote_refs=allow_remote_refs, overlays=overlays)
    return api, sources.files


def read_spec(
    spec: Path, package: str, *, allow_remote_refs: bool = False, overlays: tuple[Path, ...] = ()
) -> tuple[Api, SourceFiles]:
    """`load_api`, giving the files read (and their positions, to locate later problems)."""
    # The stages are imported here, not at the top, so a cache hit never pays for them.
    from .loader import SourceFiles
    from .lower import lower
    from .overlay import apply_overlays
    from .resolver import resolve

    if not spec.is_file():
        raise SpecError([Diagnostic(f"spec file not found: {spec}", hint="pass --spec PATH")])
    sources = SourceFiles()
    try:
        overlaid = apply_overlays(spec.resolve(), overlays, sources)
        resolved = resolve(spec, sources, allow_remote=allow_remote_refs, inserted=overlaid.origins)
        resolved.diagnostics[:0] = overlaid.diagnostics
        api = lower(resolved, package, spec_hash(sources, spec.resolve()))
    except SpecError as exc:
        exc.locate = sources.position  # type: ignore[attr-defined]
        raise
    api.warnings = tuple(w.located(sources.position) for w in api.warnings)
    api.notes = tuple(n.located(sources.position) for n in api.notes)
    return api, sources


def customize(api: Api, config: BuildConfig) -> Extras:
    """The build's settings that are not the spec's, applied to `api` (the client class) or checked and
    handed to the render stage (template overrides, the custom code and its mixins, the version)."""
    from .custom import CustomCode
    from .lower.settings import clashes_with_exports
    from .render.environment import check_overrides
    from .render.package import Extras

    if config.client_class is not None:
        if clashes_with_exports(config.client_class):
            raise SpecError(
                [
                    Diagnostic(
                        f"client-class {config.client_class!r} clashes with another name the package exports",
                        hint="choose another name, such as `Acme`",
                    )
                ]
            )
        api.settings = replace(api.settings, class_name=config.client_class)
    custom = CustomCode.read(config.custom)
    custom.check_mixins([resource.class_name for resource in api.all_resources()])
    if config.templates is not None:
        check_overrides(config.templates)
    return Extras(config.templates, custom, config.package_version, config.location)


def generate_into(folder: Path, api: Api, worker: ModelsWorker, extras: Extras) -> dict[str, bytes]:
    """Renders and formats the package into `folder`, then copies the custom code in as it is."""
    from .formatting import format_tree
    from .render.models import ModelsRequest
    from .render.package import HEADER, render_package

    # The client is rendered while the worker generates the models.
    write_files(folder, render_package(api, worker.submit(ModelsRequest.of(api), api.schema_origins), extras))
    format_tree(folder)
    for relative, data in extras.custom.package_files(HEADER).items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(data)
    return read_tree(folder)


def build(config: BuildConfig) -> BuildResult:
    started = time.perf_counter()
    stamp = fresh_stamp(config)
    if stamp is not None:
        _refuse_warnings(config, stamp.diagnostics())
        return BuildResult(
            stamp.operations,
            stamp.models,
            len(stamp.files),
            time.perf_counter() - started,
            Drift([], [], []) if config.check else None,
            cached=True,
            warnings=stamp.diagnostics(),
            paginated=stamp.paginated,
            inferred=stamp.inferred,
            notes=stamp.diagnostics(notes=True),
        )
    with ModelsWorker() as worker:
        api, sources = read_spec(
            config.spec, config.package, allow_remote_refs=config.allow_remote_refs, overlays=config.overlays
        )
        spec_files = sources.files
        _refuse_warnings(config, api.warnings)
        extras = customize(api, config)
        operations, models = len(api.operations()), len(api.schemas)
        paged = [op.pagination for op in api.operations() if op.pagination is not None]
        paginated, inferred = len(paged), sum(p.inferred for p in paged)
        if config.check:
            with tempfile.TemporaryDirectory(prefix="generator-check-") as scratch:
                try:
                    files = generate_into(Path(scratch) / config.package, api, worker, extras)
                except SpecError as exc:
                    exc.locate = sources.position  # type: ignore[attr-defined]
                    raise
            found = drift(files, read_tree(config.target))
            elapsed = time.perf_counter() - started
            return BuildResult(
                operations, models, len(files), elapsed, found, False, api.warnings, paginated, inferred, api.notes
            )
        staging = stage_dir(config.target)
        try:
            files = generate_into(staging, api, worker, extras)
            swap_in(staging, config.target, keeps_custom=config.custom is not None)
        except SpecError as exc:
            exc.locate = sources.position  # type: ignore[attr-defined]
            raise
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    save_stamp(
        config,
        spec_files,
        operations,
        models,
        files,
        api.warnings,
        paginated=paginated,
        inferred=inferred,
        notes=api.notes,
    )
    elapsed = time.perf_counter() - started
    return BuildResult(
        operations, models, len(files), elapsed, None, False, api.warnings, paginated, inferred, api.notes
    )


def _refuse_warnings(config: BuildConfig, warnings: tuple[Diagnostic, ...]) -> None:
    """`--strict`: every warning is an error, and nothing is written."""
    if config.strict and warnings:
        raise SpecError([w.as_error() for w in warnings])
