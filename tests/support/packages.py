"""Builds a small spec into a folder and imports the package, for tests of one generator feature."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from generator.cli import main


@contextmanager
def built_package(root: Path, spec: str, package: str) -> Iterator[ModuleType]:
    """`spec` (YAML text) built into `root/package` and imported; unimported again on exit."""
    (root / "spec.yaml").write_text(textwrap.dedent(spec), encoding="utf-8")
    assert (
        main(["build", "--isolated", "--spec", str(root / "spec.yaml"), "--out", str(root), "--package", package]) == 0
    )
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]
