"""Counts of the instance and example checks (tests/test_model_instances.py) on the real specs.

For each spec of tests/real_specs: builds it with the generator of the working directory's checkout
(`python -m generator`), draws instances from every component schema, keeps those the
OpenAPI validator accepts, has the generated models parse them and dump them back, and does the same
with every example of the spec. Prints one row per spec (the figures in BENCHMARKS.md, Notes):

    python bench/model_instances.py                  # every spec (minutes)
    python bench/model_instances.py --only box,openai
    cd OTHER && PYTHONPATH=OTHER python /path/to/bench/model_instances.py   # another checkout's generator
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.instances import Schemas, component_classes, load_document  # noqa: E402
from support.round_trip import Case, round_trips  # noqa: E402
from support.spec_examples import examples  # noqa: E402

SPECS = {
    "platform": ("llamacloud-platform.json", "llamaplatform"),
    "box": ("box.json", "box_client"),
    "stripe": ("stripe.yaml", "stripe_client"),
    "openai": ("openai.yaml", "openai_client"),
}
PER_SCHEMA = 3


def measure(name: str, work: Path) -> str:
    file, package = SPECS[name]
    spec = ROOT / "tests" / "real_specs" / file
    out = work / name
    built = subprocess.run(
        [
            sys.executable,
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
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if built.returncode != 0:
        return f"| {name} | build failed: {built.stderr.strip().splitlines()[0][:120]} |"
    started = time.perf_counter()
    document = load_document(spec)
    schemas = Schemas(document)
    classes = component_classes(spec)
    drawn = schemas.draw_components(list(schemas.components), PER_SCHEMA, seed=0)
    cases = [Case(n, {"class": classes[n], "path": [], "nullable": schemas.admits_null(n)}, drawn[n]) for n in drawn]
    failures = round_trips(out, package, cases, work)
    found = examples(document, classes)
    refused = [e for e in found if schemas.problems(e.value, e.schema)]
    checked = [Case(e.where, e.target, [e.value]) for e in found if e.target is not None and e not in refused]
    example_failures = round_trips(out, package, checked, work)
    return (
        f"| {name} | {len(drawn)} | {sum(map(len, drawn.values()))} | {sum(1 for v in drawn.values() if not v)} "
        f"| {len(failures)} in {len({f.case for f in failures})} | {len(found)} | {len(refused)} | {len(checked)} "
        f"| {len(example_failures)} | {time.perf_counter() - started:.0f} s |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated specs: " + ", ".join(SPECS))
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(SPECS)
    print(
        "| spec | schemas | instances | schemas without one | failures (instances in schemas) "
        "| examples | refused by their schema | parsed | failures | time |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            print(measure(name, Path(folder)), flush=True)


if __name__ == "__main__":
    main()
