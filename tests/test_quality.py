"""The generator and the package it generates are ruff-clean and pass `mypy --strict`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def test_generator_passes_ruff() -> None:
    done = run(sys.executable, "-m", "ruff", "check", "generator", "tests")
    assert done.returncode == 0, done.stdout + done.stderr


def test_generator_is_formatted() -> None:
    done = run(sys.executable, "-m", "ruff", "format", "--check", "generator")
    assert done.returncode == 0, done.stdout + done.stderr


def test_generator_passes_mypy_strict() -> None:
    done = run(sys.executable, "-m", "mypy", "--strict", "generator")
    assert done.returncode == 0, done.stdout + done.stderr


def test_generated_package_passes_mypy_strict_and_ruff() -> None:
    generated = ROOT / "generated"
    done = run(sys.executable, "-m", "mypy", "--strict", "--no-incremental", "llamacloud", cwd=generated)
    assert done.returncode == 0, done.stdout + done.stderr
    done = run(sys.executable, "-m", "ruff", "check", "--isolated", "llamacloud", cwd=generated)
    assert done.returncode == 0, done.stdout + done.stderr
