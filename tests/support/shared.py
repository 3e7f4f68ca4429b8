"""Builds made once per test run and shared by every test that reads them, parallel workers included.

A build runs `python -m generator build` in a subprocess into a folder of the run's common temporary
directory, under a file lock: the first worker to ask builds, the others wait for it and read the
same folder. Tests that change a build work on a copy (`copy_build`).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest
import update_goldens as goldens  # tests/ is on sys.path (conftest.py)


@dataclass(frozen=True)
class Build:
    out: Path  # the folder holding the package folder (and the build stamp)
    package: str
    returncode: int
    stdout: str
    stderr: str

    @property
    def target(self) -> Path:
        return self.out / self.package


@dataclass(frozen=True)
class Wanted:
    """A build to share: `spec` built as `package` under PYTHONHASHSEED `seed` (None: the caller's)."""

    spec: Path
    package: str
    seed: str | None = "0"

    @property
    def name(self) -> str:
        where = hashlib.sha256(str(self.spec).encode()).hexdigest()[:10]
        return f"{self.package}-{self.seed or 'env'}-{where}"


def run_folder(factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of this test run: under pytest-xdist each worker has its own base folder
    inside the run's, which all of them share; without workers, the base folder itself."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Holds an exclusive lock on `path` (created if needed): across processes and across threads."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_once(factory: pytest.TempPathFactory, wanted: Wanted) -> Build:
    """The build of `wanted` in this run, made by whichever test asks first. A failed build is kept
    too (exit code and output), so every test that reads it reports the failure."""
    shared = run_folder(factory) / "shared-builds"
    shared.mkdir(exist_ok=True)
    folder = shared / wanted.name
    result = folder / "result.json"
    with locked(shared / f"{wanted.name}.lock"):
        if not result.is_file():
            shutil.rmtree(folder, ignore_errors=True)  # what a build interrupted earlier left
            folder.mkdir()
            out = folder / "out"
            args: list[str | os.PathLike[str]] = ["--spec", wanted.spec, "--out", out, "--package", wanted.package]
            env = goldens.generator_env(None if wanted.seed is None else {"PYTHONHASHSEED": wanted.seed})
            done = subprocess.run(
                goldens.build_command(*args),
                cwd=goldens.REPO,
                env=env,
                capture_output=True,
                text=True,
                check=False,
                timeout=300,
            )
            made = Build(out, wanted.package, done.returncode, done.stdout, done.stderr)
            fields = {**asdict(made), "out": str(out)}
            staged = folder / "result.json.part"
            staged.write_text(json.dumps(fields), encoding="utf-8")
            staged.rename(result)
    fields = json.loads(result.read_text(encoding="utf-8"))
    return Build(**{**fields, "out": Path(fields["out"])})


def build_all_once(factory: pytest.TempPathFactory, wanted: Sequence[Wanted]) -> list[Build]:
    """Several shared builds, run concurrently (each build is a subprocess of its own)."""
    with ThreadPoolExecutor(max_workers=max(len(wanted), 1)) as pool:
        return list(pool.map(lambda w: build_once(factory, w), wanted))


def main_spec(seed: str = "0") -> Wanted:
    """spec/ built as `llamacloud`, as `python -m generator build` does in the repository."""
    return Wanted(goldens.REPO / "spec" / "openapi.yaml", goldens.MAIN_PACKAGE, seed)


def copy_build(build: Build, out: Path) -> Path:
    """A private copy of a shared build's out folder (build stamp and mtimes kept) that a test may change."""
    assert build.returncode == 0, f"the build failed (exit {build.returncode}):\n{build.stdout}{build.stderr}"
    shutil.copytree(build.out, out)
    return out
