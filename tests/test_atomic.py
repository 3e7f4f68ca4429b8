"""A build that fails at any point leaves the output exactly as it was, and never deletes a file it
did not write: a late failure (formatting, the final swap), Ctrl-C, a read-only folder."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support.shared import build_once, copy_build, main_spec

from generator import formatting, pipeline
from generator.cli import main

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "spec" / "openapi.yaml"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and ".generator-cache" not in p.parts
    }


@pytest.fixture
def built(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """A copy of spec/ built into `out` (the run's shared build), made into an older build: every
    generated file differs from what the next build writes."""
    out = copy_build(build_once(tmp_path_factory, main_spec()), tmp_path / "out")
    for path in (out / "llamacloud").rglob("*.py"):
        path.write_bytes(path.read_bytes() + b"# older\n")
    return out


def build_again(out: Path) -> int:
    return main(["build", "--spec", str(SPEC), "--out", str(out), "--package", "llamacloud"])  # the project's


def fail_with(error: BaseException) -> Callable[..., Any]:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise error

    return fail


@pytest.mark.parametrize(
    ("target", "name"),
    [(formatting, "format_tree"), (pipeline, "swap_in")],
)
def test_a_late_failure_leaves_the_output_as_it_was(
    built: Path, target: Any, name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(built)
    monkeypatch.setattr(target, name, fail_with(OSError(28, "No space left on device")))
    assert build_again(built) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert snapshot(built) == before
    assert sorted(p.name for p in built.iterdir() if p.name != ".generator-cache") == ["llamacloud"]


def test_ctrl_c_leaves_the_output_as_it_was(
    built: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(built)
    monkeypatch.setattr(formatting, "format_tree", fail_with(KeyboardInterrupt()))
    assert build_again(built) == 130
    assert "interrupted; nothing was written." in capsys.readouterr().err
    assert snapshot(built) == before
    assert sorted(p.name for p in built.iterdir() if p.name != ".generator-cache") == ["llamacloud"]


def test_ctrl_c_during_the_swap_puts_the_old_tree_back(
    built: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The interrupt lands between moving the old tree aside and moving the new one in."""
    before = snapshot(built)
    real_rename = os.rename
    calls: list[str] = []

    def rename(source: Any, destination: Any) -> None:
        calls.append(Path(destination).name)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_rename(source, destination)

    monkeypatch.setattr(os, "rename", rename)
    assert build_again(built) == 130
    capsys.readouterr()
    assert snapshot(built) == before
    assert sorted(p.name for p in built.iterdir() if p.name != ".generator-cache") == ["llamacloud"]


def test_a_read_only_output_folder_fails_cleanly(
    built: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The tests may run as root, for whom permissions do not apply: the refusal is simulated where
    # the operating system would raise it, at the first write into the output folder.
    before = snapshot(built)
    monkeypatch.setattr(pipeline, "stage_dir", fail_with(PermissionError(13, "Permission denied", str(built))))
    assert build_again(built) == 2
    err = capsys.readouterr().err
    assert "Permission denied" in err and "nothing was written." in err and "Traceback" not in err
    assert snapshot(built) == before


def test_a_file_the_build_did_not_write_is_never_deleted(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = built / "llamacloud" / "my_notes.txt"
    notes.write_text("mine\n", encoding="utf-8")
    before = snapshot(built)
    assert build_again(built) == 2
    err = capsys.readouterr().err
    assert "holds files this generator did not write: my_notes.txt" in err
    assert "move your own code to a folder named by `custom` in [tool.generator]" in err
    assert snapshot(built) == before
