"""Rows 6 and 8: import cost in a fresh interpreter, timed inside it around the import statements.

Timing inside the child excludes the interpreter's own start-up (what `python -c pass` costs) by
construction; that start-up is still measured and listed in the details for reference.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from builds import our_build
from common import PLATFORM_SPEC, PYTHON, Row, Settings, Target, child_env, median

_MARK = "BENCH-RESULT="
_TIMED = """import sys, time, json
started, cpu_started = time.perf_counter(), time.process_time()
{body}
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
package = {package!r}
print({mark!r} + json.dumps({{"seconds": seconds, "cpu": cpu, "modules": len(sys.modules),
    "own": sum(1 for m in sys.modules if package and (m == package or m.startswith(package + ".")))}}))
"""


@dataclass(frozen=True)
class ImportSample:
    seconds: float
    cpu: float  # process CPU time over the same statements: steadier when the machine is shared
    modules: int  # in sys.modules once done, the interpreter's own included
    own: int  # modules of the measured package


def timed_import(body: str, package: str, settings: Settings, pythonpath: Path | None = None) -> ImportSample:
    code = _TIMED.format(body=body, package=package, mark=_MARK)
    result = settings.run([PYTHON, "-c", code], env=child_env(settings.scratch, pythonpath))
    line = next(line for line in result.stdout.splitlines() if line.startswith(_MARK))
    data = json.loads(line.removeprefix(_MARK))
    return ImportSample(float(data["seconds"]), float(data["cpu"]), int(data["modules"]), int(data["own"]))


def compare_imports(
    settings: Settings, ours: tuple[str, str, Path | None], peer: tuple[str, str, Path | None]
) -> tuple[list[ImportSample], list[ImportSample]]:
    """Each (body, package, pythonpath) once to warm the bytecode cache, then alternately."""
    timed_import(*ours[:2], settings, ours[2])
    timed_import(*peer[:2], settings, peer[2])
    ours_samples: list[ImportSample] = []
    peer_samples: list[ImportSample] = []
    for _ in range(settings.process_repeats):
        ours_samples.append(timed_import(*ours[:2], settings, ours[2]))
        peer_samples.append(timed_import(*peer[:2], settings, peer[2]))
    return ours_samples, peer_samples


def startup_ms(settings: Settings) -> float:
    """Wall time of `python -c pass`: the floor both sides' processes pay before importing anything."""
    settings.run([PYTHON, "-c", "pass"])
    return median([settings.run([PYTHON, "-c", "pass"]).wall for _ in range(settings.process_repeats)]) * 1e3


def _ms(samples: list[ImportSample]) -> list[float]:
    return [s.seconds * 1e3 for s in samples]


def _detail(name: str, samples: list[ImportSample]) -> str:
    values = ", ".join(f"{v:.0f}" for v in _ms(samples))
    cpu = median([s.cpu for s in samples]) * 1e3
    return (
        f"{name}: {values} ms (median CPU {cpu:.0f} ms); "
        f"{samples[-1].modules} modules loaded ({samples[-1].own} of the package)"
    )


def package_import(settings: Settings) -> list[Row]:
    """Row 6: `import llamacloud` vs `import httpx, pydantic` alone."""
    ours, peer = compare_imports(
        settings,
        ("import llamacloud", "llamacloud", settings.generated),
        ("import httpx, pydantic", "", None),
    )
    return [
        Row(
            "6",
            "`import llamacloud` (fresh interpreter) vs `import httpx, pydantic` alone",
            median(_ms(ours)),
            median(_ms(peer)),
            "ms",
            Target("delta", 60.0, "<= floor + 60 ms"),
            [
                _detail("ours `import llamacloud` (PYTHONPATH=generated)", ours),
                _detail("floor `import httpx, pydantic`", peer),
                f"interpreter start-up (`python -c pass`, wall): {startup_ms(settings):.0f} ms, excluded",
            ],
        )
    ]


PLATFORM_TOUCH = """import llamaplatform
client = llamaplatform.Client(api_key="x", base_url="http://test")
client.files"""
LLAMA_CLOUD_TOUCH = """import llama_cloud
client = llama_cloud.LlamaCloud(api_key="x", base_url="http://test")
client.files"""


def platform_import(settings: Settings) -> list[Row]:
    """Row 8: the package generated from the platform spec vs llama-cloud 2.10.0, each imported,
    a client constructed and its `files` resource touched (which loads that resource's module and,
    through it, the models it uses)."""
    out = settings.scratch / "row8"
    settings.run(our_build(PLATFORM_SPEC, out, "llamaplatform"))
    ours, peer = compare_imports(
        settings, (PLATFORM_TOUCH, "llamaplatform", out), (LLAMA_CLOUD_TOUCH, "llama_cloud", None)
    )
    return [
        Row(
            "8",
            "platform package: import + Client(...) + `client.files` vs llama-cloud 2.10.0 same",
            median(_ms(ours)),
            median(_ms(peer)),
            "ms",
            Target("ratio", 0.5, "<= 0.50x"),
            [
                _detail("ours `import llamaplatform; Client(...).files`", ours),
                _detail("peer `import llama_cloud; LlamaCloud(...).files`", peer),
            ],
        )
    ]
