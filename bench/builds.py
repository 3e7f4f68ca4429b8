"""Rows 1, 2, 3 and 9: generator builds as cold processes (a fresh interpreter each), wall time."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from pathlib import Path

from common import (
    PLATFORM_SPEC,
    PYTHON,
    VENV_BIN,
    ProcessTime,
    Row,
    Settings,
    Target,
    cpu_ratio,
    cpus,
    describe,
    interleaved,
    median,
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
        "--isolated",
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


def timed_into(command: list[str], out: Path, settings: Settings, ok_codes: tuple[int, ...] = (0,)) -> ProcessTime:
    """Runs a build into the fresh folder `out`, removed afterwards (outside the timing)."""
    out.mkdir(parents=True, exist_ok=True)
    try:
        return settings.run(command, ok_codes)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def generated(result: ProcessTime) -> ProcessTime:
    """`result` of one of our builds, checked to have generated rather than hit the build cache
    (each full build writes into a fresh folder, where no cache stamp can exist)."""
    if "written" not in result.stdout or "cached" in result.stdout:
        raise RuntimeError(f"expected a full build, got:\n{result.stdout}")
    return result


def cache_hits(samples: list[ProcessTime]) -> str:
    hits = sum("cached" in sample.stdout for sample in samples)
    return f"{hits} of {len(samples)} answered from the build cache"


def _check_peer_ran_hooks(result: ProcessTime) -> None:
    if "not in PATH" in result.stdout or "Skipping Integration" in result.stdout:
        raise RuntimeError("openapi-python-client skipped its ruff post-hooks: the comparison would be unfair")


def peer_client_samples(spec: Path, settings: Settings, name: str) -> dict[str, list[ProcessTime]]:
    """Our build of `spec` vs openapi-python-client's, each into an empty folder, alternating."""
    work = settings.scratch / name

    def ours(index: int) -> ProcessTime:
        out = work / f"ours-{index}"
        return generated(timed_into(our_build(spec, out, "measured"), out, settings))

    def peer(index: int) -> ProcessTime:
        out = work / f"peer-{index}"
        # It exits 0 while warning about what it skips (the platform spec: 5 nullable path parameters).
        return timed_into(peer_client_build(spec, out / "client"), out, settings, ok_codes=(0, 1))

    ours(-1)
    _check_peer_ran_hooks(peer(-1))
    return interleaved(settings.process_repeats, {"ours": ours, "peer": peer})


def cpu_row(number: str, measure: str, samples: dict[str, list[ProcessTime]], target: Target) -> Row:
    """A row of `peer_client_samples`, judged by median CPU time (the process tree's user + system)."""
    ours, peer = samples["ours"], samples["peer"]
    wall_ratio = median(walls(ours)) / median(walls(peer))
    return Row(
        number,
        measure,
        median(cpus(ours)),
        median(cpus(peer)),
        "s",
        target,
        [
            describe("ours `python -m generator build`", ours),
            describe("peer `openapi-python-client generate --meta none --overwrite`", peer),
            f"ratio by median wall time instead of CPU time: {wall_ratio:.2f}x",
            f"CPU samples: ours {', '.join(f'{c:.2f}' for c in cpus(ours))} s; "
            f"peer {', '.join(f'{c:.2f}' for c in cpus(peer))} s",
        ],
    )


def platform_build(settings: Settings) -> list[Row]:
    """Row 1: our build of the platform spec vs openapi-python-client's."""
    samples = peer_client_samples(PLATFORM_SPEC, settings, "row1")
    measure = "platform spec build (cold process, CPU) vs openapi-python-client"
    return [cpu_row("1", measure, samples, Target("ratio", 0.5, "<= 0.50x"))]


def seed_build(settings: Settings) -> list[Row]:
    """Row 2: our whole client of spec/openapi.yaml vs datamodel-codegen's models alone."""
    work = settings.scratch / "row2"

    def ours(index: int) -> ProcessTime:
        out = work / f"ours-{index}"
        return generated(timed_into(our_build(settings.seed_spec, out, "llamacloud"), out, settings))

    def peer(index: int) -> ProcessTime:
        out = work / f"peer-{index}"
        return timed_into(peer_models_build(settings.seed_spec, out), out, settings)

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
                describe("peer `datamodel-codegen --output-model-type pydantic_v2.BaseModel`", samples["peer"]),
                cpu_ratio(samples["ours"], samples["peer"]),
            ],
        )
    ]


def unchanged_rebuild(settings: Settings) -> list[Row]:
    """Row 3: platform spec; per repetition a full build into an empty folder, then a rebuild of
    the same folder with nothing changed, then `--check` of that up-to-date folder."""
    out = settings.scratch / "row3"

    def full(index: int) -> ProcessTime:
        shutil.rmtree(out, ignore_errors=True)  # the build cache's stamp with it
        return generated(settings.run(our_build(PLATFORM_SPEC, out, "llamaplatform")))

    def rebuild(index: int) -> ProcessTime:
        return settings.run(our_build(PLATFORM_SPEC, out, "llamaplatform"))

    def check(index: int) -> ProcessTime:
        result = settings.run(our_build(PLATFORM_SPEC, out, "llamaplatform", check=True))
        if "up to date" not in result.stdout:
            raise RuntimeError(f"--check did not find the tree up to date:\n{result.stdout}")
        return result

    full(-1)
    samples = interleaved(settings.process_repeats, {"full": full, "rebuild": rebuild, "check": check})
    shutil.rmtree(out, ignore_errors=True)
    full_median = median(walls(samples["full"]))
    target = Target("ratio", 0.2, "<= 0.20x")
    rebuild_details = [
        describe("full build into an empty folder", samples["full"]),
        describe("rebuild, nothing changed", samples["rebuild"]) + f"; {cache_hits(samples['rebuild'])}",
        cpu_ratio(samples["rebuild"], samples["full"]),
    ]
    check_details = [
        describe("`--check`, tree up to date", samples["check"]) + f"; {cache_hits(samples['check'])}",
        cpu_ratio(samples["check"], samples["full"]),
    ]
    return [
        Row(
            "3a",
            "rebuild, nothing changed (platform spec) vs full build",
            median(walls(samples["rebuild"])),
            full_median,
            "s",
            target,
            rebuild_details,
        ),
        Row(
            "3b",
            "`--check` on an up-to-date tree (platform spec) vs full build",
            median(walls(samples["check"])),
            full_median,
            "s",
            target,
            check_details,
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
        return generated(timed_into(our_build(specs[size], out, "synthetic"), out, settings))

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
    cpu = {size: median(cpus(samples[str(size)])) for size in SYNTHETIC_SIZES}
    cpu_first = (cpu[middle] - cpu[small]) / (middle - small) * 1000
    cpu_second = (cpu[large] - cpu[middle]) / (large - middle) * 1000
    details = [
        *(describe(f"{size} operations ({per_op[size]:.2f} ms/op)", samples[str(size)]) for size in SYNTHETIC_SIZES),
        f"by median CPU time: {cpu[large] / large * 1000:.2f} vs {cpu[small] / small * 1000:.2f} ms/op, "
        f"{cpu[large] / large / (cpu[small] / small):.2f}x",
    ]
    marginal_details = [
        f"by median CPU time: {cpu_second:.2f} vs {cpu_first:.2f} ms/op, "
        + (f"{cpu_second / cpu_first:.2f}x" if cpu_first > 0 else "n/a")
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
            marginal_details,
        ),
    ]
