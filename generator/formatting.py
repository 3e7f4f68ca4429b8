"""Runs ruff once over the whole staged tree: prune unused imports, sort them, format."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .errors import Diagnostic, SpecError

# Isolated from any project config, at ruff's default line length, so the output depends only on
# the pinned ruff version and a plain `ruff check` of the vendored package agrees with it.
_COMMON = ["--isolated", "--no-cache", "--target-version", "py311"]
_FIXES = "F401,I,RUF022,UP007,UP045"


def _ruff() -> str:
    from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

    return str(find_ruff_bin())


def format_tree(root: Path) -> None:
    ruff = _ruff()
    steps = [
        # F401, I, RUF022: unused imports, their order, `__all__` sorted; UP007/UP045: `X | None` where
        # the models library writes `Optional[list["X"]]` for a forward reference.
        [ruff, "check", *_COMMON, "--select", _FIXES, "--fix", "--quiet", "--exit-zero", str(root)],
        [ruff, "format", *_COMMON, "--quiet", str(root)],
    ]
    for command in steps:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()
            raise SpecError(
                [
                    Diagnostic(
                        "the generated code could not be formatted (a generator bug): "
                        + (detail[0] if detail else f"ruff exited {done.returncode}"),
                        hint="run with --debug and report the spec that triggers it",
                    )
                ]
            )
