"""Rows 1, 2, 3 and 9: generator builds as cold processes (a fresh interpreter each), wall time."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from pathlib import Path

from common import (
    PLATFORM_SPEC,
    PYTHON,
    SEED_SPEC,
    VENV_BIN,
    ProcessTime,
    Row,
    Settings,
    Target,
    describe,
    interleaved,
    median,
    run_process,
    walls,
)
from synthetic import write_synthetic_spec

SYNTHETIC_SIZES = (200, 1_000, 4_000)


def our_build(spec: Path, out: Path, package: str, *, check: bool = False) -> list[str]:
    command = [
        PYTHON,
        "-m",
        "generator",
        "build",
        "--spec",
        str(spec),
        "--out",
        str(out),
        "--package",
        package,
    ]
    return [*command, "--check"] if check else command


def peer_client_build(spec: Path, out: Path) -> list[str]:
    """openapi-python-client 0.29.1: `--meta none` writes only the package (no pyproject.toml/README);
    its default post-hooks for that meta (`ruff check --fix-only --extend-select=I`, `ruff format`)
    still run, as ours runs ruff; they need ruff on PATH, which `child_env` provides."""
    return [
        str(VENV_BIN / "openapi-python-client"),
        "generate",
        "--path",
        str(spec),
        "--output-path",
        str(out),
        "--overwrite",
        "--meta",
        "none",
    ]


def peer_models_build(spec: Path, out: Path) -> list[str]:
    """datamodel-code-generator 0.89.0 with its default formatters, models only."""
    return [
        str(VENV_BIN / "datamodel-codegen"),
        "--input",
        str(spec),
        "--input-file-type",
        "openapi",
        "--output",
        str(out / "models.py"),
        "--output-model-type",
        "pydantic_v2.BaseModel",
    ]


def _timed_into(
    command: list[str], out: Path, settings: Settings, ok_codes: tuple[int, ...] = (0,)
) -> ProcessTime:
    """Runs a build into the fresh folder `out`, removed afterwards (outside the timing)."""
    out.mkdir(parents=True, exist_ok=True)
    try:
        return run_process(command, settings.env, ok_codes=ok_codes)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _check_peer_ran_hooks(result: ProcessTime) -> None:
    if "not in PATH" in result.stdout or "Skipping Integration" in result.stdout:
        raise RuntimeError(
            "openapi-python-client skipped its ruff post-hooks: the comparison would be unfair"
        )


def platform_build(settings: Settings) -> list[Row]:
    """Row 1: our build of the platform spec vs openapi-python-client's."""
    work = settings.scratch / "row1"

    def ours(index: int) -> ProcessTime:
        out = work / f"ours-{index}"
        return _timed_into(our_build(PLATFORM_SPEC, out, "llamaplatform"), out, settings)

    def peer(index: int) -> ProcessTime:
        out = work / f"peer-{index}"
        # It exits 0 while warning that it skipped 5 operations (a nullable path parameter).
        return _timed_into(peer_client_build(PLATFORM_SPEC, out / "client"), out, settings, ok_codes=(0, 1))

    ours(-1)
    _check_peer_ran_hooks(peer(-1))
    samples = interleaved(settings.process_repeats, {"ours": ours, "peer": peer})
    return [
        Row(
            "1",
            "platform spec build (cold process) vs openapi-python-client",
            median(walls(samples["ours"])),
            median(walls(samples["peer"])),
            "s",
            Target("ratio", 0.5, "<= 0.50x"),
            [
                describe("ours `python -m generator build --package llamaplatform`", samples["ours"]),
                describe("peer `openapi-python-client generate --meta none --overwrite`", samples["peer"]),
            ],
        )
    ]


def seed_build(settings: Settings) -> list[Row]:
    """Row 2: our whole client of spec/openapi.yaml vs datamodel-codegen's models alone."""
    work = settings.scratch / "row2"

    def ours(index: int) -> ProcessTime:
        out = work / f"ours-{index}"
        return _timed_into(our_build(SEED_SPEC, out, "llamacloud"), out, settings)

    def peer(index: int) -> ProcessTime:
        out = work / f"peer-{index}"
        return _timed_into(peer_models_build(SEED_SPEC, out), out, settings)

    ours(-1)
    peer(-1)
    samples = interleaved(settings.process_repeats, {"ours": ours, "peer": peer})
    return [
        Row(
            "2",
            "seed spec build, whole client (cold process) vs datamodel-codegen models only",
            median(walls(samples["ours"])),
            median(walls(samples["peer"])),
            "s",
            Target("ratio", 1.0, "<= 1.00x"),
            [
                describe("ours `python -m generator build --spec spec/openapi.yaml`", samples["ours"]),
                describe(
                    "peer `datamodel-codegen --output-model-type pydantic_v2.BaseModel`", samples["peer"]
                ),
            ],
        )
    ]


