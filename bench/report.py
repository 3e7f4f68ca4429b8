"""The results table (console and Markdown), the machine description, and BENCHMARKS.md."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from common import Row

COMMAND = ".venv/bin/python bench/run.py"
NOTES_HEADING = "## Notes (kept by bench/run.py across runs)"
PACKAGES = (
    "datamodel-code-generator",
    "ruff",
    "pydantic",
    "pydantic-core",
    "httpx",
    "openapi-python-client",
    "llama-cloud",
)
HEADERS = ("#", "Measure (ours vs peer)", "Ours", "Peer", "Ratio", "Target", "Result")

METHOD = """\
- Every figure is a median over repetitions (5 by default; `--quick`: 1 for processes, 3 for loops).
  Ours and the peer alternate within each repetition, so drifting machine load hits both alike.
- The measured code (generator/, templates/, spec/, generated/, pyproject.toml) is copied once at
  the start, from the working tree or, with `--source head`, from the commit, and every child runs
  in that copy: all rows measure the same code even while the tree is being edited.
- "Cold process" means a fresh interpreter per run, timed by wall clock around the child process.
  Bytecode is warm: every command runs once, discarded, before the measured runs, with
  `PYTHONPYCACHEPREFIX` set to a private temporary folder (nothing is written into the tree) and
  `PYTHONDONTWRITEBYTECODE` removed, for ours and the peers alike. CPU times (user + system, ruff
  subprocesses included) are listed under Samples.
- 1: `python -m generator build --spec tests/real_specs/llamacloud-platform.json --out TMP --package
  llamaplatform` vs `openapi-python-client generate --path SPEC --output-path TMP --overwrite --meta
  none`. `--meta none` writes the bare package (no pyproject.toml/README); its default post-hooks for
  that meta (`ruff check --fix-only --extend-select=I .`, `ruff format .`) still run, with ruff on
  PATH, much as ours runs `ruff check --fix` + `ruff format`. The peer skips 5 of the 209 operations
  (nullable path parameters) with warnings; ours generates all 209. Judged by median CPU time (user +
  system of the process tree): wall time flatters ours, whose models worker runs on the second core.
- 2: our whole client of `spec/openapi.yaml` vs `datamodel-codegen --input spec/openapi.yaml
  --input-file-type openapi --output TMP/models.py --output-model-type pydantic_v2.BaseModel`
  (its default formatters), i.e. the models alone.
- 3: platform spec. Each repetition: a full build into an empty folder (the reference), then the same
  build into that folder with nothing changed (3a), then `--check` against it (3b, must report
  "up to date"). Samples say how many of 3a/3b the build cache (OUT/.generator-cache) answered.
  Every full build (1, 2, 3, 8, 9) writes into an empty folder and is checked to have generated
  ("written", not "cached").
- 4, 5: `generated/llamacloud` in this process; `Client(api_key="x", base_url="http://test",
  http_client=httpx.Client(transport=httpx.MockTransport(...)))` whose transport answers the seed's
  example JSON for `get_status` (spec/paths/batch.yaml). CPU time (`time.process_time`) per call
  over N calls after 200 warm-up calls, per repetition. Raw: `httpx.Client(transport=same).get(url)`
  then `json.loads(response.content)`. llama-cloud: `LlamaCloud(api_key=..., base_url=...,
  http_client=httpx.Client(transport=same)).beta.batch.get_status(job_id)`. The three alternate.
- 6: `python -c` timing `import llamacloud` (PYTHONPATH=generated) with `time.perf_counter()` inside
  the child, so the interpreter's start-up is excluded; the floor is `import httpx, pydantic` timed
  the same way. PASS when ours is at most 60 ms above the floor.
