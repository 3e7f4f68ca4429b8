"""A 50 MB spec end to end: does the build finish, how long does it take, how much memory does it use?

    .venv/bin/python bench/large_spec.py               # about 50 MB (copies of the platform spec)
    .venv/bin/python bench/large_spec.py --mb 10       # another size

The spec is the platform spec (tests/real_specs/llamacloud-platform.json) copied side by side until
the JSON reaches the size asked for: every copy's schemas, paths and operationIds renamed, its
`$ref`s pointing at its own schemas. The build runs as `python -m generator build` in a child
process; its peak memory is the largest resident set of that process and its models worker
(getrusage of the children). Prints one line per measure; the figures go in BENCHMARKS.md by hand.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PLATFORM = REPO / "tests" / "real_specs" / "llamacloud-platform.json"
SCHEMA_PREFIX = "#/components/schemas/"


def renamed(value: Any, suffix: str) -> Any:
    """`value` with every `$ref` to a schema pointing at that schema's copy."""
    if isinstance(value, dict):
        out = {k: renamed(v, suffix) for k, v in value.items()}
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            out["$ref"] = ref + suffix
        return out
    if isinstance(value, list):
        return [renamed(v, suffix) for v in value]
    return value


def large_spec(target_bytes: int) -> tuple[dict[str, Any], int]:
    base = json.loads(PLATFORM.read_text(encoding="utf-8"))
    one_copy = len(json.dumps(base, indent=1))
    copies = max(1, -(-target_bytes // one_copy))
    document: dict[str, Any] = {k: v for k, v in base.items() if k not in ("paths", "components")}
    schemas: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    for index in range(copies):
        suffix = f"V{index}"
        for name, schema in base["components"]["schemas"].items():
            schemas[name + suffix] = renamed(schema, suffix)
        for path, item in base["paths"].items():
            copied = renamed(item, suffix)
            for operation in copied.values():
                if isinstance(operation, dict) and "operationId" in operation:
                    operation["operationId"] += f"_{suffix}"
                    operation["x-resource"] = f"v{index}." + ".".join(operation.get("tags", ["default"])[:1])
            paths[f"/v{index}{path}"] = copied
    components = {k: renamed(v, "") for k, v in base["components"].items() if k != "schemas"}
    document["components"] = {**components, "schemas": schemas}
    document["paths"] = paths
    return document, copies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--mb", type=float, default=50.0, help="size of the spec in MB (default 50)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="large-spec-") as scratch:
        root = Path(scratch)
        document, copies = large_spec(int(args.mb * 1024 * 1024))
        spec = root / "spec" / "openapi.json"
        spec.parent.mkdir()
        spec.write_text(json.dumps(document, indent=1), encoding="utf-8")
        size = spec.stat().st_size
        operations = sum(1 for item in document["paths"].values() for op in item.values() if isinstance(op, dict))
        print(
            f"spec: {size / 1024 / 1024:.1f} MB, {copies} copies of the platform spec, {operations} operations, "
            f"{len(document['components']['schemas'])} schemas"
        )
        command = [sys.executable, "-m", "generator", "build", "--isolated", "--spec", str(spec),
                   "--out", str(root / "out"), "--package", "big"]  # fmt: skip
        started = time.perf_counter()
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"exit {done.returncode} in {seconds:.1f} s, peak resident memory {peak_mb:.0f} MB")
        print((done.stdout + done.stderr).strip()[-2000:])
        return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
