"""A spec as it was at a git revision: every file of the spec's folder at that revision (`git ls-tree`,
`git show REF:path`) written into a scratch folder, so a spec split over many files reads as it was."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ..errors import Diagnostic, SpecError


def spec_at(spec: Path, ref: str, scratch: Path) -> Path:
    """The root file of `spec` at revision `ref`, its folder written under `scratch`."""
    top = Path(_git(spec.parent, "rev-parse", "--show-toplevel").strip())
    folder = spec.parent.resolve().relative_to(top.resolve()).as_posix()
    listed = _git(top, "ls-tree", "-r", "-z", "--name-only", f"{ref}^{{tree}}", "--", folder or ".")
    names = [name for name in listed.split("\0") if name]
    root = spec.resolve().relative_to(top.resolve()).as_posix()
    if root not in names:
        raise SpecError(
            [Diagnostic(f"{root} does not exist at {ref}", hint="pick a revision that has the spec, or pass OLD NEW")]
        )
    for name in names:
        target = scratch / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_git_bytes(top, "show", f"{ref}:{name}"))
    return scratch / root


def _git(cwd: Path, *args: str) -> str:
    return _git_bytes(cwd, *args).decode("utf-8", "surrogateescape")


def _git_bytes(cwd: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60)
    except OSError as exc:
        raise SpecError(
            [Diagnostic(f"cannot run git: {exc.strerror or exc}", hint="install git, or pass OLD NEW")]
        ) from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SpecError(
            [
                Diagnostic(
                    f"git {args[0]} failed: {reason[-1] if reason else f'exit {done.returncode}'}",
                    hint="--against takes a revision of the repository holding the spec (a tag, a branch, HEAD~1)",
                )
            ]
        )
    return done.stdout
