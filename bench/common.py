"""What every measure shares: paths, settings, the result row, and timing of child processes."""

from __future__ import annotations

import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PYTHON = sys.executable
PLATFORM_SPEC = REPO / "tests" / "real_specs" / "llamacloud-platform.json"
PROCESS_TIMEOUT = 900.0
# What a run measures, copied once at its start so that every row sees the same code even while the
# tree is being edited: the generator, its templates and config, the spec and the committed client.
MEASURED_PARTS = ("generator", "templates", "spec", "generated", "pyproject.toml")
_NOT_COPIED = ("__pycache__", ".mypy_cache", ".ruff_cache", ".generator-cache", ".pytest_cache")


@dataclass(frozen=True)
class Settings:
    """How hard to measure: repetitions of child processes, of in-process loops, and calls per loop."""

    process_repeats: int
    loop_repeats: int
    calls: int
    scratch: Path  # a private temporary folder, removed at the end of the run
    code: Path  # the snapshot measured: MEASURED_PARTS, children's working directory

    @property
    def env(self) -> dict[str, str]:
        return child_env(self.scratch)

    @property
    def seed_spec(self) -> Path:
        return self.code / "spec" / "openapi.yaml"

    @property
    def generated(self) -> Path:
        return self.code / "generated"

    def run(
        self, command: Sequence[str], ok_codes: tuple[int, ...] = (0,), env: dict[str, str] | None = None
    ) -> ProcessTime:
        """Runs `command` in the snapshot, with the common child environment unless `env` is given."""
        return run_process(command, self.env if env is None else env, self.code, ok_codes)


def git(*args: str) -> str:
    """Output of a read-only git command in the repository ("" if it fails)."""
    done = subprocess.run(["git", "--no-optional-locks", *args], cwd=REPO, capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


def snapshot(source: str, into: Path) -> tuple[Path, str]:
    """Copies MEASURED_PARTS into `into`, from the working tree (`working`) or from the commit HEAD
    points at now (`head`, through the read-only `git archive`); returns the copy and a description
    of what was copied, taken at the same moment."""
    into.mkdir(parents=True)
    commit = git("rev-parse", "HEAD")
    if source == "working":
        changed = git("status", "--porcelain", "--", *MEASURED_PARTS).splitlines()
        for part in MEASURED_PARTS:
            origin = REPO / part
            if origin.is_dir():
                shutil.copytree(origin, into / part, ignore=shutil.ignore_patterns(*_NOT_COPIED))
            elif origin.is_file():
                shutil.copy2(origin, into / part)
        state = f"with {len(changed)} uncommitted change(s)" if changed else "with no local changes"
        return (
            into,
            f"working tree at commit {commit[:7] or 'unknown'} {state}, copied at the start of the run",
        )
    if not commit:
        raise SystemExit("--source head needs git and a commit")
    archive = subprocess.run(
        ["git", "--no-optional-locks", "archive", "--format=tar", commit, "--", *MEASURED_PARTS],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into, f"commit {commit[:7]} (`--source head`: its committed files, through `git archive`)"


@dataclass(frozen=True)
class Target:
    """`ratio`: PASS when ours / peer <= limit; `delta`: when ours - peer <= limit, in the row's unit;
    `max`: when ours < limit, whatever the peer's."""

    kind: str
    limit: float
    text: str

    def met(self, ours: float, peer: float) -> bool:
        if self.kind == "ratio":
            return ours <= self.limit * peer
        if self.kind == "max":
            return ours < self.limit
        return ours - peer <= self.limit


@dataclass(frozen=True)
class Row:
    number: str
    measure: str
    ours: float
    peer: float
    unit: str  # "s", "ms", "us", "B"
    target: Target
    details: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.ours / self.peer if self.peer else float("inf")

    @property
    def passed(self) -> bool:
        return self.target.met(self.ours, self.peer)


def child_env(scratch: Path, pythonpath: Path | None = None) -> dict[str, str]:
    """Environment of every child process, the same for ours and the peers.

    Bytecode goes to a private PYTHONPYCACHEPREFIX (nothing is written into the tree) and is allowed
    even when the caller's environment sets PYTHONDONTWRITEBYTECODE, so that after one discarded
    warm-up run each measured process loads .pyc files, as an installed package would. The venv's
    bin folder leads PATH so that openapi-python-client finds ruff for its post-hooks.
    """
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONDONTWRITEBYTECODE", "PYTHONPATH"}}
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return env


@dataclass(frozen=True)
class ProcessTime:
    wall: float
    cpu: float  # user + system of the child and every descendant it waited for (ruff, ...)
    stdout: str


def run_process(
    command: Sequence[str], env: dict[str, str], cwd: Path, ok_codes: tuple[int, ...] = (0,)
) -> ProcessTime:
    """Runs `command` to completion; wall time around it, CPU time from the children's rusage."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        list(command), cwd=cwd, env=env, capture_output=True, text=True, timeout=PROCESS_TIMEOUT, check=False
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in ok_codes:
        raise RuntimeError(
            f"`{' '.join(command)}` exited {done.returncode}:\n{done.stderr[-2000:] or done.stdout[-2000:]}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return ProcessTime(wall, cpu, done.stdout + done.stderr)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def interleaved(repeats: int, runs: dict[str, Callable[[int], ProcessTime]]) -> dict[str, list[ProcessTime]]:
    """Runs each callable once per repetition, alternating them so drifting machine load hits all alike."""
    samples: dict[str, list[ProcessTime]] = {name: [] for name in runs}
    for index in range(repeats):
        for name, run in runs.items():
            samples[name].append(run(index))
    return samples


def walls(samples: list[ProcessTime]) -> list[float]:
    return [sample.wall for sample in samples]


def cpus(samples: list[ProcessTime]) -> list[float]:
    return [sample.cpu for sample in samples]


def cpu_ratio(ours: list[ProcessTime], peer: list[ProcessTime]) -> str:
    """The ratio by median CPU time: steadier than wall time when other work shares the machine."""
    return f"ratio by median CPU time instead of wall time: {median(cpus(ours)) / median(cpus(peer)):.2f}x"


def describe(name: str, samples: list[ProcessTime]) -> str:
    """One details line: every wall time and the median CPU time of a command's runs."""
    wall_text = ", ".join(f"{s.wall:.2f}" for s in samples)
    cpu = median(cpus(samples))
    return f"{name}: wall {wall_text} s (median {median(walls(samples)):.2f} s); median CPU {cpu:.2f} s"
