"""Rows 16 and 17: whole-client builds against openapi-python-client on the specs both build, and
where each build's seconds go.

    .venv/bin/python bench/peer_builds.py            # rows 1, 16, 17 and the stage profiles (5 runs each)
    .venv/bin/python bench/peer_builds.py --quick    # 1 run each: indicative only

16: `tests/real_specs/openai.yaml` (288 operations, 1,422 schemas). 17: a synthetic spec of
Cloudflare's size and shapes (bench/cloudflare_like.py: 1,533 operations, 3,716 component schemas,
4.2 MB of JSON). Each is ours `python -m generator build` vs `openapi-python-client generate --meta
none` (with its ruff post-hooks, as in row 1), cold processes, alternating; judged by median CPU time
(user + system of the process tree: ruff, our models worker), steadier than wall time on a shared
machine, where our worker's second process can make wall time look better than the work done. The
other real specs (`box.json`, `stripe.yaml`) are tried once: openapi-python-client stops on them
(enum values differing only in case give it duplicate members), so they have no ratio.

The stage profile runs each build's stages one after another in one fresh process
(bench/stage_times.py): ours (load and resolve, lower, our preparation and finishing of the models,
the client's templates, writing, ruff) against the models library's own run.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from builds import cpu_row, peer_client_build, peer_client_samples, platform_build, timed_into
from cloudflare_like import write_cloudflare_like_spec
from common import (
    PLATFORM_SPEC,
    REPO,
    Row,
    Settings,
    Target,
    snapshot,
)
from stage_times import STAGES, stage_times

OPENAI = REPO / "tests" / "real_specs" / "openai.yaml"
UNBUILT_BY_PEER = (REPO / "tests" / "real_specs" / "box.json", REPO / "tests" / "real_specs" / "stripe.yaml")
LIBRARY_STAGE = "models: library"


def openai_build(settings: Settings) -> list[Row]:
    """Row 16: openai.yaml, our whole client vs openapi-python-client's."""
    samples = peer_client_samples(OPENAI, settings, "row16")
    measure = "`openai.yaml` build, whole client (cold process, CPU) vs openapi-python-client"
    return [cpu_row("16", measure, samples, Target("ratio", 1.0, "<= 1.00x"))]


def cloudflare_build(settings: Settings) -> list[Row]:
    """Row 17: the Cloudflare-sized synthetic spec, our whole client vs openapi-python-client's."""
    spec = write_cloudflare_like_spec(settings.scratch / "cloudflare-like.json")
    samples = peer_client_samples(spec, settings, "row17")
    measure = "Cloudflare-sized synthetic spec build (1,533 operations, cold process, CPU) vs openapi-python-client"
    return [cpu_row("17", measure, samples, Target("ratio", 1.0, "<= 1.00x"))]


def unbuilt_by_peer(settings: Settings) -> list[str]:
    """What openapi-python-client says on the specs it does not build (one try each)."""
    lines = []
    for spec in UNBUILT_BY_PEER:
        out = settings.scratch / f"unbuilt-{spec.stem}"
        result = timed_into(peer_client_build(spec, out / "client"), out, settings, ok_codes=(0, 1))
        said = result.stdout.splitlines()
        reason = next((line for line in said if line.startswith(("ValueError", "Error"))), said[-1] if said else "")
        lines.append(f"{spec.name}: openapi-python-client: {reason.strip()}")
    return lines


def stage_profile(settings: Settings, specs: dict[str, Path]) -> list[str]:
    """Each spec's stages, in seconds: ours, the models library's, and the share of each."""
    lines = [
        "stage seconds (one process, stages in sequence): " + ", ".join(STAGES),
    ]
    for name, spec in specs.items():
        times = stage_times(spec, settings)
        library = times.seconds[LIBRARY_STAGE]
        ours = times.total - library
        stages = ", ".join(f"{stage} {times.seconds[stage]:.2f}" for stage in STAGES)
        lines.append(
            f"{name} ({times.operations} operations, {times.schemas} classes): {stages}; "
            f"ours {ours:.2f} s ({ours / times.total:.0%}), the models library {library:.2f} s "
            f"({library / times.total:.0%}), {1000 * library / times.schemas:.2f} ms per class"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/peer_builds.py", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 run of each build instead of 5")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-peer-") as folder:
        scratch = Path(folder)
        code, described = snapshot("working", scratch / "code")
        settings = Settings(1 if args.quick else 5, 1, 1, scratch, code)
        print(f"measuring {described}", flush=True)
        rows = [*platform_build(settings), *openai_build(settings), *cloudflare_build(settings)]
        for row in rows:
            verdict = "PASS" if row.passed else "MISS"
            print(
                f"{row.number}: {row.measure}: ours {row.ours:.2f} s, peer {row.peer:.2f} s, {row.ratio:.2f}x "
                f"({row.target.text}) {verdict}"
            )
            for line in row.details:
                print(f"    {line}")
        for line in unbuilt_by_peer(settings):
            print(line)
        cloudflare = scratch / "profile-cloudflare-like.json"
        write_cloudflare_like_spec(cloudflare)
        profile = {"platform": PLATFORM_SPEC, "openai.yaml": OPENAI, "cloudflare-like": cloudflare}
        for line in stage_profile(settings, profile):
            print(line)
        shutil.rmtree(scratch / "code", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
