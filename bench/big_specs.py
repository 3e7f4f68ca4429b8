"""Rows 13 to 15: the large public specs in tests/real_specs (stripe.yaml, box.json).

13, 14: our whole client vs datamodel-codegen's models alone, each a cold process on the same spec,
alternating; with the peak memory of our build (the largest process: the build or its models
worker, `ru_maxrss` of the children) and the peak of the build's whole process tree (the PSS of
every process summed, sampled every 50 ms). 15: the stripe package imported in a fresh interpreter,
a client made and a first call parsed (a customer), against `import httpx, pydantic` alone.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from builds import generated, our_build
from common import (
    PYTHON,
    REPO,
    VENV_BIN,
    ProcessTime,
    Row,
    Settings,
    Target,
    child_env,
    cpu_ratio,
    describe,
    interleaved,
    median,
    walls,
)
from import_times import ImportSample, compare_imports

SPECS = REPO / "tests" / "real_specs"
STRIPE, BOX = SPECS / "stripe.yaml", SPECS / "box.json"
MEMORY_LIMIT_MB = 600.0
SAMPLE_SECONDS = 0.05


@dataclass(frozen=True)
class MemoryRun:
    result: ProcessTime
    largest_mb: float  # ru_maxrss of the largest process of the tree
    tree_mb: float  # the largest sum of the tree's PSS seen while it ran


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants, from /proc."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                stack += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue
    return found


def _pss_mb(pid: int) -> float:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_measuring_memory(command: Sequence[str], settings: Settings, cwd: Path) -> MemoryRun:
    """Runs `command` through a small Python parent, so that `ru_maxrss` of the children covers
    this command's process tree alone, while sampling the tree's summed PSS."""
    wrapper = (
        "import json, resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps({'code': done.returncode, 'out': done.stdout + done.stderr, 'maxrss': usage.ru_maxrss}))\n"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(
        [PYTHON, "-c", wrapper, *command], cwd=cwd, env=settings.env, stdout=subprocess.PIPE, text=True
    )
    tree_peak = 0.0
    while process.poll() is None:
        tree_peak = max(tree_peak, sum(_pss_mb(pid) for pid in _tree(process.pid)[1:]))
        time.sleep(SAMPLE_SECONDS)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = json.loads((process.stdout.read() if process.stdout else "").strip().splitlines()[-1])
    if report["code"] != 0:
        raise RuntimeError(f"`{' '.join(command)}` exited {report['code']}:\n{report['out'][-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return MemoryRun(ProcessTime(wall, cpu, report["out"]), report["maxrss"] / 1024, tree_peak)


def peer_models_into_folder(spec: Path, out: Path) -> list[str]:
    """datamodel-code-generator 0.89.0, models only, its default formatters, into a folder (a spec
    whose schema names hold dots, like stripe's, gives modules: a single file is refused)."""
    return [
        str(VENV_BIN / "datamodel-codegen"),
        *("--input", str(spec), "--input-file-type", "openapi"),
        *("--output", str(out / "models"), "--output-model-type", "pydantic_v2.BaseModel"),
    ]


def _build_rows(number: str, spec: Path, package: str, settings: Settings) -> list[Row]:
    work = settings.scratch / f"row{number}"
    memory: list[MemoryRun] = []

    def ours(index: int) -> ProcessTime:
        out = work / f"ours-{index}"
        try:
            run = run_measuring_memory(our_build(spec, out, package), settings, settings.code)
        finally:
            shutil.rmtree(out, ignore_errors=True)
        memory.append(run)
        return generated(run.result)

    peer_memory: list[MemoryRun] = []

    def peer(index: int) -> ProcessTime:
        out = work / f"peer-{index}"
        out.mkdir(parents=True, exist_ok=True)
        try:
            run = run_measuring_memory(peer_models_into_folder(spec, out), settings, settings.code)
        finally:
            shutil.rmtree(out, ignore_errors=True)
        peer_memory.append(run)
        return run.result

    ours(-1)
    peer(-1)
    memory.clear()
    peer_memory.clear()
    samples = interleaved(settings.process_repeats, {"ours": ours, "peer": peer})
    largest = max(run.largest_mb for run in memory)
    tree = max(run.tree_mb for run in memory)
    peer_largest = max(run.largest_mb for run in peer_memory)
    summary = samples["ours"][0].stdout.strip().splitlines()[0]
    rows = [
        Row(
            number + "a",
            f"`{spec.name}` build, whole client (cold process) vs datamodel-codegen models only",
            median(walls(samples["ours"])),
            median(walls(samples["peer"])),
            "s",
            Target("ratio", 1.2, "<= 1.20x"),
            [
                f"ours: {summary}",
                describe(f"ours `python -m generator build --spec {spec.name}`", samples["ours"]),
                describe("peer `datamodel-codegen --output-model-type pydantic_v2.BaseModel`", samples["peer"]),
                cpu_ratio(samples["ours"], samples["peer"]),
            ],
        )
    ]
    if spec == STRIPE:
        rows.append(
            Row(
                number + "b",
                f"`{spec.name}` build: peak resident memory of its largest process (peer: datamodel-codegen)",
                largest * 1e6,
                peer_largest * 1e6,
                "B",
                Target("max", MEMORY_LIMIT_MB * 1e6, f"< {MEMORY_LIMIT_MB:.0f} MB"),
                [
                    "largest process of each run (ru_maxrss; the build or its models worker): "
                    + ", ".join(f"{run.largest_mb:.0f}" for run in memory)
                    + " MB",
                    f"whole process tree, PSS summed (the build and its worker at once), peak: {tree:.0f} MB",
                ],
            )
        )
    return rows


def stripe_build(settings: Settings) -> list[Row]:
    """Rows 13a, 13b."""
    return _build_rows("13", STRIPE, "stripe_client", settings)


def box_build(settings: Settings) -> list[Row]:
    """Row 14a."""
    return _build_rows("14", BOX, "box_client", settings)


CUSTOMER = b'{"id": "cus_1", "object": "customer", "created": 1, "livemode": false, "email": "a@b.c", "balance": 0}'
FIRST_CALL = f"""import httpx
import stripe_client
body = {CUSTOMER!r}
reply = lambda request: httpx.Response(200, content=body, headers={{"content-type": "application/json"}})
client = stripe_client.Client(
    api_key="x", base_url="http://test", http_client=httpx.Client(transport=httpx.MockTransport(reply))
)
customer = client.customers.get_customer("cus_1")
assert type(customer).__name__ == "Customer" and customer.id == "cus_1", customer"""


def stripe_import(settings: Settings) -> list[Row]:
    """Row 15: import + Client(...) + a first call parsing a Customer, vs `import httpx, pydantic`."""
    out = settings.scratch / "row15"
    generated(settings.run(our_build(STRIPE, out, "stripe_client")))
    ours, floor = compare_imports(settings, (FIRST_CALL, "stripe_client", out), ("import httpx, pydantic", "", None))
    counted = _modules_after_first_call(settings, out)
    return [
        Row(
            "15",
            "`stripe.yaml` package: import + Client(...) + first `customers.get_customer` vs `import httpx, pydantic`",
            median([s.seconds * 1e3 for s in ours]),
            median([s.seconds * 1e3 for s in floor]),
            "ms",
            Target("delta", 500.0, "<= floor + 500 ms"),
            [
                _detail("ours (PYTHONPATH=the built package)", ours),
                _detail("floor `import httpx, pydantic`", floor),
                counted,
            ],
        )
    ]


def _detail(name: str, samples: list[ImportSample]) -> str:
    values = ", ".join(f"{s.seconds * 1e3:.0f}" for s in samples)
    cpu = median([s.cpu for s in samples]) * 1e3
    return f"{name}: {values} ms (median CPU {cpu:.0f} ms); {samples[-1].own} modules of the package loaded"


def _modules_after_first_call(settings: Settings, out: Path) -> str:
    code = FIRST_CALL + (
        "\nimport sys\nfrom stripe_client import models\n"
        "loaded = [m for m in sys.modules if m.startswith('stripe_client.models.')]\n"
        "classes = sum(len(models._MODULES[m.rsplit('.', 1)[1]]) for m in loaded)\n"
        "print(f'{len(loaded)} of {len(models._MODULES)} model modules, {classes} of {len(models._HOMES)} classes')"
    )
    result = settings.run([PYTHON, "-c", code], env=child_env(settings.scratch, out))
    return "after the first call: " + result.stdout.strip().splitlines()[-1]
