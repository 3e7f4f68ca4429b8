"""The generator and the package it generates are ruff-clean and pass `mypy --strict`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support.shared import mypy_cache

ROOT = Path(__file__).resolve().parents[1]


def run(*command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def test_the_repository_passes_ruff() -> None:
    """`ruff check .` at the root, as a maintainer runs it: the generator, the runtime, tests, benchmarks."""
    done = run(sys.executable, "-m", "ruff", "check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_repository_is_formatted() -> None:
    """`ruff format --check .` at the root (the README's Python blocks included)."""
    done = run(sys.executable, "-m", "ruff", "format", "--check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_generator_passes_mypy_strict() -> None:
    done = run(sys.executable, "-m", "mypy", "--strict", "generator")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_generated_package_passes_mypy_strict_and_ruff(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    generated = ROOT / "generated"  # only read: the caches go elsewhere
    cache = mypy_cache(tmp_path_factory, tmp_path / "mypy")  # the project's configuration, not MYPY_STRICT
    done = run(sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), "llamacloud", cwd=generated)
    assert done.returncode == 0, done.stdout + done.stderr
    done = run(sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "llamacloud", cwd=generated)
    assert done.returncode == 0, done.stdout + done.stderr