- 7: `client.beta.batch.list(limit=100)` iterated to the end over a MockTransport serving 100 pages
  of 100 distinct jobs (the seed's list example), each page but the last with a next_page_token; the
  transport hands out a fresh copy of each body, as a real one would allocate it. Ours: tracemalloc
  peak during the iteration; peer column: tracemalloc size of one page parsed by
  `models.BatchJobPage.model_validate_json`. "About two pages" is taken as <= 2.5x.
- 8: the platform spec built once with `--package llamaplatform`, then in a fresh interpreter:
  `import llamaplatform; client = llamaplatform.Client(api_key="x", base_url="http://test");
  client.files` vs `import llama_cloud; client = llama_cloud.LlamaCloud(api_key="x",
  base_url="http://test"); client.files`. Touching `files` imports that resource's module and, through
  it, the models it uses (for ours: the single `models` module, every model of the spec). Timed inside
  the child as in 6.
- 9: synthetic specs (bench/synthetic.py): N paths, each one GET with 2 query parameters answering a
  component model; N/4 component schemas; 25 operations per tag. 9a: whole-process wall time / N at
  4,000 vs at 200 (start-up and fixed costs weigh most on the small spec). 9b: the marginal cost per
  operation from 1,000 to 4,000 vs from 200 to 1,000, which isolates any superlinear growth.
- 12 (bench/schema_scaling.py, also runnable alone): synthetic specs of 200, 1,000 and 4,000 component
  models (`synthetic_models_spec`: each model an object with an inline enum and a nested object, so
  three classes, references within groups of 25, one GET per four models). Each build's stages run
  in order in a fresh child (bench/stage_times.py: load + resolve, lower, the models' preparation,
  the library, our finishing of its source, the client's templates, writing, ruff), the library
  warmed up first. 12a: the whole build's milliseconds per class at the largest size vs the
  smallest; 12b: the same for the stage that grows the most of those taking 2% of the build or more.
- 13, 14 (bench/big_specs.py): `python -m generator build --spec tests/real_specs/stripe.yaml`
  (box.json) into an empty folder vs `datamodel-codegen --input SPEC --input-file-type openapi
  --output TMP/models --output-model-type pydantic_v2.BaseModel` (a folder: stripe's dotted schema
  names give modules), alternating. 13b: the largest resident set of a process of our build (the
  build or a models worker; `ru_maxrss` of the children of a small parent that runs the build),
  PASS under 600 MB; its details give the peak of the process tree's PSS summed, sampled every 50 ms.
- 15: the stripe package built once; in a fresh interpreter, timed inside it as in 6: `import httpx;
  import stripe_client; client = stripe_client.Client(..., http_client=httpx.Client(transport=
  httpx.MockTransport(...)))` and `client.customers.get_customer("cus_1")`, answered with a customer,
  parsed into `Customer` (921 of the 4,774 classes reach it); vs `import httpx, pydantic`. PASS when
  ours is at most 500 ms above the floor.
- 16, 17 (bench/peer_builds.py, also runnable alone, with the stage profile of each build): as row
  1, on `tests/real_specs/openai.yaml` (16) and on a synthetic spec of Cloudflare's size and shapes
  (17; bench/cloudflare_like.py: 1,533 operations, 3,716 component schemas, 4.2 MB of JSON), judged
  by median CPU time. openapi-python-client does not build `box.json` or `stripe.yaml` (duplicate
  enum members), so those have no row against it.
"""


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "us":
        return f"{value:.1f} us"
    if unit == "B":
        return f"{value / 1e6:.2f} MB"
    return f"{value:g} {unit}"


def cells(row: Row) -> tuple[str, ...]:
    ratio = f"{row.ratio:.2f}x"
    if row.target.kind == "delta":
        ratio += f" ({row.ours - row.peer:+.0f} {row.unit})"
    return (
        row.number,
        row.measure,
        fmt(row.ours, row.unit),
        fmt(row.peer, row.unit),
        ratio,
        row.target.text,
        "PASS" if row.passed else "MISS",
    )


def console_table(rows: Sequence[Row]) -> str:
    table = [HEADERS, *(cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    right = {2, 3, 4}

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if i in right else v.ljust(w) for i, (v, w) in enumerate(zip(values, widths, strict=True))
        )

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(HEADERS), rule, *(line(values) for values in table[1:])])


def markdown_table(rows: Sequence[Row]) -> str:
    lines = [
        "| " + " | ".join(HEADERS) + " |",
        "|" + "|".join(["---", "---", "--:", "--:", "--:", "---", "---"]) + "|",
    ]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in cells(row)) + " |" for row in rows]
    return "\n".join(lines)


def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor() or "unknown"
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else "unknown"


def generator_version(code: Path) -> str:
    text = (code / "generator" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'__version__\s*=\s*"([^"]+)"', text)
    return match.group(1) if match else "unknown"


def package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine(
    measured: str, code: Path, load_before: tuple[float, float, float], load_after: tuple[float, float, float]
) -> list[str]:
    versions = ", ".join(f"{name} {package_version(name)}" for name in PACKAGES)
    before, after = ("/".join(f"{v:.2f}" for v in load) for load in (load_before, load_after))
    return [
        f"- CPU: {cpu_model()}, {os.cpu_count()} logical cores; "
        f"load average (1/5/15 min) {before} at start, {after} at end",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), {platform.platform()}",
        f"- openapi-client-generator {generator_version(code)}: {measured}",
        f"- {versions}",
    ]


def existing_notes(path: Path) -> str:
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    index = text.find(NOTES_HEADING)
    return text[index:].rstrip() + "\n" if index >= 0 else ""


def markdown(
    rows: Sequence[Row],
    failures: Sequence[str],
    info: list[str],
    started: datetime,
    minutes: float,
    notes: str,
    command: str,
) -> str:
    samples = [f"- {row.number}: {detail}" for row in rows for detail in row.details]
    failed = ["", "Failed measures (no figures):", "", *(f"- {line}" for line in failures)] if failures else []
    passed = sum(row.passed for row in rows)
    parts = [
        "# Benchmarks",
        "",
        f"Measured {started.astimezone(UTC):%Y-%m-%d %H:%M} UTC by `bench/run.py` in {minutes:.1f} min: "
        f"{passed} of {len(rows)} rows meet their target. Reproduce with `{COMMAND}` from the repository "
        "root (`--quick` for fewer repetitions, `--only 1,4` for some measures; only a full default run "
        f"rewrites this file). This run: `{command}`.",
        "",
        markdown_table(rows),
        *failed,
        "",
        "## Machine",
        "",
        *info,
        "",
        "## Method",
        "",
        METHOD.rstrip(),
        "",
        "## Samples",
        "",
        *samples,
        "",
    ]
    text = "\n".join(parts)
    return text + ("\n" + notes if notes else "")
