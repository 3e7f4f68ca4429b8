"""Time of each stage of one build, measured in a fresh child process running the stages in order.

The child runs what `python -m generator build` runs, one stage after the other in one process (the
models worker's overlap is left out, so each stage's own cost shows): load and resolve, lower, the
models (our preparation of the schemas, datamodel-code-generator, our finishing of its source), the
client's templates, writing and ruff. The library is imported and warmed up first, as the build's
worker does while the spec is read, so no stage carries a one-time import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from common import PYTHON, Settings

STAGES = (
    "load + resolve",
    "lower",
    "models: prepare",
    "models: library",
    "models: finish",
    "client templates",
    "write",
    "ruff",
)
_MARK = "STAGE-TIMES="
_CHILD = """
import json, sys, tempfile, time
from pathlib import Path

from generator.formatting import format_tree
from generator.loader import SourceFiles
from generator.lower import lower
from generator.overlay import apply_overlays
from generator.pipeline import spec_hash
from generator.render.models import ModelsRequest, field_aliases, finish_models, library_models, models_document
from generator.render.model_names import settle_names
from generator.render.models_worker import WARM_UP
from generator.render.models import render_models
from generator.render.package import render_package
from generator.resolver import resolve
from generator.writer import write_files

render_models(WARM_UP)
spec = Path({spec!r}).resolve()
times = {{}}
clock = time.perf_counter()

def lap(name):
    global clock
    now = time.perf_counter()
    times[name] = now - clock
    clock = now

sources = SourceFiles()
apply_overlays(spec, (), sources)
resolved = resolve(spec, sources, allow_remote=False)
lap("load + resolve")
api = lower(resolved, "measured", spec_hash(sources, spec))
lap("lower")
request = ModelsRequest.of(api)
document, aliases = models_document(request), field_aliases(request.schemas)
lap("models: prepare")
raw, classes = library_models(document, aliases)
lap("models: library")
source = finish_models(settle_names(raw, classes), request)
lap("models: finish")
files = render_package(api, source)
lap("client templates")
with tempfile.TemporaryDirectory() as scratch:
    folder = Path(scratch) / "measured"
    clock = time.perf_counter()
    write_files(folder, files)
    lap("write")
    format_tree(folder)
    lap("ruff")
print({mark!r} + json.dumps({{"times": times, "schemas": len(api.schemas), "operations": len(api.operations())}}))
"""


@dataclass(frozen=True)
class StageTimes:
    seconds: dict[str, float]  # stage -> wall seconds
    schemas: int  # classes of the models module
    operations: int

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


def stage_times(spec: Path, settings: Settings) -> StageTimes:
    """Runs the stages over `spec` in a fresh interpreter (in the measured snapshot)."""
    result = settings.run([PYTHON, "-c", _CHILD.format(spec=str(spec), mark=_MARK)])
    line = next(line for line in result.stdout.splitlines() if line.startswith(_MARK))
    data = json.loads(line.removeprefix(_MARK))
    return StageTimes({k: float(v) for k, v in data["times"].items()}, int(data["schemas"]), int(data["operations"]))
