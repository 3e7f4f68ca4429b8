"""Performance measures of the generator and its generated client, each against a peer.

    .venv/bin/python bench/run.py            # every measure, medians of 5 runs; rewrites BENCHMARKS.md
    .venv/bin/python bench/run.py --quick    # fewer repetitions (prints only, unless --write)
    .venv/bin/python bench/run.py --only 1,4 # some measures (prints only, unless --write)

Prints one table (ours, the peer measured in the same run, the ratio, the target, PASS/MISS).
Runs offline: every HTTP exchange goes through an in-memory httpx.MockTransport, but rows 10 and 11's
(bench/streaming.py), which stream from a server on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import big_specs
import builds
import calls
import import_times
import peer_builds
import report
import schema_scaling
import streaming
from common import REPO, Row, Settings, snapshot

MEASURES: dict[int, tuple[str, Callable[[Settings], list[Row]]]] = {
    1: ("platform spec build vs openapi-python-client", builds.platform_build),
    2: ("seed spec build vs datamodel-codegen", builds.seed_build),
    3: ("unchanged rebuild and --check vs full build", builds.unchanged_rebuild),
    4: ("get_status CPU vs raw httpx", calls.call_vs_raw),
    5: ("get_status CPU vs llama-cloud", calls.call_vs_llama_cloud),
    6: ("import llamacloud vs httpx + pydantic", import_times.package_import),
    7: ("paging memory", calls.paging_memory),
    8: ("platform package import vs llama-cloud", import_times.platform_import),
    9: ("build scaling, synthetic specs", builds.scaling),
    10: ("1 GiB streamed download vs raw httpx", streaming.download_rows),
    11: ("100,000 typed SSE events vs raw httpx iter_lines", streaming.events_rows),
    12: ("build stages per class, synthetic 200 -> 4,000 models", schema_scaling.rows),
    13: ("stripe.yaml build vs datamodel-codegen, peak memory", big_specs.stripe_build),
    14: ("box.json build vs datamodel-codegen", big_specs.box_build),
    15: ("stripe.yaml package: import and first call vs httpx + pydantic", big_specs.stripe_import),
    16: ("openai.yaml build vs openapi-python-client", peer_builds.openai_build),
    17: ("Cloudflare-sized synthetic spec build vs openapi-python-client", peer_builds.cloudflare_build),
}
OUTPUT = REPO / "BENCHMARKS.md"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer repetitions (1 per process, 3 per loop): a smoke test, figures indicative only",
    )
    parser.add_argument("--only", metavar="N,M", help=f"run only these measures (1-{max(MEASURES)})")
    parser.add_argument(
        "--source",
        choices=("working", "head"),
        default="working",
        help="measure a copy of the working tree taken at the start (default) or of the commit HEAD",
    )
    parser.add_argument("--write", action="store_true", help="rewrite BENCHMARKS.md even after --quick or --only")
    return parser.parse_args(argv)


def selected(only: str | None) -> list[int]:
    if not only:
        return list(MEASURES)
    try:
        chosen = sorted({int(part) for part in only.split(",") if part.strip()})
    except ValueError:
        raise SystemExit(f"--only takes measure numbers separated by commas, e.g. 1,4; got {only!r}") from None
    unknown = [n for n in chosen if n not in MEASURES]
    if unknown:
        raise SystemExit(f"unknown measure(s) {unknown}; choose among {list(MEASURES)}")
    return chosen


def shorten(text: str, head: int = 300, tail: int = 500) -> str:
    return text if len(text) <= head + tail else f"{text[:head]} [...] {text[-tail:]}"


def run_measures(numbers: list[int], settings: Settings) -> tuple[list[Row], list[str]]:
    """Every selected measure's rows, and one line per measure that failed (the others still run)."""
    rows: list[Row] = []
    failures: list[str] = []
    for number in numbers:
        title, measure = MEASURES[number]
        started = time.perf_counter()
        print(f"[{number}] {title} ...", file=sys.stderr, flush=True)
        try:
            rows += measure(settings)
        except Exception as exc:  # one broken measure must not discard the others' figures
            message = shorten(" ".join(str(exc).split()))
            failures.append(f"{number} ({title}) failed: {type(exc).__name__}: {message}")
            print(f"[{number}] FAILED: {exc}", file=sys.stderr, flush=True)
            continue
        print(f"[{number}] done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return rows, failures


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    numbers = selected(args.only)
    started_at, started = datetime.now().astimezone(), time.perf_counter()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        code, measured = snapshot(args.source, Path(scratch) / "measured")
        settings = Settings(
            process_repeats=1 if args.quick else 5,
            loop_repeats=3 if args.quick else 5,
            calls=500 if args.quick else 2000,
            scratch=Path(scratch),
            code=code,
        )
        rows, failures = run_measures(numbers, settings)
        info = report.machine(measured, settings.code, load_before, os.getloadavg())
    minutes = (time.perf_counter() - started) / 60
    print(report.console_table(rows))
    print(f"\n{sum(r.passed for r in rows)} of {len(rows)} rows meet their target ({minutes:.1f} min).")
    for failure in failures:
        print(f"measure {failure}")
    if args.write or not (args.quick or args.only):
        notes = report.existing_notes(OUTPUT)
        command = " ".join([".venv/bin/python bench/run.py", *sys.argv[1:]])
        text = report.markdown(rows, failures, info, started_at, minutes, notes, command)
        OUTPUT.write_text(text, encoding="utf-8")
        print(f"written: {OUTPUT.relative_to(REPO)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