def unchanged_rebuild(settings: Settings) -> list[Row]:
    """Row 3: platform spec; per repetition a full build into an empty folder, then a rebuild of
    the same folder with nothing changed, then `--check` of that up-to-date folder."""
    out = settings.scratch / "row3"

    def full(index: int) -> ProcessTime:
        shutil.rmtree(out, ignore_errors=True)
        return run_process(our_build(PLATFORM_SPEC, out, "llamaplatform"), settings.env)

    def rebuild(index: int) -> ProcessTime:
        return run_process(our_build(PLATFORM_SPEC, out, "llamaplatform"), settings.env)

    def check(index: int) -> ProcessTime:
        result = run_process(our_build(PLATFORM_SPEC, out, "llamaplatform", check=True), settings.env)
        if "up to date" not in result.stdout:
            raise RuntimeError(f"--check did not find the tree up to date:\n{result.stdout}")
        return result

    full(-1)
    samples = interleaved(settings.process_repeats, {"full": full, "rebuild": rebuild, "check": check})
    shutil.rmtree(out, ignore_errors=True)
    full_median = median(walls(samples["full"]))
    target = Target("ratio", 0.2, "<= 0.20x")
    details = [
        describe("full build into an empty folder", samples["full"]),
        describe("rebuild, nothing changed", samples["rebuild"]),
        describe("`--check`, tree up to date", samples["check"]),
    ]
    return [
        Row(
            "3a",
            "rebuild, nothing changed (platform spec) vs full build",
            median(walls(samples["rebuild"])),
            full_median,
            "s",
            target,
            details,
        ),
        Row(
            "3b",
            "`--check` on an up-to-date tree (platform spec) vs full build",
            median(walls(samples["check"])),
            full_median,
            "s",
            target,
        ),
    ]


def _ignore_index(build: Callable[[int], ProcessTime], size: int, _index: int) -> ProcessTime:
    return build(size)


def scaling(settings: Settings) -> list[Row]:
    """Row 9: build time per operation of synthetic specs, smallest vs largest."""
    folder = settings.scratch / "row9"
    folder.mkdir(parents=True, exist_ok=True)
    specs = {size: write_synthetic_spec(folder, size) for size in SYNTHETIC_SIZES}

    def build(size: int) -> ProcessTime:
        out = folder / f"out-{size}"
        return _timed_into(our_build(specs[size], out, "synthetic"), out, settings)

    build(SYNTHETIC_SIZES[0])  # warm-up: the same generator code serves every size
    samples = interleaved(
        settings.process_repeats,
        {str(size): functools.partial(_ignore_index, build, size) for size in SYNTHETIC_SIZES},
    )
    seconds = {size: median(walls(samples[str(size)])) for size in SYNTHETIC_SIZES}
    small, middle, large = SYNTHETIC_SIZES
    per_op = {size: seconds[size] / size * 1000 for size in SYNTHETIC_SIZES}
    first_step = (seconds[middle] - seconds[small]) / (middle - small) * 1000
    second_step = (seconds[large] - seconds[middle]) / (large - middle) * 1000
    details = [
        describe(f"{size} operations ({per_op[size]:.2f} ms/op)", samples[str(size)])
        for size in SYNTHETIC_SIZES
    ]
    target = Target("ratio", 1.3, "<= 1.30x")
    return [
        Row(
            "9a",
            f"build ms/operation, synthetic {large} ops vs {small} ops (whole process)",
            per_op[large],
            per_op[small],
            "ms",
            target,
            details,
        ),
        Row(
            "9b",
            f"marginal ms/operation, {middle}->{large} ops vs {small}->{middle} ops",
            second_step,
            first_step,
            "ms",
            target,
        ),
    ]
