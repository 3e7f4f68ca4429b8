"""Row 12: does any stage of the build grow faster than the number of schemas?

    .venv/bin/python bench/schema_scaling.py            # 200, 1,000 and 4,000 models, 3 runs each
    .venv/bin/python bench/schema_scaling.py --quick    # one run each

Synthetic specs (bench/synthetic.py, `synthetic_models_spec`) of 200, 1,000 and 4,000 component
models, each model giving three classes; every stage timed in a fresh child (bench/stage_times.py).
Prints the time per class of each stage at each size and the ratio of the largest to the smallest:
flat (at most 1.30x) when the stage is linear. A stage taking under 2% of the build is listed but
not judged (its fixed costs, a process start, outweigh its growth at this scale).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from common import Row, Settings, Target, median, snapshot
from stage_times import STAGES, StageTimes, stage_times
from synthetic import write_synthetic_models_spec

SIZES = (200, 1_000, 4_000)
LIMIT = 1.3
JUDGED_SHARE = 0.02


def measure(settings: Settings) -> dict[int, list[StageTimes]]:
    folder = settings.scratch / "row12"
    folder.mkdir(parents=True, exist_ok=True)
    specs = {size: write_synthetic_models_spec(folder, size) for size in SIZES}
    stage_times(specs[SIZES[0]], settings)  # warm-up: bytecode, file cache
    samples: dict[int, list[StageTimes]] = {size: [] for size in SIZES}
    for _ in range(settings.process_repeats):
        for size in SIZES:
            samples[size].append(stage_times(specs[size], settings))
    return samples


def per_class_ms(samples: list[StageTimes], stage: str | None) -> float:
    """Median milliseconds per class of one stage (None: the whole build) over the samples."""
    values = [(s.total if stage is None else s.seconds[stage]) for s in samples]
    return median(values) * 1000 / samples[0].schemas


def table(samples: dict[int, list[StageTimes]]) -> tuple[list[str], str, float]:
    """Lines of the per-stage table, the worst judged stage and its ratio (largest vs smallest)."""
    small, large = SIZES[0], SIZES[-1]
    classes = {size: samples[size][0].schemas for size in SIZES}
    header = "stage: " + ", ".join(f"{classes[size]} classes" for size in SIZES) + " (ms/class); ratio"
    lines = [header]
    worst, worst_ratio = "", 0.0
    build_large = median([s.total for s in samples[large]])
    for stage in STAGES:
        values = {size: per_class_ms(samples[size], stage) for size in SIZES}
        ratio = values[large] / values[small] if values[small] else float("inf")
        share = median([s.seconds[stage] for s in samples[large]]) / build_large
        judged = share >= JUDGED_SHARE
        cells = ", ".join(f"{values[size]:.3f}" for size in SIZES)
        note = "" if judged else f" (not judged: {share:.1%} of the build)"
        lines.append(f"{stage}: {cells}; {ratio:.2f}x{note}")
        if judged and ratio > worst_ratio:
            worst, worst_ratio = stage, ratio
    return lines, worst, worst_ratio


def rows(settings: Settings) -> list[Row]:
    samples = measure(settings)
    small, large = SIZES[0], SIZES[-1]
    lines, worst, worst_ratio = table(samples)
    target = Target("ratio", LIMIT, f"<= {LIMIT:.2f}x")
    classes = {size: samples[size][0].schemas for size in SIZES}
    whole = {size: per_class_ms(samples[size], None) for size in SIZES}
    totals = ", ".join(f"{classes[s]} classes {median([x.total for x in samples[s]]):.1f} s" for s in SIZES)
    return [
        Row(
            "12a",
            f"build ms/class (stages in sequence), synthetic {classes[large]} vs {classes[small]} classes",
            whole[large],
            whole[small],
            "ms",
            target,
            [f"whole build: {totals}", *lines],
        ),
        Row(
            "12b",
            f"slowest-growing stage ({worst}) ms/class, {classes[large]} vs {classes[small]} classes",
            worst_ratio * per_class_ms(samples[small], worst),
            per_class_ms(samples[small], worst),
            "ms",
            target,
            [f"every stage taking at least {JUDGED_SHARE:.0%} of the build is judged; see 12a for the table"],
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run per size instead of three")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        code, _ = snapshot("working", Path(scratch) / "measured")
        repeats = 1 if args.quick else 3
        settings = Settings(repeats, repeats, 0, Path(scratch), code)
        found = rows(settings)
    for line in found[0].details:
        print(line)
    for row in found:
        verdict = "PASS" if row.passed else "MISS"
        print(f"{row.number} {row.measure}: {row.ours:.3f} vs {row.peer:.3f} ms, {row.ratio:.2f}x {verdict}")
    return 0 if all(row.passed for row in found) else 1


if __name__ == "__main__":
    sys.exit(main())
