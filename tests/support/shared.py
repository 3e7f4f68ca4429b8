"""Work done once per test run and shared by every test that needs it, parallel workers included:
builds of a spec, and a mypy cache of what generated packages import.

Each is made in a folder of the run's common temporary directory, under a file lock: the first
worker to ask makes it, the others wait for it and read the same folder. Tests that change a build
work on a copy (`copy_build`); each mypy run gets a copy of the cache (`mypy_cache`).
"""

from __future__ import annotations

import ast
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
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
    """A build to share: `spec` built as `package` under PYTHONHASHSEED `seed` (None: the caller's),
    with further command-line `options` (`--custom DIR`, ...). `project`: the project's own build,
    which reads `[tool.generator]` (custom code, templates, overlays) as `python -m generator build`
    does; every other build is `--isolated` from it."""

    spec: Path
    package: str
    seed: str | None = "0"
    options: tuple[str, ...] = ()
    project: bool = False
    # Built in a mirror of the repository (`mirror_project`), as `python -m generator build` builds
    # `generated/llamacloud`: the README's install commands then name `generated/<package>`.
    in_project: bool = False

    @property
    def name(self) -> str:
        parts = [str(self.spec), *self.options, "project" * self.project, "mirror" * self.in_project]
        where = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:10]
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


def made_once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder `name` of this run, filled by `make` for whichever test asks first; the others wait
    for it. `make` is called on an empty folder; the folder counts as made once `make` returns."""
    shared = run_folder(factory) / "shared"
    shared.mkdir(exist_ok=True)
    folder, done = shared / name, shared / f"{name}.done"
    with locked(shared / f"{name}.lock"):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what an interrupted `make` left
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


def mirror_project(folder: Path) -> None:
    """`folder` as the repository seen from a build: its pyproject.toml and every top-level entry but
    `generated/` (linked), so `[tool.generator]`'s relative paths hold and the output lands in
    `folder/generated`, named `generated/<package>` by the README's install commands."""
    for entry in goldens.REPO.iterdir():
        if entry.name == "pyproject.toml":
            shutil.copyfile(entry, folder / entry.name)
        elif entry.name not in {"generated", ".git"}:
            (folder / entry.name).symlink_to(entry)


def build_once(factory: pytest.TempPathFactory, wanted: Wanted) -> Build:
    """The build of `wanted` in this run, made by whichever test asks first. A failed build is kept
    too (exit code and output), so every test that reads it reports the failure."""

    def build(folder: Path) -> None:
        out = folder / ("generated" if wanted.in_project else "out")
        if wanted.in_project:
            mirror_project(folder)
        args: list[str | os.PathLike[str]] = [
            *("--spec", wanted.spec, "--out", out, "--package", wanted.package),
            *wanted.options,
        ]
        env = goldens.generator_env(None if wanted.seed is None else {"PYTHONHASHSEED": wanted.seed})
        project = wanted.project or wanted.in_project
        command = goldens.project_build_command if project else goldens.build_command
        done = subprocess.run(
            command(*args),
            cwd=folder if wanted.in_project else goldens.REPO,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        made = Build(out, wanted.package, done.returncode, done.stdout, done.stderr)
        (folder / "result.json").write_text(json.dumps({**asdict(made), "out": str(out)}), encoding="utf-8")

    folder = made_once(factory, f"build-{wanted.name}", build)
    fields = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    return Build(**{**fields, "out": Path(fields["out"])})


def build_all_once(factory: pytest.TempPathFactory, wanted: Sequence[Wanted]) -> list[Build]:
    """Several shared builds, run concurrently (each build is a subprocess of its own)."""
    factory.getbasetemp()  # made here, once: the first call empties a given --basetemp, racing the threads
    with ThreadPoolExecutor(max_workers=max(len(wanted), 1)) as pool:
        return list(pool.map(lambda w: build_once(factory, w), wanted))


def main_spec(seed: str = "0") -> Wanted:
    """spec/ built as `llamacloud`, as `python -m generator build` does in the repository (its
    `[tool.generator]` settings included), into a folder of the run."""
    return Wanted(goldens.REPO / "spec" / "openapi.yaml", goldens.MAIN_PACKAGE, seed, project=True)


def copy_build(build: Build, out: Path) -> Path:
    """A private copy of a shared build's out folder (build stamp and mtimes kept) that a test may change."""
    assert build.returncode == 0, f"the build failed (exit {build.returncode}):\n{build.stdout}{build.stderr}"
    shutil.copytree(build.out, out)
    return out


# The flags of every `mypy --strict` run over a generated package that starts from `mypy_cache`.
MYPY_STRICT = ("--strict", "--python-version", "3.11", "--config-file=")


def dependencies_cache_folder() -> Path:
    """Where the analysed dependencies of this environment (a checkout's venv) are kept between runs:
    mypy checks a cache against the sources it was made from, so an upgraded dependency is analysed
    again, and a second run starts warm."""
    environment = hashlib.sha256(sys.prefix.encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / "openapi-client-generator-mypy" / environment


def mypy_cache(factory: pytest.TempPathFactory, dest: Path) -> Path:
    """A mypy cache at `dest` that already holds what generated packages import (the standard library
    modules, pydantic, httpx: most of a run's time), analysed once per environment and refreshed once
    per test run (fast when nothing changed). The package itself is not in it, so mypy checks every
    module of the package as from an empty cache."""

    def analyse(folder: Path) -> None:
        imported: set[str] = set()
        for path in sorted((goldens.GENERATED / goldens.MAIN_PACKAGE).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    imported.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    imported.add(node.module)
        imported.discard("__future__")
        (folder / "_dependencies").mkdir()
        lines = "".join(f"import {name}\n" for name in sorted(imported))
        (folder / "_dependencies" / "__init__.py").write_text(lines, encoding="utf-8")
        kept = dependencies_cache_folder()
        kept.parent.mkdir(parents=True, exist_ok=True)
        with locked(kept.with_name(kept.name + ".lock")):
            subprocess.run(
                [sys.executable, "-m", "mypy", *MYPY_STRICT, "--cache-dir", str(kept), "-p", "_dependencies"],
                cwd=folder,
                env={**os.environ, "MYPYPATH": ""},
                capture_output=True,
                check=False,
                timeout=300,
            )
            shutil.copytree(kept, folder / "cache")

    shutil.copytree(made_once(factory, "mypy-cache", analyse) / "cache", dest)
    return dest


@contextmanager
def kept_mypy_cache(factory: pytest.TempPathFactory, label: str) -> Iterator[Path]:
    """A mypy cache of this environment kept between runs under `label`, for a run over files whose
    paths do not change from one run to the next (the committed goldens): mypy checks each module
    against it (size, time, then content), so a second run re-checks only what changed. Started from
    the analysed dependencies; held exclusively while yielded."""
    kept = dependencies_cache_folder().with_name(dependencies_cache_folder().name + "-" + label)
    kept.parent.mkdir(parents=True, exist_ok=True)
    with locked(kept.with_name(kept.name + ".lock")):
        if not kept.exists():
            mypy_cache(factory, kept)
        yield kept
